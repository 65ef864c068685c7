//! HostUp HTTP client: one place for authentication, headers, retries, pagination and error
//! decoding. Every operation of CONTRACT.md has one method here.

use super::errors::{ApiError, ErrorKind};
use super::models::*;
use crate::log;
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const DEFAULT_ENDPOINT: &str = "https://cloud.hostup.se";
pub const USER_AGENT_VALUE: &str = concat!("terraform-provider-hostup/", env!("CARGO_PKG_VERSION"));
/// The largest page the inventory allows; fewer pages mean fewer requests.
pub const PAGE_LIMIT: u32 = 100;
/// A runaway pagination (a server repeating cursors) stops here instead of looping forever.
const MAX_PAGES: usize = 10_000;

/// The API key, kept out of `Debug` output and error messages.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// How a request is authenticated: v2 uses a bearer token, the older v1 operation `X-API-Key`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Auth {
    Bearer,
    ApiKeyHeader,
}

/// Whether a request may be sent again after a failure whose outcome is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repeat {
    /// GET, PATCH to a fixed name, DELETE: repeating has the same effect as sending once.
    Safe,
    /// Creates and the VM reset: only retried when the request certainly was not processed.
    OnlyIfNotProcessed,
}

/// Retry policy: exponential backoff with jitter, bounded by attempts and a total deadline.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Upper bound on one operation, retries included.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 8,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
            deadline: Duration::from_secs(300),
        }
    }
}

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
}

/// Parse and check an endpoint URL. `http` is only allowed to a loopback host: the API key would
/// otherwise cross the network in clear text.
pub fn parse_endpoint(raw: &str) -> Result<Url, String> {
    let trimmed = raw.trim();
    let url = Url::parse(trimmed).map_err(|e| {
        format!("\"{trimmed}\" is not a valid URL ({e}). Expected for example \"https://cloud.hostup.se\".")
    })?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                None => false,
            };
            if !loopback {
                return Err(format!(
                    "\"{trimmed}\" uses plain http to a host that is not loopback. The API key would \
                     travel unencrypted; use https (http is only allowed for 127.0.0.1, ::1 or \
                     localhost, e.g. a local mock)."
                ));
            }
        }
        other => {
            return Err(format!(
                "\"{trimmed}\" has the scheme \"{other}\"; the endpoint must be an https:// URL."
            ))
        }
    }
    if url.host().is_none() {
        return Err(format!("\"{trimmed}\" has no host."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "The endpoint URL must not contain credentials; set api_key instead.".to_string(),
        );
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "\"{trimmed}\" has a query or fragment; give only scheme, host, port and an optional base path."
        ));
    }
    Ok(url)
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
        Ok(Client { http, cfg })
    }

    pub fn endpoint(&self) -> &Url {
        &self.cfg.endpoint
    }

    /// Build a URL from the endpoint and path segments (each percent-encoded).
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.cfg.endpoint.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty();
            for s in segments {
                segs.push(s);
            }
        }
        url
    }

    /// Send one logical request with retries; decode a JSON reply (or none for 204).
    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        auth: Auth,
        repeat: Repeat,
        body: Option<&B>,
    ) -> Result<Option<T>, ApiError> {
        let path = url.path().to_string();
        let m = method.as_str().to_string();
        let body = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| {
                ApiError::new(
                    ErrorKind::Decode,
                    &m,
                    &path,
                    format!("cannot encode body: {e}"),
                )
            })?),
            None => None,
        };
        let started = Instant::now();
        let policy = &self.cfg.retry;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            if crate::cancel::is_cancelled() {
                return Err(cancelled_error(&m, &path, attempt - 1));
            }
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .header(ACCEPT, "application/json")
                .header(USER_AGENT, USER_AGENT_VALUE);
            req = match auth {
                Auth::Bearer => req.bearer_auth(self.cfg.api_key.expose()),
                Auth::ApiKeyHeader => req.header("X-API-Key", self.cfg.api_key.expose()),
            };
            if let Some(b) = &body {
                req = req.header(CONTENT_TYPE, "application/json").body(b.clone());
            }
            let sent_at = Instant::now();
            let (mut err, wait) = match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let headers = resp.headers().clone();
                    match resp.bytes().await {
                        Ok(bytes) if (200..300).contains(&status) => {
                            log_call(
                                &m,
                                &path,
                                json!(status),
                                sent_at,
                                header_str(&headers, "x-request-id"),
                                attempt,
                            );
                            return decode(&m, &path, status, &headers, &bytes)
                                .map_err(|e| e.redact(self.cfg.api_key.expose()));
                        }
                        Ok(bytes) => {
                            let ct = header_str(&headers, CONTENT_TYPE.as_str()).unwrap_or("");
                            let err = ApiError::from_reply(
                                &m,
                                &path,
                                status,
                                ct,
                                &bytes,
                                header_str(&headers, "x-request-id"),
                            );
                            (err, server_wait(&headers))
                        }
                        // The status line arrived but the body did not.
                        Err(e) => (
                            ApiError::new(
                                ErrorKind::Ambiguous,
                                &m,
                                &path,
                                format!("the reply was cut off ({})", transport_text(&e)),
                            ),
                            None,
                        ),
                    }
                }
                Err(e) => {
                    let kind = if e.is_connect() {
                        ErrorKind::NotSent
                    } else {
                        ErrorKind::Ambiguous
                    };
                    (ApiError::new(kind, &m, &path, transport_text(&e)), None)
                }
            };
            err.attempts = attempt;
            log_call(
                &m,
                &path,
                match err.status {
                    Some(st) => json!(st),
                    None => json!(format!("{:?}", err.kind)),
                },
                sent_at,
                err.request_id.as_deref(),
                attempt,
            );
            let retryable = match (err.kind, err.status) {
                (ErrorKind::NotSent, _) => true,
                (ErrorKind::Status, Some(429)) => true,
                (ErrorKind::Status, Some(s)) if s >= 500 => repeat == Repeat::Safe,
                (ErrorKind::Ambiguous, _) => repeat == Repeat::Safe,
                _ => false,
            };
            if !retryable || attempt > policy.max_retries {
                return Err(err.redact(self.cfg.api_key.expose()));
            }
            let delay = backoff(policy, attempt, wait);
            log::warn(
                "retrying HostUp API call",
                &[
                    ("method", json!(m)),
                    ("path", json!(path)),
                    ("attempt", json!(attempt)),
                    ("wait_ms", json!(delay.as_millis() as u64)),
                    ("reason", json!(err.summary())),
                ],
            );
            if started.elapsed() + delay > policy.deadline {
                let mut err = err.redact(self.cfg.api_key.expose());
                err.detail = format!(
                    "{} (gave up: the next retry would pass the {}s deadline)",
                    err.detail,
                    policy.deadline.as_secs()
                );
                return Err(err);
            }
            if !crate::cancel::sleep(delay).await {
                return Err(cancelled_error(&m, &path, attempt));
            }
        }
    }

    /// [`Client::call`] for operations that must answer with a JSON body.
    async fn call_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        auth: Auth,
        repeat: Repeat,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let (m, path) = (method.as_str().to_string(), url.path().to_string());
        self.call(method, url, auth, repeat, body)
            .await?
            .ok_or_else(|| empty_reply(&m, &path))
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.cfg.retry
    }

    /// Wait before retry number `attempt` (1-based) of a whole operation, as the request loop
    /// does. False when Terraform is stopping.
    pub async fn pause(&self, attempt: u32) -> bool {
        crate::cancel::sleep(backoff(&self.cfg.retry, attempt, None)).await
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
        self.call_json::<(), VpsKeyPage>(Method::GET, url, Auth::Bearer, Repeat::Safe, None)
            .await
    }

    /// The whole VPS key inventory, following `nextCursor` until the last page.
    pub async fn list_vps_keys(&self) -> Result<Vec<VpsSshKey>, ApiError> {
        let mut keys = Vec::new();
        let mut cursor: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        for _ in 0..MAX_PAGES {
            let page = self.list_vps_keys_page(cursor.as_deref()).await?;
            keys.extend(page.data);
            match page.next_cursor.filter(|c| !c.is_empty()) {
                Some(next) if page.has_more || cursor.is_none() || !seen.contains(&next) => {
                    if !seen.insert(next.clone()) {
                        return Err(ApiError::new(
                            ErrorKind::Decode,
                            "GET",
                            "/api/v2/ssh-keys",
                            "the inventory returned the same cursor twice; stopping to avoid a loop",
                        ));
                    }
                    if !page.has_more {
                        break;
                    }
                    cursor = Some(next);
                }
                _ => break,
            }
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
        let url = self.url(&["api", "v2", "ssh-keys"]);
        self.call_json(
            Method::POST,
            url,
            Auth::Bearer,
            Repeat::OnlyIfNotProcessed,
            Some(&body),
        )
        .await
    }

    pub async fn rename_vps_key(&self, id: &str, name: &str) -> Result<VpsSshKey, ApiError> {
        let body = RenameVpsKey {
            name: name.to_string(),
        };
        let url = self.url(&["api", "v2", "ssh-keys", id]);
        self.call_json(Method::PATCH, url, Auth::Bearer, Repeat::Safe, Some(&body))
            .await
    }

    pub async fn delete_vps_key(&self, id: &str) -> Result<(), ApiError> {
        let url = self.url(&["api", "v2", "ssh-keys", id]);
        self.call::<(), serde_json::Value>(Method::DELETE, url, Auth::Bearer, Repeat::Safe, None)
            .await
            .map(|_| ())
    }

    // ---- Shared-hosting keys ------------------------------------------------------------------

    pub async fn list_hosting_keys(&self, account_id: &str) -> Result<HostingKeyList, ApiError> {
        let url = self.url(&["api", "v2", "shared-hosting", account_id, "ssh-keys"]);
        self.call_json::<(), HostingKeyList>(Method::GET, url, Auth::Bearer, Repeat::Safe, None)
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
        let url = self.url(&["api", "v2", "shared-hosting", account_id, "ssh-keys"]);
        self.call_json(
            Method::POST,
            url,
            Auth::Bearer,
            Repeat::OnlyIfNotProcessed,
            Some(&body),
        )
        .await
    }

    pub async fn delete_hosting_key(&self, account_id: &str, key_id: &str) -> Result<(), ApiError> {
        let url = self.url(&[
            "api",
            "v2",
            "shared-hosting",
            account_id,
            "ssh-keys",
            key_id,
        ]);
        self.call::<(), serde_json::Value>(Method::DELETE, url, Auth::Bearer, Repeat::Safe, None)
            .await
            .map(|_| ())
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
        self.call_json(
            Method::POST,
            url,
            Auth::ApiKeyHeader,
            Repeat::OnlyIfNotProcessed,
            Some(&body),
        )
        .await
    }
}

/// One debug line per HTTP attempt: never headers, bodies or the key.
fn log_call(
    method: &str,
    path: &str,
    status: serde_json::Value,
    sent_at: Instant,
    request_id: Option<&str>,
    attempt: u32,
) {
    log::debug(
        "HostUp API call",
        &[
            ("method", json!(method)),
            ("path", json!(path)),
            ("status", status),
            ("duration_ms", json!(sent_at.elapsed().as_millis() as u64)),
            ("request_id", json!(request_id)),
            ("attempt", json!(attempt)),
        ],
    );
}

fn cancelled_error(method: &str, path: &str, attempts: u32) -> ApiError {
    let mut e = ApiError::new(
        ErrorKind::Cancelled,
        method,
        path,
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

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Decode a 2xx reply. 204 or an empty body is `None`.
fn decode<T: DeserializeOwned>(
    method: &str,
    path: &str,
    status: u16,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<Option<T>, ApiError> {
    if status == 204 || bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(None);
    }
    serde_json::from_slice(bytes).map(Some).map_err(|e| {
        let ct = header_str(headers, CONTENT_TYPE.as_str()).unwrap_or("");
        let mut err = ApiError::from_reply(
            method,
            path,
            status,
            ct,
            bytes,
            header_str(headers, "x-request-id"),
        );
        err.kind = ErrorKind::Decode;
        err.code = None;
        if ct.contains("json") {
            err.detail = format!("the {status} reply does not match the API contract: {e}");
        }
        err
    })
}

/// How long the server asked us to wait: `Retry-After` (seconds) or `X-RateLimit-Reset`
/// (a Unix time, or a number of seconds when small).
fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let retry_after = header_str(headers, RETRY_AFTER.as_str())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(3600.0)));
    let reset = header_str(headers, "x-ratelimit-reset")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|v| {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            if v > 1_000_000_000 {
                Duration::from_secs(v.saturating_sub(now).min(3600))
            } else {
                Duration::from_secs(v.min(3600))
            }
        });
    match (retry_after, reset) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Exponential backoff with full jitter, never shorter than what the server asked for.
fn backoff(policy: &RetryPolicy, attempt: u32, server: Option<Duration>) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(1u32 << (attempt - 1).min(16))
        .min(policy.max_delay);
    let jitter = exp.mul_f64(0.5 + 0.5 * pseudo_random());
    match server {
        Some(s) => s.max(jitter.min(policy.base_delay)),
        None => jitter,
    }
}

/// Jitter only needs to spread concurrent retries apart, not to be unpredictable.
fn pseudo_random() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let mut x = STATE.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed) ^ nanos;
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Transport error text without URLs (which would be noise) and never with headers.
fn transport_text(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "the request timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the reply body could not be read"
    } else {
        "the connection failed"
    };
    let mut source = String::new();
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = cur {
        source = s.to_string();
        cur = s.source();
    }
    if source.is_empty() {
        what.to_string()
    } else {
        format!("{what}: {source}")
    }
}
