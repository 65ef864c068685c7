//! One table of invalid inputs across the provider block, every resource and every data source:
//! each is refused by `terraform plan` with a specific message on the right attribute, and not a
//! single request reaches the API.

use crate::common::*;

/// A valid ed25519 key blob cut short (44 characters: still valid base64).
fn truncated() -> String {
    format!("ssh-ed25519 {}", &ED25519_A_BLOB[..44])
}

/// An ed25519 key blob under the `ssh-rsa` algorithm word.
fn rsa_word_ed25519_data() -> String {
    format!("ssh-rsa {ED25519_A_BLOB}")
}

struct Case {
    what: &'static str,
    hcl: String,
    message: &'static str,
    /// The attribute the diagnostic must point at (its source line is shown).
    attr: &'static str,
}

fn vps_key(name: &str, key: &str) -> String {
    format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name = {}\n  public_key = {}\n}}\n",
        hcl(name),
        hcl(key)
    )
}

fn hosting_key(account: &str, key: &str) -> String {
    format!(
        "resource \"hostup_hosting_ssh_key\" \"k\" {{\n  account_id = {}\n  name = \"k\"\n  public_key = {}\n}}\n",
        hcl(account),
        hcl(key)
    )
}

fn reset(vmid: &str, key_ids: &str) -> String {
    format!(
        "resource \"hostup_vm_ssh_reset\" \"r\" {{\n  vmid = {vmid}\n  key_ids = {key_ids}\n}}\n"
    )
}

fn provider(line: &str) -> String {
    format!(
        "provider \"hostup\" {{\n  {line}\n}}\n\n{}",
        vps_key("ok", ED25519_A)
    )
}

fn cases() -> Vec<Case> {
    let c = |what, hcl: String, message, attr| Case {
        what,
        hcl,
        message,
        attr,
    };
    vec![
        // Provider block.
        c(
            "malformed endpoint",
            provider("endpoint = \"not a url\""),
            "is not a valid URL",
            "endpoint",
        ),
        c(
            "http to a remote host",
            provider("endpoint = \"http://api.example.com\""),
            "plain http to a host that is not loopback",
            "endpoint",
        ),
        c(
            "unsupported scheme",
            provider("endpoint = \"ftp://cloud.hostup.se\""),
            "has the scheme \"ftp\"",
            "endpoint",
        ),
        c(
            "credentials in endpoint",
            provider("endpoint = \"https://u:p@cloud.hostup.se\""),
            "must not contain credentials",
            "endpoint",
        ),
        c(
            "endpoint holding the API's own path",
            provider("endpoint = \"http://127.0.0.1:8080/api\""),
            "includes the API's own path (/api)",
            "endpoint",
        ),
        c(
            "empty api_key",
            provider("api_key = \"\""),
            "`api_key` is set but empty",
            "api_key",
        ),
        c(
            "max_retries out of range",
            provider("max_retries = 500"),
            "must be a whole number from 0 to 50",
            "max_retries",
        ),
        c(
            "max_retries not a whole number",
            provider("max_retries = 1.5"),
            "`max_retries` is 1.5; it must be a whole number from 0 to 50",
            "max_retries",
        ),
        c(
            "negative requests_per_second",
            provider("requests_per_second = -1"),
            "`requests_per_second` is -1; it must be a number of requests per second from 0",
            "requests_per_second",
        ),
        c(
            "huge requests_per_second",
            provider("requests_per_second = 1e300"),
            "it must be a number of requests per second from 0 (no cap) to 1000",
            "requests_per_second",
        ),
        c(
            "bad request_timeout",
            provider("request_timeout = \"soon\""),
            "is not a duration",
            "request_timeout",
        ),
        // hostup_vps_ssh_key.
        c(
            "private key",
            vps_key("k", OPENSSH_PRIVATE),
            "This is a private key, not a public key",
            "public_key",
        ),
        c(
            "truncated base64",
            vps_key("k", &truncated()),
            "truncated or corrupt",
            "public_key",
        ),
        c(
            "not base64",
            vps_key("k", "ssh-ed25519 AAAA$$$$"),
            "not valid base64",
            "public_key",
        ),
        c(
            "unknown key type",
            vps_key("k", "ssh-foo AAAAB3NzaC1yc2E"),
            "\"ssh-foo\" is not a supported SSH public key type",
            "public_key",
        ),
        c(
            "oversized key",
            vps_key("k", &format!("ssh-rsa {}", "A".repeat(9000))),
            "the limit is 8192",
            "public_key",
        ),
        c(
            "two keys in one value",
            vps_key("k", &format!("{ED25519_A}\n{ED25519_A}")),
            "more than one line",
            "public_key",
        ),
        c(
            "RFC 4716 key",
            vps_key(
                "k",
                "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----",
            ),
            "ssh-keygen -i -f",
            "public_key",
        ),
        c(
            "type word from another key",
            vps_key("k", &rsa_word_ed25519_data()),
            "encodes a \"ssh-ed25519\" key",
            "public_key",
        ),
        c(
            "authorized_keys options",
            vps_key("k", &format!("no-pty,command=\"x\" {ED25519_A}")),
            "authorized_keys options",
            "public_key",
        ),
        c(
            "empty name",
            vps_key("", ED25519_A),
            "must not be empty or only whitespace",
            "name",
        ),
        c(
            "whitespace name",
            vps_key(" \t ", ED25519_A),
            "must not be empty or only whitespace",
            "name",
        ),
        c(
            "name with a newline",
            vps_key("a\nb", ED25519_A),
            "contains a control character",
            "name",
        ),
        // hostup_hosting_ssh_key.
        c(
            "hosting account id with a slash",
            hosting_key("acct/1", ED25519_A),
            "no spaces or slashes",
            "account_id",
        ),
        c(
            "PuTTY private key",
            hosting_key(
                "acct_1",
                "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none",
            ),
            "This is a private key",
            "public_key",
        ),
        // hostup_vm_ssh_reset.
        c("vmid 0", reset("0", "[\"ssh_1\"]"), "`vmid` is 0", "vmid"),
        c(
            "vmid not a whole number",
            reset("1.5", "[\"ssh_1\"]"),
            "`vmid` is 1.5; it must be a whole number from 1 to 9223372036854775807",
            "vmid",
        ),
        c(
            "vmid above 64 bits",
            reset("9223372036854775808", "[\"ssh_1\"]"),
            // Terraform 1.0 sends 2^63 as a float, echoed in its shortest form (…776000).
            "; it must be a whole number from 1 to 9223372036854775807",
            "vmid",
        ),
        c(
            "empty key_ids",
            reset("10000", "[]"),
            "`key_ids` is empty",
            "key_ids",
        ),
        c(
            "blank key id",
            reset("10000", "[\" \"]"),
            "contains an empty or blank string",
            "key_ids",
        ),
        // Data sources.
        c(
            "invalid regex",
            "data \"hostup_vps_ssh_keys\" \"d\" {\n  name_regex = \"([\"\n}\n".into(),
            "not a valid regular expression",
            "name_regex",
        ),
        c(
            "unknown key_type filter",
            "data \"hostup_vps_ssh_keys\" \"d\" {\n  key_type = \"rsa2\"\n}\n".into(),
            "`key_type` is \"rsa2\"",
            "key_type",
        ),
        c(
            "two selectors",
            "data \"hostup_vps_ssh_key\" \"d\" {\n  id = \"ssh_1\"\n  name = \"x\"\n}\n".into(),
            "Set exactly one of `id`, `name`, `fingerprint` or `fingerprint_md5`; id and name are set",
            "name",
        ),
        c(
            "MD5 fingerprint",
            "data \"hostup_vps_ssh_key\" \"d\" {\n  fingerprint = \"MD5:aa:bb\"\n}\n".into(),
            "must be an OpenSSH SHA-256 fingerprint",
            "fingerprint",
        ),
        c(
            "blank hosting account",
            "data \"hostup_hosting_ssh_keys\" \"d\" {\n  account_id = \" \"\n}\n".into(),
            "must be a shared-hosting account id",
            "account_id",
        ),
    ]
}

#[test]
fn every_bad_input_is_refused_at_plan_with_no_request() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let cases = cases();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for case in &cases {
        tf.config(&case.hcl);
        let out = tf.run(&["plan", "-input=false", "-no-color"]);
        let text = out.text();
        if out.ok {
            failures.push(format!("{}: plan succeeded", case.what));
        } else if !text.contains(case.message) {
            failures.push(format!(
                "{}: no {:?} in\n{}",
                case.what,
                case.message,
                out.all()
            ));
        } else if text.contains("untagged enum") {
            // A number the provider cannot decode must not fail the whole block.
            failures.push(format!("{}: a decoding failure:\n{}", case.what, out.all()));
        } else if !text.contains(&format!("{} =", case.attr)) {
            failures.push(format!(
                "{}: not on `{}`:\n{}",
                case.what,
                case.attr,
                out.all()
            ));
        }
        assert!(!text.contains("SECRET"), "key material echoed");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(
        mock.requests().len(),
        0,
        "no request reached the API: {:?}",
        mock.requests()
    );
}

#[test]
fn malformed_import_ids_are_explained() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "{}\n{}",
        vps_key("k", ED25519_A),
        hosting_key("acct_1", ED25519_A)
    ));
    for (addr, id, message) in [
        (
            "hostup_vps_ssh_key.k",
            "acct_1/ssh_1",
            "names no key. An import ID is the HostUp id of a VPS SSH key",
        ),
        (
            "hostup_vps_ssh_key.k",
            "ssh 1",
            "names no key. An import ID is the HostUp id of a VPS SSH key",
        ),
        (
            "hostup_hosting_ssh_key.k",
            "ssh_1",
            "names no key. An import ID is accountId/keyId",
        ),
        (
            "hostup_hosting_ssh_key.k",
            "acct_1/ssh_1/x",
            "names no key. An import ID is accountId/keyId",
        ),
    ] {
        let out = tf.import(addr, id);
        assert!(!out.ok, "{addr} {id} imported");
        assert!(out.text().contains(message), "{addr} {id}:\n{}", out.all());
    }
    assert_eq!(mock.requests().len(), 0);
}
