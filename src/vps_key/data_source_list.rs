//! `hostup_vps_ssh_keys`: every VPS SSH key of the account (all pages), optionally filtered.

use super::attributes::{self as attr, KEY_TYPES};
use super::state::VpsKeyObject;
use super::store::VpsKeyStore;
use crate::configured::Configured;
use crate::ssh_key::{key_type_of, PublicKey};
use crate::tf::adapter::Data;
use crate::tf::diagnostics::OrReport;
use crate::tf::schema::{computed, optional, schema};
use crate::tf::validate::compile_regex;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueList, ValueString};
use tf_provider::{map, AttributePath, Diagnostics};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpsKeysState {
    pub name_regex: ValueString<'static>,
    pub key_type: ValueString<'static>,
    pub keys: ValueList<Value<VpsKeyObject>>,
}

pub struct VpsSshKeysDataSource {
    configured: Configured<VpsKeyStore>,
}

impl VpsSshKeysDataSource {
    pub const TYPE_NAME: &'static str = "hostup_vps_ssh_keys";

    pub fn new(configured: Configured<VpsKeyStore>) -> Self {
        VpsSshKeysDataSource { configured }
    }
}

/// Check `key_type` against HostUp's enum (also accepting OpenSSH names like `ssh-ed25519`).
fn check_key_type(diags: &mut Diagnostics, v: &ValueString<'_>) -> Option<String> {
    let t = v.as_deref_option()?;
    let normalized = if KEY_TYPES.contains(&t) {
        t.to_string()
    } else {
        match key_type_of(t) {
            "unknown" => {
                diags.error(
                    "Invalid key_type",
                    format!(
                        "`key_type` is \"{t}\"; expected one of {}.",
                        KEY_TYPES.join(", ")
                    ),
                    AttributePath::new("key_type"),
                );
                return None;
            }
            k => k.to_string(),
        }
    };
    Some(normalized)
}

/// Every key of the account as the data sources show it, `legacy_id` included, unless the
/// configuration has errors already.
pub(super) async fn every_key(
    configured: &Configured<VpsKeyStore>,
    diags: &mut Diagnostics,
) -> Option<Vec<VpsKeyObject>> {
    if !diags.errors.is_empty() {
        return None;
    }
    let api = configured.api(diags)?;
    let all = api
        .keys()
        .await
        .or_report(diags, "Could not list VPS SSH keys")?;
    let legacy = api
        .legacy_keys()
        .await
        .or_report(diags, "Could not read the legacy key view for legacy_id")?;
    // One key is matched across the two views by key type and blob, never by name.
    let legacy_ids: HashMap<String, i64> = legacy
        .iter()
        .flat_map(|l| l.iter())
        .filter_map(|l| Some((PublicKey::parse(&l.key).ok()?.canonical(), l.id)))
        .collect();
    Some(
        all.iter()
            .map(|k| {
                let mut o = VpsKeyObject::from_api(k);
                let canonical = PublicKey::parse(&k.public_key).map(|p| p.canonical());
                o.legacy_id = Value::from(
                    (canonical
                        .ok()
                        .and_then(|c| legacy_ids.get(&c))
                        .map(|id| id.to_string()))
                    .map(Cow::from),
                );
                o
            })
            .collect(),
    )
}

#[async_trait]
impl Data for VpsSshKeysDataSource {
    type State = VpsKeysState;

    fn schema(&self) -> Schema {
        schema(
            "Lists the account's VPS SSH keys (every page of HostUp's inventory), optionally filtered.",
            map! {
                    "name_regex" => optional(AttributeType::String, "Keep only keys whose name matches this regular expression (Rust `regex` syntax; unanchored: use `^...$` for a whole-name match)."),
                    "key_type" => optional(AttributeType::String, "Keep only keys of this type: `rsa`, `ed25519`, `ecdsa`, `dsa` or `unknown`."),
                    "keys" => computed(
                        AttributeType::List(Box::new(attr::object_type())),
                        &format!("The matching keys, in HostUp's order. Each has {}.", attr::names()),
                    ),
                },
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) {
        compile_regex(diags, "name_regex", &config.name_regex);
        check_key_type(diags, &config.key_type);
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let regex = compile_regex(diags, "name_regex", &config.name_regex);
        let key_type = check_key_type(diags, &config.key_type);
        let all = every_key(&self.configured, diags).await?;
        let keys = all
            .into_iter()
            .filter(|o| {
                regex
                    .as_ref()
                    .is_none_or(|r| o.name.as_deref_option().is_some_and(|n| r.is_match(n)))
            })
            .filter(|o| {
                key_type
                    .as_deref()
                    .is_none_or(|t| o.key_type.as_deref_option() == Some(t))
            })
            .map(Value::Value)
            .collect();
        let mut s = config;
        s.keys = Value::Value(keys);
        Some(s)
    }
}
