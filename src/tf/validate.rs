//! Plan-time checks of arguments several objects share. Unknown values pass: they are checked
//! again once known.

use crate::api::models::MAX_NAME_LEN;
use regex::Regex;
use tf_provider::value::{Value, ValueString};
use tf_provider::{AttributePath, Diagnostics};

/// Compile the regular expression of attribute `attr`, reporting a bad pattern on it (at
/// validate, so no request is sent); `None` when unset or bad.
pub fn compile_regex(diags: &mut Diagnostics, attr: &str, v: &ValueString<'_>) -> Option<Regex> {
    let pattern = v.as_deref_option()?;
    match Regex::new(pattern) {
        Ok(r) => Some(r),
        Err(e) => {
            diags.error(
                "Invalid regular expression",
                format!("`{attr}` is not a valid regular expression (Rust regex syntax): {e}"),
                AttributePath::new(attr.to_string()),
            );
            None
        }
    }
}

/// Check a key name: not blank, no control characters, not too long, no outer whitespace.
pub fn check_name(diags: &mut Diagnostics, value: &ValueString<'_>, path: &str) {
    let Some(name) = value.as_deref_option() else {
        return;
    };
    let problem = if name.trim().is_empty() {
        format!("`{path}` must not be empty or only whitespace. Give the key a label, e.g. \"deploy-key\".")
    } else if name.chars().any(char::is_control) {
        format!("`{path}` contains a control character (such as a newline or tab). Use a single-line label.")
    } else if let Some((i, c)) = name.chars().enumerate().find(|(_, c)| is_bidi_control(*c)) {
        format!(
            "`{path}` holds {} at position {}, a bidirectional override or isolate: it makes the \
             text around it display in another order than it is stored (\"a\\u202egnp.exe\" shows \
             as \"aexe.png\"), which can disguise a label. Remove it.",
            describe(c),
            i + 1
        )
    } else if name.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        let found: Vec<String> = name
            .chars()
            .enumerate()
            .filter(|(_, c)| !c.is_whitespace())
            .take(4)
            .map(|(i, c)| format!("{} at position {}", describe(c), i + 1))
            .collect();
        format!(
            "`{path}` is made only of invisible or format characters ({}), so it would show as an \
             empty label. Give the key a visible label, e.g. \"deploy-key\".",
            found.join(", ")
        )
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

/// Bidi overrides (U+202A–U+202E) and isolates (U+2066–U+2069): "Trojan Source" characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that draw nothing: Unicode's format characters (category Cf) and the fillers and
/// joiners that render blank. A table, as std has no general categories.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{2800}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}' | '\u{ffa0}' | '\u{fff9}'..='\u{fffb}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e0fff}')
}

/// `U+XXXX (NAME)` for the characters these checks name, `U+XXXX` for others.
fn describe(c: char) -> String {
    let name = match c {
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE, the byte order mark",
        '\u{ad}' => "SOFT HYPHEN",
        '\u{3164}' => "HANGUL FILLER",
        ' ' => "SPACE",
        '\t' => "TAB",
        _ => return format!("U+{:04X}", c as u32),
    };
    format!("U+{:04X} ({name})", c as u32)
}

/// Why `s` is not one safe URL path segment (an id HostUp's API takes in its path), as what
/// follows "it …"; `None` when it is one. A dot segment would be dropped by URL normalization
/// and send the request to another route.
pub fn segment_problem(s: &str) -> Option<String> {
    if s.trim().is_empty() {
        return Some("is empty or only whitespace".into());
    }
    if s == "." || s == ".." {
        return Some(
            "is a dot segment, which URL paths drop, so the request would go to another route"
                .into(),
        );
    }
    if s.contains('/') {
        return Some("holds a slash, which would make it two URL path segments".into());
    }
    let (i, c) = s
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() || c.is_whitespace())?;
    let kind = if c.is_control() {
        "a control character"
    } else {
        "whitespace"
    };
    Some(format!(
        "holds {kind} ({}) at position {}",
        describe(c),
        i + 1
    ))
}

/// `s` quoted for a message, escaped (it may hold control characters) and clipped.
pub fn quoted(s: &str) -> String {
    let q: String = s
        .chars()
        .take(100)
        .collect::<String>()
        .escape_debug()
        .to_string();
    format!("\"{q}\"")
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
