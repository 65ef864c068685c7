//! Certificate authorities trusted beside the bundled Mozilla roots: the provider's
//! `ca_certificates` (PEM text) and the OpenSSL-style `SSL_CERT_FILE` / `SSL_CERT_DIR`, for
//! networks whose TLS-inspecting proxy signs with its own CA. Each certificate is checked here,
//! the way the TLS library will use it, so a bad one is reported before any request.

use super::text::clip;
use crate::log;
use serde_json::json;
use std::io::Read;
use std::path::Path;
use tokio_rustls::rustls::pki_types::pem::{self, SectionKind};
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::RootCertStore;

pub const ENV_CERT_FILE: &str = "SSL_CERT_FILE";
pub const ENV_CERT_DIR: &str = "SSL_CERT_DIR";

/// The most read of one PEM file: the whole Mozilla bundle is about 220 KiB.
const MAX_PEM_BYTES: u64 = 16 << 20;
/// The most files read from one `SSL_CERT_DIR` directory (a system's has a few hundred).
const MAX_DIR_FILES: usize = 10_000;

/// The DER certificates of a PEM text, each one usable as a trust anchor. Fails when the text is
/// not PEM, holds no `CERTIFICATE` block, or a block does not decode as an X.509 certificate;
/// other blocks (a key, a CRL) are ignored.
pub fn parse_pem(text: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut reader = text;
    let mut certs = Vec::new();
    let mut other = Vec::new();
    loop {
        match pem::from_buf(&mut reader) {
            Ok(Some((SectionKind::Certificate, der))) => {
                let n = certs.len() + 1;
                let mut store = RootCertStore::empty();
                store
                    .add(CertificateDer::from(der.as_slice()))
                    .map_err(|_| {
                        format!(
                            "certificate {n} is not a valid X.509 certificate (its content does \
                             not decode); check that it was copied whole"
                        )
                    })?;
                certs.push(der);
            }
            Ok(Some((kind, _))) => other.push(format!("{kind:?}")),
            Ok(None) => break,
            Err(e) => return Err(format!("it is not valid PEM: {}", pem_problem(&e))),
        }
    }
    if certs.is_empty() {
        return Err(if other.is_empty() {
            "it holds no PEM certificate: expected one or more blocks from \
             \"-----BEGIN CERTIFICATE-----\" to \"-----END CERTIFICATE-----\""
                .to_string()
        } else {
            format!(
                "it holds no certificate, only other PEM blocks ({}); give the CA's certificate \
                 (\"-----BEGIN CERTIFICATE-----\")",
                other.join(", ")
            )
        });
    }
    Ok(certs)
}

/// A PEM syntax error in words. Never the library's own text, which quotes the offending line as
/// a list of byte values, however long.
fn pem_problem(e: &pem::Error) -> String {
    match e {
        pem::Error::MissingSectionEnd { .. } => {
            "a block has no \"-----END ...-----\" line (was the text cut short?)".to_string()
        }
        pem::Error::IllegalSectionStart { .. } => {
            "a \"-----BEGIN ...-----\" line is malformed".to_string()
        }
        pem::Error::Base64Decode(_) => "the base64 text of a block does not decode".to_string(),
        other => clip(&other.to_string()),
    }
}

/// The certificates named by `SSL_CERT_FILE` and `SSL_CERT_DIR`, when set (blank is unset).
///
/// `SSL_CERT_FILE` is one PEM file and must hold at least one certificate. `SSL_CERT_DIR` is a
/// directory, or several separated by `:` as OpenSSL takes them; every regular file in it (not
/// in subdirectories, symlinks followed) is read as PEM, and a file without a usable
/// certificate is skipped with a warning in the log, as a system directory holds other files.
/// A file or directory that cannot be read is an error naming the variable and the path.
pub fn roots_from_env() -> Result<Vec<Vec<u8>>, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let mut certs = Vec::new();
    if let Some(file) = var(ENV_CERT_FILE) {
        let text = read_capped(Path::new(&file)).map_err(|e| {
            format!("{ENV_CERT_FILE} is set to \"{file}\", which cannot be read: {e}")
        })?;
        let found = parse_pem(&text).map_err(|e| {
            format!("{ENV_CERT_FILE} is set to \"{file}\", but {e}. Set it to a PEM bundle of CA certificates, or unset it.")
        })?;
        certs.extend(found);
    }
    if let Some(dirs) = var(ENV_CERT_DIR) {
        for dir in dirs.split(':').filter(|d| !d.trim().is_empty()) {
            certs.extend(read_dir(dir)?);
        }
    }
    Ok(certs)
}

/// The certificates of one `SSL_CERT_DIR` directory.
fn read_dir(dir: &str) -> Result<Vec<Vec<u8>>, String> {
    let unreadable = |e: std::io::Error| {
        format!("{ENV_CERT_DIR} names \"{dir}\", which cannot be read as a directory: {e}")
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .take(MAX_DIR_FILES)
        .collect::<Result<Vec<_>, _>>()
        .map_err(unreadable)?
        .into_iter()
        .map(|entry| entry.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let mut certs = Vec::new();
    for path in paths {
        let found = read_capped(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| parse_pem(&text));
        match found {
            Ok(found) => certs.extend(found),
            Err(why) => log::warn(
                "skipping a file of SSL_CERT_DIR",
                &[
                    ("path", json!(path.display().to_string())),
                    ("reason", json!(why)),
                ],
            ),
        }
    }
    Ok(certs)
}

/// A file's bytes, refused past [`MAX_PEM_BYTES`].
fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut text = Vec::new();
    file.take(MAX_PEM_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(|e| e.to_string())?;
    if text.len() as u64 > MAX_PEM_BYTES {
        return Err(format!(
            "it is longer than {} MiB, too long for a certificate bundle",
            MAX_PEM_BYTES >> 20
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::parse_pem;

    #[test]
    fn not_pem_no_certificate_and_bad_der_are_refused() {
        let e = parse_pem(b"hello").unwrap_err();
        assert!(e.contains("no PEM certificate"), "{e}");
        let e = parse_pem(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .unwrap_err();
        assert!(e.contains("only other PEM blocks"), "{e}");
        let e = parse_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            .unwrap_err();
        assert!(e.contains("certificate 1 is not a valid X.509"), "{e}");
        let e = parse_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n").unwrap_err();
        assert!(e.contains("not valid PEM: a block has no"), "{e}");
        let long = format!(
            "-----BEGIN CERTIFICATE-----\n{}!\n-----END CERTIFICATE-----\n",
            "A".repeat(100_000)
        );
        let e = parse_pem(long.as_bytes()).unwrap_err();
        assert!(e.len() < 300, "short whatever the input: {e}");
    }

    #[test]
    fn a_generated_ca_parses() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let pem = params.self_signed(&key).unwrap().pem();
        let two = format!("{pem}\n{pem}");
        assert_eq!(parse_pem(two.as_bytes()).unwrap().len(), 2);
    }
}
