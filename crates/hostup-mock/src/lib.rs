//! Mock HostUp API server: an in-memory implementation of the operations described in
//! `docs/guides/hostup-api.md` (profiles `complete` and `legacy-key-writes`), with fault injection, a
//! request log and admin endpoints. Its JSON is built from its own types ([`wire`]), written from
//! HostUp's API description rather than shared with the provider's client, so that a field the
//! client misnames fails the tests instead of being echoed back; only the key parser
//! (`hostup::ssh_key`) is the provider's, so both compute the same fingerprints.
//!
//! Used in-process by the provider's acceptance tests and by `hostup-bench`
//! ([`MockServer::start`]), and as the `hostup-mock` binary ([`serve_forever`]). It only ever
//! listens on loopback.
//!
//! Modules, each using only those after it: `http` (the axum `Router`, the context layer) →
//! `admin` (`/__mock/...`), `layers` (request log, latency, rate limit, body cap, legacy-key-writes gate,
//! fault injection), `ratelimit` (the per-key windows), `v1` (VM key reset), `legacy` (`/api/ssh-keys`), `v2` (`vps`, `hosting`,
//! `accounts`, `cursor`,
//! `instances`: VPS list, v2 reset, jobs),
//! `faults` → `reply` (request context, envelopes, HTTP responses), `shared` (the locked world,
//! body cap), `state` (the world and logs), `seed` (seed and fault configuration), [`wire`],
//! `clock`, `util`; `tls` (the TLS mode: its CA, its certificate, the accept loop).
//! [`fixtures`] holds the default world's token and ids (the test keys are `hostup-testkit`'s).

mod admin;
mod clock;
mod faults;
pub mod fixtures;
mod http;
mod layers;
mod legacy;
mod ratelimit;
mod reply;
mod seed;
mod shared;
mod state;
mod tls;
mod util;
mod v1;
mod v2;
pub mod wire;

pub use seed::{
    BrokenReply, BrokenShape, Faults, ForcedError, Profile, RateLimit, Seed, SeedHostingAccount,
    SeedHostingKey, SeedToken, SeedVm, SeedVpsInstance, SeedVpsKey, HUGE_REPLY_BYTES,
};
pub use state::{RecordedRequest, RecordedReset, RecordedVpsReset};
pub use tls::{Leaf, WRONG_NAME};
pub use wire::{ActionGate, FieldError, HostingSshKey, VpsKeyActions, VpsSshKey};

use hostup::ssh_key::PublicKey;
use shared::Shared;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A running mock server on its own thread and tokio runtime. Dropping it shuts it down.
pub struct MockServer {
    addr: SocketAddr,
    /// In TLS mode, the PEM of the mock's own CA.
    ca_pem: Option<String>,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Start on `127.0.0.1:<free port>`. Panics only if the seed is invalid or no port can be
    /// bound (a broken test setup, not client input); see [`MockServer::try_start`].
    pub fn start(seed: Seed) -> MockServer {
        let listen = SocketAddr::from(([127, 0, 0, 1], 0));
        MockServer::try_start(seed, listen).unwrap_or_else(|e| panic!("hostup mock: {e}"))
    }

    /// Start in TLS mode on `127.0.0.1:<free port>`: `https://` [`MockServer::url`], a leaf
    /// certificate of the given kind signed by a CA generated now ([`MockServer::ca_pem`]).
    pub fn start_tls(seed: Seed, leaf: Leaf) -> MockServer {
        let listen = SocketAddr::from(([127, 0, 0, 1], 0));
        MockServer::try_start_with(seed, listen, Some(leaf))
            .unwrap_or_else(|e| panic!("hostup mock: {e}"))
    }

    /// Start on `listen` (must be a loopback address). Returns once the socket is listening.
    pub fn try_start(seed: Seed, listen: SocketAddr) -> Result<MockServer, String> {
        MockServer::try_start_with(seed, listen, None)
    }

    /// Start on `listen`, over plain HTTP or, with a leaf kind, in TLS mode.
    pub fn try_start_with(
        seed: Seed,
        listen: SocketAddr,
        tls: Option<Leaf>,
    ) -> Result<MockServer, String> {
        if !listen.ip().is_loopback() {
            return Err(format!(
                "refusing to listen on {listen}: the mock only listens on loopback (127.0.0.1 or ::1)"
            ));
        }
        let rate_limit = seed.rate_limit;
        let state = state::State::from_seed(seed)?;
        let identity = tls.map(tls::generate).transpose()?;
        let ca_pem = identity.as_ref().map(|i| i.ca_pem.clone());
        let shared = Arc::new(Shared::new(state, rate_limit));
        // Bind on the caller's thread so the port is accepting connections when we return.
        let listener = std::net::TcpListener::bind(listen)
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot configure listener: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot read listener address: {e}"))?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
        let app = http::router(shared.clone());
        let thread = std::thread::Builder::new()
            .name("hostup-mock".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("cannot start runtime: {e}")));
                        return;
                    }
                };
                rt.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(format!("cannot register listener: {e}")));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    match identity {
                        None => tokio::select! {
                            _ = axum::serve(listener, app) => {}
                            _ = rx => {}
                        },
                        Some(id) => tokio::select! {
                            _ = tls::serve(listener, id.acceptor, app) => {}
                            _ = rx => {}
                        },
                    }
                });
                // Abort open connections instead of waiting for idle keep-alives.
                rt.shutdown_timeout(Duration::from_millis(200));
            })
            .map_err(|e| format!("cannot spawn server thread: {e}"))?;
        ready_rx
            .recv()
            .map_err(|_| "server thread exited during startup".to_string())??;
        Ok(MockServer {
            addr,
            ca_pem,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, or `https://` in TLS mode.
    pub fn url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// In TLS mode, the PEM of the CA that signed the mock's certificate.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Every account's VPS keys, in insertion order, with their actions.
    pub fn vps_keys(&self) -> Vec<VpsSshKey> {
        self.shared
            .lock()
            .vps
            .iter()
            .map(|r| r.key.clone())
            .collect()
    }

    /// The keys on a shared-hosting account (empty if the account is unknown).
    pub fn hosting_keys(&self, account_id: &str) -> Vec<HostingSshKey> {
        self.shared
            .lock()
            .hosting
            .iter()
            .find(|h| h.id == account_id)
            .map(|h| h.keys.iter().map(|k| k.listed.clone()).collect())
            .unwrap_or_default()
    }

    /// Whether each key of a shared-hosting account is in its authorized keys, by key id.
    pub fn hosting_key_authorized(&self, account_id: &str) -> Vec<(String, bool)> {
        self.shared
            .lock()
            .hosting
            .iter()
            .find(|h| h.id == account_id)
            .map(|h| {
                h.keys
                    .iter()
                    .map(|k| (k.listed.id.clone(), k.authorized))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Remove a key from a shared-hosting account out of band. False if there was none.
    pub fn remove_hosting_key(&self, account_id: &str, key_id: &str) -> bool {
        let mut st = self.shared.lock();
        let Some(h) = st.hosting.iter_mut().find(|h| h.id == account_id) else {
            return false;
        };
        let before = h.keys.len();
        h.keys.retain(|k| k.listed.id != key_id);
        h.keys.len() != before
    }

    /// Every /api request so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Requests on `route` ("METHOD /template", e.g. "PATCH /api/v2/ssh-keys/{id}").
    pub fn count(&self, route: &str) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.route_key() == route)
            .count()
    }

    /// Number of non-GET /api requests.
    pub fn write_count(&self) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.method != "GET" && r.method != "HEAD")
            .count()
    }

    pub fn clear_requests(&self) {
        self.shared.lock().clear_requests();
    }

    /// Replace the fault configuration (also resets the PRNG and the pending counters).
    pub fn set_faults(&self, faults: Faults) {
        self.shared.lock().set_faults(faults);
    }

    pub fn faults(&self) -> Faults {
        self.shared.lock().faults.clone()
    }

    /// Add a key out of band (as if through the dashboard) to the default account. Panics if
    /// `public_key` is not a valid OpenSSH public key (a test bug).
    pub fn insert_vps_key(&self, name: &str, public_key: &str) -> VpsSshKey {
        let pk = PublicKey::parse(public_key)
            .unwrap_or_else(|e| panic!("insert_vps_key: invalid public key: {e}"));
        let mut st = self.shared.lock();
        let account = st.default_account.clone();
        st.add_vps_key(&account, name, &pk)
    }

    /// Remove a key out of band. False if there was none with this id.
    pub fn remove_vps_key(&self, id: &str) -> bool {
        let mut st = self.shared.lock();
        match st.vps.iter().position(|r| r.key.id == id) {
            Some(i) => {
                st.vps.remove(i);
                true
            }
            None => false,
        }
    }

    pub fn set_vps_key_actions(&self, id: &str, can_rename: ActionGate, can_delete: ActionGate) {
        let mut st = self.shared.lock();
        if let Some(r) = st.vps.iter_mut().find(|r| r.key.id == id) {
            r.key.actions = Some(VpsKeyActions {
                can_rename: Some(can_rename),
                can_delete: Some(can_delete),
            });
        }
    }

    /// Set `actions.canAdd` on a shared-hosting account (by its `acct_...` id). False if there
    /// is no such account.
    pub fn set_can_add(&self, account_id: &str, gate: ActionGate) -> bool {
        self.shared.lock().set_can_add(account_id, gate)
    }

    /// Remove a shared-hosting account and its keys out of band (the account was closed): its
    /// routes then answer 404 `not_found`. False if there was none.
    pub fn remove_hosting_account(&self, account_id: &str) -> bool {
        self.shared.lock().remove_hosting_account(account_id)
    }

    pub fn resets(&self) -> Vec<RecordedReset> {
        self.shared.lock().resets.clone()
    }

    /// Every v2 reset HostUp accepted, with its job's status now.
    pub fn vps_resets(&self) -> Vec<RecordedVpsReset> {
        self.shared.lock().vps_resets.clone()
    }

    /// The same document as `GET /__mock/state`.
    pub fn state_json(&self) -> serde_json::Value {
        admin::snapshot(&self.shared.lock())
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Run a mock on `listen` until SIGINT/SIGTERM. `on_listening` gets the URL once the socket is
/// bound. Errors (bad address, invalid seed, bind failure) are returned, never panicked.
/// With `tls`, in TLS mode; `on_listening` then gets the CA's PEM too.
pub fn serve_forever(
    seed: Seed,
    listen: SocketAddr,
    tls: Option<Leaf>,
    on_listening: impl FnOnce(&str, Option<&str>),
) -> Result<(), String> {
    let server = MockServer::try_start_with(seed, listen, tls)?;
    on_listening(&server.url(), server.ca_pem());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start signal runtime: {e}"))?;
    rt.block_on(wait_for_signal())?;
    drop(server);
    Ok(())
}

#[cfg(unix)]
async fn wait_for_signal() -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term =
        signal(SignalKind::terminate()).map_err(|e| format!("cannot watch SIGTERM: {e}"))?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    Ok(())
}

#[cfg(not(unix))]
async fn wait_for_signal() -> Result<(), String> {
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot watch Ctrl-C: {e}"))
}
