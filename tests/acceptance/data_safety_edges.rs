//! Data safety, continued: API keys with whitespace or control characters, an
//! unreachable API shares one retry window, and the rough edges: PEM public keys, defects of a
//! key line, `triggers = {}`, a hosting account that is gone, and importing a reset. Whole
//! numbers are in `bad_input`'s table.

use crate::common::*;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::time::{Duration, Instant};

const ACCOUNT: &str = hostup_mock::fixtures::HOSTING_ACCOUNT_ID;

fn vps_key(public_key: &str) -> String {
    named_key("k", public_key)
}

fn named_key(name: &str, public_key: &str) -> String {
    format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name       = {}\n  public_key = {}\n}}\n",
        hcl(name),
        hcl(public_key)
    )
}

fn hosting_key(public_key: &str) -> String {
    format!(
        "resource \"hostup_hosting_ssh_key\" \"deploy\" {{\n  account_id = \"{ACCOUNT}\"\n  name       = \"deploy\"\n  public_key = {}\n}}\n",
        hcl(public_key)
    )
}

// ---- 8. API keys with whitespace or control characters ---------------------------------------

#[test]
fn api_key_with_a_trailing_newline_works() {
    let mock = MockServer::start(Seed::default());
    // In the provider block, as `api_key = file("token")` gives it.
    let tf = Tf::with_env(&[]);
    tf.config(&format!(
        "provider \"hostup\" {{\n  endpoint = \"{}\"\n  api_key  = \"{TOKEN}\\n\"\n}}\n\n{}",
        mock.url(),
        named_key("from-hcl", &test_key(6, ""))
    ));
    tf.apply();
    assert!(tf.plan().changed().is_empty());
    // In HOSTUP_API_KEY, as `export HOSTUP_API_KEY="$(cat token; echo)"` gives it.
    let with_newline = format!("{TOKEN}\n");
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", with_newline.as_str()),
    ]);
    tf.config(&named_key("from-env", &test_key(7, "")));
    tf.apply();
    let mut names: Vec<String> = mock.vps_keys().into_iter().map(|k| k.name).collect();
    names.sort();
    assert_eq!(names, ["from-env", "from-hcl"]);
    assert!(mock.requests().iter().all(|r| r.status < 400));
}

#[test]
fn api_key_with_a_control_character_is_refused_before_any_request() {
    let mock = MockServer::start(Seed::default());
    let key = vps_key(&test_key(8, ""));
    for (what, literal) in [("BEL", "mock\\u0007token"), ("newline", "mock\\ntoken")] {
        let tf = Tf::with_env(&[]);
        tf.config(&format!(
            "provider \"hostup\" {{\n  endpoint = \"{}\"\n  api_key  = \"{literal}\"\n}}\n\n{key}",
            mock.url()
        ));
        let out = tf.plan_err();
        let text = out.text();
        for needle in ["Invalid API key", "control character", "api_key ="] {
            assert!(
                text.contains(needle),
                "{what}: no {needle:?}:\n{}",
                out.all()
            );
        }
    }
    for (what, value) in [("BEL", "mock\u{7}token"), ("newline", "mock\ntoken")] {
        let tf = Tf::with_env(&[
            ("HOSTUP_ENDPOINT", mock.url().as_str()),
            ("HOSTUP_API_KEY", value),
        ]);
        tf.config(&key);
        let out = tf.plan_err();
        let text = out.text();
        for needle in ["Invalid API key", "control character", "HOSTUP_API_KEY"] {
            assert!(
                text.contains(needle),
                "env {what}: no {needle:?}:\n{}",
                out.all()
            );
        }
    }
    assert!(
        mock.requests().is_empty(),
        "no request: {:?}",
        mock.requests()
    );
}

// ---- 5. An unreachable API shares one retry window -------------------------------------------

/// `attempt=N` of every "HostUp API call" line (one per HTTP attempt) in a DEBUG provider log.
fn attempts(stderr: &str) -> Vec<u32> {
    stderr
        .lines()
        .filter(|l| l.contains("[DEBUG]") && l.contains("HostUp API call:"))
        .map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("attempt="))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no attempt= in {l}"))
        })
        .collect()
}

#[test]
fn unreachable_api_gives_every_call_one_shared_retry_window() {
    const KEYS: u32 = 20;
    const MAX_RETRIES: u32 = 4;
    const PARALLELISM: usize = 10;
    // A port nothing listens on: every connection is refused, so nothing is ever sent.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", endpoint.as_str()),
        ("HOSTUP_API_KEY", TOKEN),
        ("TF_LOG_PROVIDER", "DEBUG"),
    ]);
    let keys: Vec<String> = (0..KEYS)
        .map(|i| format!("    k{i} = {}", hcl(&test_key(700 + i, ""))))
        .collect();
    // The retry window with max_retries = 4: 0.25 + 0.5 + 1 + 2 = 3.75 s.
    tf.config(&format!(
        "provider \"hostup\" {{\n  max_retries = {MAX_RETRIES}\n}}\n\nlocals {{\n  keys = {{\n{}\n  }}\n}}\n\nresource \"hostup_vps_ssh_key\" \"k\" {{\n  for_each   = local.keys\n  name       = each.key\n  public_key = each.value\n}}\n",
        keys.join("\n")
    ));
    let started = Instant::now();
    let out = tf.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        &format!("-parallelism={PARALLELISM}"),
    ]);
    let elapsed = started.elapsed();
    assert!(!out.ok, "{}", out.all());
    let text = out.text();
    for i in 0..KEYS {
        assert!(
            text.contains(&format!("with hostup_vps_ssh_key.k[\"k{i}\"]")),
            "k{i} did not fail:\n{}",
            out.stdout
        );
    }
    assert!(tf.addresses().is_empty());

    let attempts = attempts(&out.stderr);
    let full = MAX_RETRIES + 1;
    let used_all = attempts.iter().filter(|&&a| a == full).count();
    let gave_up = text
        // The real window, 3.75 s, not the whole seconds of it (which said "0s" for 0.75 s).
        .matches("longer than this run's retry window of 3.8s")
        .count();
    eprintln!(
        "[figures] {KEYS} creates against a closed port, max_retries = {MAX_RETRIES}: {elapsed:?}, \
         {} attempts, {used_all} calls used all {full}, {gave_up} gave up with the shared window",
        attempts.len()
    );
    // Each call alone would retry through its own window: exactly KEYS × (max_retries + 1)
    // attempts, in two waves behind Terraform's parallelism. With one shared window only the
    // first wave can use all its retries; calls still waiting when it closes give up with it.
    assert!(
        used_all <= PARALLELISM,
        "{used_all} calls used all their retries"
    );
    assert!(attempts.len() < (KEYS * full) as usize, "{attempts:?}");
    assert!(
        gave_up >= 1,
        "no call gave up with the shared window:\n{}",
        out.stdout
    );
    // One window is 3.75 s; the bound only catches a run that waits far longer.
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

// ---- PEM public keys and defects of a key line -----------------------------------------------

// `ssh-keygen -e -m PKCS8` and `-m PEM` of a throwaway RSA key, and `-m PKCS8` of an ECDSA key.
const PEM_RSA_PKCS8: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDFOAZtBwDJosvEiFzgSg01Gr63
YOoTqaMC36gVjG2BlSkGVUmaun0U2t4LzDTgFiDTQdEXZI5gQ3mag48/+m2gqXR6
Wo+dqYj2MJuQM0d4RcrAaxtiN5sk0cgSsT6/hz25PcgUmLAZEZMRegMgSyYur11s
Hp7ehWHYqJBLRXa3UwIDAQAB
-----END PUBLIC KEY-----
";
const PEM_RSA: &str = "-----BEGIN RSA PUBLIC KEY-----
MIGJAoGBAMU4Bm0HAMmiy8SIXOBKDTUavrdg6hOpowLfqBWMbYGVKQZVSZq6fRTa
3gvMNOAWINNB0RdkjmBDeZqDjz/6baCpdHpaj52piPYwm5AzR3hFysBrG2I3myTR
yBKxPr+HPbk9yBSYsBkRkxF6AyBLJi6vXWwent6FYdiokEtFdrdTAgMBAAE=
-----END RSA PUBLIC KEY-----
";
const PEM_ECDSA_PKCS8: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEDV8kDwKuI2oI5knbJE1Togij/7p5
RMYcwaae8JmjQw3we5wLBSBwBWVFhnkMsRwoY84Cd1YiZdqInS8JucTVhA==
-----END PUBLIC KEY-----
";

#[test]
fn pem_public_keys_are_named_with_the_conversion() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    for pem in [PEM_RSA_PKCS8, PEM_RSA, PEM_ECDSA_PKCS8] {
        for body in [vps_key(pem), hosting_key(pem)] {
            tf.config(&body);
            let out = tf.plan_err();
            let text = out.text();
            for needle in [
                "Invalid SSH public key",
                "This is a PEM public key",
                "ssh-keygen -i -m PKCS8",
                "public_key =",
            ] {
                assert!(text.contains(needle), "no {needle:?}:\n{}", out.all());
            }
            assert!(
                !text.to_lowercase().contains("private"),
                "a public key called private:\n{}",
                out.all()
            );
        }
    }
    assert!(mock.requests().is_empty());
}

/// An OpenSSH key line from wire-format strings.
fn key_line(algorithm: &str, parts: &[&[u8]], comment: &str) -> String {
    let mut blob = Vec::new();
    for p in parts {
        blob.extend_from_slice(&(p.len() as u32).to_be_bytes());
        blob.extend_from_slice(p);
    }
    format!("{algorithm} {} {comment}", STANDARD.encode(blob))
        .trim_end()
        .to_string()
}

#[test]
fn key_line_defects_each_have_their_own_message() {
    let mut point384 = vec![4u8; 97];
    point384[1] = 1;
    let cases = [
        (
            "nistp256 line, nistp384 key data",
            key_line(
                "ecdsa-sha2-nistp256",
                &[b"ecdsa-sha2-nistp256", b"nistp384", &point384],
                "",
            ),
            "The line says \"ecdsa-sha2-nistp256\" but the key data is on the curve \"nistp384\"",
        ),
        (
            "EC point of the wrong length",
            key_line(
                "ecdsa-sha2-nistp256",
                &[b"ecdsa-sha2-nistp256", b"nistp256", &[4u8; 33]],
                "",
            ),
            "holds a 33-byte point, which is not a valid nistp256 public key",
        ),
        (
            "NUL in the comment",
            test_key(9, "ops\u{0}@example.com"),
            "contains a control character",
        ),
        (
            "ESC in the comment",
            test_key(9, "\u{1b}[31mops@example.com"),
            "contains a control character",
        ),
        (
            "UTF-8 byte order mark",
            format!("\u{feff}{}", test_key(9, "ops@example.com")),
            "starts with a UTF-8 byte order mark",
        ),
    ];
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    for (what, key, message) in &cases {
        tf.config(&vps_key(key));
        let out = tf.plan_err();
        let text = out.text();
        assert!(
            text.contains(message) && text.contains("public_key ="),
            "{what}: no {message:?} on public_key:\n{}",
            out.all()
        );
        for (other, _, other_message) in &cases {
            if other_message != message {
                assert!(!text.contains(other_message), "{what} reads as {other}");
            }
        }
    }
    assert!(mock.requests().is_empty());
}

// ---- triggers = {} and no triggers -----------------------------------------------------------

#[test]
fn empty_triggers_and_no_triggers_plan_no_reset() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let config = |triggers: &str| {
        format!(
            "resource \"hostup_vps_ssh_key\" \"a\" {{\n  name       = \"a\"\n  public_key = {}\n}}\n\nresource \"hostup_vm_ssh_reset\" \"r\" {{\n  vmid    = 10000\n  key_ids = [hostup_vps_ssh_key.a.id]\n  {triggers}\n}}\n",
            hcl(&test_key(10, ""))
        )
    };
    for (first, then) in [("", "triggers = {}"), ("triggers = {}", "")] {
        tf.config(&config(first));
        tf.apply();
        tf.config(&config(then));
        // Terraform wants the configured `{}` or null in the plan, so the state is updated in
        // place; what matters is that no reset (a VM restart) is planned.
        let plan = tf.plan();
        let actions = plan.actions("hostup_vm_ssh_reset.r");
        assert!(
            actions == ["update"] || actions == ["no-op"],
            "{first:?} then {then:?}: {actions:?}"
        );
        tf.apply();
        assert!(
            tf.plan().changed().is_empty(),
            "{first:?} then {then:?}: settled"
        );
        tf.destroy();
    }
    assert_eq!(mock.resets().len(), 2, "one reset per first apply, no more");
}

// ---- A hosting account that is gone ----------------------------------------------------------

#[test]
fn closed_hosting_account_warns_at_plan_and_destroy_forgets_the_key() {
    const DELETE: &str = "DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}";
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&hosting_key(&test_key(11, "")));
    tf.apply();
    let id = mock.hosting_keys(ACCOUNT)[0].id.clone();
    assert!(mock.remove_hosting_account(ACCOUNT));
    mock.clear_requests();

    let out = tf.run(&["plan", "-input=false", "-no-color", "-out=tfplan"]);
    assert!(out.ok, "{}", out.all());
    let text = out.text();
    for needle in [
        &format!("Hosting account {ACCOUNT} does not exist on HostUp"),
        &format!("SSH key {id} is kept in the state"),
    ] {
        assert!(
            text.contains(needle.as_str()),
            "no {needle:?}:\n{}",
            out.all()
        );
    }
    assert!(text.contains("No changes"), "{}", out.all());
    assert_eq!(tf.values("hostup_hosting_ssh_key.deploy")["id"], id);

    tf.destroy();
    assert!(tf.addresses().is_empty());
    // The account's list, read to name the key, answers 404: its keys went with it.
    assert_eq!(mock.count(DELETE), 0, "{:?}", mock.requests());
    let lists: Vec<u16> = mock
        .requests()
        .iter()
        .filter(|r| r.route_key() == "GET /api/v2/shared-hosting/{accountId}/ssh-keys")
        .map(|r| r.status)
        .collect();
    assert!(lists.iter().all(|s| *s == 404), "{lists:?}");
}

// ---- Importing a reset -----------------------------------------------------------------------

#[test]
fn vm_ssh_reset_import_is_explained() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(
        "resource \"hostup_vm_ssh_reset\" \"r\" {\n  vmid    = 10000\n  key_ids = [\"ssh_1\"]\n}\n",
    );
    let out = tf.import("hostup_vm_ssh_reset.r", "10000");
    assert!(!out.ok, "{}", out.all());
    let text = out.text();
    for needle in [
        "hostup_vm_ssh_reset cannot be imported",
        "A reset is an event, not an object HostUp keeps",
        "Declare the resource in the configuration instead",
    ] {
        assert!(text.contains(needle), "no {needle:?}:\n{}", out.all());
    }
    assert!(tf.addresses().is_empty());
    assert!(mock.requests().is_empty());
}
