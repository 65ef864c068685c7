//! What this process knows of shared-hosting accounts' keys: one shared copy of each account's
//! list (see [`crate::snapshot`]) and which keys a resource has read in this run. Every write
//! goes through here, so the copies see it.

use crate::api::models::{HostingKeyList, HostingSshKey};
use crate::api::{ApiError, Client, CreateError, Created, Imported, Removal};
use crate::snapshot::{Collection, Snapshot, Write};
use crate::ssh_key::PublicKey;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

impl Collection for HostingKeyList {
    type Item = HostingSshKey;
    fn upsert(&mut self, item: HostingSshKey) {
        match self.ssh_keys.iter_mut().find(|k| k.id == item.id) {
            Some(k) => *k = item,
            None => self.ssh_keys.push(item),
        }
    }
    fn remove(&mut self, id: &str) {
        self.ssh_keys.retain(|k| k.id != id);
    }
}

pub struct HostingKeyStore {
    client: Client,
    accounts: Mutex<HashMap<String, Arc<Snapshot<HostingKeyList>>>>,
    claimed: Mutex<HashSet<String>>,
}

impl HostingKeyStore {
    pub fn new(client: Client) -> Self {
        HostingKeyStore {
            client,
            accounts: Mutex::default(),
            claimed: Mutex::default(),
        }
    }

    fn snapshot(&self, account: &str) -> Arc<Snapshot<HostingKeyList>> {
        let mut map = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(account.to_string()).or_default().clone()
    }

    async fn walk(&self, account: &str, fresh: bool) -> Result<Arc<HostingKeyList>, ApiError> {
        let snapshot = self.snapshot(account);
        let walk = || async move { self.client.hosting_keys(account).list().await };
        match fresh {
            true => snapshot.fresh(walk).await,
            false => snapshot.get(walk).await,
        }
    }

    /// The account's key list (the shared copy).
    pub async fn keys(&self, account: &str) -> Result<Arc<HostingKeyList>, ApiError> {
        self.walk(account, false).await
    }

    /// The key with `fingerprint` on the account; `fresh` from a read that starts now.
    pub async fn find_by_fingerprint(
        &self,
        account: &str,
        fingerprint: &str,
        fresh: bool,
    ) -> Result<Option<HostingSshKey>, ApiError> {
        let list = self.walk(account, fresh).await?;
        Ok(list
            .ssh_keys
            .iter()
            .find(|k| k.derived_fingerprint().as_deref() == Some(fingerprint))
            .cloned())
    }

    /// Import a key onto a hosting account without ever importing it twice, and without
    /// adopting a key that was there before.
    pub async fn import(
        &self,
        account: &str,
        name: &str,
        key: &PublicKey,
        sent: &str,
    ) -> Result<Imported, CreateError<HostingSshKey>> {
        let fingerprint = key.fingerprint();
        let find = |fresh| self.find_by_fingerprint(account, &fingerprint, fresh);
        let imported = self
            .client
            .hosting_keys(account)
            .import(name, sent, &fingerprint, find)
            .await?;
        if let Created::New(k) = &imported.key {
            self.snapshot(account).record(Write::Upsert(HostingSshKey {
                key_type: Some(key.algorithm().to_string()),
                bits: Some(key.bits() as i64),
                comment: key.comment().map(str::to_string),
                ..k.clone()
            }));
        }
        Ok(imported)
    }

    /// Remove the key `id`, named by `fingerprint`, from a hosting account; it is removed only
    /// once a fresh read of the account no longer lists it (by id or by fingerprint).
    pub async fn remove(
        &self,
        account: &str,
        id: &str,
        fingerprint: &str,
    ) -> Result<Removal, ApiError> {
        let listed = || async move {
            let list = self.walk(account, true).await?;
            Ok(list
                .ssh_keys
                .iter()
                .any(|k| k.id == id || k.derived_fingerprint().as_deref() == Some(fingerprint)))
        };
        let keys = self.client.hosting_keys(account);
        let removal = keys.remove(fingerprint, listed).await?;
        if let Removal::Removed = removal {
            self.snapshot(account).record(Write::Remove(id.to_string()));
        }
        Ok(removal)
    }

    /// Authorize the key with `fingerprint` on a hosting account.
    pub async fn authorize(&self, account: &str, fingerprint: &str) -> Result<(), ApiError> {
        let keys = self.client.hosting_keys(account);
        keys.authorize(fingerprint).await.map(|_| ())
    }

    /// Record that a resource read `key` in this run; false when another resource already did.
    pub fn claim(&self, key: &str) -> bool {
        let mut claimed = self.claimed.lock().unwrap_or_else(|p| p.into_inner());
        claimed.insert(key.to_string())
    }
}
