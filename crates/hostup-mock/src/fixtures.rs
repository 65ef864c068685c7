//! The default world's fixed values and synthetic test keys: one definition for the mock's own
//! default seed, its tests, the provider's acceptance tests and `hostup-bench`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// The default world's API token; it has every scope.
pub const TOKEN: &str = "mock-token";
/// The account the default token, hosting account and VM belong to.
pub const ACCOUNT_ID: &str = "20000";
/// The default world's shared-hosting account.
pub const HOSTING_ACCOUNT_ID: &str = "acct_01hxa3b4c5d6e7f8g9h0j1k2m3";
/// The default world's VM.
pub const VMID: u64 = 10000;

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
}
