//! Data safety through the real Terraform CLI: a null required argument, a closed
//! canAdd gate before a replacement, list replies that break the contract and a reset answered
//! `success: false`. Each test fails without its provider change; API keys, the unreachable API
//! and the rough edges are in `data_safety_edges`, whole numbers in `bad_input`'s table.

use crate::common::*;
use hostup_mock::{ActionGate, BrokenReply, BrokenShape, Faults};
use serde_json::json;

const ACCOUNT: &str = hostup_mock::fixtures::HOSTING_ACCOUNT_ID;
const HOSTING_ADDR: &str = "hostup_hosting_ssh_key.deploy";
const VPS_LIST: &str = "GET /api/v2/ssh-keys";
const HOSTING_LIST: &str = "GET /api/v2/shared-hosting/{accountId}/ssh-keys";
const HOSTING_IMPORT: &str = "POST /api/v2/shared-hosting/{accountId}/ssh-keys";
const HOSTING_DELETE: &str = "DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}";
const RESET: &str = "POST /api/vm/{vmid}/reset-ssh-keys";
/// A hosting key HostUp lists with `publicKey: null` (see [`bare_key_seed`]).
const BARE_ID: &str = "ssh_bare0000000000000000000001";

/// A hosting key; `name` and `public_key` are HCL expressions.
fn hosting_key(name: &str, public_key: &str) -> String {
    hosting_key_on(&hcl(ACCOUNT), name, public_key)
}

fn hosting_key_on(account_id: &str, name: &str, public_key: &str) -> String {
    format!(
        "resource \"hostup_hosting_ssh_key\" \"deploy\" {{\n  account_id = {account_id}\n  name       = {name}\n  public_key = {public_key}\n}}\n"
    )
}

/// A VPS key; `name` and `public_key` are HCL expressions.
fn vps_key(label: &str, name: &str, public_key: &str) -> String {
    format!(
        "resource \"hostup_vps_ssh_key\" \"{label}\" {{\n  name       = {name}\n  public_key = {public_key}\n}}\n"
    )
}

fn broken(routes: &[&str], shape: BrokenShape, count: u32) -> Faults {
    Faults {
        broken_replies: routes
            .iter()
            .map(|r| BrokenReply {
                route: r.to_string(),
                shape,
                count,
            })
            .collect(),
        ..Faults::default()
    }
}

/// The request ids of the replies the mock broke on `route`.
fn broken_ids(mock: &MockServer, route: &str) -> Vec<String> {
    mock.requests()
        .into_iter()
        .filter(|r| r.route_key() == route && r.fault.as_deref() == Some("broken"))
        .map(|r| r.request_id)
        .collect()
}

/// `terraform state list`.
fn state_list(tf: &Tf) -> Vec<String> {
    let out = tf.run(&["state", "list"]);
    assert!(out.ok, "state list:\n{}", out.all());
    out.stdout.lines().map(str::to_string).collect()
}

/// Assert the "Missing required argument" diagnostic on `attr`.
fn assert_null_refused(out: &Out, attr: &str, what: &str) {
    let text = out.text();
    assert!(!out.ok, "{what}: succeeded:\n{}", out.all());
    assert!(
        text.contains("Missing required argument")
            && text.contains(&format!("`{attr}` is null, but it is required")),
        "{what}: no null diagnostic on {attr}:\n{}",
        out.all()
    );
    assert!(
        text.contains(&format!("{attr} = null")),
        "{what}: the diagnostic does not point at `{attr} = null`:\n{}",
        out.all()
    );
}

// ---- 1. An explicit null for a required argument ---------------------------------------------

#[test]
fn null_required_arguments_are_refused_at_validate_with_no_request() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let key = hcl(&test_key(1, ""));
    let cases = [
        ("public_key", vps_key("k", "\"k\"", "null")),
        ("name", vps_key("k", "null", &key)),
        ("account_id", hosting_key_on("null", "\"k\"", &key)),
        ("name", hosting_key("null", &key)),
        ("public_key", hosting_key("\"k\"", "null")),
        (
            "vmid",
            "resource \"hostup_vm_ssh_reset\" \"r\" {\n  vmid    = null\n  key_ids = [\"ssh_1\"]\n}\n"
                .to_string(),
        ),
        (
            "key_ids",
            "resource \"hostup_vm_ssh_reset\" \"r\" {\n  vmid    = 10000\n  key_ids = null\n}\n"
                .to_string(),
        ),
        (
            "account_id",
            "data \"hostup_hosting_ssh_keys\" \"d\" {\n  account_id = null\n}\n".to_string(),
        ),
    ];
    for (attr, body) in &cases {
        tf.config(body);
        let what = format!("{attr} = null in\n{body}");
        assert_null_refused(&tf.run(&["validate", "-no-color"]), attr, &what);
        assert_null_refused(&tf.run(&["plan", "-input=false", "-no-color"]), attr, &what);
    }
    assert!(
        mock.requests().is_empty(),
        "no request reached the API: {:?}",
        mock.requests()
    );
}

/// The default world plus a key that HostUp lists without its key material.
fn bare_key_seed() -> Seed {
    serde_json::from_value(json!({
        "hostingAccounts": [{
            "id": ACCOUNT, "accountId": "20000",
            "sshKeys": [{"name": "laptop", "publicKey": ED25519_A, "id": BARE_ID, "withholdPublicKey": true}]
        }]
    }))
    .expect("seed")
}

fn import_block() -> String {
    format!("import {{\n  to = {HOSTING_ADDR}\n  id = \"{ACCOUNT}/{BARE_ID}\"\n}}\n")
}

/// The key is on HostUp as it was seeded, and nothing was written.
fn assert_bare_key_untouched(mock: &MockServer) {
    let keys = mock.hosting_keys(ACCOUNT);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(
        (keys[0].id.as_str(), keys[0].name.as_str()),
        (BARE_ID, "laptop")
    );
    assert_eq!(mock.write_count(), 0, "{:?}", mock.requests());
}

#[test]
fn generated_config_with_a_null_public_key_is_refused_and_changes_nothing() {
    let mock = MockServer::start(bare_key_seed());
    let tf = Tf::new(&mock);
    if cli_at_least(1, 5) {
        tf.config(&import_block());
        let out = tf.run(&[
            "plan",
            "-input=false",
            "-no-color",
            "-generate-config-out=generated.tf",
        ]);
        let generated = std::fs::read_to_string(tf.dir.join("generated.tf")).unwrap_or_default();
        let words = generated.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains("public_key = null") && words.contains("name = \"laptop\""),
            "generated:\n{generated}\n{}",
            out.all()
        );
        assert!(!out.ok, "{}", out.all());
        assert!(
            out.text()
                .contains("`public_key` is null, but it is required"),
            "{}",
            out.all()
        );
        // Planning or applying the generated configuration stops at validation.
        assert_null_refused(&tf.plan_err(), "public_key", "plan of generated.tf");
        assert_null_refused(&tf.apply_err(), "public_key", "apply of generated.tf");
        assert!(tf.addresses().is_empty(), "nothing entered the state");
    } else {
        variant(
            "data_safety",
            "no import blocks or -generate-config-out: checked the 1.0 path instead (terraform \
             import, then plan and apply of `public_key = null`)",
        );
        // Terraform 1.0's import does not validate the resource's configuration: the key enters
        // the state as HostUp lists it, without key material. Planning or applying a
        // configuration that says `public_key = null` then stops at validation.
        tf.config(&hosting_key("\"laptop\"", "null"));
        let out = tf.import(HOSTING_ADDR, &format!("{ACCOUNT}/{BARE_ID}"));
        assert!(out.ok, "{}", out.all());
        let imported = tf.values(HOSTING_ADDR);
        assert_eq!(imported["public_key"], json!(null));
        assert_eq!(imported["fingerprint"], json!(ED25519_A_FP));
        assert_null_refused(&tf.plan_err(), "public_key", "plan");
        assert_null_refused(&tf.apply_err(), "public_key", "apply");
        assert_eq!(tf.values(HOSTING_ADDR), imported, "the state is unchanged");
    }
    assert_bare_key_untouched(&mock);
}

#[test]
fn key_listed_withhold_public_key_is_adopted_by_fingerprint_then_replaced_with_its_key() {
    let mock = MockServer::start(bare_key_seed());
    let tf = Tf::new(&mock);
    // The user wrote the key's real public key where generation wrote null.
    let resource = hosting_key("\"laptop\"", &hcl(ED25519_A));
    if cli_at_least(1, 5) {
        tf.config(&format!("{}\n{resource}", import_block()));
        let actions = tf.plan().actions(HOSTING_ADDR);
        assert!(
            actions == ["update"] || actions == ["no-op"],
            "import, the state learning the key in place: {actions:?}"
        );
        tf.apply();
    } else {
        variant(
            "data_safety",
            "adopting with terraform import (no import blocks)",
        );
        tf.config(&resource);
        let out = tf.import(HOSTING_ADDR, &format!("{ACCOUNT}/{BARE_ID}"));
        assert!(out.ok, "{}", out.all());
    }
    tf.config(&resource);
    // Terraform refuses a plan that keeps a null prior value against a configured one, so the
    // state learns the key in one in-place update that sends nothing; then the plan is empty.
    let plan = tf.plan();
    if !plan.changed().is_empty() {
        assert_eq!(
            plan.actions(HOSTING_ADDR),
            ["update"],
            "never a replacement"
        );
        let writes = mock.write_count();
        tf.apply();
        assert_eq!(mock.write_count(), writes, "nothing sent");
    }
    assert!(
        tf.plan().changed().is_empty(),
        "same fingerprint: no change"
    );
    assert_bare_key_untouched(&mock);

    // A new name replaces the key; the new one carries the configured key material.
    tf.config(&hosting_key("\"laptop-2\"", &hcl(ED25519_A)));
    let actions = tf.plan().actions(HOSTING_ADDR);
    assert!(
        actions == ["delete", "create"] || actions == ["create", "delete"],
        "{actions:?}"
    );
    tf.apply();
    let keys = mock.hosting_keys(ACCOUNT);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0].name, "laptop-2");
    assert_eq!(keys[0].fingerprint.as_deref(), Some(ED25519_A_FP));
    assert_eq!(keys[0].public_key.as_deref(), Some(ED25519_A));
    assert_eq!(tf.values(HOSTING_ADDR)["id"], json!(keys[0].id));
    assert!(tf.plan().changed().is_empty());
}

// ---- 2. canAdd is checked at plan for a replacement ------------------------------------------

#[test]
fn closed_can_add_stops_a_hosting_key_replacement_at_plan() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let key = hcl(&test_key(2, "deploy@ci"));
    tf.config(&hosting_key("\"deploy\"", &key));
    tf.apply();
    let id = mock.hosting_keys(ACCOUNT)[0].id.clone();

    assert!(mock.set_can_add(
        ACCOUNT,
        ActionGate {
            allowed: false,
            reason: Some("The hosting account has a pending order".into()),
            code: Some("pending_order".into()),
        },
    ));
    mock.clear_requests();
    // No rename for hosting keys: a new name is a replacement (-/+), and its create half is
    // refused at plan, before anything is destroyed.
    tf.config(&hosting_key("\"deploy-2\"", &key));
    for out in [tf.plan_err(), tf.apply_err()] {
        let text = out.text();
        for needle in [
            "HostUp does not allow adding SSH keys to this hosting account now",
            "The hosting account has a pending order",
            "pending_order",
            "account_id =",
        ] {
            assert!(text.contains(needle), "no {needle:?} in:\n{}", out.all());
        }
    }
    assert_eq!(mock.count(HOSTING_DELETE), 0, "nothing destroyed");
    assert_eq!(mock.write_count(), 0, "{:?}", mock.requests());
    let keys = mock.hosting_keys(ACCOUNT);
    assert_eq!((keys.len(), keys[0].id.as_str()), (1, id.as_str()));
    assert_eq!(keys[0].name, "deploy");
    let v = tf.values(HOSTING_ADDR);
    assert_eq!(
        (v["id"].clone(), v["name"].clone()),
        (json!(id), json!("deploy"))
    );

    // Once HostUp accepts keys again, the replacement goes through.
    assert!(mock.set_can_add(ACCOUNT, ActionGate::allow()));
    tf.apply();
    let keys = mock.hosting_keys(ACCOUNT);
    assert_eq!((keys.len(), keys[0].name.as_str()), (1, "deploy-2"));
}

// ---- 3. List replies that break the contract -------------------------------------------------

#[test]
fn list_replies_that_break_the_contract_fail_refresh_and_keep_the_state() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "{}\n{}",
        vps_key("k", "\"k\"", &hcl(&test_key(3, ""))),
        hosting_key("\"deploy\"", &hcl(&test_key(4, "")))
    ));
    tf.apply();
    let addresses = ["hostup_hosting_ssh_key.deploy", "hostup_vps_ssh_key.k"];
    assert_eq!(state_list(&tf), addresses);
    let state_file = tf.dir.join("terraform.tfstate");
    let state_before = std::fs::read_to_string(&state_file).expect("state");

    let cases = [
        (
            "200 {} on both lists",
            broken(&[VPS_LIST, HOSTING_LIST], BrokenShape::EmptyObject, 100),
            vec![VPS_LIST, HOSTING_LIST],
        ),
        (
            "a VPS page with hasMore but no nextCursor",
            broken(&[VPS_LIST], BrokenShape::HasMoreWithoutCursor, 100),
            vec![VPS_LIST],
        ),
    ];
    for (what, faults, routes) in cases {
        for args in [
            &["plan", "-input=false", "-no-color"][..],
            &[
                "apply",
                "-refresh-only",
                "-auto-approve",
                "-input=false",
                "-no-color",
            ][..],
        ] {
            mock.clear_requests();
            mock.set_faults(faults.clone());
            let out = tf.run(args);
            let text = out.text();
            assert!(!out.ok, "{what}, {args:?} succeeded:\n{}", out.all());
            assert!(
                text.contains("HostUp answered 200 but the reply is not what the API documents"),
                "{what}, {args:?}:\n{}",
                out.all()
            );
            for route in &routes {
                let path = route
                    .trim_start_matches("GET ")
                    .replace("{accountId}", ACCOUNT);
                assert!(
                    text.contains(&format!("GET {path}")),
                    "{what}: the request {route} is not named:\n{}",
                    out.all()
                );
                let ids = broken_ids(&mock, route);
                assert!(
                    ids.iter()
                        .any(|id| text.contains(&format!("requestId: {id}"))),
                    "{what}: none of the requestIds {ids:?} of {route} shown:\n{}",
                    out.all()
                );
            }
            if routes == [VPS_LIST] {
                assert!(text.contains("`hasMore` is true but there is no `nextCursor`"));
            }
            assert_eq!(state_list(&tf), addresses, "{what}, {args:?}");
            assert_eq!(
                std::fs::read_to_string(&state_file).expect("state"),
                state_before,
                "{what}, {args:?}: the state file was rewritten"
            );
        }
    }

    // The API keeps its contract again: nothing to do, and no create (so no duplicate_key).
    mock.set_faults(Faults::default());
    mock.clear_requests();
    let out = tf.apply();
    assert!(
        !out.text().contains("duplicate"),
        "no duplicate: {}",
        out.all()
    );
    assert_eq!(mock.write_count(), 0, "{:?}", mock.requests());
    assert_eq!(mock.count(HOSTING_IMPORT), 0);
    assert_eq!(state_list(&tf), addresses);
    assert!(tf.plan().changed().is_empty());
}

// ---- 4. A reset answered success: false ------------------------------------------------------

#[test]
fn reset_answered_success_false_is_an_error_and_stays_out_of_the_state() {
    const RESET_ADDR: &str = "hostup_vm_ssh_reset.rotate";
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "{}\nresource \"hostup_vm_ssh_reset\" \"rotate\" {{\n  vmid    = 10000\n  key_ids = [hostup_vps_ssh_key.a.id]\n}}\n",
        vps_key("a", "\"a\"", &hcl(&test_key(5, "")))
    ));
    for shape in [BrokenShape::SuccessFalse, BrokenShape::InnerSuccessFalse] {
        mock.set_faults(broken(&[RESET], shape, 1));
        let out = tf.apply_err();
        let text = out.text();
        let ids = broken_ids(&mock, RESET);
        let id = ids.last().expect("a reset was sent");
        for needle in [
            "HostUp reported that the operation failed",
            "Failed to reset SSH keys",
            &format!("requestId: {id}"),
        ] {
            assert!(
                text.contains(needle),
                "{shape:?}: no {needle:?}:\n{}",
                out.all()
            );
        }
        assert!(
            !tf.addresses().contains(&RESET_ADDR.to_string()),
            "{shape:?}: the failed reset is in the state"
        );
        assert!(mock.resets().is_empty());
    }
    assert_eq!(mock.count(RESET), 2);

    // HostUp carries resets out again: the next apply runs it.
    mock.set_faults(Faults::default());
    tf.apply();
    assert_eq!(mock.count(RESET), 3, "one reset request per apply");
    assert_eq!(mock.resets().len(), 1);
    assert!(tf.addresses().contains(&RESET_ADDR.to_string()));
    assert!(tf.plan().changed().is_empty());
}
