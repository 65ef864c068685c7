//! The API's middleware, outermost first: the request log (and the "drop the connection" fault),
//! the added latency, the body cap, the per-key rate limit (its windows are `ratelimit`'s), then
//! per served route the legacy-key-writes gate and fault
//! injection. As layers, so each handler is only the operation itself; the order is the one the
//! mock has always applied (a 413 is never faulted, an absent route never reaches a fault).

use super::clock::{iso_at_ms, unix_ms};
use super::faults::{self, Injected};
use super::ratelimit::api_key;
use super::reply::{
    into_response, problem, v1_error, Ctx, Decided, DropConnection, FaultTag, Reply,
};
use super::seed::{BrokenShape, Profile};
use super::shared::Shared;
use super::state::RecordedRequest;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State as AxState};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;

/// The route template of the request, `{name}` style (`/api/v2/ssh-keys/{id}`); the raw path where
/// no route matched, or only with an empty segment for a parameter (see [`no_empty_segment`]).
fn template(req: &Request, ctx: &Ctx) -> String {
    match req.extensions().get::<MatchedPath>() {
        Some(m) if !empty_segment(m, ctx) => m
            .as_str()
            .split('/')
            .map(|s| match s.strip_prefix(':') {
                Some(name) => format!("{{{name}}}"),
                None => s.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/"),
        _ => ctx.path.clone(),
    }
}

/// A parameter of the matched route is an empty segment of the path (axum matches
/// `/api/v2/shared-hosting//ssh-keys` to `/:accountId/`). The reset's `vmid` may be empty: that
/// route has always taken any segment there and answers a bad one with its own 400.
fn empty_segment(m: &MatchedPath, ctx: &Ctx) -> bool {
    // From the end: under `/__mock` the template may lack the prefix.
    m.as_str()
        .rsplit('/')
        .zip(ctx.path.rsplit('/'))
        .any(|(t, s)| t.starts_with(':') && t != ":vmid" && s.is_empty())
}

/// A route matched only through an empty segment is no route: answered by `fallback` (the API's
/// or the admin 404), unlogged by route, unfaulted, as a path no route has.
pub(crate) async fn no_empty_segment<F, Fut>(req: Request, next: Next, fallback: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let empty = match (req.extensions().get::<MatchedPath>(), Ctx::of(&req)) {
        (Some(m), Some(ctx)) => empty_segment(m, &ctx),
        _ => false,
    };
    if empty {
        fallback(req).await
    } else {
        next.run(req).await
    }
}

/// "METHOD /template", the key of forced errors, broken replies and `MockServer::count`.
fn route_key(req: &Request, ctx: &Ctx) -> String {
    format!("{} {}", req.method(), template(req, ctx))
}

fn recorded_headers(h: &HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| {
            let name = k.as_str().to_ascii_lowercase();
            let value = if name == "authorization" || name == "x-api-key" {
                "<redacted>".to_string()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (name, value)
        })
        .collect()
}

/// Log every `/api` request with the status it got and the fault it was dealt; then, for a create
/// whose reply is to be dropped, unwind out of the connection's task so the client sees the
/// connection close with no response (tokio catches it; `resume_unwind` skips the panic hook, so
/// nothing is printed). The create is committed and logged by then.
pub(crate) async fn record(
    AxState(shared): AxState<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(ctx) = Ctx::of(&req).filter(|c| c.is_api) else {
        return next.run(req).await;
    };
    let received_at_ms = super::clock::unix_ms();
    let method = req.method().to_string();
    let route = template(&req, &ctx);
    let query = req.uri().query().map(str::to_string);
    let headers = recorded_headers(req.headers());
    let resp = next.run(req).await;
    let dropped = resp.extensions().get::<DropConnection>().is_some();
    let fault = match resp.extensions().get::<FaultTag>() {
        _ if dropped => Some("drop"),
        Some(t) => Some(t.0),
        None => None,
    };
    let entry = RecordedRequest {
        method,
        route,
        path: ctx.path.clone(),
        query,
        status: resp.status().as_u16(),
        headers,
        body: String::from_utf8_lossy(ctx.body()).into_owned(),
        fault: fault.map(str::to_string),
        request_id: ctx.request_id.clone(),
        received_at_ms,
    };
    let order = resp.extensions().get::<Decided>().map(|d| d.0);
    shared.lock().record(order, entry);
    if dropped {
        std::panic::resume_unwind(Box::new("hostup-mock: dropped create reply"));
    }
    resp
}

/// `latencyMs` before every `/api` reply (as configured when the request arrived).
pub(crate) async fn latency(req: Request, next: Next) -> Response {
    if let Some(ms) = Ctx::of(&req).filter(|c| c.is_api).map(|c| c.latency_ms) {
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
    next.run(req).await
}

/// 413 for a body over the cap, in the route's envelope, on every path.
pub(crate) async fn body_cap(req: Request, next: Next) -> Response {
    match Ctx::of(&req) {
        Some(ctx) if ctx.body.is_none() => {
            let msg = "The request body exceeds 64 KiB.";
            into_response(if ctx.is_v1 {
                v1_error(&ctx.err(), 413, "PAYLOAD_TOO_LARGE", msg)
            } else {
                problem(&ctx.err(), 413, "payload_too_large", msg, vec![])
            })
        }
        _ => next.run(req).await,
    }
}

/// The v2 VPS key writes, which the reference names without publishing their pages, and how the
/// `legacy-key-writes` profile answers them: as a web server answers a route it does not have
/// (404, or 405 where the path exists for other methods), with no JSON.
const V2_KEY_WRITES: &[(&str, &str, u16)] = &[
    ("POST", "/api/v2/ssh-keys", 404),
    ("DELETE", "/api/v2/ssh-keys/{id}", 404),
];

fn absent_page(status: u16) -> Reply {
    let title = if status == 405 {
        "Method Not Allowed"
    } else {
        "Not Found"
    };
    let page = Reply {
        status,
        content_type: Some("text/html; charset=utf-8"),
        body: format!("<html><body><h1>{status} {title}</h1></body></html>").into_bytes(),
        headers: vec![],
        drop_after: false,
    };
    if status == 405 {
        page.with_header("Allow", "GET, POST")
    } else {
        page
    }
}

/// In the `legacy-key-writes` profile, the v2 VPS key writes are absent.
pub(crate) async fn legacy_writes_gate(
    AxState(shared): AxState<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    if shared.lock().profile == Profile::LegacyKeyWrites {
        if let Some(ctx) = Ctx::of(&req) {
            let (method, route) = (req.method().as_str(), template(&req, &ctx));
            if let Some(&(_, _, status)) = V2_KEY_WRITES
                .iter()
                .find(|(m, r, _)| *m == method && *r == route)
            {
                return into_response(absent_page(status));
            }
        }
    }
    next.run(req).await
}

/// `req` with no `cursor` in its query: the first page, whatever was asked.
fn without_cursor(req: Request) -> Request {
    let (mut parts, body) = req.into_parts();
    let query: Vec<&str> = parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("cursor="))
        .collect();
    let uri = format!("{}?{}", parts.uri.path(), query.join("&"));
    if let Ok(uri) = uri.parse() {
        parts.uri = uri;
    }
    Request::from_parts(parts, body)
}

/// Forced errors, broken replies and random 429/5xx (see `faults::decide`), tagged for the log.
pub(crate) async fn faults(
    AxState(shared): AxState<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(ctx) = Ctx::of(&req) else {
        return next.run(req).await;
    };
    let key = route_key(&req, &ctx);
    let (injected, config) = {
        let mut st = shared.lock();
        let wait = (st.faults.retry_after_secs, st.faults.omit_retry_after);
        (faults::decide(&mut st, &key), wait)
    };
    let Some(inj) = injected else {
        return next.run(req).await;
    };
    let mut resp = match faults::reply(&inj, &ctx.err(), ctx.is_v1, config) {
        Some(r) => into_response(r),
        None if matches!(inj, Injected::Broken(BrokenShape::HugeString)) => faults::huge_string(),
        None => {
            // Only broken shapes alter the real reply; anything else passes unaltered.
            let shape = match &inj {
                Injected::Broken(shape) => *shape,
                _ => return next.run(req).await,
            };
            let req = match shape {
                BrokenShape::RepeatedPage => without_cursor(req),
                _ => req,
            };
            // The request is carried out; its 2xx reply is then altered.
            let (parts, body) = next.run(req).await.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let altered = parts
                .status
                .is_success()
                .then(|| faults::alter(shape, &bytes, &ctx.request_id))
                .flatten();
            Response::from_parts(parts, Body::from(altered.unwrap_or_else(|| bytes.to_vec())))
        }
    };
    resp.extensions_mut().insert(FaultTag(inj.tag()));
    resp
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
