//! One Terraform connection to the front: every gRPC call is passed to tf-provider's server over
//! a plaintext HTTP/2 connection of its own, except StopProvider, which is answered here.
//!
//! The proxy works on HTTP/2 streams, not on gRPC messages: headers, body frames and trailers are
//! passed through as they come, in both directions, so unary calls and go-plugin's long-lived
//! streams (stdio, broker) behave as they would directly, and nothing is decoded or buffered.

use http_body_util::{BodyExt, Either, Full};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http2::SendRequest;
use hyper::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use hyper::http::uri::{Authority, Scheme};
use hyper::{Method, Request, Response, Uri};
use hyper_util::rt::{TokioExecutor, TokioIo};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use std::convert::Infallible;
use std::future::Ready;
use std::net::SocketAddr;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// The call Terraform makes on Ctrl-C. tf-provider answers it by shutting its server down, while
/// Terraform goes on calling the provider for the resources it still walks: those calls would
/// find the server gone ("Plugin did not respond"). Answered here instead.
pub const STOP_PROVIDER: &str = "/tfplugin6.Provider/StopProvider";

/// A reply made here: one body (possibly empty) and trailers.
type Local = http_body_util::combinators::WithTrailers<
    Full<Bytes>,
    Ready<Option<Result<HeaderMap, Infallible>>>,
>;
/// What the front sends back: tf-provider's reply as it streams in, or a local one.
pub type Body = Either<Incoming, Local>;

/// A connection from Terraform: TLS or plain TCP. One boxed type rather than a generic, so the
/// HTTP/2 server is compiled once, not once per transport (code size is resident memory).
pub type Conn = Box<dyn Io>;
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Serve one accepted connection (`io`, TLS already done) until either side closes it.
pub async fn serve(io: Conn, inner: SocketAddr) {
    let (sender, inner_conn) = match connect(inner).await {
        Ok(c) => c,
        Err(e) => {
            // tf-provider's server is gone (it stops only on GRPCController.Shutdown, when
            // Terraform is done with the plugin): nothing to serve.
            hostup::log::warn(
                "plugin front: cannot reach the provider's gRPC server",
                &[("error", e.into())],
            );
            return;
        }
    };
    let authority = Authority::try_from(inner.to_string()).expect("a socket address is valid");
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let sender = sender.clone();
        let authority = authority.clone();
        async move { Ok::<_, Infallible>(forward(sender, authority, req).await) }
    });
    let conn = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
        // tonic sets no stream limit; neither do we, so the front is not the narrower pipe.
        .max_concurrent_streams(None)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    tokio::select! {
        done = conn.as_mut() => {
            // Terraform closing its side without a goodbye shows up here: not worth a line
            // above trace.
            if let Err(e) = done {
                hostup::log::log(
                    hostup::log::Level::Trace,
                    "plugin front: connection ended",
                    &[("error", e.to_string().into())],
                );
            }
            return;
        }
        // tf-provider closed our connection: it is shutting down (GRPCController.Shutdown).
        _ = inner_conn => {}
    }
    // Say goodbye to Terraform the same way: let calls in flight finish (the Shutdown reply
    // among them), accept no new ones, then close.
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// A plaintext HTTP/2 connection to tf-provider's server; the returned task ends when it closes.
async fn connect(
    inner: SocketAddr,
) -> Result<(SendRequest<Incoming>, tokio::task::JoinHandle<()>), String> {
    let tcp = TcpStream::connect(inner)
        .await
        .map_err(|e| format!("connect {inner}: {e}"))?;
    // Requests leave in small writes too: no waiting for delayed ACKs (see super::nodelay).
    let _ = tcp.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .handshake(TokioIo::new(tcp))
        .await
        .map_err(|e| format!("HTTP/2 handshake with {inner}: {e}"))?;
    let task = tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok((sender, task))
}

/// One call: answered here (StopProvider) or passed to tf-provider.
async fn forward(
    mut sender: SendRequest<Incoming>,
    authority: Authority,
    req: Request<Incoming>,
) -> Response<Body> {
    if req.method() == Method::POST && req.uri().path() == STOP_PROVIDER {
        return stop_provider(req).await;
    }
    let (mut parts, body) = req.into_parts();
    // HTTP/2 requests carry scheme and authority; the inner hop is plaintext to tf-provider.
    let mut uri = hyper::http::uri::Parts::default();
    uri.scheme = Some(Scheme::HTTP);
    uri.authority = Some(authority);
    uri.path_and_query = parts.uri.path_and_query().cloned();
    parts.uri = match Uri::from_parts(uri) {
        Ok(u) => u,
        Err(e) => return grpc_error(INTERNAL, &format!("plugin front: bad request path: {e}")),
    };
    match sender.send_request(Request::from_parts(parts, body)).await {
        Ok(resp) => resp.map(Either::Left),
        Err(e) => grpc_error(
            UNAVAILABLE,
            &format!("plugin front: the provider's gRPC server did not answer: {e}"),
        ),
    }
}

/// StopProvider: stop waiting and retrying (in-flight calls end with an "interrupted"
/// diagnostic, later calls are still answered), and reply with an empty
/// `StopProvider.Response` (no error): one gRPC message of length 0, then status OK.
async fn stop_provider(req: Request<Incoming>) -> Response<Body> {
    // The request is an empty message; read it so the stream ends cleanly.
    let _ = req.into_body().collect().await;
    hostup::cancel::cancel();
    hostup::log::info(
        "StopProvider: Terraform is stopping; cancelling waits and retries",
        &[],
    );
    // gRPC message framing: compressed flag (0), then the length (u32 big-endian, 0).
    let message = Bytes::from_static(&[0, 0, 0, 0, 0]);
    reply(message, status_trailers(OK, None))
}

const OK: u32 = 0;
const INTERNAL: u32 = 13;
const UNAVAILABLE: u32 = 14;

/// A call that failed here, as a gRPC status (a reply with no message, status in the trailers).
fn grpc_error(code: u32, message: &str) -> Response<Body> {
    reply(Bytes::new(), status_trailers(code, Some(message)))
}

fn status_trailers(code: u32, message: Option<&str>) -> HeaderMap {
    let mut t = HeaderMap::new();
    t.insert("grpc-status", HeaderValue::from(code));
    if let Some(m) = message {
        if let Ok(v) = HeaderValue::from_str(&percent_encode(m)) {
            t.insert("grpc-message", v);
        }
    }
    t
}

fn reply(body: Bytes, trailers: HeaderMap) -> Response<Body> {
    let body = Full::new(body).with_trailers(std::future::ready(Some(Ok(trailers))));
    let mut resp = Response::new(Either::Right(body));
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
    resp
}

/// grpc-message is percent-encoded: printable ASCII except '%' goes as is.
fn percent_encode(s: &str) -> String {
    const GRPC_MESSAGE: &AsciiSet = &CONTROLS.add(b'%');
    utf8_percent_encode(s, GRPC_MESSAGE).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn grpc_message_encoding() {
        assert_eq!(super::percent_encode("a b"), "a b");
        assert_eq!(super::percent_encode("100%"), "100%25");
        assert_eq!(super::percent_encode("é\n"), "%C3%A9%0A");
    }
}
