//! The request log and counts, the `/__mock/...` admin endpoints, and out-of-band changes.

use crate::common::*;
use hostup_mock::fixtures::TOKEN;
use hostup_mock::wire::{ActionGate, VpsKeyPage, VpsSshKey};
use hostup_mock::{MockServer, Seed};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn request_log_and_counts() {
    let srv = MockServer::start(Seed::default());
    get(&srv, "/api/v2/ssh-keys?limit=5").await;
    get(&srv, "/api/v2/ssh-keys").await;
    let key: VpsSshKey = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "a", "publicKey": ED25519_A}),
    )
    .await
    .parse();
    patch(
        &srv,
        &format!("/api/v2/ssh-keys/{}", key.id),
        json!({"name": "b"}),
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
    let oob = json!({"name": "oob", "publicKey": ED25519_A});
    let r = admin(&srv, Method::POST, "/__mock/vps-keys", Body::Json(oob)).await;
    assert_eq!(r.status, 201);
    let key: VpsSshKey = r.parse();
    get(&srv, "/api/v2/ssh-keys").await;
    let state = admin(&srv, Method::GET, "/__mock/state", Body::None)
        .await
        .json();
    assert_eq!(state["vpsKeys"][0]["id"], json!(key.id));
    assert_eq!(
        state["vpsKeys"][0]["actions"]["canRename"]["allowed"],
        json!(true)
    );
    assert_eq!(state["hostingAccounts"][0]["id"], json!(ACCT));
    assert_eq!(state["vms"][0]["vmid"], json!(10000));
    assert!(state["resets"].as_array().unwrap().is_empty());

    let reqs = admin(&srv, Method::GET, "/__mock/requests", Body::None)
        .await
        .json();
    assert_eq!(
        reqs["requests"].as_array().unwrap().len(),
        1,
        "admin calls are not logged"
    );
    assert_eq!(reqs["counts"]["GET /api/v2/ssh-keys"], json!(1));
    let r = admin(&srv, Method::DELETE, "/__mock/requests", Body::None).await;
    assert_eq!(r.status, 204);
    assert!(srv.requests().is_empty());

    let faults = json!({"rate429": 1.0, "retryAfterSecs": 3});
    let r = admin(&srv, Method::PUT, "/__mock/faults", Body::Json(faults)).await;
    assert_eq!(r.status, 200);
    assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 429);
    let nope = Body::Raw(b"{nope".to_vec(), None);
    let r = admin(&srv, Method::PUT, "/__mock/faults", nope).await;
    assert_eq!(r.status, 400);
    admin(&srv, Method::PUT, "/__mock/faults", Body::Json(json!({}))).await;
    assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 200);

    let path = format!("/__mock/vps-keys/{}", key.id);
    let r = admin(&srv, Method::DELETE, &path, Body::None).await;
    assert_eq!(r.status, 204);
    let r = admin(&srv, Method::DELETE, &path, Body::None).await;
    assert_eq!(r.status, 404);
    assert!(srv.vps_keys().is_empty());
}

#[tokio::test]
async fn out_of_band_changes_show_up() {
    let srv = MockServer::start(Seed::default());
    let k = srv.insert_vps_key("dashboard", ED25519_B);
    let page: VpsKeyPage = get(&srv, "/api/v2/ssh-keys").await.parse();
    assert_eq!(page.data, vec![k.clone()]);
    assert!(srv.remove_vps_key(&k.id));
    assert!(!srv.remove_vps_key(&k.id));
    let page: VpsKeyPage = get(&srv, "/api/v2/ssh-keys").await.parse();
    assert!(page.data.is_empty());
    assert_eq!(srv.write_count(), 0, "out-of-band changes are not requests");
}

#[tokio::test]
async fn hosting_account_can_add_and_removal() {
    let srv = MockServer::start(Seed::default());
    let list = format!("/api/v2/shared-hosting/{ACCT}/ssh-keys");
    let gate = json!({"allowed": false, "reason": "The hosting account has a pending order", "code": "pending_order"});
    let path = format!("/__mock/hosting-accounts/{ACCT}/can-add");
    let r = admin(&srv, Method::PUT, &path, Body::Json(gate.clone())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(get(&srv, &list).await.json()["actions"]["canAdd"], gate);
    let r = post(&srv, &list, json!({"name": "k", "publicKey": ED25519_A})).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.problem().code.as_deref(), Some("pending_order"));
    let open = json!({"allowed": true, "reason": null});
    let r = admin(&srv, Method::PUT, &path, Body::Json(open)).await;
    assert_eq!(r.status, 200);
    let r = post(&srv, &list, json!({"name": "k", "publicKey": ED25519_A})).await;
    assert_eq!(r.status, 201, "{}", r.text);

    let nope = Body::Json(json!({"reason": "no allowed field"}));
    assert_eq!(admin(&srv, Method::PUT, &path, nope).await.status, 400);
    let unknown = Body::Json(json!({"allowed": true}));
    let r = admin(
        &srv,
        Method::PUT,
        "/__mock/hosting-accounts/acct_unknown/can-add",
        unknown,
    )
    .await;
    assert_eq!(r.status, 404);
    assert!(!srv.set_can_add("acct_unknown", ActionGate::allow()));

    // The account is closed: its routes answer 404 not_found, and it is gone from the state.
    let account = format!("/__mock/hosting-accounts/{ACCT}");
    let r = admin(&srv, Method::DELETE, &account, Body::None).await;
    assert_eq!(r.status, 204);
    let r = get(&srv, &list).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.problem().code.as_deref(), Some("not_found"));
    let r = delete(&srv, &format!("{list}/ssh_any")).await;
    assert_eq!(r.status, 404);
    assert!(srv.hosting_keys(ACCT).is_empty());
    let state = admin(&srv, Method::GET, "/__mock/state", Body::None)
        .await
        .json();
    assert_eq!(state["hostingAccounts"], json!([]));
    let r = admin(&srv, Method::DELETE, &account, Body::None).await;
    assert_eq!(r.status, 404);
    assert!(!srv.remove_hosting_account(ACCT));

    let srv = MockServer::start(Seed::default());
    assert!(srv.remove_hosting_account(ACCT));
    assert_eq!(get(&srv, &list).await.status, 404);
    assert_eq!(srv.write_count(), 0, "out-of-band changes are not requests");
}
