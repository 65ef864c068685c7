//! Where the network failed, through Terraform: a proxy that refuses the CONNECT tunnel (407,
//! 403) or cannot be reached is named (its address, never its credentials) instead of the
//! endpoint; and the User-Agent names the Terraform CLI's version.

use crate::common::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A proxy on 127.0.0.1 that answers every CONNECT with `reply` and closes; it never connects
/// anywhere. Records each request's first line.
struct FakeProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl FakeProxy {
    fn start(reply: &'static str) -> FakeProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake proxy");
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        // Lives as long as the test process; each connection is bounded by its timeouts.
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 << 10 {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head);
                log.lock()
                    .unwrap()
                    .push(text.lines().next().unwrap_or("").to_string());
                let _ = conn.write_all(reply.as_bytes());
            }
        });
        FakeProxy { addr, seen }
    }
}

/// A data source read through `proxy` (an HTTPS_PROXY value) to an endpoint that only the proxy
/// could reach: `hostup.invalid` is never resolved.
fn plan_through(proxy: &str) -> String {
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", "https://hostup.invalid"),
        ("HOSTUP_API_KEY", TOKEN),
        ("HTTPS_PROXY", proxy),
    ]);
    tf.config(
        "provider \"hostup\" {\n  max_retries = 0\n}\n\ndata \"hostup_vps_ssh_keys\" \"all\" {}\n",
    );
    let text = tf.plan_err().text();
    assert!(
        text.contains("Could not reach the HostUp API through the proxy"),
        "the summary names the proxy: {text}"
    );
    assert!(
        !text.contains("Check the endpoint"),
        "the endpoint is not blamed: {text}"
    );
    text
}

#[test]
fn a_proxy_that_asks_for_credentials_is_named_with_the_407() {
    let proxy = FakeProxy::start(
        "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n",
    );
    let text = plan_through(&format!("http://proxyuser:s3cret-pw@{}", proxy.addr));
    let named = format!("the proxy http://{} (from HTTPS_PROXY)", proxy.addr);
    assert!(text.contains(&named), "{named}:\n{text}");
    assert!(
        text.contains("refused to open a tunnel to hostup.invalid:443")
            && text.contains("407 Proxy Authentication Required")
            && text.contains("the request never reached HostUp"),
        "{text}"
    );
    assert!(
        !text.contains("s3cret-pw") && !text.contains("proxyuser"),
        "never the proxy's credentials: {text}"
    );
    let seen = proxy.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        ["CONNECT hostup.invalid:443 HTTP/1.1"],
        "one CONNECT, not retried"
    );
}

#[test]
fn a_proxy_that_forbids_the_host_is_named() {
    let proxy = FakeProxy::start(
        "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    let text = plan_through(&format!("http://{}", proxy.addr));
    let named = format!("the proxy http://{} (from HTTPS_PROXY) refused", proxy.addr);
    assert!(text.contains(&named), "{named}:\n{text}");
    assert!(text.contains("a status other than 200"), "{text}");
    assert_eq!(proxy.seen.lock().unwrap().len(), 1, "not retried");
}

#[test]
fn an_unreachable_proxy_is_named_not_the_endpoint() {
    // A port that was just free: nothing listens on it.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let text = plan_through(&format!("http://127.0.0.1:{port}"));
    let named =
        format!("could not connect to the proxy http://127.0.0.1:{port} (from HTTPS_PROXY)");
    assert!(text.contains(&named), "{named}:\n{text}");
    assert!(text.contains("the request never reached HostUp"), "{text}");
}

#[test]
fn the_user_agent_names_the_terraform_version() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name       = \"ua\"\n  public_key = {}\n}}\n",
        hcl(ED25519_A)
    ));
    tf.apply();
    let (a, b, c) = cli().version;
    let expected = format!(
        "terraform-provider-hostup/{} (terraform/{a}.{b}.{c})",
        env!("CARGO_PKG_VERSION")
    );
    let requests = mock.requests();
    assert!(!requests.is_empty());
    for r in &requests {
        let ua = r
            .headers
            .iter()
            .find(|(k, _)| k == "user-agent")
            .map(|(_, v)| v.as_str());
        assert_eq!(ua, Some(expected.as_str()), "{} {}", r.method, r.path);
    }
    variant("the_user_agent_names_the_terraform_version", &expected);
}
