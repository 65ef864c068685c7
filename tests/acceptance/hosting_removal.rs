//! Removing a hosting key: by its `SHA256:` fingerprint, one percent-encoded path segment, on
//! destroy and on replacement, confirmed from the account's list; a key listed without a
//! fingerprint is named by the one derived from its public key, a key listed with neither is
//! refused at plan; a server without the operation keeps the key in the state with a way out.

use crate::common::*;
use hostup_mock::{Faults, ForcedError};
use serde_json::json;

const ACCOUNT: &str = hostup_mock::fixtures::HOSTING_ACCOUNT_ID;
const ADDR: &str = "hostup_hosting_ssh_key.deploy";
const DELETE: &str = "DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}";
const LIST: &str = "GET /api/v2/shared-hosting/{accountId}/ssh-keys";

fn config(name: &str, key: &str) -> String {
    format!(
        "resource \"hostup_hosting_ssh_key\" \"deploy\" {{\n  account_id = \"{ACCOUNT}\"\n  name       = {}\n  public_key = {}\n}}\n",
        hcl(name),
        hcl(key)
    )
}

/// A test key whose fingerprint holds `+` and `/`, so its path shows every escape.
fn key_with_plus_and_slash(from: u32) -> String {
    (from..from + 500)
        .map(|n| test_key(n, "deploy@ci"))
        .find(|k| {
            let fp = fingerprint(k);
            fp.contains('+') && fp.contains('/')
        })
        .expect("a fingerprint with + and /")
}

/// The path HostUp's reference gives: the fingerprint as one segment.
fn delete_path(fp: &str) -> String {
    let segment = fp
        .replace(':', "%3A")
        .replace('+', "%2B")
        .replace('/', "%2F");
    format!("/api/v2/shared-hosting/{ACCOUNT}/ssh-keys/{segment}")
}

/// Every DELETE sent, as (path, status), and what came right after each.
fn deletes(mock: &MockServer) -> Vec<(String, u16, String)> {
    let reqs = mock.requests();
    reqs.iter()
        .enumerate()
        .filter(|(_, r)| r.route_key() == DELETE)
        .map(|(i, r)| {
            let next = reqs.get(i + 1).map(|n| n.route_key()).unwrap_or_default();
            (r.path.clone(), r.status, next)
        })
        .collect()
}

#[test]
fn replacement_and_destroy_remove_the_old_key_by_fingerprint() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let key = key_with_plus_and_slash(13_000);
    let fp = fingerprint(&key);
    tf.config(&config("deploy", &key));
    tf.apply();
    let old_id = mock.hosting_keys(ACCOUNT)[0].id.clone();

    // A new name replaces the key: the old one is removed by its fingerprint, then confirmed
    // from the account's list, then the key is imported again.
    tf.config(&config("deploy-2", &key));
    let actions = tf.plan().actions(ADDR);
    assert_eq!(actions, ["delete", "create"], "replaced");
    mock.clear_requests();
    tf.apply();
    assert_eq!(deletes(&mock), [(delete_path(&fp), 204, LIST.to_string())]);
    let keys = mock.hosting_keys(ACCOUNT);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_ne!(keys[0].id, old_id);
    assert_eq!(keys[0].name, "deploy-2");
    assert_eq!(tf.values(ADDR)["id"], json!(keys[0].id));

    mock.clear_requests();
    tf.destroy();
    assert_eq!(deletes(&mock), [(delete_path(&fp), 204, LIST.to_string())]);
    assert!(mock.hosting_keys(ACCOUNT).is_empty(), "removed upstream");
    assert!(tf.addresses().is_empty());
}

fn seeded(key: &str, withhold_public_key: bool) -> MockServer {
    MockServer::start(
        serde_json::from_value(json!({
            "hostingAccounts": [{
                "id": ACCOUNT,
                "sshKeys": [{"name": "deploy", "publicKey": key, "id": "ssh_anon0000000000000000000001",
                             "withholdFingerprint": true, "withholdPublicKey": withhold_public_key}]
            }]
        }))
        .unwrap(),
    )
}

#[test]
fn a_key_listed_with_fingerprint_null_is_removed_by_the_one_its_public_key_gives() {
    let key = key_with_plus_and_slash(13_600);
    let mock = seeded(&key, false);
    let tf = Tf::new(&mock);
    tf.config(&config("deploy", &key));
    let out = tf.import(ADDR, &format!("{ACCOUNT}/ssh_anon0000000000000000000001"));
    assert!(out.ok, "{}", out.all());
    assert_eq!(tf.values(ADDR)["fingerprint"], json!(fingerprint(&key)));
    assert!(tf.plan().changed().is_empty());
    mock.clear_requests();
    tf.destroy();
    assert_eq!(
        deletes(&mock),
        [(delete_path(&fingerprint(&key)), 204, LIST.to_string())]
    );
    assert!(mock.hosting_keys(ACCOUNT).is_empty());
}

#[test]
fn a_key_listed_without_fingerprint_or_public_key_is_refused_at_plan() {
    let key = test_key(13_700, "");
    let mock = seeded(&key, true);
    let tf = Tf::new(&mock);
    tf.config(&config("deploy", &key));
    let out = tf.import(ADDR, &format!("{ACCOUNT}/ssh_anon0000000000000000000001"));
    assert!(out.ok, "{}", out.all());
    assert_eq!(tf.values(ADDR)["fingerprint"], json!(null));
    let wants = [
        "SSH key ssh_anon0000000000000000000001 cannot be named for removal",
        "with neither a fingerprint nor its public key",
        "HostUp removes a hosting key by its fingerprint",
        "terraform state rm hostup_hosting_ssh_key.<name>",
        "destroy = false",
    ];
    // The configuration gives the key, which the state cannot tell from another one: a
    // replacement, which the plan refuses.
    let out = tf.plan_err();
    let text = out.text();
    assert!(text.contains("This plan replaces the key"), "{}", out.all());
    for want in wants {
        assert!(text.contains(want), "no {want:?} in:\n{}", out.all());
    }
    // A destroy: refused at plan where Terraform plans destroys with the provider (1.3 on), else
    // when applied; either way before any DELETE.
    let out = tf.run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(!out.ok, "{}", out.all());
    for want in wants {
        assert!(out.text().contains(want), "no {want:?} in:\n{}", out.all());
    }
    variant(
        "a_key_listed_without_fingerprint_or_public_key_is_refused_at_plan",
        if cli_at_least(1, 3) {
            "destroy refused at plan"
        } else {
            "destroy refused at apply"
        },
    );
    assert_eq!(mock.count(DELETE), 0, "no DELETE sent");
    assert_eq!(mock.hosting_keys(ACCOUNT).len(), 1);
    assert_eq!(tf.addresses(), [ADDR], "still in the state");
}

/// A destroy on a server that answers the removal with `status` (an HTML page when `html`).
fn destroy_answered(status: u16, html: bool) -> (MockServer, Tf, Out) {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&config("deploy", &test_key(13_800 + u32::from(status), "")));
    tf.apply();
    mock.set_faults(Faults {
        forced_errors: vec![ForcedError {
            route: DELETE.into(),
            status,
            code: "not_found".into(),
            html,
            count: 10,
            ..ForcedError::default()
        }],
        ..Faults::default()
    });
    let out = tf.run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(!out.ok, "destroy must fail: {}", out.all());
    assert_eq!(mock.count(DELETE), 1, "sent once, not retried");
    assert_eq!(
        mock.hosting_keys(ACCOUNT).len(),
        1,
        "the key is still there"
    );
    assert_eq!(tf.addresses(), [ADDR], "and still in the state");
    (mock, tf, out)
}

#[test]
fn a_server_without_the_removal_keeps_the_key_and_gives_the_way_out() {
    for (status, html) in [(405, true), (404, true)] {
        let (_mock, _tf, out) = destroy_answered(status, html);
        let text = out.text();
        for want in [
            "HostUp's API cannot remove a key from a hosting account",
            &status.to_string(),
            "terraform state rm hostup_hosting_ssh_key.<name>",
            "removed {",
            "destroy = false",
            "control panel",
        ] {
            assert!(text.contains(want), "{status}: no {want:?} in:\n{text}");
        }
    }
}

#[test]
fn hostups_404_for_a_key_it_still_lists_is_not_a_removal() {
    let (_mock, _tf, out) = destroy_answered(404, false);
    let text = out.text();
    for want in [
        "HostUp did not remove the key from the hosting account",
        "but the account's key list still shows it",
        "not_found",
        "terraform state rm hostup_hosting_ssh_key.<name>",
    ] {
        assert!(text.contains(want), "no {want:?} in:\n{text}");
    }
}

#[test]
fn a_204_for_a_key_still_listed_is_not_a_removal() {
    // The server answers 204 and removes nothing.
    let (mock, tf, out) = destroy_answered(204, false);
    let text = out.text();
    for want in [
        "Could not remove SSH key",
        "HostUp answered that the key was removed, but the account's key list still shows the key",
        "nothing is assumed removed",
        "The key stays in the state",
    ] {
        assert!(text.contains(want), "no {want:?} in:\n{text}");
    }
    let after: Vec<String> = deletes(&mock)
        .into_iter()
        .map(|(_, _, next)| next)
        .collect();
    assert_eq!(after, [LIST], "confirmed from a fresh list");
    drop(tf);
}
