//! What is measured: the three kinds of configuration, the steps run on each, the fewest API
//! requests each step can make, and the HCL.

use crate::{NULL_VERSION, PAGE_SIZE};
use hostup_mock::fixtures::VMID;
use hostup_testkit::keys::test_key;
use std::fmt::Write as _;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Keys,
    Baseline,
    Null,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Apply,
    Refresh,
    Destroy,
}

pub const STEPS: [Step; 3] = [Step::Apply, Step::Refresh, Step::Destroy];

impl Kind {
    pub fn resource(self) -> &'static str {
        match self {
            Kind::Keys => "hostup_vps_ssh_key",
            Kind::Baseline => "hostup_vm_ssh_reset",
            Kind::Null => "null_resource",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Kind::Keys => "keys",
            Kind::Baseline => "baseline",
            Kind::Null => "null",
        }
    }

    /// The fewest API requests the step can make; `None` where no API is involved.
    pub fn minimum(self, step: Step, n: usize) -> Option<usize> {
        match (self, step) {
            // A create reads what is already there before its first attempt (only a key absent
            // then may be adopted after a lost reply): one read of the empty account, shared by
            // every create.
            (Kind::Keys, Step::Apply) => Some(n + 1),
            (Kind::Keys, Step::Destroy) => Some(n),
            (Kind::Keys, Step::Refresh) => Some(n.div_ceil(PAGE_SIZE)),
            // One reset per resource, and one read of the key inventory by the plan and one by
            // the apply's final plan (the plan-time check of `key_ids`, shared by every reset);
            // reading and forgetting a reset need nothing.
            (Kind::Baseline, Step::Apply) => Some(n + 2),
            (Kind::Baseline, _) => Some(0),
            (Kind::Null, _) => None,
        }
    }
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Apply => "apply",
            Step::Refresh => "refresh-only plan",
            Step::Destroy => "destroy",
        }
    }

    pub fn args(self, parallelism: usize) -> Vec<String> {
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
pub fn bench_key(n: u32) -> String {
    test_key(n, &format!("bench-{n}"))
}

/// The three configurations share one shape: the same `locals` list of N key lines, indexed by
/// `count`, so Terraform spends the same effort evaluating them and the comparison isolates the
/// providers (a bare `count = N` baseline would be cheaper for Terraform itself).
pub fn hcl_config(kind: Kind, n: usize, baseline_key_id: &str) -> String {
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
