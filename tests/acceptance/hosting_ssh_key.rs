//! Acceptance tests for `hostup_hosting_ssh_key` and `hostup_hosting_ssh_keys`, driven by the real
//! Terraform CLI against the mock.

use crate::common::*;
use serde_json::json;

const ACCOUNT: &str = hostup_mock::fixtures::HOSTING_ACCOUNT_ID;
const ADDR: &str = "hostup_hosting_ssh_key.deploy";
const IMPORT_ROUTE: &str = "POST /api/v2/shared-hosting/{accountId}/ssh-keys";

fn config(name: &str, key: &str) -> String {
    format!(
        r#"
resource "hostup_hosting_ssh_key" "deploy" {{
  account_id = "{ACCOUNT}"
  name       = {}
  public_key = {}
}}

data "hostup_hosting_ssh_keys" "site" {{
  account_id = "{ACCOUNT}"
  depends_on = [hostup_hosting_ssh_key.deploy]
}}
"#,
        hcl(name),
        hcl(key)
    )
}

#[test]
fn import_on_create_data_source_replace_recreate_and_destroy() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let key = test_key(1, "deploy@ci");
    tf.config(&config("deploy", &format!("{key}\n")));

    let plan = tf.plan();
    assert_eq!(plan.actions(ADDR), ["create"]);
    let after = plan.after(ADDR);
    assert_eq!(
        after["fingerprint"],
        json!(fingerprint(&key)),
        "known at plan"
    );
    assert_eq!(after["key_type"], json!("ed25519"), "as on VPS keys");
    assert_eq!(after["bits"], json!(256));
    assert_eq!(after["fingerprint_md5"], json!(fingerprint_md5(&key)));
    assert_eq!(after["comment"], json!("deploy@ci"));
    tf.apply();

    let keys = mock.hosting_keys(ACCOUNT);
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "deploy");
    assert_eq!(mock.count(IMPORT_ROUTE), 1);
    let body = &mock
        .requests()
        .into_iter()
        .find(|r| r.route_key() == IMPORT_ROUTE)
        .expect("import request")
        .body;
    assert!(!body.contains("PRIVATE"), "public key only: {body}");
    let v = tf.values(ADDR);
    assert_eq!(v["id"], json!(keys[0].id));
    assert_eq!(v["authorized"], json!(true));

    // The data source shows the key, the SSH command and the canAdd gate.
    let ds = tf.values("data.hostup_hosting_ssh_keys.site");
    assert_eq!(ds["ssh_command"], json!("ssh u20000@web01.hostup.se"));
    assert_eq!(ds["can_add"], json!(true));
    assert_eq!(ds["keys"][0]["id"], json!(keys[0].id));
    assert_eq!(ds["keys"][0]["key_type"], json!("ed25519"));
    assert_eq!(ds["keys"][0]["fingerprint"], json!(fingerprint(&key)));
    assert_eq!(
        ds["keys"][0]["fingerprint_md5"],
        json!(fingerprint_md5(&key))
    );

    assert!(tf.plan().changed().is_empty(), "empty plan after create");
    // Comment change only: still no diff.
    tf.config(&config("deploy", &test_key(1, "another-comment")));
    assert!(
        tf.plan().changed().is_empty(),
        "comment change is not a diff"
    );

    // A new name is a replacement (no rename for hosting keys).
    tf.config(&config("deploy-2", &key));
    let actions = tf.plan().actions(ADDR);
    assert!(
        actions == ["delete", "create"] || actions == ["create", "delete"],
        "name change replaces, got {actions:?}"
    );
    tf.apply();
    let keys = mock.hosting_keys(ACCOUNT);
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "deploy-2");

    // Removed outside Terraform: imported again.
    assert!(mock.remove_hosting_key(ACCOUNT, &keys[0].id));
    assert_eq!(tf.plan().actions(ADDR), ["create"]);
    tf.apply();
    assert_eq!(mock.hosting_keys(ACCOUNT).len(), 1);

    tf.destroy();
    assert!(
        mock.hosting_keys(ACCOUNT).is_empty(),
        "destroy removes the key upstream"
    );
}

#[test]
fn terraform_import_with_account_and_key_id() {
    let key = test_key(7, "laptop");
    let seed: Seed = serde_json::from_value(json!({
        "hostingAccounts": [{
            "id": ACCOUNT, "accountId": "20000", "sshCommand": "ssh u20000@web01.hostup.se",
            "canAdd": {"allowed": true, "reason": null},
            "sshKeys": [{"name": "laptop", "publicKey": key, "id": "ssh_existing0000000000000001"}]
        }]
    }))
    .unwrap();
    let mock = MockServer::start(seed);
    let tf = Tf::new(&mock);
    tf.config(&config("laptop", &format!("{}\n", test_key(7, ""))));

    for bad in ["ssh_existing0000000000000001", "acct/", "a/b/c"] {
        let out = tf.import(ADDR, bad);
        assert!(!out.ok);
        assert!(
            out.text()
                .contains("names no key. An import ID is accountId/keyId"),
            "{}",
            out.all()
        );
    }

    // Creating it instead fails, naming the existing key and the import command.
    let out = tf.apply_err();
    assert!(
        out.text().contains(&format!(
            "terraform import hostup_hosting_ssh_key.<name> {ACCOUNT}/ssh_existing0000000000000001"
        )),
        "{}",
        out.all()
    );
    assert_eq!(mock.count(IMPORT_ROUTE), 0, "no duplicate import sent");

    let out = tf.import(ADDR, &format!("{ACCOUNT}/ssh_existing0000000000000001"));
    assert!(out.ok, "{}", out.all());
    let plan = tf.plan();
    assert!(plan.changed().is_empty(), "{:?}", plan.changed());
    assert_eq!(tf.values(ADDR)["name"], json!("laptop"));
}

#[test]
fn blocked_can_add_sends_no_import() {
    let mock = MockServer::start(Seed::default());
    mock.set_can_add(
        ACCOUNT,
        hostup_mock::ActionGate {
            allowed: false,
            reason: Some("The hosting account has a pending order".into()),
            code: Some("pending_order".into()),
        },
    );
    let tf = Tf::new(&mock);
    tf.config(&config("deploy", &test_key(1, "")));
    let out = tf.apply_err();
    assert!(
        out.text()
            .contains("The hosting account has a pending order"),
        "{}",
        out.all()
    );
    assert!(out.text().contains("pending_order"), "{}", out.all());
    assert_eq!(mock.count(IMPORT_ROUTE), 0, "no import request");
    assert!(mock.hosting_keys(ACCOUNT).is_empty());
}

#[test]
fn missing_write_scope_and_unknown_account() {
    let seed: Seed = serde_json::from_value(json!({
        "tokens": [
            {"token": "ro", "scopes": ["read:hosting", "console:services"], "accountId": "20000"},
            {"token": "no-console", "scopes": ["read:hosting", "write:hosting"], "accountId": "20000"}
        ]
    }))
    .unwrap();
    let mock = MockServer::start(seed);
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", "ro"),
    ]);
    tf.config(&config("deploy", &test_key(1, "")));
    let out = tf.apply_err();
    let text = out.text();
    assert!(text.contains("403"), "{}", out.all());
    // The hint names the two scopes of the import, apart.
    let hint = format!(
        "POST /api/v2/shared-hosting/{ACCOUNT}/ssh-keys needs the scopes `write:hosting` and \
         `console:services`"
    );
    assert!(text.contains(&hint), "no {hint:?} in:\n{}", out.all());
    assert_eq!(mock.count(IMPORT_ROUTE), 1, "refused, not retried");
    assert!(mock.hosting_keys(ACCOUNT).is_empty());

    // Without console:services even the list is refused, at plan, and the hint says so.
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", "no-console"),
    ]);
    tf.config(&config("deploy", &test_key(1, "")));
    let out = tf.plan_err();
    let text = out.text();
    assert!(
        text.contains("This API key lacks the required scope `console:services`"),
        "HostUp's detail: {}",
        out.all()
    );
    let hint = format!(
        "GET /api/v2/shared-hosting/{ACCOUNT}/ssh-keys needs the scopes `read:hosting` and \
         `console:services`"
    );
    assert!(text.contains(&hint), "no {hint:?} in:\n{}", out.all());
    assert!(!text.contains("hostingconsole"), "{}", out.all());

    let mock2 = MockServer::start(Seed::default());
    let tf = Tf::new(&mock2);
    tf.config(&format!(
        "resource \"hostup_hosting_ssh_key\" \"k\" {{\n  account_id = \"acct_missing\"\n  name = \"k\"\n  public_key = {}\n}}\n",
        hcl(ED25519_A_BARE)
    ));
    let out = tf.apply_err();
    assert!(
        out.text().contains("Hosting account not found"),
        "{}",
        out.all()
    );
    assert!(out.text().contains("acct_missing"), "{}", out.all());
}

#[test]
fn private_key_refused_at_plan() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&config("deploy", OPENSSH_PRIVATE));
    let out = tf.plan_err();
    assert!(
        out.text()
            .contains("Private key given where a public key is expected"),
        "{}",
        out.all()
    );
    assert_eq!(mock.write_count(), 0);
}
