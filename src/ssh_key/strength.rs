//! Whether a key is big enough to be used: sshd refuses RSA keys under 1024 bits (OpenSSH's
//! `RequiredRSASize`), so such a key could be stored but never used to log in. The parser itself
//! stays structural, since keys HostUp already holds must still be read and fingerprinted.

use super::{KeyError, PublicKey};

/// The smallest RSA modulus sshd accepts.
pub const MIN_RSA_BITS: u32 = 1024;

/// RSA keys under this are accepted but weak (NIST SP 800-131A disallows them since 2014).
pub const STRONG_RSA_BITS: u32 = 2048;

impl PublicKey {
    /// Refuse a key too small for sshd; `Ok(Some(why))` for one that is accepted but weak.
    pub fn check_size(&self) -> Result<Option<String>, KeyError> {
        if self.algorithm() != "ssh-rsa" {
            return Ok(None);
        }
        let bits = self.bits();
        if bits < MIN_RSA_BITS {
            return Err(KeyError::RsaTooSmall(bits));
        }
        Ok((bits < STRONG_RSA_BITS).then(|| {
            format!(
                "This is a {bits}-bit RSA key. sshd still accepts it, but RSA keys under \
                 {STRONG_RSA_BITS} bits are considered breakable. Replace it with a new key, e.g. \
                 ssh-keygen -t ed25519 (or ssh-keygen -t rsa -b 4096)."
            )
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rsa(bits: usize) -> PublicKey {
        PublicKey::parse(&hostup_testkit::keys::rsa_of_bits(bits)).unwrap()
    }

    #[test]
    fn rsa_sizes() {
        for bits in [16, 512, 1023] {
            assert_eq!(rsa(bits).bits(), bits as u32);
            assert_eq!(
                rsa(bits).check_size(),
                Err(KeyError::RsaTooSmall(bits as u32))
            );
        }
        for bits in [1024, 2047] {
            let why = rsa(bits).check_size().unwrap().expect("a warning");
            assert!(why.contains(&format!("{bits}-bit RSA key")), "{why}");
        }
        for bits in [2048, 4096] {
            assert_eq!(rsa(bits).check_size(), Ok(None));
        }
        let msg = KeyError::RsaTooSmall(16).to_string();
        assert!(
            msg.contains("16 bits") && msg.contains("ssh-keygen"),
            "{msg}"
        );
    }
}
