//! One error type for every way a HostUp call can fail, with both error envelopes (v2 RFC 7807
//! problem+json and the v1 `{code,error,message,requestId,timestamp}`) parsed into it.

use super::models::FieldError;
use super::text::clip;
#[cfg(test)]
use super::text::QUOTE_LIMIT;
use std::fmt;
use std::time::Duration;

/// The most of one reply this provider reads. A page of 100 keys is well under 200 KiB; 8 MiB is
/// forty times that, so no real reply comes near it, while a broken or hostile server cannot make
/// the provider hold (and quote) gigabytes.
pub const MAX_REPLY_BYTES: usize = 8 << 20;

/// What kind of failure, which decides whether a retry is safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The server answered with a non-success status.
    Status,
    /// The request certainly never reached the server (connection refused, DNS).
    NotSent,
    /// The request may or may not have been processed (reset after send, timeout).
    Ambiguous,
    /// The server answered 2xx but the body is not what the contract says.
    Decode,
    /// The server answered 2xx with `success: false`: the operation was not carried out.
    Rejected,
    /// Terraform is stopping (Ctrl-C).
    Cancelled,
}

/// What a failure means for the caller, decided once here from status, code and kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The request never left (connection refused, DNS, the shared outage window is over).
    NotSent,
    /// Terraform is stopping.
    Cancelled,
    /// Outcome unknown: a timeout or a connection lost after sending.
    Ambiguous,
    /// A 5xx: for a request that is not repeatable, the outcome is unknown too.
    ServerError,
    /// A 2xx that is not what the contract says (undecodable, or breaking a documented rule).
    ContractBroken,
    /// 401: the API key is missing, wrong or revoked.
    Unauthorized,
    /// 403: the key lacks a scope.
    Forbidden,
    /// 429 after every retry the policy allowed.
    RateLimited,
    /// 409 `duplicate_key`: HostUp already has this key.
    Duplicate,
    /// HostUp's own 404 for the object asked about.
    Gone,
    /// Any other refusal: a 4xx, or a 2xx envelope with `success: false`.
    Refused,
}

/// Where a request that got no reply failed, when it was not the endpoint itself: the detail
/// then says what to do, and the summary names the place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkFault {
    /// The server's TLS certificate was refused (untrusted CA, name mismatch, expired, ...).
    Certificate,
    /// The proxy from the environment refused the tunnel or could not be reached.
    Proxy,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub method: String,
    /// Path only, never the query or the host, never credentials.
    pub path: String,
    pub status: Option<u16>,
    pub code: Option<String>,
    pub title: Option<String>,
    pub detail: String,
    pub field_errors: Vec<FieldError>,
    pub request_id: Option<String>,
    /// How many attempts were made (1 = no retry).
    pub attempts: u32,
    /// How long HostUp asked to wait (or its rate limit made the next request wait) before the
    /// next attempt, when that was longer than the operation's `retry_deadline` allowed, so no
    /// attempt was made.
    pub wait_past_deadline: Option<Duration>,
    /// Set when a request got no reply because of the certificate or the proxy.
    pub network: Option<NetworkFault>,
}

impl ApiError {
    pub fn new(kind: ErrorKind, method: &str, path: &str, detail: impl Into<String>) -> Self {
        ApiError {
            kind,
            method: method.to_string(),
            path: path.to_string(),
            status: None,
            code: None,
            title: None,
            detail: detail.into(),
            field_errors: Vec::new(),
            request_id: None,
            attempts: 1,
            wait_past_deadline: None,
            network: None,
        }
    }

    /// Build the error for a non-success reply from its status, body and `X-Request-Id` header.
    pub fn from_reply(
        method: &str,
        path: &str,
        status: u16,
        content_type: &str,
        body: &[u8],
        header_request_id: Option<&str>,
    ) -> Self {
        let mut err = ApiError::new(ErrorKind::Status, method, path, String::new());
        err.status = Some(status);
        err.request_id = header_request_id.map(clip);
        parse_error_body(&mut err, content_type, body);
        err
    }

    fn is_status(&self, status: u16) -> bool {
        self.kind == ErrorKind::Status && self.status == Some(status)
    }

    fn has_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }

    /// What this failure means: the one place where statuses and codes are read. Whether a 404
    /// or 405 means "no such route" depends on what was asked, so [`Outcome::RouteAbsent`] is
    /// only given by [`ApiError::route_absent`].
    pub fn outcome(&self) -> Outcome {
        match (self.kind, self.status) {
            (ErrorKind::NotSent, _) => Outcome::NotSent,
            (ErrorKind::Cancelled, _) => Outcome::Cancelled,
            (ErrorKind::Ambiguous, _) => Outcome::Ambiguous,
            (ErrorKind::Decode, _) => Outcome::ContractBroken,
            (ErrorKind::Rejected, _) => Outcome::Refused,
            // HostUp publishes both codes for a rate limit, whatever a proxy does to the status.
            (ErrorKind::Status, Some(_))
                if self.has_code("rate_limited") || self.has_code("rate_limit_exceeded") =>
            {
                Outcome::RateLimited
            }
            (ErrorKind::Status, Some(401)) => Outcome::Unauthorized,
            (ErrorKind::Status, Some(403)) => Outcome::Forbidden,
            (ErrorKind::Status, Some(429)) => Outcome::RateLimited,
            (ErrorKind::Status, Some(409)) if self.has_code("duplicate_key") => Outcome::Duplicate,
            // HostUp's own 404 is a problem document with a code; a proxy's page has none.
            (ErrorKind::Status, Some(404)) if self.code.is_some() => Outcome::Gone,
            (ErrorKind::Status, Some(s)) if s >= 500 => Outcome::ServerError,
            (ErrorKind::Status, _) => Outcome::Refused,
        }
    }

    /// A 404 or 405 to a request for a collection or an operation: this server lacks the route
    /// (or, for one object, lacks the object: the caller's inventory tells which).
    pub fn route_absent(&self) -> bool {
        self.is_status(404) || self.is_status(405)
    }

    /// The request may have been processed although no reply says so: a transport failure
    /// after sending, or a server error (which may come after a commit).
    pub fn is_ambiguous(&self) -> bool {
        matches!(self.outcome(), Outcome::Ambiguous | Outcome::ServerError)
    }

    /// A one-line summary for a diagnostic's summary field.
    pub fn summary(&self) -> String {
        match self.network {
            Some(NetworkFault::Certificate) => {
                return "The TLS certificate of the HostUp endpoint was refused".to_string()
            }
            Some(NetworkFault::Proxy) => {
                return "Could not reach the HostUp API through the proxy".to_string()
            }
            None => {}
        }
        match (self.kind, self.status, self.code.as_deref()) {
            (ErrorKind::Decode, Some(s), _) => {
                format!("HostUp answered {s} but the reply is not what the API documents")
            }
            (ErrorKind::Decode, None, _) => "Unexpected reply from the HostUp API".to_string(),
            (ErrorKind::Rejected, ..) => "HostUp reported that the operation failed".to_string(),
            (_, Some(s), Some(c)) => format!("HostUp API error {s} ({c})"),
            (_, Some(s), None) => format!("HostUp API error {s}"),
            (ErrorKind::NotSent, ..) if self.wait_past_deadline.is_some() => {
                "Not sent: HostUp's rate limit asks to wait past retry_deadline".to_string()
            }
            (ErrorKind::NotSent, ..) => "Could not reach the HostUp API".to_string(),
            (ErrorKind::Ambiguous, ..) => "No reply from the HostUp API".to_string(),
            (ErrorKind::Cancelled, ..) => "Interrupted".to_string(),
            (ErrorKind::Status, ..) => "HostUp API error".to_string(),
        }
    }

    /// A 2xx reply whose envelope says `success: false`: the operation was not carried out.
    pub fn rejected(method: &str, path: &str, message: &str, request_id: String) -> Self {
        let message = Some(message)
            .filter(|m| !m.is_empty())
            .unwrap_or("no message given");
        let mut e = ApiError::new(
            ErrorKind::Rejected,
            method,
            path,
            format!("HostUp answered with success: false: {}", clip(message)),
        );
        e.request_id = Some(clip(&request_id)).filter(|r| !r.is_empty());
        e
    }

    /// A 2xx reply whose body breaks the contract (`what` says how), e.g. a list without `data`.
    pub fn contract(method: &str, path: &str, status: u16, what: impl fmt::Display) -> Self {
        let mut e = ApiError::new(
            ErrorKind::Decode,
            method,
            path,
            format!(
                "the reply does not match the API contract: {}",
                clip(&what.to_string())
            ),
        );
        e.status = Some(status);
        e
    }

    /// A 2xx reply longer than [`MAX_REPLY_BYTES`]: not read past the cap, so its outcome is not
    /// known, as for a reply cut off; a create settles it by reading the inventory again.
    pub fn too_large(method: &str, path: &str, status: u16) -> Self {
        ApiError::contract(
            method,
            path,
            status,
            format_args!(
                "the reply is longer than {} MiB, the most this provider reads of one reply, so it \
                 was not read further",
                MAX_REPLY_BYTES >> 20
            ),
        )
    }

    /// A 3xx: redirects are never followed (the API key would go along to wherever it points),
    /// so say where the server points, for the user to decide.
    pub fn redirected(mut self, location: Option<&str>) -> Self {
        let status = self.status.unwrap_or(0);
        self.detail = match location.filter(|l| !l.trim().is_empty()) {
            Some(l) => format!(
                "HostUp answered {status} and points to \"{}\"; redirects are not followed. Set \
                 `endpoint` to that server if it is HostUp's.",
                clip(l.trim())
            ),
            None => format!(
                "HostUp answered {status}, a redirect without a Location; redirects are not \
                 followed. Check `endpoint`."
            ),
        };
        self
    }

    /// Remove a secret from every text field, in case a server echoes it back.
    pub fn redact(mut self, secret: &str) -> Self {
        if secret.len() >= 4 {
            let r = |s: &mut String| {
                if s.contains(secret) {
                    *s = s.replace(secret, "<redacted>");
                }
            };
            r(&mut self.detail);
            if let Some(t) = self.title.as_mut() {
                r(t)
            }
            if let Some(c) = self.code.as_mut() {
                r(c)
            }
            for f in &mut self.field_errors {
                r(&mut f.detail);
                r(&mut f.pointer);
            }
        }
        self
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(s) = self.status {
            write!(f, " returned {s}")?;
            if let Some(t) = &self.title {
                write!(f, " {t}")?;
            }
        }
        if let Some(c) = &self.code {
            write!(f, " (code \"{c}\")")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        for e in &self.field_errors {
            write!(f, "\n  - {}: {}", e.pointer, e.detail)?;
            if !e.code.is_empty() {
                write!(f, " ({})", e.code)?;
            }
        }
        if let Some(r) = &self.request_id {
            write!(f, "\nrequestId: {r}")?;
        }
        if self.attempts > 1 {
            write!(f, "\n(after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Fill `err` from an error body, whichever envelope it uses; never fails, never panics.
fn parse_error_body(err: &mut ApiError, content_type: &str, body: &[u8]) {
    let status = err.status.unwrap_or(0);
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        err.detail = format!("the server sent an empty body with status {status}");
        return;
    }
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let obj = match json.as_ref().and_then(|v| v.as_object()) {
        Some(o) => o,
        None => {
            let looks_html = content_type.contains("html")
                || trimmed.starts_with('<')
                || trimmed.to_ascii_lowercase().contains("<html");
            err.detail = if looks_html {
                format!(
                    "the server answered with an HTML page instead of JSON (status {status}); a proxy or \
                     gateway in front of the API is probably failing: {}",
                    quote(&strip_tags(trimmed))
                )
            } else {
                format!(
                    "the server answered with a body that is not JSON (status {status}, content type \
                     \"{}\"): {}",
                    quote(content_type),
                    quote(trimmed)
                )
            };
            return;
        }
    };
    // Every text the server sends is clipped and stripped of control characters here, before
    // any of it can reach a diagnostic or a log line (see [`clip`]).
    let s = |k: &str| {
        obj.get(k)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(clip)
    };
    err.code = s("code");
    // v2 has `title`, v1 has `error` (the HTTP status title).
    err.title = s("title").or_else(|| s("error"));
    err.detail = s("detail")
        .or_else(|| s("message"))
        .unwrap_or_else(|| format!("status {status} with no detail"));
    if let Some(r) = s("requestId") {
        err.request_id = Some(r);
    }
    if let Some(list) = obj.get("errors").and_then(|v| v.as_array()) {
        err.field_errors = list
            .iter()
            .filter_map(|e| serde_json::from_value::<FieldError>(e.clone()).ok())
            .map(|f| FieldError {
                pointer: clip(&f.pointer),
                detail: clip(&f.detail),
                code: clip(&f.code),
            })
            .collect();
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", clip(s))
}

/// Crude tag stripper, enough to show the text of a gateway's error page.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
#[path = "errors_tests.rs"]
mod tests;
