//! TLS mode: https with the mock's own CA, over HTTP/1.1 and HTTP/2; refused without that CA,
//! and for the expired and wrong-name certificates; a dropped create reply still drops.

use crate::common::ED25519_A;
use hostup_mock::fixtures::TOKEN;
use hostup_mock::{Faults, Leaf, MockServer, Seed, WRONG_NAME};
use reqwest::{Certificate, Client, StatusCode, Version};
use serde_json::json;

fn client(ca: Option<&str>, http1: bool) -> Client {
    let mut b = Client::builder().use_rustls_tls();
    if let Some(pem) = ca {
        b = b.add_root_certificate(Certificate::from_pem(pem.as_bytes()).unwrap());
    }
    if http1 {
        b = b.http1_only();
    }
    b.build().unwrap()
}

/// The whole error chain as text.
fn chain(e: &reqwest::Error) -> String {
    format!("{e:?}")
}

#[tokio::test]
async fn serves_https_with_its_own_ca_over_http1_and_http2() {
    let srv = MockServer::start_tls(Seed::default(), Leaf::Valid);
    assert!(srv.url().starts_with("https://127.0.0.1:"), "{}", srv.url());
    let ca = srv.ca_pem().expect("the CA of TLS mode");
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
    for (http1, version) in [(true, Version::HTTP_11), (false, Version::HTTP_2)] {
        let r = client(Some(ca), http1)
            .get(format!("{}/api/v2/ssh-keys", srv.url()))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("trusted");
        assert_eq!((r.status(), r.version()), (StatusCode::OK, version));
    }
    // localhost is on the certificate too.
    let local = srv.url().replace("127.0.0.1", "localhost");
    let r = client(Some(ca), false)
        .get(format!("{local}/api/v2/ssh-keys"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("localhost");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(srv.requests().len(), 3);
    assert!(MockServer::start(Seed::default()).ca_pem().is_none());
}

#[tokio::test]
async fn refused_without_its_ca_and_for_the_bad_certificates() {
    let srv = MockServer::start_tls(Seed::default(), Leaf::Valid);
    let e = client(None, false)
        .get(format!("{}/api/v2/ssh-keys", srv.url()))
        .send()
        .await
        .unwrap_err();
    assert!(chain(&e).contains("UnknownIssuer"), "{e:?}");
    // Another start, another CA.
    let other = MockServer::start_tls(Seed::default(), Leaf::Valid);
    assert_ne!(other.ca_pem(), srv.ca_pem());

    for (leaf, words) in [(Leaf::Expired, "Expired"), (Leaf::WrongName, WRONG_NAME)] {
        let srv = MockServer::start_tls(Seed::default(), leaf);
        let e = client(srv.ca_pem(), false)
            .get(format!("{}/api/v2/ssh-keys", srv.url()))
            .send()
            .await
            .unwrap_err();
        assert!(chain(&e).contains(words), "{leaf:?}: {e:?}");
        assert!(srv.requests().is_empty());
    }
}

#[tokio::test]
async fn a_dropped_create_reply_drops_over_tls_too() {
    let srv = MockServer::start_tls(Seed::default(), Leaf::Valid);
    srv.set_faults(Faults {
        drop_create_replies: 1,
        ..Faults::default()
    });
    let c = client(srv.ca_pem(), false);
    let url = format!("{}/api/v2/ssh-keys", srv.url());
    let body = json!({"name": "lost", "publicKey": ED25519_A});
    let e = c.post(&url).bearer_auth(TOKEN).json(&body).send().await;
    assert!(e.is_err(), "no reply: {e:?}");
    assert_eq!(srv.vps_keys().len(), 1, "committed");
    // The server keeps serving.
    let r = c.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_binary_writes_its_ca_and_serves_https() {
    use std::io::BufRead;
    let ca_out = std::env::temp_dir().join(format!("hostup-mock-ca-{}.pem", std::process::id()));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hostup-mock"))
        .args(["--tls", "--tls-leaf", "wrong-name", "--ca-out"])
        .arg(&ca_out)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ca = std::fs::read_to_string(&ca_out).unwrap_or_default();
    let url = line
        .trim_end()
        .strip_prefix("hostup-mock listening on ")
        .unwrap_or_default()
        .to_string();
    let reply = client(Some(&ca), false)
        .get(format!("{url}/api/v2/ssh-keys"))
        .send()
        .await;
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(&ca_out);
    assert!(url.starts_with("https://127.0.0.1:"), "{line:?}");
    let e = reply.expect_err("the wrong-name certificate is refused");
    assert!(chain(&e).contains(WRONG_NAME), "{e:?}");

    for args in [
        &["--ca-out", "x.pem"][..],
        &["--tls", "--tls-leaf", "bogus"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hostup-mock"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
