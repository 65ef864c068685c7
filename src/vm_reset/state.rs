//! The state of a VM key reset and the conversion of HostUp's replies to it: the v1 reply, or the
//! final state of a v2 reset's job.

use crate::api::models::ResetVmKeysReply;
use crate::api::vps_models::Operation;
use crate::tf::number::Number;
use crate::tf::value::string;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use tf_provider::value::{Value, ValueList, ValueMap, ValueNumber, ValueString};

/// The `timeouts` block: how long a v2 reset may take, as users know it from other providers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Timeouts {
    pub create: ValueString<'static>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VmResetState {
    pub id: ValueString<'static>,
    pub vmid: Value<Number>,
    pub vps_id: ValueString<'static>,
    /// A set in the schema, but a Vec here: a BTreeSet would merge two still-unknown ids (keys
    /// created in the same apply) into one, and Terraform rejects that plan.
    pub key_ids: ValueList<ValueString<'static>>,
    pub triggers: ValueMap<'static, ValueString<'static>>,
    pub message: ValueString<'static>,
    pub key_count: ValueNumber,
    pub account_id: ValueString<'static>,
    pub request_id: ValueString<'static>,
    pub reset_at: ValueString<'static>,
    pub job_id: ValueString<'static>,
    pub status: ValueString<'static>,
    /// A block of at most one (a list on the wire; null in a state an older version wrote).
    #[serde(with = "crate::tf::block")]
    pub timeouts: Value<Timeouts>,
}

impl VmResetState {
    /// Fill the computed attributes from HostUp's reply to the v1 reset of `vmid`.
    pub fn with_reply(mut self, vmid: u64, reply: ResetVmKeysReply) -> Self {
        let d = reply.data;
        let request_id = reply.request_id;
        self.id = string(if request_id.is_empty() {
            format!("{vmid}-{}", reply.timestamp)
        } else {
            request_id.clone()
        });
        self.message = string(d.message);
        self.key_count = Value::Value(d.key_count);
        self.account_id = string(d.account_id);
        self.request_id = string(request_id);
        self.reset_at = string(reply.timestamp);
        self.job_id = Value::Null;
        self.status = Value::Null;
        self
    }

    /// Fill the computed attributes from the completed job of a v2 reset. HostUp's operation
    /// carries no request id, account or time, so those stay null.
    pub fn with_job(mut self, job_id: &str, op: &Operation) -> Self {
        self.id = string(job_id);
        self.job_id = string(job_id);
        self.status = string(&op.status);
        self.message = Value::from(op.message().map(Cow::from));
        self.key_count = Value::Null;
        self.account_id = Value::Null;
        self.request_id = Value::Null;
        self.reset_at = Value::Null;
        self
    }

    /// Every computed attribute unknown, for a plan that will run the reset.
    pub fn unknown_results(mut self) -> Self {
        for v in [
            &mut self.id,
            &mut self.message,
            &mut self.account_id,
            &mut self.request_id,
            &mut self.reset_at,
            &mut self.job_id,
            &mut self.status,
        ] {
            *v = Value::Unknown;
        }
        self.key_count = Value::Unknown;
        self
    }
}

/// `triggers = {}` and no triggers mean the same: neither should restart a VM.
pub fn same_triggers(a: &VmResetState, b: &VmResetState) -> bool {
    let empty = |s: &VmResetState| match &s.triggers {
        Value::Value(m) => m.is_empty(),
        Value::Null => true,
        Value::Unknown => false,
    };
    a.triggers == b.triggers || (empty(a) && empty(b))
}
