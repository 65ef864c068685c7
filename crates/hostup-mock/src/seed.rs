//! The seed (the initial world, from JSON or built in code) and the fault configuration: the
//! mock's public configuration types, as `hostup-mock --help` describes them.

use super::fixtures::{
    ACCOUNT_ID, EXAMPLE_KEY, EXAMPLE_KEY_ID, EXAMPLE_KEY_NAME, HOSTING_ACCOUNT_ID, HOSTING_DOMAIN,
    TOKEN, VMID, VPS_ID, VPS_IP, VPS_NAME,
};
use super::wire::{ActionGate, FieldError, OperatingSystem, VpsBilling, VpsResources};
use serde::{Deserialize, Serialize};

/// Every scope the mock checks. A hosting key route needs two: its hosting scope and
/// `console:services` (HostUp's HTML pages run them together as `read:hostingconsole:services`).
pub const ALL_SCOPES: &[&str] = &[
    "read:vm",
    "write:account",
    "read:hosting",
    "write:hosting",
    "console:services",
    // The v2 reset's scope is inferred (CONTRACT.md): HostUp's other v2 VPS actions take it.
    "power:vm",
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
    pub vps_instances: Vec<SeedVpsInstance>,
    pub faults: Faults,
    pub profile: Profile,
    /// A rate limit per API key (none by default).
    pub rate_limit: Option<RateLimit>,
}

/// Which operations the mock serves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Every operation of CONTRACT.md, the inferred ones included.
    #[default]
    Complete,
    /// A server without the v2 VPS key writes (`POST /api/v2/ssh-keys`, `DELETE
    /// /api/v2/ssh-keys/{id}`), as some HostUp deployments (and HostUp before they were named in
    /// its reference) are: VPS keys are added and deleted through the legacy `/api/ssh-keys`.
    /// Not "HostUp as published": the reference names both operations.
    LegacyKeyWrites,
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "complete" => Ok(Profile::Complete),
            "legacy-key-writes" => Ok(Profile::LegacyKeyWrites),
            // The old name claimed this was HostUp as published; it is not (CONTRACT.md).
            "published" => Err(
                "the profile \"published\" is now \"legacy-key-writes\": a server \
                 without the v2 VPS key add and delete (HostUp's reference names both)"
                    .into(),
            ),
            other => Err(format!(
                "unknown profile \"{other}\" (expected complete or legacy-key-writes)"
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
                primary_domain: Some(HOSTING_DOMAIN.into()),
                ..SeedHostingAccount::default()
            }],
            vms: vec![SeedVm {
                vmid: VMID,
                account_id: Some(ACCOUNT_ID.into()),
            }],
            vps_instances: vec![SeedVpsInstance {
                id: VPS_ID.into(),
                name: VPS_NAME.into(),
                primary_ip: Some(VPS_IP.into()),
                account_id: Some(ACCOUNT_ID.into()),
                ..SeedVpsInstance::default()
            }],
            faults: Faults::default(),
            profile: Profile::default(),
            rate_limit: None,
        }
    }
}

impl Seed {
    /// The world `hostup-mock` serves without `--seed`: the default world (which the tests start
    /// from) and one VPS key, so that every example in `examples/` runs against it as written.
    pub fn example() -> Seed {
        let mut seed = Seed::default();
        seed.vps_keys.push(SeedVpsKey {
            name: EXAMPLE_KEY_NAME.into(),
            public_key: EXAMPLE_KEY.into(),
            id: Some(EXAMPLE_KEY_ID.into()),
            ..SeedVpsKey::default()
        });
        seed
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

#[derive(Clone, Debug, Default, Deserialize)]
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
    /// The account list's `name`; defaults to `customName`, else the primary domain, else the id.
    #[serde(default)]
    pub name: Option<String>,
    /// Defaults to `<id>.example.com`.
    #[serde(default)]
    pub primary_domain: Option<String>,
    /// Defaults to the primary domain alone.
    #[serde(default)]
    pub domains: Option<Vec<String>>,
    #[serde(default)]
    pub custom_name: Option<String>,
    /// One of `active`, `pending`, `suspended`, `cancelled`, `terminated`, `expired`, `fraud`,
    /// `unknown`; defaults to `active`.
    #[serde(default)]
    pub service_status: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedHostingKey {
    pub name: String,
    pub public_key: String,
    #[serde(default)]
    pub id: Option<String>,
    /// List the key with `publicKey: null`, as the contract allows HostUp to.
    #[serde(default)]
    pub withhold_public_key: bool,
    /// List the key with `fingerprint: null` (the mock still removes it by its real one).
    #[serde(default)]
    pub withhold_fingerprint: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedVm {
    pub vmid: u64,
    #[serde(default)]
    pub account_id: Option<String>,
}

fn active() -> String {
    "active".into()
}

fn running() -> Option<String> {
    Some("running".into())
}

/// A VPS of `GET /api/v2/vps`. `serviceStatus` defaults to `active`, `powerState` to `running`
/// (`null` is kept: HostUp may report none), the rest to small plain values.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedVpsInstance {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub primary_ip: Option<String>,
    #[serde(default = "active")]
    pub service_status: String,
    #[serde(default = "running")]
    pub power_state: Option<String>,
    #[serde(default)]
    pub operating_system: Option<OperatingSystem>,
    #[serde(default)]
    pub billing: Option<VpsBilling>,
    #[serde(default)]
    pub resources: Option<VpsResources>,
    /// Defaults to the first token's account.
    #[serde(default)]
    pub account_id: Option<String>,
}

impl Default for SeedVpsInstance {
    fn default() -> Self {
        SeedVpsInstance {
            id: String::new(),
            name: String::new(),
            primary_ip: None,
            service_status: active(),
            power_state: running(),
            operating_system: None,
            billing: None,
            resources: None,
            account_id: None,
        }
    }
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
    /// The next N hosting imports reply `authorized: false`: the key is on the account but not in
    /// its authorized keys until `POST …/ssh-keys/{fingerprint}/actions/authorize`.
    pub unauthorized_imports: u32,
    pub forced_errors: Vec<ForcedError>,
    /// 200 replies that break the API contract (after forced errors, before random faults).
    pub broken_replies: Vec<BrokenReply>,
    /// The next N v2 reset jobs end `failed` (with [`Faults::reset_failure_message`]).
    pub fail_reset_jobs: u32,
    /// `result.message` of a failed reset job; empty: "The SSH key reset failed.".
    pub reset_failure_message: String,
    /// How many polls a v2 reset job takes to end (0: 2, i.e. `in_progress`, then the end).
    pub reset_job_polls: u32,
    /// `GET /api/v2/vps` ignores its `name` and `primaryIp` filters (a server that lacks them).
    pub ignore_vps_filters: bool,
    /// Sent as every reset job's `pollUrl` instead of `/api/jobs/{jobId}` (e.g. another host's
    /// URL), when not empty.
    pub reset_poll_url: String,
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

/// `"rateLimit": {"limit": 20, "windowSecs": 1}` in the seed, `--rate-limit 20/s` on the
/// command line: at most `limit` requests per key in each window of `windowSecs` seconds
/// (windows start at whole multiples of `windowSecs` since the Unix epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimit {
    pub limit: u32,
    #[serde(default = "one")]
    pub window_secs: u32,
}

impl std::str::FromStr for RateLimit {
    type Err = String;
    /// `N/s`, `N/m`, or `N/Ss` (per S seconds).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a rate like 20/s, 600/m or 100/10s");
        let (n, per) = s.split_once('/').ok_or_else(bad)?;
        let limit: u32 = n.trim().parse().map_err(|_| bad())?;
        let window_secs = match per.trim() {
            "s" => 1,
            "m" => 60,
            other => other
                .strip_suffix('s')
                .and_then(|w| w.parse::<u32>().ok())
                .ok_or_else(bad)?,
        };
        if limit == 0 || window_secs == 0 {
            return Err(format!("{}: limit and window must be above 0", bad()));
        }
        Ok(RateLimit { limit, window_secs })
    }
}
