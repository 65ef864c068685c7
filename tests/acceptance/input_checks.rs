//! Input checks that refuse at `terraform validate` (and so at plan), on the attribute's path,
//! before any request: RSA keys too small for sshd (1024 bits only warns), names that are
//! invisible or hold bidi controls, ids that are not one safe URL path segment, and read-only
//! attributes set in the configuration.

use crate::common::*;

/// A real 1024-bit RSA public key from ssh-keygen.
fn rsa_1024_from_ssh_keygen(tf: &Tf) -> String {
    let path = tf.home().join("rsa1024");
    let out = std::process::Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "rsa",
            "-b",
            "1024",
            "-N",
            "",
            "-C",
            "weak@example.com",
            "-f",
        ])
        .arg(&path)
        .output()
        .expect("run ssh-keygen");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(path.with_extension("pub")).expect("read the .pub file")
}

fn vps_key(name: &str, key: &str) -> String {
    format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name       = {}\n  public_key = {}\n}}\n",
        hcl(name),
        hcl(key)
    )
}

fn hosting_key(account: &str, name: &str, key: &str) -> String {
    format!(
        "resource \"hostup_hosting_ssh_key\" \"k\" {{\n  account_id = {}\n  name       = {}\n  public_key = {}\n}}\n",
        hcl(account),
        hcl(name),
        hcl(key)
    )
}

fn reset(key_ids: &str, extra: &str) -> String {
    format!(
        "resource \"hostup_vm_ssh_reset\" \"r\" {{\n  vmid    = 10000\n  key_ids = {key_ids}\n{extra}}}\n"
    )
}

/// `terraform validate` of `hcl` fails with `message`, on the line that sets `attr`.
fn refused(tf: &Tf, what: &str, hcl: &str, message: &str, attr: &str) -> Option<String> {
    tf.config(hcl);
    let out = tf.run(&["validate", "-no-color"]);
    let text = out.text();
    if out.ok {
        return Some(format!("{what}: validate succeeded:\n{}", out.all()));
    }
    for never in ["Internal error", "decode", "untagged enum", "panicked"] {
        if text.contains(never) {
            return Some(format!("{what}: {never:?} in\n{}", out.all()));
        }
    }
    if !text.contains(message) {
        return Some(format!("{what}: no {message:?} in\n{}", out.all()));
    }
    if !text.contains(&format!("{attr} =")) {
        return Some(format!("{what}: not on `{attr}`:\n{}", out.all()));
    }
    None
}

fn assert_all_refused(cases: &[(&str, String, &str, &str)]) {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(what, hcl, message, attr)| refused(&tf, what, hcl, message, attr))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

#[test]
fn rsa_keys_under_1024_bits_are_refused() {
    let tiny = rsa_of_bits(16);
    let just_under = rsa_of_bits(1023);
    assert_all_refused(&[
        (
            "16-bit RSA key",
            vps_key("k", &tiny),
            "The RSA key has 16 bits; sshd refuses RSA keys under 1024 bits",
            "public_key",
        ),
        (
            "1023-bit RSA key",
            vps_key("k", &just_under),
            "The RSA key has 1023 bits",
            "public_key",
        ),
        (
            "16-bit RSA key on a hosting account",
            hosting_key("acct_1", "k", &tiny),
            "sshd refuses RSA keys under 1024 bits",
            "public_key",
        ),
    ]);
}

#[test]
fn functions_refuse_rsa_keys_under_1024_bits() {
    if !cli().has_functions() {
        variant("input_checks", "no provider functions in this CLI");
        return;
    }
    let tf = Tf::with_env(&[]);
    let tiny = rsa_of_bits(16);
    tf.config(&format!(
        "output \"fp\" {{\n  value = provider::hostup::ssh_fingerprint({})\n}}\n\
         output \"facts\" {{\n  value = provider::hostup::ssh_public_key({})\n}}\n",
        hcl(&tiny),
        hcl(&tiny)
    ));
    let out = tf.plan_err();
    let text = out.text();
    for (what, count) in [
        (
            "Invalid value for \"public_key\" parameter: RSA key too small",
            2,
        ),
        (
            "The RSA key has 16 bits; sshd refuses RSA keys under 1024 bits",
            2,
        ),
    ] {
        assert_eq!(text.matches(what).count(), count, "{what}:\n{}", out.all());
    }
}

#[test]
fn a_1024_bit_rsa_key_warns_and_is_created() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let key = rsa_1024_from_ssh_keygen(&tf);
    tf.config(&vps_key("weak", &key));
    let out = tf.run(&["validate", "-no-color"]);
    assert!(out.ok, "{}", out.all());
    let text = out.text();
    assert_eq!(
        text.matches("Warning: Weak SSH key").count(),
        1,
        "{}",
        out.all()
    );
    assert!(text.contains("This is a 1024-bit RSA key"), "{}", out.all());
    assert!(
        text.contains("public_key ="),
        "on the attribute:\n{}",
        out.all()
    );
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());

    let out = tf.apply();
    assert!(out.text().contains("Weak SSH key"), "{}", out.all());
    let keys = mock.vps_keys();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "weak");
    assert_eq!(tf.values("hostup_vps_ssh_key.k")["key_type"], "rsa");
}

#[test]
fn invisible_names_and_bidi_controls_are_refused() {
    assert_all_refused(&[
        (
            "zero width space",
            vps_key("\u{200b}", ED25519_A),
            "U+200B (ZERO WIDTH SPACE) at position 1",
            "name",
        ),
        (
            "word joiners",
            vps_key("\u{2060}\u{2060}", ED25519_A),
            "made only of invisible or format characters",
            "name",
        ),
        (
            "byte order mark",
            hosting_key("acct_1", "\u{feff}", ED25519_A),
            "U+FEFF",
            "name",
        ),
        (
            "right-to-left override",
            vps_key("a\u{202e}gnp.exe", ED25519_A),
            "U+202E (RIGHT-TO-LEFT OVERRIDE) at position 2",
            "name",
        ),
        (
            "first strong isolate",
            hosting_key("acct_1", "deploy\u{2068}", ED25519_A),
            "U+2068 (FIRST STRONG ISOLATE) at position 7",
            "name",
        ),
    ]);
}

#[test]
fn ids_that_are_not_one_path_segment_are_refused() {
    let hosting_list = |a: &str| {
        format!(
            "data \"hostup_hosting_ssh_keys\" \"d\" {{\n  account_id = {}\n}}\n",
            hcl(a)
        )
    };
    assert_all_refused(&[
        (
            "account_id .",
            hosting_key(".", "k", ED25519_A),
            "`account_id` is \".\"",
            "account_id",
        ),
        (
            "account_id ..",
            hosting_key("..", "k", ED25519_A),
            "`account_id` is \"..\"",
            "account_id",
        ),
        (
            "account_id with NUL",
            hosting_key("acct\u{0}1", "k", ED25519_A),
            "a control character",
            "account_id",
        ),
        (
            "data source account_id ..",
            hosting_list(".."),
            "`account_id` is \"..\"",
            "account_id",
        ),
        (
            "key id .",
            reset("[\".\"]", ""),
            "`key_ids` holds \".\"",
            "key_ids",
        ),
        (
            "key id ..",
            reset("[\"ssh_1\", \"..\"]", ""),
            "`key_ids` holds \"..\"",
            "key_ids",
        ),
        (
            "key id with a slash",
            reset("[\"ssh_1/x\"]", ""),
            "a slash",
            "key_ids",
        ),
    ]);
}

#[test]
fn import_ids_that_are_not_one_path_segment_are_refused() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "{}\n{}",
        vps_key("k", ED25519_A),
        hosting_key("acct_1", "k", ED25519_A)
    ));
    for (addr, id) in [
        ("hostup_vps_ssh_key.k", "."),
        ("hostup_vps_ssh_key.k", ".."),
        ("hostup_vps_ssh_key.k", "ssh\u{1}1"),
        ("hostup_hosting_ssh_key.k", "./ssh_1"),
        ("hostup_hosting_ssh_key.k", "../ssh_1"),
        ("hostup_hosting_ssh_key.k", "acct_1/.."),
        ("hostup_hosting_ssh_key.k", "acct\u{1}/ssh_1"),
    ] {
        let out = tf.import(addr, id);
        assert!(!out.ok, "{addr} {id:?} imported");
        assert!(
            out.text().contains("Invalid import ID"),
            "{addr} {id:?}:\n{}",
            out.all()
        );
    }
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

#[test]
fn read_only_attributes_set_in_configuration_are_refused() {
    let data = |body: &str| format!("data {body}\n");
    assert_all_refused(&[
        (
            "vps key fingerprint",
            vps_key("k", ED25519_A).replace("}\n", "  fingerprint = \"x\"\n}\n"),
            "`fingerprint` is read-only",
            "fingerprint",
        ),
        (
            "vps key id",
            vps_key("k", ED25519_A).replace("}\n", "  id = \"ssh_1\"\n}\n"),
            "`id` is read-only",
            "id",
        ),
        (
            "hosting key bits",
            hosting_key("acct_1", "k", ED25519_A).replace("}\n", "  bits = 256\n}\n"),
            "`bits` is read-only",
            "bits",
        ),
        (
            "reset key_count",
            reset("[\"ssh_1\"]", "  key_count = 5\n"),
            "`key_count` is read-only",
            "key_count",
        ),
        (
            "vps key data source key_type",
            data("\"hostup_vps_ssh_key\" \"d\" {\n  id       = \"ssh_1\"\n  key_type = \"rsa\"\n}"),
            "`key_type` is read-only",
            "key_type",
        ),
        (
            "vps keys data source keys",
            data("\"hostup_vps_ssh_keys\" \"d\" {\n  keys = []\n}"),
            "`keys` is read-only",
            "keys",
        ),
        (
            "hosting keys data source can_add",
            data("\"hostup_hosting_ssh_keys\" \"d\" {\n  account_id = \"acct_1\"\n  can_add    = true\n}"),
            "`can_add` is read-only",
            "can_add",
        ),
    ]);
}
