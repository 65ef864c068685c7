//! Acceptance tests for `hostup_vps_ssh_key`, driven by the real Terraform CLI against the mock.

use crate::common::*;
use serde_json::json;

const ADDR: &str = "hostup_vps_ssh_key.deploy";

fn key_config(name: &str, key_expr: &str) -> String {
    format!("resource \"hostup_vps_ssh_key\" \"deploy\" {{\n  name       = {}\n  public_key = {key_expr}\n}}\n", hcl(name))
}

#[test]
fn lifecycle_create_rename_replace_recreate_import_destroy() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);

    // Create, with the key given as file() gives it: trailing newline included.
    let key = test_key(1, "ops@example.com");
    tf.config(&key_config("deploy", &hcl(&format!("{key}\n"))));
    let plan = tf.plan();
    assert_eq!(plan.actions(ADDR), ["create"]);
    assert_eq!(
        plan.after(ADDR)["fingerprint"],
        json!(fingerprint(&key)),
        "fingerprint is known at plan time"
    );
    assert_eq!(plan.after(ADDR)["key_type"], json!("ed25519"));
    assert_eq!(
        plan.after(ADDR)["fingerprint_md5"],
        json!(fingerprint_md5(&key)),
        "fingerprint_md5 is known at plan time"
    );
    assert_eq!(mock.write_count(), 0, "plan sends no write");
    tf.apply();
    let keys = mock.vps_keys();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "deploy");
    let id = keys[0].id.clone();
    let v = tf.values(ADDR);
    assert_eq!(v["id"], json!(id));
    assert_eq!(v["fingerprint"], json!(fingerprint(&key)));
    assert_eq!(mock.count("POST /api/v2/ssh-keys"), 1);

    // The mock stores the key normalised (no newline): still no diff.
    assert!(tf.plan().changed().is_empty(), "plan after create is empty");

    // Rename: an in-place update that keeps the id.
    tf.config(&key_config("deploy-renamed", &hcl(&format!("{key}\n"))));
    let plan = tf.plan();
    assert_eq!(plan.actions(ADDR), ["update"]);
    tf.apply();
    assert_eq!(mock.count("PATCH /api/v2/ssh-keys/{id}"), 1);
    let keys = mock.vps_keys();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].id, id, "rename keeps the id");
    assert_eq!(keys[0].name, "deploy-renamed");
    assert_eq!(tf.values(ADDR)["id"], json!(id));

    // A new key replaces the resource.
    let key2 = test_key(2, "ops@example.com");
    tf.config(&key_config("deploy-renamed", &hcl(&key2)));
    let plan = tf.plan();
    let actions = plan.actions(ADDR);
    assert!(
        actions == ["delete", "create"] || actions == ["create", "delete"],
        "public_key change is a replacement, got {actions:?}"
    );
    tf.apply();
    let keys = mock.vps_keys();
    assert_eq!(keys.len(), 1, "old key deleted, new key created");
    assert_ne!(keys[0].id, id);
    assert_eq!(
        keys[0].fingerprint.as_deref(),
        Some(fingerprint(&key2).as_str())
    );
    let id2 = keys[0].id.clone();

    // Deleted outside Terraform: planned for creation again, then re-created.
    assert!(mock.remove_vps_key(&id2));
    let plan = tf.plan();
    assert_eq!(plan.actions(ADDR), ["create"]);
    let out = tf.apply();
    assert!(
        out.text().contains("no longer exists on HostUp"),
        "warning shown:\n{}",
        out.all()
    );
    assert_eq!(mock.vps_keys().len(), 1);

    // Import a key created outside Terraform, then an empty plan.
    let key3 = test_key(3, "imported@example.com");
    let outside = mock.insert_vps_key("legacy", &key3);
    tf.config(&format!(
        "{}\nresource \"hostup_vps_ssh_key\" \"legacy\" {{\n  name       = \"legacy\"\n  public_key = {}\n}}\n",
        key_config("deploy-renamed", &hcl(&key2)),
        // Same key, another comment and a newline: not a change.
        hcl(&format!("{}\n", test_key(3, "other-comment")))
    ));
    let out = tf.import("hostup_vps_ssh_key.legacy", &outside.id);
    assert!(out.ok, "import failed:\n{}", out.all());
    assert_eq!(
        tf.values("hostup_vps_ssh_key.legacy")["id"],
        json!(outside.id)
    );
    assert_eq!(
        tf.values("hostup_vps_ssh_key.legacy")["fingerprint_md5"],
        json!(fingerprint_md5(&key3))
    );
    let plan = tf.plan();
    assert!(
        plan.changed().is_empty(),
        "plan after import: {:?}",
        plan.changed()
    );

    // Destroy leaves nothing.
    let deletes_before = mock.count("DELETE /api/v2/ssh-keys/{id}");
    tf.destroy();
    assert!(
        mock.vps_keys().is_empty(),
        "mock keeps {:?}",
        mock.vps_keys()
    );
    assert_eq!(
        mock.count("DELETE /api/v2/ssh-keys/{id}") - deletes_before,
        2
    );
    assert!(tf.addresses().is_empty());
}

#[test]
fn comment_or_whitespace_change_is_not_a_diff() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&key_config("k", &hcl(&test_key(10, "first"))));
    tf.apply();
    for variant in [
        test_key(10, "second-comment"),
        test_key(10, ""),
        format!("  {}  \n", test_key(10, "first")),
    ] {
        tf.config(&key_config("k", &hcl(&variant)));
        let plan = tf.plan();
        assert!(
            plan.changed().is_empty(),
            "{variant:?} planned {:?}",
            plan.changed()
        );
    }
    // Applying with another comment is a no-op too: no request writes anything.
    let writes = mock.write_count();
    tf.apply();
    assert_eq!(mock.write_count(), writes);
}

#[test]
fn bad_input_fails_at_plan_without_requests() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let cases = [
        (
            OPENSSH_PRIVATE,
            "deploy",
            "Private key given where a public key is expected",
            "public_key",
        ),
        (
            "ssh-ed25519 not-base64!!",
            "deploy",
            "not valid base64",
            "public_key",
        ),
        (
            "ssh-foo AAAAB3NzaC1yc2E",
            "deploy",
            "not a supported SSH public key type",
            "public_key",
        ),
        (
            ED25519_A,
            "   ",
            "must not be empty or only whitespace",
            "name",
        ),
    ];
    for (key, name, message, attr) in cases {
        tf.config(&key_config(name, &hcl(key)));
        let out = tf.plan_err();
        let text = out.text();
        assert!(
            text.contains(message),
            "{key:?}: expected {message:?} in\n{}",
            out.all()
        );
        assert!(
            text.contains(&format!("{attr} = ")),
            "diagnostic points at {attr}:\n{}",
            out.all()
        );
        assert!(!text.contains("SECRET"));
    }
    assert_eq!(mock.requests().len(), 0, "no request reached the API");
}

#[test]
fn missing_scope_and_wrong_token() {
    let seed: Seed = serde_json::from_value(json!({
        "tokens": [{"token": "read-only-token", "scopes": ["read:vm"], "accountId": "20000"}]
    }))
    .unwrap();
    let mock = MockServer::start(seed);
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", "read-only-token"),
    ]);
    tf.config(&key_config("k", &hcl(ED25519_A)));
    let out = tf.apply_err();
    assert!(out.text().contains("write:account"), "{}", out.all());
    assert!(out.text().contains("403"), "{}", out.all());
    assert!(
        out.text()
            .contains("POST /api/v2/ssh-keys needs the scope `write:account`"),
        "fix hint: {}",
        out.all()
    );
    assert!(mock.vps_keys().is_empty());

    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", "wrong-token-s3cr3t-value"),
    ]);
    tf.config("data \"hostup_vps_ssh_keys\" \"all\" {}");
    let out = tf.plan_err();
    assert!(out.text().contains("401"), "{}", out.all());
    assert!(
        out.text().contains("Check the API key"),
        "fix hint: {}",
        out.all()
    );
    assert!(
        !out.all().contains("wrong-token-s3cr3t-value"),
        "token echoed:\n{}",
        out.all()
    );
}

#[test]
fn blocked_rename_and_delete_fail_with_reason_and_code() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&key_config("k", &hcl(ED25519_A)));
    tf.apply();
    let id = mock.vps_keys()[0].id.clone();
    let blocked = |reason: &str| hostup_mock::ActionGate {
        allowed: false,
        reason: Some(reason.to_string()),
        code: Some("pending_order".to_string()),
    };
    mock.set_vps_key_actions(
        &id,
        blocked("Key is in use by a pending order"),
        blocked("Key is attached to a pending VPS order"),
    );

    tf.config(&key_config("k2", &hcl(ED25519_A)));
    let out = tf.plan_err();
    let text = out.text();
    assert!(
        text.contains("Key is in use by a pending order"),
        "{}",
        out.all()
    );
    assert!(text.contains("pending_order"), "{}", out.all());
    assert!(text.contains("name = "), "points at name:\n{}", out.all());
    assert_eq!(mock.count("PATCH /api/v2/ssh-keys/{id}"), 0);

    tf.config(&key_config("k", &hcl(ED25519_A)));
    let out = tf.run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(!out.ok, "destroy must fail:\n{}", out.all());
    assert!(
        out.text()
            .contains("Key is attached to a pending VPS order"),
        "{}",
        out.all()
    );
    assert!(out.text().contains("pending_order"), "{}", out.all());
    assert_eq!(
        mock.count("DELETE /api/v2/ssh-keys/{id}"),
        0,
        "no DELETE sent"
    );
    assert_eq!(mock.vps_keys().len(), 1);
    assert_eq!(tf.addresses(), [ADDR], "the key stays in state");
}

#[test]
fn duplicate_key_names_existing_id_and_import_command() {
    let mock = MockServer::start(Seed::default());
    let existing = mock.insert_vps_key("made-in-dashboard", ED25519_A);
    let tf = Tf::new(&mock);
    tf.config(&key_config("deploy", &hcl(ED25519_A)));
    let out = tf.apply_err();
    let text = out.text();
    assert!(text.contains(&existing.id), "{}", out.all());
    assert!(
        text.contains(&format!(
            "terraform import hostup_vps_ssh_key.<name> {}",
            existing.id
        )),
        "{}",
        out.all()
    );
    assert_eq!(mock.vps_keys().len(), 1);
}

#[test]
fn provider_configuration_errors() {
    let mock = MockServer::start(Seed::default());
    let body = "data \"hostup_vps_ssh_keys\" \"all\" {}\n".to_string();

    let tf = Tf::with_env(&[("HOSTUP_ENDPOINT", mock.url().as_str())]);
    tf.config(&body);
    let out = tf.plan_err();
    assert!(out.text().contains("api_key"), "{}", out.all());
    assert!(out.text().contains("HOSTUP_API_KEY"), "{}", out.all());

    let tf = Tf::with_env(&[("HOSTUP_API_KEY", TOKEN)]);
    tf.config(&format!(
        "provider \"hostup\" {{\n  endpoint = \"not a url\"\n}}\n{body}"
    ));
    let out = tf.run(&["validate", "-no-color"]);
    assert!(!out.ok);
    assert!(out.text().contains("Invalid endpoint"), "{}", out.all());
    assert!(out.text().contains("not a valid URL"), "{}", out.all());

    tf.config(&format!(
        "provider \"hostup\" {{\n  endpoint = \"http://api.example.com\"\n}}\n{body}"
    ));
    let out = tf.run(&["validate", "-no-color"]);
    assert!(!out.ok);
    assert!(out.text().contains("not loopback"), "{}", out.all());
    assert_eq!(mock.requests().len(), 0);

    // api_key in the provider block wins over the environment.
    let tf = Tf::with_env(&[("HOSTUP_API_KEY", "wrong")]);
    tf.config(&format!(
        "provider \"hostup\" {{\n  endpoint = \"{}\"\n  api_key = \"{TOKEN}\"\n}}\n{body}",
        mock.url()
    ));
    tf.apply();
}

/// Every bad setting is reported in one run, from the environment as from the block: a bad
/// HOSTUP_MAX_RETRIES does not hide a bad HOSTUP_REQUEST_TIMEOUT, an endpoint or a missing key.
#[test]
fn every_provider_setting_problem_is_reported_at_once() {
    let mock = MockServer::start(Seed::default());
    let body = "data \"hostup_vps_ssh_keys\" \"all\" {}\n";
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", "ftp://example.com"),
        ("HOSTUP_MAX_RETRIES", "abc"),
        ("HOSTUP_REQUEST_TIMEOUT", "soon"),
        ("HOSTUP_RETRY_DEADLINE", "-5m"),
    ]);
    tf.config(body);
    let out = tf.plan_err();
    let text = out.text();
    for needle in [
        "No HostUp API key",
        "HOSTUP_ENDPOINT",
        "HOSTUP_MAX_RETRIES is abc",
        "HOSTUP_REQUEST_TIMEOUT",
        "HOSTUP_RETRY_DEADLINE",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    // The block's own values, each on its attribute, also all at once at validate.
    let tf = Tf::with_env(&[("HOSTUP_API_KEY", TOKEN)]);
    tf.config(&format!(
        "provider \"hostup\" {{\n  endpoint = \"nope\"\n  max_retries = 1.5\n  request_timeout = \"x\"\n  retry_deadline = \"y\"\n}}\n{body}"
    ));
    let out = tf.run(&["validate", "-no-color"]);
    assert!(!out.ok);
    let text = out.text();
    for needle in [
        "Invalid endpoint",
        "Invalid max_retries",
        "Invalid request_timeout",
        "Invalid retry_deadline",
    ] {
        assert_eq!(text.matches(needle).count(), 1, "{needle}:\n{text}");
    }
    assert_eq!(mock.requests().len(), 0);
}

#[test]
fn one_key_under_two_addresses_is_warned_about() {
    let mock = MockServer::start(Seed::default());
    let key = test_key(13_001, "");
    let made = mock.insert_vps_key("shared", &key);
    let tf = Tf::new(&mock);
    let block = |name: &str| {
        format!(
            "resource \"hostup_vps_ssh_key\" \"{name}\" {{\n  name       = \"shared\"\n  public_key = {}\n}}\n",
            hcl(&key)
        )
    };
    tf.config(&(block("one") + &block("two")));
    for address in ["hostup_vps_ssh_key.one", "hostup_vps_ssh_key.two"] {
        let out = tf.import(address, &made.id);
        assert!(out.ok, "{}", out.all());
    }
    let out = tf.run(&["plan", "-input=false", "-no-color"]);
    assert!(out.ok, "{}", out.all());
    let text = out.text();
    assert_eq!(
        text.matches("is managed by more than one hostup_vps_ssh_key resource")
            .count(),
        1,
        "one warning for the second address:\n{text}"
    );
    assert!(text.contains("terraform state rm"), "{text}");
}

#[test]
fn state_written_before_fingerprint_md5_gets_it_on_refresh() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&key_config("k", &hcl(ED25519_A)));
    tf.apply();
    // The state as an earlier provider version wrote it: no fingerprint_md5.
    let path = tf.dir.join("terraform.tfstate");
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let attrs = &mut state["resources"][0]["instances"][0]["attributes"];
    assert!(attrs
        .as_object_mut()
        .unwrap()
        .remove("fingerprint_md5")
        .is_some());
    std::fs::write(&path, state.to_string()).unwrap();

    let plan = tf.plan();
    assert!(plan.changed().is_empty(), "{:?}", plan.changed());
    let writes = mock.write_count();
    tf.apply();
    assert_eq!(mock.write_count(), writes, "nothing sent");
    assert_eq!(
        tf.values(ADDR)["fingerprint_md5"],
        json!(fingerprint_md5(ED25519_A))
    );
}
