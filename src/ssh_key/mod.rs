//! OpenSSH public keys: parsing, validation and fingerprints.
//!
//! Shared by the provider (plan-time validation, fingerprints known before any request) and the mock
//! server (which validates and fingerprints what it is sent, as HostUp does).
//!
//! Identity of a key is its algorithm and its key blob. The comment, surrounding whitespace and the
//! trailing newline that `file()` keeps are not part of the identity: two strings with the same
//! [`PublicKey::canonical`] form are the same key.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use blob::check_blob;

mod blob;
mod error;
mod strength;

pub use error::KeyError;
pub use strength::{MIN_RSA_BITS, STRONG_RSA_BITS};

/// Longest public key line we accept. An RSA-16384 key is about 2.8 KB; anything far beyond that is
/// not a public key (and HostUp would refuse it).
pub const MAX_KEY_LEN: usize = 8 * 1024;

/// Algorithms accepted, in the order they are listed in messages.
pub const SUPPORTED_ALGORITHMS: &[&str] = &[
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-dss",
];

/// A parsed OpenSSH public key line (`type base64 [comment]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    algorithm: String,
    blob: Vec<u8>,
    blob_b64: String,
    comment: Option<String>,
    bits: u32,
}
impl PublicKey {
    /// Parse one OpenSSH public key line. Surrounding whitespace (and the trailing newline of
    /// `file()`) is ignored.
    pub fn parse(input: &str) -> Result<PublicKey, KeyError> {
        let line = input.trim();
        if line.is_empty() {
            return Err(KeyError::Empty);
        }
        if line.starts_with('\u{feff}') {
            return Err(KeyError::ByteOrderMark);
        }
        if line.starts_with("-----BEGIN PUBLIC KEY-----")
            || line.starts_with("-----BEGIN RSA PUBLIC KEY-----")
        {
            return Err(KeyError::PemPublicKey);
        }
        if looks_private(line) {
            return Err(KeyError::PrivateKey);
        }
        if line.starts_with("---- BEGIN SSH2 PUBLIC KEY") {
            return Err(KeyError::Rfc4716);
        }
        if line.len() > MAX_KEY_LEN {
            return Err(KeyError::TooLong(line.len()));
        }
        if line.contains('\n') || line.contains('\r') {
            return Err(KeyError::MultipleLines);
        }
        // Tabs may separate the fields; no other control character belongs in a key line.
        if line.chars().any(|c| c.is_control() && c != '\t') {
            return Err(KeyError::ControlCharacter);
        }
        let mut parts = line.splitn(3, [' ', '\t']);
        let algorithm = parts.next().unwrap_or_default();
        if !SUPPORTED_ALGORITHMS.contains(&algorithm) {
            if algorithm.contains('=') || algorithm.contains(',') || algorithm.contains('"') {
                return Err(KeyError::Options);
            }
            return Err(KeyError::UnknownType(algorithm.to_string()));
        }
        let rest = parts.next().unwrap_or_default();
        // Tolerate several blanks between the fields.
        let (blob_b64, comment) = {
            let tail = format!("{} {}", rest, parts.next().unwrap_or_default());
            let tail = tail.trim_start();
            let mut it = tail.splitn(2, [' ', '\t']);
            let b = it.next().unwrap_or_default().to_string();
            let c = it.next().map(str::trim).filter(|c| !c.is_empty());
            (b, c.map(str::to_string))
        };
        if blob_b64.is_empty() {
            return Err(KeyError::MissingKeyData);
        }
        let blob = STANDARD
            .decode(blob_b64.as_bytes())
            .map_err(|_| KeyError::NotBase64)?;
        let bits = check_blob(algorithm, &blob)?;
        Ok(PublicKey {
            algorithm: algorithm.to_string(),
            blob,
            blob_b64,
            comment,
            bits,
        })
    }

    /// The algorithm name as written in the key line, e.g. `ssh-ed25519`.
    pub fn algorithm(&self) -> &str {
        &self.algorithm
    }

    /// The comment after the key data, if any.
    pub fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }

    /// Key size in bits (RSA/DSA modulus size, curve size for ECDSA, 256 for Ed25519).
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// `type base64` without the comment: what identifies the key.
    pub fn canonical(&self) -> String {
        format!("{} {}", self.algorithm, self.blob_b64)
    }

    /// `type base64 [comment]`, normalised whitespace.
    pub fn to_line(&self) -> String {
        match &self.comment {
            Some(c) => format!("{} {}", self.canonical(), c),
            None => self.canonical(),
        }
    }

    /// OpenSSH's `SHA256:` fingerprint: unpadded base64 of the SHA-256 of the key blob.
    pub fn fingerprint(&self) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, &self.blob);
        format!("SHA256:{}", STANDARD_NO_PAD.encode(digest.as_ref()))
    }

    /// The MD5 fingerprint HostUp's control panel and legacy API show: colon-separated hex of the
    /// MD5 of the key blob, as `ssh-keygen -l -E md5` prints it after its `MD5:` prefix.
    pub fn fingerprint_md5(&self) -> String {
        use md5::Digest;
        let digest = md5::Md5::digest(&self.blob);
        let hex: Vec<String> = digest.iter().map(|b| format!("{b:02x}")).collect();
        hex.join(":")
    }

    /// HostUp's `keyType` enum value: `rsa`, `ed25519`, `ecdsa`, `dsa` or `unknown`.
    pub fn key_type(&self) -> &'static str {
        key_type_of(&self.algorithm)
    }
}

/// Map an OpenSSH algorithm name to HostUp's `keyType` enum.
pub fn key_type_of(algorithm: &str) -> &'static str {
    match algorithm {
        "ssh-rsa" => "rsa",
        "ssh-ed25519" | "sk-ssh-ed25519@openssh.com" => "ed25519",
        "ssh-dss" => "dsa",
        a if a.starts_with("ecdsa-sha2-") || a.starts_with("sk-ecdsa-sha2-") => "ecdsa",
        _ => "unknown",
    }
}

/// True when two key strings are the same key (same algorithm and blob), whatever their comments
/// and whitespace. Unparseable strings are only equal when identical after trimming.
pub fn same_key(a: &str, b: &str) -> bool {
    match (PublicKey::parse(a), PublicKey::parse(b)) {
        (Ok(a), Ok(b)) => a.canonical() == b.canonical(),
        _ => a.trim() == b.trim(),
    }
}

fn looks_private(line: &str) -> bool {
    line.contains("PRIVATE KEY-----")
        || line.starts_with("PuTTY-User-Key-File")
        || line.contains("BEGIN OPENSSH PRIVATE KEY")
        || line.starts_with("-----BEGIN ")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Generated with ssh-keygen for these tests; public halves only.
    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPMUxNmlHTgckqdyKbEd2QhH9JKutkURSw6ECjh529oL ops@example.com";
    const ED25519_FP: &str = "SHA256:g+MLfmZ0SAqCtL/iy9B2sbhwrRlz6dr8+1rgUzmWPhI";
    const ED25519_MD5: &str = "a8:75:9b:6d:fe:e2:2b:66:8a:d7:be:41:8a:c3:e0:30";

    fn wire(parts: &[&[u8]]) -> String {
        let mut blob = Vec::new();
        for p in parts {
            blob.extend_from_slice(&(p.len() as u32).to_be_bytes());
            blob.extend_from_slice(p);
        }
        STANDARD.encode(blob)
    }

    #[test]
    fn parses_ed25519_with_comment_and_newline() {
        let k = PublicKey::parse(&format!("  {ED25519}\n")).unwrap();
        assert_eq!(k.algorithm(), "ssh-ed25519");
        assert_eq!(k.comment(), Some("ops@example.com"));
        assert_eq!(k.key_type(), "ed25519");
        assert_eq!(k.bits(), 256);
        assert_eq!(k.fingerprint(), ED25519_FP);
        assert_eq!(k.fingerprint_md5(), ED25519_MD5);
    }

    #[test]
    fn comment_and_whitespace_do_not_change_identity() {
        let without = ED25519.rsplit_once(' ').unwrap().0;
        assert!(same_key(ED25519, without));
        assert!(same_key(ED25519, &format!("{without}   other comment\n")));
        assert_eq!(PublicKey::parse(without).unwrap().fingerprint(), ED25519_FP);
    }

    #[test]
    fn rsa_bits_from_modulus() {
        let mut n = vec![0u8];
        n.extend(std::iter::repeat_n(0xff, 256));
        let b64 = wire(&[b"ssh-rsa", &[1, 0, 1], &n]);
        let k = PublicKey::parse(&format!("ssh-rsa {b64}")).unwrap();
        assert_eq!(k.bits(), 2048);
        assert_eq!(k.key_type(), "rsa");
    }

    #[test]
    fn ecdsa_curve_bits() {
        let b64 = wire(&[b"ecdsa-sha2-nistp384", b"nistp384", &[4; 97]]);
        let k = PublicKey::parse(&format!("ecdsa-sha2-nistp384 {b64} c")).unwrap();
        assert_eq!((k.bits(), k.key_type()), (384, "ecdsa"));
    }

    #[test]
    fn refusals_say_why() {
        let cases: &[(&str, KeyError)] = &[
            ("", KeyError::Empty),
            ("  \n", KeyError::Empty),
            (
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----\n",
                KeyError::PrivateKey,
            ),
            ("-----BEGIN RSA PRIVATE KEY-----\nMIIE", KeyError::PrivateKey),
            ("PuTTY-User-Key-File-3: ssh-ed25519", KeyError::PrivateKey),
            ("---- BEGIN SSH2 PUBLIC KEY ----\nAAAA", KeyError::Rfc4716),
            ("ssh-foo AAAA", KeyError::UnknownType("ssh-foo".into())),
            ("command=\"ls\" ssh-ed25519 AAAA", KeyError::Options),
            ("ssh-ed25519", KeyError::MissingKeyData),
            ("ssh-ed25519 not*base64!", KeyError::NotBase64),
            (
                "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIPMUxNmlHTgckqdyKbEd2QhH9JKutkURSw6ECjh529oL",
                KeyError::TypeMismatch {
                    declared: "ssh-rsa".into(),
                    encoded: "ssh-ed25519".into(),
                },
            ),
            (
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPMUxNmlHTgckqdyKbEd",
                KeyError::Truncated,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                PublicKey::parse(input).as_ref(),
                Err(want),
                "input {input:?}"
            );
        }
        let two = format!("{ED25519}\n{ED25519}");
        assert_eq!(PublicKey::parse(&two), Err(KeyError::MultipleLines));
        let long = format!("ssh-ed25519 {}", "A".repeat(MAX_KEY_LEN));
        assert!(matches!(PublicKey::parse(&long), Err(KeyError::TooLong(_))));
    }

    #[test]
    fn pem_bom_control_characters_and_bad_ec_keys_have_their_own_refusals() {
        let bare = ED25519.rsplit_once(' ').unwrap().0;
        let p384_on_p256 = wire(&[b"ecdsa-sha2-nistp256", b"nistp384", &[4; 97]]);
        let sk_p384 = wire(&[b"sk-ecdsa-sha2-nistp256@openssh.com", b"nistp384", &[4; 97]]);
        let short = wire(&[b"ecdsa-sha2-nistp256", b"nistp256", &[4; 33]]);
        let compressed = wire(&[b"ecdsa-sha2-nistp256", b"nistp256", &[2; 65]]);
        let cases: Vec<(String, KeyError)> = vec![
            (
                "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n".into(),
                KeyError::PemPublicKey,
            ),
            (
                "-----BEGIN RSA PUBLIC KEY-----\nMIGJAoGBAMU4\n-----END RSA PUBLIC KEY-----".into(),
                KeyError::PemPublicKey,
            ),
            (format!("\u{feff}{ED25519}"), KeyError::ByteOrderMark),
            (format!("{bare} ops\u{0}@example.com"), KeyError::ControlCharacter),
            (format!("{bare} \u{1b}[31mops"), KeyError::ControlCharacter),
            (format!("{bare} ops\u{7f}"), KeyError::ControlCharacter),
            (
                format!("ecdsa-sha2-nistp256 {p384_on_p256}"),
                KeyError::CurveMismatch {
                    declared: "ecdsa-sha2-nistp256".into(),
                    encoded: "nistp384".into(),
                },
            ),
            (
                format!("sk-ecdsa-sha2-nistp256@openssh.com {sk_p384}"),
                KeyError::CurveMismatch {
                    declared: "sk-ecdsa-sha2-nistp256@openssh.com".into(),
                    encoded: "nistp384".into(),
                },
            ),
            (
                format!("ecdsa-sha2-nistp256 {short}"),
                KeyError::BadPoint {
                    curve: "nistp256".into(),
                    len: 33,
                },
            ),
            (
                format!("ecdsa-sha2-nistp256 {compressed}"),
                KeyError::BadPoint {
                    curve: "nistp256".into(),
                    len: 65,
                },
            ),
        ];
        let mut messages = Vec::new();
        for (input, want) in &cases {
            assert_eq!(PublicKey::parse(input).as_ref(), Err(want), "{input:?}");
            messages.push(want.to_string());
        }
        let pem = &messages[0];
        assert!(pem.contains("ssh-keygen -i -m PKCS8"), "{pem}");
        assert!(!pem.to_lowercase().contains("private"), "{pem}");
        messages.sort();
        messages.dedup();
        // PEM twice, control characters three times: the other cases each read differently.
        assert_eq!(messages.len(), cases.len() - 3, "{messages:#?}");
        // A tab may still separate the fields.
        let tabbed = ED25519.replacen(' ', "\t", 2);
        assert_eq!(PublicKey::parse(&tabbed).unwrap().fingerprint(), ED25519_FP);
    }

    #[test]
    fn messages_never_echo_key_material() {
        let secret =
            "-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETSECRET\n-----END OPENSSH PRIVATE KEY-----";
        let msg = PublicKey::parse(secret).unwrap_err().to_string();
        assert!(!msg.contains("SECRETSECRET"));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A cheap deterministic sweep; issue-level fuzzing lives elsewhere.
        let mut x: u64 = 0x9e3779b97f4a7c15;
        for len in 0..400usize {
            let mut s = String::from("ssh-ed25519 ");
            let mut bytes = Vec::with_capacity(len);
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                bytes.push((x & 0xff) as u8);
            }
            s.push_str(&STANDARD.encode(&bytes));
            let _ = PublicKey::parse(&s);
            let _ = PublicKey::parse(&String::from_utf8_lossy(&bytes));
        }
    }
}
