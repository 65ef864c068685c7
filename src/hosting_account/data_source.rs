//! `hostup_hosting_accounts`: every shared-hosting account of the API key (all pages), optionally
//! filtered by name and service status; the filters are checked at validate, so a bad one sends
//! no request.

use super::store::HostingAccountStore;
use crate::api::models::HostingAccount;
use crate::configured::Configured;
use crate::tf::adapter::Data;
use crate::tf::diagnostics::OrReport;
use crate::tf::schema::{computed, optional, schema};
use crate::tf::validate::compile_regex;
use crate::tf::value::string;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueList, ValueString};
use tf_provider::{map, AttributePath, Diagnostics};

/// HostUp's published `serviceStatus` values of a shared-hosting account.
pub const SERVICE_STATUSES: &[&str] = &[
    "active",
    "pending",
    "suspended",
    "cancelled",
    "terminated",
    "expired",
    "fraud",
    "unknown",
];

/// One account's attributes, with their descriptions.
const ACCOUNT: [(&str, &str); 6] = [
    ("id", "The account id (`acct_…`): the `account_id` of the hosting key resource and data source."),
    ("name", "The account's name (HostUp falls back to the primary domain)."),
    ("primary_domain", "The primary domain, or null."),
    ("domains", "The account's domains as HostUp lists them (the primary domain unless HostUp includes more)."),
    ("custom_name", "The name given to the account in HostUp, or null."),
    ("service_status", "`active`, `pending`, `suspended`, `cancelled`, `terminated`, `expired`, `fraud` or `unknown`."),
];

/// One account as the `accounts` list holds it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HostingAccountObject {
    pub id: ValueString<'static>,
    pub name: ValueString<'static>,
    pub primary_domain: ValueString<'static>,
    pub domains: ValueList<ValueString<'static>>,
    pub custom_name: ValueString<'static>,
    pub service_status: ValueString<'static>,
}

impl HostingAccountObject {
    fn from_api(a: &HostingAccount) -> Self {
        let opt = |v: &Option<String>| Value::from(v.clone().map(Cow::from));
        HostingAccountObject {
            id: string(&a.id),
            name: string(&a.name),
            primary_domain: opt(&a.primary_domain),
            domains: match &a.domains {
                Some(d) => Value::Value(d.iter().map(string).collect()),
                None => Value::Null,
            },
            custom_name: opt(&a.custom_name),
            service_status: opt(&a.service_status),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HostingAccountsState {
    pub name_regex: ValueString<'static>,
    pub service_status: ValueString<'static>,
    pub accounts: ValueList<Value<HostingAccountObject>>,
}

pub struct HostingAccountsDataSource {
    configured: Configured<HostingAccountStore>,
}

impl HostingAccountsDataSource {
    pub const TYPE_NAME: &'static str = "hostup_hosting_accounts";

    pub fn new(configured: Configured<HostingAccountStore>) -> Self {
        HostingAccountsDataSource { configured }
    }
}

fn object_type() -> AttributeType {
    AttributeType::Object(
        ACCOUNT
            .iter()
            .map(|(n, _)| {
                let t = match *n {
                    "domains" => AttributeType::List(Box::new(AttributeType::String)),
                    _ => AttributeType::String,
                };
                (n.to_string(), t)
            })
            .collect::<HashMap<_, _>>(),
    )
}

/// Check `service_status` against HostUp's enum.
fn check_status(diags: &mut Diagnostics, v: &ValueString<'_>) -> Option<String> {
    let s = v.as_deref_option()?;
    if SERVICE_STATUSES.contains(&s) {
        return Some(s.to_string());
    }
    diags.error(
        "Invalid service_status",
        format!(
            "`service_status` is \"{}\"; HostUp's account statuses are {}.",
            crate::api::text::clip(s),
            SERVICE_STATUSES.join(", ")
        ),
        AttributePath::new("service_status"),
    );
    None
}

#[async_trait]
impl Data for HostingAccountsDataSource {
    type State = HostingAccountsState;

    fn schema(&self) -> Schema {
        let fields: Vec<String> = ACCOUNT
            .iter()
            .map(|(n, d)| format!("`{n}` ({d})"))
            .collect();
        schema(
            "The API key's shared-hosting accounts (every page of `GET /api/v2/shared-hosting`, \
             scope `read:hosting`), optionally filtered, e.g. for \
             `account_id = one(data.hostup_hosting_accounts.site.accounts).id`.",
            map! {
                "name_regex" => optional(AttributeType::String, "Keep only accounts whose `name` matches this regular expression (Rust `regex` syntax; unanchored: use `^...$` for a whole-name match)."),
                "service_status" => optional(AttributeType::String, &format!("Keep only accounts with this status: {}.", SERVICE_STATUSES.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))),
                "accounts" => computed(
                    AttributeType::List(Box::new(object_type())),
                    &format!("The matching accounts, in HostUp's order. Each has {}.", fields.join(", ")),
                ),
            },
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) {
        compile_regex(diags, "name_regex", &config.name_regex);
        check_status(diags, &config.service_status);
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let regex = compile_regex(diags, "name_regex", &config.name_regex);
        let status = check_status(diags, &config.service_status);
        if !diags.errors.is_empty() {
            return None;
        }
        let all = self
            .configured
            .api(diags)?
            .all()
            .await
            .or_report(diags, "Could not list the shared-hosting accounts")?;
        let accounts = all
            .iter()
            .filter(|a| regex.as_ref().is_none_or(|r| r.is_match(&a.name)))
            .filter(|a| {
                status
                    .as_deref()
                    .is_none_or(|s| a.service_status.as_deref() == Some(s))
            })
            .map(|a| Value::Value(HostingAccountObject::from_api(a)))
            .collect();
        let mut s = config;
        s.accounts = Value::Value(accounts);
        Some(s)
    }
}
