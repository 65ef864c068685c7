//! The state shapes of a hosting key and the one conversion from HostUp's key to them.

use crate::api::models::HostingSshKey;
use crate::ssh_key::{key_type_of, PublicKey};
use crate::tf::value::string;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use tf_provider::value::{Value, ValueBool, ValueNumber, ValueString};

/// One key as the data source lists it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HostingKeyObject {
    pub id: ValueString<'static>,
    pub name: ValueString<'static>,
    pub fingerprint: ValueString<'static>,
    pub fingerprint_md5: ValueString<'static>,
    pub key_type: ValueString<'static>,
    pub bits: ValueNumber,
    pub comment: ValueString<'static>,
    pub public_key: ValueString<'static>,
}

/// The resource's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HostingKeyState {
    pub id: ValueString<'static>,
    pub account_id: ValueString<'static>,
    pub name: ValueString<'static>,
    pub public_key: ValueString<'static>,
    pub fingerprint: ValueString<'static>,
    pub fingerprint_md5: ValueString<'static>,
    pub key_type: ValueString<'static>,
    pub bits: ValueNumber,
    pub comment: ValueString<'static>,
    pub authorized: ValueBool,
}

impl HostingKeyObject {
    /// HostUp's key as Terraform sees it: the fingerprints and key family derived from the key
    /// material when it parses (HostUp reports no MD5 fingerprint); bits and comment as HostUp
    /// reports them, else from the key material.
    pub fn from_api(k: &HostingSshKey) -> Self {
        let parsed = k
            .public_key
            .as_deref()
            .and_then(|pk| PublicKey::parse(pk).ok());
        let parsed = parsed.as_ref();
        HostingKeyObject {
            id: string(&k.id),
            name: string(&k.name),
            fingerprint: Value::from(k.derived_fingerprint().map(Cow::from)),
            fingerprint_md5: Value::from(parsed.map(PublicKey::fingerprint_md5).map(Cow::from)),
            // The family, as on VPS keys: from the key material, else HostUp's `type`.
            key_type: Value::from(
                parsed
                    .map(|p| p.key_type().to_string())
                    .or_else(|| k.key_type.as_deref().map(|t| key_type_of(t).to_string()))
                    .map(Cow::from),
            ),
            bits: match (k.bits, parsed) {
                (Some(b), _) => Value::Value(b),
                (None, Some(p)) => Value::Value(p.bits() as i64),
                _ => Value::Null,
            },
            comment: Value::from(
                (k.comment
                    .clone()
                    .or_else(|| parsed.and_then(|p| p.comment().map(str::to_string))))
                .map(Cow::from),
            ),
            public_key: Value::from(k.public_key.clone().map(Cow::from)),
        }
    }
}

impl HostingKeyState {
    /// The resource's view of HostUp's key on `account_id`. `authorized` is null: the list does
    /// not say it.
    pub fn from_api(account_id: &str, k: &HostingSshKey) -> Self {
        let o = HostingKeyObject::from_api(k);
        HostingKeyState {
            id: o.id,
            account_id: string(account_id),
            name: o.name,
            public_key: o.public_key,
            fingerprint: o.fingerprint,
            fingerprint_md5: o.fingerprint_md5,
            key_type: o.key_type,
            bits: o.bits,
            comment: o.comment,
            authorized: Value::Null,
        }
    }
}
