//! Provider logs reach Terraform's log in its own format, at the level TF_LOG asks for, and never
//! carry the API key or key material; backtraces never reach diagnostics.

use crate::common::*;
use serde_json::json;

const SECRET: &str = "hk_live_LogTestSecret_42";

fn world() -> MockServer {
    MockServer::start(
        serde_json::from_value(json!({
            "tokens": [{"token": SECRET, "scopes": ["read:vm", "write:account"], "accountId": "20000"}]
        }))
        .unwrap(),
    )
}

fn key_config(key: &str) -> String {
    format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name = \"k\"\n  public_key = {}\n}}\n",
        hcl(key)
    )
}

/// The provider's lines in Terraform's log.
fn provider_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.contains("provider.terraform-provider-hostup"))
        .map(str::to_string)
        .collect()
}

#[test]
fn debug_log_shows_each_call_and_never_the_key() {
    let mock = world();
    let key = test_key(1, "");
    let blob = key.split(' ').nth(1).unwrap().to_string();
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", SECRET),
        ("TF_LOG", "DEBUG"),
    ]);
    tf.config(&key_config(&key));
    mock.set_faults(
        serde_json::from_value(json!({"forcedErrors": [{
            "route": "POST /api/v2/ssh-keys", "status": 429, "code": "rate_limited", "message": "slow", "count": 1
        }]}))
        .unwrap(),
    );
    let out = tf.apply();
    let lines = provider_lines(&out.stderr);
    let calls: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("HostUp API call"))
        .collect();
    let create = calls
        .iter()
        .find(|l| l.contains("method=POST") && l.contains("status=201"))
        .unwrap_or_else(|| panic!("no logged create in:\n{}", lines.join("\n")));
    assert!(
        create.contains("[DEBUG]"),
        "parsed by Terraform at its level: {create}"
    );
    for field in [
        "path=/api/v2/ssh-keys",
        "duration_ms=",
        "request_id=req_",
        "attempt=2",
    ] {
        assert!(create.contains(field), "{field} missing in {create}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("[WARN]") && l.contains("retrying HostUp API call")),
        "retry logged:\n{}",
        lines.join("\n")
    );
    // Nagle's algorithm is off on tf-provider's gRPC listener (src/plugin/nodelay.rs), or every
    // call would wait for delayed ACKs; the front (src/plugin/) sets it on its own sockets.
    assert!(
        lines.iter().any(
            |l| l.contains("TCP_NODELAY on the provider's gRPC listener") && l.contains("set=true")
        ),
        "TCP_NODELAY not set:\n{}",
        lines.join("\n")
    );
    // Terraform talks TLS to the plugin front, which passes calls to tf-provider.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("plugin front:") && l.contains("tls=true")),
        "no plugin front:\n{}",
        lines.join("\n")
    );
    let all = out.all();
    assert!(!all.contains(SECRET), "API key in the log");
    for l in &lines {
        assert!(
            !l.contains(&blob),
            "key material in a provider log line: {l}"
        );
    }
}

/// Every API call line lists its fields in one order, whatever the run, and carries one
/// timestamp (Terraform's own, at the start of the line).
#[test]
fn api_call_lines_have_fixed_field_order_and_one_timestamp() {
    let mock = world();
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", SECRET),
        ("TF_LOG", "DEBUG"),
    ]);
    tf.config("data \"hostup_vps_ssh_keys\" \"all\" {}\n");
    let mut orders = std::collections::BTreeSet::new();
    let mut calls = 0;
    for _ in 0..3 {
        let out = tf.apply();
        for l in provider_lines(&out.stderr) {
            if !l.contains("HostUp API call") {
                continue;
            }
            calls += 1;
            assert_eq!(
                l.matches("timestamp").count(),
                0,
                "a field named timestamp: {l}"
            );
            assert_eq!(timestamps(&l), 1, "more than Terraform's timestamp: {l}");
            let rest = l.split("HostUp API call: ").nth(1).unwrap_or_default();
            let keys: Vec<&str> = rest
                .split(' ')
                .filter_map(|kv| kv.split_once('=').map(|(k, _)| k))
                .collect();
            orders.insert(keys.join(","));
        }
    }
    assert!(calls >= 3, "{calls} API call lines");
    assert_eq!(orders.len(), 1, "field orders seen: {orders:?}");
    let order = orders.into_iter().next().unwrap();
    assert!(
        order == "method,path,status,duration_ms,request_id,attempt",
        "{order}"
    );
}

/// How many ISO dates (`2026-12-02T`) a line holds.
fn timestamps(line: &str) -> usize {
    let b = line.as_bytes();
    let shape = b"dddd-dd-ddT";
    (0..b.len().saturating_sub(shape.len() - 1))
        .filter(|&i| {
            shape.iter().enumerate().all(|(j, &c)| match c {
                b'd' => b[i + j].is_ascii_digit(),
                c => b[i + j] == c,
            })
        })
        .count()
}

#[test]
fn quiet_without_tf_log_and_with_tf_log_provider_off() {
    let mock = world();
    for env in [
        vec![],
        vec![("TF_LOG", "DEBUG"), ("TF_LOG_PROVIDER", "OFF")],
    ] {
        let mut vars = vec![
            ("HOSTUP_ENDPOINT", mock.url()),
            ("HOSTUP_API_KEY", SECRET.to_string()),
        ];
        vars.extend(env.iter().map(|(k, v)| (*k, v.to_string())));
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let tf = Tf::with_env(&vars);
        tf.config("data \"hostup_vps_ssh_keys\" \"all\" {}\n");
        let out = tf.apply();
        assert!(
            !out.all().contains("HostUp API call"),
            "{env:?}: {}",
            out.all()
        );
    }
}

#[test]
fn backtraces_never_reach_diagnostics() {
    let mock = world();
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", "wrong-key-value"),
        ("RUST_BACKTRACE", "full"),
    ]);
    tf.config(&key_config(&test_key(2, "")));
    let out = tf.apply_err();
    let text = out.all();
    assert!(text.contains("401"), "{text}");
    for needle in [
        "stack backtrace",
        "backtrace::",
        "rust_begin_unwind",
        ".rs:",
    ] {
        assert!(!text.contains(needle), "{needle} in diagnostics:\n{text}");
    }
}
