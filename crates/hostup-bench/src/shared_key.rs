//! The shared-key scenario: K Terraform processes at once, each with its own state and N keys of
//! its own, all on one API key, against a mock that limits that key to R requests a second
//! (`--rate-limit`-style fixed 1 s windows). Apply, then destroy, with the provider's pacing on
//! and off (`HOSTUP_PACING=off`, a benchmark knob). For each: wall time ÷ the floor (the
//! requests the mock carried out ÷ R: no client can finish sooner), 429s ÷ requests sent, and
//! the runs that failed.

use crate::scenario::bench_key;
use crate::workdir::{scrub_env, Bench};
use anyhow::{Context, Result};
use hostup_mock::fixtures::TOKEN;
use hostup_mock::{Faults, MockServer, RateLimit, Seed};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One step of one configuration, over all K processes.
pub struct SharedStep {
    pub wall: Duration,
    pub sent: usize,
    pub limited: usize,
    pub failed_runs: usize,
}

pub struct SharedResult {
    pub pacing: bool,
    pub apply: Result<SharedStep, String>,
    pub destroy: Result<SharedStep, String>,
}

fn config(proc: usize, n: usize) -> String {
    let mut s = "terraform {\n  required_providers {\n    hostup = { source = \"hostup/hostup\" }\n  }\n}\n\nprovider \"hostup\" {}\n\nlocals {\n  public_keys = [\n".to_string();
    for i in 0..n {
        let _ = writeln!(s, "    \"{}\",", bench_key((proc * 10_000 + i + 1) as u32));
    }
    let _ = write!(
        s,
        "  ]\n}}\n\nresource \"hostup_vps_ssh_key\" \"bench\" {{\n  count      = length(local.public_keys)\n  name       = \"p{proc}-${{count.index}}\"\n  public_key = local.public_keys[count.index]\n}}\n"
    );
    s
}

impl Bench {
    fn shared_command(&self, dir: &Path, args: &[&str], url: &str, pacing: bool) -> Command {
        let mut cmd = Command::new(&self.args.terraform);
        scrub_env(&mut cmd);
        cmd.args(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TMPDIR", &self.tmp)
            .env("HOSTUP_ENDPOINT", url)
            .env("HOSTUP_API_KEY", TOKEN)
            .stdin(Stdio::null());
        if !pacing {
            cmd.env("HOSTUP_PACING", "off");
        }
        cmd
    }

    /// Run `args` in every directory at once; the wall time is until the last one ends.
    fn all_at_once(
        &self,
        dirs: &[std::path::PathBuf],
        args: &[&str],
        mock: &MockServer,
        pacing: bool,
    ) -> Result<SharedStep> {
        mock.clear_requests();
        let start = Instant::now();
        let mut children = Vec::new();
        for (i, dir) in dirs.iter().enumerate() {
            let log = std::fs::File::create(dir.join(format!("{}.log", args[0])))?;
            let child = self
                .shared_command(dir, args, &mock.url(), pacing)
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .with_context(|| format!("cannot start terraform {i}"))?;
            children.push(child);
        }
        let mut failed_runs = 0;
        for mut c in children {
            // Bounded: a run past --timeout-secs is killed and counted as failed.
            let ok = loop {
                if let Some(st) = c.try_wait()? {
                    break st.success();
                }
                if start.elapsed() > self.args.timeout {
                    crate::procfs::kill_tree(c.id());
                    let _ = c.wait();
                    break false;
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            failed_runs += usize::from(!ok);
        }
        let wall = start.elapsed();
        let log = mock.requests();
        Ok(SharedStep {
            wall,
            sent: log.len(),
            limited: log.iter().filter(|r| r.status == 429).count(),
            failed_runs,
        })
    }

    /// The scenario for one setting of pacing: init (untimed), apply, destroy.
    pub fn shared_key(&mut self, pacing: bool) -> SharedResult {
        let (k, n, rate) = self.args.shared_key.unwrap_or((4, 100, 20));
        let mock = MockServer::start(Seed {
            rate_limit: Some(RateLimit {
                limit: rate,
                window_secs: 1,
            }),
            ..Seed::default()
        });
        mock.set_faults(Faults {
            latency_ms: self.args.latency_ms,
            ..Faults::default()
        });
        let label = if pacing { "on" } else { "off" };
        let mut dirs = Vec::new();
        let prepared = (0..k).try_for_each(|p| -> Result<()> {
            let dir = self.root.join(format!("shared-{label}-{p}"));
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("main.tf"), config(p, n))?;
            let st = self
                .shared_command(
                    &dir,
                    &["init", "-input=false", "-no-color"],
                    &mock.url(),
                    pacing,
                )
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()?;
            anyhow::ensure!(st.success(), "terraform init failed in {}", dir.display());
            dirs.push(dir);
            Ok(())
        });
        if let Err(e) = prepared {
            let e = format!("{e:#}");
            return SharedResult {
                pacing,
                apply: Err(e.clone()),
                destroy: Err(e),
            };
        }
        let step = |b: &Self, verb: &str| {
            let par = format!("-parallelism={}", b.args.parallelism);
            b.log(&format!(
                "shared key, pacing {label}: {k} × terraform {verb} of {n} keys at once"
            ));
            let r = b
                .all_at_once(
                    &dirs,
                    &[verb, "-auto-approve", "-input=false", "-no-color", &par],
                    &mock,
                    pacing,
                )
                .map_err(|e| format!("{e:#}"));
            if let Ok(s) = &r {
                b.log(&format!(
                    "      {:.1} s, {} requests, {} 429s, {} failed runs",
                    s.wall.as_secs_f64(),
                    s.sent,
                    s.limited,
                    s.failed_runs
                ));
            }
            r
        };
        let apply = step(self, "apply");
        let destroy = step(self, "destroy");
        SharedResult {
            pacing,
            apply,
            destroy,
        }
    }
}

/// The Markdown table, pacing on and off side by side.
pub fn render(results: &[SharedResult], k: usize, n: usize, rate: u32) -> String {
    let mut s = format!(
        "\n## Shared API key: {k} Terraform processes × {n} keys at once, one key limited to {rate} requests/s\n\n\
         Floor = requests the mock carried out ÷ {rate}/s. Target: no failed run, 429s ≤ 2% of requests, wall ≤ 1.25 × floor.\n\n\
         | pacing | step | wall | floor | wall ÷ floor | requests sent | 429s | 429s ÷ sent | failed runs |\n\
         |---|---|---|---|---|---|---|---|---|\n"
    );
    for r in results {
        for (name, step) in [("apply", &r.apply), ("destroy", &r.destroy)] {
            let pacing = if r.pacing { "on" } else { "off" };
            match step {
                Ok(st) => {
                    let carried = st.sent - st.limited;
                    let floor = carried as f64 / f64::from(rate);
                    let _ = writeln!(
                        s,
                        "| {pacing} | {name} | {:.1} s | {floor:.1} s | {:.2} | {} | {} | {:.1}% | {} of {k} |",
                        st.wall.as_secs_f64(),
                        st.wall.as_secs_f64() / floor.max(1e-9),
                        st.sent,
                        st.limited,
                        100.0 * st.limited as f64 / st.sent.max(1) as f64,
                        st.failed_runs
                    );
                }
                Err(e) => {
                    let _ = writeln!(
                        s,
                        "| {pacing} | {name} | failed: {} | | | | | | |",
                        e.lines().next().unwrap_or("")
                    );
                }
            }
        }
    }
    s
}
