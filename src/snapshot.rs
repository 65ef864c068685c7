//! One inventory's shared copy. HostUp has no "get one key" operation: a key is read by finding
//! it in its inventory, and reading the whole inventory once per resource would make a refresh
//! of N keys cost N × pages requests. So within one provider process:
//!
//! - concurrent reads share one walk of the inventory (single flight), and later reads reuse it;
//! - the provider's own writes are replayed onto the shared copy, including writes that complete
//!   while a walk is in flight, so reads after writes see them;
//! - look-ups whose answer must be current force a new walk ([`Snapshot::fresh`]), shared with
//!   every caller that needs one at the same time.
//!
//! A provider process lives for one Terraform operation, so the copy is a point-in-time view of
//! that operation, like any plan. Each object's store (`vps_key::store`, `hosting_key::store`)
//! keeps its inventories in snapshots.

use crate::api::ApiError;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A collection kept in a [`Snapshot`]: the provider's writes are replayed onto it.
pub trait Collection: Clone + Send + Sync + 'static {
    type Item: Clone + Send + Sync + 'static;
    fn upsert(&mut self, item: Self::Item);
    fn remove(&mut self, id: &str);
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
    /// How the latest walk failed, if it did: callers that waited for that walk share its
    /// outcome (its retries were theirs too) instead of each starting a retry cycle of its own.
    failed: Option<ApiError>,
}

/// One inventory's shared copy, with single-flight walks.
pub struct Snapshot<C: Collection> {
    inner: Mutex<Inner<C>>,
    /// Serialises walks: callers that queue behind a walk reuse its result.
    walk_lock: tokio::sync::Mutex<()>,
    /// Walks started so far.
    started: AtomicU64,
    /// Walks finished so far.
    finished: AtomicU64,
}

impl<C: Collection> Default for Snapshot<C> {
    fn default() -> Self {
        Snapshot {
            inner: Mutex::new(Inner {
                current: None,
                journal: Vec::new(),
                walking: false,
                failed: None,
            }),
            walk_lock: tokio::sync::Mutex::new(()),
            started: AtomicU64::new(0),
            finished: AtomicU64::new(0),
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
        // Any walk that ends after this call began is one this caller waited for.
        let seen = self.finished.load(Ordering::SeqCst);
        let _walking = self.walk_lock.lock().await;
        if let Some(c) = self.current() {
            return Ok(c);
        }
        if self.finished.load(Ordering::SeqCst) > seen {
            if let Some(e) = self.lock().failed.clone() {
                return Err(e);
            }
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
            let inner = self.lock();
            if let Some(e) = &inner.failed {
                return Err(e.clone());
            }
            if let Some(c) = &inner.current {
                return Ok(c.clone());
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
        self.finished.fetch_add(1, Ordering::SeqCst);
        let journal = std::mem::take(&mut inner.journal);
        let mut fetched = match result {
            Ok(fetched) => fetched,
            Err(e) => {
                inner.failed = Some(e.clone());
                return Err(e);
            }
        };
        inner.failed = None;
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

/// The provider's own deletes, by key id. Renaming a `for_each` key plans a delete of the old
/// address and a create of the new one with the same key, and Terraform runs the two at once: the
/// create finds the old key still listed, and waits for this process's delete of it instead of
/// reporting a duplicate.
#[derive(Default)]
pub struct Deletes {
    /// `None` while in flight, then whether it succeeded.
    by_id: Mutex<HashMap<String, Option<bool>>>,
    changed: tokio::sync::Notify,
}

impl Deletes {
    fn set(&self, id: &str, state: Option<bool>) {
        let mut map = self.by_id.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(id.to_string(), state);
        self.changed.notify_waiters();
    }

    pub fn begin(&self, id: &str) {
        self.set(id, None);
    }

    pub fn end(&self, id: &str, deleted: bool) {
        self.set(id, Some(deleted));
    }

    /// Whether this process deleted key `id`: waits for a delete of it in flight, or for one to
    /// begin within `grace` (Terraform starts both halves of a rename together, in either order).
    pub async fn gone(&self, id: &str, grace: Duration) -> bool {
        let until = tokio::time::Instant::now() + grace;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let state = {
                let map = self.by_id.lock().unwrap_or_else(|p| p.into_inner());
                map.get(id).copied()
            };
            match state {
                Some(Some(deleted)) => return deleted,
                Some(None) => notified.await,
                None => {
                    if tokio::time::timeout_at(until, notified).await.is_err() {
                        return false;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct Item(String);

    impl Collection for Vec<Item> {
        type Item = Item;
        fn upsert(&mut self, item: Item) {
            self.retain(|i| i.0 != item.0);
            self.push(item);
        }
        fn remove(&mut self, id: &str) {
            self.retain(|i| i.0 != id);
        }
    }

    fn key(id: &str) -> Item {
        Item(id.to_string())
    }

    /// `n` concurrent readers, `fresh` or not, each walk taking 20 ms; how many walks ran.
    async fn readers(snap: &Arc<Snapshot<Vec<Item>>>, n: usize, fresh: bool) -> u64 {
        let walks = Arc::new(AtomicU64::new(0));
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let (snap, walks) = (snap.clone(), walks.clone());
                tokio::spawn(async move {
                    let walk = || async move {
                        walks.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok(vec![key("a")])
                    };
                    match fresh {
                        true => snap.fresh(walk).await,
                        false => snap.get(walk).await,
                    }
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap().len(), 1);
        }
        walks.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn concurrent_reads_share_one_walk() {
        let snap = Arc::new(Snapshot::default());
        assert_eq!(readers(&snap, 50, false).await, 1);
    }

    #[tokio::test]
    async fn writes_during_a_walk_are_not_lost() {
        let snap: Arc<Snapshot<Vec<Item>>> = Arc::new(Snapshot::default());
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
        let ids: Vec<&str> = after.iter().map(|k| k.0.as_str()).collect();
        assert_eq!(ids, ["new"]);
        let ids: Vec<String> = snap
            .get(|| async { unreachable!() })
            .await
            .unwrap()
            .iter()
            .map(|k| k.0.clone())
            .collect();
        assert_eq!(ids, ["new"]);
    }

    #[tokio::test]
    async fn fresh_walks_again_but_shares_with_concurrent_callers() {
        let snap = Arc::new(Snapshot::default());
        snap.get(|| async { Ok(vec![]) }).await.unwrap();
        let n = readers(&snap, 5, true).await;
        assert!((1..=2).contains(&n), "fresh reads walked {n} times");
    }
}
