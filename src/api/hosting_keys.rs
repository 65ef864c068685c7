//! SSH keys of a shared-hosting account: `GET/POST /api/v2/shared-hosting/{accountId}/ssh-keys`
//! and the removal of one key.

use super::core::Core;
use super::create::{create_once, CreateError, Created};
use super::errors::{ApiError, Outcome};
use super::models::*;
use super::transport::Auth;
use reqwest::Method;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

/// The key operations of one hosting account (from [`super::Client::hosting_keys`]).
pub struct HostingKeys<'a> {
    pub(super) core: &'a Core,
    pub(super) account: &'a str,
}

/// A key on the account as an import left it.
#[derive(Debug)]
pub struct Imported {
    pub key: Created<HostingSshKey>,
    /// Whether HostUp wrote it to the account's authorized keys (an adopted key is listed, and
    /// HostUp lists only keys it authorized).
    pub authorized: bool,
}

/// How a removal ended.
pub enum Removal {
    Removed,
    /// The server has no remove operation; the error is its answer.
    NoOperation(ApiError),
}

impl HostingKeys<'_> {
    fn segments<'s>(&'s self, rest: &[&'s str]) -> Vec<&'s str> {
        let mut s = vec!["api", "v2", "shared-hosting", self.account, "ssh-keys"];
        s.extend_from_slice(rest);
        s
    }

    /// The account's keys with its `canAdd` gate and SSH command.
    pub async fn list(&self) -> Result<HostingKeyList, ApiError> {
        self.core.get(&self.segments(&[]), Auth::Bearer).await
    }

    /// Import a key without ever importing it twice (see [`super::create`]); `find(fresh)`
    /// finds the key by fingerprint on the account (the caller's store).
    pub async fn import<L, LF>(
        &self,
        name: &str,
        public_key: &str,
        fingerprint: &str,
        find: L,
    ) -> Result<Imported, CreateError<HostingSshKey>>
    where
        L: Fn(bool) -> LF,
        LF: Future<Output = Result<Option<HostingSshKey>, ApiError>>,
    {
        let body = ImportHostingKey {
            name: name.to_string(),
            public_key: public_key.to_string(),
        };
        let req =
            self.core
                .request(Method::POST, &self.segments(&[]), Auth::Bearer, Some(&body))?;
        let req = &req;
        let what = (req.method(), req.path());
        let authorized = AtomicBool::new(true);
        let authorized_ref = &authorized;
        let send = |n| async move {
            let k: ImportedHostingKey = self.core.once(req, n).await?;
            authorized_ref.store(k.authorized, Ordering::SeqCst);
            Ok(HostingSshKey {
                id: k.id,
                name: k.name,
                fingerprint: Some(fingerprint.to_string()),
                public_key: Some(public_key.to_string()),
                ..HostingSshKey::default()
            })
        };
        let key = create_once(self.core, what, name, fingerprint, send, find).await?;
        Ok(Imported {
            key,
            authorized: authorized.into_inner(),
        })
    }

    /// Remove a key. A 405, or a 404 while the key is still listed (`listed(fresh)` tells),
    /// means this server has no remove operation ([`Removal::NoOperation`]); an account HostUp
    /// says is gone took its keys with it.
    pub async fn remove<L, LF>(&self, id: &str, listed: L) -> Result<Removal, ApiError>
    where
        L: Fn() -> LF,
        LF: Future<Output = Result<bool, ApiError>>,
    {
        match self.core.delete(&self.segments(&[id]), Auth::Bearer).await {
            Ok(()) => Ok(Removal::Removed),
            Err(e) if e.route_absent() => match listed().await {
                Ok(true) => Ok(Removal::NoOperation(e)),
                Ok(false) => Ok(Removal::Removed),
                Err(gone) if gone.outcome() == Outcome::Gone => Ok(Removal::Removed),
                Err(other) => Err(other),
            },
            Err(e) => Err(e),
        }
    }
}
