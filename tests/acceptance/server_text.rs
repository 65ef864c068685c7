//! HostUp is untrusted input: a reply is read only up to a cap, and every text it sends is
//! clipped and stripped of control characters before Terraform shows it. Also the two waits and
//! redirects the provider does not follow, each named in its diagnostic.

use crate::common::*;
use hostup_mock::fixtures::HOSTING_ACCOUNT_ID;
use hostup_mock::{ActionGate, Faults};
use serde_json::json;

const LIST: &str = "GET /api/v2/ssh-keys";
const CREATE: &str = "POST /api/v2/ssh-keys";
/// What a terminal would act on: colours, clear screen, an OSC 8 hyperlink ended by BEL, a C1
/// CSI, and a right-to-left override that reorders what follows.
const NASTY: &str =
    "\u{1b}[31mred\u{1b}[2J\u{1b}]8;;https://evil.example\u{7}link\u{9b}1m\u{202e}gnp.exe";

fn faults(v: serde_json::Value) -> Faults {
    serde_json::from_value(v).expect("faults")
}

fn key_config(name: &str) -> String {
    format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name       = \"{name}\"\n  public_key = {}\n}}\n",
        hcl(&test_key(40, ""))
    )
}

/// None of the server's control sequences in `out`. Terraform colours its own output unless
/// `-no-color`, so with colours only the sequences it never writes are looked for.
fn assert_clean(out: &Out, colored: bool) {
    let all = out.all();
    let mut banned = vec!["\u{7}", "\u{9b}", "\u{202e}", "\u{1b}]", "\u{1b}[2J"];
    if !colored {
        banned.push("\u{1b}");
    }
    for b in banned {
        assert!(
            !all.contains(b),
            "{b:?} reached Terraform's output:\n{all:?}"
        );
    }
}

#[test]
fn a_huge_reply_fails_refresh_briefly_and_keeps_the_state() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&key_config("k"));
    tf.apply();
    let id = tf.values("hostup_vps_ssh_key.k")["id"].clone();
    mock.clear_requests();
    mock.set_faults(faults(json!({"brokenReplies": [
        {"route": LIST, "shape": "hugeString", "count": 100}
    ]})));
    let out = tf.run(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ]);
    assert!(
        !out.ok,
        "refresh succeeded on a 32 MiB reply:\n{}",
        out.all()
    );
    assert!(
        out.all().len() < 20_000,
        "{} bytes of output",
        out.all().len()
    );
    assert!(out.text().contains("longer than 8 MiB"), "{}", out.all());
    assert_eq!(mock.count(LIST), 1, "a contract breach is not retried");
    mock.set_faults(Faults::default());
    assert_eq!(
        tf.values("hostup_vps_ssh_key.k")["id"],
        id,
        "the key stays in the state"
    );
}

#[test]
fn a_huge_create_reply_is_settled_by_the_inventory() {
    let mock = MockServer::start(Seed::default());
    // The create's reply is not read past the cap, so its outcome is unknown: the inventory is
    // read again, and it says nothing was made (the broken shape carries nothing out). A reply
    // that breaks the contract is not resent: the create fails, with no key and no duplicate.
    mock.set_faults(faults(json!({"brokenReplies": [
        {"route": CREATE, "shape": "hugeString", "count": 1}
    ]})));
    let tf = Tf::new(&mock);
    tf.config(&key_config("k"));
    let out = tf.apply_err();
    assert!(
        out.all().len() < 20_000,
        "{} bytes of output",
        out.all().len()
    );
    assert!(out.text().contains("longer than 8 MiB"), "{}", out.all());
    assert_eq!(mock.count(CREATE), 1);
    assert_eq!(
        mock.count(LIST),
        2,
        "read before the create and again to settle it"
    );
    assert!(mock.vps_keys().is_empty());
}

#[test]
fn a_300_kb_detail_is_clipped() {
    let mock = MockServer::start(Seed::default());
    let long = "x".repeat(300_000);
    mock.set_faults(faults(json!({"forcedErrors": [
        {"route": CREATE, "status": 400, "code": "invalid_request", "message": long, "title": long}
    ]})));
    let tf = Tf::new(&mock);
    tf.config(&key_config("k"));
    let out = tf.apply_err();
    assert!(
        out.all().len() < 20_000,
        "{} bytes of output",
        out.all().len()
    );
    assert!(out.text().contains("xxx…"), "{}", out.all());
    assert!(out.text().contains("invalid_request"), "{}", out.all());
}

#[test]
fn escape_codes_from_hostup_never_reach_terraform_output() {
    let mock = MockServer::start(Seed::default());
    let error = json!({"route": CREATE, "status": 400, "code": format!("bad{NASTY}"),
        "message": format!("detail{NASTY}"), "title": format!("title{NASTY}"),
        "errors": [{"pointer": format!("/name{NASTY}"), "detail": format!("field{NASTY}"),
                    "code": format!("c{NASTY}")}]});
    for colored in [false, true] {
        let mut error = error.clone();
        error["count"] = json!(1);
        mock.set_faults(faults(json!({"forcedErrors": [error]})));
        let tf = Tf::new(&mock);
        tf.config(&key_config("k"));
        let mut args = vec!["apply", "-auto-approve", "-input=false"];
        if !colored {
            args.push("-no-color");
        }
        let out = tf.run(&args);
        assert!(!out.ok);
        assert!(out.all().contains("detail"), "{}", out.all());
        assert_clean(&out, colored);
    }
    // Gate reasons and codes: a rename HostUp refuses, a hosting account closed to new keys.
    mock.set_faults(Faults::default());
    let tf = Tf::new(&mock);
    tf.config(&key_config("k"));
    tf.apply();
    let id = tf.values("hostup_vps_ssh_key.k")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let shut = ActionGate {
        allowed: false,
        reason: Some(format!("reason{NASTY}")),
        code: Some(format!("code{NASTY}")),
    };
    mock.set_vps_key_actions(
        &id,
        shut.clone(),
        ActionGate {
            allowed: true,
            reason: None,
            code: None,
        },
    );
    mock.set_can_add(HOSTING_ACCOUNT_ID, shut);
    tf.config(&format!(
        "{}\nresource \"hostup_hosting_ssh_key\" \"h\" {{\n  account_id = \"{HOSTING_ACCOUNT_ID}\"\n  name       = \"h\"\n  public_key = {}\n}}\n",
        key_config("renamed"),
        hcl(&test_key(41, ""))
    ));
    for colored in [false, true] {
        let mut args = vec!["apply", "-auto-approve", "-input=false"];
        if !colored {
            args.push("-no-color");
        }
        let out = tf.run(&args);
        assert!(!out.ok);
        // Terraform's colour codes would split the text searched.
        if !colored {
            let text = out.text();
            assert!(text.contains("cannot be renamed: reason"), "{}", out.all());
            assert!(
                text.contains("does not accept new SSH keys: reason"),
                "{}",
                out.all()
            );
        }
        assert_clean(&out, colored);
    }
}

#[test]
fn a_retry_after_past_the_deadline_names_the_wait() {
    let mock = MockServer::start(Seed::default());
    mock.set_faults(faults(json!({"retryAfterSecs": 999_999, "forcedErrors": [
        {"route": LIST, "status": 429, "count": 100}
    ]})));
    let tf = Tf::new(&mock);
    tf.config("data \"hostup_vps_ssh_keys\" \"all\" {}\n");
    let out = tf.plan_err();
    let text = out.text();
    assert!(text.contains("asked to wait 999999s"), "{}", out.all());
    assert!(text.contains("retry_deadline"), "{}", out.all());
    assert!(
        !text.contains("after every retry"),
        "no retry was made:\n{}",
        out.all()
    );
    assert_eq!(mock.count(LIST), 1, "no retry was made");
}

#[test]
fn a_redirect_names_its_location() {
    let mock = MockServer::start(Seed::default());
    mock.set_faults(faults(json!({"forcedErrors": [
        {"route": LIST, "status": 301, "location": "https://api2.hostup.example/api", "count": 100}
    ]})));
    let tf = Tf::new(&mock);
    tf.config("data \"hostup_vps_ssh_keys\" \"all\" {}\n");
    let out = tf.plan_err();
    let text = out.text();
    assert!(
        text.contains("HostUp answered 301 and points to \"https://api2.hostup.example/api\""),
        "{}",
        out.all()
    );
    assert!(
        text.contains("Set `endpoint` to that server"),
        "{}",
        out.all()
    );
    assert_eq!(
        mock.count(LIST),
        1,
        "a redirect is neither followed nor retried"
    );
}
