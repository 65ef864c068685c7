//! HostUp HTTP client: every operation of the API contract as one method, on top of one retry
//! loop ([`Client::call`]) that sends attempts through [`super::transport`] and asks
//! [`super::retry`] whether and when to try again.

use super::errors::{ApiError, ErrorKind};
use super::models::*;
use super::retry::{backoff, retryable, Outage, Repeat, RetryPolicy};
use super::transport::{self, Auth, Request, Secret};
use crate::log;
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The largest page the inventory allows; fewer pages mean fewer requests.
pub const PAGE_LIMIT: u32 = 100;
/// A runaway pagination (a server repeating cursors) stops here instead of looping forever.
const MAX_PAGES: usize = 10_000;

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub endpoint: Url,
    pub api_key: Secret,
    /// Timeout of one HTTP attempt.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
}

#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    cfg: ClientConfig,
    outage: Arc<Outage>,
}

impl Client {
    pub fn new(cfg: ClientConfig) -> Result<Client, String> {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(cfg.request_timeout)
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("could not set up the HTTP client: {e}"))?;
        Ok(Client {
            http,
            cfg,
            outage: Arc::default(),
        })
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.cfg.retry
    }

    /// Wait before retry number `attempt` (1-based) of a whole operation, as the request loop
    /// does. False when Terraform is stopping.
    pub async fn pause(&self, attempt: u32) -> bool {
        crate::cancel::sleep(backoff(&self.cfg.retry, attempt, None)).await
    }

    /// Build a URL from the endpoint and path segments (each percent-encoded).
    pub(super) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.cfg.endpoint.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty();
            for s in segments {
                segs.push(s);
            }
        }
        url
    }

    /// Send one logical request, retrying as the policy allows; `None` for a reply without body.
    async fn call<T: DeserializeOwned + Contract>(
        &self,
        req: Request,
        repeat: Repeat,
    ) -> Result<Option<T>, ApiError> {
        let key = &self.cfg.api_key;
        let policy = &self.cfg.retry;
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            if crate::cancel::is_cancelled() {
                return Err(cancelled_error(&req, attempt - 1));
            }
            let window = policy.unreachable_window();
            if let Err(why) = self.outage.remaining(window) {
                return Err(ApiError::new(
                    ErrorKind::NotSent,
                    req.method(),
                    req.path(),
                    why,
                ));
            }
            let failed = match transport::attempt(&self.http, key, &req, attempt).await {
                Ok(reply) => {
                    self.outage.reached();
                    return Ok(reply);
                }
                Err(f) => f,
            };
            let err = failed.error.redact(key.expose());
            let mut delay = backoff(policy, attempt, failed.wait);
            if err.kind == ErrorKind::NotSent {
                self.outage.unreachable(&err.detail);
                // Wake at the latest when the shared window closes, to give up with the others.
                if let Ok(Some(left)) = self.outage.remaining(window) {
                    delay = delay.min(left);
                }
            } else if err.status.is_some() {
                self.outage.reached();
            }
            if !retryable(&err, repeat) || attempt > policy.max_retries {
                return Err(err);
            }
            log::warn(
                "retrying HostUp API call",
                &[
                    ("method", json!(req.method())),
                    ("path", json!(req.path())),
                    ("attempt", json!(attempt)),
                    ("wait_ms", json!(delay.as_millis() as u64)),
                    ("reason", json!(err.summary())),
                ],
            );
            if started.elapsed() + delay > policy.deadline {
                let mut err = err;
                err.detail = format!(
                    "{} (gave up: the next retry would pass the {}s deadline)",
                    err.detail,
                    policy.deadline.as_secs()
                );
                return Err(err);
            }
            if !crate::cancel::sleep(delay).await {
                return Err(cancelled_error(&req, attempt));
            }
        }
    }

    fn request<B: Serialize>(
        &self,
        method: Method,
        url: Url,
        auth: Auth,
        body: Option<&B>,
    ) -> Result<Request, ApiError> {
        let body = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| {
                ApiError::new(
                    ErrorKind::Decode,
                    method.as_str(),
                    url.path(),
                    format!("cannot encode body: {e}"),
                )
            })?),
            None => None,
        };
        Ok(Request {
            method,
            url,
            auth,
            body,
        })
    }

    /// A request that must answer with a JSON body.
    pub(super) async fn json<B: Serialize, T: DeserializeOwned + Contract>(
        &self,
        method: Method,
        url: Url,
        auth: Auth,
        repeat: Repeat,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let req = self.request(method, url, auth, body)?;
        let (m, path) = (req.method().to_string(), req.path().to_string());
        self.call(req, repeat)
            .await?
            .ok_or_else(|| empty_reply(&m, &path))
    }

    async fn get<T: DeserializeOwned + Contract>(
        &self,
        url: Url,
        auth: Auth,
    ) -> Result<T, ApiError> {
        self.json::<(), T>(Method::GET, url, auth, Repeat::Safe, None)
            .await
    }

    /// POST creates or acts: never resent when it may have been carried out.
    async fn post<B: Serialize, T: DeserializeOwned + Contract>(
        &self,
        url: Url,
        auth: Auth,
        body: &B,
    ) -> Result<T, ApiError> {
        self.json(
            Method::POST,
            url,
            auth,
            Repeat::OnlyIfNotProcessed,
            Some(body),
        )
        .await
    }

    /// PATCH sets a value: sending it twice has the same effect as once.
    async fn patch<B: Serialize, T: DeserializeOwned + Contract>(
        &self,
        url: Url,
        auth: Auth,
        body: &B,
    ) -> Result<T, ApiError> {
        self.json(Method::PATCH, url, auth, Repeat::Safe, Some(body))
            .await
    }

    /// DELETE of one object; any body of the reply is ignored.
    async fn delete(&self, url: Url, auth: Auth) -> Result<(), ApiError> {
        let req = self.request::<()>(Method::DELETE, url, auth, None)?;
        self.call::<serde_json::Value>(req, Repeat::Safe)
            .await
            .map(|_| ())
    }

    /// An error for a 2xx reply whose envelope says `success: false`.
    pub(super) fn rejected(
        path: &str,
        method: &str,
        message: &str,
        request_id: String,
    ) -> ApiError {
        let message = Some(message)
            .filter(|m| !m.is_empty())
            .unwrap_or("no message given");
        let mut e = ApiError::new(
            ErrorKind::Rejected,
            method,
            path,
            format!("HostUp answered with success: false: {message}"),
        );
        e.request_id = Some(request_id).filter(|r| !r.is_empty());
        e
    }

    // ---- VPS keys (account level) -------------------------------------------------------------

    /// One page of the VPS key inventory.
    pub async fn list_vps_keys_page(&self, cursor: Option<&str>) -> Result<VpsKeyPage, ApiError> {
        let mut url = self.url(&["api", "v2", "ssh-keys"]);
        url.query_pairs_mut()
            .append_pair("limit", &PAGE_LIMIT.to_string());
        if let Some(c) = cursor {
            url.query_pairs_mut().append_pair("cursor", c);
        }
        self.get(url, Auth::Bearer).await
    }

    /// The whole VPS key inventory: pages are followed while `hasMore` is true and a cursor is
    /// given; a cursor seen before means the server is looping, which is an error.
    pub async fn list_vps_keys(&self) -> Result<Vec<VpsSshKey>, ApiError> {
        let mut keys = Vec::new();
        let mut cursor: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        for _ in 0..MAX_PAGES {
            let page = self.list_vps_keys_page(cursor.as_deref()).await?;
            keys.extend(page.data);
            let next = match page.next_cursor.filter(|c| !c.is_empty()) {
                Some(next) if page.has_more => next,
                _ => break,
            };
            if !seen.insert(next.clone()) {
                return Err(ApiError::new(
                    ErrorKind::Decode,
                    "GET",
                    "/api/v2/ssh-keys",
                    "the inventory returned the same cursor twice; stopping to avoid a loop",
                ));
            }
            cursor = Some(next);
        }
        Ok(keys)
    }

    pub async fn create_vps_key(
        &self,
        name: &str,
        public_key: &str,
    ) -> Result<VpsSshKey, ApiError> {
        let body = CreateVpsKey {
            name: name.to_string(),
            public_key: public_key.to_string(),
        };
        self.post(self.url(&["api", "v2", "ssh-keys"]), Auth::Bearer, &body)
            .await
    }

    pub async fn rename_vps_key(&self, id: &str, name: &str) -> Result<VpsSshKey, ApiError> {
        let body = RenameVpsKey {
            name: name.to_string(),
        };
        self.patch(
            self.url(&["api", "v2", "ssh-keys", id]),
            Auth::Bearer,
            &body,
        )
        .await
    }

    pub async fn delete_vps_key(&self, id: &str) -> Result<(), ApiError> {
        self.delete(self.url(&["api", "v2", "ssh-keys", id]), Auth::Bearer)
            .await
    }

    // ---- Shared-hosting keys ------------------------------------------------------------------

    fn hosting_keys_url(&self, account_id: &str) -> Url {
        self.url(&["api", "v2", "shared-hosting", account_id, "ssh-keys"])
    }

    pub async fn list_hosting_keys(&self, account_id: &str) -> Result<HostingKeyList, ApiError> {
        self.get(self.hosting_keys_url(account_id), Auth::Bearer)
            .await
    }

    pub async fn import_hosting_key(
        &self,
        account_id: &str,
        name: &str,
        public_key: &str,
    ) -> Result<ImportedHostingKey, ApiError> {
        let body = ImportHostingKey {
            name: name.to_string(),
            public_key: public_key.to_string(),
        };
        self.post(self.hosting_keys_url(account_id), Auth::Bearer, &body)
            .await
    }

    pub async fn delete_hosting_key(&self, account_id: &str, key_id: &str) -> Result<(), ApiError> {
        let mut url = self.hosting_keys_url(account_id);
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.push(key_id);
        }
        self.delete(url, Auth::Bearer).await
    }

    // ---- VM reset (v1) ------------------------------------------------------------------------

    /// Reset a VM's SSH keys. Not idempotent (the VM restarts), so never resent after an
    /// ambiguous failure.
    pub async fn reset_vm_ssh_keys(
        &self,
        vmid: u64,
        key_ids: &[String],
    ) -> Result<ResetVmKeysReply, ApiError> {
        let body = ResetVmKeys {
            key_ids: key_ids.to_vec(),
        };
        let url = self.url(&["api", "vm", &vmid.to_string(), "reset-ssh-keys"]);
        let path = url.path().to_string();
        let reply: ResetVmKeysReply = self.post(url, Auth::ApiKeyHeader, &body).await?;
        if reply.success && reply.data.success {
            return Ok(reply);
        }
        // An action is done only when HostUp says so at both levels of its envelope.
        Err(Client::rejected(
            &path,
            "POST",
            &reply.data.message,
            reply.request_id,
        ))
    }
}

fn cancelled_error(req: &Request, attempts: u32) -> ApiError {
    let mut e = ApiError::new(
        ErrorKind::Cancelled,
        req.method(),
        req.path(),
        "interrupted: Terraform is stopping, so no further attempt was made",
    );
    e.attempts = attempts.max(1);
    e
}

fn empty_reply(method: &str, path: &str) -> ApiError {
    ApiError::new(
        ErrorKind::Decode,
        method,
        path,
        "the server answered 204 No Content where a JSON body was expected",
    )
}
