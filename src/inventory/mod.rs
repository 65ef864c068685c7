//! HostUp's inventories, read once and shared. HostUp has no "get one key" operation: a key is
//! read by finding it in its inventory (VPS: the paginated account list; hosting: the account's
//! list). Reading the whole inventory once per resource would make a refresh of N keys cost
//! N × pages requests, so within one provider process:
//!
//! - concurrent reads share one walk of the inventory (single flight), and later reads reuse it;
//! - the provider's own writes (create, rename, delete) are applied to the shared copy, including
//!   writes that complete while a walk is in flight, so reads after writes see them;
//! - lookups whose answer must be current (is the key of an ambiguous create there?) force a
//!   new walk, shared with any other caller that needs one at the same time.
//!
//! A provider process lives for one Terraform operation, so the copy is a point-in-time view of
//! that operation, like any plan.

mod snapshot;
mod vps_writes;

use crate::api::create::{create_once, Created};
use crate::api::models::{HostingKeyList, HostingSshKey, ImportedHostingKey, LegacyKey, VpsSshKey};
use crate::api::{ApiError, Client};
use crate::ssh_key::PublicKey;
use snapshot::{Snapshot, Write};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use vps_writes::Probe;

/// The configured API client with the shared inventories: what resources and data sources use.
pub struct Inventory {
    pub client: Client,
    vps: Snapshot<Vec<VpsSshKey>>,
    hosting: Mutex<HashMap<String, Arc<Snapshot<HostingKeyList>>>>,
    /// Whether the inferred v2 add and delete exist, learned once per process.
    v2_add: Probe,
    v2_delete: Probe,
    /// The older view, read once per process for `legacy_id` (None: the view is not available).
    legacy: tokio::sync::OnceCell<Option<Arc<Vec<LegacyKey>>>>,
    /// Keys read or imported by a resource in this run, to notice one key under two addresses.
    claimed: Mutex<std::collections::HashSet<String>>,
}

impl Inventory {
    pub fn new(client: Client) -> Self {
        Inventory {
            client,
            vps: Snapshot::default(),
            hosting: Mutex::new(HashMap::new()),
            v2_add: Probe::default(),
            v2_delete: Probe::default(),
            legacy: tokio::sync::OnceCell::new(),
            claimed: Mutex::default(),
        }
    }

    /// Record that a resource read `key` in this run; false when another resource already did
    /// (Terraform reads each resource once per run).
    pub fn claim(&self, key: &str) -> bool {
        let mut claimed = self.claimed.lock().unwrap_or_else(|p| p.into_inner());
        claimed.insert(key.to_string())
    }

    // ---- VPS keys ----------------------------------------------------------------------------

    /// Every VPS key of the account (shared copy).
    pub async fn vps_keys(&self) -> Result<Arc<Vec<VpsSshKey>>, ApiError> {
        self.vps.get(|| self.client.list_vps_keys()).await
    }

    pub async fn find_vps_key(&self, id: &str) -> Result<Option<VpsSshKey>, ApiError> {
        Ok(self.vps_keys().await?.iter().find(|k| k.id == id).cloned())
    }

    /// Find a key by fingerprint; `fresh` forces a walk that started after this call.
    pub async fn find_vps_key_by_fingerprint(
        &self,
        fingerprint: &str,
        fresh: bool,
    ) -> Result<Option<VpsSshKey>, ApiError> {
        let keys = if fresh {
            self.vps.fresh(|| self.client.list_vps_keys()).await?
        } else {
            self.vps_keys().await?
        };
        Ok(keys
            .iter()
            .find(|k| k.derived_fingerprint().as_deref() == Some(fingerprint))
            .cloned())
    }

    pub async fn rename_vps_key(&self, id: &str, name: &str) -> Result<VpsSshKey, ApiError> {
        let k = self.client.rename_vps_key(id, name).await?;
        self.vps.record(Write::Upsert(k.clone()));
        Ok(k)
    }

    // ---- Shared-hosting keys -----------------------------------------------------------------

    fn hosting_snapshot(&self, account: &str) -> Arc<Snapshot<HostingKeyList>> {
        let mut map = self.hosting.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(account.to_string()).or_default().clone()
    }

    /// The account's key list (shared copy).
    pub async fn hosting_keys(&self, account: &str) -> Result<Arc<HostingKeyList>, ApiError> {
        self.hosting_snapshot(account)
            .get(|| self.client.list_hosting_keys(account))
            .await
    }

    /// Find a key on a hosting account by fingerprint; `fresh` forces a new list.
    pub async fn find_hosting_key_by_fingerprint(
        &self,
        account: &str,
        fingerprint: &str,
        fresh: bool,
    ) -> Result<Option<HostingSshKey>, ApiError> {
        let snapshot = self.hosting_snapshot(account);
        let walk = || self.client.list_hosting_keys(account);
        let list = if fresh {
            snapshot.fresh(walk).await?
        } else {
            snapshot.get(walk).await?
        };
        Ok(list
            .ssh_keys
            .iter()
            .find(|k| k.derived_fingerprint().as_deref() == Some(fingerprint))
            .cloned())
    }

    /// Import a key onto a hosting account without ever importing it twice.
    pub async fn import_hosting_key(
        &self,
        account: &str,
        name: &str,
        key: &PublicKey,
        sent: &str,
    ) -> Result<Created<ImportedHostingKey>, ApiError> {
        let fingerprint = key.fingerprint();
        let created = create_once(
            &self.client,
            || self.client.import_hosting_key(account, name, sent),
            || async {
                Ok(self
                    .find_hosting_key_by_fingerprint(account, &fingerprint, true)
                    .await?
                    .map(|k| ImportedHostingKey {
                        id: k.id,
                        name: k.name,
                        fingerprint: k.fingerprint,
                        imported: true,
                        authorized: true,
                    }))
            },
        )
        .await?;
        if let Created::Adopted(k) = &created {
            adopted_log(&k.id, &fingerprint);
        }
        if let Created::New(k) = &created {
            self.hosting_snapshot(account)
                .record(Write::Upsert(HostingSshKey {
                    id: k.id.clone(),
                    name: k.name.clone(),
                    fingerprint: Some(fingerprint.clone()),
                    key_type: Some(key.algorithm().to_string()),
                    bits: Some(key.bits() as i64),
                    comment: key.comment().map(str::to_string),
                    public_key: Some(sent.to_string()),
                }));
        }
        Ok(created)
    }

    /// Remove a key from a hosting account. HostUp publishes no remove operation: a 405, or a 404
    /// while the key is still listed, means this server has none ([`Removal::NoOperation`]).
    pub async fn delete_hosting_key(&self, account: &str, id: &str) -> Result<Removal, ApiError> {
        match self.client.delete_hosting_key(account, id).await {
            Ok(()) => {}
            Err(e) if e.is_status(404) || e.is_status(405) => {
                let list = self
                    .hosting_snapshot(account)
                    .fresh(|| self.client.list_hosting_keys(account))
                    .await;
                match list {
                    Ok(l) if l.ssh_keys.iter().any(|k| k.id == id) => {
                        return Ok(Removal::NoOperation(e))
                    }
                    Ok(_) => {}
                    // The account itself is gone, and its keys with it.
                    Err(gone) if account_gone(&gone) => {}
                    Err(other) => return Err(other),
                }
            }
            Err(e) => return Err(e),
        }
        self.hosting_snapshot(account)
            .record(Write::Remove(id.to_string()));
        Ok(Removal::Removed)
    }
}

/// A 404 that is HostUp's own answer (a problem document with a code), not a proxy's page.
pub fn account_gone(e: &ApiError) -> bool {
    e.is_not_found() && e.code.is_some()
}

/// How a removal ended.
pub enum Removal {
    Removed,
    /// The server has no remove operation; the error is its answer.
    NoOperation(ApiError),
}

fn adopted_log(id: &str, fingerprint: &str) {
    crate::log::info(
        "adopted the key of an earlier create attempt whose reply was lost",
        &[
            ("id", serde_json::json!(id)),
            ("fingerprint", serde_json::json!(fingerprint)),
        ],
    );
}
