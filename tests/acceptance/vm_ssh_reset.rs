//! Acceptance tests for `hostup_vm_ssh_reset`, driven by the real Terraform CLI against the mock.

use crate::common::*;
use hostup_mock::Faults;
use serde_json::json;

const RESET_ROUTE: &str = "POST /api/vm/{vmid}/reset-ssh-keys";
const ADDR: &str = "hostup_vm_ssh_reset.rotate";

fn config(rotation: &str) -> String {
    format!(
        r#"
resource "hostup_vps_ssh_key" "a" {{
  name       = "a"
  public_key = {}
}}

resource "hostup_vps_ssh_key" "b" {{
  name       = "b"
  public_key = {}
}}

resource "hostup_vm_ssh_reset" "rotate" {{
  vmid     = 10000
  key_ids  = [hostup_vps_ssh_key.a.id, hostup_vps_ssh_key.b.id]
  triggers = {{ rotation = {} }}
}}
"#,
        hcl(&test_key(1, "a")),
        hcl(&test_key(2, "b")),
        hcl(rotation)
    )
}

fn faults(v: serde_json::Value) -> Faults {
    serde_json::from_value(v).expect("faults")
}

#[test]
fn reset_once_again_on_trigger_never_on_destroy() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&config("1"));

    let out = tf.run(&["plan", "-no-color", "-input=false"]);
    assert!(out.ok, "{}", out.all());
    assert!(
        out.text().contains("Applying this plan restarts VM 10000"),
        "{}",
        out.all()
    );

    tf.apply();
    let resets = mock.resets();
    assert_eq!(resets.len(), 1, "exactly one reset");
    let ids: Vec<String> = mock.vps_keys().into_iter().map(|k| k.id).collect();
    let mut sent = resets[0].key_ids.clone();
    sent.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(sent, want, "both key ids sent");
    assert!(resets[0].used_x_api_key, "v1 uses the X-API-Key header");
    assert_eq!(resets[0].vmid, 10000);
    let req = mock
        .requests()
        .into_iter()
        .find(|r| r.route_key() == RESET_ROUTE)
        .expect("reset request");
    assert!(req.headers.iter().any(|(k, _)| k == "x-api-key"));
    assert!(!req.headers.iter().any(|(k, _)| k == "authorization"));

    let v = tf.values(ADDR);
    assert_eq!(v["key_count"], json!(2));
    assert_eq!(v["account_id"], json!("20000"));
    assert_eq!(v["request_id"], json!(resets[0].request_id));
    assert_eq!(v["reset_at"], json!(resets[0].timestamp));
    assert!(v["message"]
        .as_str()
        .unwrap_or("")
        .contains("VM will restart"));

    // No change: no new reset, and nothing planned.
    assert!(tf.plan().changed().is_empty());
    tf.apply();
    assert_eq!(mock.resets().len(), 1);

    // A new trigger value: the reset runs once more.
    tf.config(&config("2"));
    let actions = tf.plan().actions(ADDR);
    assert!(actions.contains(&"create".to_string()), "{actions:?}");
    tf.apply();
    assert_eq!(mock.resets().len(), 2);

    // Destroy forgets the reset: no request.
    tf.destroy();
    assert_eq!(mock.resets().len(), 2);
    assert_eq!(mock.count(RESET_ROUTE), 2);
}

#[test]
fn v1_error_shows_message_and_request_id_and_is_not_resent() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&config("1"));
    mock.set_faults(faults(json!({"forcedErrors": [{
        "route": RESET_ROUTE, "status": 500, "code": "INTERNAL_ERROR",
        "message": "Failed to reset SSH keys", "count": 1
    }]})));
    let out = tf.apply_err();
    let text = out.text();
    assert!(text.contains("Failed to reset SSH keys"), "{}", out.all());
    assert!(text.contains("INTERNAL_ERROR"), "{}", out.all());
    assert!(text.contains("500"), "{}", out.all());
    let req = mock
        .requests()
        .into_iter()
        .find(|r| r.route_key() == RESET_ROUTE)
        .expect("reset request");
    assert!(
        text.contains(&format!("requestId: {}", req.request_id)),
        "the server's requestId is shown:\n{}",
        out.all()
    );
    assert_eq!(
        mock.count(RESET_ROUTE),
        1,
        "a 500 after sending is not resent"
    );
    assert!(mock.resets().is_empty());
    assert!(!tf.addresses().contains(&ADDR.to_string()));

    // A 429 certainly was not processed: retried, and the reset happens once.
    mock.clear_requests();
    mock.set_faults(faults(json!({"forcedErrors": [{
        "route": RESET_ROUTE, "status": 429, "code": "RATE_LIMITED", "message": "slow down", "count": 1
    }]})));
    tf.apply();
    assert_eq!(mock.count(RESET_ROUTE), 2);
    assert_eq!(mock.resets().len(), 1);
}

#[test]
fn bad_input_refused_at_plan() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let cases = [
        ("vmid = 0\n  key_ids = [\"ssh_1\"]", "`vmid` is 0", "vmid"),
        ("vmid = -5\n  key_ids = [\"ssh_1\"]", "`vmid` is -5", "vmid"),
        (
            "vmid = 10000\n  key_ids = []",
            "`key_ids` is empty",
            "key_ids",
        ),
        (
            "vmid = 10000\n  key_ids = [\"ssh_1\", \"  \"]",
            "empty or blank string",
            "key_ids",
        ),
    ];
    for (body, message, attr) in cases {
        tf.config(&format!(
            "resource \"hostup_vm_ssh_reset\" \"r\" {{\n  {body}\n}}\n"
        ));
        let out = tf.plan_err();
        assert!(out.text().contains(message), "{body}: {}", out.all());
        assert!(
            out.text().contains(&format!("{attr} =")),
            "path {attr}: {}",
            out.all()
        );
    }
    assert_eq!(mock.requests().len(), 0);
}

#[test]
fn unknown_key_on_vm_is_refused_at_plan() {
    // The plan reads the key inventory and names the absent id; the reset is never sent (a
    // server that answers it anyway: vm_reset_v2::an_unreadable_inventory_warns_and_the_reset_decides).
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config("resource \"hostup_vm_ssh_reset\" \"r\" {\n  vmid = 10000\n  key_ids = [\"ssh_does_not_exist\"]\n}\n");
    let out = tf.apply_err();
    assert!(out.text().contains("SSH keys not found"), "{}", out.all());
    assert!(
        out.text().contains("\"ssh_does_not_exist\""),
        "{}",
        out.all()
    );
    assert_eq!(mock.count(RESET_ROUTE), 0);
    assert!(mock.resets().is_empty());
}
