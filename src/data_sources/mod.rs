//! Terraform data sources, one file each, and what they share.

pub mod hosting_ssh_keys;
pub mod vps_ssh_key;
pub mod vps_ssh_keys;

use crate::api::models::VpsSshKey;
use crate::inventory::{vps_key_fingerprint, vps_key_type};
use crate::tfutil::{opt_string, string};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tf_provider::schema::AttributeType;
use tf_provider::value::ValueString;

/// One VPS key as the data sources expose it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VpsKeyObject {
    #[serde(default)]
    pub id: ValueString<'static>,
    #[serde(default)]
    pub display_id: ValueString<'static>,
    #[serde(default)]
    pub name: ValueString<'static>,
    #[serde(default)]
    pub public_key: ValueString<'static>,
    #[serde(default)]
    pub fingerprint: ValueString<'static>,
    #[serde(default)]
    pub key_type: ValueString<'static>,
    #[serde(default)]
    pub created_at: ValueString<'static>,
    #[serde(default)]
    pub last_used_at: ValueString<'static>,
}

/// Attribute names and descriptions of [`VpsKeyObject`], for schemas and docs.
pub const VPS_KEY_FIELDS: &[(&str, &str)] = &[
    ("id", "HostUp's public id of the key (`ssh_...`)."),
    (
        "display_id",
        "HostUp's compatibility display id, when it reports one.",
    ),
    ("name", "Label of the key."),
    ("public_key", "OpenSSH public key line as HostUp stores it."),
    ("fingerprint", "`SHA256:` fingerprint of the key."),
    ("key_type", "`rsa`, `ed25519`, `ecdsa`, `dsa` or `unknown`."),
    ("created_at", "Creation time (ISO 8601), when reported."),
    (
        "last_used_at",
        "Last use (ISO 8601), when HostUp reports it.",
    ),
];

pub fn vps_key_object_type() -> AttributeType {
    AttributeType::Object(
        VPS_KEY_FIELDS
            .iter()
            .map(|(n, _)| (n.to_string(), AttributeType::String))
            .collect::<HashMap<_, _>>(),
    )
}

impl VpsKeyObject {
    pub fn from_api(k: &VpsSshKey) -> Self {
        VpsKeyObject {
            id: string(&k.id),
            display_id: opt_string(k.display_id.clone()),
            name: string(&k.name),
            public_key: string(&k.public_key),
            fingerprint: opt_string(vps_key_fingerprint(k)),
            key_type: opt_string(vps_key_type(k)),
            created_at: opt_string(k.created_at.clone()),
            last_used_at: opt_string(k.last_used_at.clone()),
        }
    }
}
