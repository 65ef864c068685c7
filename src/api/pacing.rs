//! Pacing: one [`Pacer`] per provider process, shared by every call (Terraform runs up to ten
//! operations at once in one process), decides when the next request may leave. Three rules, the
//! strictest wins:
//!
//! - **A shared pause.** A 429 pauses every call of the process until HostUp's `Retry-After` (or
//!   `X-RateLimit-Reset`) has passed, not only the call that got it.
//! - **A cap.** `requests_per_second` spaces requests `1/rate` apart.
//! - **The server's budget.** `X-RateLimit-Limit/-Remaining/-Reset` are read on every reply that
//!   carries them. A process alone on its key spends the first half of a window at once; below
//!   that, and always when others use the key, what is left is spread evenly until the reset. Other processes on the same key spend
//!   the same budget (they see the same `Remaining`), so this process spreads only its share:
//!   the fraction of the window's consumption its own replies account for, learned as the
//!   window goes (it only shrinks then) and averaged at each window's end.
//!   Continuous-time, K processes that each spend `share × remaining / time-left` together use
//!   the whole budget by the reset and never run it dry before. A 429 shrinks the share.
//!
//! Every wait is bounded by the operation's `retry_deadline`: a wait that would pass it fails at
//! once with a message saying what HostUp asked and the deadline.

use super::rate_headers::{until, RateHeaders, LONGEST};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// Below this fraction of the window's budget left, requests are spread until the reset.
const LOW: f64 = 0.5;
/// Requests of the window kept unspent, for the processes whose requests are on the way.
const MARGIN: f64 = 1.0;
/// A share above this is a process alone on its key: it may spend the window's first half at once.
const ALONE: f64 = 0.9;
/// The share is never taken as smaller than this (50 processes on one key).
const MIN_SHARE: f64 = 0.02;
/// How often a waiting call looks again (new replies may have changed the budget).
const RECHECK: Duration = Duration::from_millis(100);

/// What the server told about the current window, and what this process did in it.
#[derive(Clone, Debug)]
struct Window {
    /// The reset as sent: replies with the same value belong to the same window.
    reset_wall: SystemTime,
    reset: Instant,
    limit: f64,
    /// The lowest `Remaining` any reply of the window reported.
    remaining: f64,
    /// This process's replies that reported this window.
    ours: u32,
    /// Requests sent since the window began, while no reply has reported it yet.
    sent: u32,
    /// A reply reported this window (else it is the one expected after the last reset).
    seen: bool,
}

#[derive(Debug)]
struct State {
    last_send: Option<Instant>,
    /// Every call waits until then; why, and how long HostUp asked.
    paused: Option<(Instant, Duration)>,
    window: Option<Window>,
    /// This process's estimated part of the key's use, in (0, 1].
    share: f64,
    in_flight: u32,
    /// No reply has come yet: one request at a time until the first says what the budget is.
    first: bool,
    /// The longest window seen, to expect the next one after a reset.
    window_len: Duration,
    /// A reply that was not a 429 carried the headers: the server reports its budget.
    budget_known: bool,
}

/// Why a call waits, for the message when the wait is too long.
enum Why {
    Paused(Duration),
    Cap,
    Budget,
}

#[derive(Debug)]
pub struct Pacer {
    /// Least time between two requests (`requests_per_second`).
    cap: Option<Duration>,
    /// Pacing from the server's headers; off only as a benchmark knob (`HOSTUP_PACING=off`).
    from_headers: bool,
    state: Mutex<State>,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer::new(0.0)
    }
}

/// A request in flight: dropped when its reply (or failure) is in.
pub struct Permit<'a>(&'a Pacer);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut st = self.0.lock();
        st.in_flight = st.in_flight.saturating_sub(1);
        st.first = false;
    }
}

impl Pacer {
    /// `requests_per_second`: 0 for no cap (the provider validates the value).
    pub fn new(requests_per_second: f64) -> Pacer {
        let cap = (requests_per_second.is_finite() && requests_per_second > 0.0)
            .then(|| Duration::from_secs_f64(1.0 / requests_per_second.max(1e-3)));
        // An undocumented switch for the benchmark's "pacing off" column.
        let from_headers = !std::env::var("HOSTUP_PACING").is_ok_and(|v| v.trim() == "off");
        Pacer {
            cap,
            from_headers,
            state: Mutex::new(State {
                last_send: None,
                paused: None,
                window: None,
                share: 1.0,
                in_flight: 0,
                first: true,
                window_len: Duration::ZERO,
                budget_known: false,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait until a request may leave, at most `left` (what remains of the operation's
    /// deadline, `deadline` in all). A longer wait fails at once with the reason.
    pub async fn acquire(
        &self,
        left: Duration,
        deadline: Duration,
    ) -> Result<Permit<'_>, (Duration, String)> {
        let until_deadline = Instant::now() + left;
        loop {
            let now = Instant::now();
            let (at, why) = {
                let mut st = self.lock();
                let (at, why) = self.earliest(&mut st, now);
                if at <= now {
                    st.last_send = Some(now);
                    st.in_flight += 1;
                    if let Some(w) = st.window.as_mut().filter(|w| !w.seen) {
                        w.sent += 1;
                    }
                    return Ok(Permit(self));
                }
                (at, why)
            };
            if at > until_deadline {
                let left = until_deadline.saturating_duration_since(now).as_secs();
                let (wait, deadline) = (at - now, deadline.as_secs());
                return Err((
                    wait,
                    match why {
                        Why::Paused(asked) => format!(
                        "no request was sent: HostUp rate-limited this API key and asked to wait \
                         {}s, longer than the {left}s left of this operation's retry_deadline of \
                         {deadline}s",
                        asked.as_secs_f64().ceil()
                    ),
                        Why::Budget => format!(
                            "no request was sent: HostUp's rate limit window for this API key is \
                         spent and resets in {}s, later than the {left}s left of this \
                         operation's retry_deadline of {deadline}s",
                            wait.as_secs_f64().ceil()
                        ),
                        Why::Cap => format!(
                            "no request was sent: at requests_per_second, the next request would \
                         leave in {}s, later than the {left}s left of this operation's \
                         retry_deadline of {deadline}s",
                            wait.as_secs_f64().ceil()
                        ),
                    },
                ));
            }
            if !crate::cancel::sleep((at - now).min(RECHECK)).await {
                return Err((Duration::ZERO, "interrupted".to_string()));
            }
        }
    }

    /// When the next request may leave, and what decides it.
    fn earliest(&self, st: &mut State, now: Instant) -> (Instant, Why) {
        let mut at = (now, Why::Budget);
        let mut later = |t: Instant, why: Why| {
            if t > at.0 {
                at = (t, why);
            }
        };
        if let Some((until, asked)) = st.paused {
            later(until, Why::Paused(asked));
        }
        if let (Some(cap), Some(last)) = (self.cap, st.last_send) {
            later(last + cap, Why::Cap);
        }
        if !self.from_headers {
            return at;
        }
        if st.first && st.in_flight > 0 {
            later(now + Duration::from_millis(10), Why::Budget);
        }
        // A server that sends the headers only on 429s gives no budget to pace by between
        // them: the shared pause is all there is.
        if !st.budget_known {
            return at;
        }
        let share = st.share;
        let window_len = st.window_len;
        let Some(w) = st.window.as_mut() else {
            return at;
        };
        if now >= w.reset {
            // The window is over: expect the next one, full, until a reply reports it.
            let reset = (w.reset + window_len).max(now + Duration::from_millis(10));
            *w = Window {
                reset_wall: SystemTime::now() + (reset - now),
                reset,
                remaining: w.limit,
                ours: 0,
                sent: 0,
                seen: false,
                ..*w
            };
        }
        if !w.seen && st.in_flight > 0 {
            // A new window nobody has reported yet (others may have spent it while this process
            // waited): one request at a time until a reply says what is left.
            later(now + Duration::from_millis(10), Why::Budget);
        }
        let left = if w.seen {
            w.remaining - f64::from(st.in_flight)
        } else {
            w.limit - f64::from(w.sent)
        };
        // Never less than one request a window while any is left: a share learned too small
        // would otherwise stop this process for good (it learns only from its own replies).
        let budget = ((left - MARGIN) * share).max((left - MARGIN).min(1.0));
        if budget < 1.0 {
            later(w.reset, Why::Budget);
        } else if share < ALONE || left <= w.limit * LOW {
            // Others use the key too, or the budget is low: spread this process's part of it.
            let spacing = (w.reset - now).div_f64(budget);
            if let Some(last) = st.last_send {
                later(last + spacing, Why::Budget);
            }
        }
        at
    }

    /// A reply came: learn from its headers. `counted`: the server carried the request out (not
    /// a 429), so it is part of the window's use.
    pub fn observe(&self, h: &RateHeaders, counted: bool) {
        let (Some(limit), Some(remaining), Some(reset_wall)) = (h.limit, h.remaining, h.reset)
        else {
            return;
        };
        let now = Instant::now();
        let to_reset = until(reset_wall).min(LONGEST);
        let mut st = self.lock();
        st.budget_known |= counted;
        st.window_len = st.window_len.max(to_reset).min(LONGEST);
        let (limit, remaining) = (limit as f64, remaining as f64);
        match st.window.as_mut() {
            Some(w) if w.seen && w.reset_wall == reset_wall => {
                w.remaining = w.remaining.min(remaining);
                w.limit = limit;
                w.ours += u32::from(counted);
                // Learn the share within the window too, not only at its end: in the first
                // window every process starts alone (share 1), and K of them would spend K
                // times the budget. Requests of ours still in flight are in the server's count.
                let used = w.limit - w.remaining;
                if used >= 4.0 {
                    let ours = f64::from(w.ours + st.in_flight);
                    st.share = st.share.min((ours / used).clamp(MIN_SHARE, 1.0));
                }
            }
            // A late reply about a window already over.
            Some(w) if w.seen && w.reset_wall > reset_wall => {}
            _ => {
                if let Some(old) = st.window.take().filter(|w| w.seen && w.ours >= 1) {
                    let used = old.limit - old.remaining;
                    if used >= 2.0 {
                        let s = (f64::from(old.ours) / used).clamp(MIN_SHARE, 1.0);
                        st.share = (st.share + s) / 2.0;
                    }
                }
                st.window = Some(Window {
                    reset_wall,
                    reset: now + to_reset,
                    limit,
                    remaining,
                    ours: u32::from(counted),
                    sent: 0,
                    seen: true,
                });
            }
        }
    }

    /// HostUp answered 429 and asked to wait `wait`: every call pauses that long, and this
    /// process takes a smaller share of the key from now on.
    pub fn rate_limited(&self, wait: Duration) {
        let mut guard = self.lock();
        let st = &mut *guard;
        let until = Instant::now() + wait.min(LONGEST);
        if st.paused.is_none_or(|(u, _)| u < until) {
            st.paused = Some((until, wait));
        }
        // Once per window: the other calls' 429s of the same moment say nothing more.
        if let Some(w) = st.window.as_mut().filter(|w| w.remaining > 0.0) {
            w.remaining = 0.0;
            st.share = (st.share * 0.75).max(MIN_SHARE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_pause_past_the_deadline_fails_at_once_saying_so() {
        let p = Pacer::new(0.0);
        p.rate_limited(Duration::from_secs(120));
        let t = Instant::now();
        let err = p
            .acquire(Duration::from_secs(10), Duration::from_secs(60))
            .await
            .err()
            .unwrap()
            .1;
        assert!(t.elapsed() < Duration::from_secs(1));
        assert!(err.contains("asked to wait 120s"), "{err}");
        assert!(err.contains("retry_deadline of 60s"), "{err}");
    }

    #[tokio::test]
    async fn the_cap_spaces_requests() {
        let p = Pacer::new(20.0);
        let t = Instant::now();
        for _ in 0..5 {
            drop(p.acquire(LONGEST, LONGEST).await.unwrap());
        }
        assert!(
            t.elapsed() >= Duration::from_millis(200),
            "{:?}",
            t.elapsed()
        );
    }

    #[tokio::test]
    async fn a_low_budget_is_spread_until_the_reset() {
        let p = Pacer::new(0.0);
        drop(p.acquire(LONGEST, LONGEST).await.unwrap());
        let reset = SystemTime::now() + Duration::from_millis(600);
        p.observe(
            &RateHeaders {
                limit: Some(10),
                remaining: Some(4),
                reset: Some(reset),
                retry_after: None,
            },
            true,
        );
        let t = Instant::now();
        // 3 spendable (4 less the margin) over 0.6 s: about 0.2 s apart.
        for _ in 0..3 {
            drop(p.acquire(LONGEST, LONGEST).await.unwrap());
        }
        assert!(
            t.elapsed() >= Duration::from_millis(300),
            "{:?}",
            t.elapsed()
        );
    }
}
