//! The one conversion tf-provider's `Value` lacks: an owned string into a known string value.

use tf_provider::value::{Value, ValueString};

pub fn string(s: impl Into<String>) -> ValueString<'static> {
    Value::Value(s.into().into())
}
