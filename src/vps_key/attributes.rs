//! The attributes of a VPS key, described once for the resource and both data sources.

use crate::tf::schema::computed;
use std::collections::HashMap;
use tf_provider::schema::{Attribute, AttributeType};

pub const ID: &str = "HostUp's public id of the key, e.g. `ssh_01hxa3b4c5d6e7f8g9h0j1k2m3`.";
pub const DISPLAY_ID: &str = "HostUp's compatibility display id, when it reports one.";
pub const NAME: &str = "Label of the key.";
pub const PUBLIC_KEY: &str = "OpenSSH public key line (`<type> <base64> [comment]`).";
pub const FINGERPRINT: &str =
    "`SHA256:` fingerprint of the key, as `ssh-keygen -l` prints it. Known at plan time.";
pub const FINGERPRINT_MD5: &str =
    "MD5 fingerprint of the key in colon-separated hex (`aa:bb:…`), as HostUp's control panel and \
     legacy API show it and `ssh-keygen -l -E md5` prints it after `MD5:`. Known at plan time.";
pub const KEY_TYPE: &str =
    "Key family: `rsa`, `ed25519`, `ecdsa`, `dsa` or `unknown`. Known at plan time.";
pub const CREATED_AT: &str = "When HostUp created the key (ISO 8601), when HostUp reports it.";
pub const LAST_USED_AT: &str = "Last use of the key (ISO 8601), when HostUp reports it.";
pub const LEGACY_ID: &str = "The key's numeric id in HostUp's legacy account-key view \
    (`GET /api/ssh-keys`), as a string such as `\"2830\"`: the form the published VM reset example \
    sends in `keyIds`. Null when that view is not available to the API key.";

/// The values of `key_type` (HostUp's `keyType` enum).
pub const KEY_TYPES: &[&str] = &["rsa", "ed25519", "ecdsa", "dsa", "unknown"];

/// Every attribute of a key as HostUp reports it, all strings: the data sources' view.
pub const KEY: [(&str, &str); 10] = [
    ("id", ID),
    ("display_id", DISPLAY_ID),
    ("name", NAME),
    ("public_key", PUBLIC_KEY),
    ("fingerprint", FINGERPRINT),
    ("fingerprint_md5", FINGERPRINT_MD5),
    ("key_type", KEY_TYPE),
    ("created_at", CREATED_AT),
    ("last_used_at", LAST_USED_AT),
    ("legacy_id", LEGACY_ID),
];

/// One key as an object type, for the list data source.
pub fn object_type() -> AttributeType {
    AttributeType::Object(
        KEY.iter()
            .map(|(n, _)| (n.to_string(), AttributeType::String))
            .collect(),
    )
}

/// Every attribute of [`KEY`] as computed, for a data source to adjust.
pub fn computed_attributes() -> HashMap<String, Attribute> {
    KEY.iter()
        .map(|(n, d)| (n.to_string(), computed(AttributeType::String, d)))
        .collect()
}

/// The names of [`KEY`], for documentation.
pub fn names() -> String {
    let names: Vec<String> = KEY.iter().map(|(n, _)| format!("`{n}`")).collect();
    names.join(", ")
}
