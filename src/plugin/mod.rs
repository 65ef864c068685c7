//! The plugin's side of go-plugin, around tf-provider's gRPC server: the handshake line it
//! prints ([`handshake`]) and TCP_NODELAY on its listener ([`nodelay`]).

mod handshake;
pub mod nodelay;

pub use handshake::Handshake;

/// Watch tf-provider's handshake line go by and set TCP_NODELAY on its listener. Call first
/// thing in `main`, before anything is printed.
pub fn watch_handshake() {
    handshake::intercept_stdout(on_handshake);
}

/// tf-provider's handshake line goes by: TCP_NODELAY on its listener; the line is unchanged.
fn on_handshake(line: &str) -> String {
    let parsed = Handshake::parse(line).and_then(|h| h.tcp_addr());
    let Some(inner) = parsed else {
        crate::log::warn(
            "unexpected plugin handshake line; passed on unchanged",
            &[("line", line.trim_end().into())],
        );
        return line.to_string();
    };
    let nodelay = nodelay::set_nodelay_on_listener(inner.port());
    crate::log::debug(
        "TCP_NODELAY on the provider's gRPC listener",
        &[("port", inner.port().into()), ("set", nodelay.into())],
    );
    line.to_string()
}
