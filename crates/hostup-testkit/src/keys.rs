//! SSH public keys for tests. The `ED25519_*` and `RSA_*` keys were made with ssh-keygen for these
//! tests (public halves only; the private halves were thrown away); [`test_key`] makes any number
//! of distinct synthetic ones.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

// One literal for the key blob, so that the line, the bare key and the broken variants that tests
// derive from it cannot drift apart.
macro_rules! ed25519_a_blob {
    () => {
        "AAAAC3NzaC1lZDI1NTE5AAAAIPMUxNmlHTgckqdyKbEd2QhH9JKutkURSw6ECjh529oL"
    };
}

/// The base64 key data of [`ED25519_A`].
pub const ED25519_A_BLOB: &str = ed25519_a_blob!();
/// An ed25519 key line with the comment `ops@example.com`.
pub const ED25519_A: &str = concat!("ssh-ed25519 ", ed25519_a_blob!(), " ops@example.com");
/// [`ED25519_A`] without its comment.
pub const ED25519_A_BARE: &str = concat!("ssh-ed25519 ", ed25519_a_blob!());
/// `ssh-keygen -l` of [`ED25519_A`].
pub const ED25519_A_FP: &str = "SHA256:g+MLfmZ0SAqCtL/iy9B2sbhwrRlz6dr8+1rgUzmWPhI";
/// `ssh-keygen -l -E md5` of [`ED25519_A`].
pub const ED25519_A_MD5: &str = "a8:75:9b:6d:fe:e2:2b:66:8a:d7:be:41:8a:c3:e0:30";

/// A second ed25519 key line, comment `bob@example.com`.
pub const ED25519_B: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDrWNJoaR5rJokTGqQoaDtfhlhbjzLbsbwC7tGkef0Rr bob@example.com";

/// An RSA 2048 key line, comment `rsa@example.com`.
pub const RSA_2048: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDL5xCSFNarAAKheHoBt6jam9mQGvj5fLtmhtJg8dCBsNm7adaOlh4kdYdTpSaOxyp9QN/qo7rSwpx3k6akF+2+6za6CG7oKaKW6BHOquSx6eiFu8K63KZI8NnK4e2a3eUS29mpb7sxBq4Cu05553cFSKkDOQuoqmUBmXqChJE8rC4eKhpfMX9V6PoB+z7ie+HTUHLAFq34gLPqFSFXRFrlC//NZOizfSVuhdd2N/NSf3NCDrj8z1sS5Y9rDfLs5bTnXb/bufTHN76ZCJBGlbLshXNERbZU0qo1EfXDjg6Mm32Dmjyj7wacRRdpwA0GS4IniegDkG3+s6hQkrwC0pq7 rsa@example.com";

/// What a user pastes by mistake: an OpenSSH private key's armour around the first bytes of its
/// (unencrypted) body. Not a usable key.
pub const OPENSSH_PRIVATE: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";

/// A valid ed25519 public key line that differs for every `n`, followed by `comment` unless it is
/// empty. The key bytes are synthetic (`n`, a `0x5eed` marker, zeros): not a key anyone holds.
pub fn test_key(n: u32, comment: &str) -> String {
    let algo = b"ssh-ed25519";
    let mut blob = Vec::with_capacity(51);
    blob.extend_from_slice(&(algo.len() as u32).to_be_bytes());
    blob.extend_from_slice(algo);
    blob.extend_from_slice(&32u32.to_be_bytes());
    let mut key = [0u8; 32];
    key[..4].copy_from_slice(&n.to_be_bytes());
    key[4..8].copy_from_slice(&0x5eed_u32.to_be_bytes());
    blob.extend_from_slice(&key);
    let line = format!("ssh-ed25519 {}", STANDARD.encode(blob));
    if comment.is_empty() {
        line
    } else {
        format!("{line} {comment}")
    }
}

/// An `ssh-rsa` line whose modulus has exactly `bits` bits (1..): well-formed wire format, not a
/// usable key, which is all the provider can see of a key anyway.
pub fn rsa_of_bits(bits: usize) -> String {
    let bytes = bits.div_ceil(8);
    let mut n = vec![0xffu8; bytes];
    n[0] = 0xff >> (bytes * 8 - bits);
    let mut blob = Vec::new();
    for part in [&b"ssh-rsa"[..], &[1, 0, 1], &n] {
        blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
        blob.extend_from_slice(part);
    }
    format!("ssh-rsa {} tiny@example.com", STANDARD.encode(blob))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hostup::ssh_key::PublicKey;

    #[test]
    fn test_keys_parse_and_differ() {
        let a = PublicKey::parse(&test_key(1, "a@example.com")).expect("parses");
        let b = PublicKey::parse(&test_key(2, "")).expect("parses");
        assert_eq!(a.key_type(), "ed25519");
        assert_eq!(a.comment(), Some("a@example.com"));
        assert_ne!(a.fingerprint(), b.fingerprint());
    }

    /// The fingerprints written down here are the provider's (and ssh-keygen's) for the key.
    #[test]
    fn real_keys_parse_with_their_fingerprints() {
        let a = PublicKey::parse(ED25519_A).expect("ED25519_A");
        assert_eq!(a.fingerprint(), ED25519_A_FP);
        assert_eq!(a.fingerprint_md5(), ED25519_A_MD5);
        assert_eq!(a.comment(), Some("ops@example.com"));
        let bare = PublicKey::parse(ED25519_A_BARE).expect("ED25519_A_BARE");
        assert_eq!(
            (bare.fingerprint(), bare.comment()),
            (a.fingerprint(), None)
        );
        let b = PublicKey::parse(ED25519_B).expect("ED25519_B");
        assert_ne!(b.fingerprint(), a.fingerprint());
        let rsa = PublicKey::parse(RSA_2048).expect("RSA_2048");
        assert_eq!(rsa.key_type(), "rsa");
        assert!(PublicKey::parse(OPENSSH_PRIVATE).is_err());
    }
}
