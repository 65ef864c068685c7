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

use crate::api::create::{create_once, Created};
use crate::api::models::{HostingKeyList, HostingSshKey, ImportedHostingKey, VpsSshKey};
use crate::api::{ApiError, Client};
use crate::ssh_key::PublicKey;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A collection kept in a [`Snapshot`]: the provider's writes are replayed onto it.
pub trait Collection: Clone + Send + Sync + 'static {
    type Item: Clone + Send + Sync + 'static;
    fn upsert(&mut self, item: Self::Item);
    fn remove(&mut self, id: &str);
}

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

/// A write the provider made, to replay onto a walk that may have missed it.
#[derive(Clone)]
pub enum Write<I> {
    Upsert(I),
    Remove(String),
}

fn apply<C: Collection>(c: &mut C, w: &Write<C::Item>) {
    match w {
        Write::Upsert(i) => c.upsert(i.clone()),
        Write::Remove(id) => c.remove(id),
    }
}

struct Inner<C: Collection> {
    current: Option<Arc<C>>,
    /// Writes made while a walk is in flight.
    journal: Vec<Write<C::Item>>,
    walking: bool,
}

/// One inventory's shared copy, with single-flight walks.
pub struct Snapshot<C: Collection> {
    inner: Mutex<Inner<C>>,
    /// Serialises walks: callers that queue behind a walk reuse its result.
    walk_lock: tokio::sync::Mutex<()>,
    /// Walks started so far.
    started: AtomicU64,
}

impl<C: Collection> Default for Snapshot<C> {
    fn default() -> Self {
        Snapshot {
            inner: Mutex::new(Inner {
                current: None,
                journal: Vec::new(),
                walking: false,
            }),
            walk_lock: tokio::sync::Mutex::new(()),
            started: AtomicU64::new(0),
        }
    }
}

impl<C: Collection> Snapshot<C> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<C>> {
        // A poisoned lock only means another thread panicked mid-update of plain data.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn current(&self) -> Option<Arc<C>> {
        self.lock().current.clone()
    }

    /// The shared copy, walking the inventory once if there is none yet.
    pub async fn get<F, Fut>(&self, walk: F) -> Result<Arc<C>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<C, ApiError>>,
    {
        if let Some(c) = self.current() {
            return Ok(c);
        }
        let _walking = self.walk_lock.lock().await;
        if let Some(c) = self.current() {
            return Ok(c);
        }
        self.walk(walk).await
    }

    /// A copy from a walk that started after this call (shared with concurrent callers).
    pub async fn fresh<F, Fut>(&self, walk: F) -> Result<Arc<C>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<C, ApiError>>,
    {
        let seen = self.started.load(Ordering::SeqCst);
        let _walking = self.walk_lock.lock().await;
        if self.started.load(Ordering::SeqCst) > seen {
            if let Some(c) = self.current() {
                return Ok(c);
            }
        }
        self.walk(walk).await
    }

    /// Walk the inventory (the caller holds `walk_lock`) and replay writes it may have missed.
    async fn walk<F, Fut>(&self, walk: F) -> Result<Arc<C>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<C, ApiError>>,
    {
        self.started.fetch_add(1, Ordering::SeqCst);
        {
            let mut inner = self.lock();
            inner.walking = true;
            inner.journal.clear();
        }
        let result = walk().await;
        let mut inner = self.lock();
        inner.walking = false;
        let journal = std::mem::take(&mut inner.journal);
        let mut fetched = result?;
        for w in &journal {
            apply(&mut fetched, w);
        }
        let fetched = Arc::new(fetched);
        inner.current = Some(fetched.clone());
        Ok(fetched)
    }

    /// Record one of the provider's own writes.
    pub fn record(&self, w: Write<C::Item>) {
        let mut inner = self.lock();
        if let Some(cur) = inner.current.as_mut() {
            apply(Arc::make_mut(cur), &w);
        }
        if inner.walking {
            inner.journal.push(w);
        }
    }
}

/// The configured API client with the shared inventories: what resources and data sources use.
pub struct Inventory {
    pub client: Client,
    vps: Snapshot<Vec<VpsSshKey>>,
    hosting: Mutex<HashMap<String, Arc<Snapshot<HostingKeyList>>>>,
}

impl Inventory {
    pub fn new(client: Client) -> Self {
        Inventory {
            client,
            vps: Snapshot::default(),
            hosting: Mutex::new(HashMap::new()),
        }
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
            .find(|k| vps_key_fingerprint(k).as_deref() == Some(fingerprint))
            .cloned())
    }

    /// Create a key without ever creating two (see [`create_once`]).
    pub async fn create_vps_key(
        &self,
        name: &str,
        public_key: &str,
        fingerprint: &str,
    ) -> Result<Created<VpsSshKey>, ApiError> {
        let created = create_once(
            &self.client,
            || self.client.create_vps_key(name, public_key),
            || self.find_vps_key_by_fingerprint(fingerprint, true),
        )
        .await?;
        match &created {
            Created::New(k) => self.vps.record(Write::Upsert(k.clone())),
            Created::Adopted(k) => adopted_log(&k.id, fingerprint),
        }
        Ok(created)
    }

    pub async fn rename_vps_key(&self, id: &str, name: &str) -> Result<VpsSshKey, ApiError> {
        let k = self.client.rename_vps_key(id, name).await?;
        self.vps.record(Write::Upsert(k.clone()));
        Ok(k)
    }

    /// Delete a key; one already gone (404) counts as deleted.
    pub async fn delete_vps_key(&self, id: &str) -> Result<(), ApiError> {
        match self.client.delete_vps_key(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
        self.vps.record(Write::Remove(id.to_string()));
        Ok(())
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
            .find(|k| hosting_key_fingerprint(k).as_deref() == Some(fingerprint))
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

    /// Remove a key from a hosting account; one already gone (404) counts as removed.
    pub async fn delete_hosting_key(&self, account: &str, id: &str) -> Result<(), ApiError> {
        match self.client.delete_hosting_key(account, id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
        self.hosting_snapshot(account)
            .record(Write::Remove(id.to_string()));
        Ok(())
    }
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

/// A key's fingerprint: computed from its public key when that parses (the API may report null),
/// else whatever the API reports.
fn fingerprint_of(public_key: Option<&str>, reported: Option<&String>) -> Option<String> {
    public_key
        .and_then(|pk| PublicKey::parse(pk).ok())
        .map(|p| p.fingerprint())
        .or_else(|| reported.cloned())
}

pub fn vps_key_fingerprint(k: &VpsSshKey) -> Option<String> {
    fingerprint_of(Some(&k.public_key), k.fingerprint.as_ref())
}

pub fn hosting_key_fingerprint(k: &HostingSshKey) -> Option<String> {
    fingerprint_of(k.public_key.as_deref(), k.fingerprint.as_ref())
}

/// A VPS key's `keyType`: derived from its public key when that parses, else the API's value.
pub fn vps_key_type(k: &VpsSshKey) -> Option<String> {
    PublicKey::parse(&k.public_key)
        .ok()
        .map(|p| p.key_type().to_string())
        .or_else(|| k.key_type.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> VpsSshKey {
        VpsSshKey {
            id: id.to_string(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn concurrent_reads_share_one_walk() {
        let snap: Arc<Snapshot<Vec<VpsSshKey>>> = Arc::new(Snapshot::default());
        let walks = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let snap = snap.clone();
            let walks = walks.clone();
            tasks.push(tokio::spawn(async move {
                snap.get(|| async move {
                    walks.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    Ok(vec![key("a")])
                })
                .await
                .map(|c| c.len())
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 1);
        }
        assert_eq!(walks.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn writes_during_a_walk_are_not_lost() {
        let snap: Arc<Snapshot<Vec<VpsSshKey>>> = Arc::new(Snapshot::default());
        snap.get(|| async { Ok(vec![key("old")]) }).await.unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let s2 = snap.clone();
        let walker = tokio::spawn(async move {
            s2.fresh(|| async move {
                let _ = rx.await;
                // This walk was taken before the writes below reached the server.
                Ok(vec![key("old")])
            })
            .await
        });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        snap.record(Write::Upsert(key("new")));
        snap.record(Write::Remove("old".into()));
        tx.send(()).unwrap();
        let after = walker.await.unwrap().unwrap();
        let ids: Vec<&str> = after.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, ["new"]);
        let ids: Vec<String> = snap
            .get(|| async { unreachable!() })
            .await
            .unwrap()
            .iter()
            .map(|k| k.id.clone())
            .collect();
        assert_eq!(ids, ["new"]);
    }

    #[tokio::test]
    async fn fresh_walks_again_but_shares_with_concurrent_callers() {
        let snap: Arc<Snapshot<Vec<VpsSshKey>>> = Arc::new(Snapshot::default());
        let walks = Arc::new(AtomicU64::new(0));
        let w = walks.clone();
        snap.get(|| async move {
            w.fetch_add(1, Ordering::SeqCst);
            Ok(vec![])
        })
        .await
        .unwrap();
        let mut tasks = Vec::new();
        for _ in 0..5 {
            let snap = snap.clone();
            let walks = walks.clone();
            tasks.push(tokio::spawn(async move {
                snap.fresh(|| async move {
                    walks.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    Ok(vec![key("x")])
                })
                .await
                .map(|c| c.len())
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 1);
        }
        let n = walks.load(Ordering::SeqCst);
        assert!((2..=3).contains(&n), "fresh reads walked {n} times");
    }
}
