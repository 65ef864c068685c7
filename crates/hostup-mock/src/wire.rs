//! The mock's own wire types: the JSON it sends and the request bodies it accepts, written from
//! HostUp's API description (CONTRACT.md and HostUp's reference pages), not shared with the
//! provider's client models. Were they shared, a field the client misnames would be misnamed here
//! too and every test would still pass; `crates/hostup-mock/tests/mock_http/contract.rs` holds
//! these shapes against the documentation instead.
//!
//! Nullable fields are `Option`s serialized as `null`; optional ones are skipped when absent.
//! Deserialize is derived for the seed (gates) and for the mock's own tests.

use serde::{Deserialize, Serialize};

/// Longest key `name`, in characters, accepted on create, rename and import. HostUp publishes no
/// limit; 255 is this project's bound (the provider's plan-time check uses the same figure).
pub const MAX_NAME_LEN: usize = 255;

// ---- v2: VPS account keys -----------------------------------------------------------------------

/// `actions.canRename` / `canDelete` / `canAdd`: whether an action is allowed and why not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionGate {
    pub allowed: bool,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl ActionGate {
    pub fn allow() -> Self {
        ActionGate {
            allowed: true,
            reason: None,
            code: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsKeyActions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_rename: Option<ActionGate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_delete: Option<ActionGate>,
}

/// A VPS key as listed, renamed and created (the mock always fills `actions`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsSshKey {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_id: Option<String>,
    pub name: String,
    pub public_key: String,
    pub fingerprint: Option<String>,
    pub key_type: Option<String>,
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<VpsKeyActions>,
}

/// One page of `GET /api/v2/ssh-keys`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsKeyPage {
    pub data: Vec<VpsSshKey>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

/// Body of `POST /api/v2/ssh-keys` and of the hosting import: `{name, publicKey}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NameAndKey {
    pub name: String,
    pub public_key: String,
}

/// Body of `PATCH /api/v2/ssh-keys/{id}`: the name only.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    pub name: String,
}

// ---- v2: shared-hosting keys --------------------------------------------------------------------

/// A key on a shared-hosting account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostingSshKey {
    pub id: String,
    pub name: String,
    pub fingerprint: Option<String>,
    #[serde(rename = "type")]
    pub key_type: Option<String>,
    pub bits: Option<i64>,
    pub comment: Option<String>,
    pub public_key: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostingActions {
    pub can_add: ActionGate,
}

/// `GET /api/v2/shared-hosting/{accountId}/ssh-keys`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostingKeyList {
    pub ssh_keys: Vec<HostingSshKey>,
    pub ssh_command: Option<String>,
    pub actions: HostingActions,
}

/// 201 reply of the hosting import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedHostingKey {
    pub id: String,
    pub name: String,
    pub fingerprint: Option<String>,
    pub imported: bool,
    pub authorized: bool,
}

/// 200 reply of `POST …/ssh-keys/{fingerprint}/actions/authorize`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizedHostingKey {
    pub name: String,
    pub fingerprint: Option<String>,
    pub authorized: bool,
}

// ---- v2: shared-hosting accounts ----------------------------------------------------------------

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Billing {
    pub amount: f64,
    pub currency_code: String,
    pub billing_cycle: String,
}

/// One account of `GET /api/v2/shared-hosting`, with the published fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostingAccount {
    pub id: String,
    pub name: String,
    pub primary_domain: Option<String>,
    pub domains: Vec<String>,
    pub custom_name: Option<String>,
    pub service_status: String,
    pub billing: Billing,
    pub created_at: Option<String>,
    pub next_due_at: Option<String>,
    pub expires_at: Option<String>,
}

/// One page of `GET /api/v2/shared-hosting`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostingAccountPage {
    pub data: Vec<HostingAccount>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

// ---- v2: VPS instances and the v2 key reset -------------------------------------------------

/// `operatingSystem` of a VPS.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatingSystem {
    pub display_name: Option<String>,
    pub family: Option<String>,
    pub version: Option<String>,
    pub variant: Option<String>,
}

/// `billing` of a VPS.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsBilling {
    pub amount: f64,
    pub currency_code: String,
    pub billing_cycle: String,
    pub is_payg: bool,
}

/// `resources` of a VPS.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsResources {
    pub cpu_cores: i64,
    pub memory_gb: f64,
    pub storage_gb: f64,
}

/// One item of `GET /api/v2/vps` (published).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsInstance {
    pub id: String,
    pub name: String,
    pub primary_ip: Option<String>,
    pub service_status: String,
    pub power_state: Option<String>,
    pub operating_system: Option<OperatingSystem>,
    pub billing: VpsBilling,
    pub resources: VpsResources,
}

/// One page of `GET /api/v2/vps`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsInstancePage {
    pub data: Vec<VpsInstance>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

/// A background operation (inferred from HostUp's other v2 VPS actions).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// `pending`, `queued`, `in_progress`, `completed` or `failed`.
    pub status: String,
    pub job_id: String,
    pub poll_url: String,
    /// `null` until the job ends; then `{message}`.
    pub result: Option<OperationResult>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationResult {
    pub message: String,
}

/// `{ "operation": {...} }`: the 202 of the v2 reset and every reply of its poll URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationReply {
    pub operation: Operation,
}

// ---- v1: VM key reset ---------------------------------------------------------------------------

/// Body of `POST /api/vm/{vmid}/reset-ssh-keys`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResetVmKeys {
    pub key_ids: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
    pub success: bool,
    pub timestamp: String,
    pub request_id: String,
    pub data: ResetVmKeysData,
}

// ---- Error envelopes ----------------------------------------------------------------------------

/// A field-level validation error in a problem document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub pointer: String,
    pub detail: String,
    pub code: String,
}

/// RFC 7807 problem document (v2 errors). `errors` is sent only when there are some; the mock
/// never sends `extensions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: Option<String>,
    pub title: Option<String>,
    pub status: Option<u16>,
    pub detail: Option<String>,
    pub code: Option<String>,
    pub instance: Option<String>,
    pub request_id: Option<String>,
    pub timestamp: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The v1 error envelope (VM reset and the older `/api/ssh-keys`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct V1Error {
    pub code: Option<String>,
    pub error: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub timestamp: Option<String>,
}

// ---- The older account-key operations (`/api/ssh-keys`, v1 envelopes, snake_case) ---------------

/// The v1 success envelope `{ success, timestamp, requestId, data }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V1Envelope<T> {
    pub success: bool,
    pub timestamp: String,
    pub request_id: String,
    pub data: T,
}

/// A key in the older view: a numeric id and the MD5 fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyKey {
    pub id: i64,
    pub client_id: Option<String>,
    pub name: String,
    /// The OpenSSH public key line.
    pub key: String,
    /// MD5, colon-separated hex.
    pub fingerprint: Option<String>,
}

/// `data` of `GET /api/ssh-keys`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyKeyList {
    pub ssh_keys: Vec<LegacyKey>,
}

/// Body of `POST /api/ssh-keys`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
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
    pub success: bool,
    pub ssh_key: LegacyKey,
    pub call: Option<String>,
    pub server_time: Option<i64>,
    pub info: Vec<String>,
}

/// Body of `DELETE /api/ssh-keys` (the parameter is inferred: the published page lists none).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyDeleteKey {
    pub id: i64,
}

/// `data` of `DELETE /api/ssh-keys`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyDeleted {
    pub success: bool,
    pub message: String,
}
