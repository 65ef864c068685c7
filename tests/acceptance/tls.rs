//! Real TLS through Terraform: the mock in TLS mode (a CA of its own) is refused with only the
//! bundled roots, in words that name the cause and the three ways to trust a CA, and is trusted
//! through each of them (`ca_certificates`, SSL_CERT_FILE, SSL_CERT_DIR); a certificate for
//! another name and an expired one are each named as such; a CA that cannot be used is reported
//! before any request.

use crate::common::*;
use hostup_mock::WRONG_NAME;

/// One key, and the provider block with `provider` inside it.
fn key_config(provider: &str) -> String {
    format!(
        "provider \"hostup\" {{\n{provider}\n}}\n\nresource \"hostup_vps_ssh_key\" \"k\" {{\n  name       = \"tls\"\n  public_key = {}\n}}\n",
        hcl(ED25519_A)
    )
}

/// A workspace talking to `mock` with these extra environment variables.
fn tf_with(mock: &MockServer, extra: &[(&str, &str)]) -> Tf {
    let url = mock.url();
    let mut vars = vec![("HOSTUP_ENDPOINT", url.as_str()), ("HOSTUP_API_KEY", TOKEN)];
    vars.extend_from_slice(extra);
    Tf::with_env(&vars)
}

/// The key is created over TLS, refreshed with no change, and destroyed.
fn apply_refresh_destroy(tf: &Tf, mock: &MockServer) {
    tf.apply();
    let keys = mock.vps_keys();
    assert_eq!(keys.len(), 1, "created over TLS: {keys:?}");
    assert_eq!(keys[0].name, "tls");
    assert!(
        tf.plan().changed().is_empty(),
        "the refresh over TLS finds no change"
    );
    tf.destroy();
    assert!(mock.vps_keys().is_empty());
}

#[test]
fn only_the_bundled_roots_refuse_the_mock_ca_in_words_with_the_three_ways() {
    let mock = tls_mock(Leaf::Valid);
    assert!(mock.url().starts_with("https://127.0.0.1:"));
    let tf = Tf::new(&mock);
    tf.config(&key_config(""));
    let started = std::time::Instant::now();
    let text = tf.apply_err().text();
    for words in [
        "The TLS certificate of the HostUp endpoint was refused",
        "the TLS certificate of 127.0.0.1 was refused",
        "not signed by a trusted CA",
        "ca_certificates",
        "file(\"corp-ca.pem\")",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ] {
        assert!(text.contains(words), "missing {words:?}:\n{text}");
    }
    assert!(
        !text.contains("OtherError") && !text.contains("InvalidCertificate"),
        "{text}"
    );
    assert!(
        !text.contains("attempts"),
        "a refused certificate is not retried: {text}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "failed at once, not after the retry window: {:?}",
        started.elapsed()
    );
    assert!(mock.requests().is_empty(), "no request got through");
    assert!(mock.vps_keys().is_empty());
}

#[test]
fn ca_certificates_trusts_the_mock_ca() {
    let mock = tls_mock(Leaf::Valid);
    let tf = Tf::new(&mock);
    tf.write_file("corp-ca.pem", mock.ca_pem().expect("TLS mode"));
    tf.config(&key_config("  ca_certificates = file(\"corp-ca.pem\")"));
    apply_refresh_destroy(&tf, &mock);
}

#[test]
fn ssl_cert_file_trusts_the_mock_ca() {
    let mock = tls_mock(Leaf::Valid);
    let dir = tempdir("cert-file");
    let file = dir.join("bundle.pem");
    // A bundle: another CA first, then the mock's.
    let other = tls_mock(Leaf::Valid);
    let bundle = format!("{}\n{}", other.ca_pem().unwrap(), mock.ca_pem().unwrap());
    std::fs::write(&file, bundle).unwrap();
    let tf = tf_with(&mock, &[("SSL_CERT_FILE", file.to_str().unwrap())]);
    tf.config(&key_config(""));
    apply_refresh_destroy(&tf, &mock);
}

#[test]
fn ssl_cert_dir_trusts_the_mock_ca_from_a_colon_list() {
    let mock = tls_mock(Leaf::Valid);
    let (empty, certs) = (tempdir("cert-dir-empty"), tempdir("cert-dir"));
    std::fs::write(certs.join("mock-ca.pem"), mock.ca_pem().unwrap()).unwrap();
    // A system directory holds other files too: skipped, not fatal.
    std::fs::write(certs.join("README"), "not a certificate").unwrap();
    std::fs::create_dir_all(certs.join("java")).unwrap();
    let list = format!("{}:{}", empty.display(), certs.display());
    let tf = tf_with(&mock, &[("SSL_CERT_DIR", &list)]);
    tf.config(&key_config(""));
    apply_refresh_destroy(&tf, &mock);
}

#[test]
fn unreadable_ssl_cert_file_and_dir_are_named_with_their_path() {
    let mock = tls_mock(Leaf::Valid);
    let dir = tempdir("cert-bad");
    let not_pem = dir.join("not-pem.txt");
    std::fs::write(&not_pem, "hello").unwrap();
    let missing = dir.join("missing.pem");
    for (var, path, words) in [
        (
            "SSL_CERT_FILE",
            missing.display().to_string(),
            "cannot be read",
        ),
        (
            "SSL_CERT_FILE",
            not_pem.display().to_string(),
            "holds no PEM certificate",
        ),
        (
            "SSL_CERT_DIR",
            dir.join("no-such-dir").display().to_string(),
            "cannot be read as a directory",
        ),
    ] {
        let tf = tf_with(&mock, &[(var, &path)]);
        tf.config(&key_config(""));
        let text = tf.plan_err().text();
        assert!(
            text.contains("Cannot read the trusted CA certificates"),
            "{text}"
        );
        assert!(
            text.contains(var) && text.contains(&path),
            "{var} {path}:\n{text}"
        );
        assert!(text.contains(words), "{words}:\n{text}");
    }
    assert!(mock.requests().is_empty(), "no request was sent");
}

#[test]
fn unusable_ca_certificates_fail_at_plan_on_the_attribute() {
    let mock = tls_mock(Leaf::Valid);
    let key_only = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    let bad_der = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let cut = &mock.ca_pem().unwrap()[..200];
    for (pem, words) in [
        ("not a certificate", "holds no PEM certificate"),
        (key_only, "only other PEM blocks (PrivateKey)"),
        (bad_der, "certificate 1 is not a valid X.509 certificate"),
        (cut, "not valid PEM"),
    ] {
        let tf = Tf::new(&mock);
        tf.config(&key_config(&format!("  ca_certificates = {}", hcl(pem))));
        let text = tf.plan_err().text();
        assert!(text.contains("Invalid ca_certificates"), "{text}");
        assert!(
            text.contains("ca_certificates ="),
            "points at the attribute: {text}"
        );
        assert!(text.contains(words), "{words}:\n{text}");
        assert!(text.contains("file(\"corp-ca.pem\")"), "says how: {text}");
    }
    assert!(mock.requests().is_empty(), "no request was sent");
}

#[test]
fn a_certificate_for_another_name_is_a_name_mismatch() {
    let mock = tls_mock(Leaf::WrongName);
    let tf = Tf::new(&mock);
    tf.write_file("ca.pem", mock.ca_pem().unwrap());
    tf.config(&key_config("  ca_certificates = file(\"ca.pem\")"));
    let text = tf.apply_err().text();
    let words = format!("name mismatch: the certificate is for {WRONG_NAME}, not 127.0.0.1");
    assert!(text.contains(&words), "{words}:\n{text}");
    assert!(!text.contains("trusted CA"), "the CA is trusted: {text}");
    assert!(mock.requests().is_empty());
}

#[test]
fn an_expired_certificate_says_expired_with_the_date() {
    let mock = tls_mock(Leaf::Expired);
    let tf = Tf::new(&mock);
    tf.write_file("ca.pem", mock.ca_pem().unwrap());
    tf.config(&key_config("  ca_certificates = file(\"ca.pem\")"));
    let text = tf.apply_err().text();
    assert!(
        text.contains("it expired on 2020-02-01 00:00:00 UTC"),
        "expired, with the date:\n{text}"
    );
    assert!(mock.requests().is_empty());
}

/// A fresh directory under the test target's temporary directory.
fn tempdir(name: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "tls-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
