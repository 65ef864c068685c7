//! Fault injection: forced errors, replies that break the contract, random 429/5xx. Faults never
//! touch the world state (a broken reply that wraps the real one carries the request out first);
//! the "drop the create reply" fault lives in the create handlers because it happens after commit.

use super::clock::{iso_at_ms, unix_ms};
use super::reply::{
    problem, problem_titled, status_title, v1_error, v1_error_titled, ErrCtx, Reply, JSON,
};
use super::seed::{BrokenShape, ForcedError, HUGE_REPLY_BYTES};
use super::state::State;
use super::wire::{ResetVmKeysData, ResetVmKeysReply};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use serde_json::{json, Value};

pub(crate) enum Injected {
    Forced(ForcedError),
    Broken(BrokenShape),
    RateLimited,
    ServerError,
}

impl Injected {
    pub fn tag(&self) -> &'static str {
        match self {
            Injected::Forced(_) => "forced",
            Injected::Broken(_) => "broken",
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
    if let Some(br) = st
        .faults
        .broken_replies
        .iter_mut()
        .find(|b| b.count > 0 && b.route == route_key)
    {
        br.count -= 1;
        return Some(Injected::Broken(br.shape));
    }
    if st.faults.rate429 > 0.0 && st.rng.next_f64() < st.faults.rate429 {
        return Some(Injected::RateLimited);
    }
    if st.faults.rate5xx > 0.0 && st.rng.next_f64() < st.faults.rate5xx {
        return Some(Injected::ServerError);
    }
    None
}

fn rate_limit_headers(r: Reply, retry_after: u64, omit_retry_after: bool) -> Reply {
    let r = if omit_retry_after {
        r
    } else {
        r.with_header("retry-after", retry_after.to_string())
    };
    r.with_header("x-ratelimit-limit", "60")
        .with_header("x-ratelimit-remaining", "0")
        // When the window resets, as an ISO 8601 timestamp (as HostUp publishes it).
        .with_header(
            "x-ratelimit-reset",
            iso_at_ms(unix_ms().saturating_add(retry_after.saturating_mul(1000))),
        )
}

/// The reply for an injected fault, in the route's envelope (v1 or v2); `None` for the shapes
/// that alter the route's real reply instead (see [`alter`]) and for
/// [`BrokenShape::HugeString`] ([`huge_string`]).
/// `wait` is `retryAfterSecs` and whether `Retry-After` is left out (`omitRetryAfter`).
pub(crate) fn reply(
    inj: &Injected,
    ctx: &ErrCtx<'_>,
    v1: bool,
    wait: (u64, bool),
) -> Option<Reply> {
    let (retry_after, omit) = wait;
    Some(match inj {
        Injected::Broken(shape) => return broken(*shape, ctx),
        Injected::RateLimited => {
            let msg = format!("Rate limit exceeded; retry after {retry_after} seconds.");
            let r = if v1 {
                v1_error(ctx, 429, "RATE_LIMITED", &msg)
            } else {
                problem(ctx, 429, "rate_limited", &msg, vec![])
            };
            rate_limit_headers(r, retry_after, omit)
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
                let title = Some(fe.title.as_str()).filter(|t| !t.is_empty());
                if v1 {
                    v1_error_titled(ctx, status, code, msg, title)
                } else {
                    problem_titled(ctx, status, code, msg, fe.errors.clone(), title)
                }
            };
            let r = if fe.location.is_empty() {
                r
            } else {
                r.with_header("location", fe.location.as_str())
            };
            if status == 429 {
                rate_limit_headers(r, retry_after, omit)
            } else {
                r
            }
        }
    })
}

/// The route's real reply body altered as `shape` says (`hasMoreWithoutCursor`: `hasMore: true`
/// and `nextCursor: null`; `withoutId`: no `id`; `repeatedPage`: `hasMore: true` and a new
/// cursor `again-<salt>`); `None` if it is not a JSON object (the reply is then passed on
/// unaltered).
pub(crate) fn alter(shape: BrokenShape, body: &[u8], salt: &str) -> Option<Vec<u8>> {
    let Ok(Value::Object(mut m)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    match shape {
        BrokenShape::WithoutId => {
            m.remove("id");
        }
        BrokenShape::RepeatedPage => {
            m.insert("hasMore".into(), Value::Bool(true));
            m.insert("nextCursor".into(), Value::String(format!("again-{salt}")));
        }
        _ => {
            m.insert("hasMore".into(), Value::Bool(true));
            m.insert("nextCursor".into(), Value::Null);
        }
    }
    serde_json::to_vec(&m).ok()
}

/// A 200 reply that breaks the contract as `shape` says, carrying nothing out; `None` for the
/// shape that alters the real reply.
fn broken(shape: BrokenShape, ctx: &ErrCtx<'_>) -> Option<Reply> {
    Some(match shape {
        BrokenShape::EmptyObject => Reply::json(200, &json!({})),
        // Built by the layer: altering the real reply, or too large for a `Reply`'s copy.
        BrokenShape::HasMoreWithoutCursor
        | BrokenShape::WithoutId
        | BrokenShape::RepeatedPage
        | BrokenShape::HugeString => return None,
        BrokenShape::EndlessList => Reply::json(
            200,
            &json!({"data": [], "hasMore": true, "nextCursor": format!("endless-{}", ctx.request_id)}),
        ),
        BrokenShape::SuccessFalse | BrokenShape::InnerSuccessFalse => {
            // /api/vm/{vmid}/reset-ssh-keys: the vmid as the client sent it.
            let vmid = ctx.path.split('/').nth(3).unwrap_or_default();
            Reply::json(
                200,
                &ResetVmKeysReply {
                    success: shape == BrokenShape::InnerSuccessFalse,
                    timestamp: ctx.timestamp.to_string(),
                    request_id: ctx.request_id.to_string(),
                    data: ResetVmKeysData {
                        success: false,
                        message: "Failed to reset SSH keys".into(),
                        key_count: 0,
                        vmid: vmid.to_string(),
                        account_id: String::new(),
                    },
                },
            )
        }
    })
}

/// The [`BrokenShape::HugeString`] reply: `200 "xxxx…"`, its body made once per process and
/// shared by every reply (a `Bytes` clone is a reference, not a copy).
pub(crate) fn huge_string() -> Response {
    static BODY: std::sync::OnceLock<Bytes> = std::sync::OnceLock::new();
    let body = BODY.get_or_init(|| {
        let mut b = vec![b'x'; HUGE_REPLY_BYTES];
        b[0] = b'"';
        b[HUGE_REPLY_BYTES - 1] = b'"';
        b.into()
    });
    let mut resp = Response::new(Body::from(body.clone()));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    resp
}
