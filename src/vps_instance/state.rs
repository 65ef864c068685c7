//! The state of `hostup_vps_instances` and the conversion of HostUp's instance to it.

use crate::api::vps_models::VpsInstance;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use tf_provider::schema::AttributeType;
use tf_provider::value::{Value, ValueList, ValueString};

/// The attributes of one instance, with their descriptions.
pub const INSTANCE: [(&str, &str); 5] = [
    ("id", "HostUp's id of the VPS, e.g. `vps_01hxa3b4c5d6e7f8g9h0j1k2m3`: the `vps_id` of `hostup_vm_ssh_reset`."),
    ("name", "The VPS's name."),
    ("primary_ip", "Its primary IP address; null when HostUp reports none."),
    ("service_status", "`active`, `suspended`, `terminated`, `pending`, `cancelled`, `expired`, `fraud` or `unknown`."),
    ("power_state", "`running`, `stopped`, `starting`, `stopping`, `paused`, `provisioning`, `error` or `unknown`; null when HostUp reports none."),
];

/// One instance as an object type (a list of objects, which Terraform 1.0 reads).
pub fn object_type() -> AttributeType {
    AttributeType::Object(
        INSTANCE
            .iter()
            .map(|(n, _)| (n.to_string(), AttributeType::String))
            .collect(),
    )
}

/// The names and descriptions of [`INSTANCE`], for the attribute's description.
pub fn described() -> String {
    let items: Vec<String> = INSTANCE
        .iter()
        .map(|(n, d)| format!("`{n}` ({d})"))
        .collect();
    items.join("; ")
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InstanceObject {
    pub id: ValueString<'static>,
    pub name: ValueString<'static>,
    pub primary_ip: ValueString<'static>,
    pub service_status: ValueString<'static>,
    pub power_state: ValueString<'static>,
}

impl InstanceObject {
    pub fn from_api(v: &VpsInstance) -> Self {
        let opt = |s: &Option<String>| Value::from(s.clone().map(Cow::from));
        InstanceObject {
            id: Value::Value(v.id.clone().into()),
            name: opt(&v.name),
            primary_ip: opt(&v.primary_ip),
            service_status: opt(&v.service_status),
            power_state: opt(&v.power_state),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpsInstancesState {
    pub name: ValueString<'static>,
    pub primary_ip: ValueString<'static>,
    pub instances: ValueList<Value<InstanceObject>>,
}
