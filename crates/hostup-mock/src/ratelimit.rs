//! A rate limit per API key, as HostUp publishes one (CONTRACT.md "Rate limits (published)"): a
//! fixed window per key (the token of `Authorization: Bearer` or `X-API-Key`), shared by every
//! client that sends that key. Every reply for the key carries `X-RateLimit-Limit`,
//! `-Remaining` and `-Reset` (ISO 8601, when the window ends); once the window is spent a
//! request is answered `429 rate_limited` with `Retry-After` (whole seconds, rounded up) and is
//! not carried out. Refused requests do not count.

use super::clock::{iso_at_ms, unix_ms};
use super::reply::{into_response, problem, v1_error, Ctx};
use super::shared::Shared;
use axum::extract::{Request, State as AxState};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// `"rateLimit": {"limit": 20, "windowSecs": 1}` in the seed, `--rate-limit 20/s` on the
/// command line: at most `limit` requests per key in each window of `windowSecs` seconds
/// (windows start at whole multiples of `windowSecs` since the Unix epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimit {
    pub limit: u32,
    #[serde(default = "one")]
    pub window_secs: u32,
}

fn one() -> u32 {
    1
}

impl std::str::FromStr for RateLimit {
    type Err = String;
    /// `N/s`, `N/m`, or `N/Ss` (per S seconds).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a rate like 20/s, 600/m or 100/10s");
        let (n, per) = s.split_once('/').ok_or_else(bad)?;
        let limit: u32 = n.trim().parse().map_err(|_| bad())?;
        let window_secs = match per.trim() {
            "s" => 1,
            "m" => 60,
            other => other
                .strip_suffix('s')
                .and_then(|w| w.parse::<u32>().ok())
                .ok_or_else(bad)?,
        };
        if limit == 0 || window_secs == 0 {
            return Err(format!("{}: limit and window must be above 0", bad()));
        }
        Ok(RateLimit { limit, window_secs })
    }
}

/// The windows of every key seen.
#[derive(Default)]
pub(crate) struct Limiter {
    pub limit: Option<RateLimit>,
    /// key → (window number, requests counted in it).
    windows: Mutex<HashMap<String, (u64, u32)>>,
}

/// What the limiter decided for one request.
struct Verdict {
    allowed: bool,
    limit: u32,
    remaining: u32,
    reset_ms: u64,
}

impl Limiter {
    pub fn new(limit: Option<RateLimit>) -> Self {
        Limiter {
            limit,
            windows: Mutex::default(),
        }
    }

    fn take(&self, key: &str, now_ms: u64) -> Option<Verdict> {
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
fn api_key(h: &HeaderMap) -> String {
    let header = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
    header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| header("x-api-key"))
        .unwrap_or_default()
        .to_string()
}

/// The layer: count the request against its key's window, refuse it once the window is spent,
/// and put the window's headers on every reply (a forced 429's too).
pub(crate) async fn rate_limit(
    AxState(shared): AxState<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let now = unix_ms();
    let verdict = match Ctx::of(&req).filter(|c| c.is_api) {
        Some(ctx) => shared
            .limiter
            .take(&api_key(req.headers()), now)
            .map(|v| (v, ctx)),
        None => None,
    };
    let Some((v, ctx)) = verdict else {
        return next.run(req).await;
    };
    let wait_secs = v.reset_ms.saturating_sub(now).div_ceil(1000).max(1);
    let mut resp = if v.allowed {
        next.run(req).await
    } else {
        let msg = format!("Rate limit exceeded; retry after {wait_secs} seconds.");
        let r = if ctx.is_v1 {
            v1_error(&ctx.err(), 429, "RATE_LIMITED", &msg)
        } else {
            problem(&ctx.err(), 429, "rate_limited", &msg, vec![])
        };
        let mut resp = into_response(r);
        resp.headers_mut()
            .insert("retry-after", HeaderValue::from(wait_secs));
        resp
    };
    let h = resp.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(v.limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(v.remaining));
    if let Ok(reset) = HeaderValue::from_str(&iso_at_ms(v.reset_ms)) {
        h.insert("x-ratelimit-reset", reset);
    }
    resp
}
