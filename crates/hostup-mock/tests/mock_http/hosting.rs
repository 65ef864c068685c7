//! `/api/v2/shared-hosting/{accountId}/ssh-keys`: list, import, duplicates, the canAdd gate,
//! removal and authorize by fingerprint, the scopes; and the account list.

use crate::common::*;
use hostup_mock::wire::{ActionGate, AuthorizedHostingKey, HostingKeyList, ImportedHostingKey};
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

    // Removed by fingerprint, one percent-encoded segment; the key id names nothing.
    let by_id = delete(&srv, &format!("{base}/{}", imp.id)).await;
    assert_eq!(by_id.status, 404);
    let fp = imp.fingerprint.clone().unwrap();
    let r = delete(&srv, &format!("{base}/{}", segment(&fp))).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = delete(&srv, &format!("{base}/{}", segment(&fp))).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.problem().code.as_deref(), Some("not_found"));
    assert!(srv.hosting_keys(ACCT).is_empty());
    assert_eq!(srv.count(DELETE_ROUTE), 3);
}

const DELETE_ROUTE: &str = "DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}";
const AUTHORIZE_ROUTE: &str =
    "POST /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}/actions/authorize";

/// A fingerprint as one path segment, as CONTRACT.md gives it.
fn segment(fp: &str) -> String {
    fp.replace(':', "%3A")
        .replace('+', "%2B")
        .replace('/', "%2F")
}

fn fingerprint(key: &str) -> String {
    hostup::ssh_key::PublicKey::parse(key)
        .unwrap()
        .fingerprint()
}

#[tokio::test]
async fn unauthorized_import_then_authorize_in_every_profile() {
    for profile in [
        hostup_mock::Profile::Complete,
        hostup_mock::Profile::LegacyKeyWrites,
    ] {
        let srv = MockServer::start(hostup_mock::Seed {
            profile,
            faults: hostup_mock::Faults {
                unauthorized_imports: 1,
                ..Default::default()
            },
            ..Default::default()
        });
        let base = format!("/api/v2/shared-hosting/{ACCT}/ssh-keys");
        let r = post(&srv, &base, json!({"name": "a", "publicKey": ED25519_A})).await;
        let imp: ImportedHostingKey = r.parse();
        assert!(imp.imported && !imp.authorized, "{profile:?}: {}", r.text);
        assert_eq!(srv.hosting_key_authorized(ACCT), [(imp.id.clone(), false)]);
        // Only the next one: the second import is authorized.
        let r = post(&srv, &base, json!({"name": "b", "publicKey": ED25519_B})).await;
        assert!(r.parse::<ImportedHostingKey>().authorized);

        let path = format!(
            "{base}/{}/actions/authorize",
            segment(&fingerprint(ED25519_A))
        );
        let r = post(&srv, &path, json!({})).await;
        assert_eq!(r.status, 200, "{profile:?}: {}", r.text);
        let a: AuthorizedHostingKey = r.parse();
        assert_eq!((a.name.as_str(), a.authorized), ("a", true));
        assert_eq!(a.fingerprint, Some(fingerprint(ED25519_A)));
        assert_eq!(srv.hosting_key_authorized(ACCT)[0], (imp.id.clone(), true));
        // Again: still authorized. Unknown fingerprint: 404.
        assert_eq!(post(&srv, &path, json!({})).await.status, 200);
        let r = post(
            &srv,
            &format!("{base}/SHA256%3Anope/actions/authorize"),
            json!({}),
        )
        .await;
        assert_eq!(r.status, 404);
        assert_eq!(srv.count(AUTHORIZE_ROUTE), 3);
        let r = delete(
            &srv,
            &format!("{base}/{}", segment(&fingerprint(ED25519_A))),
        )
        .await;
        assert_eq!(r.status, 204, "{profile:?}: removal served");
    }
}

#[tokio::test]
async fn hosting_scopes_are_granted_apart() {
    let seed: hostup_mock::Seed = serde_json::from_value(json!({
        "tokens": [
            {"token": "no-console", "scopes": ["read:hosting", "write:hosting"]},
            {"token": "read-only", "scopes": ["read:hosting", "console:services"]}
        ]
    }))
    .unwrap();
    let srv = MockServer::start(seed);
    let base = format!("/api/v2/shared-hosting/{ACCT}/ssh-keys");
    let r = get_as(&srv, Some("no-console"), &base).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.problem().detail.as_deref(),
        Some("This API key lacks the required scope `console:services`.")
    );
    // read:hosting alone lists the accounts.
    assert_eq!(
        get_as(&srv, Some("no-console"), "/api/v2/shared-hosting")
            .await
            .status,
        200
    );
    assert_eq!(get_as(&srv, Some("read-only"), &base).await.status, 200);
    let body = json!({"name": "a", "publicKey": ED25519_A});
    let r = post_as(&srv, Some("read-only"), &base, body).await;
    assert_eq!(r.status, 403);
    assert!(r.problem().detail.unwrap().contains("`write:hosting`"));
    let fp = segment(&fingerprint(ED25519_A));
    let r = delete_as(&srv, Some("no-console"), &format!("{base}/{fp}")).await;
    assert_eq!(r.status, 403);
    let r = post_as(
        &srv,
        Some("read-only"),
        &format!("{base}/{fp}/actions/authorize"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn a_key_listed_without_fingerprint_is_removed_by_its_real_one() {
    let seed: hostup_mock::Seed = serde_json::from_value(json!({
        "hostingAccounts": [{
            "id": ACCT,
            "sshKeys": [{"name": "anon", "publicKey": ED25519_A, "id": "ssh_anon",
                         "withholdFingerprint": true, "withholdPublicKey": true}]
        }]
    }))
    .unwrap();
    let srv = MockServer::start(seed);
    let base = format!("/api/v2/shared-hosting/{ACCT}/ssh-keys");
    let list = get(&srv, &base).await.json();
    assert_eq!(list["sshKeys"][0]["fingerprint"], json!(null));
    assert_eq!(list["sshKeys"][0]["publicKey"], json!(null));
    let state = srv.state_json();
    assert_eq!(
        state["hostingAccounts"][0]["sshKeys"][0]["realFingerprint"],
        json!(fingerprint(ED25519_A))
    );
    let r = delete(
        &srv,
        &format!("{base}/{}", segment(&fingerprint(ED25519_A))),
    )
    .await;
    assert_eq!(r.status, 204);
    assert!(srv.hosting_keys(ACCT).is_empty());
}

#[tokio::test]
async fn shared_hosting_accounts_are_paged_with_the_published_fields() {
    let mut accounts = vec![];
    for i in 0..5 {
        accounts.push(json!({"id": format!("acct_{i}"), "customName": if i == 0 { json!("Main") } else { json!(null) },
                             "serviceStatus": if i % 2 == 0 { "active" } else { "suspended" }}));
    }
    accounts.push(json!({"id": "acct_theirs", "accountId": "30000"}));
    let seed: hostup_mock::Seed =
        serde_json::from_value(json!({"hostingAccounts": accounts})).unwrap();
    let srv = MockServer::start(seed);
    let mut ids = vec![];
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let r = get(
            &srv,
            &format!("/api/v2/shared-hosting?limit=2&cursor={cursor}"),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let page = r.json();
        pages += 1;
        for a in page["data"].as_array().unwrap() {
            ids.push(a["id"].as_str().unwrap().to_string());
        }
        if page["hasMore"] != json!(true) {
            assert_eq!(page["nextCursor"], json!(null));
            break;
        }
        cursor = page["nextCursor"].as_str().unwrap().to_string();
    }
    assert_eq!(pages, 3);
    assert_eq!(
        ids,
        ["acct_0", "acct_1", "acct_2", "acct_3", "acct_4"],
        "only the caller's"
    );
    let first = &get(&srv, "/api/v2/shared-hosting").await.json()["data"][0];
    assert_eq!(first["name"], json!("Main"));
    assert_eq!(first["customName"], json!("Main"));
    assert_eq!(first["primaryDomain"], json!("acct_0.example.com"));
    assert_eq!(first["domains"], json!(["acct_0.example.com"]));
    assert_eq!(first["serviceStatus"], json!("active"));

    let r = get(&srv, "/api/v2/shared-hosting?cursor=bogus").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.problem().code.as_deref(), Some("invalid_cursor"));
    let r = get(&srv, "/api/v2/shared-hosting?limit=0").await;
    assert_eq!(r.status, 400);
    let r = get(&srv, "/api/v2/shared-hosting?limit=101").await;
    assert_eq!(r.status, 400);
    let bad: Result<hostup_mock::Seed, _> = serde_json::from_value(
        json!({"hostingAccounts": [{"id": "a", "serviceStatus": "paused"}]}),
    );
    let e = MockServer::try_start(bad.unwrap(), "127.0.0.1:0".parse().unwrap())
        .err()
        .unwrap();
    assert!(e.contains("serviceStatus \"paused\""), "{e}");
}

#[tokio::test]
async fn default_world_has_a_complete_account() {
    let srv = MockServer::start(hostup_mock::Seed::default());
    let r = get(&srv, "/api/v2/shared-hosting").await;
    let a = &r.json()["data"][0];
    assert_eq!(a["id"], json!(ACCT));
    assert_eq!(a["name"], json!("example.se"));
    assert_eq!(a["primaryDomain"], json!("example.se"));
    assert_eq!(a["domains"], json!(["example.se"]));
    assert_eq!(a["serviceStatus"], json!("active"));
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
