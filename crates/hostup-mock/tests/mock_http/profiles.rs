//! The older `/api/ssh-keys` routes (both profiles) and the `legacy-key-writes` profile, which
//! lacks the v2 VPS key add and delete.

use crate::common::*;
use hostup::ssh_key::PublicKey;
use hostup_mock::fixtures::{HOSTING_ACCOUNT_ID, TOKEN};
use hostup_mock::wire::{LegacyAdded, LegacyKeyList, V1Envelope};
use hostup_mock::{MockServer, Profile, Seed};
use reqwest::Method;
use serde_json::json;

async fn older(srv: &MockServer, method: Method, key: Option<&str>, body: Body) -> Resp {
    let auth = key.map_or(Auth::None, Auth::ApiKey);
    send(srv, method, "/api/ssh-keys", auth, body).await
}

#[tokio::test]
async fn older_routes_share_the_key_store_with_numeric_ids_and_md5() {
    let srv = MockServer::start(Seed {
        vps_keys: vec![seed_key("a", ED25519_A)],
        ..Seed::default()
    });
    let v2 = srv.vps_keys();
    let r = older(&srv, Method::GET, Some(TOKEN), Body::None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let list: V1Envelope<LegacyKeyList> = r.parse();
    assert!(list.success && !list.request_id.is_empty());
    assert_eq!(list.data.ssh_keys.len(), 1);
    let k = &list.data.ssh_keys[0];
    assert_eq!(
        Some(k.id.to_string()),
        v2[0].display_id,
        "numeric id = displayId"
    );
    let md5 = PublicKey::parse(ED25519_A).unwrap().fingerprint_md5();
    assert_eq!(k.fingerprint.as_deref(), Some(md5.as_str()));

    let added = older(
        &srv,
        Method::POST,
        Some(TOKEN),
        Body::Json(json!({"name": "b", "public_key": ED25519_B})),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.text);
    let added: V1Envelope<LegacyAdded> = added.parse();
    assert!(added.data.ssh_key.success);
    let v2 = srv.vps_keys();
    assert_eq!(v2.len(), 2, "the older add lands in the v2 inventory too");
    assert!(v2[1].id.starts_with("ssh_"));

    let dup = older(
        &srv,
        Method::POST,
        Some(TOKEN),
        Body::Json(json!({"name": "again", "public_key": ED25519_B})),
    )
    .await;
    assert_eq!(dup.status, 400);
    assert_eq!(dup.v1_error().code.as_deref(), Some("BAD_REQUEST"));

    let id = added.data.ssh_key.ssh_key.id;
    let del = older(
        &srv,
        Method::DELETE,
        Some(TOKEN),
        Body::Json(json!({ "id": id })),
    )
    .await;
    assert_eq!(del.status, 200, "{}", del.text);
    assert_eq!(srv.vps_keys().len(), 1);
    let again = older(
        &srv,
        Method::DELETE,
        Some(TOKEN),
        Body::Json(json!({ "id": id })),
    )
    .await;
    assert_eq!(again.status, 404);
    assert_eq!(again.v1_error().code.as_deref(), Some("NOT_FOUND"));
    let anon = older(&srv, Method::GET, None, Body::None).await;
    assert_eq!(anon.status, 401);
}

#[tokio::test]
async fn legacy_key_writes_profile_answers_the_v2_key_writes_like_a_web_server() {
    let srv = MockServer::start(Seed {
        profile: Profile::LegacyKeyWrites,
        vps_keys: vec![seed_key("a", ED25519_A)],
        ..Seed::default()
    });
    let id = srv.vps_keys()[0].id.clone();
    let add = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "b", "publicKey": ED25519_B}),
    )
    .await;
    assert_eq!(add.status, 404);
    assert!(
        serde_json::from_str::<serde_json::Value>(&add.text).is_err(),
        "not JSON"
    );
    let del = delete(&srv, &format!("/api/v2/ssh-keys/{id}")).await;
    assert_eq!(del.status, 404);
    assert_eq!(srv.vps_keys().len(), 1, "nothing deleted");
    // The hosting key removal is published: served (here: no such key, HostUp's own 404).
    let path = format!("/api/v2/shared-hosting/{HOSTING_ACCOUNT_ID}/ssh-keys/SHA256%3Ax");
    let r = delete(&srv, &path).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.problem().code.as_deref(), Some("not_found"));
    // The other operations still work.
    assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 200);
    let renamed = patch(
        &srv,
        &format!("/api/v2/ssh-keys/{id}"),
        json!({"name": "z"}),
    )
    .await;
    assert_eq!(renamed.status, 200);
    assert_eq!(
        srv.count("POST /api/v2/ssh-keys"),
        1,
        "absent routes are still logged"
    );
}
