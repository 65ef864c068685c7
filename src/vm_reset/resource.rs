//! `hostup_vm_ssh_reset`: an action-style resource. Creating it resets a VM's SSH keys through
//! HostUp's v1 `POST /api/vm/{vmid}/reset-ssh-keys` (the VM restarts). Every argument forces a
//! new resource, so a changed `triggers` value runs the reset again; reading and destroying make no
//! request.

use super::state::{same_triggers, VmResetState};
use crate::api::Client;
use crate::configured::Configured;
use crate::tf::adapter::Managed;
use crate::tf::diagnostics::api_error;
use crate::tf::schema::{computed, optional, required, schema};
use crate::tf::validate::{check_not_null, quoted, segment_problem};
use async_trait::async_trait;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::{map, AttributePath, Diagnostics};

pub struct VmSshResetResource {
    configured: Configured<Client>,
}

impl VmSshResetResource {
    pub const TYPE_NAME: &'static str = "hostup_vm_ssh_reset";

    pub fn new(configured: Configured<Client>) -> Self {
        VmSshResetResource { configured }
    }
}

/// Refuse a null or non-positive `vmid` and a null, empty or blank `key_ids`; unknown values pass
/// until known. Returns the vmid when it is known and valid.
fn check(diags: &mut Diagnostics, s: &VmResetState) -> Option<u64> {
    check_not_null(diags, "vmid", &s.vmid);
    check_not_null(diags, "key_ids", &s.key_ids);
    let vmid = match &s.vmid {
        Value::Value(v) => match v.whole_in("vmid", 1..=i64::MAX) {
            Ok(v) => Some(v as u64),
            Err(msg) => {
                let msg = format!("{msg} HostUp VM ids are integers from 1, e.g. 10000.");
                diags.error("Invalid vmid", msg, AttributePath::new("vmid"));
                None
            }
        },
        _ => None,
    };
    if let Value::Value(ids) = &s.key_ids {
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
    vmid
}

fn restart_warning(diags: &mut Diagnostics, s: &VmResetState) {
    let vm = match &s.vmid {
        Value::Value(v) => format!("VM {v}"),
        _ => "the VM".to_string(),
    };
    diags.root_warning(
        format!("Applying this plan restarts {vm}"),
        format!(
            "hostup_vm_ssh_reset replaces the SSH keys of {vm} and HostUp restarts it to apply them. The reset \
             runs once; it runs again only when vmid, key_ids or triggers change."
        ),
    );
}

#[async_trait]
impl Managed for VmSshResetResource {
    type State = VmResetState;

    fn schema(&self) -> Schema {
        schema(
            "Resets the SSH keys of a HostUp VM to the given VPS SSH keys, once. **The VM restarts.** \
                     Change `triggers` to run the reset again (a key rotation). Destroying this resource only \
                     forgets the reset; it changes nothing on the VM.",
            map! {
                    "id" => computed(AttributeType::String, "Identifier of this reset (HostUp's request id)."),
                    "vmid" => required(AttributeType::Number, "The VM's id (an integer from 1). Forces a new reset."),
                    "key_ids" => required(AttributeType::Set(Box::new(AttributeType::String)), "Ids of VPS SSH keys to install, typically `[hostup_vps_ssh_key.x.id]`. At least one. Forces a new reset."),
                    "triggers" => optional(AttributeType::Map(Box::new(AttributeType::String)), "Arbitrary values; changing any of them runs the reset again, e.g. `{ key = hostup_vps_ssh_key.deploy.fingerprint }`."),
                    "message" => computed(AttributeType::String, "HostUp's message about the reset."),
                    "key_count" => computed(AttributeType::Number, "How many keys HostUp installed."),
                    "account_id" => computed(AttributeType::String, "The HostUp account owning the VM."),
                    "request_id" => computed(AttributeType::String, "HostUp's request id of the reset, for support."),
                    "reset_at" => computed(AttributeType::String, "When HostUp accepted the reset (ISO 8601)."),
                },
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) {
        check(diags, &config);
    }

    async fn read(&self, _diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        // A reset is an event, not an object HostUp keeps: nothing to read back.
        Some(state)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        mut s: Self::State,
    ) -> Option<Self::State> {
        check(diags, &s);
        for v in [
            &mut s.id,
            &mut s.message,
            &mut s.account_id,
            &mut s.request_id,
            &mut s.reset_at,
        ] {
            *v = Value::Unknown;
        }
        s.key_count = Value::Unknown;
        if diags.errors.is_empty() {
            restart_warning(diags, &s);
        }
        Some(s)
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State,
        proposed_state: Self::State,
    ) -> Option<(Self::State, &'static [&'static str])> {
        check(diags, &proposed_state);
        // Any change is a replacement, planned through plan_create; an unchanged reset keeps its
        // prior state.
        if proposed_state.vmid == prior_state.vmid && proposed_state.key_ids == prior_state.key_ids
        {
            if proposed_state.triggers == prior_state.triggers {
                return Some((prior_state, &["vmid", "key_ids", "triggers"]));
            }
            if same_triggers(&proposed_state, &prior_state) {
                // `{}` against none: Terraform wants the configured value in the plan, so this is
                // an in-place update of the state, never a reset (the VM would restart).
                let mut s = prior_state;
                s.triggers = proposed_state.triggers;
                return Some((s, &["vmid", "key_ids"]));
            }
        }
        Some((proposed_state, &["vmid", "key_ids", "triggers"]))
    }

    async fn create(&self, diags: &mut Diagnostics, planned: Self::State) -> Option<Self::State> {
        let vmid = check(diags, &planned);
        if !diags.errors.is_empty() {
            return None;
        }
        let api = self.configured.api(diags)?;
        let Some(vmid) = vmid else {
            diags.root_error(
                "vmid is not known",
                "`vmid` must be known when the reset runs.",
            );
            return None;
        };
        let key_ids: Vec<String> = planned
            .key_ids
            .iter()
            .flatten()
            .filter_map(|k| k.as_deref_option().map(str::to_string))
            .collect();
        match api.vm(vmid).reset_ssh_keys(&key_ids).await {
            Ok(reply) => Some(planned.with_reply(vmid, reply)),
            Err(e) => {
                let mut what = format!("Could not reset the SSH keys of VM {vmid}");
                if e.is_ambiguous() {
                    what.push_str(" (outcome unknown: not resent, since a reset restarts the VM)");
                }
                api_error(diags, &what, &e);
                None
            }
        }
    }

    async fn destroy(&self, _diags: &mut Diagnostics, _prior: Self::State) -> Option<()> {
        // Forgetting a reset changes nothing on the VM.
        Some(())
    }

    async fn import(&self, diags: &mut Diagnostics, _id: String) -> Option<Self::State> {
        diags.root_error(
            "hostup_vm_ssh_reset cannot be imported",
            "A reset is an event, not an object HostUp keeps: there is nothing to read back, so there is \
             nothing to import. Declare the resource in the configuration instead; applying it runs the \
             reset (and restarts the VM). To keep Terraform from running a reset you already did, leave \
             the resource out until the next rotation.",
        );
        None
    }
}
