//! Wire models for every HostUp operation the provider uses (described in docs/guides/hostup-api.md).
//!
//! The client's side only: the mock builds its replies from its own types, so a wrong field name
//! here cannot be hidden by a mock that agrees with it (the mock's contract tests hold its
//! replies against HostUp's documented shapes). Optional and nullable fields default, so a reply
//! with a field missing is not a decoding failure.

use super::text::clip;
use crate::ssh_key::PublicKey;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest key `name`, in characters, that the provider accepts at plan time and the mock accepts
/// on create, rename and import.
///
/// HostUp's published API pages (the rename and the hosting import; see docs/guides/hostup-api.md)
/// give `name` only as a required string with no length limit.
/// 255 is this project's own bound, not a HostUp figure: the provider's limit since its first
/// version, stated to users in `docs/resources/hosting_ssh_key.md`.
pub const MAX_NAME_LEN: usize = 255;

/// `actions.canRename` / `canDelete` / `canAdd`: whether an action is allowed and why not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionGate {
    pub allowed: bool,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Why an action is blocked, as one phrase with HostUp's reason and code.
impl fmt::Display for ActionGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // HostUp's texts, clipped and without control characters: this reaches diagnostics.
        f.write_str(
            &self
                .reason
                .as_deref()
                .map_or_else(|| "no reason given".into(), clip),
        )?;
        match &self.code {
            Some(code) => write!(f, " (code \"{}\")", clip(code)),
            None => Ok(()),
        }
    }
}

/// A key's fingerprint: computed from its public key when that parses (the API may report
/// null, or a stale value), else whatever the API reports.
fn fingerprint_of(public_key: Option<&str>, reported: Option<&String>) -> Option<String> {
    public_key
        .and_then(|pk| PublicKey::parse(pk).ok())
        .map(|p| p.fingerprint())
        .or_else(|| reported.cloned())
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(default)]
pub struct VpsKeyActions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_rename: Option<ActionGate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_delete: Option<ActionGate>,
}

/// An account-level VPS SSH key (list item; also the body of rename and create replies).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsSshKey {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub public_key: String,
    #[serde(default)]
    pub fingerprint: Option<String>,
    #[serde(default)]
    pub key_type: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<VpsKeyActions>,
}

impl VpsSshKey {
    pub fn derived_fingerprint(&self) -> Option<String> {
        fingerprint_of(Some(&self.public_key), self.fingerprint.as_ref())
    }

    /// `keyType`: derived from the public key when that parses, else the API's value.
    pub fn derived_key_type(&self) -> Option<String> {
        PublicKey::parse(&self.public_key)
            .ok()
            .map(|p| p.key_type().to_string())
            .or_else(|| self.key_type.clone())
    }
}

/// What every listed key has, whichever inventory lists it: what creating without duplicates and
/// naming a key in an import ID go by.
pub trait ListedKey {
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    /// From the key material when it parses, else as HostUp reports it.
    fn fingerprint(&self) -> Option<String>;
    fn public_key(&self) -> Option<&str>;
}

impl ListedKey for VpsSshKey {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn fingerprint(&self) -> Option<String> {
        self.derived_fingerprint()
    }
    fn public_key(&self) -> Option<&str> {
        Some(&self.public_key)
    }
}

/// What a decoded 2xx reply must satisfy beyond its shape; a breach is reported as a reply that
/// does not match the API contract.
pub trait Contract {
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

impl Contract for VpsSshKey {}
impl Contract for HostingKeyList {}
impl Contract for ImportedHostingKey {}
impl Contract for ResetVmKeysReply {}
impl Contract for serde_json::Value {}

/// Body of the (inferred) `POST /api/v2/ssh-keys`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateVpsKey {
    pub name: String,
    pub public_key: String,
}

/// Body of `PATCH /api/v2/ssh-keys/{id}`: the name only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameVpsKey {
    pub name: String,
}

/// A key authorized on a shared-hosting account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostingSshKey {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub fingerprint: Option<String>,
    #[serde(default, rename = "type")]
    pub key_type: Option<String>,
    #[serde(default)]
    pub bits: Option<i64>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub public_key: Option<String>,
}

impl HostingSshKey {
    pub fn derived_fingerprint(&self) -> Option<String> {
        fingerprint_of(self.public_key.as_deref(), self.fingerprint.as_ref())
    }
}

impl ListedKey for HostingSshKey {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn fingerprint(&self) -> Option<String> {
        self.derived_fingerprint()
    }
    fn public_key(&self) -> Option<&str> {
        self.public_key.as_deref()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostingActions {
    pub can_add: ActionGate,
}

/// `GET /api/v2/shared-hosting/{accountId}/ssh-keys`. `sshKeys` and `actions` are required: a
/// reply without them says nothing about which keys are there or whether one may be added.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostingKeyList {
    pub ssh_keys: Vec<HostingSshKey>,
    #[serde(default)]
    pub ssh_command: Option<String>,
    pub actions: HostingActions,
}

/// Body of `POST /api/v2/shared-hosting/{accountId}/ssh-keys`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportHostingKey {
    pub name: String,
    pub public_key: String,
}

/// 201 reply of the hosting key import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedHostingKey {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub fingerprint: Option<String>,
    #[serde(default)]
    pub imported: bool,
    #[serde(default)]
    pub authorized: bool,
}

/// Body of the v1 `POST /api/vm/{vmid}/reset-ssh-keys`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResetVmKeys {
    pub key_ids: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(default)]
pub struct ResetVmKeysData {
    pub success: bool,
    pub message: String,
    pub key_count: i64,
    /// A string on the wire, although the path parameter is an integer.
    pub vmid: String,
    pub account_id: String,
}

/// 200 reply of the v1 reset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetVmKeysReply {
    #[serde(default)]
    pub success: bool,
    #[serde(default)]
    pub timestamp: String,
    #[serde(default)]
    pub request_id: String,
    pub data: ResetVmKeysData,
}

/// A field-level validation error in a problem document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldError {
    pub pointer: String,
    pub detail: String,
    pub code: String,
}

// ---- The legacy account-key operations (`/api/ssh-keys`, X-API-Key, v1 envelopes) ---------------

/// The v1 success envelope `{ success, timestamp, requestId, data }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V1Envelope<T> {
    #[serde(default)]
    pub success: bool,
    #[serde(default)]
    pub timestamp: String,
    #[serde(default)]
    pub request_id: String,
    pub data: T,
}

impl<T> Contract for V1Envelope<T> {}

/// A key in the legacy view: a numeric id and the MD5 fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyKey {
    pub id: i64,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub name: String,
    /// The OpenSSH public key line.
    #[serde(default)]
    pub key: String,
    /// MD5, colon-separated hex.
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// `data` of `GET /api/ssh-keys`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyKeyList {
    pub ssh_keys: Vec<LegacyKey>,
}

/// Body of `POST /api/ssh-keys` (snake_case, as published).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyAddKey {
    pub name: String,
    pub public_key: String,
}

/// `data` of `POST /api/ssh-keys`: `{ "ssh_key": { "success", "ssh_key": {...}, ... } }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyAdded {
    pub ssh_key: LegacyAddResult,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyAddResult {
    #[serde(default)]
    pub success: bool,
    pub ssh_key: LegacyKey,
    #[serde(default)]
    pub call: Option<String>,
    #[serde(default)]
    pub server_time: Option<i64>,
    #[serde(default)]
    pub info: Vec<String>,
}

/// Body of `DELETE /api/ssh-keys` (the parameter is inferred: the published page lists none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyDeleteKey {
    pub id: i64,
}

/// `data` of `DELETE /api/ssh-keys`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LegacyDeleted {
    pub success: bool,
    pub message: String,
}
