//! A server without the v2 VPS key writes: the mock's `legacy-key-writes` profile answers the v2
//! add and delete as a web server answers a route it lacks. The provider must create and delete
//! VPS keys through the legacy `/api/ssh-keys`, keep the v2 ids in the state, and say plainly
//! what such a server cannot do. (A server without the hosting key removal:
//! `hosting_removal.rs`.)

use crate::common::*;
use hostup_mock::{Faults, Profile};
use serde_json::json;

const V2_ADD: &str = "POST /api/v2/ssh-keys";
const V2_DELETE: &str = "DELETE /api/v2/ssh-keys/{id}";
const OLDER_ADD: &str = "POST /api/ssh-keys";
const OLDER_DELETE: &str = "DELETE /api/ssh-keys";
const OLDER_LIST: &str = "GET /api/ssh-keys";
const V2_LIST: &str = "GET /api/v2/ssh-keys";

fn mock(profile: Profile) -> MockServer {
    MockServer::start(Seed {
        profile,
        ..Seed::default()
    })
}

fn key_block(name: &str, label: &str, key: &str) -> String {
    format!(
        "resource \"hostup_vps_ssh_key\" \"{name}\" {{\n  name       = \"{label}\"\n  public_key = {}\n}}\n",
        hcl(key)
    )
}

/// Create, no-diff, rename, replace, drift, import and destroy, on either profile.
fn lifecycle(profile: Profile) {
    let mock = mock(profile);
    let tf = Tf::new(&mock);
    let (a, b) = (test_key(12_001, "a@ci"), test_key(12_002, "b@ci"));
    tf.config(&(key_block("a", "alpha", &a) + &key_block("b", "beta", &b)));
    tf.apply();
    let keys = mock.vps_keys();
    assert_eq!(keys.len(), 2, "{profile:?}: both keys upstream");
    let id_a = tf.values("hostup_vps_ssh_key.a")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        id_a.starts_with("ssh_"),
        "the state keeps the v2 id: {id_a}"
    );
    assert!(keys.iter().any(|k| k.id == id_a && k.name == "alpha"));
    let (v2_adds, older_adds) = (mock.count(V2_ADD), mock.count(OLDER_ADD));
    match profile {
        Profile::LegacyKeyWrites => {
            assert_eq!(v2_adds, 1, "one v2 probe, remembered for the process");
            assert_eq!(older_adds, 2);
        }
        Profile::Complete => assert_eq!((v2_adds, older_adds), (2, 0)),
    }
    assert!(
        tf.plan().changed().is_empty(),
        "{profile:?}: no diff after apply"
    );

    // Rename in place (v2 PATCH is published), replace on new key material.
    let a2 = test_key(12_003, "a2@ci");
    tf.config(&(key_block("a", "alpha-renamed", &a) + &key_block("b", "beta", &a2)));
    let plan = tf.plan();
    assert_eq!(plan.actions("hostup_vps_ssh_key.a"), ["update"]);
    assert_eq!(plan.actions("hostup_vps_ssh_key.b"), ["delete", "create"]);
    tf.apply();
    let keys = mock.vps_keys();
    assert_eq!(
        keys.len(),
        2,
        "{profile:?}: the replaced key is gone: {keys:?}"
    );
    assert!(keys
        .iter()
        .any(|k| k.id == id_a && k.name == "alpha-renamed"));
    assert!(keys
        .iter()
        .any(|k| k.fingerprint.as_deref() == Some(&fingerprint(&a2))));
    if profile == Profile::LegacyKeyWrites {
        assert_eq!(
            mock.count(OLDER_DELETE),
            1,
            "the replacement deleted through the older API"
        );
        assert_eq!(mock.count(V2_DELETE), 1, "one v2 delete probe");
    }

    // Drift: removed out of band, re-created by the next apply.
    assert!(mock.remove_vps_key(&id_a));
    assert_eq!(tf.plan().actions("hostup_vps_ssh_key.a"), ["create"]);
    tf.apply();
    assert_eq!(mock.vps_keys().len(), 2);

    // Import of a key made elsewhere, then destroy of everything.
    let c = test_key(12_004, "");
    let made = mock.insert_vps_key("gamma", &c);
    tf.config(
        &(key_block("a", "alpha-renamed", &a)
            + &key_block("b", "beta", &a2)
            + &key_block("c", "gamma", &c)),
    );
    let out = tf.import("hostup_vps_ssh_key.c", &made.id);
    assert!(out.ok, "import: {}", out.all());
    assert!(
        tf.plan().changed().is_empty(),
        "{profile:?}: imported key matches"
    );
    tf.destroy();
    assert!(
        mock.vps_keys().is_empty(),
        "{profile:?}: destroy removed every key"
    );
    if profile == Profile::LegacyKeyWrites {
        // Each Terraform run is a new provider process: one probe in the earlier apply, one here.
        assert_eq!(
            mock.count(V2_DELETE),
            2,
            "the v2 delete is probed once per run"
        );
        assert!(mock.count(OLDER_DELETE) >= 4);
    }
}

#[test]
fn vps_key_lifecycle_without_v2_key_writes() {
    lifecycle(Profile::LegacyKeyWrites);
}

#[test]
fn vps_key_lifecycle_on_the_complete_api() {
    lifecycle(Profile::Complete);
}

#[test]
fn older_add_absorbs_rate_limits_errors_and_a_lost_reply_without_duplicates() {
    let mock = mock(Profile::LegacyKeyWrites);
    mock.set_faults(
        serde_json::from_value::<Faults>(json!({
            "retryAfterSecs": 0,
            "forcedErrors": [
                {"route": OLDER_ADD, "status": 429, "count": 2},
                {"route": OLDER_ADD, "status": 500, "count": 1}
            ]
        }))
        .unwrap(),
    );
    let tf = Tf::new(&mock);
    let key = test_key(12_101, "faults");
    tf.config(&key_block("k", "faults", &key));
    tf.apply();
    assert_eq!(mock.vps_keys().len(), 1, "one key despite 429s and a 500");

    // A reply lost after the older add committed: adopted, not added twice.
    mock.set_faults(serde_json::from_value(json!({"dropCreateReplies": 1})).unwrap());
    let lost = test_key(12_102, "lost");
    tf.config(&(key_block("k", "faults", &key) + &key_block("lost", "lost", &lost)));
    tf.apply();
    let keys = mock.vps_keys();
    let copies = keys
        .iter()
        .filter(|k| k.fingerprint.as_deref() == Some(&fingerprint(&lost)))
        .count();
    assert_eq!(copies, 1, "the lost-reply key exists once: {keys:?}");
    assert!(tf.plan().changed().is_empty());
}

#[test]
fn fifty_creates_without_v2_key_writes_cost_one_probe_and_few_walks() {
    let mock = mock(Profile::LegacyKeyWrites);
    let tf = Tf::new(&mock);
    let blocks: String = (0..50)
        .map(|i| {
            key_block(
                &format!("k{i}"),
                &format!("k{i}"),
                &test_key(12_300 + i, ""),
            )
        })
        .collect();
    tf.config(&blocks);
    mock.clear_requests();
    tf.apply();
    assert_eq!(mock.vps_keys().len(), 50);
    let (probes, adds, lists) = (
        mock.count(V2_ADD),
        mock.count(OLDER_ADD),
        mock.count(V2_LIST),
    );
    eprintln!("[figures] 50 creates, legacy-key-writes profile: {probes} v2 probe(s), {adds} older adds, {lists} v2 list pages");
    assert_eq!(probes, 1, "only the first create probes the v2 add");
    assert_eq!(adds, 50, "one older add per key");
    // Each create needs one v2 walk that started after its add; concurrent creates share it.
    assert!(lists <= 50, "{lists} list requests for 50 creates");
    assert_eq!(
        mock.requests().len(),
        probes + adds + lists,
        "nothing else was sent"
    );
}

#[test]
fn data_sources_show_the_older_numeric_id() {
    let mock = mock(Profile::LegacyKeyWrites);
    let key = test_key(12_401, "");
    let made = mock.insert_vps_key("legacy", &key);
    let tf = Tf::new(&mock);
    tf.config(
        "data \"hostup_vps_ssh_keys\" \"all\" {}\n\
         data \"hostup_vps_ssh_key\" \"one\" {\n  name = \"legacy\"\n}\n\
         output \"ids\" {\n  value = [for k in data.hostup_vps_ssh_keys.all.keys : k.legacy_id]\n}\n\
         output \"one\" {\n  value = data.hostup_vps_ssh_key.one.legacy_id\n}\n",
    );
    tf.apply();
    let out = tf.run(&["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let want = made.display_id.clone().expect("numeric id");
    assert_eq!(outputs["ids"]["value"], json!([want.clone()]));
    assert_eq!(outputs["one"]["value"], json!(want));
    assert_eq!(
        mock.count(OLDER_LIST),
        1,
        "one older list, shared by both data sources"
    );
}
