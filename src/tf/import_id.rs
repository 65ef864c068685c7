//! How an import ID names a key: by HostUp id, by the `SHA256:` fingerprint `ssh-keygen -l`
//! prints, or by `name:<name>`; and the one key it must name among those listed.

use crate::api::models::{HostingSshKey, VpsSshKey};
use std::fmt;
use tf_provider::Diagnostics;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySelector {
    Id(String),
    Fingerprint(String),
    Name(String),
}

impl KeySelector {
    /// `None` when the text names no key: empty, or an id with whitespace or a slash.
    pub fn parse(text: &str) -> Option<KeySelector> {
        let text = text.trim();
        if let Some(name) = text.strip_prefix("name:") {
            let name = name.trim();
            return (!name.is_empty()).then(|| KeySelector::Name(name.to_string()));
        }
        let no_blank = !text.is_empty() && !text.chars().any(char::is_whitespace);
        if let Some(hash) = text.strip_prefix("SHA256:") {
            // The base64 of a fingerprint may hold slashes.
            return (no_blank && !hash.is_empty())
                .then(|| KeySelector::Fingerprint(text.to_string()));
        }
        (no_blank && !text.contains('/')).then(|| KeySelector::Id(text.to_string()))
    }

    /// Whether a key with this id, name and fingerprint is the one named.
    pub fn matches(&self, id: &str, name: &str, fingerprint: Option<&str>) -> bool {
        match self {
            KeySelector::Id(x) => x == id,
            KeySelector::Name(x) => x == name,
            KeySelector::Fingerprint(x) => Some(x.as_str()) == fingerprint,
        }
    }
}

impl fmt::Display for KeySelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySelector::Id(x) => write!(f, "id \"{x}\""),
            KeySelector::Name(x) => write!(f, "name \"{x}\""),
            KeySelector::Fingerprint(x) => write!(f, "fingerprint {x}"),
        }
    }
}

/// What an import ID can name a listed key by.
pub trait Listed {
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn fingerprint(&self) -> Option<String>;
}

impl Listed for VpsSshKey {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn fingerprint(&self) -> Option<String> {
        self.derived_fingerprint()
    }
}

impl Listed for HostingSshKey {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn fingerprint(&self) -> Option<String> {
        self.derived_fingerprint()
    }
}

/// The one key of `keys` (listed in `place` by the data source `lister`) that `selector` names,
/// else an error: none, or several, each shown with `import_id`, the ID that names it alone.
pub fn find_one<'k, K: Listed>(
    diags: &mut Diagnostics,
    type_name: &str,
    lister: &str,
    selector: &KeySelector,
    place: &str,
    keys: &'k [K],
    import_id: impl Fn(&K) -> String,
) -> Option<&'k K> {
    let mut matches: Vec<(&K, Option<String>)> = keys
        .iter()
        .map(|k| (k, k.fingerprint()))
        .filter(|(k, fp)| selector.matches(k.id(), k.name(), fp.as_deref()))
        .collect();
    match matches.len() {
        1 => matches.pop().map(|(k, _)| k),
        0 => {
            diags.root_error(
                "SSH key not found",
                format!(
                    "No SSH key in {place} has {selector} ({} keys searched). The {lister} data \
                     source lists them.",
                    keys.len()
                ),
            );
            None
        }
        n => {
            let list: Vec<String> = matches
                .iter()
                .map(|(k, fp)| {
                    let fp = fp.as_deref().unwrap_or("no fingerprint");
                    format!("  {} ({fp})", import_id(k))
                })
                .collect();
            diags.root_error(
                "More than one SSH key matches",
                format!(
                    "{n} SSH keys in {place} have {selector}:\n\n{}\n\nImport one of them by its \
                     own import ID, e.g.\n\n  terraform import {type_name}.<name> {}",
                    list.join("\n"),
                    import_id(matches[0].0)
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeySelector::{self, *};

    #[test]
    fn selectors() {
        let fp = "SHA256:g+MLfmZ0SAqCtL/iy9B2sbhwrRlz6dr8+1rgUzmWPhI";
        for (text, want) in [
            ("ssh_01", Some(Id("ssh_01".into()))),
            (" ssh_01\n", Some(Id("ssh_01".into()))),
            (fp, Some(Fingerprint(fp.into()))),
            ("name:my key", Some(Name("my key".into()))),
            ("name: deploy ", Some(Name("deploy".into()))),
            ("", None),
            ("name:", None),
            ("SHA256:", None),
            ("SHA256:ab cd", None),
            ("ssh 01", None),
            ("a/b", None),
        ] {
            assert_eq!(KeySelector::parse(text), want, "{text:?}");
        }
        let by_fp = Fingerprint(fp.into());
        assert!(by_fp.matches("x", "y", Some(fp)));
        assert!(
            !by_fp.matches(fp, fp, None),
            "a fingerprint is not an id or a name"
        );
    }
}
