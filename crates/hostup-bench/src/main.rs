//! `hostup-bench`: time Terraform against the in-process mock HostUp API with a per-request
//! latency, count the provider's requests per route, and compare the provider process (peak RSS,
//! plugin handshake latency, binary size) with HashiCorp's Go `null` provider. Prints Markdown.
//!
//! `scripts/bench.sh` builds the release binaries, installs Terraform and the null provider, and
//! runs this. It stops by itself: sizes are bounded, the mock listens on 127.0.0.1 only, every
//! Terraform command has a timeout, and every process it starts is killed or waited for.

use anyhow::{anyhow, bail, Context, Result};
use hostup_mock::fixtures::{test_key, TOKEN, VMID};
use hostup_mock::{Faults, MockServer, Seed};
use std::collections::{BTreeMap, HashSet};
use std::ffi::{c_int, c_long, OsStr};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

const HELP: &str = "\
hostup-bench: benchmark the HostUp provider against the in-process mock HostUp API, beside the
zero-network hostup_vm_ssh_reset baseline and HashiCorp's Go null provider. Prints Markdown.

USAGE:
    hostup-bench [OPTIONS]

OPTIONS:
    --sizes LIST          Resource counts N, comma-separated, each 1..=5000 (default 100,1000).
    --latency-ms MS       Latency the mock adds to every API request (default 30, at most 10000).
    --terraform PATH      Terraform or OpenTofu CLI (default: TF_ACC_TERRAFORM_PATH, else
                          terraform or tofu on PATH).
    --null-provider PATH  HashiCorp's terraform-provider-null 2.1.2 binary; without it the Go
                          columns say \"not measured\".
    --provider PATH       The provider binary (default: terraform-provider-hostup next to this
                          binary, i.e. the release build when run from target/release).
    --parallelism N       Terraform's -parallelism (default 10, Terraform's own default).
    --handshake-runs N    Handshake samples per provider, median reported (default 15).
    --repeat R            Runs of each refresh-only plan; the median wall time is reported
                          (default 3).
    --timeout-secs S      Kill a Terraform command that runs longer than this (default 900).
    --keep-dir            Keep the working directories (printed on stderr) for inspection.
    -h, --help            Show this help.

Progress goes to stderr; the Markdown report to stdout.
";

/// go-plugin's handshake: the provider refuses to start without Terraform's magic cookie.
const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const NULL_VERSION: &str = "2.1.2";
const NULL_FILE: &str = "terraform-provider-null_v2.1.2_x4";
/// The largest page `GET /api/v2/ssh-keys` serves: the floor for a refresh is ceil(N / 100).
const PAGE_SIZE: usize = 100;
const MAX_SIZE: usize = 5000;
/// How often the provider's `/proc/<pid>/status` is sampled while Terraform runs.
const POLL: Duration = Duration::from_millis(10);
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Options

struct Args {
    sizes: Vec<usize>,
    latency_ms: u64,
    terraform: PathBuf,
    null_provider: Option<PathBuf>,
    provider: PathBuf,
    parallelism: usize,
    handshake_runs: usize,
    repeat: usize,
    timeout: Duration,
    keep_dir: bool,
}

fn parse_args() -> Result<Option<Args>> {
    let mut sizes = vec![100, 1000];
    let mut latency_ms = 30;
    let mut terraform = None;
    let mut null_provider = None;
    let mut provider = None;
    let mut parallelism = 10;
    let mut handshake_runs = 15;
    let mut repeat = 3;
    let mut timeout_secs = 900;
    let mut keep_dir = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = || -> Result<String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| anyhow!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--sizes" => {
                sizes = value()?
                    .split(',')
                    .map(|s| match s.trim().parse::<usize>() {
                        Ok(n) if (1..=MAX_SIZE).contains(&n) => Ok(n),
                        _ => Err(anyhow!(
                            "--sizes: `{s}` is not a count from 1 to {MAX_SIZE}"
                        )),
                    })
                    .collect::<Result<_>>()?;
            }
            "--latency-ms" => latency_ms = number(&flag, &value()?, 0, 10_000)?,
            "--terraform" => terraform = Some(PathBuf::from(value()?)),
            "--null-provider" => null_provider = Some(PathBuf::from(value()?)),
            "--provider" => provider = Some(PathBuf::from(value()?)),
            "--parallelism" => parallelism = number(&flag, &value()?, 1, 256)? as usize,
            "--handshake-runs" => handshake_runs = number(&flag, &value()?, 1, 200)? as usize,
            "--repeat" => repeat = number(&flag, &value()?, 1, 20)? as usize,
            "--timeout-secs" => timeout_secs = number(&flag, &value()?, 1, 86_400)?,
            "--keep-dir" => keep_dir = true,
            other => bail!("unknown argument `{other}` (see --help)"),
        }
    }
    let terraform = match terraform {
        Some(p) => p,
        None => find_terraform()?,
    };
    let provider = match provider {
        Some(p) => p,
        None => std::env::current_exe()
            .context("cannot locate this binary")?
            .with_file_name("terraform-provider-hostup"),
    };
    for (what, p) in [("--terraform", &terraform), ("--provider", &provider)]
        .into_iter()
        .chain(null_provider.iter().map(|p| ("--null-provider", p)))
    {
        if !p.is_file() {
            bail!("{what}: {} is not a file", p.display());
        }
    }
    Ok(Some(Args {
        sizes,
        latency_ms,
        terraform,
        null_provider,
        provider,
        parallelism,
        handshake_runs,
        repeat,
        timeout: Duration::from_secs(timeout_secs),
        keep_dir,
    }))
}

fn number(flag: &str, v: &str, min: u64, max: u64) -> Result<u64> {
    match v.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => bail!("{flag}: `{v}` is not an integer from {min} to {max}"),
    }
}

/// `TF_ACC_TERRAFORM_PATH`, else `terraform`, else `tofu` on PATH (as the acceptance tests do).
fn find_terraform() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("TF_ACC_TERRAFORM_PATH").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["terraform", "tofu"] {
        if let Some(p) = std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
        {
            return Ok(p);
        }
    }
    bail!("no Terraform CLI: pass --terraform, set TF_ACC_TERRAFORM_PATH, or put terraform on PATH")
}

// ---------------------------------------------------------------------------------------------
// Processes

extern "C" {
    fn kill(pid: c_int, sig: c_int) -> c_int;
    fn sysconf(name: c_int) -> c_long;
}
const SC_CLK_TCK: c_int = 2;
const SIGKILL: c_int = 9;
const SIGSTOP: c_int = 19;

fn signal(pid: u32, sig: c_int) {
    // SAFETY: kill(2) takes plain integers and has no memory effects; failure (the process is
    // already gone) is fine to ignore.
    unsafe {
        kill(pid as c_int, sig);
    }
}

/// Field `i` of `/proc/<pid>/stat`, counted from the state (field 3 in proc(5)); the command
/// name before it may contain spaces and parentheses, so fields are read after its last `)`.
fn stat_field(pid: u32, i: usize) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(i)?.parse().ok()
}

fn parent_of(pid: u32) -> Option<u32> {
    stat_field(pid, 1).map(|p| p as u32)
}

/// User plus system CPU time so far, in clock ticks (utime and stime in proc(5)).
fn cpu_ticks(pid: u32) -> Option<u64> {
    Some(stat_field(pid, 11)? + stat_field(pid, 12)?)
}

fn ticks_to_duration(ticks: u64) -> Duration {
    // SAFETY: sysconf only reads a constant.
    let hz = unsafe { sysconf(SC_CLK_TCK) }.max(1) as u64;
    Duration::from_millis(ticks * 1000 / hz)
}

fn children_of(parent: u32) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| parent_of(pid) == Some(parent))
        .collect()
}

/// Kill Terraform and the providers it started. Terraform is stopped first so that it neither
/// starts another provider nor lets its children be re-parented (and so lost) before they die.
fn kill_tree(pid: u32) {
    signal(pid, SIGSTOP);
    for child in children_of(pid) {
        signal(child, SIGKILL);
    }
    signal(pid, SIGKILL);
}

/// `VmHWM` (peak resident set, KiB) from `/proc/<pid>/status`.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line["VmHWM:".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Samples the peak RSS of the provider processes a Terraform process starts: its children whose
/// executable has the mirror's file name.
struct RssWatch {
    parent: u32,
    exe_name: String,
    unrelated: HashSet<u32>,
    peaks: BTreeMap<u32, u64>,
    /// Last CPU reading of each provider process, and of Terraform itself.
    provider_ticks: BTreeMap<u32, u64>,
    terraform_ticks: u64,
}

impl RssWatch {
    fn new(parent: u32, exe_name: &str) -> RssWatch {
        RssWatch {
            parent,
            exe_name: exe_name.to_string(),
            unrelated: HashSet::new(),
            peaks: BTreeMap::new(),
            provider_ticks: BTreeMap::new(),
            terraform_ticks: 0,
        }
    }

    fn poll(&mut self) {
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return;
        };
        for pid in dir
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        {
            if self.unrelated.contains(&pid) {
                continue;
            }
            if !self.peaks.contains_key(&pid) {
                match parent_of(pid) {
                    Some(p) if p == self.parent => {}
                    Some(_) => {
                        self.unrelated.insert(pid);
                        continue;
                    }
                    None => continue,
                }
                // A child that has forked but not yet exec'd still shows Terraform's executable:
                // not cached as unrelated, so it is looked at again on the next poll.
                let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
                if exe.as_deref().and_then(Path::file_name) != Some(OsStr::new(&self.exe_name)) {
                    continue;
                }
            }
            if let Some(kib) = vm_hwm_kib(pid) {
                let peak = self.peaks.entry(pid).or_insert(0);
                *peak = (*peak).max(kib);
            }
            if let Some(t) = cpu_ticks(pid) {
                self.provider_ticks.insert(pid, t);
            }
        }
        if let Some(t) = cpu_ticks(self.parent) {
            self.terraform_ticks = t;
        }
    }

    /// CPU time used by the providers and by Terraform, as of the last poll.
    fn cpu(&self) -> (Duration, Duration) {
        (
            ticks_to_duration(self.provider_ticks.values().sum()),
            ticks_to_duration(self.terraform_ticks),
        )
    }

    fn peak_kib(&self) -> Option<u64> {
        self.peaks.values().copied().max()
    }
}

/// Drop every variable that changes how Terraform, the providers or Rust behave (`TF_LOG`,
/// `TF_CLI_ARGS*`, a developer's `TF_CLI_CONFIG_FILE`, `HOSTUP_*`, backtraces).
fn scrub_env(cmd: &mut Command) {
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

// ---------------------------------------------------------------------------------------------
// Handshake latency

struct Handshake {
    median: Duration,
    min: Duration,
    max: Duration,
    line: String,
}

/// Start the provider as Terraform would and time until its first stdout line (the go-plugin
/// handshake `CORE|APP|NETWORK|ADDR|PROTOCOL`), then kill it.
fn handshake_once(bin: &Path, tmp: &Path) -> Result<(Duration, String)> {
    let mut cmd = Command::new(bin);
    scrub_env(&mut cmd);
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        // Go plugins put their unix socket in TMPDIR; killed, they leave it behind.
        .env("TMPDIR", tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send((read.map(|_| line), Instant::now()));
    });
    let got = rx.recv_timeout(HANDSHAKE_TIMEOUT);
    let _ = child.kill();
    let _ = child.wait();
    let _ = reader.join();
    let (line, at) = got.map_err(|_| anyhow!("no handshake line within {HANDSHAKE_TIMEOUT:?}"))?;
    let line = line.context("reading the handshake line")?;
    if line.trim().is_empty() {
        bail!("{} exited without a handshake line", bin.display());
    }
    Ok((at - start, line.trim_end().to_string()))
}

fn handshake(bin: &Path, tmp: &Path, runs: usize) -> Result<Handshake> {
    // One unmeasured start first, so that every sample finds the binary in the page cache.
    let (_, line) = handshake_once(bin, tmp)?;
    let mut samples = (0..runs)
        .map(|_| handshake_once(bin, tmp).map(|(d, _)| d))
        .collect::<Result<Vec<_>>>()?;
    samples.sort();
    Ok(Handshake {
        median: median(samples.clone()),
        min: samples[0],
        max: samples[samples.len() - 1],
        line,
    })
}

/// Median of a non-empty sample.
fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let mid = samples.len() / 2;
    if samples.len() % 2 == 1 {
        samples[mid]
    } else {
        (samples[mid - 1] + samples[mid]) / 2
    }
}

// ---------------------------------------------------------------------------------------------
// Terraform working directories

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Keys,
    Baseline,
    Null,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Apply,
    Refresh,
    Destroy,
}

const STEPS: [Step; 3] = [Step::Apply, Step::Refresh, Step::Destroy];

impl Kind {
    fn resource(self) -> &'static str {
        match self {
            Kind::Keys => "hostup_vps_ssh_key",
            Kind::Baseline => "hostup_vm_ssh_reset",
            Kind::Null => "null_resource",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Kind::Keys => "keys",
            Kind::Baseline => "baseline",
            Kind::Null => "null",
        }
    }

    /// The fewest API requests the step can make; `None` where no API is involved.
    fn minimum(self, step: Step, n: usize) -> Option<usize> {
        match (self, step) {
            (Kind::Keys, Step::Apply | Step::Destroy) => Some(n),
            (Kind::Keys, Step::Refresh) => Some(n.div_ceil(PAGE_SIZE)),
            // One reset per resource; reading and forgetting one need nothing.
            (Kind::Baseline, Step::Apply) => Some(n),
            (Kind::Baseline, _) => Some(0),
            (Kind::Null, _) => None,
        }
    }
}

impl Step {
    fn label(self) -> &'static str {
        match self {
            Step::Apply => "apply",
            Step::Refresh => "refresh-only plan",
            Step::Destroy => "destroy",
        }
    }

    fn args(self, parallelism: usize) -> Vec<String> {
        let mut args: Vec<String> = match self {
            Step::Apply => vec!["apply".into(), "-auto-approve".into()],
            Step::Refresh => vec!["plan".into(), "-refresh-only".into()],
            Step::Destroy => vec!["destroy".into(), "-auto-approve".into()],
        };
        args.extend([
            "-input=false".to_string(),
            "-no-color".to_string(),
            format!("-parallelism={parallelism}"),
        ]);
        args
    }
}

/// A valid ed25519 public key line, different for every `n` (synthetic key bytes).
fn bench_key(n: u32) -> String {
    test_key(n, &format!("bench-{n}"))
}

/// The three configurations share one shape: the same `locals` list of N key lines, indexed by
/// `count`, so Terraform spends the same effort evaluating them and the comparison isolates the
/// providers (a bare `count = N` baseline would be cheaper for Terraform itself).
fn hcl_config(kind: Kind, n: usize, baseline_key_id: &str) -> String {
    let mut s = match kind {
        Kind::Null => format!(
            "terraform {{\n  required_providers {{\n    null = {{\n      source  = \"hashicorp/null\"\n      version = \"{NULL_VERSION}\"\n    }}\n  }}\n}}\n\n"
        ),
        _ => "terraform {\n  required_providers {\n    hostup = { source = \"hostup/hostup\" }\n  }\n}\n\nprovider \"hostup\" {}\n\n"
            .to_string(),
    };
    s.push_str("locals {\n  public_keys = [\n");
    for i in 0..n {
        let _ = writeln!(s, "    \"{}\",", bench_key(i as u32 + 1));
    }
    s.push_str("  ]\n}\n\n");
    let body = match kind {
        Kind::Keys => "resource \"hostup_vps_ssh_key\" \"bench\" {\n  count      = length(local.public_keys)\n  name       = \"bench-${count.index}\"\n  public_key = local.public_keys[count.index]\n}\n".to_string(),
        Kind::Baseline => format!(
            "resource \"hostup_vm_ssh_reset\" \"bench\" {{\n  count    = length(local.public_keys)\n  vmid     = {VMID}\n  key_ids  = [\"{baseline_key_id}\"]\n  triggers = {{ name = \"bench-${{count.index}}\", key = local.public_keys[count.index] }}\n}}\n"
        ),
        Kind::Null => "resource \"null_resource\" \"bench\" {\n  count    = length(local.public_keys)\n  triggers = { name = \"bench-${count.index}\", key = local.public_keys[count.index] }\n}\n".to_string(),
    };
    s.push_str(&body);
    s
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
struct Workdir {
    path: PathBuf,
    keep: bool,
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
struct Timed {
    wall: Duration,
    peak_rss_kib: Option<u64>,
    provider_cpu: Duration,
    terraform_cpu: Duration,
}

struct Measured {
    timed: Timed,
    routes: BTreeMap<String, usize>,
    failed_requests: usize,
}

impl Measured {
    fn requests(&self) -> usize {
        self.routes.values().sum()
    }
}

struct Bench {
    args: Args,
    root: PathBuf,
    cli_config: PathBuf,
    tmp: PathBuf,
    provider_file: String,
    results: BTreeMap<(usize, Kind, Step), Result<Measured, String>>,
    notes: Vec<String>,
    started: Instant,
    /// The 1-minute load average when the run started: other work on the machine skews times.
    load_start: String,
}

impl Bench {
    fn log(&self, msg: &str) {
        eprintln!(
            "==> [{:>6.1} s] {msg}",
            self.started.elapsed().as_secs_f64()
        );
    }

    /// A filesystem mirror holding both providers (under the Terraform and the OpenTofu registry
    /// hosts), and a CLI config with only that mirror, so `terraform init` works offline.
    fn install_mirror(&self) -> Result<()> {
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
    fn scenario(&mut self, kind: Kind, n: usize) {
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

// ---------------------------------------------------------------------------------------------
// Report

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}", a / b)
    } else {
        "n/a".into()
    }
}

fn verdict(value: f64, limit: f64) -> &'static str {
    if value <= limit {
        "yes"
    } else {
        "no"
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn mem_total() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("MemTotal:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map(|kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

fn terraform_version(bin: &Path) -> String {
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

struct Report<'a> {
    bench: &'a Bench,
    tf_version: String,
    ours: Result<Handshake>,
    null: Option<Result<Handshake>>,
}

/// Where the Go provider has no figure: it was not given, or its run failed.
fn go_missing(args: &Args) -> &'static str {
    if args.null_provider.is_some() {
        "failed"
    } else {
        "not measured"
    }
}

/// A handshake line inside a table cell; a `|` would end the Markdown cell, even in backticks.
fn cell_code(text: &str) -> String {
    format!(
        "`{}`",
        text.chars()
            .take(60)
            .collect::<String>()
            .replace('|', "\\|")
    )
}

/// The request cells of one row: total, minimum, total ÷ minimum, per-route breakdown.
fn request_cells(min: Option<usize>, m: &Measured) -> [String; 4] {
    let Some(min) = min else {
        return ["—".into(), "—".into(), "—".into(), "no API".into()];
    };
    let mut by = m
        .routes
        .iter()
        .map(|(route, count)| format!("`{route}` {count}"))
        .collect::<Vec<_>>()
        .join("; ");
    if by.is_empty() {
        by = "none".into();
    }
    if m.failed_requests > 0 {
        let _ = write!(by, " ({} answered ≥ 400)", m.failed_requests);
    }
    let times = match (min, m.requests()) {
        (0, 0) => "1.00".into(),
        (0, _) => "n/a".into(),
        (min, total) => ratio(total as f64, min as f64),
    };
    [m.requests().to_string(), min.to_string(), times, by]
}

impl Report<'_> {
    fn get(&self, n: usize, kind: Kind, step: Step) -> Option<&Measured> {
        self.bench.results.get(&(n, kind, step))?.as_ref().ok()
    }

    fn peak(&self, n: usize, kind: Kind) -> Option<u64> {
        self.get(n, kind, Step::Refresh)?.timed.peak_rss_kib
    }

    fn render(&self) -> String {
        let a = &self.bench.args;
        let mut s = String::new();
        let _ = writeln!(s, "## hostup-bench\n");
        let _ = writeln!(
            s,
            "Machine: {} cores, {}, {} RAM. Terraform {} ({}). Mock latency {} ms per API \
             request, Terraform `-parallelism={}`. Provider {} ({}). Load average (1 min): {} at \
             the start, {} at the end.\n",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu_model(),
            mem_total(),
            self.tf_version,
            a.terraform.display(),
            a.latency_ms,
            a.parallelism,
            env!("CARGO_PKG_VERSION"),
            a.provider.display(),
            self.bench.load_start,
            load_average(),
        );
        self.requests_table(&mut s);
        self.process_table(&mut s);
        self.targets_table(&mut s);
        let _ = writeln!(
            s,
            "\nMinimum requests: apply = N creates; refresh-only plan = ⌈N ÷ {PAGE_SIZE}⌉ list \
             pages; destroy = N deletes (Terraform's destroy also refreshes first, and those reads \
             are counted). Wall times include Terraform's own work and provider start-up; a \
             refresh-only plan's is the median of {} runs. Peak RSS is the largest `VmHWM` of any \
             provider process Terraform started during the command, sampled every {} ms; CPU times are user + system time of the provider processes and of \
             the Terraform process, sampled likewise.",
            self.bench.args.repeat,
            POLL.as_millis()
        );
        if !self.bench.notes.is_empty() {
            let _ = writeln!(s, "\nNotes:\n");
            for note in &self.bench.notes {
                let _ = writeln!(s, "- {}", note.replace('\n', " "));
            }
        }
        s
    }

    fn requests_table(&self, s: &mut String) {
        let a = &self.bench.args;
        let _ = writeln!(s, "### Wall time and API requests\n");
        let _ = writeln!(
            s,
            "| N | operation | wall time | CPU: provider / Terraform | requests | minimum | requests ÷ minimum | requests by route |"
        );
        let _ = writeln!(s, "|--:|---|--:|--:|--:|--:|--:|---|");
        for &n in &a.sizes {
            for kind in [Kind::Keys, Kind::Baseline, Kind::Null] {
                for step in STEPS {
                    let what = format!("{} {n} `{}`", step.label(), kind.resource());
                    match self.bench.results.get(&(n, kind, step)) {
                        Some(Ok(m)) => {
                            let [total, min, times, by] = request_cells(kind.minimum(step, n), m);
                            let t = &m.timed;
                            let (wall, cpu) = (secs(t.wall), secs(t.provider_cpu));
                            let tf_cpu = secs(t.terraform_cpu);
                            let _ = writeln!(
                                s,
                                "| {n} | {what} | {wall} | {cpu} / {tf_cpu} | {total} | {min} | {times} | {by} |"
                            );
                        }
                        Some(Err(e)) => {
                            let short = e.lines().next().unwrap_or("failed");
                            let _ = writeln!(s, "| {n} | {what} | failed | | | | | {short} |");
                        }
                        // The Go provider was not given.
                        None => {}
                    }
                }
            }
        }
    }

    fn process_table(&self, s: &mut String) {
        let a = &self.bench.args;
        let missing = go_missing(a);
        let _ = writeln!(
            s,
            "\n### Provider process: hostup (Rust) beside null {NULL_VERSION} (Go)\n"
        );
        let _ = writeln!(s, "| figure | hostup | null (Go) | hostup ÷ null |");
        let _ = writeln!(s, "|---|--:|--:|--:|");
        for &n in &a.sizes {
            let (ours, go) = (self.peak(n, Kind::Keys), self.peak(n, Kind::Null));
            let _ = writeln!(
                s,
                "| peak RSS (VmHWM), refresh-only plan of {n} `hostup_vps_ssh_key` / `null_resource` | {} | {} | {} |",
                ours.map_or("not seen".into(), mib),
                go.map_or(missing.into(), mib),
                match (ours, go) {
                    (Some(o), Some(g)) => ratio(o as f64, g as f64),
                    _ => "—".into(),
                }
            );
            let base = self.peak(n, Kind::Baseline);
            let _ = writeln!(
                s,
                "| peak RSS (VmHWM), refresh-only plan of {n} `hostup_vm_ssh_reset` | {} | | |",
                base.map_or("not seen".into(), mib),
            );
        }
        let hs = |h: &Result<Handshake>| match h {
            Ok(h) => format!(
                "{} (min {}, max {})",
                secs(h.median),
                secs(h.min),
                secs(h.max)
            ),
            Err(e) => format!("failed: {e}"),
        };
        let hs_ratio = match (&self.ours, &self.null) {
            (Ok(o), Some(Ok(g))) => ratio(o.median.as_secs_f64(), g.median.as_secs_f64()),
            _ => "—".into(),
        };
        let _ = writeln!(
            s,
            "| handshake latency, median of {} starts | {} | {} | {hs_ratio} |",
            a.handshake_runs,
            hs(&self.ours),
            self.null.as_ref().map_or(missing.into(), hs),
        );
        let size = |p: &Path| std::fs::metadata(p).ok().map(|m| m.len());
        let ours = size(&a.provider);
        let go = a.null_provider.as_deref().and_then(size);
        let _ = writeln!(
            s,
            "| binary size | {} | {} | {} |",
            ours.map_or("—".into(), |z| mib(z / 1024)),
            go.map_or(missing.into(), |z| mib(z / 1024)),
            match (ours, go) {
                (Some(o), Some(g)) => ratio(o as f64, g as f64),
                _ => "—".into(),
            }
        );
        let line = |h: &Result<Handshake>| h.as_ref().map_or("—".into(), |h| cell_code(&h.line));
        let _ = writeln!(
            s,
            "| handshake line | {} | {} | |",
            line(&self.ours),
            self.null.as_ref().map_or("—".into(), line)
        );
    }

    fn targets_table(&self, s: &mut String) {
        let a = &self.bench.args;
        let _ = writeln!(s, "\n### Targets (recorded, not asserted)\n");
        let _ = writeln!(s, "| target | N | measured | target | met |");
        let _ = writeln!(s, "|---|--:|---|---|---|");
        for &n in &a.sizes {
            let keys = self.get(n, Kind::Keys, Step::Refresh);
            let base = self.get(n, Kind::Baseline, Step::Refresh);
            if let (Some(k), Some(z)) = (keys, base) {
                let r = k.timed.wall.as_secs_f64() / z.timed.wall.as_secs_f64();
                let _ = writeln!(
                    s,
                    "| refresh-only plan: `hostup_vps_ssh_key` ÷ zero-network baseline | {n} | {r:.2} ({} ÷ {}) | ≤ 1.3 (set for N = 1000) | {} |",
                    secs(k.timed.wall),
                    secs(z.timed.wall),
                    verdict(r, 1.3)
                );
            }
        }
        let latency = Duration::from_millis(a.latency_ms);
        for &n in &a.sizes {
            let Some(k) = self.get(n, Kind::Keys, Step::Apply) else {
                continue;
            };
            let ideal = latency * n.div_ceil(a.parallelism) as u32;
            // The baseline's apply also makes one request per resource: what this Terraform
            // achieves with a provider that does nothing but that request.
            let same_shape = self
                .get(n, Kind::Baseline, Step::Apply)
                .map_or(String::new(), |z| {
                    format!("; `hostup_vm_ssh_reset` apply: {}", secs(z.timed.wall))
                });
            let _ = writeln!(
                s,
                "| apply of N keys vs ideal ⌈N ÷ {}⌉ × {} ms | {n} | {} vs ideal {} ({} × ideal{same_shape}) | close to ideal | see ratio |",
                a.parallelism,
                a.latency_ms,
                secs(k.timed.wall),
                secs(ideal),
                ratio(k.timed.wall.as_secs_f64(), ideal.as_secs_f64()),
            );
        }
        for &n in &a.sizes {
            if let (Some(o), Some(g)) = (self.peak(n, Kind::Keys), self.peak(n, Kind::Null)) {
                let r = o as f64 / g as f64;
                let _ = writeln!(
                    s,
                    "| peak RSS during refresh-only plan: hostup ÷ null | {n} | {r:.2} ({} ÷ {}) | ≤ 0.33 | {} |",
                    mib(o),
                    mib(g),
                    verdict(r, 1.0 / 3.0)
                );
            }
        }
        if let (Ok(o), Some(Ok(g))) = (&self.ours, &self.null) {
            let r = o.median.as_secs_f64() / g.median.as_secs_f64();
            let _ = writeln!(
                s,
                "| handshake latency: hostup ÷ null | — | {r:.2} ({} ÷ {}) | ≤ 0.33 | {} |",
                secs(o.median),
                secs(g.median),
                verdict(r, 1.0 / 3.0)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------

fn run() -> Result<()> {
    let Some(args) = parse_args()? else {
        print!("{HELP}");
        return Ok(());
    };
    let root = std::env::temp_dir().join(format!("hostup-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("tmp"))
        .with_context(|| format!("cannot create {}", root.display()))?;
    let workdir = Workdir {
        path: root.clone(),
        keep: args.keep_dir,
    };
    let mut bench = Bench {
        provider_file: format!("terraform-provider-hostup_v{}", env!("CARGO_PKG_VERSION")),
        cli_config: root.join("terraform.rc"),
        tmp: root.join("tmp"),
        root,
        args,
        results: BTreeMap::new(),
        notes: vec![],
        started: Instant::now(),
        load_start: load_average(),
    };
    bench.install_mirror()?;
    let tf_version = terraform_version(&bench.args.terraform);
    bench.log(&format!(
        "Terraform {tf_version}; working directories in {}",
        bench.root.display()
    ));

    // Handshakes first, on a quiet machine.
    bench.log("handshake latency: hostup");
    let ours = handshake(&bench.args.provider, &bench.tmp, bench.args.handshake_runs);
    let null = bench.args.null_provider.clone().map(|p| {
        bench.log("handshake latency: null (Go)");
        handshake(&p, &bench.tmp, bench.args.handshake_runs)
    });

    for n in bench.args.sizes.clone() {
        bench.scenario(Kind::Keys, n);
        bench.scenario(Kind::Baseline, n);
        if bench.args.null_provider.is_some() {
            bench.scenario(Kind::Null, n);
        }
    }
    bench.log("done");
    let report = Report {
        bench: &bench,
        tf_version,
        ours,
        null,
    };
    print!("{}", report.render());
    drop(workdir);
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hostup-bench: {e:#}");
            ExitCode::from(2)
        }
    }
}
