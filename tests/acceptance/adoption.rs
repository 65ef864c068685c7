//! A create adopts only a key it made: two states sharing one account, and a replacement with
//! `create_before_destroy`, under every kind of failure whose outcome is unknown. A key that was
//! in the inventory before the first attempt belongs to someone else (another state, or the
//! object being replaced): the create fails with the import advice, and nothing is deleted.

use crate::common::*;
use hostup_mock::{Faults, Profile};
use serde_json::json;

fn key_config(label: &str, key: &str, lifecycle: &str) -> String {
    format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name       = \"{label}\"\n  public_key = {}\n{lifecycle}}}\n",
        hcl(key)
    )
}

/// The faults that leave a create's outcome unknown, on the add route of `profile`.
fn unknown_outcomes(add: &str) -> Vec<(&'static str, Faults)> {
    let forced = |status: u16| {
        serde_json::from_value(json!({"forcedErrors": [{"route": add, "status": status}]})).unwrap()
    };
    vec![
        ("502", forced(502)),
        ("500", forced(500)),
        (
            "dropped reply",
            serde_json::from_value(json!({"dropCreateReplies": 1})).unwrap(),
        ),
    ]
}

#[test]
fn a_failed_create_never_takes_over_another_states_key() {
    for (profile, add) in [
        (Profile::Complete, "POST /api/v2/ssh-keys"),
        (Profile::LegacyKeyWrites, "POST /api/ssh-keys"),
    ] {
        let mock = MockServer::start(Seed {
            profile,
            ..Seed::default()
        });
        let key = test_key(41, "shared");
        let a = Tf::new(&mock);
        a.config(&key_config("a-key", &key, ""));
        a.apply();
        let before = mock.vps_keys();
        assert_eq!(before.len(), 1, "{profile:?}");
        let a_id = before[0].id.clone();

        for (fault, faults) in unknown_outcomes(add) {
            let b = Tf::new(&mock);
            b.config(&key_config("b-key", &key, ""));
            mock.clear_requests();
            mock.set_faults(faults);
            let out = b.apply_err();
            mock.set_faults(Faults::default());
            let text = out.text();
            let case = format!("{profile:?}, {fault}");
            assert!(
                text.contains("SSH key already exists on HostUp"),
                "{case}: {text}"
            );
            assert!(
                text.contains(&format!(
                    "terraform import hostup_vps_ssh_key.<name> {a_id}"
                )),
                "{case}: the advice names A's key: {text}"
            );
            assert_eq!(mock.count(add), 0, "{case}: nothing was sent");
            assert!(b.addresses().is_empty(), "{case}: B's state holds nothing");
            assert_eq!(mock.vps_keys(), before, "{case}: A's key is untouched");
            b.destroy();
            assert_eq!(
                mock.vps_keys(),
                before,
                "{case}: B's destroy deletes nothing"
            );
        }
        assert!(a.plan().changed().is_empty(), "{profile:?}: A has no drift");
    }
}

#[test]
fn create_before_destroy_with_the_same_key_fails_and_deletes_nothing() {
    let mock = MockServer::start(Seed::default());
    let key = test_key(42, "rotate");
    let lifecycle = "  lifecycle {\n    create_before_destroy = true\n  }\n";
    let tf = Tf::new(&mock);
    tf.config(&key_config("cbd", &key, lifecycle));
    tf.apply();
    let before = mock.vps_keys();
    let id = tf.values("hostup_vps_ssh_key.k")["id"].clone();

    let mut cases = unknown_outcomes("POST /api/v2/ssh-keys");
    cases.push(("no fault", Faults::default()));
    for (fault, faults) in cases {
        mock.set_faults(faults);
        let out = tf.run(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-replace=hostup_vps_ssh_key.k",
        ]);
        mock.set_faults(Faults::default());
        assert!(!out.ok, "{fault}: the replacement must fail: {}", out.all());
        let text = out.text();
        assert!(
            text.contains("SSH key already exists on HostUp"),
            "{fault}: {text}"
        );
        assert!(text.contains("create_before_destroy"), "{fault}: {text}");
        assert!(!text.contains("destroyed"), "{fault}: {text}");
        assert_eq!(mock.vps_keys(), before, "{fault}: the key is untouched");
        assert_eq!(
            tf.values("hostup_vps_ssh_key.k")["id"],
            id,
            "{fault}: the state still has the key"
        );
    }
    assert!(tf.plan().changed().is_empty());
}

#[test]
fn renaming_a_for_each_key_waits_for_the_old_keys_delete() {
    let mock = MockServer::start(Seed::default());
    let team = |laptop: &str| {
        format!(
            "locals {{\n  team = {{\n    \"ci-deploy\" = {}\n    \"{laptop}\" = {}\n  }}\n}}\n\n\
             resource \"hostup_vps_ssh_key\" \"team\" {{\n  for_each   = local.team\n  name       = each.key\n  public_key = each.value\n}}\n",
            hcl(&test_key(43, "")),
            hcl(&test_key(44, ""))
        )
    };
    let tf = Tf::new(&mock);
    tf.config(&team("ops-laptop"));
    tf.apply();
    // Latency lets the new address's create overtake the old one's delete, as on a real network.
    mock.set_faults(serde_json::from_value(json!({"latencyMs": 300})).unwrap());
    tf.config(&team("ops-laptop-renamed"));
    let out = tf.apply();
    assert!(out.ok, "{}", out.all());
    mock.set_faults(Faults::default());
    let mut names: Vec<String> = mock.vps_keys().into_iter().map(|k| k.name).collect();
    names.sort();
    assert_eq!(names, ["ci-deploy", "ops-laptop-renamed"]);
    assert!(tf.plan().changed().is_empty());
}

#[test]
fn a_create_answered_without_an_id_adopts_the_key_it_made() {
    let account = hostup_mock::fixtures::HOSTING_ACCOUNT_ID;
    let hosting_add = "POST /api/v2/shared-hosting/{accountId}/ssh-keys";
    let mock = MockServer::start(Seed::default());
    let broken = |route: &str| hostup_mock::BrokenReply {
        route: route.into(),
        shape: hostup_mock::BrokenShape::WithoutId,
        count: 1,
    };
    mock.set_faults(Faults {
        broken_replies: vec![broken("POST /api/v2/ssh-keys"), broken(hosting_add)],
        ..Faults::default()
    });
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "{}\nresource \"hostup_hosting_ssh_key\" \"h\" {{\n  account_id = \"{account}\"\n  name       = \"h\"\n  public_key = {}\n}}\n",
        key_config("made", &test_key(45, ""), ""),
        hcl(&test_key(46, ""))
    ));
    tf.apply();
    let vps = mock.vps_keys();
    assert_eq!(vps.len(), 1, "one key, not two");
    assert_eq!(tf.values("hostup_vps_ssh_key.k")["id"], json!(vps[0].id));
    assert_eq!(mock.count("POST /api/v2/ssh-keys"), 1, "not resent");
    let hosting = mock.hosting_keys(account);
    assert_eq!(hosting.len(), 1);
    assert_eq!(
        tf.values("hostup_hosting_ssh_key.h")["id"],
        json!(hosting[0].id)
    );
    assert_eq!(mock.count(hosting_add), 1, "not resent");
    assert!(tf.plan().changed().is_empty());
}

#[test]
fn a_duplicate_answer_for_a_key_no_longer_listed_is_sent_once_more() {
    let mock = MockServer::start(Seed::default());
    // As HostUp may answer just after this run deleted the key (a renamed for_each key).
    let forced = |count: u32| -> Faults {
        serde_json::from_value(json!({"forcedErrors": [{
            "route": "POST /api/v2/ssh-keys", "status": 409, "code": "duplicate_key",
            "message": "An SSH key with this fingerprint already exists.", "count": count
        }]}))
        .unwrap()
    };
    mock.set_faults(forced(1));
    let tf = Tf::new(&mock);
    tf.config(&key_config("again", &test_key(47, ""), ""));
    tf.apply();
    assert_eq!(mock.vps_keys().len(), 1);
    assert_eq!(
        mock.count("POST /api/v2/ssh-keys"),
        2,
        "sent once more, once"
    );

    // A second 409 for a key still not listed stands: the create fails, nothing is made.
    let tf = Tf::new(&mock);
    tf.config(&key_config("other", &test_key(48, ""), ""));
    mock.clear_requests();
    mock.set_faults(forced(2));
    let out = tf.apply_err();
    assert!(out.text().contains("already exists"), "{}", out.text());
    assert_eq!(mock.count("POST /api/v2/ssh-keys"), 2);
    assert_eq!(mock.vps_keys().len(), 1);
}
