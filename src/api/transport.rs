//! One HTTP attempt: authentication and headers, sending, and classifying what came back into a
//! decoded body or an [`ApiError`]. Retrying is [`super::retry`]'s business, not this one's.

use super::errors::{ApiError, ErrorKind, MAX_REPLY_BYTES};
use super::models::Contract;
use super::network::{no_reply, transport_text};
use super::pacing::Pacer;
use super::rate_headers::RateHeaders;
use super::text::clip;
use crate::log;
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, LOCATION};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde_json::json;
use std::fmt;
use std::time::{Duration, Instant};

pub const USER_AGENT_VALUE: &str = concat!("terraform-provider-hostup/", env!("CARGO_PKG_VERSION"));

/// The User-Agent sent on every request, `terraform-provider-hostup/<version> (terraform/<cli>)`,
/// so HostUp support can tell runs apart. The CLI version is the caller's text: only the
/// characters of a version (`1.11.4`, `1.12.0-beta1+abc`) are kept, at most 32.
pub fn user_agent(cli_version: &str) -> String {
    let cli: String = cli_version
        .trim()
        .trim_start_matches('v')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
        .take(32)
        .collect();
    let cli = if cli.is_empty() { "unknown" } else { &cli };
    format!("{USER_AGENT_VALUE} (terraform/{cli})")
}

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

/// How a request is authenticated: v2 uses a bearer token, the legacy v1 operations `X-API-Key`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    Bearer,
    ApiKeyHeader,
}

/// One request, ready to be sent as many times as the retry policy allows.
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub auth: Auth,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub fn method(&self) -> &str {
        self.method.as_str()
    }
    /// Path only: never the query, the host or credentials.
    pub fn path(&self) -> &str {
        self.url.path()
    }
}

/// A failed attempt, with how long the server asked us to wait before the next one.
pub struct Failed {
    pub error: ApiError,
    pub wait: Option<Duration>,
    /// Never retry, whatever the error: its outcome could not be settled, or a retry would meet
    /// the same refusal (a certificate, a proxy).
    pub stop: bool,
    /// Settled as not carried out by the caller: may be sent again whatever the error.
    pub resend: bool,
}

impl Failed {
    pub fn new(error: ApiError) -> Self {
        Failed {
            error,
            wait: None,
            stop: false,
            resend: false,
        }
    }
}

/// Send `req` once. A 2xx reply is decoded (204 or an empty body is `None`). Every reply's
/// rate-limit headers go to `pacer`.
pub async fn attempt<T: DeserializeOwned + Contract>(
    http: &reqwest::Client,
    key: &Secret,
    req: &Request,
    attempt: u32,
    pacer: &Pacer,
) -> Result<Option<T>, Failed> {
    let (m, path) = (req.method(), req.path());
    let mut builder = http
        .request(req.method.clone(), req.url.clone())
        .header(ACCEPT, "application/json");
    builder = match req.auth {
        Auth::Bearer => builder.bearer_auth(key.expose()),
        Auth::ApiKeyHeader => builder.header("X-API-Key", key.expose()),
    };
    if let Some(b) = &req.body {
        builder = builder
            .header(CONTENT_TYPE, "application/json")
            .body(b.clone());
    }
    let sent_at = Instant::now();
    let failed = match builder.send().await {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let rate = RateHeaders::read(&headers);
            pacer.observe(&rate, status != 429);
            let request_id = || header_str(&headers, "x-request-id");
            match read_capped(&mut resp).await {
                Ok((_, true)) if (200..300).contains(&status) => {
                    let mut e = ApiError::too_large(m, path, status);
                    e.request_id = request_id().map(clip);
                    Failed::new(e)
                }
                Ok((bytes, _)) if (200..300).contains(&status) => {
                    match decode(m, path, status, &headers, &bytes, key) {
                        Ok(decoded) => {
                            log_call(m, path, json!(status), sent_at, request_id(), attempt);
                            return Ok(decoded);
                        }
                        Err(e) => Failed::new(e),
                    }
                }
                // An error body past the cap is parsed from its first MAX_REPLY_BYTES: not JSON
                // then, so only its beginning is quoted; the status still says what failed.
                Ok((bytes, _)) => {
                    let ct = header_str(&headers, CONTENT_TYPE.as_str()).unwrap_or("");
                    let body = redacted(&String::from_utf8_lossy(&bytes), key);
                    let mut err =
                        ApiError::from_reply(m, path, status, ct, body.as_bytes(), request_id());
                    if (300..400).contains(&status) {
                        let location = headers
                            .get(LOCATION)
                            .map(|v| redacted(&String::from_utf8_lossy(v.as_bytes()), key));
                        err = err.redirected(location.as_deref());
                    }
                    let mut f = Failed::new(err);
                    f.wait = rate.wait();
                    f
                }
                // The status line arrived but the body did not.
                Err(e) => Failed::new(ApiError::new(
                    ErrorKind::Ambiguous,
                    m,
                    path,
                    format!("the reply was cut off ({})", transport_text(&e)),
                )),
            }
        }
        Err(e) => {
            let kind = if e.is_connect() {
                ErrorKind::NotSent
            } else {
                ErrorKind::Ambiguous
            };
            let why = no_reply(&e, &req.url);
            let mut err = ApiError::new(kind, m, path, why.detail);
            err.network = why.fault;
            let mut f = Failed::new(err);
            // A refused certificate or a proxy that refuses the tunnel answers the same again.
            f.stop = why.settled;
            f
        }
    };
    let mut failed = failed;
    // A server may echo the key back: it never leaves this function in an error.
    failed.error = failed.error.redact(key.expose());
    failed.error.attempts = attempt;
    let status = match failed.error.status {
        Some(st) => json!(st),
        None => json!(format!("{:?}", failed.error.kind)),
    };
    let request_id = failed.error.request_id.clone();
    log_call(m, path, status, sent_at, request_id.as_deref(), attempt);
    Err(failed)
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

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Decode a 2xx reply. 204 or an empty body is `None`.
fn decode<T: DeserializeOwned + Contract>(
    method: &str,
    path: &str,
    status: u16,
    headers: &HeaderMap,
    bytes: &[u8],
    key: &Secret,
) -> Result<Option<T>, ApiError> {
    if status == 204 || bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(None);
    }
    let decoded: T = serde_json::from_slice(bytes).map_err(|e| {
        let ct = header_str(headers, CONTENT_TYPE.as_str()).unwrap_or("");
        // Redacted before anything is clipped, so that no part of the key survives a clip.
        let body = redacted(&String::from_utf8_lossy(bytes), key);
        let mut err = ApiError::from_reply(
            method,
            path,
            status,
            ct,
            body.as_bytes(),
            header_str(headers, "x-request-id"),
        );
        err.kind = ErrorKind::Decode;
        err.code = None;
        if ct.contains("json") || e.is_data() {
            // serde quotes what it could not decode: the server's text, clipped like any other.
            err.detail = format!(
                "the reply does not match the API contract: {}",
                clip(&redacted(&without_position(&e), key))
            );
        }
        err
    })?;
    decoded.check().map_err(|what| {
        let mut err = ApiError::contract(method, path, status, what);
        err.request_id = header_str(headers, "x-request-id").map(clip);
        err
    })?;
    Ok(Some(decoded))
}

/// The body, read chunk by chunk up to [`MAX_REPLY_BYTES`], and whether there was more: the rest is
/// never read (dropping the reply closes the connection), so a server cannot make us hold more.
async fn read_capped(resp: &mut reqwest::Response) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        let room = MAX_REPLY_BYTES - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// `text` with the API key replaced, should a server echo it back.
fn redacted(text: &str, key: &Secret) -> String {
    let k = key.expose();
    if k.len() >= 4 && text.contains(k) {
        text.replace(k, "<redacted>")
    } else {
        text.to_string()
    }
}

/// serde's message without " at line 1 column 2", which means nothing to a user.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
