//! The in-memory world, and the request and reset logs.

use super::clock::{now_iso, unix_secs};
use super::seed::{default_account, Faults, Profile, Seed, SeedHostingAccount};
use super::util::{id26, mix64, uuid_like, Prng};
use super::wire::{
    ActionGate, Billing, HostingAccount, HostingSshKey, VpsBilling, VpsInstance, VpsKeyActions,
    VpsResources, VpsSshKey,
};
use hostup::ssh_key::PublicKey;
use serde::Serialize;

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
    /// When the request arrived, in milliseconds since the Unix epoch.
    pub received_at_ms: u64,
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

/// A v2 reset HostUp accepted (`POST /api/v2/vps/{id}/actions/reset-ssh-keys`), with the status
/// of its job now: `queued`, `in_progress`, `completed` or `failed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedVpsReset {
    pub vps_id: String,
    pub key_ids: Vec<String>,
    pub job_id: String,
    pub status: String,
    pub account_id: String,
    pub request_id: String,
    pub timestamp: String,
}

/// A VPS of the list, with the keyset position its cursor points into.
pub(crate) struct InstanceRec {
    pub seq: u64,
    pub account_id: String,
    pub instance: VpsInstance,
}

/// A v2 reset's job: polled `polls` times so far; ends after `polls_needed`.
pub(crate) struct Job {
    pub id: String,
    pub account_id: String,
    pub polls: u32,
    pub polls_needed: u32,
    /// `Some(message)`: the job ends `failed` with it.
    pub fails_with: Option<String>,
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
    /// Insertion sequence number: the keyset the account list's cursor points into.
    pub seq: u64,
    pub id: String,
    pub account_id: String,
    pub ssh_command: String,
    pub can_add: ActionGate,
    pub keys: Vec<HostingKeyRec>,
    /// The account list's fields.
    pub account: HostingAccount,
}

/// A key on a shared-hosting account: as listed, its real fingerprint (the list may withhold
/// it) and whether it is in the account's authorized keys.
pub(crate) struct HostingKeyRec {
    pub listed: HostingSshKey,
    pub fingerprint: String,
    pub authorized: bool,
}

impl HostingKeyRec {
    pub fn new(id: String, name: &str, pk: &PublicKey, authorized: bool) -> Self {
        HostingKeyRec {
            listed: hosting_key(id, name, pk),
            fingerprint: pk.fingerprint(),
            authorized,
        }
    }
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
    pub instances: Vec<InstanceRec>,
    pub jobs: Vec<Job>,
    pub vps_resets: Vec<RecordedVpsReset>,
    pub requests: Vec<RecordedRequest>,
    /// The order number of each entry of `requests` (ascending; see [`State::record`]).
    request_order: Vec<u64>,
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
    order_counter: u64,
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
            instances: vec![],
            jobs: vec![],
            vps_resets: vec![],
            requests: vec![],
            request_order: vec![],
            rng: Prng::new(seed.faults.seed),
            profile: seed.profile,
            faults: seed.faults,
            cursor_secret: mix64(unix_secs() ^ std::process::id() as u64),
            default_account,
            next_seq: 1,
            next_display: 2830,
            id_counter: 0,
            req_counter: 0,
            order_counter: 0,
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
            let account = h
                .account_id
                .clone()
                .unwrap_or_else(|| st.default_account.clone());
            let seq = st.next_seq;
            st.next_seq += 1;
            let listed = hosting_account(&h, seq)
                .map_err(|e| format!("seed hostingAccounts[{i}] ({}): {e}", h.id))?;
            let mut rec = HostingRec {
                seq,
                ssh_command: h
                    .ssh_command
                    .unwrap_or_else(|| format!("ssh u{account}@web01.hostup.se")),
                id: h.id,
                account_id: account,
                can_add: h.can_add.unwrap_or_else(ActionGate::allow),
                keys: vec![],
                account: listed,
            };
            for (j, k) in h.ssh_keys.into_iter().enumerate() {
                let pk = PublicKey::parse(&k.public_key)
                    .map_err(|e| format!("seed hostingAccounts[{i}].sshKeys[{j}]: {e}"))?;
                let id = k.id.unwrap_or_else(|| st.new_key_id());
                let mut key = HostingKeyRec::new(id, &k.name, &pk, true);
                if k.withhold_public_key {
                    key.listed.public_key = None;
                }
                if k.withhold_fingerprint {
                    key.listed.fingerprint = None;
                }
                rec.keys.push(key);
            }
            st.hosting.push(rec);
        }
        for (i, v) in seed.vps_instances.into_iter().enumerate() {
            if !v.id.starts_with("vps_") {
                return Err(format!(
                    "seed vpsInstances[{i}]: id \"{}\" must start with vps_",
                    v.id
                ));
            }
            let seq = st.next_seq;
            st.next_seq += 1;
            st.instances.push(InstanceRec {
                seq,
                account_id: v.account_id.unwrap_or_else(|| st.default_account.clone()),
                instance: VpsInstance {
                    id: v.id,
                    name: v.name,
                    primary_ip: v.primary_ip,
                    service_status: v.service_status,
                    power_state: v.power_state,
                    operating_system: v.operating_system,
                    billing: v.billing.unwrap_or_else(|| VpsBilling {
                        amount: 99.0,
                        currency_code: "SEK".into(),
                        billing_cycle: "monthly".into(),
                        is_payg: false,
                    }),
                    resources: v.resources.unwrap_or(VpsResources {
                        cpu_cores: 2,
                        memory_gb: 4.0,
                        storage_gb: 80.0,
                    }),
                },
            });
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

    /// `job_` + 26 characters.
    pub fn new_job_id(&mut self) -> String {
        self.id_counter += 1;
        format!("job_{}", id26(self.id_counter, ID_SALT ^ 0x10b))
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

    /// The next order number: a route handler takes one under the same lock as its change to the
    /// world, so the log can list requests in the order they changed it.
    pub fn next_order(&mut self) -> u64 {
        self.order_counter += 1;
        self.order_counter
    }

    /// Log a request: at its handler's order number, or (a reply no handler decided: 404, 405,
    /// 413, a fault, an absent route; none touched the world) at the end. Entries are logged once
    /// the reply is complete, so concurrent requests would otherwise be listed as they finished.
    pub fn record(&mut self, order: Option<u64>, entry: RecordedRequest) {
        let order = order.unwrap_or_else(|| self.next_order());
        let at = self.request_order.partition_point(|&o| o < order);
        self.requests.insert(at, entry);
        self.request_order.insert(at, order);
    }

    pub fn clear_requests(&mut self) {
        self.requests.clear();
        self.request_order.clear();
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

    /// Consume one pending "the import is not authorized" if any.
    pub fn take_unauthorized(&mut self) -> bool {
        if self.faults.unauthorized_imports > 0 {
            self.faults.unauthorized_imports -= 1;
            true
        } else {
            false
        }
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

/// The published statuses of a shared-hosting account.
pub(crate) const SERVICE_STATUSES: &[&str] = &[
    "active",
    "pending",
    "suspended",
    "cancelled",
    "terminated",
    "expired",
    "fraud",
    "unknown",
];

/// A seeded account as the account list shows it (the defaults of `hostup-mock --help`).
fn hosting_account(h: &SeedHostingAccount, seq: u64) -> Result<HostingAccount, String> {
    let status = h.service_status.clone().unwrap_or_else(|| "active".into());
    if !SERVICE_STATUSES.contains(&status.as_str()) {
        return Err(format!(
            "serviceStatus \"{status}\" is not one of {}",
            SERVICE_STATUSES.join(", ")
        ));
    }
    let primary = h
        .primary_domain
        .clone()
        .unwrap_or_else(|| format!("{}.example.com", h.id.to_lowercase()));
    Ok(HostingAccount {
        id: h.id.clone(),
        name: h
            .name
            .clone()
            .or_else(|| h.custom_name.clone())
            .unwrap_or_else(|| primary.clone()),
        domains: h.domains.clone().unwrap_or_else(|| vec![primary.clone()]),
        primary_domain: Some(primary),
        custom_name: h.custom_name.clone(),
        service_status: status,
        billing: Billing {
            amount: 99.0 + seq as f64,
            currency_code: "SEK".into(),
            billing_cycle: "monthly".into(),
        },
        created_at: Some("2025-01-15T09:30:00.000Z".into()),
        next_due_at: Some("2026-01-15T00:00:00.000Z".into()),
        expires_at: None,
    })
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
