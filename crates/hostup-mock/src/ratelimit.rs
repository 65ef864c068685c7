//! A rate limit per API key, as HostUp publishes one (CONTRACT.md "Rate limits (published)"): a
//! fixed window per key (the token of `Authorization: Bearer` or `X-API-Key`), shared by every
//! client that sends that key. Every reply for the key carries `X-RateLimit-Limit`,
//! `-Remaining` and `-Reset` (ISO 8601, when the window ends); once the window is spent a
//! request is answered `429 rate_limited` with `Retry-After` (whole seconds, rounded up) and is
//! not carried out. Refused requests do not count.

use super::seed::RateLimit;
use axum::http::HeaderMap;
use std::collections::HashMap;
use std::sync::Mutex;

/// The windows of every key seen.
#[derive(Default)]
pub(crate) struct Limiter {
    pub limit: Option<RateLimit>,
    /// key → (window number, requests counted in it).
    windows: Mutex<HashMap<String, (u64, u32)>>,
}

/// What the limiter decided for one request.
pub(crate) struct Verdict {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    pub reset_ms: u64,
}

impl Limiter {
    pub fn new(limit: Option<RateLimit>) -> Self {
        Limiter {
            limit,
            windows: Mutex::default(),
        }
    }

    /// Count a request of `key` at `now_ms` against its window; `None` without a limit.
    pub fn take(&self, key: &str, now_ms: u64) -> Option<Verdict> {
        let rl = self.limit?;
        let len_ms = u64::from(rl.window_secs) * 1000;
        let window = now_ms / len_ms;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let entry = windows.entry(key.to_string()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        let allowed = entry.1 < rl.limit;
        if allowed {
            entry.1 += 1;
        }
        Some(Verdict {
            allowed,
            limit: rl.limit,
            remaining: rl.limit - entry.1,
            reset_ms: (window + 1) * len_ms,
        })
    }
}

/// The API key of a request, as the routes read it.
pub(crate) fn api_key(h: &HeaderMap) -> String {
    let header = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
    header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| header("x-api-key"))
        .unwrap_or_default()
        .to_string()
}
