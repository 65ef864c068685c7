//! The harness of the tests that drive Terraform (tests/acceptance/, tests/docs/,
//! tests/release_checks/, each including this file as `mod common`): the real Terraform (or
//! OpenTofu) CLI, the provider built by cargo wired in through `dev_overrides`, and the mock
//! HostUp API on an ephemeral loopback port.
//!
//! A missing Terraform CLI fails the test (it never skips): CI must run these.

#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

// Each test file uses a different part of the harness.
#[allow(unused_imports)]
pub use hostup_mock::{Leaf, MockServer, Seed};

/// The mock in TLS mode (its own CA, `https://127.0.0.1:PORT`) with the default world,
/// presenting a server certificate of the given kind.
pub fn tls_mock(leaf: Leaf) -> MockServer {
    MockServer::start_tls(Seed::default(), leaf)
}

// The default mock token (all scopes).
#[allow(unused_imports)]
pub use hostup_mock::fixtures::TOKEN;

// The test keys (`ED25519_A` and its fingerprints, `test_key(n, comment)`, ...), shared with the
// mock's tests and the benchmark.
#[allow(unused_imports)]
pub use hostup_testkit::keys::*;

/// Fingerprint of a key line, computed by the crate's own key module.
pub fn fingerprint(key: &str) -> String {
    hostup::ssh_key::PublicKey::parse(key)
        .expect("test key parses")
        .fingerprint()
}

/// The Terraform CLI to drive: `TF_ACC_TERRAFORM_PATH`, else `terraform`, else `tofu` on PATH.
/// None found fails the test: CI must run these, so they never skip.
pub fn terraform_bin() -> PathBuf {
    hostup_testkit::terraform::find_cli().unwrap_or_else(|e| {
        panic!(
            "{e}. The acceptance tests need a Terraform or OpenTofu CLI; scripts/test.sh \
             installs one."
        )
    })
}

/// MD5 fingerprint (colon hex) of a key line, computed by the crate's own key module.
pub fn fingerprint_md5(key: &str) -> String {
    hostup::ssh_key::PublicKey::parse(key)
        .expect("test key parses")
        .fingerprint_md5()
}

/// The CLI under test, as its `version` command names it.
#[derive(Debug, Clone, Copy)]
pub struct Cli {
    pub opentofu: bool,
    pub version: (u32, u32, u32),
}

impl Cli {
    /// Provider-defined functions: Terraform 1.8, OpenTofu 1.7.
    pub fn has_functions(&self) -> bool {
        self.version >= if self.opentofu { (1, 7, 0) } else { (1, 8, 0) }
    }

    /// `import {}` blocks and `plan -generate-config-out`: 1.5 in both.
    pub fn has_import_blocks(&self) -> bool {
        self.version >= (1, 5, 0)
    }
}

impl std::fmt::Display for Cli {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a, b, c) = self.version;
        let name = if self.opentofu {
            "OpenTofu"
        } else {
            "Terraform"
        };
        write!(f, "{name} {a}.{b}.{c}")
    }
}

/// The CLI [`terraform_bin`] finds, from the first line of its `version` output
/// (`Terraform v1.11.4`, `OpenTofu v1.7.0`).
pub fn cli() -> Cli {
    let out = Command::new(terraform_bin())
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("run terraform version");
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    let parse = || {
        let (name, v) = first.split_once(" v")?;
        let mut n = v.split(['.', '-']).map(|p| p.parse::<u32>().ok());
        Some(Cli {
            opentofu: name == "OpenTofu",
            version: (n.next()??, n.next()??, n.next()??),
        })
    };
    parse().unwrap_or_else(|| panic!("cannot read the CLI version from {first:?}"))
}

/// Say which variant of a version-dependent test ran, where `cargo test` shows it even for a
/// passing test (the harness captures `println!`, not the process's stderr).
pub fn variant(test: &str, what: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "[{test}] {}: {what}", cli());
}

/// The CLI under test is at least `major.minor`.
pub fn cli_at_least(major: u32, minor: u32) -> bool {
    let (ma, mi, _) = cli().version;
    (ma, mi) >= (major, minor)
}

/// The `terraform` block every workspace needs.
pub const REQUIRED_PROVIDERS: &str =
    "terraform {\n  required_providers {\n    hostup = { source = \"hostup/hostup\" }\n  }\n}\n";

/// The provider's entry of `terraform providers schema -json` (dev_overrides, no init needed).
pub fn provider_schema() -> Value {
    let tf = Tf::with_env(&[]);
    tf.config_raw(REQUIRED_PROVIDERS);
    let out = tf.run(&["providers", "schema", "-json"]);
    assert!(out.ok, "providers schema failed:\n{}", out.all());
    let json: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("schema JSON: {e}\n{}", out.all()));
    let schemas = json["provider_schemas"]
        .as_object()
        .expect("provider_schemas object");
    let (_, schema) = schemas
        .iter()
        .find(|(addr, _)| addr.ends_with("/hostup/hostup"))
        .unwrap_or_else(|| panic!("no hostup/hostup in the schema: {:?}", schemas.keys()));
    schema.clone()
}

/// The provider binary cargo built for this test run.
pub fn provider_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-hostup"))
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Output of one CLI run.
#[derive(Debug)]
pub struct Out {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    /// The output with Terraform's box-drawing margins removed and lines joined, so that a
    /// message wrapped over several lines can be searched as one string.
    pub fn text(&self) -> String {
        self.all()
            .lines()
            .map(|l| l.trim_start_matches(['│', '╷', '╵', ' ']))
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A plan's resource changes, from `terraform show -json` of a saved plan.
#[derive(Debug)]
pub struct Plan {
    pub json: Value,
}

impl Plan {
    /// Actions planned for an address, e.g. `["update"]`, `["delete","create"]`, `["no-op"]`.
    pub fn actions(&self, address: &str) -> Vec<String> {
        self.json["resource_changes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["address"] == address)
            .map(|c| {
                c["change"]["actions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every address with a planned action other than no-op / read.
    pub fn changed(&self) -> Vec<(String, Vec<String>)> {
        self.json["resource_changes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                let actions: Vec<String> = c["change"]["actions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str().map(str::to_string))
                    .collect();
                let noop = actions.iter().all(|a| a == "no-op" || a == "read");
                (!noop).then(|| (c["address"].as_str().unwrap_or("").to_string(), actions))
            })
            .collect()
    }

    /// The planned `after` value of an address.
    pub fn after(&self, address: &str) -> Value {
        self.json["resource_changes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["address"] == address)
            .map(|c| c["change"]["after"].clone())
            .unwrap_or(Value::Null)
    }
}

/// A Terraform working directory wired to the built provider and a mock.
pub struct Tf {
    pub dir: PathBuf,
    bin: PathBuf,
    env: Vec<(String, String)>,
}

impl Tf {
    /// A new workspace whose provider talks to `mock` with the default token.
    pub fn new(mock: &MockServer) -> Tf {
        Self::with_env(&[
            ("HOSTUP_ENDPOINT", mock.url().as_str()),
            ("HOSTUP_API_KEY", TOKEN),
        ])
    }

    /// A new workspace with exactly these HOSTUP_* variables.
    pub fn with_env(vars: &[(&str, &str)]) -> Tf {
        let provider_dir = provider_bin().parent().expect("provider dir").to_path_buf();
        Self::with_cli_config(
            &format!(
                "provider_installation {{\n  dev_overrides {{\n    \"hostup/hostup\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                provider_dir.display()
            ),
            vars,
        )
    }

    /// A workspace with this CLI configuration (no dev_overrides unless it has them) and its own
    /// `HOME` (`<dir>/home`), so Terraform's implied local mirror is private to the test.
    pub fn with_cli_config(rc_contents: &str, vars: &[(&str, &str)]) -> Tf {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("acc-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).expect("create workspace");
        let rc = dir.join("terraform.rc");
        std::fs::write(&rc, rc_contents).expect("write CLI config");
        let mut env = vec![
            ("TF_CLI_CONFIG_FILE".to_string(), rc.display().to_string()),
            ("TF_IN_AUTOMATION".to_string(), "1".to_string()),
            ("CHECKPOINT_DISABLE".to_string(), "1".to_string()),
            ("HOME".to_string(), dir.join("home").display().to_string()),
        ];
        for (k, v) in vars {
            env.push((k.to_string(), v.to_string()));
        }
        Tf {
            dir,
            bin: terraform_bin(),
            env,
        }
    }

    /// Write `name` in the workspace (e.g. a CA file for `file("ca.pem")`); its path.
    pub fn write_file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directory");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }

    /// The workspace's private home directory.
    pub fn home(&self) -> PathBuf {
        self.dir.join("home")
    }

    /// The environment the CLI runs with (for helper scripts that must see the same HOME).
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// Write `main.tf`: the `terraform` block and the provider block are added around `body`.
    pub fn config(&self, body: &str) {
        self.config_raw(&format!("{REQUIRED_PROVIDERS}\n{body}\n"));
    }

    /// Write `main.tf` exactly as given.
    pub fn config_raw(&self, hcl: &str) {
        std::fs::write(self.dir.join("main.tf"), hcl).expect("write main.tf");
    }

    /// The CLI command with `args`, in the workspace, with only this workspace's environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args).current_dir(&self.dir);
        for k in [
            "HOSTUP_API_KEY",
            "HOSTUP_ENDPOINT",
            "HOSTUP_MAX_RETRIES",
            "HOSTUP_REQUEST_TIMEOUT",
            "HOSTUP_RETRY_DEADLINE",
            "HOSTUP_REQUESTS_PER_SECOND",
            "HOSTUP_PACING",
            "RUST_BACKTRACE",
            "RUST_LIB_BACKTRACE",
            "TF_LOG",
            "TF_LOG_PATH",
            "TF_LOG_PROVIDER",
            "TF_CLI_CONFIG_FILE",
            // Trust and proxies come only from the test: a CI machine's own would change them.
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            cmd.env_remove(k);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Run the CLI with `args` in the workspace.
    pub fn run(&self, args: &[&str]) -> Out {
        let out = self.command(args).output().expect("run terraform");
        Out {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Start the CLI in a process group of its own (so a test can signal the group as a
    /// terminal's Ctrl-C does), with piped output.
    pub fn spawn_in_own_group(&self, args: &[&str]) -> std::process::Child {
        use std::os::unix::process::CommandExt;
        self.command(args)
            .process_group(0)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn terraform")
    }

    /// `apply -auto-approve`; panics with the output when it fails.
    pub fn apply(&self) -> Out {
        let out = self.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        assert!(out.ok, "apply failed:\n{}", out.all());
        out
    }

    /// `apply -auto-approve` expected to fail; returns the output.
    pub fn apply_err(&self) -> Out {
        let out = self.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        assert!(!out.ok, "apply unexpectedly succeeded:\n{}", out.all());
        out
    }

    /// `plan -out` then `show -json` of the saved plan.
    pub fn plan(&self) -> Plan {
        self.plan_with(&[])
    }

    pub fn plan_with(&self, extra: &[&str]) -> Plan {
        let mut args = vec!["plan", "-input=false", "-no-color", "-out=tfplan"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert!(out.ok, "plan failed:\n{}", out.all());
        let show = self.run(&["show", "-json", "tfplan"]);
        assert!(show.ok, "show failed:\n{}", show.all());
        Plan {
            json: serde_json::from_str(&show.stdout).expect("plan JSON"),
        }
    }

    /// `plan` expected to fail; returns the output.
    pub fn plan_err(&self) -> Out {
        let out = self.run(&["plan", "-input=false", "-no-color"]);
        assert!(!out.ok, "plan unexpectedly succeeded:\n{}", out.all());
        out
    }

    pub fn destroy(&self) -> Out {
        let out = self.run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
        assert!(out.ok, "destroy failed:\n{}", out.all());
        out
    }

    pub fn import(&self, address: &str, id: &str) -> Out {
        self.run(&["import", "-input=false", "-no-color", address, id])
    }

    /// `show -json` of the state.
    pub fn state(&self) -> Value {
        let out = self.run(&["show", "-json"]);
        assert!(out.ok, "show failed:\n{}", out.all());
        serde_json::from_str(&out.stdout).expect("state JSON")
    }

    /// Attribute values of one resource or data source in the state (`Null` if absent).
    pub fn values(&self, address: &str) -> Value {
        let state = self.state();
        state["values"]["root_module"]["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
            .unwrap_or(Value::Null)
    }

    /// Addresses in the state.
    pub fn addresses(&self) -> Vec<String> {
        let state = self.state();
        state["values"]["root_module"]["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["address"].as_str().map(str::to_string))
            .collect()
    }
}

impl Drop for Tf {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// HCL string literal with escapes (keys contain no quotes, but names in tests might).
pub fn hcl(s: &str) -> String {
    serde_json::to_string(s).expect("string")
}
