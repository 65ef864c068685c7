//! Account-level VPS SSH keys: `GET/POST /api/v2/ssh-keys`, `PATCH/DELETE /api/v2/ssh-keys/{id}`,
//! and the legacy account-key API HostUp also publishes (`GET/POST/DELETE /api/ssh-keys`,
//! `X-API-Key`, v1 envelopes, numeric ids), used where a server lacks the v2 add or delete.
//! HostUp's reference names the v2 add and delete but does not publish their bodies; which of
//! the two a server has is learned once per process, by the first create or delete.

use super::core::Core;
use super::create::{create_once, CreateError, Created};
use super::errors::{ApiError, ErrorKind, Outcome};
use super::models::*;
use super::pages::{every_page, Listed};
use super::retry::Repeat;
use super::transport::{Auth, Failed};
use crate::ssh_key::same_key;
use reqwest::Method;
use std::future::Future;

const V2: [&str; 3] = ["api", "v2", "ssh-keys"];
const LEGACY: [&str; 2] = ["api", "ssh-keys"];

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Support {
    #[default]
    Unknown,
    Present,
    Absent,
}

/// Whether a v2 write exists on this server. Held while the first call probes, so concurrent
/// calls wait for its answer instead of each sending a probe of their own.
#[derive(Default, Debug)]
struct Probe(tokio::sync::Mutex<Support>);

impl std::fmt::Debug for Support {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Support::Unknown => "unknown",
            Support::Present => "present",
            Support::Absent => "absent",
        })
    }
}

/// What the VPS key handler learns about the server, kept for the process.
#[derive(Default, Debug)]
pub(super) struct Routes {
    v2_add: Probe,
    v2_delete: Probe,
}

/// The VPS key operations (from [`super::Client::vps_keys`]).
pub struct VpsKeys<'a> {
    pub(super) core: &'a Core,
    pub(super) routes: &'a Routes,
}

/// One WARN line when the server lacks the v2 `method` (on the collection, plus `suffix`); the
/// legacy route is used instead.
fn absent_log(core: &Core, method: &str, suffix: &str) {
    let path = |segments: &[&str]| core.url(segments).path().to_string();
    let operation = format!("{method} {}{suffix}", path(&V2));
    let instead = format!("{method} {}", path(&LEGACY));
    crate::log::warn(
        "HostUp lacks a v2 key operation; using the legacy one instead",
        &[
            ("operation", serde_json::json!(operation)),
            ("instead", serde_json::json!(instead)),
        ],
    );
}

impl Listed for VpsSshKey {
    fn list_id(&self) -> &str {
        &self.id
    }
}

impl VpsKeys<'_> {
    /// The whole inventory, every page (see [`super::pages`]).
    pub async fn list(&self) -> Result<Vec<VpsSshKey>, ApiError> {
        every_page(self.core, &V2, &[], "key").await
    }

    /// Create a key without duplicates (see [`super::create`]), on v2 or, where the server lacks
    /// it, on the legacy add. `find(fresh)` finds the key by fingerprint in the v2 inventory (the
    /// caller's store, shared by every create).
    pub async fn create<L, LF>(
        &self,
        name: &str,
        public_key: &str,
        fingerprint: &str,
        find: L,
    ) -> Result<Created<VpsSshKey>, CreateError<VpsSshKey>>
    where
        L: Fn(bool) -> LF,
        LF: Future<Output = Result<Option<VpsSshKey>, ApiError>>,
    {
        let mut support = self.routes.v2_add.0.lock().await;
        if *support != Support::Unknown {
            let legacy = *support == Support::Absent;
            drop(support);
            return self
                .create_on(legacy, name, public_key, fingerprint, &find)
                .await;
        }
        match self
            .create_on(false, name, public_key, fingerprint, &find)
            .await
        {
            Err(CreateError::Api(e)) if e.route_absent() => {
                *support = Support::Absent;
                drop(support);
                absent_log(self.core, "POST", "");
                self.create_on(true, name, public_key, fingerprint, &find)
                    .await
            }
            other => {
                if other.is_ok() {
                    *support = Support::Present;
                }
                other
            }
        }
    }

    /// The v2 add, or the legacy add followed by the key's `ssh_…` id from a v2 read that
    /// started after it.
    async fn create_on<L, LF>(
        &self,
        legacy: bool,
        name: &str,
        public_key: &str,
        fingerprint: &str,
        find: &L,
    ) -> Result<Created<VpsSshKey>, CreateError<VpsSshKey>>
    where
        L: Fn(bool) -> LF,
        LF: Future<Output = Result<Option<VpsSshKey>, ApiError>>,
    {
        let (n, k) = (name.to_string(), public_key.to_string());
        let req = &match legacy {
            false => {
                let body = CreateVpsKey {
                    name: n,
                    public_key: k,
                };
                self.core
                    .request(Method::POST, &V2, Auth::Bearer, Some(&body))
            }
            true => {
                let body = LegacyAddKey {
                    name: n,
                    public_key: k,
                };
                self.core
                    .request(Method::POST, &LEGACY, Auth::ApiKeyHeader, Some(&body))
            }
        }?;
        let what = (req.method(), req.path());
        if !legacy {
            let send = |n| self.core.once::<VpsSshKey>(req, n);
            return create_once(self.core, what, name, fingerprint, send, find).await;
        }
        let send = |n| async move {
            let reply: V1Envelope<LegacyAdded> = self.core.once(req, n).await?;
            let added = reply.data.ssh_key;
            if !(reply.success && added.success) {
                let info = added.info.join(" ");
                let rejected = ApiError::rejected("POST", req.path(), &info, reply.request_id);
                return Err(Failed::new(rejected));
            }
            let found = find(true).await.map_err(|e| Failed {
                stop: true,
                ..Failed::new(e)
            })?;
            found.ok_or_else(|| {
                let v2 = self.core.url(&V2).path().to_string();
                Failed::new(ApiError::new(
                    ErrorKind::Decode,
                    "GET",
                    &v2,
                    format!(
                        "{} added the key as id {}, but {v2} does not list a key with \
                         fingerprint {fingerprint}",
                        req.path(),
                        added.ssh_key.id
                    ),
                ))
            })
        };
        create_once(self.core, what, name, fingerprint, send, find).await
    }

    pub async fn rename(&self, id: &str, name: &str) -> Result<VpsSshKey, ApiError> {
        let body = RenameVpsKey {
            name: name.to_string(),
        };
        self.core
            .patch(&["api", "v2", "ssh-keys", id], Auth::Bearer, &body)
            .await
    }

    /// Delete a key; one already gone counts as deleted. `lookup(fresh)` finds the key by id in
    /// the v2 inventory (fresh: a read that starts now), which alone can tell a 404 for a
    /// missing route from one for a missing key, and confirms a legacy delete.
    pub async fn delete<L, LF>(&self, id: &str, lookup: L) -> Result<(), ApiError>
    where
        L: Fn(bool) -> LF,
        LF: Future<Output = Result<Option<VpsSshKey>, ApiError>>,
    {
        let mut probe = Some(self.routes.v2_delete.0.lock().await);
        match probe.as_deref().copied() {
            Some(Support::Absent) => {
                drop(probe);
                return match lookup(false).await? {
                    Some(key) => self.delete_legacy(&key, &lookup).await,
                    None => Ok(()),
                };
            }
            // Known to exist: no need to hold up other deletes.
            Some(Support::Present) => probe = None,
            _ => {}
        }
        match self
            .core
            .delete(&["api", "v2", "ssh-keys", id], Auth::Bearer)
            .await
        {
            Ok(()) => {
                if let Some(p) = probe.as_deref_mut() {
                    *p = Support::Present;
                }
                Ok(())
            }
            Err(e) if e.route_absent() => {
                let Some(key) = lookup(true).await? else {
                    return Ok(());
                };
                if let Some(p) = probe.as_deref_mut() {
                    *p = Support::Absent;
                    absent_log(self.core, "DELETE", "/{id}");
                }
                drop(probe);
                self.delete_legacy(&key, &lookup).await
            }
            Err(e) => Err(e),
        }
    }

    /// The legacy delete: find the key's numeric id in the legacy view by key type and blob,
    /// delete it, and confirm from the v2 inventory that it is gone.
    async fn delete_legacy<L, LF>(&self, key: &VpsSshKey, lookup: &L) -> Result<(), ApiError>
    where
        L: Fn(bool) -> LF,
        LF: Future<Output = Result<Option<VpsSshKey>, ApiError>>,
    {
        let list = self.legacy_list().await?;
        let path = self.core.url(&LEGACY).path().to_string();
        let v2 = self.core.url(&V2).path().to_string();
        let Some(legacy) = list
            .data
            .ssh_keys
            .iter()
            .find(|l| same_key(&l.key, &key.public_key))
        else {
            let mut e = ApiError::new(
                ErrorKind::Decode,
                "GET",
                &path,
                format!(
                    "SSH key {} is in GET {v2} but not in the legacy view GET {path}, so it cannot \
                     be deleted through DELETE {path}",
                    key.id
                ),
            );
            e.request_id = Some(list.request_id).filter(|r| !r.is_empty());
            return Err(e);
        };
        // Whatever the delete answered, the inventory says whether the key is gone.
        let deleted = self.delete_legacy_id(legacy.id).await;
        if lookup(true).await?.is_none() {
            return Ok(());
        }
        let mut e = match deleted {
            Err(e) => e,
            Ok(request_id) => {
                let mut e = ApiError::new(
                    ErrorKind::Rejected,
                    "DELETE",
                    &path,
                    format!(
                        "HostUp answered that key {} (SSH key {}) was deleted, but GET {v2} still \
                         lists it, so the delete is not confirmed",
                        legacy.id, key.id
                    ),
                );
                e.request_id = Some(request_id).filter(|r| !r.is_empty());
                e
            }
        };
        e.detail = format!(
            "{} (the key is still listed; nothing is assumed deleted)",
            e.detail
        );
        Err(e)
    }

    async fn legacy_list(&self) -> Result<V1Envelope<LegacyKeyList>, ApiError> {
        self.core.get(&LEGACY, Auth::ApiKeyHeader).await
    }

    /// The legacy view's keys, for their numeric ids; `None` when the view is not available to
    /// this API key (401, 403, 404, 405): the ids are then unknown, not an error.
    pub async fn legacy_keys(&self) -> Result<Option<Vec<LegacyKey>>, ApiError> {
        match self.legacy_list().await {
            Ok(l) => Ok(Some(l.data.ssh_keys)),
            Err(e)
                if e.route_absent()
                    || matches!(e.outcome(), Outcome::Unauthorized | Outcome::Forbidden) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Delete by numeric id; returns the reply's requestId.
    async fn delete_legacy_id(&self, id: i64) -> Result<String, ApiError> {
        let body = LegacyDeleteKey { id };
        let req = self
            .core
            .request(Method::DELETE, &LEGACY, Auth::ApiKeyHeader, Some(&body))?;
        let path = req.path().to_string();
        let reply: V1Envelope<LegacyDeleted> = self.core.send(req, Repeat::Safe).await?;
        if reply.success && reply.data.success {
            return Ok(reply.request_id);
        }
        Err(ApiError::rejected(
            "DELETE",
            &path,
            &reply.data.message,
            reply.request_id,
        ))
    }
}
