//! The seed (the initial world, from JSON or built in code) and the fault configuration: the
//! mock's public configuration types, as `hostup-mock --help` describes them.

use super::fixtures::{ACCOUNT_ID, HOSTING_ACCOUNT_ID, TOKEN, VMID};
use super::wire::{ActionGate, FieldError};
use serde::{Deserialize, Serialize};

pub const ALL_SCOPES: &[&str] = &[
    "read:vm",
    "write:account",
    "read:hostingconsole:services",
    "write:hostingconsole:services",
];

/// The initial world. Every field is optional in JSON; a missing field keeps the default world's
/// value (so `{"vpsKeys": [...]}` still gets the default token, hosting account and VM).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Seed {
    pub tokens: Vec<SeedToken>,
    pub vps_keys: Vec<SeedVpsKey>,
    pub hosting_accounts: Vec<SeedHostingAccount>,
    pub vms: Vec<SeedVm>,
    pub faults: Faults,
    pub profile: Profile,
    /// A rate limit per API key (none by default).
    pub rate_limit: Option<super::ratelimit::RateLimit>,
}

/// Which operations the mock serves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Every operation of CONTRACT.md, the inferred ones included.
    #[default]
    Complete,
    /// Only what HostUp's reference publishes: no v2 VPS add or delete, no hosting remove.
    Published,
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "complete" => Ok(Profile::Complete),
            "published" => Ok(Profile::Published),
            other => Err(format!(
                "unknown profile \"{other}\" (expected complete or published)"
            )),
        }
    }
}

impl Default for Seed {
    fn default() -> Self {
        Seed {
            tokens: vec![SeedToken {
                token: TOKEN.into(),
                scopes: ALL_SCOPES.iter().map(|s| s.to_string()).collect(),
                account_id: ACCOUNT_ID.into(),
            }],
            vps_keys: vec![],
            hosting_accounts: vec![SeedHostingAccount {
                id: HOSTING_ACCOUNT_ID.into(),
                account_id: Some(ACCOUNT_ID.into()),
                ssh_command: Some(format!("ssh u{ACCOUNT_ID}@web01.hostup.se")),
                can_add: Some(ActionGate::allow()),
                ssh_keys: vec![],
            }],
            vms: vec![SeedVm {
                vmid: VMID,
                account_id: Some(ACCOUNT_ID.into()),
            }],
            faults: Faults::default(),
            profile: Profile::default(),
            rate_limit: None,
        }
    }
}

pub(crate) fn default_account() -> String {
    ACCOUNT_ID.into()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedToken {
    pub token: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default = "default_account")]
    pub account_id: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedVpsKey {
    pub name: String,
    pub public_key: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub display_id: Option<String>,
    /// Defaults to the first token's account.
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub can_rename: Option<ActionGate>,
    #[serde(default)]
    pub can_delete: Option<ActionGate>,
    #[serde(default)]
    pub last_used_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedHostingAccount {
    pub id: String,
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub ssh_command: Option<String>,
    #[serde(default)]
    pub can_add: Option<ActionGate>,
    #[serde(default)]
    pub ssh_keys: Vec<SeedHostingKey>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedHostingKey {
    pub name: String,
    pub public_key: String,
    #[serde(default)]
    pub id: Option<String>,
    /// List the key with `publicKey: null`, as the contract allows HostUp to.
    #[serde(default)]
    pub withhold_public_key: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedVm {
    pub vmid: u64,
    #[serde(default)]
    pub account_id: Option<String>,
}

/// Fault injection. Random faults use a PRNG seeded from `seed`, so runs are reproducible.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Faults {
    /// Probability (0..1) that an /api request gets a 429.
    pub rate429: f64,
    /// Probability (0..1) that an /api request gets a 500.
    pub rate5xx: f64,
    /// Added to every /api request before it is answered.
    pub latency_ms: u64,
    /// Sent in `Retry-After` on injected 429s; `X-RateLimit-Reset` is that far ahead.
    pub retry_after_secs: u64,
    /// Injected 429s carry no `Retry-After`, only the ISO `X-RateLimit-Reset`.
    pub omit_retry_after: bool,
    /// The next N creates (VPS key POST, hosting import) commit, then close the connection unanswered.
    pub drop_create_replies: u32,
    pub forced_errors: Vec<ForcedError>,
    /// 200 replies that break the API contract (after forced errors, before random faults).
    pub broken_replies: Vec<BrokenReply>,
    pub seed: u64,
}

fn one() -> u32 {
    1
}

/// Make the next `count` requests on `route` ("METHOD /template") fail with `status`. (`Default`
/// is for struct literals in code; it has `count: 0`, where JSON defaults to 1.)
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForcedError {
    pub route: String,
    pub status: u16,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default = "one")]
    pub count: u32,
    /// Answer with an HTML gateway page instead of the route's JSON envelope.
    #[serde(default)]
    pub html: bool,
    /// The envelope's `title` (v2) or `error` (v1) instead of the status's; empty: the status's.
    #[serde(default)]
    pub title: String,
    /// Field errors of the v2 problem document (`errors`).
    #[serde(default)]
    pub errors: Vec<FieldError>,
    /// Sent as the `Location` header (for a forced 3xx) when not empty.
    #[serde(default)]
    pub location: String,
}

/// Make the next `count` requests on `route` ("METHOD /template") answer 200 with a body that
/// breaks the contract in the way `shape` says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BrokenReply {
    pub route: String,
    pub shape: BrokenShape,
    #[serde(default = "one")]
    pub count: u32,
}

/// How a [`BrokenReply`] breaks the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BrokenShape {
    /// `200 {}`: no list, no `hasMore`, no `actions`. Nothing is carried out.
    EmptyObject,
    /// The route's real reply (the request is carried out), with `hasMore: true` and
    /// `nextCursor: null`: a page that says there is more but not where (list routes).
    HasMoreWithoutCursor,
    /// The v1 reset answered `200 {"success": false, "data": {"success": false, "message":
    /// "Failed to reset SSH keys"}}`. No reset is carried out or recorded.
    SuccessFalse,
    /// As `successFalse`, but only `data.success` is false (the outer `success` is true).
    InnerSuccessFalse,
    /// `200 {"data": [], "hasMore": true, "nextCursor": "<new every time>"}`: a list that never
    /// ends (with a large `count`). Nothing is carried out.
    EndlessList,
    /// The route's real reply (the request is carried out) without its `id`: a create whose
    /// answer cannot be decoded although the key was made (create routes).
    WithoutId,
    /// The first page again, whatever the cursor (the request's cursor is ignored), with
    /// `hasMore: true` and a new cursor: a list that repeats its keys across pages.
    RepeatedPage,
    /// `200`, `application/json`, whose body is one JSON string of [`HUGE_REPLY_BYTES`]: far past
    /// what a client should read of a reply. Nothing is carried out.
    HugeString,
}

/// The size of the [`BrokenShape::HugeString`] body: four times the provider's 8 MiB cap.
pub const HUGE_REPLY_BYTES: usize = 32 << 20;
