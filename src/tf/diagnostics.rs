//! HostUp API failures as Terraform diagnostics: what we were doing, HostUp's status, code,
//! detail and requestId, and what the user can do about it.

use crate::api::{scopes, ApiError, Outcome};
use tf_provider::{AttributePath, Diagnostics};

/// What the user can do about an API failure, by its kind.
fn fix_hint(err: &ApiError) -> Option<String> {
    if err.outcome() == Outcome::Forbidden {
        return Some(match scopes::required(&err.method, &err.path) {
            Some(scopes) => format!(
                "The API key lacks a scope this needs, or the object belongs to another account; \
                 HostUp's detail above says which. {} {} needs {scopes}: add what the key lacks in \
                 the HostUp dashboard.",
                err.method, err.path
            ),
            None => "The API key lacks a scope this needs, or the object belongs to another \
                     account; HostUp's detail above says which. Add the scope to the key in the \
                     HostUp dashboard."
                .to_string(),
        });
    }
    Some(match err.outcome() {
        _ if err.wait_past_deadline.is_some() => {
            "HostUp asked to wait longer than retry_deadline allows, so no retry was made. Run again \
             once that wait is over, or raise retry_deadline in the provider block."
        }
        Outcome::Unauthorized => {
            "Check the API key (api_key or HOSTUP_API_KEY): it is missing, mistyped or revoked."
        }
        Outcome::RateLimited => {
            "HostUp kept rate-limiting after every retry. Run with a lower -parallelism, or raise \
             max_retries / retry_deadline in the provider block."
        }
        Outcome::ServerError => {
            "HostUp failed internally. Try again later; quote the requestId to HostUp support if it \
             persists."
        }
        // The detail names the certificate's or the proxy's problem and what to do about it.
        Outcome::NotSent if err.network.is_some() => return None,
        Outcome::NotSent => {
            "Check the endpoint (endpoint or HOSTUP_ENDPOINT) and the network; nothing was sent."
        }
        Outcome::Ambiguous => {
            "The request may or may not have been carried out. Run plan again to see where things stand."
        }
        _ => return None,
    }
    .to_string())
}

fn detail(err: &ApiError) -> String {
    match fix_hint(err) {
        Some(h) => format!("{err}\n\n{h}"),
        None => err.to_string(),
    }
}

/// Report an API failure. `what` says what we were doing, e.g. "Could not create the SSH key".
pub fn api_error(diags: &mut Diagnostics, what: &str, err: &ApiError) {
    diags.root_error(format!("{what}: {}", err.summary()), detail(err));
}

/// Like [`api_error`], on an attribute.
pub fn api_error_at(diags: &mut Diagnostics, what: &str, err: &ApiError, path: &str) {
    diags.error(
        format!("{what}: {}", err.summary()),
        detail(err),
        AttributePath::new(path.to_string()),
    );
}

/// A call's result, or `None` once its failure has been reported.
pub trait OrReport<T> {
    fn or_report(self, diags: &mut Diagnostics, what: &str) -> Option<T>;
    /// Like `or_report`, on an attribute.
    fn or_report_at(self, diags: &mut Diagnostics, what: &str, path: &str) -> Option<T>;
}

impl<T> OrReport<T> for Result<T, ApiError> {
    fn or_report(self, diags: &mut Diagnostics, what: &str) -> Option<T> {
        self.map_err(|e| api_error(diags, what, &e)).ok()
    }

    fn or_report_at(self, diags: &mut Diagnostics, what: &str, path: &str) -> Option<T> {
        self.map_err(|e| api_error_at(diags, what, &e, path)).ok()
    }
}
