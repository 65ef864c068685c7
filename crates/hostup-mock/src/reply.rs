//! Response building: the v2 problem+json envelope, the v1 error envelope and JSON bodies, and
//! turning a [`Reply`] into the HTTP response.

use super::wire::{FieldError, Problem, V1Error};
use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;

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
    let title = if code == "invalid_request" {
        "Validation failed"
    } else {
        status_title(status)
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
    let e = V1Error {
        code: Some(code.to_string()),
        error: Some(status_title(status).to_string()),
        message: Some(message.to_string()),
        request_id: Some(ctx.request_id.to_string()),
        timestamp: Some(ctx.timestamp.to_string()),
    };
    Reply::json(status, &e)
}

/// The HTTP response for `r`, carrying `X-Request-Id: request_id`.
pub(crate) fn into_response(r: Reply, request_id: &str) -> Response {
    let mut resp = Response::new(Body::from(r.body));
    *resp.status_mut() =
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if let Some(ct) = r.content_type {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-request-id", v);
    }
    for (k, v) in r.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            h.insert(n, v);
        }
    }
    resp
}
