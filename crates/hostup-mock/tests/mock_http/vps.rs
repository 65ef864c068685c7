//! `/api/v2/ssh-keys`: validation, pagination, create/rename/delete, duplicates and action gates.

use crate::common::*;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hostup_mock::fixtures::TOKEN;
use hostup_mock::wire::{ActionGate, VpsKeyPage, VpsSshKey, MAX_NAME_LEN};
use hostup_mock::{MockServer, Seed, SeedVpsKey};
use reqwest::Method;
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn validation_errors_carry_pointers_and_codes() {
    let srv = MockServer::start(Seed {
        vps_keys: vec![seed_key("a", ED25519_A)],
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
        assert_eq!(r.problem().code.as_deref(), Some("invalid_cursor"), "{c}");
    }
    // Missing name.
    let r = post(&srv, "/api/v2/ssh-keys", json!({"publicKey": ED25519_B})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        pointers(&r.problem()),
        vec![("/name".into(), "missing_required".into())]
    );
    // Blank and over-long names.
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "  ", "publicKey": ED25519_B}),
    )
    .await;
    assert_eq!(pointers(&r.problem())[0].0, "/name");
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "x".repeat(MAX_NAME_LEN + 1), "publicKey": ED25519_B}),
    )
    .await;
    assert_eq!(pointers(&r.problem())[0].0, "/name");
    // Private key material.
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "p", "publicKey": OPENSSH_PRIVATE}),
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
        json!({"name": "n", "publicKey": ED25519_B, "comment": "x"}),
    )
    .await;
    assert_eq!(
        pointers(&r.problem()),
        vec![("/comment".into(), "unknown_field".into())]
    );
    let id = srv.vps_keys()[0].id.clone();
    let r = patch(
        &srv,
        &format!("/api/v2/ssh-keys/{id}"),
        json!({"name": "n", "publicKey": ED25519_B}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        pointers(&r.problem()),
        vec![("/publicKey".into(), "unknown_field".into())]
    );
    // Malformed JSON and invalid UTF-8.
    for body in [b"{\"name\": ".to_vec(), vec![0xff, 0xfe, b'{']] {
        let body = Body::Raw(body, Some("application/json"));
        let r = send(
            &srv,
            Method::POST,
            "/api/v2/ssh-keys",
            Auth::Bearer(TOKEN),
            body,
        )
        .await;
        assert_eq!(r.status, 400);
    }
    assert_eq!(srv.vps_keys().len(), 1, "no failed request changed state");
    assert_eq!(srv.vps_keys()[0].name, "a");
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
    let page: VpsKeyPage = get(&srv, "/api/v2/ssh-keys").await.parse();
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
    let p1: VpsKeyPage = r.parse();
    assert_eq!(p1.data.len(), 2);
    // Delete the whole first page, including the key the cursor points after.
    for k in &p1.data {
        let r = delete(&srv, &format!("/api/v2/ssh-keys/{}", k.id)).await;
        assert_eq!(r.status, 204);
        assert!(r.text.is_empty());
    }
    let c = p1.next_cursor.unwrap();
    let p2: VpsKeyPage = get(&srv, &format!("/api/v2/ssh-keys?limit=2&cursor={c}"))
        .await
        .parse();
    let got: Vec<&str> = p2.data.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(got, vec![all[2].as_str(), all[3].as_str()]);
}

#[tokio::test]
async fn create_rename_delete_and_duplicate() {
    let srv = MockServer::start(Seed::default());
    // Extra blanks: the stored form is normalised.
    let sent = ED25519_A.replacen(' ', "   ", 1);
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "laptop", "publicKey": sent}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let key: VpsSshKey = r.parse();
    assert!(key.id.starts_with("ssh_") && key.id.len() == 30);
    assert!(key.id[4..]
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    assert_eq!(key.display_id.as_deref(), Some("2830"));
    assert_eq!(key.public_key, ED25519_A);
    assert_eq!(key.key_type.as_deref(), Some("ed25519"));
    assert!(key.fingerprint.as_deref().unwrap().starts_with("SHA256:"));
    assert!(key.created_at.is_some());
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "rsa", "publicKey": RSA_2048}),
    )
    .await;
    let rsa: VpsSshKey = r.parse();
    assert_eq!(rsa.display_id.as_deref(), Some("2831"));
    assert_eq!(rsa.key_type.as_deref(), Some("rsa"));

    // Same key material with another comment: duplicate.
    let other_comment = format!(
        "{} else@example.com",
        &ED25519_A[..ED25519_A.rfind(' ').unwrap()]
    );
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

    let r = patch(
        &srv,
        &format!("/api/v2/ssh-keys/{}", key.id),
        json!({"name": "renamed"}),
    )
    .await;
    assert_eq!(r.status, 200);
    let renamed: VpsSshKey = r.parse();
    assert_eq!(
        (renamed.id.as_str(), renamed.name.as_str()),
        (key.id.as_str(), "renamed")
    );
    assert_eq!(renamed.public_key, key.public_key);
    // The limit counts characters, not bytes: MAX_NAME_LEN two-byte characters are accepted.
    let r = patch(
        &srv,
        &format!("/api/v2/ssh-keys/{}", key.id),
        json!({"name": "é".repeat(MAX_NAME_LEN)}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let path = format!("/api/v2/ssh-keys/{}", key.id);
    let r = delete(&srv, &path).await;
    assert_eq!(r.status, 204);
    let r = delete(&srv, &path).await;
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
            ..seed_key("locked", ED25519_A)
        }],
        ..Seed::default()
    });
    let page: VpsKeyPage = get(&srv, "/api/v2/ssh-keys").await.parse();
    let a = page.data[0].actions.clone().unwrap();
    assert_eq!(a.can_rename.unwrap().code.as_deref(), Some("pending_order"));
    let r = patch(&srv, "/api/v2/ssh-keys/ssh_blocked", json!({"name": "x"})).await;
    assert_eq!(r.status, 409);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("pending_order"));
    assert_eq!(
        p.detail.as_deref(),
        Some("An order is pending for this key.")
    );
    let r = delete(&srv, "/api/v2/ssh-keys/ssh_blocked").await;
    assert_eq!(r.status, 409);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("action_blocked"));
    assert_eq!(p.detail.as_deref(), Some("Key is in use."));
    assert_eq!(srv.vps_keys()[0].name, "locked");

    // Gates can be changed out of band.
    srv.set_vps_key_actions("ssh_blocked", ActionGate::allow(), ActionGate::allow());
    let r = delete(&srv, "/api/v2/ssh-keys/ssh_blocked").await;
    assert_eq!(r.status, 204);
}
