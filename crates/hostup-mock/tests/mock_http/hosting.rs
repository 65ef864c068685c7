//! `/api/v2/shared-hosting/{accountId}/ssh-keys`: list, import, duplicates, the canAdd gate, delete.

use crate::common::*;
use hostup_mock::wire::{ActionGate, HostingKeyList, ImportedHostingKey};
use hostup_mock::MockServer;
use serde_json::json;

#[tokio::test]
async fn hosting_keys_list_import_delete() {
    let srv = MockServer::start(two_account_seed());
    let base = format!("/api/v2/shared-hosting/{ACCT}/ssh-keys");
    let list: HostingKeyList = get(&srv, &base).await.parse();
    assert!(list.ssh_keys.is_empty());
    assert_eq!(
        list.ssh_command.as_deref(),
        Some("ssh u20000@web01.hostup.se")
    );
    assert!(list.actions.can_add.allowed);

    let r = post(
        &srv,
        &base,
        json!({"name": "deploy", "publicKey": ED25519_A}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let imp: ImportedHostingKey = r.parse();
    assert!(imp.imported && imp.authorized && imp.id.starts_with("ssh_"));
    assert_eq!(imp.name, "deploy");

    let list: HostingKeyList = get(&srv, &base).await.parse();
    let k = &list.ssh_keys[0];
    assert_eq!(k.id, imp.id);
    assert_eq!(k.key_type.as_deref(), Some("ssh-ed25519"));
    assert_eq!(k.bits, Some(256));
    assert_eq!(k.comment.as_deref(), Some("ops@example.com"));
    assert_eq!(k.public_key.as_deref(), Some(ED25519_A));
    assert_eq!(k.fingerprint, imp.fingerprint);
    assert_eq!(srv.hosting_keys(ACCT).len(), 1);

    let r = post(
        &srv,
        &base,
        json!({"name": "again", "publicKey": ED25519_A}),
    )
    .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.problem().code.as_deref(), Some("duplicate_key"));
    let r = post(
        &srv,
        &base,
        json!({"name": "p", "publicKey": OPENSSH_PRIVATE}),
    )
    .await;
    assert_eq!(pointers(&r.problem())[0].1, "private_key_not_allowed");

    let r = get(&srv, "/api/v2/shared-hosting/acct_unknown/ssh-keys").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.problem().code.as_deref(), Some("not_found"));
    let r = post(
        &srv,
        "/api/v2/shared-hosting/acct_other/ssh-keys",
        json!({"name": "x", "publicKey": ED25519_B}),
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
    let r = post(&srv, &base, json!({"name": "k2", "publicKey": ED25519_B})).await;
    assert_eq!(r.status, 409);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("ssh_disabled"));
    assert_eq!(
        p.detail.as_deref(),
        Some("SSH access is disabled for this plan.")
    );

    let r = delete(&srv, &format!("{base}/{}", imp.id)).await;
    assert_eq!(r.status, 204);
    let r = delete(&srv, &format!("{base}/{}", imp.id)).await;
    assert_eq!(r.status, 404);
    assert!(srv.hosting_keys(ACCT).is_empty());
    assert_eq!(
        srv.count("DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{keyId}"),
        2
    );
}

#[tokio::test]
async fn key_seeded_withhold_public_key_is_listed_with_null() {
    let seed: hostup_mock::Seed = serde_json::from_value(json!({
        "hostingAccounts": [{
            "id": ACCT,
            "sshKeys": [
                {"name": "bare", "publicKey": ED25519_A, "id": "ssh_bare", "withholdPublicKey": true},
                {"name": "full", "publicKey": ED25519_B, "id": "ssh_full"}
            ]
        }]
    }))
    .unwrap();
    let srv = MockServer::start(seed);
    let r = get(&srv, &format!("/api/v2/shared-hosting/{ACCT}/ssh-keys")).await;
    let list = r.json();
    let bare = &list["sshKeys"][0];
    assert_eq!(bare["id"], json!("ssh_bare"));
    assert_eq!(bare["publicKey"], json!(null), "listed as null: {}", r.text);
    let fp = hostup::ssh_key::PublicKey::parse(ED25519_A)
        .unwrap()
        .fingerprint();
    assert_eq!(bare["fingerprint"], json!(fp));
    assert_eq!(bare["type"], json!("ssh-ed25519"));
    assert_eq!(bare["bits"], json!(256));
    assert_eq!(bare["comment"], json!("ops@example.com"));
    assert_eq!(list["sshKeys"][1]["publicKey"], json!(ED25519_B));

    // The key is still there by fingerprint: importing it again is a duplicate.
    let r = post(
        &srv,
        &format!("/api/v2/shared-hosting/{ACCT}/ssh-keys"),
        json!({"name": "again", "publicKey": ED25519_A}),
    )
    .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.problem().code.as_deref(), Some("duplicate_key"));
}
