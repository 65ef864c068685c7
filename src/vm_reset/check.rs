//! The configuration checks of `hostup_vm_ssh_reset`, made at validate and again at plan and
//! apply: exactly one of `vmid` (the v1 reset) and `vps_id` (the v2 reset), the key ids, the
//! `timeouts` block. Unknown values pass until known.

use super::state::VmResetState;
use crate::duration::parse_duration;
use crate::tf::validate::{check_not_null, quoted, segment_problem};
use std::time::Duration;
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

/// How long a v2 reset may take when `timeouts.create` is not set.
pub const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(600);
pub const DEFAULT_CREATE_TIMEOUT_TEXT: &str = "10m";

/// Which reset the configuration asks for, with its machine when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// `POST /api/vm/{vmid}/reset-ssh-keys`.
    V1(Option<u64>),
    /// `POST /api/v2/vps/{id}/actions/reset-ssh-keys`.
    V2(Option<String>),
    /// Not known yet (an unknown value), or refused.
    Undecided,
}

/// Check `s`, reporting every problem on its attribute; the form it asks for.
pub fn check(diags: &mut Diagnostics, s: &VmResetState) -> Form {
    let form = check_machine(diags, s);
    check_key_ids(diags, s);
    create_timeout(diags, s);
    form
}

fn check_machine(diags: &mut Diagnostics, s: &VmResetState) -> Form {
    match (&s.vmid, &s.vps_id) {
        (Value::Value(_), Value::Value(_)) => {
            diags.error(
                "Conflicting arguments",
                "`vmid` and `vps_id` are both set; give exactly one. `vmid` is the VM's numeric id \
                 for HostUp's v1 reset, `vps_id` the VPS's `vps_…` id for the v2 reset (e.g. \
                 one(data.hostup_vps_instances.web.instances).id). HostUp publishes no way to \
                 tell that the two name the same machine.",
                AttributePath::new("vps_id"),
            );
            return Form::Undecided;
        }
        (Value::Null, Value::Null) => {
            diags.error(
                "Missing required argument",
                "`vmid` is null, but it is required unless `vps_id` is set. Give exactly one of \
                 them: `vmid` (the VM's numeric id, e.g. 10000, for HostUp's v1 reset) or `vps_id` \
                 (the VPS's `vps_…` id, e.g. from the hostup_vps_instances data source, for the v2 \
                 reset).",
                AttributePath::new("vmid"),
            );
            return Form::Undecided;
        }
        _ => {}
    }
    if let Value::Value(v) = &s.vmid {
        return match v.whole_in("vmid", 1..=i64::MAX) {
            Ok(v) => Form::V1(Some(v as u64)),
            Err(msg) => {
                let msg = format!("{msg} HostUp VM ids are integers from 1, e.g. 10000.");
                diags.error("Invalid vmid", msg, AttributePath::new("vmid"));
                Form::Undecided
            }
        };
    }
    if let Some(id) = s.vps_id.as_deref_option() {
        let problem = match segment_problem(id) {
            Some(p) => Some(format!("it {p}")),
            None if id.bytes().all(|b| b.is_ascii_digit()) => {
                Some("it is a number: a numeric VM id goes in `vmid` (the v1 reset)".to_string())
            }
            None if !id.starts_with("vps_") => Some("it does not start with `vps_`".to_string()),
            None => None,
        };
        return match problem {
            Some(p) => {
                diags.error(
                    "Invalid vps_id",
                    format!(
                        "`vps_id` is {}: {p}. Give HostUp's id of the VPS, e.g. \
                         \"vps_01hxa3b4c5d6e7f8g9h0j1k2m3\", as the hostup_vps_instances data \
                         source lists it.",
                        quoted(id)
                    ),
                    AttributePath::new("vps_id"),
                );
                Form::Undecided
            }
            None => Form::V2(Some(id.to_string())),
        };
    }
    // One is unknown, the other null or unknown: the form is known once the value is.
    match (&s.vmid, &s.vps_id) {
        (Value::Unknown, Value::Null) => Form::V1(None),
        (Value::Null, Value::Unknown) => Form::V2(None),
        _ => Form::Undecided,
    }
}

/// Refuse a null, empty or blank `key_ids`, and ids that can name no key.
fn check_key_ids(diags: &mut Diagnostics, s: &VmResetState) {
    check_not_null(diags, "key_ids", &s.key_ids);
    let Value::Value(ids) = &s.key_ids else {
        return;
    };
    if ids.is_empty() {
        diags.error(
            "No SSH keys to reset to",
            "`key_ids` is empty. Give at least one VPS SSH key id, e.g. [hostup_vps_ssh_key.deploy.id]; \
             resetting to no keys would lock everyone out of the VM.",
            AttributePath::new("key_ids"),
        );
    }
    if ids
        .iter()
        .any(|id| id.as_deref_option().is_some_and(|s| s.trim().is_empty()))
    {
        diags.error(
            "Blank SSH key id",
            "`key_ids` contains an empty or blank string. Use ids of VPS SSH keys, e.g. hostup_vps_ssh_key.deploy.id.",
            AttributePath::new("key_ids"),
        );
    }
    // HostUp's ids are path segments elsewhere; "." or "ssh_1/x" can name no key.
    let odd = ids.iter().find_map(|id| {
        let id = id.as_deref_option().filter(|s| !s.trim().is_empty())?;
        Some((id, segment_problem(id)?))
    });
    if let Some((id, problem)) = odd {
        diags.error(
            "Invalid SSH key id",
            format!(
                "`key_ids` holds {}: it {problem}. Use ids of VPS SSH keys, e.g. \
                 hostup_vps_ssh_key.deploy.id (\"ssh_01hx...\", or a legacy id such as \"2830\").",
                quoted(id)
            ),
            AttributePath::new("key_ids"),
        );
    }
}

/// `timeouts.create` as a duration: the default when not set, `None` when unknown or refused.
pub fn create_timeout(diags: &mut Diagnostics, s: &VmResetState) -> Option<Duration> {
    let create = match &s.timeouts {
        Value::Value(t) => &t.create,
        Value::Null => return Some(DEFAULT_CREATE_TIMEOUT),
        Value::Unknown => return None,
    };
    match create {
        Value::Null => Some(DEFAULT_CREATE_TIMEOUT),
        Value::Unknown => None,
        Value::Value(text) => match parse_duration(text) {
            Ok(d) => Some(d),
            Err(msg) => {
                diags.error(
                    "Invalid timeouts.create",
                    format!(
                        "`timeouts.create`: {msg} It bounds how long a v2 reset (`vps_id`) waits \
                         for HostUp's job, e.g. \"10m\" (the default)."
                    ),
                    AttributePath::new("timeouts").index(0).attribute("create"),
                );
                None
            }
        },
    }
}
