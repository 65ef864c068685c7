//! Acceptance tests for the VPS key data sources over a multi-page inventory.

use crate::common::*;
use serde_json::json;

#[test]
fn inventory_over_several_pages_with_filters() {
    let mock = MockServer::start(Seed::default());
    for n in 0..230u32 {
        let name = if n % 10 == 0 {
            format!("prod-{n}")
        } else {
            format!("dev-{n}")
        };
        mock.insert_vps_key(&name, &test_key(1000 + n, ""));
    }
    mock.insert_vps_key("ops-rsa-like", ED25519_A);
    let tf = Tf::new(&mock);
    tf.config(
        r#"
data "hostup_vps_ssh_keys" "all" {}

data "hostup_vps_ssh_keys" "prod" {
  name_regex = "^prod-"
}

data "hostup_vps_ssh_keys" "none" {
  key_type = "rsa"
}

data "hostup_vps_ssh_key" "by_name" {
  name = "prod-120"
}

data "hostup_vps_ssh_key" "by_fp" {
  fingerprint = "SHA256:g+MLfmZ0SAqCtL/iy9B2sbhwrRlz6dr8+1rgUzmWPhI"
}

output "all_count"  { value = length(data.hostup_vps_ssh_keys.all.keys) }
"#,
    );
    tf.apply();
    let all = tf.values("data.hostup_vps_ssh_keys.all");
    let keys = all["keys"].as_array().expect("keys list");
    assert_eq!(keys.len(), 231, "every page is read");
    let mut ids: Vec<&str> = keys.iter().map(|k| k["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 231, "no key twice");
    for field in [
        "id",
        "display_id",
        "name",
        "public_key",
        "fingerprint",
        "fingerprint_md5",
        "key_type",
        "created_at",
        "last_used_at",
    ] {
        assert!(
            keys[0].as_object().unwrap().contains_key(field),
            "keys[0] lacks {field}"
        );
    }
    assert!(
        mock.count("GET /api/v2/ssh-keys") >= 3,
        "231 keys at 100 a page is 3 pages"
    );
    let prod = tf.values("data.hostup_vps_ssh_keys.prod");
    assert_eq!(prod["keys"].as_array().unwrap().len(), 23);
    let none = tf.values("data.hostup_vps_ssh_keys.none");
    assert_eq!(none["keys"], json!([]));
    let by_name = tf.values("data.hostup_vps_ssh_key.by_name");
    assert_eq!(
        by_name["fingerprint"],
        json!(fingerprint(&test_key(1120, "")))
    );
    let by_fp = tf.values("data.hostup_vps_ssh_key.by_fp");
    assert_eq!(by_fp["name"], json!("ops-rsa-like"));
    assert_eq!(by_fp["key_type"], json!("ed25519"));
    assert_eq!(by_fp["fingerprint_md5"], json!(fingerprint_md5(ED25519_A)));
    assert_eq!(mock.write_count(), 0);
}

#[test]
fn single_key_lookup_errors() {
    let mock = MockServer::start(Seed::default());
    mock.insert_vps_key("twin", &test_key(1, ""));
    mock.insert_vps_key("twin", &test_key(2, ""));
    let tf = Tf::new(&mock);

    tf.config("data \"hostup_vps_ssh_key\" \"k\" {\n  name = \"twin\"\n}\n");
    let out = tf.plan_err();
    assert!(
        out.text().contains("More than one SSH key matches"),
        "{}",
        out.all()
    );

    tf.config("data \"hostup_vps_ssh_key\" \"k\" {\n  name = \"absent\"\n}\n");
    let out = tf.plan_err();
    assert!(
        out.text()
            .contains("No VPS SSH key in this HostUp account has name \"absent\""),
        "{}",
        out.all()
    );

    let before = mock.requests().len();
    tf.config("data \"hostup_vps_ssh_key\" \"k\" {}\n");
    let out = tf.plan_err();
    assert!(
        out.text()
            .contains("Set exactly one of `id`, `name`, `fingerprint` or `fingerprint_md5`"),
        "{}",
        out.all()
    );

    tf.config("data \"hostup_vps_ssh_key\" \"k\" {\n  id = \"ssh_x\"\n  name = \"twin\"\n}\n");
    let out = tf.plan_err();
    assert_eq!(
        out.text().matches("Conflicting key selectors").count(),
        1,
        "said once, on the second selector:\n{}",
        out.all()
    );

    // An MD5 fingerprint in `fingerprint` points to `fingerprint_md5`; a malformed one is refused.
    let md5 = fingerprint_md5(&test_key(1, ""));
    for (attr, value, says) in [
        ("fingerprint", md5.clone(), "set it as `fingerprint_md5`"),
        (
            "fingerprint_md5",
            "aa:bb".to_string(),
            "16 colon-separated hex pairs",
        ),
    ] {
        tf.config(&format!(
            "data \"hostup_vps_ssh_key\" \"k\" {{\n  {attr} = \"{value}\"\n}}\n"
        ));
        let out = tf.plan_err();
        assert!(out.text().contains(says), "{says}:\n{}", out.all());
    }

    tf.config("data \"hostup_vps_ssh_keys\" \"k\" {\n  name_regex = \"([\"\n}\n");
    let out = tf.plan_err();
    assert!(
        out.text().contains("not a valid regular expression"),
        "{}",
        out.all()
    );

    tf.config("data \"hostup_vps_ssh_keys\" \"k\" {\n  key_type = \"rsa2\"\n}\n");
    let out = tf.plan_err();
    assert!(
        out.text().contains("expected one of rsa, ed25519"),
        "{}",
        out.all()
    );
    assert_eq!(
        mock.requests().len(),
        before,
        "invalid selectors send no request"
    );
}

/// The single-key data source finds a key by each form import accepts: the SHA256 fingerprint
/// with its prefix in any case, and the MD5 fingerprint bare or after `MD5:`, in any case.
#[test]
fn single_key_by_any_fingerprint_form() {
    let mock = MockServer::start(Seed::default());
    let key = test_key(1, "ops@example.com");
    let made = mock.insert_vps_key("deploy", &key);
    mock.insert_vps_key("other", &test_key(2, ""));
    let tf = Tf::new(&mock);
    let sha = fingerprint(&key);
    let md5 = fingerprint_md5(&key);
    for (attr, value) in [
        ("fingerprint", sha.clone()),
        ("fingerprint", sha.replacen("SHA256:", "sha256:", 1)),
        ("fingerprint_md5", md5.clone()),
        ("fingerprint_md5", md5.to_uppercase()),
        ("fingerprint_md5", format!("Md5:{md5}")),
    ] {
        tf.config(&format!(
            "data \"hostup_vps_ssh_key\" \"k\" {{\n  {attr} = \"{value}\"\n}}\n\noutput \"id\" {{\n  value = data.hostup_vps_ssh_key.k.id\n}}\n\noutput \"md5\" {{\n  value = data.hostup_vps_ssh_key.k.fingerprint_md5\n}}\n"
        ));
        let out = tf.apply();
        assert!(out.ok, "{attr} = {value}:\n{}", out.all());
        let outputs = tf.run(&["output", "-json"]);
        let outputs: serde_json::Value = serde_json::from_str(&outputs.stdout).unwrap();
        assert_eq!(outputs["id"]["value"], json!(made.id), "{attr} = {value}");
        assert_eq!(outputs["md5"]["value"], json!(md5), "{attr} = {value}");
    }
    assert_eq!(mock.write_count(), 0);
}
