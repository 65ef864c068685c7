//! The `public_key` attribute of both key objects (and the functions' argument of that name):
//! parsed at plan time, and compared by key identity (algorithm and key data) so that a comment,
//! whitespace or `file()`'s trailing newline is not a change.

use super::value::string;
use crate::ssh_key::{same_key, KeyError, PublicKey};
use tf_provider::value::{Value, ValueString};
use tf_provider::{AttributePath, Diagnostics};

/// Check a public key value. Unknown values pass (checked again when known). Returns the parsed
/// key when the value is known and valid (a key too small for sshd is not).
pub fn check_public_key(
    diags: &mut Diagnostics,
    value: &ValueString<'_>,
    path: &str,
) -> Option<PublicKey> {
    let raw = value.as_deref_option()?;
    match parse_usable(raw) {
        Ok(k) => Some(k),
        Err(e) => {
            let (summary, detail) = refusal(&e);
            diags.error(summary, detail, AttributePath::new(path.to_string()));
            None
        }
    }
}

/// A key that parses and that sshd would accept: what the resources and the functions take.
pub fn parse_usable(raw: &str) -> Result<PublicKey, KeyError> {
    let k = PublicKey::parse(raw)?;
    k.check_size()?;
    Ok(k)
}

/// Warn, on the attribute, that a key is accepted but weak (a 1024-bit RSA key). Called from
/// validate only, so that a plan shows it once and not again for every planning step.
pub fn warn_if_weak(diags: &mut Diagnostics, key: &PublicKey, path: &str) {
    if let Ok(Some(why)) = key.check_size() {
        diags.warning("Weak SSH key", why, AttributePath::new(path.to_string()));
    }
}

/// Why a key is refused, as a diagnostic's summary and detail.
pub fn refusal(e: &KeyError) -> (&'static str, String) {
    let summary = match e {
        KeyError::PrivateKey => "Private key given where a public key is expected",
        KeyError::RsaTooSmall(_) => "RSA key too small",
        _ => "Invalid SSH public key",
    };
    (summary, e.to_string())
}

/// The MD5 fingerprint of a key value: unknown while the value is, null when it is null or not a
/// key.
pub fn md5_of(value: &ValueString<'_>) -> ValueString<'static> {
    match value {
        Value::Unknown => Value::Unknown,
        _ => value
            .as_deref_option()
            .and_then(|k| PublicKey::parse(k).ok())
            .map_or(Value::Null, |k| string(k.fingerprint_md5())),
    }
}

/// When the proposed `public_key` is the same key as the prior one (maybe another comment,
/// whitespace or newline), put the prior value back so Terraform shows no diff. True when the
/// key is unchanged.
pub fn keep_prior_key(prior: &ValueString<'static>, proposed: &mut ValueString<'static>) -> bool {
    let same = match (prior.as_deref_option(), proposed.as_deref_option()) {
        (Some(old), Some(new)) => same_key(old, new),
        _ => false,
    };
    if same {
        *proposed = prior.clone();
    }
    same
}
