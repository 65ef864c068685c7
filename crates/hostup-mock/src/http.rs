//! Routing: one axum `Router` for the API and `/__mock/...`, with the request context (id,
//! timestamp, body) set up around it and the API's middleware (`layers`) inside it.
//!
//! Handlers read path segments raw from the URI rather than through axum's `Path`: ids are
//! compared as the client sent them (as before the Router), and a bad percent-escape must reach the
//! route as a string, not become axum's plain-text 400. Likewise HEAD is not answered by the GET
//! handler and a 405 carries no `Allow` header, as before axum.

use super::admin;
use super::clock::now_iso;
use super::layers;
use super::legacy;
use super::reply::{into_response, problem, Ctx, Decided, OwnAllow, Reply};
use super::shared::{Shared, MAX_BODY};
use super::state::State;
use super::v1;
use super::v2::{self, Req};
use axum::body::Body;
use axum::extract::{Request, State as AxState};
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, MethodRouter};
use axum::Router;
use std::future::{ready, Ready};
use std::sync::Arc;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let s = || shared.clone();
    // Every served method goes through the legacy-key-writes gate, then fault injection; HEAD
    // and methods a path does not serve get the 405 problem, unfaulted (the method fallback).
    let served = |mr: MethodRouter<Arc<Shared>>| {
        mr.route_layer(from_fn_with_state(s(), layers::faults))
            .route_layer(from_fn_with_state(s(), layers::legacy_writes_gate))
            .fallback(method_not_allowed)
    };
    let listed = |mr: MethodRouter<Arc<Shared>>| served(mr).head(method_not_allowed);
    let api = Router::new()
        .route(
            "/api/v2/ssh-keys",
            listed(
                get(op(|st, r, _| v2::list_vps(st, r))).post(op(|st, r, _| v2::create_vps(st, r))),
            ),
        )
        .route(
            "/api/v2/ssh-keys/:id",
            served(
                patch(op(|st, r, p| v2::rename_vps(st, r, seg(p, 4))))
                    .delete(op(|st, r, p| v2::delete_vps(st, r, seg(p, 4)))),
            ),
        )
        .route(
            "/api/v2/shared-hosting/:accountId/ssh-keys",
            listed(
                get(op(|st, r, p| v2::list_hosting(st, r, seg(p, 4))))
                    .post(op(|st, r, p| v2::import_hosting(st, r, seg(p, 4)))),
            ),
        )
        .route(
            "/api/v2/shared-hosting/:accountId/ssh-keys/:fingerprint",
            served(delete(op(|st, r, p| {
                v2::delete_hosting(st, r, seg(p, 4), seg(p, 6))
            }))),
        )
        .route(
            "/api/v2/shared-hosting/:accountId/ssh-keys/:fingerprint/actions/authorize",
            served(post(op(|st, r, p| {
                v2::authorize_hosting(st, r, seg(p, 4), seg(p, 6))
            }))),
        )
        .route(
            "/api/v2/shared-hosting",
            listed(get(op(|st, r, _| v2::list_accounts(st, r)))),
        )
        .route(
            "/api/v2/vps",
            listed(get(op(|st, r, _| v2::list_instances(st, r)))),
        )
        .route(
            "/api/v2/vps/:id/actions/reset-ssh-keys",
            served(post(op(|st, r, p| v2::reset_vps(st, r, seg(p, 4))))),
        )
        .route(
            "/api/jobs/:jobId",
            served(get(op(|st, r, p| v2::get_job(st, r, seg(p, 3))))),
        )
        .route(
            "/api/ssh-keys",
            listed(
                get(op(|st, r, _| legacy::list(st, r)))
                    .post(op(|st, r, _| legacy::add(st, r)))
                    .delete(op(|st, r, _| legacy::delete(st, r))),
            ),
        )
        .route(
            "/api/vm/:vmid/reset-ssh-keys",
            served(post(op(|st, r, p| v1::reset(st, r, seg(p, 3))))),
        )
        .fallback(not_found)
        // Outermost last: the log sees every reply, then the delay, the body cap, the per-key
        // rate limit, and a route matched through an empty segment (no route).
        .layer(from_fn(|req, next| {
            layers::no_empty_segment(req, next, not_found)
        }))
        .layer(from_fn_with_state(s(), layers::rate_limit))
        .layer(from_fn(layers::body_cap))
        .layer(from_fn(layers::latency))
        .layer(from_fn_with_state(s(), layers::record));
    // Both as services inside `context`, so that it sees their replies last (after axum's
    // method routing has added its `Allow` header).
    Router::new()
        .nest_service("/__mock", admin::router().with_state(s()))
        .fallback_service(api.with_state(s()))
        .layer(from_fn_with_state(s(), context))
}

/// Segment `i` of the raw path (`""` is segment 0).
fn seg<'a>(segs: &[&'a str], i: usize) -> &'a str {
    segs.get(i).copied().unwrap_or_default()
}

type Op = fn(&mut State, &Req<'_>, &[&str]) -> Reply;

/// An axum handler for a route function: the world locked, the request as a [`Req`], the raw
/// path segments. The reply is numbered under the same lock, so the request log keeps the order
/// in which requests changed the world (see `State::record`).
fn op(
    f: Op,
) -> impl Fn(AxState<Arc<Shared>>, Request) -> Ready<Response> + Clone + Send + Sync + 'static {
    move |AxState(shared): AxState<Arc<Shared>>, req: Request| {
        let Some(ctx) = Ctx::of(&req) else {
            return ready(no_context());
        };
        let segs: Vec<&str> = ctx.path.split('/').collect();
        let r = Req {
            err: ctx.err(),
            headers: req.headers(),
            query: req.uri().query(),
            body: ctx.body(),
        };
        let mut st = shared.lock();
        let reply = f(&mut st, &r, &segs);
        let order = st.next_order();
        drop(st);
        let mut resp = into_response(reply);
        resp.extensions_mut().insert(Decided(order));
        ready(resp)
    }
}

fn no_context() -> Response {
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "no request context",
    )
        .into_response()
}

/// Any path no route has: the v2 404 problem.
pub(crate) async fn not_found(req: Request) -> Response {
    let Some(ctx) = Ctx::of(&req) else {
        return no_context();
    };
    into_response(problem(
        &ctx.err(),
        404,
        "not_found",
        "No such API route.",
        vec![],
    ))
}

/// A path that exists for other methods: the v2 405 problem (no `Allow` header, as ever).
async fn method_not_allowed(req: Request) -> Response {
    let Some(ctx) = Ctx::of(&req) else {
        return no_context();
    };
    let detail = format!("{} is not supported on this route.", req.method());
    into_response(problem(
        &ctx.err(),
        405,
        "method_not_allowed",
        &detail,
        vec![],
    ))
}

/// Around everything: the request id (a UUID on the v1 routes), the timestamp, the body read up
/// to [`MAX_BODY`]; on the way out `X-Request-Id`, and no `Allow` header but the mock's own.
async fn context(AxState(shared): AxState<Arc<Shared>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let is_api = path == "/api" || path.starts_with("/api/");
    let is_v1 = path.starts_with("/api/vm/") || path == "/api/ssh-keys";
    let (request_id, latency_ms) = {
        let mut st = shared.lock();
        let id = if is_v1 {
            st.new_uuid()
        } else {
            st.new_request_id()
        };
        (id, st.faults.latency_ms)
    };
    let ctx = Arc::new(Ctx {
        path,
        request_id,
        timestamp: now_iso(),
        is_api,
        is_v1,
        latency_ms,
        body: axum::body::to_bytes(body, MAX_BODY).await.ok(),
    });
    let mut req = Request::from_parts(parts, Body::empty());
    req.extensions_mut().insert(ctx.clone());
    let mut resp = next.run(req).await;
    if resp.extensions().get::<OwnAllow>().is_none() {
        resp.headers_mut().remove(header::ALLOW);
    }
    if let Ok(v) = HeaderValue::from_str(&ctx.request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}
