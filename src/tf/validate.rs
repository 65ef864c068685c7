//! Plan-time checks of arguments several objects share. Unknown values pass: they are checked
//! again once known.

use crate::api::models::MAX_NAME_LEN;
use tf_provider::value::{Value, ValueString};
use tf_provider::{AttributePath, Diagnostics};

/// Check a key name: not blank, no control characters, not too long, no outer whitespace.
pub fn check_name(diags: &mut Diagnostics, value: &ValueString<'_>, path: &str) {
    let Some(name) = value.as_deref_option() else {
        return;
    };
    let problem = if name.trim().is_empty() {
        format!("`{path}` must not be empty or only whitespace. Give the key a label, e.g. \"deploy-key\".")
    } else if name.chars().any(char::is_control) {
        format!("`{path}` contains a control character (such as a newline or tab). Use a single-line label.")
    } else if name.chars().count() > MAX_NAME_LEN {
        format!(
            "`{path}` is {} characters long; the limit is {MAX_NAME_LEN}.",
            name.chars().count()
        )
    } else if name != name.trim() {
        format!(
            "`{path}` has leading or trailing whitespace, which HostUp would not keep; remove it."
        )
    } else {
        return;
    };
    diags.error(
        "Invalid name",
        problem,
        AttributePath::new(path.to_string()),
    );
}

/// The text that tells a user how to adopt an existing object instead of creating it.
pub fn import_hint(type_name: &str, import_id: &str) -> String {
    format!("  terraform import {type_name}.<name> {import_id}")
}

/// Terraform passes `attr = null` for a required argument on to the provider (it then looks set);
/// refuse it at validate time, on the attribute, before anything is planned or sent.
pub fn check_not_null<T>(diags: &mut Diagnostics, attr: &str, value: &Value<T>) {
    if value.is_null() {
        diags.error(
            "Missing required argument",
            format!(
                "`{attr}` is null, but it is required. Set it to a value; a null here usually comes \
                 from a variable or an expression that evaluated to null (or from generated \
                 configuration where HostUp did not report the value)."
            ),
            AttributePath::new(attr.to_string()),
        );
    }
}

/// Warn that one HostUp key is managed by two resources (imported twice, say): destroying either
/// removes it for both.
pub fn warn_claimed_twice(diags: &mut Diagnostics, type_name: &str, key: &str) {
    diags.root_warning(
        format!("SSH key {key} is managed by more than one {type_name} resource"),
        format!(
            "Two resources in this state point at the same HostUp key (it was imported twice, for \
             example). Destroying or replacing either removes the key for both. Keep one, and stop \
             managing the others with `terraform state rm {type_name}.<name>`."
        ),
    );
}
