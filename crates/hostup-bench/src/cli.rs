//! Command line: the options, their defaults and bounds, and finding the Terraform CLI.

use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

pub const HELP: &str = "\
hostup-bench: benchmark the HostUp provider against the in-process mock HostUp API, beside the
zero-network hostup_vm_ssh_reset baseline and HashiCorp's Go null provider. Prints Markdown.

USAGE:
    hostup-bench [OPTIONS]

OPTIONS:
    --sizes LIST          Resource counts N, comma-separated, each 1..=5000 (default 100,1000);
                          `none` for none (e.g. with --shared-key only).
    --shared-key KxN@R    Also run the shared-key scenario: K Terraform processes at once, N
                          keys each (own state), one API key that the mock limits to R
                          requests/s; apply then destroy, with the provider's pacing on and off
                          (HOSTUP_PACING=off, a benchmark knob). E.g. 4x100@20.
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

const MAX_SIZE: usize = 5000;

pub struct Args {
    pub sizes: Vec<usize>,
    pub latency_ms: u64,
    pub terraform: PathBuf,
    pub null_provider: Option<PathBuf>,
    pub provider: PathBuf,
    pub parallelism: usize,
    pub handshake_runs: usize,
    pub repeat: usize,
    pub timeout: Duration,
    pub keep_dir: bool,
    /// K processes, N keys each, R requests/s.
    pub shared_key: Option<(usize, usize, u32)>,
}

pub fn parse_args() -> Result<Option<Args>> {
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
    let mut shared_key = None;
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
            "--shared-key" => shared_key = Some(shared(&value()?)?),
            "--sizes" => {
                let v = value()?;
                sizes = match v.as_str() {
                    "none" => vec![],
                    v => v
                        .split(',')
                        .map(|s| match s.trim().parse::<usize>() {
                            Ok(n) if (1..=MAX_SIZE).contains(&n) => Ok(n),
                            _ => Err(anyhow!(
                                "--sizes: `{s}` is not a count from 1 to {MAX_SIZE}"
                            )),
                        })
                        .collect::<Result<_>>()?,
                };
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
        shared_key,
    }))
}

/// `KxN@R`.
fn shared(v: &str) -> Result<(usize, usize, u32)> {
    let bad =
        || anyhow!("--shared-key: `{v}` is not like 4x100@20 (processes x keys @ requests/s)");
    let (kn, r) = v.split_once('@').ok_or_else(bad)?;
    let (k, n) = kn.split_once('x').ok_or_else(bad)?;
    let k = number("--shared-key", k, 1, 32).map_err(|_| bad())? as usize;
    let n = number("--shared-key", n, 1, MAX_SIZE as u64).map_err(|_| bad())? as usize;
    let r = number("--shared-key", r, 1, 10_000).map_err(|_| bad())? as u32;
    Ok((k, n, r))
}

fn number(flag: &str, v: &str, min: u64, max: u64) -> Result<u64> {
    match v.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => bail!("{flag}: `{v}` is not an integer from {min} to {max}"),
    }
}

/// `TF_ACC_TERRAFORM_PATH`, else `terraform`, else `tofu` on PATH, as the acceptance tests find it.
fn find_terraform() -> Result<PathBuf> {
    hostup_testkit::terraform::find_cli().map_err(|e| anyhow!("{e} (or pass --terraform)"))
}
