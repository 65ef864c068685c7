//! Authentication and authorisation: 401 without or with a wrong token (never echoed), 403 for a
//! missing scope or another account's resource, 404 for an unknown one.

use crate::common::*;
use hostup_mock::wire::VpsKeyPage;
use hostup_mock::{MockServer, Seed};
use serde_json::json;

#[tokio::test]
async fn unauthorized_without_or_with_wrong_token_and_token_not_echoed() {
    let srv = MockServer::start(Seed::default());
    let r = get_as(&srv, None, "/api/v2/ssh-keys").await;
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
    let r = get_as(&srv, Some(secret), "/api/v2/ssh-keys").await;
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
    let r = post_as(
        &srv,
        Some("readonly-token"),
        "/api/v2/ssh-keys",
        json!({"name": "x", "publicKey": ED25519_A}),
    )
    .await;
    assert_eq!(r.status, 403);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("forbidden"));
    assert!(p.detail.unwrap().contains("`write:account`"));
    let r = get_as(
        &srv,
        Some("readonly-token"),
        &format!("/api/v2/shared-hosting/{ACCT}/ssh-keys"),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.problem().detail.as_deref(),
        Some("This API key lacks the required scopes `read:hosting` and `console:services`.")
    );
    // Another account's key and hosting account.
    let r = patch(&srv, "/api/v2/ssh-keys/ssh_other", json!({"name": "mine"})).await;
    assert_eq!(r.status, 403);
    let r = get(&srv, "/api/v2/shared-hosting/acct_other/ssh-keys").await;
    assert_eq!(r.status, 403);
    assert_eq!(r.problem().code.as_deref(), Some("forbidden"));
    // Unknown id.
    let r = delete(&srv, "/api/v2/ssh-keys/ssh_nope").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.problem().code.as_deref(), Some("not_found"));
    // Each account sees only its own inventory.
    let mine: VpsKeyPage = get(&srv, "/api/v2/ssh-keys").await.parse();
    assert!(mine.data.is_empty());
    let r = get_as(&srv, Some("other-token"), "/api/v2/ssh-keys").await;
    let theirs: VpsKeyPage = r.parse();
    assert_eq!(theirs.data.len(), 1);
    assert_eq!(theirs.data[0].id, "ssh_other");
}
