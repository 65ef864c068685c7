//! The front's TLS: go-plugin's "AutoMTLS", as tf-provider does it, on our listener.
//!
//! Terraform passes its own certificate (PEM) in `PLUGIN_CLIENT_CERT`; the plugin answers with a
//! self-signed server certificate in the handshake line, which Terraform then trusts as the only
//! root for `localhost`.
//!
//! Client authentication stays optional, as in tf-provider, because it cannot be required with
//! the crypto we have: Terraform's certificate is an ECDSA P-521 key (go-plugin generates one per
//! run), and ring, rustls' provider in our tree, has no P-521. rustls therefore cannot offer that
//! signature scheme in its CertificateRequest, Go's TLS client then sends no certificate, and a
//! server that demands one fails every handshake (tried: rustls reports "peer sent no
//! certificates" and Terraform "Plugin did not respond"). A certificate that a client does send
//! is still checked against Terraform's, as tf-provider does.

use base64::Engine;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The front's TLS settings and the certificate to announce in the handshake line.
pub struct Tls {
    pub config: Arc<rustls::ServerConfig>,
    /// The server certificate's DER, base64 standard alphabet without padding (go-plugin's form).
    pub cert_b64: String,
}

impl Tls {
    /// Server settings for a Terraform that sent `client_pem`.
    pub fn new(client_pem: &str) -> Result<Tls, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let client = CertificateDer::from_pem_slice(client_pem.as_bytes())
            .map_err(|e| format!("PLUGIN_CLIENT_CERT is not a PEM certificate: {e}"))?;
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(client)
            .map_err(|e| format!("PLUGIN_CLIENT_CERT is not usable: {e}"))?;
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
            roots.into(),
            provider.clone(),
        )
        .allow_unauthenticated()
        .build()
        .map_err(|e| format!("client certificate check: {e}"))?;
        let (cert, key) = self_signed()?;
        let cert_b64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert.as_ref());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS versions: {e}"))?
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![cert], key)
            .map_err(|e| format!("TLS certificate: {e}"))?;
        // gRPC over TLS is HTTP/2, and recent gRPC clients insist on ALPN saying so.
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(Tls {
            config: Arc::new(config),
            cert_b64,
        })
    }
}

/// A fresh self-signed certificate for `localhost`, shaped like go-plugin's own (a CA that is
/// also the server: Terraform adds it as the only root and checks the name `localhost`). P-256
/// rather than P-384: it signs the one TLS handshake faster, and Terraform accepts both.
fn self_signed() -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), String> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyPair, KeyUsagePurpose,
    };
    let err = |e: rcgen::Error| format!("server certificate: {e}");
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).map_err(err)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "HashiCorp");
    dn.push(DnType::CommonName, "localhost");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    // Valid from a little before now (clock skew between the two processes is nil, but the
    // certificate's seconds are truncated) for as long as go-plugin's own certificates.
    let now = SystemTime::now();
    params.not_before = (now - Duration::from_secs(30)).into();
    params.not_after = (now + Duration::from_secs(30 * 365 * 24 * 3600)).into();
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(err)?;
    let cert = params.self_signed(&key).map_err(err)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((cert.der().clone(), key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_from_a_client_certificate() {
        // Any self-signed certificate stands in for Terraform's.
        let (client, _) = self_signed().unwrap();
        let pem = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            base64::engine::general_purpose::STANDARD.encode(client.as_ref())
        );
        let tls = Tls::new(&pem).unwrap();
        assert_eq!(tls.config.alpn_protocols, vec![b"h2".to_vec()]);
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(&tls.cert_b64)
            .unwrap();
        assert!(der.len() > 100, "a DER certificate");
        assert!(!tls.cert_b64.ends_with('='), "no padding");
    }

    #[test]
    fn rejects_garbage() {
        assert!(Tls::new("not a certificate").is_err());
    }
}
