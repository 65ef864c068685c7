//! Hostile input, the seed's JSON shape, and the `hostup-mock` binary.

use crate::common::*;
use hostup_mock::fixtures::TOKEN;
use hostup_mock::{MockServer, Seed};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn hostile_input_never_breaks_the_server() {
    let srv = MockServer::start(Seed::default());
    let big = format!(r#"{{"name":"x","publicKey":"{}"}}"#, "A".repeat(70 * 1024));
    let big = Body::Raw(big.into_bytes(), None);
    let r = send(
        &srv,
        Method::POST,
        "/api/v2/ssh-keys",
        Auth::Bearer(TOKEN),
        big,
    )
    .await;
    assert_eq!(r.status, 413);
    assert_eq!(r.headers["content-type"], "application/problem+json");
    for path in [
        "/",
        "/api",
        "/api/v2/nope",
        "/api/v2/ssh-keys/a/b/c",
        "/api/v2/%FF%00",
        "/api//v2/ssh-keys",
    ] {
        let r = get(&srv, path).await;
        assert_eq!(r.status, 404, "{path}");
        r.problem();
    }
    let r = put(&srv, "/api/v2/ssh-keys").await;
    assert_eq!(r.status, 405);
    let r = get(&srv, "/api/v2/ssh-keys?limit=%FF&cursor=%%").await;
    assert_eq!(r.status, 400);
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": 5, "publicKey": ["x"]}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.problem().errors.len(), 2);
    // Still serving.
    assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 200);
}

#[test]
fn seed_json_shape_parses() {
    let seed: Seed = serde_json::from_value(json!({
        "tokens": [{"token": "t", "scopes": ["read:vm"], "accountId": "20000"}],
        "vpsKeys": [{"name": "n", "publicKey": ED25519_A, "id": "ssh_x",
                     "canRename": {"allowed": false, "reason": "r", "code": "pending_order"},
                     "canDelete": {"allowed": true, "reason": null}, "lastUsedAt": null}],
        "hostingAccounts": [{"id": "acct_1", "accountId": "20000", "sshCommand": "ssh u@h",
                             "canAdd": {"allowed": true, "reason": null},
                             "sshKeys": [{"name": "n", "publicKey": ED25519_B}]}],
        "vms": [{"vmid": 10000, "accountId": "20000"}],
        "faults": {"rate429": 0.0, "latencyMs": 1}
    }))
    .unwrap();
    let srv = MockServer::start(seed);
    assert_eq!(srv.vps_keys()[0].id, "ssh_x");
    assert_eq!(srv.hosting_keys("acct_1").len(), 1);
    let bad = serde_json::from_value::<Seed>(json!({"tokenz": []}));
    assert!(bad.is_err());
}

#[test]
fn binary_refuses_non_loopback() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hostup-mock"))
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    assert!(out.stdout.is_empty());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hostup-mock"))
        .args(["--listen", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hostup-mock"))
        .args(["--seed", "/nonexistent/seed.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn binary_prints_listening_line_and_serves() {
    use std::io::BufRead;
    let url_file = std::env::temp_dir().join(format!("hostup-mock-url-{}", std::process::id()));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hostup-mock"))
        .args(["--listen", "127.0.0.1:0", "--url-file"])
        .arg(&url_file)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("hostup-mock listening on http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"));
    let written = std::fs::read_to_string(&url_file).unwrap_or_default();
    let alive = std::net::TcpStream::connect(written.trim_start_matches("http://")).is_ok();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(&url_file);
    let url = url.unwrap_or_else(|| panic!("unexpected line: {line:?}"));
    assert_eq!(written, url);
    assert!(alive);
}

/// What axum's routing would do differently by itself, answered as the mock always has: HEAD is
/// not GET, a 405 carries no `Allow` (but the published profile's web-server 405 does), a route
/// matched only through an empty segment is no route, and `/__mock/` is the admin's 404.
#[tokio::test]
async fn routing_edges_answer_as_before() {
    let srv = MockServer::start(Seed::default());
    let r = send(
        &srv,
        Method::HEAD,
        "/api/v2/ssh-keys",
        Auth::Bearer(TOKEN),
        Body::None,
    )
    .await;
    assert_eq!(r.status, 405);
    let r = send(
        &srv,
        Method::OPTIONS,
        "/api/ssh-keys",
        Auth::None,
        Body::None,
    )
    .await;
    assert_eq!(r.status, 405);
    assert!(r.headers.get("allow").is_none());
    assert_eq!(r.problem().code.as_deref(), Some("method_not_allowed"));
    let r = get(&srv, "/api/v2/shared-hosting//ssh-keys").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.problem().detail.as_deref(), Some("No such API route."));
    assert_eq!(srv.requests()[2].route, "/api/v2/shared-hosting//ssh-keys");
    // The reset takes any vmid segment; its own check refuses an empty one.
    let r = reset(&srv, "", Some(TOKEN), json!({"keyIds": ["1"]})).await;
    assert_eq!(r.v1_error().code.as_deref(), Some("VALIDATION_ERROR"));
    for path in ["/__mock", "/__mock/", "/__mock/nope"] {
        let r = admin(&srv, Method::GET, path, Body::None).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(
            r.problem().detail.as_deref(),
            Some("No such mock admin route.")
        );
    }
    let r = admin(&srv, Method::PUT, "/__mock/state", Body::None).await;
    assert_eq!((r.status.as_u16(), r.headers.get("allow")), (404, None));

    let srv = MockServer::start(Seed {
        profile: hostup_mock::Profile::LegacyKeyWrites,
        ..Seed::default()
    });
    // The hosting key removal is published, so served in this profile too: HostUp's own 404.
    let r = delete(
        &srv,
        &format!("/api/v2/shared-hosting/{ACCT}/ssh-keys/ssh_x"),
    )
    .await;
    assert_eq!((r.status.as_u16(), r.header("allow")), (404, ""));
    assert_eq!(r.problem().code.as_deref(), Some("not_found"));
}
