//! Response building: the request's context, the v2 problem+json envelope, the v1 error envelope
//! and JSON bodies, and turning a [`Reply`] into the HTTP response (with the marks the layers
//! read).

use super::wire::{FieldError, Problem, V1Error};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;
use std::sync::Arc;

pub(crate) const PROBLEM_JSON: &str = "application/problem+json";
pub(crate) const JSON: &str = "application/json";
pub(crate) const HTML_GATEWAY: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";

/// A response before it becomes an axum `Response`, so the dispatcher can log its status and
/// decide to drop it.
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    /// Commit happened; close the connection instead of answering (dropCreateReplies).
    pub drop_after: bool,
}

impl Reply {
    pub fn json<T: Serialize>(status: u16, value: &T) -> Reply {
        Reply {
            status,
            content_type: Some(JSON),
            // Serializing our own model types cannot fail; fall back to `{}` rather than panic.
            body: serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()),
            headers: vec![],
            drop_after: false,
        }
    }

    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            content_type: None,
            body: vec![],
            headers: vec![],
            drop_after: false,
        }
    }

    pub fn html_gateway(status: u16) -> Reply {
        Reply {
            status,
            content_type: Some("text/html; charset=utf-8"),
            body: HTML_GATEWAY.as_bytes().to_vec(),
            headers: vec![],
            drop_after: false,
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

pub(crate) fn status_title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

// Marks on a response, read by the layers around the handler (`layers`, `http::context`).

/// The reply carries its own `Allow` header (the legacy-key-writes profile's 405), which must not be
/// stripped with the one axum's method routing adds.
#[derive(Clone, Copy)]
pub(crate) struct OwnAllow;

/// The create is committed: log the request, then close the connection unanswered.
#[derive(Clone, Copy)]
pub(crate) struct DropConnection;

/// The reply was decided by a route handler as the n-th change to the world.
#[derive(Clone, Copy)]
pub(crate) struct Decided(pub u64);

/// An injected fault, for the request log (`429`, `5xx`, `forced`, `broken`).
#[derive(Clone, Copy)]
pub(crate) struct FaultTag(pub &'static str);

/// What every handler and layer knows about the request, set up before routing.
pub(crate) struct Ctx {
    pub path: String,
    pub request_id: String,
    pub timestamp: String,
    /// Under `/api`: logged and delayed by `latencyMs`.
    pub is_api: bool,
    /// The v1 routes (VM reset, older `/api/ssh-keys`): UUID request ids, v1 error envelope.
    pub is_v1: bool,
    pub latency_ms: u64,
    /// `None` when the body is over the cap (`shared::MAX_BODY`).
    pub body: Option<Bytes>,
}

impl Ctx {
    pub fn err(&self) -> ErrCtx<'_> {
        ErrCtx {
            path: &self.path,
            request_id: &self.request_id,
            timestamp: &self.timestamp,
        }
    }

    pub fn body(&self) -> &[u8] {
        self.body.as_deref().unwrap_or(&[])
    }

    /// The context the `context` layer put on `req`.
    pub fn of(req: &Request) -> Option<Arc<Ctx>> {
        req.extensions().get::<Arc<Ctx>>().cloned()
    }
}

/// What identifies the request in an error body.
pub(crate) struct ErrCtx<'a> {
    pub path: &'a str,
    pub request_id: &'a str,
    pub timestamp: &'a str,
}

/// A v2 RFC 7807 problem document.
pub(crate) fn problem(
    ctx: &ErrCtx<'_>,
    status: u16,
    code: &str,
    detail: &str,
    errors: Vec<FieldError>,
) -> Reply {
    problem_titled(ctx, status, code, detail, errors, None)
}

/// [`problem`] with `title` instead of the status's (a forced error's).
pub(crate) fn problem_titled(
    ctx: &ErrCtx<'_>,
    status: u16,
    code: &str,
    detail: &str,
    errors: Vec<FieldError>,
    title: Option<&str>,
) -> Reply {
    let title = match title {
        Some(t) => t,
        None if code == "invalid_request" => "Validation failed",
        None => status_title(status),
    };
    let p = Problem {
        type_uri: Some(format!("https://developer.hostup.se/errors/{code}")),
        title: Some(title.to_string()),
        status: Some(status),
        detail: Some(detail.to_string()),
        code: Some(code.to_string()),
        instance: Some(ctx.path.to_string()),
        request_id: Some(ctx.request_id.to_string()),
        timestamp: Some(ctx.timestamp.to_string()),
        errors,
    };
    let mut r = Reply::json(status, &p);
    r.content_type = Some(PROBLEM_JSON);
    r
}

/// 400 `invalid_request` with field errors.
pub(crate) fn invalid(ctx: &ErrCtx<'_>, detail: &str, errors: Vec<FieldError>) -> Reply {
    problem(ctx, 400, "invalid_request", detail, errors)
}

pub(crate) fn field(pointer: &str, code: &str, detail: impl Into<String>) -> FieldError {
    FieldError {
        pointer: pointer.to_string(),
        detail: detail.into(),
        code: code.to_string(),
    }
}

/// The v1 error envelope (VM reset).
pub(crate) fn v1_error(ctx: &ErrCtx<'_>, status: u16, code: &str, message: &str) -> Reply {
    v1_error_titled(ctx, status, code, message, None)
}

/// [`v1_error`] with `error` (the title) instead of the status's (a forced error's).
pub(crate) fn v1_error_titled(
    ctx: &ErrCtx<'_>,
    status: u16,
    code: &str,
    message: &str,
    title: Option<&str>,
) -> Reply {
    let e = V1Error {
        code: Some(code.to_string()),
        error: Some(title.unwrap_or(status_title(status)).to_string()),
        message: Some(message.to_string()),
        request_id: Some(ctx.request_id.to_string()),
        timestamp: Some(ctx.timestamp.to_string()),
    };
    Reply::json(status, &e)
}

/// The HTTP response for `r`. `X-Request-Id` is set around the router (`http::context`); a
/// committed-but-dropped reply is marked for the request log, which then drops the connection.
pub(crate) fn into_response(r: Reply) -> Response {
    let mut resp = Response::new(Body::from(r.body));
    *resp.status_mut() =
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if let Some(ct) = r.content_type {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    let mut own_allow = false;
    for (k, v) in r.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            own_allow |= n == header::ALLOW;
            h.insert(n, v);
        }
    }
    if own_allow {
        resp.extensions_mut().insert(OwnAllow);
    }
    if r.drop_after {
        resp.extensions_mut().insert(DropConnection);
    }
    resp
}
