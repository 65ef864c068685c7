//! `hostup_hosting_ssh_keys`: the SSH keys authorized on a shared-hosting account, its ready-to-copy
//! SSH command and whether new keys can be added.

use super::attributes::{self as attr, check_account_id};
use super::state::HostingKeyObject;
use super::store::HostingKeyStore;
use crate::configured::Configured;
use crate::tf::adapter::Data;
use crate::tf::diagnostics::OrReport;
use crate::tf::schema::{computed, required, schema};
use crate::tf::validate::check_not_null;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueBool, ValueList, ValueString};
use tf_provider::{map, Diagnostics};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HostingKeysState {
    pub account_id: ValueString<'static>,
    pub keys: ValueList<Value<HostingKeyObject>>,
    pub ssh_command: ValueString<'static>,
    pub can_add: ValueBool,
    pub can_add_reason: ValueString<'static>,
    pub can_add_code: ValueString<'static>,
}

pub struct HostingSshKeysDataSource {
    configured: Configured<HostingKeyStore>,
}

impl HostingSshKeysDataSource {
    pub const TYPE_NAME: &'static str = "hostup_hosting_ssh_keys";

    pub fn new(configured: Configured<HostingKeyStore>) -> Self {
        HostingSshKeysDataSource { configured }
    }
}

#[async_trait]
impl Data for HostingSshKeysDataSource {
    type State = HostingKeysState;

    fn schema(&self) -> Schema {
        schema(
            "The SSH keys authorized on a HostUp shared-hosting account, its SSH command and whether \
                     new keys can be added. Scopes: `read:hosting` and `console:services`.",
            map! {
                    "account_id" => required(AttributeType::String, attr::ACCOUNT_ID),
                    "keys" => computed(
                        AttributeType::List(Box::new(attr::object_type())),
                        &format!("Keys on the account, each with {}.", attr::names()),
                    ),
                    "ssh_command" => computed(AttributeType::String, "Ready-to-copy SSH command for the account, e.g. `ssh user@host`."),
                    "can_add" => computed(AttributeType::Bool, "Whether HostUp accepts new keys on the account now (`actions.canAdd.allowed`)."),
                    "can_add_reason" => computed(AttributeType::String, "Why new keys are not accepted, when `can_add` is false."),
                    "can_add_code" => computed(AttributeType::String, "Machine-readable reason code when `can_add` is false, e.g. `pending_order`."),
                },
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) {
        check_not_null(diags, "account_id", &config.account_id);
        check_account_id(diags, &config.account_id);
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let account = config.account_id.as_deref_option()?.to_string();
        let api = self.configured.api(diags)?;
        let list = api.keys(&account).await.or_report_at(
            diags,
            &format!("Could not list the SSH keys of hosting account {account}"),
            "account_id",
        )?;
        let gate = list.actions.can_add.clone();
        let mut s = config;
        s.keys = Value::Value(
            list.ssh_keys
                .iter()
                .map(|k| Value::Value(HostingKeyObject::from_api(k)))
                .collect(),
        );
        s.ssh_command = Value::from(list.ssh_command.clone().map(Cow::from));
        s.can_add = Value::Value(gate.allowed);
        s.can_add_reason = Value::from(gate.reason.map(Cow::from));
        s.can_add_code = Value::from(gate.code.map(Cow::from));
        Some(s)
    }
}
