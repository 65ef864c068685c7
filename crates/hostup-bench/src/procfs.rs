//! What the bench reads from `/proc` (process tree, peak RSS, CPU ticks, machine facts) and how
//! it stops a process tree.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

fn signal(pid: u32, sig: libc::c_int) {
    // SAFETY: kill(2) takes plain integers and has no memory effects; failure (the process is
    // already gone) is fine to ignore.
    unsafe {
        libc::kill(pid as libc::pid_t, sig);
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
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
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
pub fn kill_tree(pid: u32) {
    signal(pid, libc::SIGSTOP);
    for child in children_of(pid) {
        signal(child, libc::SIGKILL);
    }
    signal(pid, libc::SIGKILL);
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
pub struct RssWatch {
    parent: u32,
    exe_name: String,
    unrelated: HashSet<u32>,
    peaks: BTreeMap<u32, u64>,
    /// Last CPU reading of each provider process, and of Terraform itself.
    provider_ticks: BTreeMap<u32, u64>,
    terraform_ticks: u64,
}

impl RssWatch {
    pub fn new(parent: u32, exe_name: &str) -> RssWatch {
        RssWatch {
            parent,
            exe_name: exe_name.to_string(),
            unrelated: HashSet::new(),
            peaks: BTreeMap::new(),
            provider_ticks: BTreeMap::new(),
            terraform_ticks: 0,
        }
    }

    pub fn poll(&mut self) {
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
    pub fn cpu(&self) -> (Duration, Duration) {
        (
            ticks_to_duration(self.provider_ticks.values().sum()),
            ticks_to_duration(self.terraform_ticks),
        )
    }

    pub fn peak_kib(&self) -> Option<u64> {
        self.peaks.values().copied().max()
    }
}

pub fn cpu_model() -> String {
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

pub fn mem_total() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("MemTotal:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map(|kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into())
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}
