//! An import HostUp answers with `authorized: false`: the provider authorizes the key
//! (`POST …/ssh-keys/{fingerprint}/actions/authorize`) before reporting it created. When that
//! fails, the apply fails and the key stays in the state with `authorized = false`, so the next
//! apply authorizes it again (in place) or replaces it (Terraform taints a failed create).

use crate::common::*;
use hostup_mock::{Faults, ForcedError};
use serde_json::json;

const ACCOUNT: &str = hostup_mock::fixtures::HOSTING_ACCOUNT_ID;
const ADDR: &str = "hostup_hosting_ssh_key.deploy";
const IMPORT: &str = "POST /api/v2/shared-hosting/{accountId}/ssh-keys";
const AUTHORIZE: &str =
    "POST /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}/actions/authorize";
const DELETE: &str = "DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}";

fn config(key: &str) -> String {
    format!(
        "resource \"hostup_hosting_ssh_key\" \"deploy\" {{\n  account_id = \"{ACCOUNT}\"\n  name       = \"deploy\"\n  public_key = {}\n}}\n",
        hcl(key)
    )
}

fn authorize_path(key: &str) -> String {
    let segment = fingerprint(key)
        .replace(':', "%3A")
        .replace('+', "%2B")
        .replace('/', "%2F");
    format!("/api/v2/shared-hosting/{ACCOUNT}/ssh-keys/{segment}/actions/authorize")
}

fn unauthorized_mock(failing_authorizes: u32) -> MockServer {
    let forced_errors = match failing_authorizes {
        0 => vec![],
        count => vec![ForcedError {
            route: AUTHORIZE.into(),
            status: 409,
            code: "authorization_failed".into(),
            message: "The key could not be written to the authorized keys.".into(),
            count,
            ..ForcedError::default()
        }],
    };
    MockServer::start(Seed {
        faults: Faults {
            unauthorized_imports: 1,
            forced_errors,
            ..Faults::default()
        },
        ..Seed::default()
    })
}

/// Routes of the requests after the plan's list, in order.
fn writes(mock: &MockServer) -> Vec<(String, u16)> {
    mock.requests()
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.route_key(), r.status))
        .collect()
}

#[test]
fn an_unauthorized_import_is_authorized_before_it_is_reported_created() {
    let mock = unauthorized_mock(0);
    let tf = Tf::new(&mock);
    let key = test_key(14_001, "");
    tf.config(&config(&key));
    tf.apply();
    assert_eq!(
        writes(&mock),
        [(IMPORT.to_string(), 201), (AUTHORIZE.to_string(), 200)]
    );
    let sent = mock
        .requests()
        .into_iter()
        .find(|r| r.route_key() == AUTHORIZE)
        .unwrap();
    assert_eq!(sent.path, authorize_path(&key));
    assert_eq!(tf.values(ADDR)["authorized"], json!(true));
    let id = tf.values(ADDR)["id"].as_str().unwrap().to_string();
    assert_eq!(mock.hosting_key_authorized(ACCOUNT), [(id, true)]);
    assert!(tf.plan().changed().is_empty(), "settled");
}

/// The first apply fails at the authorize; the key is in the state, unauthorized.
fn failed_first_apply(mock: &MockServer, tf: &Tf, key: &str) -> String {
    tf.config(&config(key));
    let out = tf.apply_err();
    let text = out.text();
    for want in [
        "could not be authorized",
        "409",
        "authorization_failed",
        "The key stays in the state with authorized = false",
    ] {
        assert!(text.contains(want), "no {want:?} in:\n{}", out.all());
    }
    let v = tf.values(ADDR);
    assert_eq!(v["authorized"], json!(false), "tracked, not falsely done");
    let id = v["id"].as_str().expect("in the state").to_string();
    assert_eq!(mock.hosting_key_authorized(ACCOUNT), [(id.clone(), false)]);
    id
}

#[test]
fn a_failed_authorize_keeps_the_key_and_the_next_apply_replaces_it() {
    let mock = unauthorized_mock(1);
    let tf = Tf::new(&mock);
    let key = test_key(14_002, "");
    let id = failed_first_apply(&mock, &tf, &key);

    // Terraform taints a resource whose create failed: the next apply replaces it, removing the
    // unauthorized key by fingerprint and importing it again.
    let plan = tf.plan();
    assert_eq!(plan.actions(ADDR), ["delete", "create"]);
    mock.clear_requests();
    tf.apply();
    assert_eq!(
        writes(&mock),
        [(DELETE.to_string(), 204), (IMPORT.to_string(), 201)]
    );
    let v = tf.values(ADDR);
    assert_eq!(v["authorized"], json!(true));
    assert_ne!(v["id"], json!(id));
    assert_eq!(mock.hosting_keys(ACCOUNT).len(), 1);
}

#[test]
fn an_unauthorized_key_in_the_state_is_authorized_in_place() {
    let mock = unauthorized_mock(1);
    let tf = Tf::new(&mock);
    let key = test_key(14_003, "");
    let id = failed_first_apply(&mock, &tf, &key);
    let out = tf.run(&["untaint", ADDR]);
    assert!(out.ok, "{}", out.all());

    // The state says authorized = false: the plan authorizes the key in place.
    let plan = tf.plan();
    assert_eq!(plan.actions(ADDR), ["update"]);
    assert_eq!(plan.after(ADDR)["id"], json!(id));
    mock.clear_requests();
    tf.apply();
    assert_eq!(writes(&mock), [(AUTHORIZE.to_string(), 200)]);
    assert_eq!(tf.values(ADDR)["authorized"], json!(true));
    assert_eq!(mock.hosting_key_authorized(ACCOUNT), [(id, true)]);
    assert!(tf.plan().changed().is_empty(), "settled");
}
