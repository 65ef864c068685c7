//! What this process knows of the account's VPS key inventory: one shared copy of it (see
//! [`crate::snapshot`]), the legacy view's numeric ids (read at most once), and which keys a
//! resource has read in this run. Every write goes through here, so the copy sees it.

use crate::api::models::{LegacyKey, VpsSshKey};
use crate::api::{ApiError, Client, CreateError, Created};
use crate::snapshot::{Collection, Deletes, Snapshot, Write};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

impl Collection for Vec<VpsSshKey> {
    type Item = VpsSshKey;
    fn upsert(&mut self, item: VpsSshKey) {
        match self.iter_mut().find(|k| k.id == item.id) {
            Some(k) => *k = item,
            None => self.push(item),
        }
    }
    fn remove(&mut self, id: &str) {
        self.retain(|k| k.id != id);
    }
}

/// How long a create that finds its key listed waits for a delete of it to begin in this
/// process: Terraform starts the two halves of a rename together, so a delete that is coming
/// begins within moments; a key nobody here deletes costs this much before the duplicate error.
const DELETE_GRACE: Duration = Duration::from_secs(2);

pub struct VpsKeyStore {
    client: Client,
    keys: Snapshot<Vec<VpsSshKey>>,
    deletes: Deletes,
    legacy: tokio::sync::OnceCell<Option<Arc<Vec<LegacyKey>>>>,
    claimed: Mutex<HashSet<String>>,
}

impl VpsKeyStore {
    pub fn new(client: Client) -> Self {
        VpsKeyStore {
            client,
            keys: Snapshot::default(),
            deletes: Deletes::default(),
            legacy: tokio::sync::OnceCell::new(),
            claimed: Mutex::default(),
        }
    }

    async fn walk(&self, fresh: bool) -> Result<Arc<Vec<VpsSshKey>>, ApiError> {
        let walk = || async move { self.client.vps_keys().list().await };
        match fresh {
            true => self.keys.fresh(walk).await,
            false => self.keys.get(walk).await,
        }
    }

    /// Every VPS key of the account (the shared copy).
    pub async fn keys(&self) -> Result<Arc<Vec<VpsSshKey>>, ApiError> {
        self.walk(false).await
    }

    /// The key with `id`; `fresh` from a read that starts now.
    pub async fn find(&self, id: &str, fresh: bool) -> Result<Option<VpsSshKey>, ApiError> {
        Ok(self.walk(fresh).await?.iter().find(|k| k.id == id).cloned())
    }

    /// The key with `fingerprint`; `fresh` from a read that starts now.
    pub async fn find_by_fingerprint(
        &self,
        fingerprint: &str,
        fresh: bool,
    ) -> Result<Option<VpsSshKey>, ApiError> {
        let keys = self.walk(fresh).await?;
        Ok(keys
            .iter()
            .find(|k| k.derived_fingerprint().as_deref() == Some(fingerprint))
            .cloned())
    }

    /// Create a key without duplicates and without adopting one that is not ours.
    pub async fn create(
        &self,
        name: &str,
        public_key: &str,
        fingerprint: &str,
    ) -> Result<Created<VpsSshKey>, CreateError<VpsSshKey>> {
        let find = |fresh| async move {
            let found = self.find_by_fingerprint(fingerprint, fresh).await?;
            match found {
                // Listed before the first attempt, but this process is deleting it (a renamed
                // for_each key): gone once that delete is done. Only the read before sending
                // waits; a read after an unknown outcome looks for the key this create made.
                Some(k) if !fresh && self.deletes.gone(&k.id, DELETE_GRACE).await => Ok(None),
                found => Ok(found),
            }
        };
        let created = self
            .client
            .vps_keys()
            .create(name, public_key, fingerprint, find)
            .await?;
        if let Created::New(k) = &created {
            self.keys.record(Write::Upsert(k.clone()));
        }
        Ok(created)
    }

    pub async fn rename(&self, id: &str, name: &str) -> Result<VpsSshKey, ApiError> {
        let k = self.client.vps_keys().rename(id, name).await?;
        self.keys.record(Write::Upsert(k.clone()));
        Ok(k)
    }

    /// Delete a key; one already gone counts as deleted.
    pub async fn delete(&self, id: &str) -> Result<(), ApiError> {
        let lookup = |fresh| self.find(id, fresh);
        self.deletes.begin(id);
        let deleted = self.client.vps_keys().delete(id, lookup).await;
        if deleted.is_ok() {
            self.keys.record(Write::Remove(id.to_string()));
        }
        self.deletes.end(id, deleted.is_ok());
        deleted
    }

    /// The legacy view for `legacy_id`, read once per process; `None` when it is not available.
    pub async fn legacy_keys(&self) -> Result<Option<Arc<Vec<LegacyKey>>>, ApiError> {
        self.legacy
            .get_or_try_init(|| async {
                let keys = self.client.vps_keys().legacy_keys().await?;
                Ok(keys.map(Arc::new))
            })
            .await
            .cloned()
    }

    /// Record that a resource read key `id` in this run; false when another resource already
    /// did (Terraform reads each resource once per run, so that is one key under two addresses).
    pub fn claim(&self, id: &str) -> bool {
        let mut claimed = self.claimed.lock().unwrap_or_else(|p| p.into_inner());
        claimed.insert(id.to_string())
    }
}
