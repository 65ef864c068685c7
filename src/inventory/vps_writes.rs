//! Creating and deleting VPS keys on whatever this server has. HostUp's reference publishes no
//! v2 add or delete for VPS keys, only the older `POST/DELETE /api/ssh-keys`: the inferred v2
//! operation is tried first; when the server lacks it, the older one is used and the v2 inventory
//! (which has the `ssh_…` ids the state keeps) confirms the outcome. What was learned is kept for
//! the provider process, so only the first create or delete pays the probe.

use super::{adopted_log, Inventory, Write};
use crate::api::create::{create_once, Created};
use crate::api::models::{LegacyKey, VpsSshKey};
use crate::api::{ApiError, ErrorKind};
use crate::ssh_key::same_key;
use std::sync::Arc;

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Support {
    #[default]
    Unknown,
    Present,
    Absent,
}

/// Whether an inferred operation exists. Held while the first call probes, so concurrent calls
/// wait for its answer instead of each sending a probe of their own.
#[derive(Default)]
pub(super) struct Probe(tokio::sync::Mutex<Support>);

/// A server without the route answers a POST to the collection, or a DELETE of a key it still
/// lists, with 404 or 405.
fn route_absent(e: &ApiError) -> bool {
    e.is_status(404) || e.is_status(405)
}

fn absent_log(operation: &str, instead: &str) {
    crate::log::warn(
        "HostUp lacks an inferred operation; using the published one instead",
        &[
            ("operation", serde_json::json!(operation)),
            ("instead", serde_json::json!(instead)),
        ],
    );
}

impl Inventory {
    /// Create a key without ever creating two (see [`create_once`]).
    pub async fn create_vps_key(
        &self,
        name: &str,
        public_key: &str,
        fingerprint: &str,
    ) -> Result<Created<VpsSshKey>, ApiError> {
        let mut support = self.v2_add.0.lock().await;
        let created = match *support {
            Support::Absent => {
                drop(support);
                self.create_vps_key_older(name, public_key, fingerprint)
                    .await?
            }
            Support::Present => {
                drop(support);
                self.create_vps_key_v2(name, public_key, fingerprint)
                    .await?
            }
            Support::Unknown => match self.create_vps_key_v2(name, public_key, fingerprint).await {
                Err(e) if route_absent(&e) => {
                    *support = Support::Absent;
                    drop(support);
                    absent_log("POST /api/v2/ssh-keys", "POST /api/ssh-keys");
                    self.create_vps_key_older(name, public_key, fingerprint)
                        .await?
                }
                Err(e) => return Err(e),
                Ok(created) => {
                    *support = Support::Present;
                    created
                }
            },
        };
        match &created {
            Created::New(k) => self.vps.record(Write::Upsert(k.clone())),
            Created::Adopted(k) => adopted_log(&k.id, fingerprint),
        }
        Ok(created)
    }

    async fn create_vps_key_v2(
        &self,
        name: &str,
        public_key: &str,
        fingerprint: &str,
    ) -> Result<Created<VpsSshKey>, ApiError> {
        create_once(
            &self.client,
            || self.client.create_vps_key(name, public_key),
            || self.find_vps_key_by_fingerprint(fingerprint, true),
        )
        .await
    }

    /// The published add, then the key's `ssh_…` id from a v2 walk that started after the add
    /// (shared with concurrent creates). A lost reply is adopted by fingerprint, as on v2.
    async fn create_vps_key_older(
        &self,
        name: &str,
        public_key: &str,
        fingerprint: &str,
    ) -> Result<Created<VpsSshKey>, ApiError> {
        let listed = || self.find_vps_key_by_fingerprint(fingerprint, true);
        create_once(
            &self.client,
            || async {
                let added = self.client.legacy_add_key(name, public_key).await?;
                listed().await?.ok_or_else(|| {
                    ApiError::new(
                        ErrorKind::Decode,
                        "GET",
                        "/api/v2/ssh-keys",
                        format!(
                            "POST /api/ssh-keys added the key as id {}, but GET /api/v2/ssh-keys does not \
                             list a key with fingerprint {fingerprint}",
                            added.id
                        ),
                    )
                })
            },
            listed,
        )
        .await
    }

    /// Delete a key; one already gone counts as deleted.
    pub async fn delete_vps_key(&self, id: &str) -> Result<(), ApiError> {
        let mut probe = Some(self.v2_delete.0.lock().await);
        match probe.as_deref().copied() {
            Some(Support::Absent) => {
                drop(probe);
                return match self.find_vps_key(id).await? {
                    Some(key) => self.delete_vps_key_older(&key).await,
                    None => Ok(()),
                };
            }
            // Known to exist: no need to hold up other deletes.
            Some(Support::Present) => probe = None,
            _ => {}
        }
        match self.client.delete_vps_key(id).await {
            Ok(()) => {
                if let Some(p) = probe.as_deref_mut() {
                    *p = Support::Present;
                }
                self.vps.record(Write::Remove(id.to_string()));
                Ok(())
            }
            Err(e) if route_absent(&e) => {
                // A 404 also means "no such key": only the inventory can tell which.
                let Some(key) = self.find_fresh(id).await? else {
                    self.vps.record(Write::Remove(id.to_string()));
                    return Ok(());
                };
                if let Some(p) = probe.as_deref_mut() {
                    *p = Support::Absent;
                    absent_log("DELETE /api/v2/ssh-keys/{id}", "DELETE /api/ssh-keys");
                }
                drop(probe);
                self.delete_vps_key_older(&key).await
            }
            Err(e) => Err(e),
        }
    }

    async fn find_fresh(&self, id: &str) -> Result<Option<VpsSshKey>, ApiError> {
        let keys = self.vps.fresh(|| self.client.list_vps_keys()).await?;
        Ok(keys.iter().find(|k| k.id == id).cloned())
    }

    /// The published delete: find the key's numeric id in the older view by key type and blob,
    /// delete it, and confirm from the v2 inventory that it is gone.
    async fn delete_vps_key_older(&self, key: &VpsSshKey) -> Result<(), ApiError> {
        let list = self.client.list_legacy_keys().await?;
        let Some(older) = list
            .data
            .ssh_keys
            .iter()
            .find(|l| same_key(&l.key, &key.public_key))
        else {
            let mut e = ApiError::new(
                ErrorKind::Decode,
                "GET",
                "/api/ssh-keys",
                format!(
                    "SSH key {} is in GET /api/v2/ssh-keys but not in the older view GET /api/ssh-keys, \
                     so it cannot be deleted through DELETE /api/ssh-keys",
                    key.id
                ),
            );
            e.request_id = Some(list.request_id).filter(|r| !r.is_empty());
            return Err(e);
        };
        // Whatever the delete answered, the inventory says whether the key is gone.
        let deleted = self.client.legacy_delete_key(older.id).await;
        if self.find_fresh(&key.id).await?.is_none() {
            self.vps.record(Write::Remove(key.id.clone()));
            return Ok(());
        }
        let mut e = match deleted {
            Err(e) => e,
            Ok(request_id) => {
                let mut e = ApiError::new(
                    ErrorKind::Rejected,
                    "DELETE",
                    "/api/ssh-keys",
                    format!(
                        "HostUp answered that key {} (SSH key {}) was deleted, but GET /api/v2/ssh-keys \
                         still lists it, so the delete is not confirmed",
                        older.id, key.id
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

    /// The older view for `legacy_id`, read once per process. `None` when the view is not
    /// available to this key (401, 403, 404, 405): the ids are then unknown, not an error.
    pub async fn legacy_keys(&self) -> Result<Option<Arc<Vec<LegacyKey>>>, ApiError> {
        self.legacy
            .get_or_try_init(|| async {
                match self.client.list_legacy_keys().await {
                    Ok(l) => Ok(Some(Arc::new(l.data.ssh_keys))),
                    Err(e) if [401, 403, 404, 405].iter().any(|s| e.is_status(*s)) => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .await
            .cloned()
    }
}
