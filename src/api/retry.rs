//! The retry policy: which failures may be retried for which requests, and how long to wait.
//! Kept apart from the transport so that what is safe to resend is decided in one place.

use super::errors::{ApiError, ErrorKind};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Whether a request may be sent again after a failure whose outcome is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// GET, PATCH to a fixed name, DELETE: repeating has the same effect as sending once.
    Safe,
    /// Creates and the VM reset: only retried when the request certainly was not processed.
    OnlyIfNotProcessed,
}

/// Exponential backoff with jitter, bounded by attempts and a total deadline.
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

/// May `err` be retried for a request of this kind? Rate limits and requests that never left
/// are always safe; server errors and lost replies only when repeating changes nothing.
pub fn retryable(err: &ApiError, repeat: Repeat) -> bool {
    match (err.kind, err.status) {
        (ErrorKind::NotSent, _) => true,
        (ErrorKind::Status, Some(429)) => true,
        (ErrorKind::Status, Some(s)) if s >= 500 => repeat == Repeat::Safe,
        (ErrorKind::Ambiguous, _) => repeat == Repeat::Safe,
        _ => false,
    }
}

/// How long the server asked us to wait: `Retry-After` (seconds) or `X-RateLimit-Reset`
/// (a Unix time, or a number of seconds when small).
pub fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let retry_after = header(RETRY_AFTER.as_str())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(3600.0)));
    let reset = header("x-ratelimit-reset")
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
pub fn backoff(policy: &RetryPolicy, attempt: u32, server: Option<Duration>) -> Duration {
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
