//! Fault injection: forced errors, random 429/5xx. Faults never touch the world state; the
//! "drop the create reply" fault lives in the create handlers because it happens after commit.

use super::reply::{problem, status_title, v1_error, ErrCtx, Reply};
use super::state::{ForcedError, State};
use super::util::unix_secs;

pub(crate) enum Injected {
    Forced(ForcedError),
    RateLimited,
    ServerError,
}

impl Injected {
    pub fn tag(&self) -> &'static str {
        match self {
            Injected::Forced(_) => "forced",
            Injected::RateLimited => "429",
            Injected::ServerError => "5xx",
        }
    }
}

/// Decide whether this request (on `route_key`, "METHOD /template") gets a fault. Forced errors
/// win; the PRNG is only advanced when a rate is set, so a seed replays the same sequence.
pub(crate) fn decide(st: &mut State, route_key: &str) -> Option<Injected> {
    if let Some(fe) = st
        .faults
        .forced_errors
        .iter_mut()
        .find(|f| f.count > 0 && f.route == route_key)
    {
        fe.count -= 1;
        return Some(Injected::Forced(fe.clone()));
    }
    if st.faults.rate429 > 0.0 && st.rng.next_f64() < st.faults.rate429 {
        return Some(Injected::RateLimited);
    }
    if st.faults.rate5xx > 0.0 && st.rng.next_f64() < st.faults.rate5xx {
        return Some(Injected::ServerError);
    }
    None
}

fn rate_limit_headers(r: Reply, retry_after: u64) -> Reply {
    r.with_header("retry-after", retry_after.to_string())
        .with_header("x-ratelimit-limit", "60")
        .with_header("x-ratelimit-remaining", "0")
        // Unix time (seconds) at which the window resets.
        .with_header("x-ratelimit-reset", (unix_secs() + retry_after).to_string())
}

/// The reply for an injected fault, in the route's envelope (v1 or v2).
pub(crate) fn reply(inj: &Injected, ctx: &ErrCtx<'_>, v1: bool, retry_after: u64) -> Reply {
    match inj {
        Injected::RateLimited => {
            let msg = format!("Rate limit exceeded; retry after {retry_after} seconds.");
            let r = if v1 {
                v1_error(ctx, 429, "RATE_LIMITED", &msg)
            } else {
                problem(ctx, 429, "rate_limited", &msg, vec![])
            };
            rate_limit_headers(r, retry_after)
        }
        Injected::ServerError => {
            if v1 {
                v1_error(ctx, 500, "INTERNAL_ERROR", "Failed to reset SSH keys")
            } else {
                problem(
                    ctx,
                    500,
                    "internal_error",
                    "An internal error occurred. Retry later.",
                    vec![],
                )
            }
        }
        Injected::Forced(fe) => {
            // Statuses outside 200..=599 would break HTTP framing; treat them as 500.
            let status = if (200..=599).contains(&fe.status) {
                fe.status
            } else {
                500
            };
            let r = if fe.html {
                Reply::html_gateway(status)
            } else {
                let default_code;
                let code = if fe.code.is_empty() {
                    default_code = if v1 {
                        status_title(status).to_uppercase().replace(' ', "_")
                    } else {
                        status_title(status).to_lowercase().replace(' ', "_")
                    };
                    default_code.as_str()
                } else {
                    fe.code.as_str()
                };
                let msg = if fe.message.is_empty() {
                    status_title(status)
                } else {
                    fe.message.as_str()
                };
                if v1 {
                    v1_error(ctx, status, code, msg)
                } else {
                    problem(ctx, status, code, msg, vec![])
                }
            };
            if status == 429 {
                rate_limit_headers(r, retry_after)
            } else {
                r
            }
        }
    }
}
