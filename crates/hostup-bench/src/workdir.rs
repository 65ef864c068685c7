//! Terraform working directories: the scratch directory, the provider mirror, running one
//! Terraform command while sampling its providers, and the scenarios (init, apply, refresh-only
//! plan, destroy) against a fresh mock each.

use crate::cli::Args;
use crate::procfs::{kill_tree, RssWatch};
use crate::scenario::{bench_key, hcl_config, Kind, Step, STEPS};
use crate::{NULL_FILE, NULL_VERSION, POLL};
use anyhow::{anyhow, bail, Context, Result};
use hostup_mock::fixtures::TOKEN;
use hostup_mock::{Faults, MockServer, Seed};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Drop every variable that changes how Terraform, the providers or Rust behave (`TF_LOG`,
/// `TF_CLI_ARGS*`, a developer's `TF_CLI_CONFIG_FILE`, `HOSTUP_*`, backtraces).
pub fn scrub_env(cmd: &mut Command) {
    for (k, _) in std::env::vars_os() {
        let k_str = k.to_string_lossy();
        if k_str.starts_with("TF_")
            || k_str.starts_with("HOSTUP_")
            || k_str.starts_with("PLUGIN_")
            || k_str == "RUST_BACKTRACE"
            || k_str == "RUST_LIB_BACKTRACE"
        {
            cmd.env_remove(&k);
        }
    }
}

pub fn terraform_version(bin: &Path) -> String {
    let out = Command::new(bin)
        .args(["version", "-json"])
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_CLI_CONFIG_FILE")
        .stderr(Stdio::null())
        .output();
    out.ok()
        .and_then(|o| serde_json::from_slice::<serde_json::Value>(&o.stdout).ok())
        .and_then(|v| v["terraform_version"].as_str().map(str::to_string))
        .map(|v| format!("v{v}"))
        .unwrap_or_else(|| "unknown version".into())
}

fn terraform_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    }
}

/// The scratch directory; removed on drop unless kept.
pub struct Workdir {
    pub path: PathBuf,
    pub keep: bool,
}

impl Drop for Workdir {
    fn drop(&mut self) {
        if self.keep {
            eprintln!("==> working directories kept in {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// One Terraform command: wall time, and what its provider processes and Terraform itself used
/// (sampled, so up to one poll interval short).
pub struct Timed {
    pub wall: Duration,
    pub peak_rss_kib: Option<u64>,
    pub provider_cpu: Duration,
    pub terraform_cpu: Duration,
}

pub struct Measured {
    pub timed: Timed,
    pub routes: BTreeMap<String, usize>,
    pub failed_requests: usize,
}

impl Measured {
    pub fn requests(&self) -> usize {
        self.routes.values().sum()
    }
}

pub struct Bench {
    pub args: Args,
    pub root: PathBuf,
    pub cli_config: PathBuf,
    pub tmp: PathBuf,
    pub provider_file: String,
    pub results: BTreeMap<(usize, Kind, Step), Result<Measured, String>>,
    pub notes: Vec<String>,
    pub started: Instant,
    /// The 1-minute load average when the run started: other work on the machine skews times.
    pub load_start: String,
}

impl Bench {
    pub fn log(&self, msg: &str) {
        eprintln!(
            "==> [{:>6.1} s] {msg}",
            self.started.elapsed().as_secs_f64()
        );
    }

    /// A filesystem mirror holding both providers (under the Terraform and the OpenTofu registry
    /// hosts), and a CLI config with only that mirror, so `terraform init` works offline.
    pub fn install_mirror(&self) -> Result<()> {
        let platform = format!("{}_{}", std::env::consts::OS, terraform_arch());
        let version = env!("CARGO_PKG_VERSION");
        let mirror = self.root.join("mirror");
        for host in ["registry.terraform.io", "registry.opentofu.org"] {
            let mut installs = vec![(
                mirror.join(format!("{host}/hostup/hostup/{version}/{platform}")),
                &self.args.provider,
                self.provider_file.as_str(),
            )];
            if let Some(null) = &self.args.null_provider {
                installs.push((
                    mirror.join(format!("{host}/hashicorp/null/{NULL_VERSION}/{platform}")),
                    null,
                    NULL_FILE,
                ));
            }
            for (dir, src, name) in installs {
                std::fs::create_dir_all(&dir)?;
                // A copy, not a link: the provider's /proc/<pid>/exe must carry the mirror name.
                std::fs::copy(src, dir.join(name))
                    .with_context(|| format!("cannot copy {} into the mirror", src.display()))?;
            }
        }
        std::fs::write(
            &self.cli_config,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
                mirror.display()
            ),
        )?;
        Ok(())
    }

    /// Run one Terraform command in `dir`; returns its wall time and the peak RSS of the
    /// provider processes (executable `exe_name`) it started.
    fn terraform(
        &self,
        dir: &Path,
        args: &[String],
        endpoint: Option<&str>,
        exe_name: &str,
    ) -> Result<Timed> {
        let log_path = dir.join(format!("{}.log", args[0]));
        let log = std::fs::File::create(&log_path)?;
        let mut cmd = Command::new(&self.args.terraform);
        scrub_env(&mut cmd);
        cmd.args(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TMPDIR", &self.tmp)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        if let Some(url) = endpoint {
            cmd.env("HOSTUP_ENDPOINT", url).env("HOSTUP_API_KEY", TOKEN);
        }
        let start = Instant::now();
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", self.args.terraform.display()))?;
        let pid = child.id();
        // A waiter thread takes the exit time, so the wall time does not depend on the polling.
        let (tx, rx) = mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let status = child.wait();
            let _ = tx.send((status, Instant::now()));
        });
        let mut watch = RssWatch::new(pid, exe_name);
        let outcome = loop {
            match rx.recv_timeout(POLL) {
                Ok(done) => break Ok(done),
                Err(RecvTimeoutError::Timeout) => {
                    watch.poll();
                    if start.elapsed() > self.args.timeout {
                        kill_tree(pid);
                        break Err(anyhow!(
                            "`terraform {}` killed after {:?} (--timeout-secs)",
                            args.join(" "),
                            self.args.timeout
                        ));
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    break Err(anyhow!("lost track of terraform (pid {pid})"))
                }
            }
        };
        let _ = waiter.join();
        let (status, end) = outcome?;
        let status = status.context("waiting for terraform")?;
        if !status.success() {
            let text = std::fs::read_to_string(&log_path).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(25)..].join("\n");
            bail!("`terraform {}` failed ({status}):\n{tail}", args.join(" "));
        }
        let (provider_cpu, terraform_cpu) = watch.cpu();
        Ok(Timed {
            wall: end - start,
            peak_rss_kib: watch.peak_kib(),
            provider_cpu,
            terraform_cpu,
        })
    }

    /// init, apply, refresh-only plan and destroy of N resources of one kind, each against a
    /// fresh mock (so one scenario's keys never add list pages to another's).
    pub fn scenario(&mut self, kind: Kind, n: usize) {
        if let Err(e) = self.try_scenario(kind, n) {
            let msg = format!("{:#}", e);
            self.log(&format!("{} × {n} failed: {msg}", kind.resource()));
            // The first step without a result is the one that failed (init counts as apply's).
            let mut reason = Some(msg.clone());
            for step in STEPS {
                self.results.entry((n, kind, step)).or_insert_with(|| {
                    Err(reason
                        .take()
                        .unwrap_or_else(|| "not run: an earlier step failed".into()))
                });
            }
            self.notes
                .push(format!("N = {n}, {}: {msg}", kind.resource()));
        }
    }

    /// One timed Terraform command, with the requests the mock saw during it.
    fn measure(
        &self,
        dir: &Path,
        step: Step,
        mock: Option<&MockServer>,
        exe_name: &str,
    ) -> Result<Measured> {
        if let Some(m) = mock {
            m.clear_requests();
        }
        let endpoint = mock.map(MockServer::url);
        let args = step.args(self.args.parallelism);
        let timed = self.terraform(dir, &args, endpoint.as_deref(), exe_name)?;
        let mut routes = BTreeMap::new();
        let mut failed_requests = 0;
        for r in mock.map(MockServer::requests).unwrap_or_default() {
            *routes.entry(r.route_key()).or_insert(0) += 1;
            failed_requests += usize::from(r.status >= 400);
        }
        Ok(Measured {
            timed,
            routes,
            failed_requests,
        })
    }

    fn try_scenario(&mut self, kind: Kind, n: usize) -> Result<()> {
        let mock = (kind != Kind::Null).then(|| MockServer::start(Seed::default()));
        let endpoint = mock.as_ref().map(MockServer::url);
        let mut baseline_key = String::new();
        if let (Kind::Baseline, Some(m)) = (kind, &mock) {
            baseline_key = m.insert_vps_key("bench-baseline", &bench_key(0)).id;
        }
        if let Some(m) = &mock {
            m.set_faults(Faults {
                latency_ms: self.args.latency_ms,
                ..Faults::default()
            });
        }
        let dir = self.root.join(format!("{}-{n}", kind.slug()));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("main.tf"), hcl_config(kind, n, &baseline_key))?;
        let exe_name = match kind {
            Kind::Null => NULL_FILE.to_string(),
            _ => self.provider_file.clone(),
        };

        self.log(&format!("N = {n}: terraform init ({})", kind.resource()));
        let init = ["init", "-input=false", "-no-color"].map(String::from);
        self.terraform(&dir, &init, endpoint.as_deref(), &exe_name)?;

        for step in STEPS {
            // A refresh-only plan changes nothing, so it is repeated and its median kept: the
            // keys ÷ baseline ratio compares two short runs on a small, shared machine.
            let runs = if step == Step::Refresh {
                self.args.repeat
            } else {
                1
            };
            let mut samples = Vec::with_capacity(runs);
            for run in 1..=runs {
                let of = if runs > 1 {
                    format!(" (run {run} of {runs})")
                } else {
                    String::new()
                };
                self.log(&format!(
                    "N = {n}: {} of {}{of}",
                    step.label(),
                    kind.resource()
                ));
                let m = self.measure(&dir, step, mock.as_ref(), &exe_name)?;
                self.log(&format!(
                    "      {:.2} s, {} requests",
                    m.timed.wall.as_secs_f64(),
                    m.requests()
                ));
                samples.push(m);
            }
            if samples.iter().any(|m| m.routes != samples[0].routes) {
                self.notes.push(format!(
                    "N = {n}: the {} runs of {} of {} made different requests; the median run's are shown",
                    runs,
                    step.label(),
                    kind.resource()
                ));
            }
            // The run with the median wall time stands for the step; its peak RSS is the
            // largest of all runs.
            let peak_rss_kib = samples.iter().filter_map(|m| m.timed.peak_rss_kib).max();
            samples.sort_by_key(|m| m.timed.wall);
            let mut chosen = samples.swap_remove(samples.len() / 2);
            chosen.timed.peak_rss_kib = peak_rss_kib;
            self.results.insert((n, kind, step), Ok(chosen));
            if let (Kind::Keys, Some(m)) = (kind, &mock) {
                let want = if step == Step::Destroy { 0 } else { n };
                let have = m.vps_keys().len();
                if have != want {
                    self.notes.push(format!(
                        "N = {n}: after {} the mock held {have} keys, expected {want}",
                        step.label()
                    ));
                }
            }
        }
        Ok(())
    }
}
