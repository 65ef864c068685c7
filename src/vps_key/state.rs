//! The state shapes of a VPS key and the one conversion from HostUp's key object to them.

use crate::api::models::VpsSshKey;
use crate::tf::public_key::md5_of;
use crate::tf::value::string;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use tf_provider::value::{Value, ValueString};

/// One key as the data sources expose it (every attribute of the table in `attributes`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VpsKeyObject {
    pub id: ValueString<'static>,
    pub display_id: ValueString<'static>,
    pub name: ValueString<'static>,
    pub public_key: ValueString<'static>,
    pub fingerprint: ValueString<'static>,
    pub fingerprint_md5: ValueString<'static>,
    pub key_type: ValueString<'static>,
    pub created_at: ValueString<'static>,
    pub last_used_at: ValueString<'static>,
    pub legacy_id: ValueString<'static>,
}

/// The resource's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VpsKeyState {
    pub id: ValueString<'static>,
    pub name: ValueString<'static>,
    pub public_key: ValueString<'static>,
    pub fingerprint: ValueString<'static>,
    pub fingerprint_md5: ValueString<'static>,
    pub key_type: ValueString<'static>,
    pub created_at: ValueString<'static>,
}

impl VpsKeyObject {
    /// HostUp's key as Terraform sees it: fingerprint and type derived from the key material when
    /// it parses, HostUp's values otherwise (HostUp reports no MD5 fingerprint).
    pub fn from_api(k: &VpsSshKey) -> Self {
        let public_key = string(&k.public_key);
        VpsKeyObject {
            id: string(&k.id),
            display_id: Value::from(k.display_id.clone().map(Cow::from)),
            name: string(&k.name),
            fingerprint: Value::from(k.derived_fingerprint().map(Cow::from)),
            fingerprint_md5: md5_of(&public_key),
            public_key,
            key_type: Value::from(k.derived_key_type().map(Cow::from)),
            created_at: Value::from(k.created_at.clone().map(Cow::from)),
            last_used_at: Value::from(k.last_used_at.clone().map(Cow::from)),
            // Known only from the legacy view, which the data sources read separately.
            legacy_id: ValueString::Null,
        }
    }
}

impl VpsKeyState {
    /// The resource's view of HostUp's key (the attributes the resource has).
    pub fn from_api(k: &VpsSshKey) -> Self {
        let o = VpsKeyObject::from_api(k);
        VpsKeyState {
            id: o.id,
            name: o.name,
            public_key: o.public_key,
            fingerprint: o.fingerprint,
            fingerprint_md5: o.fingerprint_md5,
            key_type: o.key_type,
            created_at: o.created_at,
        }
    }
}
