//! Read-only (computed-only) attributes set in the configuration. Terraform itself accepts them
//! (its SDKs refuse them, not the CLI) and plans the provider's value, so the setting would be
//! ignored without a word; refused here once for every resource and data source, from the schema.

use serde::Serialize;
use tf_provider::schema::{AttributeConstraint, Schema};
use tf_provider::{AttributePath, Diagnostics};

/// An error on every computed-only attribute of `schema` that `config` sets (known or unknown).
pub fn check_read_only<S: Serialize>(diags: &mut Diagnostics, schema: &Schema, config: &S) {
    // Null serializes as null; a value, or unknown (an extension tuple), as something else.
    let Ok(serde_json::Value::Object(values)) = serde_json::to_value(config) else {
        return;
    };
    let mut names: Vec<&String> = schema
        .block
        .attributes
        .iter()
        .filter(|(_, a)| a.constraint == AttributeConstraint::Computed)
        .map(|(n, _)| n)
        .collect();
    names.sort();
    for name in names {
        if values.get(name).is_some_and(|v| !v.is_null()) {
            diags.error(
                "Invalid configuration for read-only attribute",
                format!(
                    "`{name}` is read-only: the provider sets it from what HostUp reports or from \
                     the other arguments, so a value given here would be ignored. Remove the line \
                     setting `{name}`; read it as an attribute of this object instead."
                ),
                AttributePath::new(name.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tf::schema::{computed, optional, schema};
    use tf_provider::map;
    use tf_provider::schema::AttributeType;
    use tf_provider::value::{Value, ValueString};

    #[derive(Serialize)]
    struct Config {
        name: ValueString<'static>,
        fingerprint: ValueString<'static>,
        bits: ValueString<'static>,
    }

    #[test]
    fn set_or_unknown_computed_only_attributes_are_refused() {
        let s = schema(
            "t",
            map! {
                "name" => optional(AttributeType::String, "n"),
                "fingerprint" => computed(AttributeType::String, "f"),
                "bits" => computed(AttributeType::String, "b"),
            },
        );
        let mut diags = Diagnostics::default();
        let config = Config {
            name: Value::Value("k".into()),
            fingerprint: Value::Null,
            bits: Value::Null,
        };
        check_read_only(&mut diags, &s, &config);
        assert!(diags.errors.is_empty());
        let config = Config {
            name: Value::Value("k".into()),
            fingerprint: Value::Value("x".into()),
            bits: Value::Unknown,
        };
        check_read_only(&mut diags, &s, &config);
        let details: Vec<&str> = diags.errors.iter().map(|d| d.detail.as_ref()).collect();
        assert_eq!(details.len(), 2, "{details:?}");
        assert!(details[0].starts_with("`bits` is read-only"), "{details:?}");
        assert!(
            details[1].starts_with("`fingerprint` is read-only"),
            "{details:?}"
        );
    }
}
