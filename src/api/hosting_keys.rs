//! SSH keys of a shared-hosting account: `GET/POST /api/v2/shared-hosting/{accountId}/ssh-keys`,
//! and one key named by its `SHA256:` fingerprint (one path segment, `:`, `+` and `/` escaped):
//! `DELETE …/ssh-keys/{fingerprint}` and `POST …/ssh-keys/{fingerprint}/actions/authorize`.

use super::core::Core;
use super::create::{create_once, CreateError, Created};
use super::errors::{ApiError, ErrorKind, Outcome};
use super::models::*;
use super::retry::Repeat;
use super::text::clip;
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
    /// Whether the import reply said HostUp wrote the key to the account's authorized keys. False
    /// for an adopted key: its reply was lost, and the account's list does not say.
    pub authorized: bool,
}

/// How a removal ended.
pub enum Removal {
    /// HostUp removed the key, or it was gone already: the account's list no longer shows it.
    Removed,
    /// A 405, or a 404 that is not HostUp's (no problem `code`: a web server's page), while the
    /// account still lists the key: this server has no remove operation. The error is its answer.
    NoOperation(ApiError),
    /// HostUp's own 404 for the fingerprint while the account still lists the key: not removed.
    NotFoundWhileListed(ApiError),
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
        let authorized = AtomicBool::new(false);
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
        let authorized = matches!(key, Created::New(_)) && authorized.into_inner();
        Ok(Imported { key, authorized })
    }

    /// Authorize an imported key (write it to the account's authorized keys). Setting a state, so
    /// a retry is safe; a 200 that does not say `authorized: true` is a failure.
    pub async fn authorize(&self, fingerprint: &str) -> Result<AuthorizedHostingKey, ApiError> {
        let segments = self.segments(&[fingerprint, "actions", "authorize"]);
        let req = self
            .core
            .request::<()>(Method::POST, &segments, Auth::Bearer, None)?;
        let path = req.path().to_string();
        let reply: AuthorizedHostingKey = self.core.send(req, Repeat::Safe).await?;
        if reply.authorized {
            return Ok(reply);
        }
        Err(ApiError::new(
            ErrorKind::Rejected,
            "POST",
            &path,
            "HostUp answered the authorize with `authorized: false`: the key is on the account but \
             not in its authorized keys",
        ))
    }

    /// Remove the key with `fingerprint`, confirmed by the account's list: `listed()` reads it
    /// afresh and tells whether the key is still there. A key still listed is not removed,
    /// whatever the DELETE answered; an account HostUp says is gone took its keys with it.
    pub async fn remove<L, LF>(&self, fingerprint: &str, listed: L) -> Result<Removal, ApiError>
    where
        L: Fn() -> LF,
        LF: Future<Output = Result<bool, ApiError>>,
    {
        let answer = self
            .core
            .delete(&self.segments(&[fingerprint]), Auth::Bearer)
            .await;
        if let Err(e) = &answer {
            if !e.route_absent() {
                return Err(e.clone());
            }
        }
        let still_listed = match listed().await {
            Ok(l) => l,
            Err(gone) if gone.outcome() == Outcome::Gone => false,
            Err(other) => return Err(other),
        };
        match (answer, still_listed) {
            (_, false) => Ok(Removal::Removed),
            (Ok(()), true) => {
                let path = self
                    .core
                    .url(&self.segments(&[fingerprint]))
                    .path()
                    .to_string();
                Err(ApiError::new(
                    ErrorKind::Rejected,
                    "DELETE",
                    &path,
                    format!(
                        "HostUp answered that the key was removed, but the account's key list \
                         still shows the key with fingerprint {}, so the removal is not \
                         confirmed (nothing is assumed removed)",
                        clip(fingerprint)
                    ),
                ))
            }
            (Err(e), true) if e.outcome() == Outcome::Gone => Ok(Removal::NotFoundWhileListed(e)),
            (Err(e), true) => Ok(Removal::NoOperation(e)),
        }
    }
}
