//! `hostup_hosting_ssh_keys`: the SSH keys authorized on a shared-hosting account, its ready-to-copy
//! SSH command and whether new keys can be added.

use crate::api::models::HostingSshKey;
use crate::provider::Shared;
use crate::tfutil::*;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueBool, ValueEmpty, ValueList, ValueNumber, ValueString};
use tf_provider::{map, AttributePath, DataSource, Diagnostics};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostingKeyObject {
    #[serde(default)]
    pub id: ValueString<'static>,
    #[serde(default)]
    pub name: ValueString<'static>,
    #[serde(default)]
    pub fingerprint: ValueString<'static>,
    #[serde(default, rename = "type")]
    pub key_type: ValueString<'static>,
    #[serde(default)]
    pub bits: ValueNumber,
    #[serde(default)]
    pub comment: ValueString<'static>,
    #[serde(default)]
    pub public_key: ValueString<'static>,
}

impl HostingKeyObject {
    fn from_api(k: &HostingSshKey) -> Self {
        HostingKeyObject {
            id: string(&k.id),
            name: string(&k.name),
            fingerprint: opt_string(k.fingerprint.clone()),
            key_type: opt_string(k.key_type.clone()),
            bits: k.bits.map(Value::Value).unwrap_or(Value::Null),
            comment: opt_string(k.comment.clone()),
            public_key: opt_string(k.public_key.clone()),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HostingKeysState {
    #[serde(default)]
    pub account_id: ValueString<'static>,
    #[serde(default)]
    pub keys: ValueList<Value<HostingKeyObject>>,
    #[serde(default)]
    pub ssh_command: ValueString<'static>,
    #[serde(default)]
    pub can_add: ValueBool,
    #[serde(default)]
    pub can_add_reason: ValueString<'static>,
    #[serde(default)]
    pub can_add_code: ValueString<'static>,
}

pub struct HostingSshKeysDataSource {
    shared: Shared,
}

impl HostingSshKeysDataSource {
    pub fn new(shared: Shared) -> Self {
        HostingSshKeysDataSource { shared }
    }
}

fn key_object_type() -> AttributeType {
    let s = |n: &str| (n.to_string(), AttributeType::String);
    AttributeType::Object(HashMap::from([
        s("id"),
        s("name"),
        s("fingerprint"),
        s("type"),
        ("bits".to_string(), AttributeType::Number),
        s("comment"),
        s("public_key"),
    ]))
}

#[async_trait]
impl DataSource for HostingSshKeysDataSource {
    type State<'a> = HostingKeysState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema(
            "The SSH keys authorized on a HostUp shared-hosting account, its SSH command and whether \
                     new keys can be added.",
            map! {
                    "account_id" => required(AttributeType::String, "Shared-hosting account id (`acct_...`)."),
                    "keys" => computed(AttributeType::List(Box::new(key_object_type())), "Keys on the account, each with `id`, `name`, `fingerprint`, `type` (e.g. `ssh-ed25519`), `bits`, `comment` and `public_key`."),
                    "ssh_command" => computed(AttributeType::String, "Ready-to-copy SSH command for the account, e.g. `ssh user@host`."),
                    "can_add" => computed(AttributeType::Bool, "Whether HostUp accepts new keys on the account now (`actions.canAdd.allowed`)."),
                    "can_add_reason" => computed(AttributeType::String, "Why new keys are not accepted, when `can_add` is false."),
                    "can_add_code" => computed(AttributeType::String, "Machine-readable reason code when `can_add` is false, e.g. `pending_order`."),
                },
        ))
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        check_account_id(diags, &config.account_id);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let account = known(&config.account_id)?.to_string();
        let api = self.shared.api(diags)?;
        let list = match api.hosting_keys(&account).await {
            Ok(l) => l,
            Err(e) => {
                api_error_at(
                    diags,
                    &format!("Could not list the SSH keys of hosting account {account}"),
                    &e,
                    AttributePath::new("account_id"),
                );
                return None;
            }
        };
        let gate = list.actions.can_add.clone();
        let mut s = config;
        s.keys = Value::Value(
            list.ssh_keys
                .iter()
                .map(|k| Value::Value(HostingKeyObject::from_api(k)))
                .collect(),
        );
        s.ssh_command = opt_string(list.ssh_command.clone());
        s.can_add = Value::Value(gate.allowed);
        s.can_add_reason = opt_string(gate.reason);
        s.can_add_code = opt_string(gate.code);
        Some(s)
    }
}
