//! `hostup_vm_ssh_reset`: an action-style resource. Creating it resets a machine's SSH keys (the
//! machine restarts): by `vmid` through HostUp's v1 `POST /api/vm/{vmid}/reset-ssh-keys`, or by
//! `vps_id` through the v2 `POST /api/v2/vps/{id}/actions/reset-ssh-keys`, whose job is followed
//! until it completes ([`super::v2`]). Every argument forces a new resource, so a changed
//! `triggers` value runs the reset again; reading and destroying make no request.

use super::check::{check, create_timeout, Form};
use super::inventory;
use super::state::{same_triggers, VmResetState};
use crate::api::Client;
use crate::configured::Configured;
use crate::tf::adapter::Managed;
use crate::tf::diagnostics::api_error;
use crate::tf::schema::{computed, optional, required, schema};
use crate::vps_instance::store::VpsInstanceStore;
use crate::vps_key::store::VpsKeyStore;
use async_trait::async_trait;
use tf_provider::schema::{AttributeType, Block, Description, NestedBlock, Schema};
use tf_provider::value::Value;
use tf_provider::{map, Diagnostics};

pub struct VmSshResetResource {
    configured: Configured<Client>,
    keys: Configured<VpsKeyStore>,
    instances: Configured<VpsInstanceStore>,
}

impl VmSshResetResource {
    pub const TYPE_NAME: &'static str = "hostup_vm_ssh_reset";

    pub fn new(
        configured: Configured<Client>,
        keys: Configured<VpsKeyStore>,
        instances: Configured<VpsInstanceStore>,
    ) -> Self {
        VmSshResetResource {
            configured,
            keys,
            instances,
        }
    }
}

fn restart_warning(diags: &mut Diagnostics, s: &VmResetState) {
    let machine = match (&s.vmid, s.vps_id.as_deref_option()) {
        (Value::Value(v), _) => format!("VM {v}"),
        (_, Some(id)) => format!("VPS {id}"),
        _ => "the VM".to_string(),
    };
    diags.root_warning(
        format!("Applying this plan restarts {machine}"),
        format!(
            "hostup_vm_ssh_reset replaces the SSH keys of {machine} and HostUp restarts it to apply \
             them. The reset runs once; it runs again only when vmid, vps_id, key_ids or triggers \
             change."
        ),
    );
}

/// The results a reset will have, unknown until it runs; those its form never has, null.
fn planned_results(s: VmResetState, form: &Form) -> VmResetState {
    let mut s = s.unknown_results();
    match form {
        Form::V1(_) => {
            s.job_id = Value::Null;
            s.status = Value::Null;
        }
        Form::V2(_) => {
            s.key_count = Value::Null;
            s.account_id = Value::Null;
            s.request_id = Value::Null;
            s.reset_at = Value::Null;
        }
        Form::Undecided => {}
    }
    s
}

fn timeouts_block() -> NestedBlock {
    NestedBlock::Optional(Block {
        description: Description::markdown(
            "How long the reset may take. Only the v2 reset (`vps_id`) waits for HostUp's job.",
        ),
        attributes: map! {
            "create" => optional(AttributeType::String, "How long a v2 reset waits for HostUp's job to complete, e.g. `\"10m\"` (the default) or `\"1h\"`; at most `24h`. A job still running then fails the apply (the reset may still complete)."),
        },
        ..Default::default()
    })
}

#[async_trait]
impl Managed for VmSshResetResource {
    type State = VmResetState;

    fn schema(&self) -> Schema {
        let mut s = schema(
            "Resets the SSH keys of a HostUp VM to the given VPS SSH keys, once. **The VM restarts.** \
                     Name the machine by `vmid` (HostUp's v1 reset) or by `vps_id` (the v2 reset, which \
                     HostUp runs as a job the provider waits for). Change `triggers` to run the reset \
                     again (a key rotation). Destroying this resource only forgets the reset; it changes \
                     nothing on the VM.",
            map! {
                    "id" => computed(AttributeType::String, "Identifier of this reset: HostUp's request id (v1) or job id (v2)."),
                    "vmid" => optional(AttributeType::Number, "The VM's numeric id (an integer from 1), for HostUp's v1 reset. Exactly one of `vmid` and `vps_id`. Forces a new reset."),
                    "vps_id" => optional(AttributeType::String, "The VPS's id (`vps_…`), e.g. `one(data.hostup_vps_instances.web.instances).id`, for HostUp's v2 reset. Exactly one of `vmid` and `vps_id`. Forces a new reset."),
                    "key_ids" => required(AttributeType::Set(Box::new(AttributeType::String)), "Ids of VPS SSH keys to install, typically `[hostup_vps_ssh_key.x.id]`. At least one. With `vps_id`, the keys' `ssh_…` ids. Forces a new reset."),
                    "triggers" => optional(AttributeType::Map(Box::new(AttributeType::String)), "Arbitrary values; changing any of them runs the reset again, e.g. `{ key = hostup_vps_ssh_key.deploy.fingerprint }`."),
                    "message" => computed(AttributeType::String, "HostUp's message about the reset (v2: the job's `result.message`, when it gives one)."),
                    "key_count" => computed(AttributeType::Number, "How many keys HostUp installed (v1 only; null for a v2 reset)."),
                    "account_id" => computed(AttributeType::String, "The HostUp account owning the VM (v1 only; null for a v2 reset)."),
                    "request_id" => computed(AttributeType::String, "HostUp's request id of the reset, for support (v1 only; null for a v2 reset)."),
                    "reset_at" => computed(AttributeType::String, "When HostUp accepted the reset (ISO 8601; v1 only, null for a v2 reset)."),
                    "job_id" => computed(AttributeType::String, "HostUp's job id of a v2 reset (`vps_id`); null for a v1 reset."),
                    "status" => computed(AttributeType::String, "The final status of a v2 reset's job: `completed` (a reset is in the state only once HostUp reports it completed); null for a v1 reset."),
                },
        );
        s.block.blocks.insert("timeouts".into(), timeouts_block());
        s
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) {
        check(diags, &config);
    }

    async fn read(&self, _diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        // A reset is an event, not an object HostUp keeps: nothing to read back.
        Some(state)
    }

    async fn plan_create(&self, diags: &mut Diagnostics, s: Self::State) -> Option<Self::State> {
        let form = check(diags, &s);
        let s = planned_results(s, &form);
        if diags.errors.is_empty() {
            if let Some(store) = self.keys.try_api() {
                inventory::check_keys(diags, &store, &s, &form).await;
            }
            if let Some(store) = self.instances.try_api() {
                inventory::check_vps(diags, &store, &form).await;
            }
        }
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
        const REPLACE: &[&str] = &["vmid", "vps_id", "key_ids", "triggers"];
        // Any change is a replacement, planned through plan_create; an unchanged reset keeps its
        // prior state (with the configured timeouts, which change nothing on the VM).
        let same_machine = proposed_state.vmid == prior_state.vmid
            && proposed_state.vps_id == prior_state.vps_id
            && proposed_state.key_ids == prior_state.key_ids;
        if same_machine {
            let timeouts = proposed_state.timeouts.clone();
            if proposed_state.triggers == prior_state.triggers {
                let mut s = prior_state;
                s.timeouts = timeouts;
                return Some((s, REPLACE));
            }
            if same_triggers(&proposed_state, &prior_state) {
                // `{}` against none: Terraform wants the configured value in the plan, so this is
                // an in-place update of the state, never a reset (the VM would restart).
                let mut s = prior_state;
                s.triggers = proposed_state.triggers;
                s.timeouts = timeouts;
                return Some((s, &["vmid", "vps_id", "key_ids"]));
            }
        }
        Some((proposed_state, REPLACE))
    }

    async fn create(&self, diags: &mut Diagnostics, planned: Self::State) -> Option<Self::State> {
        let started = tokio::time::Instant::now();
        let form = check(diags, &planned);
        if !diags.errors.is_empty() {
            return None;
        }
        let api = self.configured.api(diags)?;
        let key_ids: Vec<String> = planned
            .key_ids
            .iter()
            .flatten()
            .filter_map(|k| k.as_deref_option().map(str::to_string))
            .collect();
        match form {
            Form::V1(Some(vmid)) => match api.vm(vmid).reset_ssh_keys(&key_ids).await {
                Ok(reply) => Some(planned.with_reply(vmid, reply)),
                Err(e) => {
                    let mut what = format!("Could not reset the SSH keys of VM {vmid}");
                    if e.is_ambiguous() {
                        what.push_str(
                            " (outcome unknown: not resent, since a reset restarts the VM)",
                        );
                    }
                    api_error(diags, &what, &e);
                    None
                }
            },
            Form::V2(Some(vps_id)) => {
                let timeout = create_timeout(diags, &planned)?;
                let given = match &planned.timeouts {
                    Value::Value(t) => t.create.as_deref_option().map(str::to_string),
                    _ => None,
                };
                let (job_id, op) = super::v2::reset(
                    diags,
                    &api,
                    &vps_id,
                    &key_ids,
                    (timeout, given.as_deref()),
                    started,
                )
                .await?;
                Some(planned.with_job(&job_id, &op))
            }
            _ => {
                diags.root_error(
                    "vmid or vps_id is not known",
                    "`vmid` or `vps_id` must be known when the reset runs.",
                );
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
