//! Plugin handshake latency: start a provider as Terraform would and time its first line.

use crate::workdir::scrub_env;
use anyhow::{anyhow, Context, Result};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Handshake {
    pub median: Duration,
    pub min: Duration,
    pub max: Duration,
    pub line: String,
}

/// Start the provider as Terraform would and time until its first stdout line (the go-plugin
/// handshake `CORE|APP|NETWORK|ADDR|PROTOCOL`), then kill it.
fn handshake_once(bin: &Path, tmp: &Path) -> Result<(Duration, String)> {
    let mut cmd = Command::new(bin);
    scrub_env(&mut cmd);
    // Go plugins put their unix socket in TMPDIR; killed, they leave it behind.
    cmd.env("TMPDIR", tmp).stderr(Stdio::null());
    let start = Instant::now();
    // Both protocols, as Terraform offers them: the Go null provider speaks 5, ours 6.
    let mut plugin = hostup_testkit::plugin::spawn(&mut cmd, "5,6")
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let got = plugin.first_line(HANDSHAKE_TIMEOUT);
    plugin.kill();
    let (line, at) = got.map_err(|e| anyhow!("{}: {e}", bin.display()))?;
    Ok((at - start, line))
}

pub fn handshake(bin: &Path, tmp: &Path, runs: usize) -> Result<Handshake> {
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
