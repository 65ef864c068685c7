//! The provider-defined functions through the real CLI. With Terraform ≥ 1.8 (OpenTofu ≥ 1.7):
//! their results, and their refusals as errors on the argument. With an older CLI, which has no
//! provider functions: that the provider, whose schema now lists functions, still works, and
//! that the CLI itself refuses the call syntax.

use crate::common::*;
use serde_json::{json, Value};

fn output_config(outputs: &[(&str, String)]) -> String {
    outputs
        .iter()
        .map(|(name, expr)| format!("output \"{name}\" {{\n  value = {expr}\n}}\n"))
        .collect()
}

fn outputs(tf: &Tf) -> Value {
    let out = tf.run(&["output", "-json"]);
    assert!(out.ok, "output failed:\n{}", out.all());
    let json: Value = serde_json::from_str(&out.stdout).expect("outputs JSON");
    json.as_object()
        .expect("outputs object")
        .iter()
        .map(|(k, v)| (k.clone(), v["value"].clone()))
        .collect()
}

#[test]
fn functions_derive_what_the_resources_do_and_refuse_bad_keys() {
    if !cli().has_functions() {
        older_cli_still_works();
        return;
    }
    variant(
        "functions",
        "provider functions called: results and refusals",
    );
    // No API key, no endpoint: the functions need no API.
    let tf = Tf::with_env(&[]);
    let bare = ED25519_A.rsplit_once(' ').unwrap().0;
    tf.config(&output_config(&[
        // As file() gives it: trailing newline.
        (
            "fp",
            format!(
                "provider::hostup::ssh_fingerprint({})",
                hcl(&format!("{ED25519_A}\n"))
            ),
        ),
        (
            "facts",
            format!(
                "provider::hostup::ssh_public_key({})",
                hcl(&format!("{ED25519_A}\n"))
            ),
        ),
        (
            "bare",
            format!("provider::hostup::ssh_public_key({})", hcl(bare)),
        ),
        (
            "spaced",
            format!(
                "provider::hostup::ssh_public_key({})",
                hcl(&format!(
                    " \t{}\t  long   comment \r\n",
                    bare.replacen(' ', "   ", 1)
                ))
            ),
        ),
    ]));
    tf.apply();
    let out = outputs(&tf);
    assert_eq!(out["fp"], json!(ED25519_A_FP));
    assert_eq!(
        out["facts"],
        json!({
            "algorithm": "ssh-ed25519",
            "key_type": "ed25519",
            "bits": 256,
            "comment": "ops@example.com",
            "fingerprint": ED25519_A_FP,
            "fingerprint_md5": ED25519_A_MD5,
            "normalized": bare,
        })
    );
    assert_eq!(out["bare"]["comment"], Value::Null, "no comment is null");
    assert_eq!(out["bare"]["normalized"], json!(bare));
    assert_eq!(out["spaced"]["fingerprint"], json!(ED25519_A_FP));
    assert_eq!(out["spaced"]["comment"], json!("long   comment"));
    assert_eq!(out["spaced"]["normalized"], json!(bare));

    // Each refusal is an error on the argument, with the resources' message.
    let secret =
        "-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETSECRET\n-----END OPENSSH PRIVATE KEY-----\n";
    let cases = [
        ("ssh-ed25519 not*base64", "The key data is not valid base64"),
        (secret, "Private key given where a public key is expected"),
        ("", "The public key is empty"),
        (
            &format!("{bare}\n{bare}"),
            "The value holds more than one line",
        ),
        (
            &bare.replacen("ssh-ed25519", "ssh-rsa", 1),
            "the key data encodes a \"ssh-ed25519\" key",
        ),
        (
            "ssh-foo AAAA",
            "\"ssh-foo\" is not a supported SSH public key type",
        ),
    ];
    let config: Vec<(String, String)> = cases
        .iter()
        .enumerate()
        .map(|(i, (key, _))| {
            let f = ["ssh_fingerprint", "ssh_public_key"][i % 2];
            (
                format!("bad{i}"),
                format!("provider::hostup::{f}({})", hcl(key)),
            )
        })
        .collect();
    let config: Vec<(&str, String)> = config
        .iter()
        .map(|(n, e)| (n.as_str(), e.clone()))
        .collect();
    tf.config(&output_config(&config));
    let out = tf.plan_err();
    let text = out.text();
    assert_eq!(
        text.matches("Invalid value for \"public_key\" parameter:")
            .count(),
        cases.len(),
        "one error on the argument per bad key:\n{}",
        out.all()
    );
    for (_, message) in cases {
        assert!(
            text.contains(message),
            "{message:?} missing:\n{}",
            out.all()
        );
    }
    // Terraform ends the message with a full stop of its own.
    for never in [
        "decode",
        "msgpack",
        "MessagePack",
        "Provider Bug",
        "altered..",
    ] {
        assert!(!text.contains(never), "{never:?} in:\n{}", out.all());
    }
    // Terraform quotes the configuration; the provider's message never echoes the key.
    let refusal = text.split(cases[1].1).nth(1).expect("private key refusal");
    let refusal = refusal.split("Error:").next().unwrap_or_default();
    assert!(!refusal.contains("SECRETSECRET"), "{refusal}");
}

/// Before Terraform 1.8 / OpenTofu 1.7: the provider's schema (which lists functions the CLI
/// does not know) is read, a configuration without functions validates and plans, and one that
/// calls a function is refused by the CLI's own parser, not by the provider.
fn older_cli_still_works() {
    variant(
        "functions",
        "no provider functions in this CLI: checked that it reads the provider's schema, \
         plans without functions, and refuses a function call itself",
    );
    let schema = provider_schema();
    assert!(
        schema["resource_schemas"]["hostup_vps_ssh_key"].is_object(),
        "{schema}"
    );
    assert!(schema.get("functions").is_none(), "{schema}");

    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let resource = format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name       = \"k\"\n  public_key = {}\n}}\n",
        hcl(ED25519_A)
    );
    tf.config(&resource);
    let out = tf.run(&["validate", "-no-color"]);
    assert!(out.ok, "validate failed:\n{}", out.all());
    let plan = tf.plan();
    assert_eq!(plan.actions("hostup_vps_ssh_key.k"), ["create"]);
    assert_eq!(
        plan.after("hostup_vps_ssh_key.k")["fingerprint_md5"],
        json!(ED25519_A_MD5)
    );

    tf.config(&format!(
        "{resource}{}",
        output_config(&[(
            "fp",
            format!("provider::hostup::ssh_fingerprint({})", hcl(ED25519_A)),
        )])
    ));
    let out = tf.run(&["validate", "-no-color"]);
    assert!(
        !out.ok,
        "an old CLI accepted a function call:\n{}",
        out.all()
    );
    assert!(
        out.text().contains("Missing newline after argument"),
        "the CLI's parser refuses the call:\n{}",
        out.all()
    );
    assert_eq!(mock.write_count(), 0);
}
