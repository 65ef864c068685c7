//! Conversions between Rust values and tf-provider's `Value`s.

use tf_provider::value::{Value, ValueString};

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
