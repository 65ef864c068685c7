//! The key blob in SSH's wire format (RFC 4251 strings and mpints): checked to be a well-formed
//! key of the declared algorithm, and measured in bits.

use super::KeyError;

/// Reads the SSH wire format (RFC 4251 strings and mpints).
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn string(&mut self) -> Result<&'a [u8], KeyError> {
        if self.buf.len() < 4 {
            return Err(KeyError::Truncated);
        }
        let (len, rest) = self.buf.split_at(4);
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        if rest.len() < len {
            return Err(KeyError::Truncated);
        }
        let (s, rest) = rest.split_at(len);
        self.buf = rest;
        Ok(s)
    }

    /// An mpint's size in bits (leading zero bytes ignored).
    fn mpint_bits(&mut self) -> Result<u32, KeyError> {
        let n = self.string()?;
        let n = match n.iter().position(|b| *b != 0) {
            Some(i) => &n[i..],
            None => return Ok(0),
        };
        Ok((n.len() as u32 - 1) * 8 + (8 - n[0].leading_zeros()))
    }

    fn done(&self) -> Result<(), KeyError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(KeyError::TrailingData)
        }
    }
}

/// Check that the blob is a well-formed key of the declared algorithm; return its size in bits.
pub(super) fn check_blob(algorithm: &str, blob: &[u8]) -> Result<u32, KeyError> {
    let mut r = Reader { buf: blob };
    let encoded = r.string()?;
    if encoded != algorithm.as_bytes() {
        return Err(KeyError::TypeMismatch {
            declared: algorithm.to_string(),
            encoded: String::from_utf8_lossy(encoded).into_owned(),
        });
    }
    let bits = match algorithm {
        "ssh-ed25519" | "sk-ssh-ed25519@openssh.com" => {
            if r.string()?.len() != 32 {
                return Err(KeyError::Truncated);
            }
            if algorithm.starts_with("sk-") {
                r.string()?; // application, e.g. "ssh:"
            }
            256
        }
        "ssh-rsa" => {
            r.mpint_bits()?; // public exponent
            let bits = r.mpint_bits()?;
            if bits == 0 {
                return Err(KeyError::Truncated);
            }
            bits
        }
        "ssh-dss" => {
            let bits = r.mpint_bits()?; // p
            for _ in 0..3 {
                r.mpint_bits()?; // q, g, y
            }
            bits
        }
        _ => {
            // ecdsa-sha2-<curve> and sk-ecdsa-sha2-<curve>@openssh.com
            let curve = r.string()?;
            let (bits, field_bytes) = match curve {
                b"nistp256" => (256, 32),
                b"nistp384" => (384, 48),
                b"nistp521" => (521, 66),
                _ => return Err(KeyError::Truncated),
            };
            let declared = algorithm
                .trim_start_matches("sk-")
                .trim_start_matches("ecdsa-sha2-")
                .trim_end_matches("@openssh.com");
            if declared.as_bytes() != curve {
                return Err(KeyError::CurveMismatch {
                    declared: algorithm.to_string(),
                    encoded: String::from_utf8_lossy(curve).into_owned(),
                });
            }
            // An uncompressed point (0x04, x, y), as OpenSSH writes it.
            let point = r.string()?;
            if point.len() != 1 + 2 * field_bytes || point[0] != 4 {
                return Err(KeyError::BadPoint {
                    curve: declared.to_string(),
                    len: point.len(),
                });
            }
            if algorithm.starts_with("sk-") {
                r.string()?;
            }
            bits
        }
    };
    r.done()?;
    Ok(bits)
}
