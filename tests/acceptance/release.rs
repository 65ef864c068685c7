//! Release artefacts and the local install: scripts/release.sh packages the provider as a
//! registry would serve it (zip, SHA256SUMS, manifest, signature), and scripts/install-local.sh
//! puts it where a plain `terraform init` finds it — no dev_overrides.

use crate::common::*;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::path::Path;
use std::process::Command;

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!("{}_{arch}", std::env::consts::OS)
}

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn script(name: &str, args: &[&str], env: &[(String, String)]) -> std::process::Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new("bash");
    cmd.arg(root.join("scripts").join(name)).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run script");
    assert!(
        out.status.success(),
        "{name} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A throwaway GPG home with one unprotected signing key; returns (GNUPGHOME, key id).
fn gpg_home(dir: &Path) -> (String, String) {
    let home = dir.join("gnupg");
    std::fs::create_dir_all(&home).unwrap();
    let home_s = home.display().to_string();
    let gen = Command::new("gpg")
        .args([
            "--batch",
            "--passphrase",
            "",
            "--quick-generate-key",
            "Release Test <release@example.com>",
            "ed25519",
            "sign",
            "never",
        ])
        .env("GNUPGHOME", &home_s)
        .output()
        .expect("gpg (install gnupg: scripts/test.sh does)");
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    (home_s, "release@example.com".to_string())
}

#[test]
fn release_artefacts_and_plain_terraform_init_from_a_local_mirror() {
    let mock = MockServer::start(Seed::default());
    // No dev_overrides: an empty CLI config and a private HOME.
    let tf = Tf::with_cli_config(
        "",
        &[
            ("HOSTUP_ENDPOINT", mock.url().as_str()),
            ("HOSTUP_API_KEY", TOKEN),
        ],
    );
    let dist = tf.dir.join("dist");
    let (gnupg, key) = gpg_home(&tf.dir);
    let mut env: Vec<(String, String)> = tf.env().to_vec();
    env.push(("GNUPGHOME".into(), gnupg.clone()));
    let provider = provider_bin().display().to_string();
    script(
        "release.sh",
        &[
            "--binary",
            &provider,
            "--out",
            &dist.display().to_string(),
            "--gpg-key",
            &key,
        ],
        &env,
    );

    let name = format!("terraform-provider-hostup_{}", version());
    let zip_name = format!("{name}_{}.zip", platform());
    let mut files: Vec<String> = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want = vec![
        zip_name.clone(),
        format!("{name}_SHA256SUMS"),
        format!("{name}_SHA256SUMS.sig"),
        format!("{name}_manifest.json"),
    ];
    want.sort();
    assert_eq!(files, want);

    // SHA256SUMS covers the zip and the manifest, with the right hashes.
    let sums = std::fs::read_to_string(dist.join(format!("{name}_SHA256SUMS"))).unwrap();
    let zip = std::fs::read(dist.join(&zip_name)).unwrap();
    let manifest = std::fs::read(dist.join(format!("{name}_manifest.json"))).unwrap();
    assert!(
        sums.contains(&format!("{}  {zip_name}", sha256_hex(&zip))),
        "{sums}"
    );
    assert!(
        sums.contains(&format!("{}  {name}_manifest.json", sha256_hex(&manifest))),
        "{sums}"
    );
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    assert_eq!(
        manifest["metadata"]["protocol_versions"],
        serde_json::json!(["6.0"])
    );

    // The signature verifies.
    let verify = Command::new("gpg")
        .args(["--batch", "--verify"])
        .arg(dist.join(format!("{name}_SHA256SUMS.sig")))
        .arg(dist.join(format!("{name}_SHA256SUMS")))
        .env("GNUPGHOME", &gnupg)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );

    // The zip holds exactly terraform-provider-hostup_v<version>, executable.
    let list = Command::new("python3")
        .args([
            "-c",
            "import sys,zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(i.filename, oct(i.external_attr >> 16))",
        ])
        .arg(dist.join(&zip_name))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&list.stdout).trim(),
        format!("terraform-provider-hostup_v{} 0o100755", version())
    );

    // Install into the implied local mirror of this HOME, then a plain init with a version
    // constraint.
    script(
        "install-local.sh",
        &["--dist", &dist.display().to_string()],
        &env,
    );
    tf.config_raw(&format!(
        "terraform {{\n  required_providers {{\n    hostup = {{\n      source  = \"hostup/hostup\"\n      version = \"~> {}\"\n    }}\n  }}\n}}\n\nresource \"hostup_vps_ssh_key\" \"k\" {{\n  name       = \"installed\"\n  public_key = {}\n}}\n",
        version(),
        hcl(ED25519_A)
    ));
    let init = tf.run(&["init", "-input=false", "-no-color"]);
    assert!(init.ok, "init failed:\n{}", init.all());
    assert!(
        init.all()
            .contains(&format!("Installed hostup/hostup v{}", version())),
        "{}",
        init.all()
    );

    // The lock file pins the version with the hash Terraform computes from the zip's contents.
    let lock = std::fs::read_to_string(tf.dir.join(".terraform.lock.hcl")).unwrap();
    let binary = std::fs::read(provider_bin()).unwrap();
    let summary = format!(
        "{}  terraform-provider-hostup_v{}\n",
        sha256_hex(&binary),
        version()
    );
    let h1 =
        STANDARD.encode(ring::digest::digest(&ring::digest::SHA256, summary.as_bytes()).as_ref());
    assert!(
        lock.contains(&format!("version     = \"{}\"", version())),
        "{lock}"
    );
    assert!(
        lock.contains(&format!("\"h1:{h1}\"")),
        "h1 hash missing or wrong:\n{lock}"
    );

    tf.apply();
    assert_eq!(mock.vps_keys().len(), 1);
    assert!(tf.plan().changed().is_empty());
    tf.destroy();
    assert!(mock.vps_keys().is_empty());
}
