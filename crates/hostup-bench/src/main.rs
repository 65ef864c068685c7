//! `hostup-bench`: time Terraform against the in-process mock HostUp API with a per-request
//! latency, count the provider's requests per route, and compare the provider process (peak RSS,
//! plugin handshake latency, binary size) with HashiCorp's Go `null` provider. Prints Markdown.
//!
//! `scripts/bench.sh` builds the release binaries, installs Terraform and the null provider, and
//! runs this. It stops by itself: sizes are bounded, the mock listens on 127.0.0.1 only, every
//! Terraform command has a timeout, and every process it starts is killed or waited for.
//!
//! Modules: [`cli`] (options), [`scenario`] (what is measured), [`workdir`] (working directories,
//! the provider mirror, running Terraform), [`procfs`] (sampling `/proc`, stopping processes),
//! [`handshake`] (plugin start-up latency), [`report`] (Markdown).

mod cli;
mod handshake;
mod procfs;
mod report;
mod scenario;
mod shared_key;
mod workdir;

use anyhow::{Context, Result};
use cli::{parse_args, HELP};
use handshake::handshake;
use procfs::load_average;
use report::Report;
use scenario::Kind;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use workdir::{terraform_version, Bench, Workdir};

pub const NULL_VERSION: &str = "2.1.2";
pub const NULL_FILE: &str = "terraform-provider-null_v2.1.2_x4";
/// The largest page `GET /api/v2/ssh-keys` serves: the floor for a refresh is ceil(N / 100).
pub const PAGE_SIZE: usize = 100;
/// How often the provider's `/proc/<pid>/status` is sampled while Terraform runs.
pub const POLL: Duration = Duration::from_millis(10);

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
    let shared = bench.args.shared_key.map(|(k, n, r)| {
        let results = vec![bench.shared_key(true), bench.shared_key(false)];
        shared_key::render(&results, k, n, r)
    });
    bench.log("done");
    let report = Report {
        bench: &bench,
        tf_version,
        ours,
        null,
    };
    print!("{}", report.render());
    if let Some(table) = shared {
        print!("{table}");
    }
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
