//! Where a request that got no reply failed, in words: which TLS check refused the server's
//! certificate, or which proxy refused or could not open the tunnel, read from the error's
//! source chain (reqwest → hyper-util → rustls / the CONNECT tunnel). What the failure means for
//! a retry stays [`super::errors`]'s (`Outcome`); this only says where and why.

use super::errors::NetworkFault;
use super::text::clip;
use super::tls::{ENV_CERT_DIR, ENV_CERT_FILE};
use reqwest::Url;
use std::error::Error;
use tokio_rustls::rustls::{self, CertificateError};

/// What to tell about a failure of the connection.
pub(super) struct NoReply {
    pub detail: String,
    /// No retry can change it (a certificate refused, a proxy that refuses the tunnel).
    pub settled: bool,
    pub fault: Option<NetworkFault>,
}

/// The failure of a request that got no reply.
pub(super) fn no_reply(e: &reqwest::Error, url: &Url) -> NoReply {
    let host = url.host_str().unwrap_or("the endpoint");
    if let Some(tls) = chain(e).find_map(|s| s.downcast_ref::<rustls::Error>()) {
        return tls_failure(tls, host);
    }
    if let Some(tunnel) = chain(e).find(|s| s.to_string().starts_with("tunnel error")) {
        return proxy_failure(tunnel, url);
    }
    NoReply {
        detail: transport_text(e),
        settled: false,
        fault: None,
    }
}

/// Transport error text without URLs (which would be noise) and never with headers.
pub(super) fn transport_text(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "the request timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the reply body could not be read"
    } else {
        "the connection failed"
    };
    match chain(e).skip(1).last() {
        Some(source) => format!("{what}: {}", clip(&source.to_string())),
        None => what.to_string(),
    }
}

/// `e` and its sources. An `io::Error` that wraps an error hides it from `source()` (which
/// gives the wrapped error's own source), so the wrapped error is taken from `get_ref`: that is
/// where tokio-rustls puts the `rustls::Error`.
fn chain<'a>(e: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(e), |&e: &&'a (dyn Error + 'static)| {
        match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn Error + 'static)),
            None => e.source(),
        }
    })
    .take(32)
}

fn tls_failure(e: &rustls::Error, host: &str) -> NoReply {
    let rustls::Error::InvalidCertificate(cert) = e else {
        return NoReply {
            detail: format!(
                "the TLS handshake with {host} failed: {}",
                clip(&e.to_string())
            ),
            settled: false,
            fault: None,
        };
    };
    let refused = |why: String| NoReply {
        detail: format!("the TLS certificate of {host} was refused: {why}"),
        settled: true,
        fault: Some(NetworkFault::Certificate),
    };
    #[allow(deprecated)]
    match cert {
        CertificateError::UnknownIssuer => refused(format!(
            "it is not signed by a trusted CA (its issuer is neither among the bundled Mozilla \
             roots nor among the CAs given to the provider). A network whose proxy inspects TLS \
             signs with its own CA: trust that CA in one of three ways: the provider argument \
             `ca_certificates` (PEM text, e.g. ca_certificates = file(\"corp-ca.pem\")), the \
             {ENV_CERT_FILE} environment variable (a PEM bundle), or {ENV_CERT_DIR} (a directory \
             of PEM files)."
        )),
        CertificateError::NotValidForNameContext { presented, .. } => {
            let names: Vec<String> = presented.iter().map(|n| bare_name(n)).collect();
            let names = if names.is_empty() {
                "no name at all".to_string()
            } else {
                names.join(", ")
            };
            refused(format!(
                "name mismatch: the certificate is for {}, not {host}. Check `endpoint`: it must \
                 name the host the certificate was issued for.",
                clip(&names)
            ))
        }
        CertificateError::NotValidForName => refused(format!(
            "name mismatch: the certificate is not issued for {host}. Check `endpoint`."
        )),
        CertificateError::ExpiredContext { time, not_after } => refused(format!(
            "it expired on {} (it is now {}). The server must renew it; if this machine's \
             clock is wrong, correct it.",
            date(not_after.as_secs()),
            date(time.as_secs())
        )),
        CertificateError::Expired => refused(
            "it has expired. The server must renew it; if this machine's clock is wrong, \
             correct it."
                .to_string(),
        ),
        CertificateError::NotValidYetContext { time, not_before } => refused(format!(
            "it is not valid before {} (it is now {}): check this machine's clock.",
            date(not_before.as_secs()),
            date(time.as_secs())
        )),
        CertificateError::NotValidYet => {
            refused("it is not valid yet: check this machine's clock.".to_string())
        }
        CertificateError::Revoked => refused("it has been revoked.".to_string()),
        CertificateError::BadSignature => {
            refused("its signature does not verify (bad signature).".to_string())
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            refused("it is not issued for TLS servers (invalid purpose).".to_string())
        }
        other => refused(format!(
            "it failed a check ({})",
            clip(&format!("{other:?}"))
        )),
    }
}

/// `DnsName("a.example")` / `IpAddress(10.0.0.1)`, as rustls lists a certificate's names, as
/// the bare name.
fn bare_name(n: &str) -> String {
    let inner = n
        .strip_prefix("DnsName(")
        .or_else(|| n.strip_prefix("IpAddress("))
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(n);
    inner.trim_matches('"').to_string()
}

/// A Unix time as `2020-02-01 00:00:00 UTC`.
fn date(secs: u64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(secs.min(i64::MAX as u64) as i64) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => format!("{secs} (Unix time)"),
    }
}

/// A failure of the CONNECT tunnel through the proxy reqwest took from the environment.
fn proxy_failure(tunnel: &(dyn Error + 'static), url: &Url) -> NoReply {
    let target = format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(443)
    );
    let proxy = proxy_for(url);
    let never = "the request never reached HostUp";
    let text = tunnel.to_string();
    let (detail, settled) = if text.contains("proxy authorization required") {
        (
            format!(
                "{proxy} refused to open a tunnel to {target}: it answered the CONNECT with 407 \
                 Proxy Authentication Required; {never}. Put the proxy's credentials in the proxy \
                 URL (http://user:password@host:port), or set NO_PROXY to bypass the proxy."
            ),
            true,
        )
    } else if text.contains("unsuccessful") {
        (
            format!(
                "{proxy} refused to open a tunnel to {target}: it answered the CONNECT with a \
                 status other than 200 (the HTTP client does not say which; 403 is a proxy's \
                 usual refusal of a host its policy does not allow); {never}. Ask for {target} to \
                 be allowed, or set NO_PROXY to bypass the proxy."
            ),
            true,
        )
    } else if text.contains("failed to create underlying connection") {
        let why = chain(tunnel)
            .skip(1)
            .last()
            .map(|s| format!(" ({})", clip(&s.to_string())))
            .unwrap_or_default();
        (
            format!(
                "could not connect to {proxy}{why}; {never}. Check the proxy variable, or set \
                 NO_PROXY to bypass the proxy."
            ),
            false,
        )
    } else {
        (
            format!(
                "{proxy} did not open a tunnel to {target} ({}); {never}.",
                clip(&text)
            ),
            false,
        )
    };
    NoReply {
        detail,
        settled,
        fault: Some(NetworkFault::Proxy),
    }
}

/// `the proxy http://host:port (from HTTPS_PROXY)`: the proxy the same rules as reqwest's pick
/// for `url`, named without the credentials its URL may hold.
fn proxy_for(url: &Url) -> String {
    use hyper_util::client::proxy::matcher::Matcher;
    let var = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .find(|v| std::env::var(v).is_ok_and(|s| !s.trim().is_empty()))
        .unwrap_or("the environment");
    let proxy = url
        .as_str()
        .parse::<hyper::Uri>()
        .ok()
        .and_then(|uri| Matcher::from_env().intercept(&uri))
        .map(|i| {
            let u = i.uri();
            let port = u.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
            format!(
                "{}://{}{port}",
                u.scheme_str().unwrap_or("http"),
                u.host().unwrap_or("")
            )
        });
    match proxy {
        Some(p) => format!("the proxy {} (from {var})", clip(&p)),
        None => format!("the proxy (from {var})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_names_and_dates_read_plainly() {
        assert_eq!(bare_name("DnsName(\"wrong.example\")"), "wrong.example");
        assert_eq!(bare_name("IpAddress(10.0.0.1)"), "10.0.0.1");
        assert_eq!(date(1_580_515_200), "2020-02-01 00:00:00 UTC");
    }
}
