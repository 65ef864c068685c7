//! The one retry loop ([`Retrier::run`]) and its policy: which failures may be retried for which
//! requests, how long to wait, and the one deadline of a Terraform operation. Kept apart from the
//! transport so that what is safe to resend is decided in one place.

use super::errors::{ApiError, ErrorKind, Outcome};
use super::pacing::Pacer;
use super::transport::Failed;
use crate::log;
use serde_json::json;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

tokio::task_local! {
    /// When the Terraform operation this task serves began: `retry_deadline` bounds it whole
    /// (a create with its look-ups, a delete with its confirmation), not each HTTP call.
    static OPERATION: Instant;
}

/// When the current operation began; outside one (a unit test), now.
fn operation_start() -> Instant {
    OPERATION
        .try_with(|s| *s)
        .unwrap_or_else(|_| Instant::now())
}

/// Run `f` as one Terraform operation. Nested calls keep the outer operation's start.
pub async fn operation<F: Future>(f: F) -> F::Output {
    OPERATION.scope(operation_start(), f).await
}

/// Run `f` as an operation of its own that starts now, even inside another: one poll of a long
/// wait, which the wait bounds as a whole (a `timeouts` block), not the outer `retry_deadline`.
pub async fn fresh_operation<F: Future>(f: F) -> F::Output {
    OPERATION.scope(Instant::now(), f).await
}

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

impl RetryPolicy {
    /// How long the API may stay unreachable before every call gives up: the waits one call
    /// would make through all its retries, at most the deadline.
    pub fn unreachable_window(&self) -> Duration {
        let waits = (1..=self.max_retries)
            .map(|attempt| {
                self.base_delay
                    .saturating_mul(1u32 << (attempt - 1).min(16))
                    .min(self.max_delay)
            })
            .fold(Duration::ZERO, |a, b| a.saturating_add(b));
        waits.min(self.deadline)
    }
}

/// Whether the API is unreachable, shared by every call of the provider process: calls waiting
/// on a dead API share one retry window instead of each starting its own (20 creates behind
/// Terraform's parallelism of 10 would otherwise wait two windows).
#[derive(Default, Debug)]
pub struct Outage(Mutex<Option<(Instant, String)>>);

impl Outage {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Instant, String)>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A request could not reach the API; `why` is kept from the first such failure.
    pub fn unreachable(&self, why: &str) {
        self.lock()
            .get_or_insert_with(|| (Instant::now(), why.to_string()));
    }

    /// The API answered (whatever it said).
    pub fn reached(&self) {
        *self.lock() = None;
    }

    /// Time left of the window, or, once it is over, the reason every call now fails with.
    /// Without retries (`max_retries = 0`) there is no window to share: each call tries once.
    pub fn remaining(&self, window: Duration) -> Result<Option<Duration>, String> {
        if window.is_zero() {
            return Ok(None);
        }
        match &*self.lock() {
            None => Ok(None),
            Some((since, why)) => match window.checked_sub(since.elapsed()) {
                Some(left) if !left.is_zero() => Ok(Some(left)),
                _ => Err(format!(
                    "the HostUp API has been unreachable for {}, longer than this run's retry \
                     window of {} (the waits of max_retries, at most retry_deadline), so every \
                     pending call gives up ({why})",
                    seconds(since.elapsed()),
                    seconds(window),
                )),
            },
        }
    }
}

/// May `err` be retried for a request of this kind? Rate limits and requests that never left
/// are always safe; server errors and lost replies only when repeating changes nothing.
fn retryable(err: &ApiError, repeat: Repeat) -> bool {
    match err.outcome() {
        Outcome::NotSent | Outcome::RateLimited => true,
        Outcome::ServerError | Outcome::Ambiguous => repeat == Repeat::Safe,
        _ => false,
    }
}

/// The retry policy with the process's shared outage window and pacer: what runs every retry
/// loop.
#[derive(Debug, Default)]
pub(super) struct Retrier {
    pub(super) policy: RetryPolicy,
    pub(super) outage: Outage,
    pub(super) pacer: Pacer,
}

impl Retrier {
    /// The one retry loop: call `attempt` (given the attempt number) until it succeeds, its
    /// failure may not be retried, the retries are spent, the operation's deadline would pass,
    /// or Terraform stops. `method` and `path` name the request in logs and errors.
    pub(super) async fn run<T, F, Fut>(
        &self,
        method: &str,
        path: &str,
        repeat: Repeat,
        mut attempt: F,
    ) -> Result<T, ApiError>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Failed>>,
    {
        let policy = &self.policy;
        let started = operation_start();
        let window = policy.unreachable_window();
        let mut n: u32 = 0;
        loop {
            n += 1;
            if crate::cancel::is_cancelled() {
                return Err(cancelled_error(method, path, n - 1));
            }
            if let Err(why) = self.outage.remaining(window) {
                return Err(ApiError::new(ErrorKind::NotSent, method, path, why));
            }
            let left = policy.deadline.saturating_sub(started.elapsed());
            let permit = match self.pacer.acquire(left, policy.deadline).await {
                Ok(p) => p,
                Err(_) if crate::cancel::is_cancelled() => {
                    return Err(cancelled_error(method, path, n - 1));
                }
                Err((wait, why)) => {
                    let mut e = ApiError::new(ErrorKind::NotSent, method, path, why);
                    e.attempts = n.max(1);
                    e.wait_past_deadline = Some(wait);
                    return Err(e);
                }
            };
            let result = attempt(n).await;
            drop(permit);
            let failed = match result {
                Ok(reply) => {
                    self.outage.reached();
                    return Ok(reply);
                }
                Err(f) => f,
            };
            let mut err = failed.error;
            err.attempts = err.attempts.max(n);
            let mut delay = backoff(policy, n, failed.wait);
            if err.kind == ErrorKind::NotSent {
                self.outage.unreachable(&err.detail);
                // Wake at the latest when the shared window closes, to give up with the others.
                if let Ok(Some(left)) = self.outage.remaining(window) {
                    delay = delay.min(left);
                }
            } else if err.status.is_some() {
                self.outage.reached();
            }
            if err.outcome() == Outcome::RateLimited {
                // One pause for every call of the process, not one per call.
                self.pacer
                    .rate_limited(failed.wait.unwrap_or(delay).min(MAX_SERVER_WAIT));
            }
            let may_retry = failed.resend || retryable(&err, repeat);
            if failed.stop || !may_retry || n > policy.max_retries {
                return Err(err);
            }
            if started.elapsed() + delay > policy.deadline {
                let left = policy.deadline.saturating_sub(started.elapsed());
                err.detail = match failed.wait.filter(|w| *w >= delay.min(MAX_SERVER_WAIT)) {
                    // The server's own wait is what does not fit: say so, not "kept failing".
                    Some(asked) => {
                        err.wait_past_deadline = Some(asked);
                        format!(
                            "{} (no retry was made: HostUp asked to wait {} before the next \
                             attempt, longer than the {}s left of this operation's retry_deadline \
                             of {}s)",
                            err.detail,
                            wait_text(asked),
                            left.as_secs(),
                            policy.deadline.as_secs()
                        )
                    }
                    None => format!(
                        "{} (gave up: the next retry would pass the {}s deadline of this operation)",
                        err.detail,
                        policy.deadline.as_secs()
                    ),
                };
                return Err(err);
            }
            log::warn(
                "retrying HostUp API call",
                &[
                    ("method", json!(method)),
                    ("path", json!(path)),
                    ("attempt", json!(n)),
                    ("wait_ms", json!(delay.as_millis() as u64)),
                    ("reason", json!(err.summary())),
                ],
            );
            if !crate::cancel::sleep(delay).await {
                return Err(cancelled_error(method, path, n));
            }
        }
    }
}

/// A short span as people read it: `750ms`, `2.5s`, `40s`. Whole seconds alone said a window
/// of 0.75 s was "0s".
fn seconds(d: Duration) -> String {
    match d.as_secs_f64() {
        s if s < 1.0 => format!("{}ms", d.as_millis()),
        s if s < 10.0 => format!("{s:.1}s"),
        s => format!("{}s", s.round()),
    }
}

/// A wait as the server gave it, in seconds, with its size in hours or days when it is long.
fn wait_text(d: Duration) -> String {
    let s = d.as_secs_f64();
    match s {
        s if s >= 2.0 * 86_400.0 => format!("{}s (about {:.0} days)", s.round(), s / 86_400.0),
        s if s >= 2.0 * 3_600.0 => format!("{}s (about {:.0} hours)", s.round(), s / 3_600.0),
        s => format!("{}s", s.round()),
    }
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

/// The longest a retry waits for a server that asked for more (it may answer sooner).
const MAX_SERVER_WAIT: Duration = Duration::from_secs(3600);

/// Exponential backoff with full jitter, never shorter than what the server asked for (up to
/// [`MAX_SERVER_WAIT`]).
pub fn backoff(policy: &RetryPolicy, attempt: u32, server: Option<Duration>) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(1u32 << (attempt - 1).min(16))
        .min(policy.max_delay);
    let jitter = exp.mul_f64(0.5 + 0.5 * pseudo_random());
    match server {
        Some(s) => s.min(MAX_SERVER_WAIT).max(jitter.min(policy.base_delay)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_window_closes_once_and_opens_again_on_a_reply() {
        let outage = Outage::default();
        let window = Duration::from_millis(30);
        assert_eq!(outage.remaining(window), Ok(None), "reachable: no window");
        outage.unreachable("could not connect");
        assert!(matches!(outage.remaining(window), Ok(Some(_))));
        std::thread::sleep(Duration::from_millis(40));
        let why = outage.remaining(window).unwrap_err();
        assert!(why.contains("could not connect"), "{why}");
        assert_eq!(
            outage.remaining(Duration::ZERO),
            Ok(None),
            "no retries, no shared window: every call still tries"
        );
        outage.reached();
        assert_eq!(outage.remaining(window), Ok(None));
    }
}
