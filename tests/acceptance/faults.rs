//! Fault tolerance through the real Terraform CLI: rate limits, server errors, lost replies,
//! gateway HTML pages, parallelism, interruption and secrets.

use crate::common::*;
use hostup_mock::Faults;
use serde_json::json;
use std::time::{Duration, Instant};

const POST_KEYS: &str = "POST /api/v2/ssh-keys";

fn faults(v: serde_json::Value) -> Faults {
    serde_json::from_value(v).expect("faults")
}

/// `n` keys from one resource block with for_each.
fn many_keys(n: u32, offset: u32) -> String {
    let keys: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "    k{i} = {}",
                hcl(&test_key(offset + i, &format!("key-{i}")))
            )
        })
        .collect();
    format!(
        "locals {{\n  keys = {{\n{}\n  }}\n}}\n\nresource \"hostup_vps_ssh_key\" \"k\" {{\n  for_each   = local.keys\n  name       = each.key\n  public_key = each.value\n}}\n",
        keys.join("\n")
    )
}

/// Print what the mock saw, for the closing notes: requests per route and faults absorbed.
fn report(mock: &MockServer, what: &str, minimum: usize) {
    let reqs = mock.requests();
    let faulted = reqs.iter().filter(|r| r.fault.is_some()).count();
    let mut routes = std::collections::BTreeMap::<String, usize>::new();
    for r in &reqs {
        *routes.entry(r.route_key()).or_default() += 1;
    }
    eprintln!(
        "[figures] {what}: {} requests (minimum {minimum}), {faulted} injected faults absorbed; {routes:?}",
        reqs.len()
    );
}

#[test]
fn twenty_keys_converge_under_429s_and_500s() {
    let mock = MockServer::start(Seed::default());
    mock.set_faults(faults(json!({"rate429": 0.25, "rate5xx": 0.10, "seed": 7})));
    let tf = Tf::new(&mock);
    tf.config(&many_keys(20, 100));
    tf.apply();
    report(&mock, "apply of 20 keys with 25% 429 + 10% 500", 20);
    let keys = mock.vps_keys();
    assert_eq!(keys.len(), 20, "exactly the declared keys upstream");
    let mut fps: Vec<_> = keys.iter().map(|k| k.fingerprint.clone()).collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), 20, "no key twice");
    assert!(
        mock.requests().iter().any(|r| r.fault.is_some()),
        "faults were injected"
    );
    mock.clear_requests();
    let plan = tf.plan();
    assert!(plan.changed().is_empty(), "converged: {:?}", plan.changed());
    report(&mock, "refresh-plan of 20 keys under the same faults", 1);
    tf.destroy();
    assert!(mock.vps_keys().is_empty());
}

#[test]
fn lost_create_reply_adopts_the_key_instead_of_duplicating() {
    let mock = MockServer::start(Seed::default());
    mock.set_faults(faults(json!({"dropCreateReplies": 1})));
    let tf = Tf::new(&mock);
    let key = test_key(5, "lost-reply");
    tf.config(&format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name = \"k\"\n  public_key = {}\n}}\n",
        hcl(&key)
    ));
    tf.apply();
    let keys = mock.vps_keys();
    assert_eq!(keys.len(), 1, "one key, not two");
    assert_eq!(mock.count(POST_KEYS), 1, "the create was not resent");
    assert!(mock
        .requests()
        .iter()
        .any(|r| r.fault.as_deref() == Some("drop")));
    assert_eq!(
        tf.values("hostup_vps_ssh_key.k")["id"],
        json!(keys[0].id),
        "adopted into state"
    );
    assert!(tf.plan().changed().is_empty());
    report(&mock, "create with its reply dropped", 1);
}

#[test]
fn lost_hosting_import_reply_is_adopted() {
    let account = hostup_mock::fixtures::HOSTING_ACCOUNT_ID;
    let mock = MockServer::start(Seed::default());
    mock.set_faults(faults(json!({"dropCreateReplies": 1})));
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "resource \"hostup_hosting_ssh_key\" \"k\" {{\n  account_id = \"{account}\"\n  name = \"k\"\n  public_key = {}\n}}\n",
        hcl(&test_key(6, ""))
    ));
    tf.apply();
    let keys = mock.hosting_keys(account);
    assert_eq!(keys.len(), 1);
    assert_eq!(
        mock.count("POST /api/v2/shared-hosting/{accountId}/ssh-keys"),
        1
    );
    assert_eq!(
        tf.values("hostup_hosting_ssh_key.k")["id"],
        json!(keys[0].id)
    );
    // The lost reply said whether the key was authorized; the adopted key is authorized anew.
    let authorize =
        "POST /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}/actions/authorize";
    assert_eq!(mock.count(authorize), 1);
    assert_eq!(
        tf.values("hostup_hosting_ssh_key.k")["authorized"],
        json!(true)
    );
    assert!(tf.plan().changed().is_empty());
}

#[test]
fn server_error_on_create_is_checked_then_retried_once() {
    let mock = MockServer::start(Seed::default());
    mock.set_faults(faults(json!({"forcedErrors": [{
        "route": POST_KEYS, "status": 503, "code": "unavailable", "message": "try later", "count": 1
    }]})));
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name = \"k\"\n  public_key = {}\n}}\n",
        hcl(&test_key(8, ""))
    ));
    tf.apply();
    assert_eq!(mock.vps_keys().len(), 1);
    assert_eq!(
        mock.count(POST_KEYS),
        2,
        "the 503 create was resent once after a lookup"
    );
    let reqs = mock.requests();
    let first_post = reqs
        .iter()
        .position(|r| r.route_key() == POST_KEYS)
        .unwrap();
    let second_post = reqs
        .iter()
        .rposition(|r| r.route_key() == POST_KEYS)
        .unwrap();
    assert!(
        reqs[first_post..second_post]
            .iter()
            .any(|r| r.route_key() == "GET /api/v2/ssh-keys"),
        "the inventory was searched before resending"
    );
}

#[test]
fn html_gateway_page_gives_a_clear_error() {
    let mock = MockServer::start(Seed::default());
    mock.set_faults(faults(json!({"forcedErrors": [{
        "route": "GET /api/v2/ssh-keys", "status": 502, "code": "", "message": "", "count": 100, "html": true
    }]})));
    let tf = Tf::new(&mock);
    tf.config(
        "provider \"hostup\" {\n  max_retries = 1\n}\n\ndata \"hostup_vps_ssh_keys\" \"all\" {}\n",
    );
    let out = tf.plan_err();
    let text = out.text();
    assert!(text.contains("HTML page instead of JSON"), "{}", out.all());
    assert!(text.contains("502 Bad Gateway"), "{}", out.all());
    assert!(text.contains("after 2 attempts"), "{}", out.all());
    assert_eq!(
        mock.count("GET /api/v2/ssh-keys"),
        2,
        "max_retries = 1 is honoured"
    );
}

#[test]
fn fifty_keys_at_default_parallelism() {
    let mock = MockServer::start(Seed::default());
    mock.set_faults(faults(json!({"latencyMs": 20})));
    let tf = Tf::new(&mock);
    tf.config(&many_keys(50, 500));
    let started = Instant::now();
    tf.apply();
    eprintln!(
        "[figures] apply of 50 keys at 20 ms latency: {:?}",
        started.elapsed()
    );
    report(&mock, "apply of 50 keys", 50);
    assert_eq!(mock.count(POST_KEYS), 50, "one create per key");
    let keys = mock.vps_keys();
    assert_eq!(keys.len(), 50);
    let state = tf.state();
    let mut ids: Vec<String> = state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["values"]["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50, "each resource has its own key");
    let mut upstream: Vec<String> = keys.into_iter().map(|k| k.id).collect();
    upstream.sort();
    assert_eq!(ids, upstream, "state and HostUp agree");
    assert!(tf.plan().changed().is_empty());
    tf.destroy();
    assert!(mock.vps_keys().is_empty());
}

#[test]
fn interrupt_stops_waiting_promptly() {
    let mock = MockServer::start(Seed::default());
    // Every request is rate limited with a long Retry-After: without cancellation the provider
    // would wait a minute per retry.
    mock.set_faults(faults(json!({"rate429": 1.0, "retryAfterSecs": 60})));
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name = \"k\"\n  public_key = {}\n}}\n",
        hcl(&test_key(9, ""))
    ));
    let mut child = tf.spawn_in_own_group(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    // The create's first request (its look-up of what is there) is rate limited too.
    while mock.requests().is_empty() {
        assert!(Instant::now() < deadline, "the create never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    // What a terminal's Ctrl-C does: SIGINT to the whole process group.
    let status = std::process::Command::new("kill")
        .args(["-s", "INT", "--", &format!("-{}", child.id())])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = loop {
        if let Some(_status) = child.try_wait().expect("wait") {
            break child.wait_with_output().expect("output");
        }
        if sent.elapsed() > Duration::from_secs(20) {
            let _ = std::process::Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{}", child.id())])
                .status();
            panic!("Terraform did not stop within 20 s of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let waited = sent.elapsed();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("[figures] stopped {waited:?} after Ctrl-C");
    assert!(!out.status.success());
    assert!(text.contains("interrupted"), "{text}");
    assert!(
        !text.contains("plugin exited unexpectedly"),
        "provider must not die:\n{text}"
    );
    assert!(mock.vps_keys().is_empty());
}

#[test]
fn api_key_never_in_logs_output_or_state() {
    let secret = "hk_live_Sup3rSecretValue_0123456789";
    let seed: Seed = serde_json::from_value(json!({
        "tokens": [{"token": secret, "scopes": ["read:vm", "write:account"], "accountId": "20000"}]
    }))
    .unwrap();
    let mock = MockServer::start(seed);
    let tf = Tf::with_env(&[("TF_LOG", "TRACE"), ("TF_LOG_PATH", "tf.log")]);
    tf.config(&format!(
        "provider \"hostup\" {{\n  endpoint = \"{}\"\n  api_key = \"{secret}\"\n}}\n\nresource \"hostup_vps_ssh_key\" \"k\" {{\n  name = \"k\"\n  public_key = {}\n}}\n\ndata \"hostup_vps_ssh_keys\" \"all\" {{\n  depends_on = [hostup_vps_ssh_key.k]\n}}\n",
        mock.url(),
        hcl(&test_key(11, ""))
    ));
    let out = tf.apply();
    let plan = tf.run(&["plan", "-no-color", "-input=false"]);
    let log = std::fs::read_to_string(tf.dir.join("tf.log")).unwrap_or_default();
    assert!(log.len() > 1000, "TRACE log written");
    let state = std::fs::read_to_string(tf.dir.join("terraform.tfstate")).unwrap();
    for (what, text) in [
        ("output", out.all()),
        ("plan", plan.all()),
        ("TF_LOG=TRACE log", log),
        ("state", state),
    ] {
        assert!(!text.contains(secret), "API key leaked into the {what}");
    }
    // Wrong key: the 401 diagnostic does not echo it either.
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", "hk_wrong_Secret_987654"),
    ]);
    tf.config("data \"hostup_vps_ssh_keys\" \"all\" {}\n");
    let out = tf.plan_err();
    assert!(!out.all().contains("hk_wrong_Secret_987654"));
}
