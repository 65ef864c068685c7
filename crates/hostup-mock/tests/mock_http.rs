//! HTTP-level tests of the mock HostUp API (`hostup_mock`), driven with reqwest.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hostup::api::models::{
    ActionGate, HostingKeyList, ImportedHostingKey, Problem, ResetVmKeysReply, V1Error, VpsKeyPage,
    VpsSshKey, MAX_NAME_LEN,
};
use hostup_mock::fixtures::{test_key, HOSTING_ACCOUNT_ID, TOKEN};
use hostup_mock::{
    Faults, ForcedError, MockServer, Seed, SeedHostingAccount, SeedToken, SeedVm, SeedVpsKey,
};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const ACCT: &str = HOSTING_ACCOUNT_ID;
// Generated with ssh-keygen for these tests (public halves only).
const K1: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPMUxNmlHTgckqdyKbEd2QhH9JKutkURSw6ECjh529oL ops@example.com";
const K2: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDrWNJoaR5rJokTGqQoaDtfhlhbjzLbsbwC7tGkef0Rr bob@example.com";
const K3_RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDL5xCSFNarAAKheHoBt6jam9mQGvj5fLtmhtJg8dCBsNm7adaOlh4kdYdTpSaOxyp9QN/qo7rSwpx3k6akF+2+6za6CG7oKaKW6BHOquSx6eiFu8K63KZI8NnK4e2a3eUS29mpb7sxBq4Cu05553cFSKkDOQuoqmUBmXqChJE8rC4eKhpfMX9V6PoB+z7ie+HTUHLAFq34gLPqFSFXRFrlC//NZOizfSVuhdd2N/NSf3NCDrj8z1sS5Y9rDfLs5bTnXb/bufTHN76ZCJBGlbLshXNERbZU0qo1EfXDjg6Mm32Dmjyj7wacRRdpwA0GS4IniegDkG3+s6hQkrwC0pq7 rsa@example.com";
const PRIVATE: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----";

/// A valid ed25519 public key line whose key bytes depend on `i`.
fn gen_key(i: u32) -> String {
    test_key(i, &format!("gen{i}@example.com"))
}

fn seed_key(name: &str, public_key: &str) -> SeedVpsKey {
    SeedVpsKey {
        name: name.into(),
        public_key: public_key.into(),
        ..Default::default()
    }
}

/// Default world plus a second account (30000) owning a VM, a hosting account and a key, and a
/// read-only token.
fn two_account_seed() -> Seed {
    let mut seed = Seed::default();
    seed.tokens.push(SeedToken {
        token: "other-token".into(),
        scopes: vec!["read:vm".into(), "write:account".into()],
        account_id: "30000".into(),
    });
    seed.tokens.push(SeedToken {
        token: "readonly-token".into(),
        scopes: vec!["read:vm".into()],
        account_id: "20000".into(),
    });
    seed.vms.push(SeedVm {
        vmid: 20001,
        account_id: Some("30000".into()),
    });
    seed.hosting_accounts.push(SeedHostingAccount {
        id: "acct_other".into(),
        account_id: Some("30000".into()),
        ssh_command: None,
        can_add: None,
        ssh_keys: vec![],
    });
    seed.vps_keys.push(SeedVpsKey {
        account_id: Some("30000".into()),
        id: Some("ssh_other".into()),
        ..seed_key("theirs", K3_RSA)
    });
    seed
}

struct Resp {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    fn problem(&self) -> Problem {
        assert_eq!(
            self.headers["content-type"], "application/problem+json",
            "{}",
            self.text
        );
        serde_json::from_str(&self.text).expect("problem document")
    }
    fn v1_error(&self) -> V1Error {
        assert_eq!(self.headers["content-type"], "application/json");
        serde_json::from_str(&self.text).expect("v1 error")
    }
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn call(
    srv: &MockServer,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> Resp {
    let mut rb = Client::new().request(method, format!("{}{}", srv.url(), path));
    if let Some(t) = bearer {
        rb = rb.bearer_auth(t);
    }
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.expect("request");
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    assert!(headers.contains_key("x-request-id"), "no X-Request-Id");
    Resp {
        status,
        headers,
        text,
    }
}

async fn get(srv: &MockServer, path: &str) -> Resp {
    call(srv, Method::GET, path, Some(TOKEN), None).await
}

async fn post(srv: &MockServer, path: &str, body: Value) -> Resp {
    call(srv, Method::POST, path, Some(TOKEN), Some(body)).await
}

async fn reset(srv: &MockServer, vmid: &str, api_key: Option<&str>, body: Value) -> Resp {
    let mut rb = Client::new()
        .post(format!("{}/api/vm/{vmid}/reset-ssh-keys", srv.url()))
        .json(&body);
    if let Some(k) = api_key {
        rb = rb.header("X-API-Key", k);
    }
    let r = rb.send().await.expect("request");
    Resp {
        status: r.status(),
        headers: r.headers().clone(),
        text: r.text().await.expect("body"),
    }
}

fn pointers(p: &Problem) -> Vec<(String, String)> {
    p.errors
        .iter()
        .map(|e| (e.pointer.clone(), e.code.clone()))
        .collect()
}

#[tokio::test]
async fn unauthorized_without_or_with_wrong_token_and_token_not_echoed() {
    let srv = MockServer::start(Seed::default());
    let r = call(&srv, Method::GET, "/api/v2/ssh-keys", None, None).await;
    assert_eq!(r.status, 401);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("unauthorized"));
    assert_eq!(p.instance.as_deref(), Some("/api/v2/ssh-keys"));
    let rid = p.request_id.unwrap();
    assert!(rid.starts_with("req_") && rid.len() == 30, "{rid}");
    assert_eq!(r.header("x-request-id"), rid);
    let ts = p.timestamp.unwrap();
    assert_eq!(ts.len(), 24, "{ts}");
    assert!(ts.ends_with('Z') && &ts[10..11] == "T" && &ts[19..20] == ".");

    let secret = "sekrit-wrong-token-1234";
    let r = call(&srv, Method::GET, "/api/v2/ssh-keys", Some(secret), None).await;
    assert_eq!(r.status, 401);
    assert!(!r.text.contains(secret));
    // The request log redacts credentials.
    let logged = srv.requests();
    assert!(logged.iter().all(|q| !format!("{q:?}").contains(secret)));
    assert!(logged[1]
        .headers
        .contains(&("authorization".into(), "<redacted>".into())));
}

#[tokio::test]
async fn forbidden_names_missing_scope_and_other_accounts_resources() {
    let srv = MockServer::start(two_account_seed());
    let r = call(
        &srv,
        Method::POST,
        "/api/v2/ssh-keys",
        Some("readonly-token"),
        Some(json!({"name": "x", "publicKey": K1})),
    )
    .await;
    assert_eq!(r.status, 403);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("forbidden"));
    assert!(p.detail.unwrap().contains("`write:account`"));
    let r = call(
        &srv,
        Method::GET,
        &format!("/api/v2/shared-hosting/{ACCT}/ssh-keys"),
        Some("readonly-token"),
        None,
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r
        .problem()
        .detail
        .unwrap()
        .contains("read:hostingconsole:services"));
    // Another account's key and hosting account.
    let r = call(
        &srv,
        Method::PATCH,
        "/api/v2/ssh-keys/ssh_other",
        Some(TOKEN),
        Some(json!({"name": "mine"})),
    )
    .await;
    assert_eq!(r.status, 403);
    let r = get(&srv, "/api/v2/shared-hosting/acct_other/ssh-keys").await;
    assert_eq!(r.status, 403);
    assert_eq!(r.problem().code.as_deref(), Some("forbidden"));
    // Unknown id.
    let r = call(
        &srv,
        Method::DELETE,
        "/api/v2/ssh-keys/ssh_nope",
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.problem().code.as_deref(), Some("not_found"));
    // Each account sees only its own inventory.
    let mine: VpsKeyPage = serde_json::from_str(&get(&srv, "/api/v2/ssh-keys").await.text).unwrap();
    assert!(mine.data.is_empty());
    let r = call(
        &srv,
        Method::GET,
        "/api/v2/ssh-keys",
        Some("other-token"),
        None,
    )
    .await;
    let theirs: VpsKeyPage = serde_json::from_str(&r.text).unwrap();
    assert_eq!(theirs.data.len(), 1);
    assert_eq!(theirs.data[0].id, "ssh_other");
}

#[tokio::test]
async fn validation_errors_carry_pointers_and_codes() {
    let srv = MockServer::start(Seed {
        vps_keys: vec![seed_key("a", K1)],
        ..Seed::default()
    });
    for (q, code) in [
        ("limit=0", "out_of_range"),
        ("limit=101", "out_of_range"),
        ("limit=-3", "out_of_range"),
        ("limit=abc", "invalid_format"),
        ("limit=1.5", "invalid_format"),
    ] {
        let r = get(&srv, &format!("/api/v2/ssh-keys?{q}")).await;
        assert_eq!(r.status, 400, "{q}");
        let p = r.problem();
        assert_eq!(p.code.as_deref(), Some("invalid_request"));
        assert_eq!(
            pointers(&p),
            vec![("/limit".to_string(), code.to_string())],
            "{q}"
        );
    }
    // A cursor the mock never issued, including a well-formed-looking one.
    let forged = STANDARD.encode("5.0000000000000000");
    for c in ["garbage", "eyJvZmZzZXQiOjIwfQ", forged.as_str()] {
        let r = get(&srv, &format!("/api/v2/ssh-keys?cursor={c}")).await;
        assert_eq!(r.status, 400, "{c}");
        assert_eq!(pointers(&r.problem())[0].0, "/cursor");
    }
    // Missing name.
    let r = post(&srv, "/api/v2/ssh-keys", json!({"publicKey": K2})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        pointers(&r.problem()),
        vec![("/name".into(), "missing_required".into())]
    );
    // Blank and over-long names.
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "  ", "publicKey": K2}),
    )
    .await;
    assert_eq!(pointers(&r.problem())[0].0, "/name");
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "x".repeat(MAX_NAME_LEN + 1), "publicKey": K2}),
    )
    .await;
    assert_eq!(pointers(&r.problem())[0].0, "/name");
    // Private key material.
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "p", "publicKey": PRIVATE}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        pointers(&r.problem()),
        vec![("/publicKey".into(), "private_key_not_allowed".into())]
    );
    assert!(!r
        .text
        .contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"));
    // Not a key at all: the parser's message is the detail.
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "p", "publicKey": "ssh-foo AAAA"}),
    )
    .await;
    let p = r.problem();
    assert_eq!(p.errors[0].code, "invalid_format");
    assert!(!p.errors[0].detail.is_empty());
    // Unknown field on create and on PATCH.
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "n", "publicKey": K2, "comment": "x"}),
    )
    .await;
    assert_eq!(
        pointers(&r.problem()),
        vec![("/comment".into(), "unknown_field".into())]
    );
    let id = srv.vps_keys()[0].id.clone();
    let r = call(
        &srv,
        Method::PATCH,
        &format!("/api/v2/ssh-keys/{id}"),
        Some(TOKEN),
        Some(json!({"name": "n", "publicKey": K2})),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        pointers(&r.problem()),
        vec![("/publicKey".into(), "unknown_field".into())]
    );
    // Malformed JSON and invalid UTF-8.
    for body in [b"{\"name\": ".to_vec(), vec![0xff, 0xfe, b'{']] {
        let r = Client::new()
            .post(format!("{}/api/v2/ssh-keys", srv.url()))
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
    }
    assert_eq!(srv.vps_keys().len(), 1, "no failed request changed state");
    assert_eq!(srv.vps_keys()[0].name, "a");
}

async fn list_all(srv: &MockServer, limit: usize) -> (Vec<VpsKeyPage>, Vec<String>) {
    let mut pages = vec![];
    let mut ids = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v2/ssh-keys?limit={limit}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let r = get(srv, &path).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let page: VpsKeyPage = serde_json::from_str(&r.text).unwrap();
        ids.extend(page.data.iter().map(|k| k.id.clone()));
        cursor = page.next_cursor.clone();
        let more = page.has_more;
        pages.push(page);
        if !more {
            break;
        }
        assert!(pages.len() < 50, "runaway pagination");
    }
    (pages, ids)
}

#[tokio::test]
async fn pagination_over_250_keys() {
    let srv = MockServer::start(Seed {
        vps_keys: (0..250)
            .map(|i| seed_key(&format!("k{i}"), &gen_key(i)))
            .collect(),
        ..Seed::default()
    });
    let (pages, ids) = list_all(&srv, 100).await;
    assert_eq!(pages.len(), 3);
    assert_eq!(
        pages.iter().map(|p| p.data.len()).collect::<Vec<_>>(),
        vec![100, 100, 50]
    );
    assert!(pages[0].next_cursor.is_some() && pages[1].has_more);
    assert!(pages[2].next_cursor.is_none() && !pages[2].has_more);
    assert_eq!(ids.len(), 250);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 250);
    let expected: Vec<String> = srv.vps_keys().into_iter().map(|k| k.id).collect();
    assert_eq!(ids, expected, "insertion order");
    for k in &pages[0].data {
        let a = k.actions.as_ref().expect("actions on every item");
        assert!(a.can_rename.as_ref().unwrap().allowed && a.can_delete.as_ref().unwrap().allowed);
    }
    // Default limit is 20.
    let page: VpsKeyPage = serde_json::from_str(&get(&srv, "/api/v2/ssh-keys").await.text).unwrap();
    assert_eq!(page.data.len(), 20);
}

#[tokio::test]
async fn deleting_keys_between_pages_skips_nothing() {
    let srv = MockServer::start(Seed {
        vps_keys: (0..6)
            .map(|i| seed_key(&format!("k{i}"), &gen_key(i)))
            .collect(),
        ..Seed::default()
    });
    let all: Vec<String> = srv.vps_keys().into_iter().map(|k| k.id).collect();
    let r = get(&srv, "/api/v2/ssh-keys?limit=2").await;
    let p1: VpsKeyPage = serde_json::from_str(&r.text).unwrap();
    assert_eq!(p1.data.len(), 2);
    // Delete the whole first page, including the key the cursor points after.
    for k in &p1.data {
        let r = call(
            &srv,
            Method::DELETE,
            &format!("/api/v2/ssh-keys/{}", k.id),
            Some(TOKEN),
            None,
        )
        .await;
        assert_eq!(r.status, 204);
        assert!(r.text.is_empty());
    }
    let c = p1.next_cursor.unwrap();
    let p2: VpsKeyPage = serde_json::from_str(
        &get(&srv, &format!("/api/v2/ssh-keys?limit=2&cursor={c}"))
            .await
            .text,
    )
    .unwrap();
    let got: Vec<&str> = p2.data.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(got, vec![all[2].as_str(), all[3].as_str()]);
}

#[tokio::test]
async fn create_rename_delete_and_duplicate() {
    let srv = MockServer::start(Seed::default());
    // Extra blanks: the stored form is normalised.
    let sent = K1.replacen(' ', "   ", 1);
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "laptop", "publicKey": sent}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let key: VpsSshKey = serde_json::from_str(&r.text).unwrap();
    assert!(key.id.starts_with("ssh_") && key.id.len() == 30);
    assert!(key.id[4..]
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    assert_eq!(key.display_id.as_deref(), Some("2830"));
    assert_eq!(key.public_key, K1);
    assert_eq!(key.key_type.as_deref(), Some("ed25519"));
    assert!(key.fingerprint.as_deref().unwrap().starts_with("SHA256:"));
    assert!(key.created_at.is_some());
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "rsa", "publicKey": K3_RSA}),
    )
    .await;
    let rsa: VpsSshKey = serde_json::from_str(&r.text).unwrap();
    assert_eq!(rsa.display_id.as_deref(), Some("2831"));
    assert_eq!(rsa.key_type.as_deref(), Some("rsa"));

    // Same key material with another comment: duplicate.
    let other_comment = format!("{} else@example.com", &K1[..K1.rfind(' ').unwrap()]);
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "again", "publicKey": other_comment}),
    )
    .await;
    assert_eq!(r.status, 409);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("duplicate_key"));
    assert_eq!(
        p.detail.as_deref(),
        Some("An SSH key with this fingerprint already exists in this account.")
    );
    assert!(!r.text.contains(&key.id));

    let r = call(
        &srv,
        Method::PATCH,
        &format!("/api/v2/ssh-keys/{}", key.id),
        Some(TOKEN),
        Some(json!({"name": "renamed"})),
    )
    .await;
    assert_eq!(r.status, 200);
    let renamed: VpsSshKey = serde_json::from_str(&r.text).unwrap();
    assert_eq!(
        (renamed.id.as_str(), renamed.name.as_str()),
        (key.id.as_str(), "renamed")
    );
    assert_eq!(renamed.public_key, key.public_key);
    // The limit counts characters, not bytes: MAX_NAME_LEN two-byte characters are accepted.
    let r = call(
        &srv,
        Method::PATCH,
        &format!("/api/v2/ssh-keys/{}", key.id),
        Some(TOKEN),
        Some(json!({"name": "é".repeat(MAX_NAME_LEN)})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let path = format!("/api/v2/ssh-keys/{}", key.id);
    let r = call(&srv, Method::DELETE, &path, Some(TOKEN), None).await;
    assert_eq!(r.status, 204);
    let r = call(&srv, Method::DELETE, &path, Some(TOKEN), None).await;
    assert_eq!(r.status, 404);
    assert_eq!(srv.vps_keys().len(), 1);
}

#[tokio::test]
async fn blocked_actions_return_409_with_gate_code_and_reason() {
    let srv = MockServer::start(Seed {
        vps_keys: vec![SeedVpsKey {
            id: Some("ssh_blocked".into()),
            can_rename: Some(ActionGate {
                allowed: false,
                reason: Some("An order is pending for this key.".into()),
                code: Some("pending_order".into()),
            }),
            can_delete: Some(ActionGate {
                allowed: false,
                reason: Some("Key is in use.".into()),
                code: None,
            }),
            ..seed_key("locked", K1)
        }],
        ..Seed::default()
    });
    let page: VpsKeyPage = serde_json::from_str(&get(&srv, "/api/v2/ssh-keys").await.text).unwrap();
    let a = page.data[0].actions.clone().unwrap();
    assert_eq!(a.can_rename.unwrap().code.as_deref(), Some("pending_order"));
    let r = call(
        &srv,
        Method::PATCH,
        "/api/v2/ssh-keys/ssh_blocked",
        Some(TOKEN),
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(r.status, 409);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("pending_order"));
    assert_eq!(
        p.detail.as_deref(),
        Some("An order is pending for this key.")
    );
    let r = call(
        &srv,
        Method::DELETE,
        "/api/v2/ssh-keys/ssh_blocked",
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(r.status, 409);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("action_blocked"));
    assert_eq!(p.detail.as_deref(), Some("Key is in use."));
    assert_eq!(srv.vps_keys()[0].name, "locked");

    // Gates can be changed out of band.
    srv.set_vps_key_actions("ssh_blocked", ActionGate::allow(), ActionGate::allow());
    let r = call(
        &srv,
        Method::DELETE,
        "/api/v2/ssh-keys/ssh_blocked",
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(r.status, 204);
}

#[tokio::test]
async fn hosting_keys_list_import_delete() {
    let srv = MockServer::start(two_account_seed());
    let base = format!("/api/v2/shared-hosting/{ACCT}/ssh-keys");
    let list: HostingKeyList = serde_json::from_str(&get(&srv, &base).await.text).unwrap();
    assert!(list.ssh_keys.is_empty());
    assert_eq!(
        list.ssh_command.as_deref(),
        Some("ssh u20000@web01.hostup.se")
    );
    assert!(list.actions.can_add.allowed);

    let r = post(&srv, &base, json!({"name": "deploy", "publicKey": K1})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let imp: ImportedHostingKey = serde_json::from_str(&r.text).unwrap();
    assert!(imp.imported && imp.authorized && imp.id.starts_with("ssh_"));
    assert_eq!(imp.name, "deploy");

    let list: HostingKeyList = serde_json::from_str(&get(&srv, &base).await.text).unwrap();
    let k = &list.ssh_keys[0];
    assert_eq!(k.id, imp.id);
    assert_eq!(k.key_type.as_deref(), Some("ssh-ed25519"));
    assert_eq!(k.bits, Some(256));
    assert_eq!(k.comment.as_deref(), Some("ops@example.com"));
    assert_eq!(k.public_key.as_deref(), Some(K1));
    assert_eq!(k.fingerprint, imp.fingerprint);
    assert_eq!(srv.hosting_keys(ACCT).len(), 1);

    let r = post(&srv, &base, json!({"name": "again", "publicKey": K1})).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.problem().code.as_deref(), Some("duplicate_key"));
    let r = post(&srv, &base, json!({"name": "p", "publicKey": PRIVATE})).await;
    assert_eq!(pointers(&r.problem())[0].1, "private_key_not_allowed");

    let r = get(&srv, "/api/v2/shared-hosting/acct_unknown/ssh-keys").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.problem().code.as_deref(), Some("not_found"));
    let r = post(
        &srv,
        "/api/v2/shared-hosting/acct_other/ssh-keys",
        json!({"name": "x", "publicKey": K2}),
    )
    .await;
    assert_eq!(r.status, 403);

    srv.set_can_add(
        ACCT,
        ActionGate {
            allowed: false,
            reason: Some("SSH access is disabled for this plan.".into()),
            code: Some("ssh_disabled".into()),
        },
    );
    let r = post(&srv, &base, json!({"name": "k2", "publicKey": K2})).await;
    assert_eq!(r.status, 409);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("ssh_disabled"));
    assert_eq!(
        p.detail.as_deref(),
        Some("SSH access is disabled for this plan.")
    );

    let r = call(
        &srv,
        Method::DELETE,
        &format!("{base}/{}", imp.id),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(r.status, 204);
    let r = call(
        &srv,
        Method::DELETE,
        &format!("{base}/{}", imp.id),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(r.status, 404);
    assert!(srv.hosting_keys(ACCT).is_empty());
    assert_eq!(
        srv.count("DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{keyId}"),
        2
    );
}

#[tokio::test]
async fn v1_reset_ssh_keys() {
    let srv = MockServer::start(Seed {
        vps_keys: vec![seed_key("a", K1), seed_key("b", K2)],
        ..two_account_seed()
    });
    let keys = srv.vps_keys();
    let (id_a, disp_b) = (keys[0].id.clone(), keys[1].display_id.clone().unwrap());
    let r = reset(
        &srv,
        "10000",
        Some(TOKEN),
        json!({"keyIds": [id_a, disp_b]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["data"]["vmid"], json!("10000"));
    assert_eq!(v["data"]["accountId"], json!("20000"));
    assert_eq!(v["data"]["keyCount"], json!(2));
    let reply: ResetVmKeysReply = serde_json::from_value(v).unwrap();
    assert!(reply.success && reply.data.success);
    assert_eq!(
        reply.data.message,
        "SSH keys reset initiated. VM will restart automatically to apply changes."
    );
    assert_eq!(reply.request_id.len(), 36);
    assert_eq!(r.header("x-request-id"), reply.request_id);
    let resets = srv.resets();
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0].vmid, 10000);
    assert_eq!(resets[0].key_ids, vec![id_a.clone(), disp_b]);
    assert_eq!(resets[0].account_id, "20000");
    assert!(resets[0].used_x_api_key);

    // Bearer alone is not accepted on v1.
    let r = Client::new()
        .post(format!("{}/api/vm/10000/reset-ssh-keys", srv.url()))
        .bearer_auth(TOKEN)
        .json(&json!({"keyIds": [id_a]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let e: V1Error = r.json().await.unwrap();
    assert_eq!(e.code.as_deref(), Some("UNAUTHORIZED"));

    let r = reset(&srv, "10000", Some(TOKEN), json!({"keyIds": ["ssh_nope"]})).await;
    assert_eq!(r.status, 400);
    let e = r.v1_error();
    assert_eq!(e.code.as_deref(), Some("VALIDATION_ERROR"));
    assert_eq!(e.error.as_deref(), Some("Bad Request"));
    assert!(e.message.unwrap().contains("ssh_nope"));
    // Another account's key is not in our inventory either.
    let r = reset(&srv, "10000", Some(TOKEN), json!({"keyIds": ["ssh_other"]})).await;
    assert_eq!(r.status, 400);

    for body in [
        json!({"keyIds": []}),
        json!({}),
        json!({"keyIds": [""]}),
        json!({"keyIds": "2830"}),
        json!([1]),
    ] {
        let r = reset(&srv, "10000", Some(TOKEN), body.clone()).await;
        assert_eq!(r.status, 400, "{body}");
    }
    for vmid in ["0", "abc", "-1", "1.5"] {
        let r = reset(&srv, vmid, Some(TOKEN), json!({"keyIds": [id_a]})).await;
        assert_eq!(r.status, 400, "{vmid}");
    }
    let r = reset(&srv, "20001", Some(TOKEN), json!({"keyIds": [id_a]})).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.v1_error().code.as_deref(), Some("NOT_FOUND"));
    let r = reset(&srv, "99999", Some(TOKEN), json!({"keyIds": [id_a]})).await;
    assert_eq!(r.status, 404);
    assert_eq!(srv.resets().len(), 1);
    assert_eq!(srv.count("POST /api/vm/{vmid}/reset-ssh-keys"), 15);
}

#[tokio::test]
async fn rate_limit_fault_has_headers_and_changes_nothing() {
    let srv = MockServer::start(Seed::default());
    srv.set_faults(Faults {
        rate429: 1.0,
        retry_after_secs: 7,
        ..Faults::default()
    });
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "a", "publicKey": K1}),
    )
    .await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), "7");
    assert!(!r.header("x-ratelimit-limit").is_empty());
    assert_eq!(r.header("x-ratelimit-remaining"), "0");
    assert!(r.header("x-ratelimit-reset").parse::<u64>().is_ok());
    assert_eq!(r.problem().code.as_deref(), Some("rate_limited"));
    let r = reset(&srv, "10000", Some(TOKEN), json!({"keyIds": ["2830"]})).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.v1_error().code.as_deref(), Some("RATE_LIMITED"));
    assert!(srv.vps_keys().is_empty());
    let log = srv.requests();
    assert_eq!(log[0].status, 429);
    assert_eq!(log[0].fault.as_deref(), Some("429"));
    // Admin endpoints are never faulted.
    let r = Client::new()
        .get(format!("{}/__mock/state", srv.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    srv.set_faults(Faults {
        rate5xx: 1.0,
        ..Faults::default()
    });
    let r = get(&srv, "/api/v2/ssh-keys").await;
    assert_eq!(r.status, 500);
    assert_eq!(srv.requests().last().unwrap().fault.as_deref(), Some("5xx"));
}

#[tokio::test]
async fn random_faults_are_deterministic_per_seed() {
    let run = |seed: u64| async move {
        let srv = MockServer::start(Seed::default());
        srv.set_faults(Faults {
            rate429: 0.3,
            rate5xx: 0.2,
            seed,
            ..Faults::default()
        });
        let mut out = vec![];
        for _ in 0..30 {
            out.push(get(&srv, "/api/v2/ssh-keys").await.status.as_u16());
        }
        out
    };
    let a = run(42).await;
    assert_eq!(a, run(42).await);
    assert!(
        a.contains(&200) && a.contains(&429) && a.contains(&500),
        "{a:?}"
    );
}

#[tokio::test]
async fn forced_errors_html_and_envelopes() {
    let srv = MockServer::start(Seed::default());
    srv.set_faults(Faults {
        forced_errors: vec![
            ForcedError {
                route: "GET /api/v2/ssh-keys".into(),
                status: 502,
                code: String::new(),
                message: String::new(),
                count: 1,
                html: true,
            },
            ForcedError {
                route: "POST /api/vm/{vmid}/reset-ssh-keys".into(),
                status: 500,
                code: "INTERNAL_ERROR".into(),
                message: "Failed to reset SSH keys".into(),
                count: 2,
                html: false,
            },
            ForcedError {
                route: "PATCH /api/v2/ssh-keys/{id}".into(),
                status: 503,
                code: "maintenance".into(),
                message: "Down for maintenance.".into(),
                count: 1,
                html: false,
            },
        ],
        ..Faults::default()
    });
    let r = get(&srv, "/api/v2/ssh-keys").await;
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").starts_with("text/html"));
    assert_eq!(r.text, "<html><body><h1>502 Bad Gateway</h1></body></html>");
    assert_eq!(
        get(&srv, "/api/v2/ssh-keys").await.status,
        200,
        "count exhausted"
    );

    for _ in 0..2 {
        let r = reset(&srv, "10000", Some(TOKEN), json!({"keyIds": ["x"]})).await;
        assert_eq!(r.status, 500);
        let e = r.v1_error();
        assert_eq!(e.code.as_deref(), Some("INTERNAL_ERROR"));
        assert_eq!(e.message.as_deref(), Some("Failed to reset SSH keys"));
    }
    let r = call(
        &srv,
        Method::PATCH,
        "/api/v2/ssh-keys/ssh_x",
        Some(TOKEN),
        Some(json!({"name": "n"})),
    )
    .await;
    assert_eq!(r.status, 503);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("maintenance"));
    assert_eq!(p.detail.as_deref(), Some("Down for maintenance."));
    assert_eq!(srv.requests()[0].fault.as_deref(), Some("forced"));
}

#[tokio::test]
async fn dropped_create_reply_commits_but_client_sees_connection_error() {
    let srv = MockServer::start(Seed::default());
    srv.set_faults(Faults {
        drop_create_replies: 2,
        ..Faults::default()
    });
    let client = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .post(format!("{}/api/v2/ssh-keys", srv.url()))
        .bearer_auth(TOKEN)
        .json(&json!({"name": "lost", "publicKey": K1}))
        .send()
        .await
        .expect_err("the reply must be dropped");
    assert!(!err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let keys = srv.vps_keys();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "lost");
    let last = srv.requests().pop().unwrap();
    assert_eq!((last.status, last.fault.as_deref()), (201, Some("drop")));

    // Hosting import too.
    let err = client
        .post(format!(
            "{}/api/v2/shared-hosting/{ACCT}/ssh-keys",
            srv.url()
        ))
        .bearer_auth(TOKEN)
        .json(&json!({"name": "lost", "publicKey": K1}))
        .send()
        .await
        .expect_err("the reply must be dropped");
    assert!(!err.is_timeout());
    assert_eq!(srv.hosting_keys(ACCT).len(), 1);

    // The server is fine afterwards and the counter is used up; a retry sees the duplicate.
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "lost", "publicKey": K1}),
    )
    .await;
    assert_eq!(r.status, 409);
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "two", "publicKey": K2}),
    )
    .await;
    assert_eq!(r.status, 201);
}

#[tokio::test]
async fn latency_is_added() {
    let srv = MockServer::start(Seed {
        faults: Faults {
            latency_ms: 300,
            ..Faults::default()
        },
        ..Seed::default()
    });
    let t = Instant::now();
    assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    // Admin endpoints are not delayed.
    let t = Instant::now();
    Client::new()
        .get(format!("{}/__mock/state", srv.url()))
        .send()
        .await
        .unwrap();
    assert!(t.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn request_log_and_counts() {
    let srv = MockServer::start(Seed::default());
    get(&srv, "/api/v2/ssh-keys?limit=5").await;
    get(&srv, "/api/v2/ssh-keys").await;
    let key: VpsSshKey = serde_json::from_str(
        &post(
            &srv,
            "/api/v2/ssh-keys",
            json!({"name": "a", "publicKey": K1}),
        )
        .await
        .text,
    )
    .unwrap();
    call(
        &srv,
        Method::PATCH,
        &format!("/api/v2/ssh-keys/{}", key.id),
        Some(TOKEN),
        Some(json!({"name": "b"})),
    )
    .await;
    reset(&srv, "10000", Some(TOKEN), json!({"keyIds": [key.id]})).await;
    assert_eq!(srv.count("GET /api/v2/ssh-keys"), 2);
    assert_eq!(srv.count("POST /api/v2/ssh-keys"), 1);
    assert_eq!(srv.count("PATCH /api/v2/ssh-keys/{id}"), 1);
    assert_eq!(srv.count("POST /api/vm/{vmid}/reset-ssh-keys"), 1);
    assert_eq!(srv.write_count(), 3);
    let log = srv.requests();
    assert_eq!(log[0].query.as_deref(), Some("limit=5"));
    assert_eq!(log[0].route, "/api/v2/ssh-keys");
    assert_eq!(log[3].path, format!("/api/v2/ssh-keys/{}", key.id));
    assert_eq!(log[3].body, r#"{"name":"b"}"#);
    assert!(log[4]
        .headers
        .contains(&("x-api-key".into(), "<redacted>".into())));
    assert!(!format!("{log:?}").contains(TOKEN));
    srv.clear_requests();
    assert!(srv.requests().is_empty());
    assert_eq!(srv.write_count(), 0);
}

#[tokio::test]
async fn admin_endpoints() {
    let srv = MockServer::start(Seed::default());
    let c = Client::new();
    let u = srv.url();
    let r = c
        .post(format!("{u}/__mock/vps-keys"))
        .json(&json!({"name": "oob", "publicKey": K1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let key: VpsSshKey = r.json().await.unwrap();
    get(&srv, "/api/v2/ssh-keys").await;
    let state: Value = c
        .get(format!("{u}/__mock/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["vpsKeys"][0]["id"], json!(key.id));
    assert_eq!(
        state["vpsKeys"][0]["actions"]["canRename"]["allowed"],
        json!(true)
    );
    assert_eq!(state["hostingAccounts"][0]["id"], json!(ACCT));
    assert_eq!(state["vms"][0]["vmid"], json!(10000));
    assert!(state["resets"].as_array().unwrap().is_empty());

    let reqs: Value = c
        .get(format!("{u}/__mock/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        reqs["requests"].as_array().unwrap().len(),
        1,
        "admin calls are not logged"
    );
    assert_eq!(reqs["counts"]["GET /api/v2/ssh-keys"], json!(1));
    let r = c
        .delete(format!("{u}/__mock/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(srv.requests().is_empty());

    let r = c
        .put(format!("{u}/__mock/faults"))
        .json(&json!({"rate429": 1.0, "retryAfterSecs": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 429);
    let r = c
        .put(format!("{u}/__mock/faults"))
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    c.put(format!("{u}/__mock/faults"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 200);

    let r = c
        .delete(format!("{u}/__mock/vps-keys/{}", key.id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = c
        .delete(format!("{u}/__mock/vps-keys/{}", key.id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(srv.vps_keys().is_empty());
}

#[tokio::test]
async fn out_of_band_changes_show_up() {
    let srv = MockServer::start(Seed::default());
    let k = srv.insert_vps_key("dashboard", K2);
    let page: VpsKeyPage = serde_json::from_str(&get(&srv, "/api/v2/ssh-keys").await.text).unwrap();
    assert_eq!(page.data, vec![k.clone()]);
    assert!(srv.remove_vps_key(&k.id));
    assert!(!srv.remove_vps_key(&k.id));
    let page: VpsKeyPage = serde_json::from_str(&get(&srv, "/api/v2/ssh-keys").await.text).unwrap();
    assert!(page.data.is_empty());
    assert_eq!(srv.write_count(), 0, "out-of-band changes are not requests");
}

#[tokio::test]
async fn hostile_input_never_breaks_the_server() {
    let srv = MockServer::start(Seed::default());
    let c = Client::new();
    let u = srv.url();
    let big = format!(r#"{{"name":"x","publicKey":"{}"}}"#, "A".repeat(70 * 1024));
    let r = c
        .post(format!("{u}/api/v2/ssh-keys"))
        .bearer_auth(TOKEN)
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    for path in [
        "/",
        "/api",
        "/api/v2/nope",
        "/api/v2/ssh-keys/a/b/c",
        "/api/v2/%FF%00",
        "/api//v2/ssh-keys",
    ] {
        let r = call(&srv, Method::GET, path, Some(TOKEN), None).await;
        assert_eq!(r.status, 404, "{path}");
        r.problem();
    }
    let r = call(&srv, Method::PUT, "/api/v2/ssh-keys", Some(TOKEN), None).await;
    assert_eq!(r.status, 405);
    let r = call(
        &srv,
        Method::GET,
        "/api/v2/ssh-keys?limit=%FF&cursor=%%",
        Some(TOKEN),
        None,
    )
    .await;
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
        "vpsKeys": [{"name": "n", "publicKey": K1, "id": "ssh_x",
                     "canRename": {"allowed": false, "reason": "r", "code": "pending_order"},
                     "canDelete": {"allowed": true, "reason": null}, "lastUsedAt": null}],
        "hostingAccounts": [{"id": "acct_1", "accountId": "20000", "sshCommand": "ssh u@h",
                             "canAdd": {"allowed": true, "reason": null},
                             "sshKeys": [{"name": "n", "publicKey": K2}]}],
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
