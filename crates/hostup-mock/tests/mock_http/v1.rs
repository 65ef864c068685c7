//! The v1 VM SSH key reset: `X-API-Key` only, the v1 error envelope, string ids in the reply.

use crate::common::*;
use hostup_mock::fixtures::TOKEN;
use hostup_mock::wire::{ResetVmKeysReply, V1Error};
use hostup_mock::{MockServer, Seed};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn v1_reset_ssh_keys() {
    let srv = MockServer::start(Seed {
        vps_keys: vec![seed_key("a", ED25519_A), seed_key("b", ED25519_B)],
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
    let body = Body::Json(json!({"keyIds": [id_a]}));
    let path = "/api/vm/10000/reset-ssh-keys";
    let r = send(&srv, Method::POST, path, Auth::Bearer(TOKEN), body).await;
    assert_eq!(r.status, 401);
    let e: V1Error = r.parse();
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
