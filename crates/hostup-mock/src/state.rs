//! Seed format, fault configuration, the request/reset logs and the in-memory world.

use super::clock::{now_iso, unix_secs};
use super::fixtures::{ACCOUNT_ID, HOSTING_ACCOUNT_ID, TOKEN, VMID};
use super::util::{id26, mix64, uuid_like, Prng};
use super::wire::{ActionGate, HostingSshKey, VpsKeyActions, VpsSshKey};
use hostup::ssh_key::PublicKey;
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
        }
    }
}

fn default_account() -> String {
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
    /// Sent in `Retry-After` on injected 429s.
    pub retry_after_secs: u64,
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

/// Make the next `count` requests on `route` ("METHOD /template") fail with `status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// One /api request as the mock saw it (admin endpoints are not logged).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    pub method: String,
    /// "METHOD /template" form is `method + " " + route`; `route` is the template, e.g.
    /// `/api/v2/ssh-keys/{id}` (the raw path for unknown routes).
    pub route: String,
    pub path: String,
    pub query: Option<String>,
    pub status: u16,
    /// Lowercase names; `authorization` and `x-api-key` values are `<redacted>`.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// `429`, `5xx`, `drop`, `forced` or `broken` when a fault was injected.
    pub fault: Option<String>,
    /// The request id the mock answered with (header `X-Request-Id` and the error envelopes).
    pub request_id: String,
}

impl RecordedRequest {
    /// The "METHOD /template" key used by `MockServer::count`.
    pub fn route_key(&self) -> String {
        format!("{} {}", self.method, self.route)
    }
}

/// A successful v1 VM SSH key reset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedReset {
    pub vmid: u64,
    /// As sent by the client (ids or displayIds).
    pub key_ids: Vec<String>,
    pub account_id: String,
    pub request_id: String,
    pub timestamp: String,
    pub used_x_api_key: bool,
}

pub(crate) struct Token {
    pub token: String,
    pub scopes: Vec<String>,
    pub account_id: String,
}

pub(crate) struct VpsRec {
    /// Insertion sequence number: the keyset the list cursor points into.
    pub seq: u64,
    /// The numeric id of the older `/api/ssh-keys` view.
    pub legacy_id: i64,
    pub account_id: String,
    /// Always carries `actions` with both gates.
    pub key: VpsSshKey,
}

pub(crate) struct HostingRec {
    pub id: String,
    pub account_id: String,
    pub ssh_command: String,
    pub can_add: ActionGate,
    pub keys: Vec<HostingSshKey>,
}

pub(crate) struct Vm {
    pub vmid: u64,
    pub account_id: String,
}

pub(crate) struct State {
    pub tokens: Vec<Token>,
    pub vps: Vec<VpsRec>,
    pub hosting: Vec<HostingRec>,
    pub vms: Vec<Vm>,
    pub resets: Vec<RecordedReset>,
    pub requests: Vec<RecordedRequest>,
    pub faults: Faults,
    pub profile: Profile,
    pub rng: Prng,
    pub default_account: String,
    /// Keys the cursor check value so cursors cannot be forged by hand.
    pub cursor_secret: u64,
    next_seq: u64,
    next_display: u64,
    id_counter: u64,
    req_counter: u64,
}

const ID_SALT: u64 = 0x5eed_0f55_4be7;
const REQ_SALT: u64 = 0x0123_4567_89ab_cdef;

impl State {
    pub fn from_seed(seed: Seed) -> Result<State, String> {
        let default_account = seed
            .tokens
            .first()
            .map(|t| t.account_id.clone())
            .unwrap_or_else(default_account);
        let mut st = State {
            tokens: seed
                .tokens
                .into_iter()
                .map(|t| Token {
                    token: t.token,
                    scopes: t.scopes,
                    account_id: t.account_id,
                })
                .collect(),
            vps: vec![],
            hosting: vec![],
            vms: vec![],
            resets: vec![],
            requests: vec![],
            rng: Prng::new(seed.faults.seed),
            profile: seed.profile,
            faults: seed.faults,
            cursor_secret: mix64(unix_secs() ^ std::process::id() as u64),
            default_account,
            next_seq: 1,
            next_display: 2830,
            id_counter: 0,
            req_counter: 0,
        };
        for (i, k) in seed.vps_keys.into_iter().enumerate() {
            let pk = PublicKey::parse(&k.public_key)
                .map_err(|e| format!("seed vpsKeys[{i}] ({}): {e}", k.name))?;
            let account = k.account_id.unwrap_or_else(|| st.default_account.clone());
            st.add_vps_key(&account, &k.name, &pk);
            let rec = st.vps.last_mut().expect("just added");
            if let Some(id) = k.id {
                rec.key.id = id;
            }
            if k.display_id.is_some() {
                rec.key.display_id = k.display_id;
            }
            rec.key.last_used_at = k.last_used_at;
            if k.created_at.is_some() {
                rec.key.created_at = k.created_at;
            }
            rec.key.actions = Some(VpsKeyActions {
                can_rename: Some(k.can_rename.unwrap_or_else(ActionGate::allow)),
                can_delete: Some(k.can_delete.unwrap_or_else(ActionGate::allow)),
            });
        }
        for (i, h) in seed.hosting_accounts.into_iter().enumerate() {
            let account = h.account_id.unwrap_or_else(|| st.default_account.clone());
            let mut rec = HostingRec {
                ssh_command: h
                    .ssh_command
                    .unwrap_or_else(|| format!("ssh u{account}@web01.hostup.se")),
                id: h.id,
                account_id: account,
                can_add: h.can_add.unwrap_or_else(ActionGate::allow),
                keys: vec![],
            };
            for (j, k) in h.ssh_keys.into_iter().enumerate() {
                let pk = PublicKey::parse(&k.public_key)
                    .map_err(|e| format!("seed hostingAccounts[{i}].sshKeys[{j}]: {e}"))?;
                let id = k.id.unwrap_or_else(|| st.new_key_id());
                let mut key = hosting_key(id, &k.name, &pk);
                if k.withhold_public_key {
                    key.public_key = None;
                }
                rec.keys.push(key);
            }
            st.hosting.push(rec);
        }
        st.vms = seed
            .vms
            .into_iter()
            .map(|v| Vm {
                vmid: v.vmid,
                account_id: v.account_id.unwrap_or_else(|| st.default_account.clone()),
            })
            .collect();
        Ok(st)
    }

    pub fn new_key_id(&mut self) -> String {
        self.id_counter += 1;
        format!("ssh_{}", id26(self.id_counter, ID_SALT))
    }

    /// `req_` + 26 characters (v2 style).
    pub fn new_request_id(&mut self) -> String {
        self.req_counter += 1;
        format!("req_{}", id26(self.req_counter, REQ_SALT))
    }

    /// UUID-looking request id (v1 style).
    pub fn new_uuid(&mut self) -> String {
        self.req_counter += 1;
        uuid_like(self.req_counter, REQ_SALT)
    }

    /// Append a VPS key (both actions allowed) and return it.
    pub fn add_vps_key(&mut self, account: &str, name: &str, pk: &PublicKey) -> VpsSshKey {
        let id = self.new_key_id();
        let display = self.next_display;
        self.next_display += 1;
        let seq = self.next_seq;
        self.next_seq += 1;
        let key = VpsSshKey {
            id,
            display_id: Some(display.to_string()),
            name: name.to_string(),
            public_key: pk.to_line(),
            fingerprint: Some(pk.fingerprint()),
            key_type: Some(pk.key_type().to_string()),
            created_at: Some(now_iso()),
            last_used_at: None,
            actions: Some(VpsKeyActions {
                can_rename: Some(ActionGate::allow()),
                can_delete: Some(ActionGate::allow()),
            }),
        };
        self.vps.push(VpsRec {
            seq,
            legacy_id: display as i64,
            account_id: account.to_string(),
            key: key.clone(),
        });
        key
    }

    pub fn set_faults(&mut self, faults: Faults) {
        self.rng = Prng::new(faults.seed);
        self.faults = faults;
    }

    /// Set a hosting account's `canAdd` gate. False if there is no such account.
    pub fn set_can_add(&mut self, account_id: &str, gate: ActionGate) -> bool {
        match self.hosting.iter_mut().find(|h| h.id == account_id) {
            Some(h) => {
                h.can_add = gate;
                true
            }
            None => false,
        }
    }

    /// Remove a hosting account with its keys. False if there was none.
    pub fn remove_hosting_account(&mut self, account_id: &str) -> bool {
        let before = self.hosting.len();
        self.hosting.retain(|h| h.id != account_id);
        self.hosting.len() != before
    }

    /// Consume one pending "drop the create reply" if any.
    pub fn take_drop(&mut self) -> bool {
        if self.faults.drop_create_replies > 0 {
            self.faults.drop_create_replies -= 1;
            true
        } else {
            false
        }
    }
}

pub(crate) fn hosting_key(id: String, name: &str, pk: &PublicKey) -> HostingSshKey {
    HostingSshKey {
        id,
        name: name.to_string(),
        fingerprint: Some(pk.fingerprint()),
        key_type: Some(pk.algorithm().to_string()),
        bits: Some(i64::from(pk.bits())),
        comment: pk.comment().map(str::to_string),
        public_key: Some(pk.to_line()),
    }
}
