//! The state of a VM key reset and the conversion of HostUp's reply to it.

use crate::api::models::ResetVmKeysReply;
use crate::tf::number::Number;
use crate::tf::value::string;
use serde::{Deserialize, Serialize};
use tf_provider::value::{Value, ValueList, ValueMap, ValueNumber, ValueString};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VmResetState {
    pub id: ValueString<'static>,
    pub vmid: Value<Number>,
    /// A set in the schema, but a Vec here: a BTreeSet would merge two still-unknown ids (keys
    /// created in the same apply) into one, and Terraform rejects that plan.
    pub key_ids: ValueList<ValueString<'static>>,
    pub triggers: ValueMap<'static, ValueString<'static>>,
    pub message: ValueString<'static>,
    pub key_count: ValueNumber,
    pub account_id: ValueString<'static>,
    pub request_id: ValueString<'static>,
    pub reset_at: ValueString<'static>,
}

impl VmResetState {
    /// Fill the computed attributes from HostUp's reply to the reset of `vmid`.
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
