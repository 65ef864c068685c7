//! How an import ID names a key: by HostUp id, by the `SHA256:` fingerprint `ssh-keygen -l`
//! prints, by the MD5 fingerprint HostUp's control panel shows, or by `name:<name>`; and the one
//! key it must name among those listed.

use crate::api::models::ListedKey;
use crate::api::text::clip;
use crate::ssh_key::PublicKey;
use crate::tf::validate::segment_problem;
use std::fmt;
use tf_provider::Diagnostics;

/// Strips `prefix` from `text` in any case (`sha256:`, `Sha256:` as people type them).
fn strip_prefix_any_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A `SHA256:` fingerprint as `ssh-keygen -l` prints it, its prefix in any case, written with
/// the prefix as HostUp and ssh-keygen write it. The base64 after it is case-sensitive.
pub fn sha256_fingerprint(text: &str) -> Option<String> {
    let hash = strip_prefix_any_case(text.trim(), "SHA256:")?;
    // The base64 of a fingerprint may hold slashes, never blanks.
    let ok = !hash.is_empty() && !hash.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| format!("SHA256:{hash}"))
}

/// An MD5 fingerprint: 16 colon-separated hex pairs, bare as HostUp's control panel shows it or
/// after `MD5:` as `ssh-keygen -E md5` prints it, in any case; written bare in lower case.
pub fn md5_fingerprint(text: &str) -> Option<String> {
    let text = text.trim();
    let hex = strip_prefix_any_case(text, "MD5:").unwrap_or(text);
    let groups: Vec<&str> = hex.split(':').collect();
    let is_hex = |g: &&str| g.len() == 2 && g.chars().all(|c| c.is_ascii_hexdigit());
    (groups.len() == 16 && groups.iter().all(is_hex)).then(|| hex.to_ascii_lowercase())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySelector {
    Id(String),
    Fingerprint(String),
    /// Colon hex, lower case.
    Md5(String),
    Name(String),
}

impl KeySelector {
    /// `None` when the text names no key: empty, or an id that is not one safe URL path segment
    /// (whitespace, a slash, a control character, "." or "..").
    pub fn parse(text: &str) -> Option<KeySelector> {
        let text = text.trim();
        if let Some(name) = text.strip_prefix("name:") {
            let name = name.trim();
            return (!name.is_empty()).then(|| KeySelector::Name(name.to_string()));
        }
        if strip_prefix_any_case(text, "SHA256:").is_some() {
            return sha256_fingerprint(text).map(KeySelector::Fingerprint);
        }
        if let Some(md5) = md5_fingerprint(text) {
            return Some(KeySelector::Md5(md5));
        }
        segment_problem(text)
            .is_none()
            .then(|| KeySelector::Id(text.to_string()))
    }

    /// Whether `key` is the one named.
    pub fn matches<K: ListedKey>(&self, key: &K) -> bool {
        match self {
            KeySelector::Id(x) => x == key.id(),
            KeySelector::Name(x) => x == key.name(),
            KeySelector::Fingerprint(x) => key.fingerprint().as_ref() == Some(x),
            KeySelector::Md5(x) => key
                .public_key()
                .and_then(|k| PublicKey::parse(k).ok())
                .is_some_and(|k| &k.fingerprint_md5() == x),
        }
    }
}

impl fmt::Display for KeySelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySelector::Id(x) => write!(f, "id \"{}\"", clip(x)),
            KeySelector::Name(x) => write!(f, "name \"{}\"", clip(x)),
            KeySelector::Fingerprint(x) => write!(f, "fingerprint {}", clip(x)),
            KeySelector::Md5(x) => write!(f, "MD5 fingerprint {}", clip(x)),
        }
    }
}

/// What a key resource's import says of itself.
pub struct ImportKind {
    pub type_name: &'static str,
    /// The data source that lists the keys.
    pub lister: &'static str,
    /// The accepted import ID forms, with examples.
    pub forms: &'static str,
}

/// The one key of `keys` (listed in `place`) that `selector` names, else an error: none (with
/// the accepted forms, as a text meant as another form reads as an id), or several, each shown
/// with `import_id`, the ID that names it alone.
pub fn find_one<'k, K: ListedKey>(
    diags: &mut Diagnostics,
    kind: &ImportKind,
    selector: &KeySelector,
    place: &str,
    keys: &'k [K],
    import_id: impl Fn(&K) -> String,
) -> Option<&'k K> {
    let mut matches: Vec<&K> = keys.iter().filter(|k| selector.matches(*k)).collect();
    match matches.len() {
        1 => matches.pop(),
        0 => {
            diags.root_error(
                "SSH key not found",
                format!(
                    "No SSH key in {place} has {selector} ({} keys searched). The {} data \
                     source lists them.{}",
                    keys.len(),
                    kind.lister,
                    match selector {
                        KeySelector::Id(_) => format!("\n\n{}", kind.forms),
                        _ => String::new(),
                    }
                ),
            );
            None
        }
        n => {
            let list: Vec<String> = matches
                .iter()
                .map(|k| {
                    let fp = k.fingerprint();
                    let fp = fp.as_deref().map_or_else(|| "no fingerprint".into(), clip);
                    // HostUp's ids and fingerprints, as every server text in a diagnostic.
                    format!("  {} ({fp})", clip(&import_id(k)))
                })
                .collect();
            diags.root_error(
                "More than one SSH key matches",
                format!(
                    "{n} SSH keys in {place} have {selector}:\n\n{}\n\nImport one of them by its \
                     own import ID, e.g.\n\n  terraform import {}.<name> {}",
                    list.join("\n"),
                    kind.type_name,
                    clip(&import_id(matches[0]))
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeySelector::{self, *};
    use crate::api::models::VpsSshKey;

    // A key made with ssh-keygen, its fingerprints as ssh-keygen -l -E sha256|md5 prints them.
    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPMUxNmlHTgckqdyKbEd2QhH9JKutkURSw6ECjh529oL";
    const FP: &str = "SHA256:g+MLfmZ0SAqCtL/iy9B2sbhwrRlz6dr8+1rgUzmWPhI";
    const MD5: &str = "a8:75:9b:6d:fe:e2:2b:66:8a:d7:be:41:8a:c3:e0:30";

    #[test]
    fn selectors() {
        let prefixed = format!("MD5:{MD5}");
        let upper = MD5.to_uppercase();
        for (text, want) in [
            ("ssh_01", Some(Id("ssh_01".into()))),
            (" ssh_01\n", Some(Id("ssh_01".into()))),
            (FP, Some(Fingerprint(FP.into()))),
            (
                &FP.replacen("SHA256:", "sha256:", 1),
                Some(Fingerprint(FP.into())),
            ),
            (&format!("md5:{upper}"), Some(Md5(MD5.into()))),
            (prefixed.as_str(), Some(Md5(MD5.into()))),
            (upper.as_str(), Some(Md5(MD5.into()))),
            ("name:my key", Some(Name("my key".into()))),
            ("name: deploy ", Some(Name("deploy".into()))),
            ("", None),
            ("name:", None),
            ("SHA256:", None),
            ("SHA256:ab cd", None),
            ("MD5:a8:75 ", Some(Id("MD5:a8:75".into()))),
            ("ssh 01", None),
            ("a/b", None),
            (".", None),
            ("..", None),
            ("ssh\u{1}01", None),
            ("ssh\u{7f}", None),
            ("...", Some(Id("...".into()))),
        ] {
            assert_eq!(KeySelector::parse(text), want, "{text:?}");
        }
    }

    #[test]
    fn matching() {
        let key = VpsSshKey {
            id: "ssh_01".into(),
            name: "deploy".into(),
            public_key: KEY.into(),
            ..Default::default()
        };
        for (selector, hit) in [
            (Fingerprint(FP.into()), true),
            (Md5(MD5.into()), true),
            (Id("ssh_01".into()), true),
            (Name("deploy".into()), true),
            (Id(FP.into()), false),
            (Name("ssh_01".into()), false),
            (Md5(MD5.replace("a8", "a9")), false),
        ] {
            assert_eq!(selector.matches(&key), hit, "{selector}");
        }
    }
}
