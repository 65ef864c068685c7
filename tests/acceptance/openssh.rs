//! Checked against OpenSSH itself: keys of every type `ssh-keygen` makes here (Ed25519, RSA 2048
//! and 4096, ECDSA P-256/384/521, DSA; the `-sk` types need a FIDO authenticator), and what
//! `ssh-keygen -l -E sha256|md5` says of them, against the crate's key module, the resources'
//! `fingerprint`, `fingerprint_md5` and `bits` at plan time and after apply, the data sources,
//! and the provider functions (Terraform ≥ 1.8).
//!
//! `ssh-keygen` comes from Debian's `openssh-client`, which scripts/test.sh installs; without it
//! these tests fail.

use crate::common::*;
use hostup::ssh_key::PublicKey;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

const ACCOUNT: &str = "acct_01hxa3b4c5d6e7f8g9h0j1k2m3";

/// A key made by `ssh-keygen`, and what `ssh-keygen -l` prints of it.
#[derive(Debug)]
struct Made {
    label: &'static str,
    /// The `.pub` file's contents, newline included.
    line: String,
    bits: u64,
    sha256: String,
    /// Colon hex, without `ssh-keygen`'s `MD5:` prefix.
    md5: String,
    /// The type `ssh-keygen -l` ends with, lower case: `ed25519`, `rsa`, `ecdsa`, `dsa`.
    family: String,
}

fn ssh_keygen(args: &[&str]) -> String {
    let out = Command::new("ssh-keygen")
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run ssh-keygen ({e}): install Debian's openssh-client (scripts/test.sh \
                 does)"
            )
        });
    assert!(
        out.status.success(),
        "ssh-keygen {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Bits, fingerprint and type of `<bits> <fingerprint> <comment> (<TYPE>)`, as
/// `ssh-keygen -l -E <hash>` prints it.
fn listed(path: &str, hash: &str) -> (u64, String, String) {
    let out = ssh_keygen(&["-l", "-E", hash, "-f", path]);
    let words: Vec<&str> = out.split_whitespace().collect();
    let bits = words.first().and_then(|b| b.parse().ok());
    let family = words
        .last()
        .and_then(|t| t.strip_prefix('(')?.strip_suffix(')'));
    match (bits, words.get(1), family) {
        (Some(b), Some(f), Some(t)) => (b, f.to_string(), t.to_lowercase()),
        _ => panic!("unexpected ssh-keygen -l output: {out:?}"),
    }
}

/// The keys, made once per test run (private halves deleted at once).
fn made() -> &'static [Made] {
    static MADE: OnceLock<Vec<Made>> = OnceLock::new();
    MADE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("openssh-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let kinds: [(&str, &[&str]); 7] = [
            ("ed25519", &["-t", "ed25519"]),
            ("rsa2048", &["-t", "rsa", "-b", "2048"]),
            ("rsa4096", &["-t", "rsa", "-b", "4096"]),
            ("ecdsa256", &["-t", "ecdsa", "-b", "256"]),
            ("ecdsa384", &["-t", "ecdsa", "-b", "384"]),
            ("ecdsa521", &["-t", "ecdsa", "-b", "521"]),
            ("dsa", &["-t", "dsa"]),
        ];
        let made = kinds
            .iter()
            .map(|(label, kind)| {
                let path = dir.join(label);
                let p = path.to_str().unwrap();
                let comment = format!("{label}@openssh");
                let mut args = vec!["-q", "-N", "", "-C", &comment, "-f", p];
                args.extend_from_slice(kind);
                ssh_keygen(&args);
                std::fs::remove_file(&path).unwrap();
                let pub_path = format!("{p}.pub");
                let (bits, sha256, family) = listed(&pub_path, "sha256");
                let (_, md5, _) = listed(&pub_path, "md5");
                Made {
                    label,
                    line: std::fs::read_to_string(&pub_path).unwrap(),
                    bits,
                    sha256,
                    md5: md5.strip_prefix("MD5:").expect("MD5: prefix").to_string(),
                    family,
                }
            })
            .collect();
        let _ = std::fs::remove_dir_all(&dir);
        made
    })
}

#[test]
fn key_module_agrees_with_ssh_keygen() {
    for m in made() {
        let k = PublicKey::parse(&m.line).unwrap_or_else(|e| panic!("{}: {e}", m.label));
        assert_eq!(k.fingerprint(), m.sha256, "{}", m.label);
        assert_eq!(k.fingerprint_md5(), m.md5, "{}", m.label);
        assert_eq!(u64::from(k.bits()), m.bits, "{}", m.label);
        assert_eq!(k.key_type(), m.family, "{}", m.label);
        assert_eq!(Some(k.algorithm()), m.line.split(' ').next(), "{}", m.label);
        assert_eq!(k.comment(), Some(format!("{}@openssh", m.label).as_str()));
    }
}

fn config(with_functions: bool) -> String {
    let mut hcl_text = String::new();
    for m in made() {
        let (label, key) = (m.label, hcl(&m.line));
        hcl_text.push_str(&format!(
            "resource \"hostup_vps_ssh_key\" \"{label}\" {{\n  name       = \"{label}\"\n  \
             public_key = {key}\n}}\n\nresource \"hostup_hosting_ssh_key\" \"{label}\" {{\n  \
             account_id = \"{ACCOUNT}\"\n  name       = \"{label}\"\n  public_key = {key}\n}}\n\n"
        ));
        if with_functions {
            hcl_text.push_str(&format!(
                "output \"{label}\" {{\n  value = {{\n    sha256 = provider::hostup::ssh_fingerprint({key})\n    \
                 facts  = provider::hostup::ssh_public_key({key})\n  }}\n}}\n\n"
            ));
        }
    }
    // The data sources read once every key exists.
    let all = |ty: &str| -> String {
        let refs: Vec<String> = made().iter().map(|m| format!("{ty}.{}", m.label)).collect();
        refs.join(", ")
    };
    hcl_text.push_str(&format!(
        "data \"hostup_vps_ssh_keys\" \"all\" {{\n  depends_on = [{}]\n}}\n\n\
         data \"hostup_hosting_ssh_keys\" \"all\" {{\n  account_id = \"{ACCOUNT}\"\n  \
         depends_on = [{}]\n}}\n",
        all("hostup_vps_ssh_key"),
        all("hostup_hosting_ssh_key")
    ));
    hcl_text
}

/// The element of a data source's `keys` list with this name.
fn listed_key<'v>(data: &'v Value, name: &str) -> &'v Value {
    data["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|k| k["name"] == name)
        .unwrap_or_else(|| panic!("no key {name} in {data}"))
}

#[test]
fn terraform_agrees_with_ssh_keygen() {
    let with_functions = cli().has_functions();
    variant(
        "openssh",
        if with_functions {
            "resources, data sources and functions against ssh-keygen"
        } else {
            "resources and data sources against ssh-keygen; no provider functions in this CLI \
             (tests/acceptance/functions.rs checks what it does instead)"
        },
    );
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&config(with_functions));

    // Known at plan time.
    let plan = tf.plan();
    for m in made() {
        let vps = plan.after(&format!("hostup_vps_ssh_key.{}", m.label));
        assert_eq!(vps["fingerprint"], json!(m.sha256), "{}", m.label);
        assert_eq!(vps["fingerprint_md5"], json!(m.md5), "{}", m.label);
        assert_eq!(vps["key_type"], json!(m.family), "{}", m.label);
        let hosting = plan.after(&format!("hostup_hosting_ssh_key.{}", m.label));
        assert_eq!(hosting["fingerprint"], json!(m.sha256), "{}", m.label);
        assert_eq!(hosting["fingerprint_md5"], json!(m.md5), "{}", m.label);
        assert_eq!(hosting["bits"], json!(m.bits), "{}", m.label);
    }

    tf.apply();
    let vps_all = tf.values("data.hostup_vps_ssh_keys.all");
    let hosting_all = tf.values("data.hostup_hosting_ssh_keys.all");
    let outputs: Value = {
        let out = tf.run(&["output", "-json"]);
        assert!(out.ok, "{}", out.all());
        serde_json::from_str(&out.stdout).unwrap()
    };
    for m in made() {
        let vps = tf.values(&format!("hostup_vps_ssh_key.{}", m.label));
        assert_eq!(
            (&vps["fingerprint"], &vps["fingerprint_md5"]),
            (&json!(m.sha256), &json!(m.md5)),
            "{}",
            m.label
        );
        let listed = listed_key(&vps_all, m.label);
        assert_eq!(listed["fingerprint"], json!(m.sha256), "{}", m.label);
        assert_eq!(listed["fingerprint_md5"], json!(m.md5), "{}", m.label);
        let listed = listed_key(&hosting_all, m.label);
        assert_eq!(listed["fingerprint"], json!(m.sha256), "{}", m.label);
        assert_eq!(listed["fingerprint_md5"], json!(m.md5), "{}", m.label);
        assert_eq!(listed["bits"], json!(m.bits), "{}", m.label);

        if with_functions {
            let out = &outputs[m.label]["value"];
            assert_eq!(out["sha256"], json!(m.sha256), "{}", m.label);
            let facts = &out["facts"];
            assert_eq!(facts["fingerprint"], json!(m.sha256), "{}", m.label);
            assert_eq!(facts["fingerprint_md5"], json!(m.md5), "{}", m.label);
            assert_eq!(facts["bits"], json!(m.bits), "{}", m.label);
            assert_eq!(facts["key_type"], json!(m.family), "{}", m.label);
            assert_eq!(facts["comment"], json!(format!("{}@openssh", m.label)));
            let mut words = m.line.split_whitespace();
            let (algorithm, blob) = (words.next().unwrap(), words.next().unwrap());
            assert_eq!(facts["algorithm"], json!(algorithm), "{}", m.label);
            assert_eq!(facts["normalized"], json!(format!("{algorithm} {blob}")));
        } else {
            assert!(outputs.get(m.label).is_none());
        }
    }
    assert_eq!(mock.vps_keys().len(), made().len());
}
