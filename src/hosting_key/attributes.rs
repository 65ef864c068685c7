//! The attributes of a hosting key, described once for the resource and the data source, and
//! the check of the `account_id` both take.

use crate::tf::validate::{quoted, segment_problem};
use std::collections::HashMap;
use tf_provider::schema::AttributeType;
use tf_provider::value::ValueString;
use tf_provider::{AttributePath, Diagnostics};

pub const ID: &str = "HostUp's id of the key on the account.";
pub const ACCOUNT_ID: &str =
    "Shared-hosting account id (`acct_...`, from `GET /api/v2/shared-hosting` `data[].id`).";
pub const NAME: &str = "Label of the key.";
pub const PUBLIC_KEY: &str = "OpenSSH public key line.";
pub const FINGERPRINT: &str = "`SHA256:` fingerprint of the key. Known at plan time.";
pub const FINGERPRINT_MD5: &str =
    "MD5 fingerprint of the key in colon-separated hex (`aa:bb:…`), as HostUp's control panel shows \
     it and `ssh-keygen -l -E md5` prints it after `MD5:`. Known at plan time; null when HostUp \
     lists the key without its key material and the configuration does not give it.";
pub const KEY_TYPE: &str =
    "Key family, as on VPS keys: `rsa`, `ed25519`, `ecdsa`, `dsa` or `unknown`. Known at plan time.";
pub const BITS: &str = "Key size in bits. Known at plan time.";
pub const COMMENT: &str = "The key's comment, if it has one.";
pub const AUTHORIZED: &str =
    "Whether the key is in the account's authorized keys (usable to log in), as HostUp's import \
     reply, or the authorize the provider then sends, said. `false` while an authorize has not \
     succeeded: the next apply authorizes the key (or replaces it, when its create failed). Null \
     for a key adopted with `terraform import`: HostUp's key list does not say. Refresh keeps \
     the value.";

/// One key as the data source lists it, with each field's type.
pub const KEY: [(&str, &str); 8] = [
    ("id", ID),
    ("name", NAME),
    ("fingerprint", FINGERPRINT),
    ("fingerprint_md5", FINGERPRINT_MD5),
    ("key_type", KEY_TYPE),
    ("bits", BITS),
    ("comment", COMMENT),
    ("public_key", PUBLIC_KEY),
];

fn field_type(name: &str) -> AttributeType {
    match name {
        "bits" => AttributeType::Number,
        _ => AttributeType::String,
    }
}

/// One key as an object type, for the data source's list.
pub fn object_type() -> AttributeType {
    AttributeType::Object(
        KEY.iter()
            .map(|(n, _)| (n.to_string(), field_type(n)))
            .collect::<HashMap<_, _>>(),
    )
}

/// The names of [`KEY`], for documentation.
pub fn names() -> String {
    let names: Vec<String> = KEY.iter().map(|(n, _)| format!("`{n}`")).collect();
    names.join(", ")
}

/// Check a shared-hosting account id: one safe URL path segment (see [`segment_problem`]), since
/// it is one in every request and half of the `accountId/keyId` import id.
pub fn check_account_id(diags: &mut Diagnostics, value: &ValueString<'_>) {
    let Some(a) = value.as_deref_option() else {
        return;
    };
    if let Some(problem) = segment_problem(a) {
        diags.error(
            "Invalid account_id",
            format!(
                "`account_id` is {}: it {problem}. It must be a shared-hosting account id such as \
                 \"acct_01hxa3b4c5d6e7f8g9h0j1k2m3\" (from GET /api/v2/shared-hosting `data[].id`): one \
                 URL path segment, so no spaces or slashes, no control characters, not \".\" or \"..\".",
                quoted(a)
            ),
            AttributePath::new("account_id"),
        );
    }
}
