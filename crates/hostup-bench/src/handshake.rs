//! Plugin handshake latency: start a provider as Terraform would and time its first line.

use crate::workdir::scrub_env;
use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// go-plugin's handshake: the provider refuses to start without Terraform's magic cookie.
const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
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
