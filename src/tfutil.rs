//! Small helpers shared by the provider, resources and data sources: schema attribute builders,
//! input validators and the conversion of API errors into Terraform diagnostics.

use crate::api::ApiError;
use crate::ssh_key::{KeyError, PublicKey};
use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Description};
use tf_provider::value::{Value, ValueString};
use tf_provider::{AttributePath, Diagnostics};

fn attr(t: AttributeType, c: AttributeConstraint, desc: &str) -> Attribute {
    Attribute {
        attr_type: t,
        description: Description::markdown(desc),
        constraint: c,
        sensitive: false,
        deprecated: false,
    }
}

pub fn required(t: AttributeType, desc: &str) -> Attribute {
    attr(t, AttributeConstraint::Required, desc)
}

pub fn optional(t: AttributeType, desc: &str) -> Attribute {
    attr(t, AttributeConstraint::Optional, desc)
}

pub fn computed(t: AttributeType, desc: &str) -> Attribute {
    attr(t, AttributeConstraint::Computed, desc)
}

pub fn optional_computed(t: AttributeType, desc: &str) -> Attribute {
    attr(t, AttributeConstraint::OptionalComputed, desc)
}

pub fn sensitive(mut a: Attribute) -> Attribute {
    a.sensitive = true;
    a
}

/// A known, non-null string value.
pub fn known<'v>(v: &'v ValueString<'_>) -> Option<&'v str> {
    match v {
        Value::Value(s) => Some(s.as_ref()),
        _ => None,
    }
}

pub fn string(s: impl Into<String>) -> ValueString<'static> {
    Value::Value(s.into().into())
}

pub fn opt_string(s: Option<String>) -> ValueString<'static> {
    match s {
        Some(s) => Value::Value(s.into()),
        None => Value::Null,
    }
}

/// What the user can do about an API failure, by its kind.
fn fix_hint(err: &ApiError) -> Option<&'static str> {
    use crate::api::ErrorKind;
    Some(match (err.kind, err.status) {
        (ErrorKind::Status, Some(401)) => {
            "Check the API key (api_key or HOSTUP_API_KEY): it is missing, mistyped or revoked."
        }
        (ErrorKind::Status, Some(403)) => {
            "The API key lacks a scope this needs, or the object belongs to another account; HostUp's \
             detail above says which. Add the scope to the key in the HostUp dashboard."
        }
        (ErrorKind::Status, Some(429)) => {
            "HostUp kept rate-limiting after every retry. Run with a lower -parallelism, or raise \
             max_retries / retry_deadline in the provider block."
        }
        (ErrorKind::Status, Some(s)) if s >= 500 => {
            "HostUp failed internally. Try again later; quote the requestId to HostUp support if it \
             persists."
        }
        (ErrorKind::NotSent, _) => {
            "Check the endpoint (endpoint or HOSTUP_ENDPOINT) and the network; nothing was sent."
        }
        (ErrorKind::Ambiguous, _) => {
            "The request may or may not have been carried out. Run plan again to see where things stand."
        }
        _ => return None,
    })
}

fn api_error_detail(err: &ApiError) -> String {
    match fix_hint(err) {
        Some(h) => format!("{err}\n\n{h}"),
        None => err.to_string(),
    }
}

/// Report an API failure. `what` says what we were doing, e.g. "Could not create the SSH key".
pub fn api_error(diags: &mut Diagnostics, what: &str, err: &ApiError) {
    diags.root_error(format!("{what}: {}", err.summary()), api_error_detail(err));
}

/// Like [`api_error`], on an attribute.
pub fn api_error_at(diags: &mut Diagnostics, what: &str, err: &ApiError, path: AttributePath) {
    diags.error(
        format!("{what}: {}", err.summary()),
        api_error_detail(err),
        path,
    );
}

/// Check a public key value at plan time. Unknown values pass (checked again when known).
/// Returns the parsed key when the value is known and valid.
pub fn check_public_key(
    diags: &mut Diagnostics,
    value: &ValueString<'_>,
    path: &str,
) -> Option<PublicKey> {
    let raw = known(value)?;
    match PublicKey::parse(raw) {
        Ok(k) => Some(k),
        Err(e) => {
            let summary = match e {
                KeyError::PrivateKey => "Private key given where a public key is expected",
                _ => "Invalid SSH public key",
            };
            diags.error(summary, e.to_string(), AttributePath::new(path.to_string()));
            None
        }
    }
}

/// Longest name accepted; HostUp's dashboard labels are short.
pub const MAX_NAME_LEN: usize = 255;

/// Check a key name: not blank, no control characters, not absurdly long.
pub fn check_name(diags: &mut Diagnostics, value: &ValueString<'_>, path: &str) {
    let Some(name) = known(value) else { return };
    let at = AttributePath::new(path.to_string());
    if name.trim().is_empty() {
        diags.error(
            "Invalid name",
            format!("`{path}` must not be empty or only whitespace. Give the key a label, e.g. \"deploy-key\"."),
            at,
        );
    } else if name.chars().any(char::is_control) {
        diags.error(
            "Invalid name",
            format!("`{path}` contains a control character (such as a newline or tab). Use a single-line label."),
            at,
        );
    } else if name.chars().count() > MAX_NAME_LEN {
        diags.error(
            "Invalid name",
            format!(
                "`{path}` is {} characters long; the limit is {MAX_NAME_LEN}.",
                name.chars().count()
            ),
            at,
        );
    } else if name != name.trim() {
        diags.error(
            "Invalid name",
            format!("`{path}` has leading or trailing whitespace, which HostUp would not keep; remove it."),
            at,
        );
    }
}

/// Plan-time key identity: when the proposed `public_key` is the same key as the prior one (maybe
/// another comment, whitespace or newline), put the prior value back so Terraform shows no diff.
/// Returns true when the key is unchanged.
pub fn keep_prior_key(prior: &ValueString<'static>, proposed: &mut ValueString<'static>) -> bool {
    let same = match (known(prior), known(proposed)) {
        (Some(old), Some(new)) => crate::ssh_key::same_key(old, new),
        _ => false,
    };
    if same {
        *proposed = prior.clone();
    }
    same
}

/// The text that tells a user how to adopt an existing object instead of creating it.
pub fn import_hint(type_name: &str, import_id: &str) -> String {
    format!("  terraform import {type_name}.<name> {import_id}")
}

/// Parse a duration such as `30s`, `500ms`, `2m`, `1h` or `1m30s` (Go's `time.ParseDuration`
/// units, the form Terraform users know from `timeouts` blocks).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let bad = || {
        format!("\"{t}\" is not a duration; use a number with a unit, e.g. \"30s\", \"500ms\", \"2m\" or \"1m30s\".")
    };
    if t.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    let mut rest = t;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if num_len == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += n * factor;
        rest = &rest[unit_len..];
    }
    if !(total.is_finite() && total > 0.0 && total <= 24.0 * 3600.0) {
        return Err(format!("\"{t}\" must be more than 0 and at most 24h."));
    }
    Ok(std::time::Duration::from_secs_f64(total))
}

/// Check a shared-hosting account id: not blank, no whitespace or slash (it is a path segment and
/// half of the `accountId/keyId` import id).
pub fn check_account_id(diags: &mut Diagnostics, value: &ValueString<'_>) {
    let Some(a) = known(value) else { return };
    if a.trim().is_empty() || a.contains('/') || a.chars().any(char::is_whitespace) {
        diags.error(
            "Invalid account_id",
            "`account_id` must be a shared-hosting account id such as \"acct_01hxa3b4c5d6e7f8g9h0j1k2m3\" \
             (from GET /api/v2/shared-hosting `data[].id`; no spaces or slashes).",
            AttributePath::new("account_id"),
        );
    }
}

/// A schema (version 1) with a Markdown description and these attributes.
pub fn schema(
    description: &str,
    attributes: std::collections::HashMap<String, Attribute>,
) -> tf_provider::schema::Schema {
    tf_provider::schema::Schema {
        version: 1,
        block: tf_provider::schema::Block {
            version: 1,
            description: Description::markdown(description),
            attributes,
            ..Default::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        for bad in ["", "30", "s", "10x", "-1s", "0s", "48h", "1m 30s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}
