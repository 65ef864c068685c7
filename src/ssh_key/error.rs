//! Why a string is not an acceptable OpenSSH public key, in words a user can act on.

use super::{MAX_KEY_LEN, MIN_RSA_BITS, SUPPORTED_ALGORITHMS};
use std::fmt;

/// Why a string is not an acceptable OpenSSH public key. Messages never echo the input: it may be a
/// private key pasted by mistake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    Empty,
    PrivateKey,
    Rfc4716,
    TooLong(usize),
    MultipleLines,
    Options,
    UnknownType(String),
    MissingKeyData,
    NotBase64,
    TypeMismatch { declared: String, encoded: String },
    Truncated,
    TrailingData,
    PemPublicKey,
    ByteOrderMark,
    ControlCharacter,
    CurveMismatch { declared: String, encoded: String },
    BadPoint { curve: String, len: usize },
    RsaTooSmall(u32),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Empty => write!(
                f,
                "The public key is empty. Give an OpenSSH public key line such as \
                 \"ssh-ed25519 AAAAC3Nza... user@host\", for example file(\"~/.ssh/id_ed25519.pub\")."
            ),
            KeyError::PrivateKey => write!(
                f,
                "This is a private key, not a public key. Private key material must never be sent \
                 to HostUp: use the matching public key instead (the .pub file, or \
                 tls_private_key.<name>.public_key_openssh)."
            ),
            KeyError::Rfc4716 => write!(
                f,
                "This is an RFC 4716 (\"---- BEGIN SSH2 PUBLIC KEY ----\") key. Convert it to the \
                 one-line OpenSSH format with: ssh-keygen -i -f <file>"
            ),
            KeyError::TooLong(n) => write!(
                f,
                "The public key is {n} bytes long; the limit is {MAX_KEY_LEN}. An OpenSSH public key \
                 is a single line of at most a few kilobytes."
            ),
            KeyError::MultipleLines => write!(
                f,
                "The value holds more than one line. Give exactly one OpenSSH public key per \
                 resource (an authorized_keys file with several keys needs one resource per key)."
            ),
            KeyError::Options => write!(
                f,
                "The line starts with authorized_keys options. Give only the key itself: \
                 \"<type> <base64> [comment]\"."
            ),
            KeyError::UnknownType(t) => write!(
                f,
                "\"{}\" is not a supported SSH public key type. Supported types: {}.",
                printable(t),
                SUPPORTED_ALGORITHMS.join(", ")
            ),
            KeyError::MissingKeyData => write!(
                f,
                "The key type is not followed by the base64 key data. Expected \
                 \"<type> <base64> [comment]\"."
            ),
            KeyError::NotBase64 => write!(
                f,
                "The key data is not valid base64. Copy the whole line of the .pub file again; \
                 it may have been cut or altered."
            ),
            KeyError::TypeMismatch { declared, encoded } => write!(
                f,
                "The line says \"{}\" but the key data encodes a \"{}\" key. The type word and the \
                 key data come from different keys.",
                printable(declared),
                printable(encoded)
            ),
            KeyError::Truncated => write!(
                f,
                "The key data is truncated or corrupt: it ends before the key is complete. Copy the \
                 whole line of the .pub file again."
            ),
            KeyError::TrailingData => write!(
                f,
                "The key data has extra bytes after the key. Copy the line of the .pub file again."
            ),
            KeyError::PemPublicKey => write!(
                f,
                "This is a PEM public key (\"-----BEGIN PUBLIC KEY-----\", as OpenSSL and \
                 `ssh-keygen -e -m PKCS8` write it), not the one-line OpenSSH format HostUp takes. \
                 Convert it with: ssh-keygen -i -m PKCS8 -f <file> (for \"BEGIN RSA PUBLIC KEY\": \
                 -m PEM)."
            ),
            KeyError::ByteOrderMark => write!(
                f,
                "The value starts with a UTF-8 byte order mark, an invisible character some editors \
                 put at the start of a file. Save the .pub file without it, or strip it with \
                 trimprefix(file(\"key.pub\"), \"\\ufeff\")."
            ),
            KeyError::ControlCharacter => write!(
                f,
                "The key line contains a control character (such as NUL, a tab inside the comment or \
                 an escape sequence). An OpenSSH public key line is printable text: copy the line of \
                 the .pub file again."
            ),
            KeyError::CurveMismatch { declared, encoded } => write!(
                f,
                "The line says \"{}\" but the key data is on the curve \"{}\". The type word and \
                 the key data come from different keys.",
                printable(declared),
                printable(encoded)
            ),
            KeyError::BadPoint { curve, len } => write!(
                f,
                "The key data holds a {len}-byte point, which is not a valid {curve} public key. \
                 Copy the whole line of the .pub file again."
            ),
            KeyError::RsaTooSmall(bits) => write!(
                f,
                "The RSA key has {bits} bits; sshd refuses RSA keys under {MIN_RSA_BITS} bits, so \
                 it could never be used to log in. Generate a new key, e.g. ssh-keygen -t ed25519 \
                 (or ssh-keygen -t rsa -b 4096)."
            ),
        }
    }
}

impl std::error::Error for KeyError {}

/// Clip and sanitise a token taken from user input before it appears in a message.
pub(super) fn printable(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).take(40).collect();
    if s.chars().count() > 40 {
        format!("{clean}…")
    } else {
        clean
    }
}
