//! What every request handler shares: the world behind one lock, and the request body cap.

use super::ratelimit::Limiter;
use super::seed::RateLimit;
use super::state::State;
use std::sync::{Mutex, MutexGuard};

/// Bodies above this are refused with 413.
pub(crate) const MAX_BODY: usize = 64 * 1024;

pub(crate) struct Shared {
    state: Mutex<State>,
    /// The per-key rate limit, apart from the world's lock.
    pub limiter: Limiter,
}

impl Shared {
    pub fn new(state: State, rate_limit: Option<RateLimit>) -> Self {
        Shared {
            state: Mutex::new(state),
            limiter: Limiter::new(rate_limit),
        }
    }

    /// Lock, ignoring poisoning: a panicking test thread must not take the mock down with it.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}
