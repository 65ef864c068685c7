//! The plugin's front door: a small HTTP/2 proxy between Terraform and tf-provider's gRPC server.
//!
//! Why: on Ctrl-C Terraform sends StopProvider and then keeps calling the provider
//! (UpgradeResourceState, ReadResource, ...) for the resources it still walks. tf-provider answers
//! StopProvider by shutting its gRPC server down (GOAWAY, listener closed), so every later call
//! failed with "Plugin did not respond". tf-provider cannot be changed and its server is private,
//! so the front takes StopProvider out of its hands:
//!
//! ```text
//! Terraform ──TLS (h2)──▶ front (127.0.0.1, our listener) ──h2c──▶ tf-provider (127.0.0.1)
//!                         └─ StopProvider: cancel::cancel(), empty reply, never forwarded
//! ```
//!
//! - `PLUGIN_CLIENT_CERT` (Terraform's certificate) is taken out of the environment before
//!   tf-provider starts, so tf-provider serves plaintext on its loopback port; the front does the
//!   TLS Terraform asked for ([`tls`]). Without it (plain gRPC) the front serves plaintext too.
//! - tf-provider's handshake line is rewritten on its way to Terraform ([`handshake`]): the
//!   front's address and certificate replace tf-provider's.
//! - Every call but StopProvider is passed through stream by stream ([`proxy`]); TCP_NODELAY is
//!   set on both hops ([`nodelay`] for tf-provider's side).
//! - GRPCController.Shutdown (Terraform is done with the plugin) still reaches tf-provider, which
//!   then stops as before; the front closes its connections in step and the process exits.
//!
//! If anything here cannot be set up, the plugin runs as before, without the front.

mod handshake;
pub mod nodelay;
mod proxy;
mod tls;

use handshake::Handshake;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

const CLIENT_CERT_VAR: &str = "PLUGIN_CLIENT_CERT";

/// The front, bound and ready, waiting for the async runtime.
pub struct Front {
    listener: TcpListener,
    tls: Option<std::sync::Arc<tokio_rustls::rustls::ServerConfig>>,
    /// tf-provider's address, known once its handshake line has gone by.
    inner: watch::Receiver<Option<SocketAddr>>,
}

/// Set up the front and the handshake watcher. Call first thing in `main`: it edits the
/// environment (so before any thread starts) and must see tf-provider's handshake line. `None`
/// when the plugin runs without the front (then only TCP_NODELAY is set, as before).
pub fn prepare() -> Option<Front> {
    let client_pem = std::env::var(CLIENT_CERT_VAR)
        .ok()
        .filter(|v| !v.is_empty());
    let bound = bind_front(client_pem.as_deref());
    let (tx, rx) = watch::channel(None);
    let redirect = match &bound {
        Ok((_, addr, tls)) => Some(Redirect {
            front: *addr,
            cert_b64: tls.as_ref().map(|t| t.cert_b64.clone()).unwrap_or_default(),
            inner: tx,
        }),
        Err(e) => {
            hostup::log::warn(
                "plugin front unavailable; serving directly",
                &[("error", e.clone().into())],
            );
            None
        }
    };
    // tf-provider does TLS only when this is set; with the front, the front does it.
    let removed = bound.is_ok() && client_pem.is_some();
    if removed {
        std::env::remove_var(CLIENT_CERT_VAR);
    }
    let intercepted = handshake::intercept_stdout(move |line| on_handshake(line, redirect));
    match bound {
        Ok((listener, _, tls)) if intercepted => Some(Front {
            listener,
            tls: tls.map(|t| t.config),
            inner: rx,
        }),
        _ => {
            // Terraform cannot be redirected: tf-provider must do its own TLS again. (No thread
            // has started: the watcher's did not.)
            if let (true, Some(pem)) = (removed, client_pem) {
                std::env::set_var(CLIENT_CERT_VAR, pem);
            }
            None
        }
    }
}

/// Where Terraform is sent instead of tf-provider's server.
struct Redirect {
    front: SocketAddr,
    /// Empty for plain gRPC.
    cert_b64: String,
    /// Told tf-provider's address when its handshake line goes by.
    inner: watch::Sender<Option<SocketAddr>>,
}

/// The front's listener, its address, and its TLS settings when Terraform asked for TLS.
fn bind_front(
    client_pem: Option<&str>,
) -> Result<(TcpListener, SocketAddr, Option<tls::Tls>), String> {
    let tls = client_pem.map(tls::Tls::new).transpose()?;
    let listener = bind_in_range()?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("front address: {e}"))?;
    Ok((listener, addr, tls))
}

/// Bind on loopback within go-plugin's port range (`PLUGIN_MIN_PORT`..=`PLUGIN_MAX_PORT`, first
/// free port, as tf-provider and go-plugin do), or on any free port when no range is given.
fn bind_in_range() -> Result<TcpListener, String> {
    let port = |var: &str| {
        std::env::var(var)
            .ok()
            .and_then(|v| v.trim().parse::<u16>().ok())
    };
    let (min, max) = match (port("PLUGIN_MIN_PORT"), port("PLUGIN_MAX_PORT")) {
        (Some(a), Some(b)) => (a.min(b), a.max(b)),
        _ => (0, 0),
    };
    let mut last = None;
    for p in min..=max {
        match TcpListener::bind((Ipv4Addr::LOCALHOST, p)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(format!(
        "no free port in {min}..={max}: {}",
        last.map(|e| e.to_string()).unwrap_or_default()
    ))
}

/// tf-provider's handshake line goes by: TCP_NODELAY on its listener, then point Terraform at
/// the front instead (when there is one).
fn on_handshake(line: &str, redirect: Option<Redirect>) -> String {
    let parsed = Handshake::parse(line).and_then(|h| h.tcp_addr().map(|a| (h, a)));
    let Some((hs, inner)) = parsed else {
        hostup::log::warn(
            "unexpected plugin handshake line; passed on unchanged",
            &[("line", line.trim_end().into())],
        );
        return line.to_string();
    };
    let nodelay = nodelay::set_nodelay_on_listener(inner.port());
    hostup::log::debug(
        "TCP_NODELAY on the provider's gRPC listener",
        &[("port", inner.port().into()), ("set", nodelay.into())],
    );
    let Some(r) = redirect else {
        return line.to_string();
    };
    r.inner.send_replace(Some(inner));
    hostup::log::debug(
        "plugin front",
        &[
            ("front", r.front.to_string().into()),
            ("provider", inner.to_string().into()),
            ("tls", (!r.cert_b64.is_empty()).into()),
        ],
    );
    hs.redirected(r.front, &r.cert_b64)
}

impl Front {
    /// Start accepting connections (inside the runtime).
    pub fn start(self) -> Running {
        let (alive, gone) = mpsc::channel(1);
        let accept = tokio::spawn(accept_loop(self, alive));
        Running { accept, gone }
    }
}

/// The front at work.
pub struct Running {
    accept: tokio::task::JoinHandle<()>,
    /// Every connection task holds a sender; `recv` gives `None` once they are all gone.
    gone: mpsc::Receiver<()>,
}

impl Running {
    /// After tf-provider's server has stopped: let the front's last replies (GRPCController's
    /// Shutdown among them) reach Terraform before the process exits, for at most `limit`.
    pub async fn drain(mut self, limit: Duration) {
        self.accept.abort();
        let _ = tokio::time::timeout(limit, self.gone.recv()).await;
    }
}

async fn accept_loop(front: Front, alive: mpsc::Sender<()>) {
    let listener = front
        .listener
        .set_nonblocking(true)
        .and_then(|()| tokio::net::TcpListener::from_std(front.listener));
    let listener = match listener {
        Ok(l) => l,
        Err(e) => {
            hostup::log::warn(
                "plugin front: cannot listen",
                &[("error", e.to_string().into())],
            );
            return;
        }
    };
    let acceptor = front.tls.map(tokio_rustls::TlsAcceptor::from);
    loop {
        match listener.accept().await {
            Ok((tcp, _)) => {
                // Replies leave in small writes: no waiting for Terraform's delayed ACKs.
                let _ = tcp.set_nodelay(true);
                tokio::spawn(connection(
                    tcp,
                    acceptor.clone(),
                    front.inner.clone(),
                    alive.clone(),
                ));
            }
            // Out of descriptors and the like: try again shortly rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

async fn connection(
    tcp: tokio::net::TcpStream,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    mut inner: watch::Receiver<Option<SocketAddr>>,
    _alive: mpsc::Sender<()>,
) {
    // Terraform connects only after the rewritten handshake line, so this is already known.
    let inner = match inner.wait_for(Option::is_some).await {
        Ok(addr) => addr.expect("waited for Some"),
        Err(_) => return,
    };
    match acceptor {
        Some(acceptor) => match acceptor.accept(tcp).await {
            Ok(tls) => proxy::serve(Box::new(tls), inner).await,
            Err(e) => hostup::log::debug(
                "plugin front: TLS handshake failed",
                &[("error", e.to_string().into())],
            ),
        },
        None => proxy::serve(Box::new(tcp), inner).await,
    }
}
