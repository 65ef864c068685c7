//! The single entry point for every request: routing, body cap, latency, faults, dispatch,
//! request logging and the "drop the connection" fault.

use super::admin;
use super::clock::now_iso;
use super::faults;
use super::legacy;
use super::reply::{into_response, problem, v1_error, ErrCtx, Reply};
use super::shared::{Shared, MAX_BODY};
use super::state::Profile;
use super::state::{RecordedRequest, State};
use super::v1;
use super::v2::{self, Req};
use axum::extract::{Request, State as AxState};
use axum::response::Response;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    // Routing is done by hand in `handle`, so that every failure (bad path, bad JSON, huge body)
    // gets our own envelope instead of axum's plain-text rejections.
    Router::new().fallback(handle).with_state(shared)
}

enum Route<'a> {
    ListVps,
    CreateVps,
    RenameVps(&'a str),
    DeleteVps(&'a str),
    ListHosting(&'a str),
    ImportHosting(&'a str),
    DeleteHosting(&'a str, &'a str),
    Reset(&'a str),
    ListOlder,
    AddOlder,
    DeleteOlder,
}

enum Matched<'a> {
    Found(&'static str, Route<'a>),
    MethodNotAllowed(&'static str),
    NotFound,
}

fn match_route<'a>(method: &str, path: &'a str) -> Matched<'a> {
    use Matched::*;
    let segs: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    let pick = |t: &'static str, r: Option<Route<'a>>| match r {
        Some(r) => Found(t, r),
        None => MethodNotAllowed(t),
    };
    match segs.as_slice() {
        ["api", "v2", "ssh-keys"] => pick(
            "/api/v2/ssh-keys",
            match method {
                "GET" => Some(Route::ListVps),
                "POST" => Some(Route::CreateVps),
                _ => None,
            },
        ),
        ["api", "v2", "ssh-keys", id] if !id.is_empty() => pick(
            "/api/v2/ssh-keys/{id}",
            match method {
                "PATCH" => Some(Route::RenameVps(id)),
                "DELETE" => Some(Route::DeleteVps(id)),
                _ => None,
            },
        ),
        ["api", "v2", "shared-hosting", a, "ssh-keys"] if !a.is_empty() => pick(
            "/api/v2/shared-hosting/{accountId}/ssh-keys",
            match method {
                "GET" => Some(Route::ListHosting(a)),
                "POST" => Some(Route::ImportHosting(a)),
                _ => None,
            },
        ),
        ["api", "v2", "shared-hosting", a, "ssh-keys", k] if !a.is_empty() && !k.is_empty() => {
            pick(
                "/api/v2/shared-hosting/{accountId}/ssh-keys/{keyId}",
                (method == "DELETE").then_some(Route::DeleteHosting(a, k)),
            )
        }
        ["api", "ssh-keys"] => pick(
            "/api/ssh-keys",
            match method {
                "GET" => Some(Route::ListOlder),
                "POST" => Some(Route::AddOlder),
                "DELETE" => Some(Route::DeleteOlder),
                _ => None,
            },
        ),
        ["api", "vm", v, "reset-ssh-keys"] => pick(
            "/api/vm/{vmid}/reset-ssh-keys",
            (method == "POST").then_some(Route::Reset(v)),
        ),
        _ => NotFound,
    }
}

fn dispatch(st: &mut State, route: &Route<'_>, req: &Req<'_>) -> Reply {
    match route {
        Route::ListVps => v2::list_vps(st, req),
        Route::CreateVps => v2::create_vps(st, req),
        Route::RenameVps(id) => v2::rename_vps(st, req, id),
        Route::DeleteVps(id) => v2::delete_vps(st, req, id),
        Route::ListHosting(a) => v2::list_hosting(st, req, a),
        Route::ImportHosting(a) => v2::import_hosting(st, req, a),
        Route::DeleteHosting(a, k) => v2::delete_hosting(st, req, a, k),
        Route::Reset(v) => v1::reset(st, req, v),
        Route::ListOlder => legacy::list(st, req),
        Route::AddOlder => legacy::add(st, req),
        Route::DeleteOlder => legacy::delete(st, req),
    }
}

/// In the published profile, the inferred operations are answered the way a web server answers
/// a route it does not have: 404 (or 405 where the path exists for other methods), no JSON.
fn absent_in_published(route: &Route<'_>) -> Option<Reply> {
    let page = |status: u16, title: &str| Reply {
        status,
        content_type: Some("text/html; charset=utf-8"),
        body: format!("<html><body><h1>{status} {title}</h1></body></html>").into_bytes(),
        headers: vec![],
        drop_after: false,
    };
    match route {
        Route::CreateVps | Route::DeleteVps(_) => Some(page(404, "Not Found")),
        Route::DeleteHosting(..) => {
            Some(page(405, "Method Not Allowed").with_header("Allow", "GET, POST"))
        }
        _ => None,
    }
}

fn recorded_headers(h: &axum::http::HeaderMap) -> Vec<(String, String)> {
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

async fn handle(AxState(shared): AxState<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    if path == "/__mock" || path.starts_with("/__mock/") {
        return admin::handle(&shared, &parts, body).await;
    }
    let method = parts.method.as_str().to_string();
    let query = parts.uri.query().map(str::to_string);
    let matched = match_route(&method, &path);
    let template = match &matched {
        Matched::Found(t, _) | Matched::MethodNotAllowed(t) => t.to_string(),
        Matched::NotFound => path.clone(),
    };
    let route_key = format!("{method} {template}");
    let is_api = path == "/api" || path.starts_with("/api/");
    let is_v1 = path.starts_with("/api/vm/") || path == "/api/ssh-keys";
    let (request_id, latency) = {
        let mut st = shared.lock();
        let id = if is_v1 {
            st.new_uuid()
        } else {
            st.new_request_id()
        };
        (id, st.faults.latency_ms)
    };
    let timestamp = now_iso();
    let bytes = axum::body::to_bytes(body, MAX_BODY).await;
    if is_api && latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let ctx = ErrCtx {
        path: &path,
        request_id: &request_id,
        timestamp: &timestamp,
    };
    let body_bytes: &[u8] = bytes.as_deref().unwrap_or(&[]);
    let reply = {
        let mut st = shared.lock();
        let mut fault = None;
        let absent = match &matched {
            Matched::Found(_, route) if st.profile == Profile::Published => {
                absent_in_published(route)
            }
            _ => None,
        };
        let reply = if bytes.is_err() {
            let msg = "The request body exceeds 64 KiB.";
            if is_v1 {
                v1_error(&ctx, 413, "PAYLOAD_TOO_LARGE", msg)
            } else {
                problem(&ctx, 413, "payload_too_large", msg, vec![])
            }
        } else {
            match &matched {
                Matched::NotFound => problem(&ctx, 404, "not_found", "No such API route.", vec![]),
                Matched::MethodNotAllowed(_) => problem(
                    &ctx,
                    405,
                    "method_not_allowed",
                    &format!("{method} is not supported on this route."),
                    vec![],
                ),
                Matched::Found(_, _) if absent.is_some() => absent.expect("checked"),
                Matched::Found(_, route) => {
                    let req = Req {
                        err: ErrCtx {
                            path: &path,
                            request_id: &request_id,
                            timestamp: &timestamp,
                        },
                        headers: &parts.headers,
                        query: query.as_deref(),
                        body: body_bytes,
                    };
                    match faults::decide(&mut st, &route_key) {
                        Some(inj) => {
                            fault = Some(inj.tag());
                            let retry = st.faults.retry_after_secs;
                            let real = || dispatch(&mut st, route, &req);
                            faults::reply(&inj, &ctx, is_v1, retry, real)
                        }
                        None => dispatch(&mut st, route, &req),
                    }
                }
            }
        };
        if reply.drop_after {
            fault = Some("drop");
        }
        if is_api {
            st.requests.push(RecordedRequest {
                method: method.clone(),
                route: template,
                path: path.clone(),
                query: query.clone(),
                status: reply.status,
                headers: recorded_headers(&parts.headers),
                body: String::from_utf8_lossy(body_bytes).into_owned(),
                fault: fault.map(str::to_string),
                request_id: request_id.clone(),
            });
        }
        reply
    };
    if reply.drop_after {
        // The create is committed and logged. Unwinding out of the handler aborts only this
        // connection's task (tokio catches it; `resume_unwind` skips the panic hook, so nothing is
        // printed), so the client sees the connection close with no response at all.
        std::panic::resume_unwind(Box::new("hostup-mock: dropped create reply"));
    }
    into_response(reply, &request_id)
}
