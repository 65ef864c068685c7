//! What this process knows of the account's VPS instances: one shared copy of the whole list
//! (see [`crate::snapshot`]), so that every `hostup_vm_ssh_reset` of a plan checks its `vps_id`
//! against one read, and the filtered reads of the data source, checked again here.

use crate::api::vps_models::VpsInstance;
use crate::api::{ApiError, Client, InstanceFilter};
use crate::snapshot::{Collection, Snapshot};
use std::net::IpAddr;
use std::sync::Arc;

impl Collection for Vec<VpsInstance> {
    type Item = VpsInstance;
    // The provider creates and removes no instance; kept for the snapshot's contract.
    fn upsert(&mut self, item: VpsInstance) {
        match self.iter_mut().find(|v| v.id == item.id) {
            Some(v) => *v = item,
            None => self.push(item),
        }
    }
    fn remove(&mut self, id: &str) {
        self.retain(|v| v.id != id);
    }
}

pub struct VpsInstanceStore {
    client: Client,
    all: Snapshot<Vec<VpsInstance>>,
}

/// Whether `v` matches `filter` as HostUp documents its filters: `name` exact but for case,
/// `primary_ip` the same address. A server that ignored a filter must not make the data source
/// return other machines.
pub fn matches(filter: &InstanceFilter, v: &VpsInstance) -> bool {
    let name_ok = filter.name.as_ref().is_none_or(|want| {
        v.name
            .as_ref()
            .is_some_and(|n| n.to_lowercase() == want.to_lowercase())
    });
    let ip_ok = filter.primary_ip.as_ref().is_none_or(|want| {
        v.primary_ip.as_ref().is_some_and(|ip| {
            match (ip.trim().parse::<IpAddr>(), want.parse::<IpAddr>()) {
                (Ok(a), Ok(b)) => a == b,
                _ => ip == want,
            }
        })
    });
    name_ok && ip_ok
}

impl VpsInstanceStore {
    pub fn new(client: Client) -> Self {
        VpsInstanceStore {
            client,
            all: Snapshot::default(),
        }
    }

    /// Every instance of the account (the shared copy).
    pub async fn all(&self) -> Result<Arc<Vec<VpsInstance>>, ApiError> {
        let walk = || async move { self.client.vps().list(&InstanceFilter::default()).await };
        self.all.get(walk).await
    }

    /// The instances matching `filter`: HostUp filters, and what it returns is checked again.
    /// Without a filter, the shared copy.
    pub async fn list(&self, filter: &InstanceFilter) -> Result<Vec<VpsInstance>, ApiError> {
        let listed = match filter == &InstanceFilter::default() {
            true => self.all().await?.as_ref().clone(),
            false => self.client.vps().list(filter).await?,
        };
        Ok(listed.into_iter().filter(|v| matches(filter, v)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vps(name: &str, ip: Option<&str>) -> VpsInstance {
        VpsInstance {
            id: format!("vps_{name}"),
            name: Some(name.into()),
            primary_ip: ip.map(str::to_string),
            ..VpsInstance::default()
        }
    }

    #[test]
    fn filters_are_applied_as_documented() {
        let by_name = InstanceFilter {
            name: Some("Web-1".into()),
            primary_ip: None,
        };
        assert!(matches(&by_name, &vps("web-1", None)));
        assert!(!matches(&by_name, &vps("web-10", None)));
        let by_ip = InstanceFilter {
            name: None,
            primary_ip: Some("2001:db8::1".into()),
        };
        assert!(matches(&by_ip, &vps("a", Some("2001:0db8:0::1"))));
        assert!(!matches(&by_ip, &vps("a", Some("2001:db8::10"))));
        assert!(!matches(&by_ip, &vps("a", None)));
        assert!(matches(&InstanceFilter::default(), &vps("a", None)));
    }
}
