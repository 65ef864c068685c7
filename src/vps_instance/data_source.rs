//! `hostup_vps_instances`: the account's VPS instances (every page of `GET /api/v2/vps`),
//! optionally filtered by name or primary IP, so a configuration names a VPS instead of pasting
//! its `vps_…` id.

use super::state::{described, object_type, InstanceObject, VpsInstancesState};
use super::store::VpsInstanceStore;
use crate::api::InstanceFilter;
use crate::configured::Configured;
use crate::tf::adapter::Data;
use crate::tf::diagnostics::OrReport;
use crate::tf::schema::{computed, optional, schema};
use crate::tf::validate::quoted;
use async_trait::async_trait;
use std::net::IpAddr;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::{map, AttributePath, Diagnostics};

pub struct VpsInstancesDataSource {
    configured: Configured<VpsInstanceStore>,
}

impl VpsInstancesDataSource {
    pub const TYPE_NAME: &'static str = "hostup_vps_instances";

    pub fn new(configured: Configured<VpsInstanceStore>) -> Self {
        VpsInstancesDataSource { configured }
    }
}

/// The filter of the configuration, or `None` after a diagnostic on the attribute at fault.
/// Unknown values pass (Terraform reads the data source once they are known).
fn filter(diags: &mut Diagnostics, s: &VpsInstancesState) -> Option<InstanceFilter> {
    let before = diags.errors.len();
    let name = s.name.as_deref_option().map(str::to_string);
    if let Some(n) = &name {
        if n.trim().is_empty() || n.chars().any(char::is_control) {
            diags.error(
                "Invalid name filter",
                format!(
                    "`name` is {}: give a VPS's name as HostUp shows it (matched exactly, ignoring \
                     case), or leave `name` out to list every VPS.",
                    quoted(n)
                ),
                AttributePath::new("name"),
            );
        }
    }
    let primary_ip = s.primary_ip.as_deref_option().map(str::to_string);
    if let Some(ip) = &primary_ip {
        if ip.parse::<IpAddr>().is_err() {
            diags.error(
                "Invalid primary_ip filter",
                format!(
                    "`primary_ip` is {}, which is not an IP address. Give an IPv4 or IPv6 address \
                     such as \"203.0.113.10\" or \"2001:db8::10\", without a port or prefix length.",
                    quoted(ip)
                ),
                AttributePath::new("primary_ip"),
            );
        }
    }
    (diags.errors.len() == before).then_some(InstanceFilter { name, primary_ip })
}

#[async_trait]
impl Data for VpsInstancesDataSource {
    type State = VpsInstancesState;

    fn schema(&self) -> Schema {
        schema(
            "Lists the account's VPS instances (every page of HostUp's list), optionally filtered by \
             name or primary IP. Needs the `read:vm` scope.",
            map! {
                "name" => optional(AttributeType::String, "Keep only the VPS with this name, matched exactly but ignoring case. Sent to HostUp as its `name` filter and checked again on what comes back."),
                "primary_ip" => optional(AttributeType::String, "Keep only the VPS with this primary IP address (IPv4 or IPv6). Sent to HostUp as its `primaryIp` filter and checked again on what comes back."),
                "instances" => computed(
                    AttributeType::List(Box::new(object_type())),
                    &format!("The matching instances, in HostUp's order. Each has {}.", described()),
                ),
            },
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) {
        filter(diags, &config);
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let filter = filter(diags, &config)?;
        let api = self.configured.api(diags)?;
        let found = api
            .list(&filter)
            .await
            .or_report(diags, "Could not list VPS instances")?;
        let mut s = config;
        s.instances = Value::Value(
            found
                .iter()
                .map(|v| Value::Value(InstanceObject::from_api(v)))
                .collect(),
        );
        Some(s)
    }
}
