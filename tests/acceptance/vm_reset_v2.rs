//! `hostup_vm_ssh_reset` with `vps_id`: HostUp's v2 reset, whose job the provider follows until
//! it completes; the exactly-one-of check of `vmid`/`vps_id`; and the plan-time look-ups of the
//! key ids and the VPS (both forms).

use crate::common::*;
use hostup_mock::fixtures::VPS_ID;
use hostup_mock::Faults;
use serde_json::json;

const POST: &str = "POST /api/v2/vps/{id}/actions/reset-ssh-keys";
const POLL: &str = "GET /api/jobs/{jobId}";
const V1: &str = "POST /api/vm/{vmid}/reset-ssh-keys";
const ADDR: &str = "hostup_vm_ssh_reset.rotate";

/// A key, the default VPS found by name, and a v2 reset of it; `extra` goes into the reset.
fn config(extra: &str) -> String {
    format!(
        r#"
resource "hostup_vps_ssh_key" "deploy" {{
  name       = "deploy"
  public_key = {}
}}

data "hostup_vps_instances" "web" {{
  name = "WEB-1"
}}

resource "hostup_vm_ssh_reset" "rotate" {{
  vps_id  = one(data.hostup_vps_instances.web.instances).id
  key_ids = [hostup_vps_ssh_key.deploy.id]
{extra}}}
"#,
        hcl(&test_key(61, "deploy"))
    )
}

fn faults(v: serde_json::Value) -> Faults {
    serde_json::from_value(v).expect("faults")
}

#[test]
fn a_v2_reset_is_in_the_state_once_its_job_completes() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&config(""));
    let out = tf.run(&["plan", "-no-color", "-input=false"]);
    assert!(out.ok, "{}", out.all());
    assert!(
        out.text()
            .contains(&format!("Applying this plan restarts VPS {VPS_ID}")),
        "{}",
        out.all()
    );

    tf.apply();
    assert_eq!(mock.count(POST), 1, "one reset request");
    assert_eq!(mock.count(V1), 0);
    assert!(
        mock.count(POLL) >= 2,
        "polled until done: {}",
        mock.count(POLL)
    );
    let resets = mock.vps_resets();
    assert_eq!(resets.len(), 1);
    let key = &mock.vps_keys()[0];
    assert_eq!(resets[0].vps_id, VPS_ID);
    assert_eq!(resets[0].key_ids, vec![key.id.clone()]);
    assert_eq!(resets[0].status, "completed");
    let post = mock
        .requests()
        .into_iter()
        .find(|r| r.route_key() == POST)
        .expect("the POST");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&post.body).unwrap(),
        json!({"keyIds": [key.id]})
    );
    assert!(post.headers.iter().any(|(k, _)| k == "authorization"));
    // Every poll follows the pollUrl the POST gave, after the POST.
    let polls: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.route_key() == POLL)
        .collect();
    assert!(polls
        .iter()
        .all(|r| r.path == format!("/api/jobs/{}", resets[0].job_id)));

    let v = tf.values(ADDR);
    assert_eq!(v["job_id"], json!(resets[0].job_id));
    assert_eq!(v["id"], json!(resets[0].job_id));
    assert_eq!(v["status"], json!("completed"));
    assert_eq!(v["vps_id"], json!(VPS_ID));
    assert!(v["vmid"].is_null());
    assert!(v["request_id"].is_null());

    // Nothing changed: nothing planned. Only a new timeout: an in-place update, no reset.
    assert!(tf.plan().changed().is_empty());
    tf.config(&config("  timeouts {\n    create = \"20m\"\n  }\n"));
    let plan = tf.plan();
    assert_eq!(plan.actions(ADDR), vec!["update".to_string()]);
    tf.apply();
    tf.destroy();
    assert_eq!(mock.count(POST), 1, "no further reset");
}

#[test]
fn a_failed_job_fails_the_apply_and_the_next_apply_runs_it_again() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&config(""));
    mock.set_faults(faults(json!({
        "failResetJobs": 1, "resetFailureMessage": "The VPS is locked by a pending backup."
    })));
    let out = tf.apply_err();
    let text = out.text();
    let job = mock.vps_resets()[0].job_id.clone();
    for needle in [
        "The SSH key reset of VPS",
        "The VPS is locked by a pending backup.",
        job.as_str(),
    ] {
        assert!(text.contains(needle), "no {needle:?}:\n{}", out.all());
    }
    assert!(
        !tf.addresses().contains(&ADDR.to_string()),
        "not in the state"
    );
    assert_eq!(mock.vps_resets()[0].status, "failed");

    tf.apply();
    assert_eq!(mock.count(POST), 2, "the next apply sends the reset again");
    assert_eq!(tf.values(ADDR)["status"], json!("completed"));
}

#[test]
fn a_job_longer_than_the_timeout_fails_and_is_not_in_the_state() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&config("  timeouts {\n    create = \"3s\"\n  }\n"));
    mock.set_faults(faults(json!({"resetJobPolls": 1000})));
    let started = std::time::Instant::now();
    let out = tf.apply_err();
    let text = out.text();
    let job = mock.vps_resets()[0].job_id.clone();
    for needle in [
        "Timed out waiting for the SSH key reset",
        job.as_str(),
        "after 3s (timeouts.create)",
        "The reset may still complete",
        "It is not in the state",
    ] {
        assert!(text.contains(needle), "no {needle:?}:\n{}", out.all());
    }
    assert!(!tf.addresses().contains(&ADDR.to_string()));
    assert_eq!(mock.count(POST), 1, "not resent");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "bounded by the timeout"
    );
}

#[test]
fn exactly_one_of_vmid_and_vps_id_is_refused_at_validate() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let reset = |body: &str| format!("resource \"hostup_vm_ssh_reset\" \"r\" {{\n{body}\n}}\n");
    let cases = [
        (
            reset("  vmid    = 10000\n  vps_id  = \"vps_1\"\n  key_ids = [\"ssh_1\"]"),
            "`vmid` and `vps_id` are both set; give exactly one",
            "vps_id =",
        ),
        (
            reset("  key_ids = [\"ssh_1\"]"),
            "required unless `vps_id` is set",
            "resource \"hostup_vm_ssh_reset\"",
        ),
        (
            reset("  vps_id  = \"10000\"\n  key_ids = [\"ssh_1\"]"),
            "a numeric VM id goes in `vmid`",
            "vps_id =",
        ),
        (
            reset("  vps_id  = \"vps_1\"\n  key_ids = [\"ssh_1\"]\n  timeouts {\n    create = \"soon\"\n  }"),
            "`timeouts.create`: \"soon\" is not a duration",
            "create =",
        ),
    ];
    for (hcl, message, at) in &cases {
        tf.config(hcl);
        let out = tf.run(&["validate", "-no-color"]);
        assert!(!out.ok, "{hcl}: validate succeeded");
        let text = out.text();
        assert!(
            text.contains(message),
            "{hcl}: no {message:?}:\n{}",
            out.all()
        );
        assert!(text.contains(at), "{hcl}: not at {at:?}:\n{}", out.all());
        assert!(!text.contains("Internal error"), "{}", out.all());
    }
    // An unknown vps_id with a vmid is not refused before it is known.
    tf.config(
        "resource \"terraform_data\" \"x\" {\n  input = \"vps_1\"\n}\n\nresource \"hostup_vm_ssh_reset\" \"r\" {\n  vps_id  = terraform_data.x.output\n  key_ids = [\"ssh_1\"]\n}\n",
    );
    if cli_at_least(1, 4) {
        let out = tf.run(&["validate", "-no-color"]);
        assert!(out.ok, "{}", out.all());
    }
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

fn seeded() -> Seed {
    serde_json::from_value(json!({
        "vpsKeys": [{"name": "a", "publicKey": test_key(62, "a"), "id": "ssh_a", "displayId": "2830"}]
    }))
    .expect("seed")
}

#[test]
fn absent_key_ids_and_vps_are_refused_at_plan_naming_them() {
    let mock = MockServer::start(seeded());
    let tf = Tf::new(&mock);
    let reset = |machine: &str, ids: &str| {
        format!("resource \"hostup_vm_ssh_reset\" \"r\" {{\n  {machine}\n  key_ids = {ids}\n}}\n")
    };
    let v2 = format!("vps_id = \"{VPS_ID}\"");
    for (machine, ids, needles) in [
        (
            v2.as_str(),
            "[\"ssh_a\", \"ssh_gone1\", \"ssh_gone2\"]",
            vec![
                "SSH keys not found",
                "\"ssh_gone1\", \"ssh_gone2\"",
                "Nothing was sent",
            ],
        ),
        (
            v2.as_str(),
            "[\"2830\"]",
            vec!["\"2830\"", "takes the keys' `ssh_…` ids"],
        ),
        (
            "vmid = 10000",
            "[\"ssh_a\", \"ssh_gone1\", \"4711\"]",
            vec!["\"ssh_gone1\", \"4711\""],
        ),
        (
            "vps_id = \"vps_nosuchmachine\"",
            "[\"ssh_a\"]",
            vec![
                "VPS not found",
                "\"vps_nosuchmachine\"",
                "hostup_vps_instances",
            ],
        ),
    ] {
        tf.config(&reset(machine, ids));
        let out = tf.plan_err();
        let text = out.text();
        for n in needles {
            assert!(
                text.contains(n),
                "{machine} {ids}: no {n:?}:\n{}",
                out.all()
            );
        }
        let named = text.split("does not list:").nth(1).unwrap_or_default();
        assert!(
            !named.contains("\"ssh_a\""),
            "an existing id is named: {text}"
        );
    }
    assert_eq!(mock.count(POST), 0);
    assert_eq!(mock.count(V1), 0);

    // A legacy numeric id the legacy view lists, and a displayId, pass for the v1 reset.
    tf.config(&reset("vmid = 10000", "[\"ssh_a\", \"2830\"]"));
    tf.plan();
    assert_eq!(mock.count(V1), 0);
}

#[test]
fn an_unreadable_inventory_warns_and_the_reset_decides() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config("resource \"hostup_vm_ssh_reset\" \"r\" {\n  vmid    = 10000\n  key_ids = [\"ssh_does_not_exist\"]\n}\n");
    // A key without read:vm: the plan cannot check, so it warns; HostUp refuses the reset.
    mock.set_faults(faults(json!({"forcedErrors": [{
        "route": "GET /api/v2/ssh-keys", "status": 403, "code": "forbidden",
        "message": "This API key lacks the required scope `read:vm`.", "count": 2
    }]})));
    let out = tf.apply_err();
    let text = out.text();
    assert!(
        text.contains("Could not check `key_ids` against the VPS SSH key inventory"),
        "{}",
        out.all()
    );
    assert!(text.contains("400"), "{}", out.all());
    assert!(text.contains("ssh_does_not_exist"), "{}", out.all());
    assert_eq!(mock.count(V1), 1);
    assert!(mock.resets().is_empty());
}

#[test]
fn the_plan_time_checks_cost_one_read_of_each_list_per_run() {
    let mock = MockServer::start(seeded());
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "resource \"hostup_vm_ssh_reset\" \"v2\" {{\n  count   = 5\n  vps_id  = \"{VPS_ID}\"\n  key_ids = [\"ssh_a\"]\n  triggers = {{ n = count.index }}\n}}\n\nresource \"hostup_vm_ssh_reset\" \"v1\" {{\n  count   = 5\n  vmid    = 10000\n  key_ids = [\"ssh_a\"]\n  triggers = {{ n = count.index }}\n}}\n"
    ));
    tf.plan();
    assert_eq!(
        mock.count("GET /api/v2/ssh-keys"),
        1,
        "{:?}",
        mock.requests()
    );
    assert_eq!(mock.count("GET /api/v2/vps"), 1);
    mock.clear_requests();
    tf.apply();
    // The plan, then the apply's final plan in a provider process of its own: one read each.
    let reads = mock.count("GET /api/v2/ssh-keys");
    eprintln!(
        "[figures] apply of 10 resets: {reads} key list reads, {} VPS list reads",
        mock.count("GET /api/v2/vps")
    );
    assert_eq!(reads, 2);
    assert_eq!(mock.count("GET /api/v2/vps"), 2);
    assert_eq!(mock.count(POST), 5);
    assert_eq!(mock.count(V1), 5);
}

#[test]
fn a_poll_url_on_another_host_is_not_followed() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&config(""));
    for url in [
        "https://evil.example/api/jobs/job_1",
        "//evil.example/api/jobs/job_1",
        "/elsewhere/job_1",
    ] {
        mock.set_faults(faults(json!({"resetPollUrl": url})));
        let out = tf.apply_err();
        let text = out.text();
        assert!(text.contains("is not followed"), "{url}:\n{}", out.all());
        assert!(
            text.contains("the reset may still complete"),
            "{url}:\n{}",
            out.all()
        );
        assert!(!tf.addresses().contains(&ADDR.to_string()));
    }
    assert_eq!(mock.count(POLL), 0, "nothing was polled");
    assert_eq!(mock.count(POST), 3, "one POST per apply, never resent");
}

/// A reset in a state written before `vps_id`, `job_id`, `status` and `timeouts` existed (the
/// attributes as the previous version wrote them): upgrading the provider plans no change, so
/// no VM restarts.
#[test]
fn a_reset_from_before_vps_id_plans_no_change() {
    let mock = MockServer::start(seeded());
    let tf = Tf::new(&mock);
    tf.config("resource \"hostup_vm_ssh_reset\" \"r\" {\n  vmid     = 10000\n  key_ids  = [\"ssh_a\"]\n  triggers = { a = \"1\" }\n}\n");
    let state = json!({
        "version": 4, "terraform_version": "1.0.3", "serial": 1,
        "lineage": "00000000-0000-0000-0000-000000000001", "outputs": {},
        "resources": [{
            "mode": "managed", "type": "hostup_vm_ssh_reset", "name": "r",
            "provider": "provider[\"registry.terraform.io/hostup/hostup\"]",
            "instances": [{
                "schema_version": 1,
                "attributes": {
                    "account_id": "20000", "id": "9b4c210f-98ec-47fa-9971-82c994b2252d",
                    "key_count": 1, "key_ids": ["ssh_a"],
                    "message": "SSH keys reset initiated. VM will restart automatically to apply changes.",
                    "request_id": "9b4c210f-98ec-47fa-9971-82c994b2252d",
                    "reset_at": "2026-12-02T06:04:51.548Z", "triggers": {"a": "1"}, "vmid": 10000
                },
                "sensitive_attributes": []
            }]
        }]
    });
    std::fs::write(tf.dir.join("terraform.tfstate"), state.to_string()).expect("state");
    let plan = tf.plan();
    assert!(plan.changed().is_empty(), "{:?}", plan.changed());
    assert_eq!(mock.count(V1), 0);
    assert_eq!(mock.count(POST), 0);
}

#[test]
fn a_v2_reset_whose_outcome_is_unknown_is_not_resent() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&config(""));
    // A 500 may come after HostUp started the job: not resent, as the v1 reset.
    mock.set_faults(faults(json!({"forcedErrors": [{
        "route": POST, "status": 500, "code": "internal_error", "message": "upstream timeout", "count": 1
    }]})));
    let out = tf.apply_err();
    let text = out.text();
    assert!(
        text.contains("outcome unknown: not resent, since a reset restarts the VPS"),
        "{}",
        out.all()
    );
    assert!(text.contains("upstream timeout"), "{}", out.all());
    assert_eq!(mock.count(POST), 1);
    assert!(!tf.addresses().contains(&ADDR.to_string()));
    // A 429 certainly was not carried out: retried, and the reset runs once.
    mock.clear_requests();
    mock.set_faults(faults(json!({"forcedErrors": [{
        "route": POST, "status": 429, "code": "rate_limited", "message": "slow down", "count": 1
    }]})));
    tf.apply();
    assert_eq!(mock.count(POST), 2);
    assert_eq!(mock.vps_resets().len(), 1);
}
