//! The Markdown report: wall times and requests, the provider process beside the Go provider,
//! and the recorded targets.

use crate::cli::Args;
use crate::handshake::Handshake;
use crate::procfs::{cpu_model, load_average, mem_total};
use crate::scenario::{Kind, Step, STEPS};
use crate::workdir::{Bench, Measured};
use crate::{NULL_VERSION, PAGE_SIZE, POLL};
use anyhow::Result;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

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

pub struct Report<'a> {
    pub bench: &'a Bench,
    pub tf_version: String,
    pub ours: Result<Handshake>,
    pub null: Option<Result<Handshake>>,
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

    pub fn render(&self) -> String {
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
            "\nMinimum requests: apply = N creates + 1 read of what is there before; refresh-only plan = ⌈N ÷ {PAGE_SIZE}⌉ list \
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
