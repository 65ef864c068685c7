//! The client's core, shared by every handler: the HTTP client, the endpoint, the key, the retry
//! policy and the outage window, and the request helpers every operation is built from. One
//! attempt is [`super::transport`]'s; retrying is [`super::retry`]'s.

use super::endpoint::is_loopback;
use super::errors::{ApiError, ErrorKind};
use super::models::Contract;
use super::pacing::Pacer;
use super::retry::{Repeat, Retrier, RetryPolicy};
use super::transport::{self, user_agent, Auth, Failed, Request, Secret};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub endpoint: Url,
    pub api_key: Secret,
    /// Timeout of one HTTP attempt.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// CAs trusted beside the bundled roots (DER, each checked by [`super::tls::parse_pem`]).
    pub ca_certificates: Vec<Vec<u8>>,
    /// The Terraform CLI's version, for the User-Agent.
    pub terraform_version: String,
    /// `requests_per_second`: at most this many requests a second, 0 for no cap.
    pub requests_per_second: f64,
}

#[derive(Debug)]
pub(super) struct Core {
    http: reqwest::Client,
    endpoint: Url,
    key: Secret,
    retry: Retrier,
}

impl Core {
    pub(super) fn new(cfg: ClientConfig) -> Result<Core, String> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(cfg.request_timeout)
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent(&cfg.terraform_version));
        // In addition to the bundled roots, which reqwest keeps.
        if !cfg.ca_certificates.is_empty() {
            crate::log::debug(
                "trusting CA certificates beside the bundled roots",
                &[("count", serde_json::json!(cfg.ca_certificates.len()))],
            );
        }
        for der in &cfg.ca_certificates {
            let cert = reqwest::Certificate::from_der(der)
                .map_err(|e| format!("could not use a CA certificate: {e}"))?;
            builder = builder.add_root_certificate(cert);
        }
        // Plain http is allowed only to loopback (see endpoint.rs), to keep the key off the
        // network; a proxy from HTTP_PROXY would carry it, in clear text, to another host.
        if is_loopback(&cfg.endpoint) {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| format!("could not set up the HTTP client: {e}"))?;
        Ok(Core {
            http,
            endpoint: cfg.endpoint,
            key: cfg.api_key,
            retry: Retrier {
                policy: cfg.retry,
                pacer: Pacer::new(cfg.requests_per_second),
                ..Retrier::default()
            },
        })
    }

    /// Run attempts in the one retry loop (see [`Retrier::run`]).
    pub(super) async fn run<T, F, Fut>(
        &self,
        method: &str,
        path: &str,
        repeat: Repeat,
        attempt: F,
    ) -> Result<T, ApiError>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Failed>>,
    {
        self.retry.run(method, path, repeat, attempt).await
    }

    /// A URL from the endpoint and path segments, each percent-encoded as one segment.
    pub(super) fn url(&self, segments: &[&str]) -> Url {
        with_segments(self.endpoint.clone(), segments)
    }

    /// The URL of a location the server named (an operation's `pollUrl`): a path of the API
    /// (`/api/...`), taken below the endpoint (so a proxy prefix is kept), or an absolute URL
    /// on the endpoint itself. Anything else is refused: the key must not go to another host.
    pub(super) fn url_of_location(&self, location: &str) -> Result<Url, String> {
        let base = self.endpoint.path().trim_end_matches('/').to_string();
        let loc = location.trim();
        let path_and_query = match Url::parse(loc) {
            Ok(abs) => {
                let same = abs.origin() == self.endpoint.origin()
                    && abs.username().is_empty()
                    && abs.password().is_none();
                let path = abs.path().strip_prefix(base.as_str()).filter(|_| same);
                let Some(path) = path else {
                    return Err(format!(
                        "it names another server than the configured endpoint {}",
                        self.endpoint.origin().ascii_serialization()
                    ));
                };
                match abs.query() {
                    Some(q) => format!("{path}?{q}"),
                    None => path.to_string(),
                }
            }
            Err(_) if loc.starts_with('/') && !loc.starts_with("//") && !loc.contains('\\') => {
                loc.to_string()
            }
            Err(_) => return Err("it is neither an API path nor a URL".to_string()),
        };
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (path_and_query, None),
        };
        let mut url = self.endpoint.clone();
        url.set_path(&format!("{base}{path}"));
        url.set_query(query.as_deref());
        url.set_fragment(None);
        // Dot segments are resolved by set_path: what is left must still be an API route.
        if !url.path().starts_with(&format!("{base}/api/")) {
            return Err("it is not a path of the API (/api/...)".to_string());
        }
        Ok(url)
    }

    /// A request to `segments`, its body encoded once for every attempt.
    pub(super) fn request<B: Serialize>(
        &self,
        method: Method,
        segments: &[&str],
        auth: Auth,
        body: Option<&B>,
    ) -> Result<Request, ApiError> {
        let url = self.url(segments);
        let body = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| {
                ApiError::new(
                    ErrorKind::Decode,
                    method.as_str(),
                    url.path(),
                    format!("cannot encode body: {e}"),
                )
            })?),
            None => None,
        };
        Ok(Request {
            method,
            url,
            auth,
            body,
        })
    }

    /// One attempt of `req`, not retried; a reply without a body is a contract breach.
    pub(super) async fn once<T: DeserializeOwned + Contract>(
        &self,
        req: &Request,
        attempt: u32,
    ) -> Result<T, Failed> {
        match transport::attempt(&self.http, &self.key, req, attempt, &self.retry.pacer).await {
            Ok(Some(t)) => Ok(t),
            Ok(None) => Err(Failed::new(empty_reply(req))),
            Err(f) => Err(f),
        }
    }

    /// `req`, retried as the policy allows for a request of this kind.
    pub(super) async fn send<T: DeserializeOwned + Contract>(
        &self,
        req: Request,
        repeat: Repeat,
    ) -> Result<T, ApiError> {
        let req = &req;
        self.run(req.method(), req.path(), repeat, |n| self.once(req, n))
            .await
    }

    pub(super) async fn get<T: DeserializeOwned + Contract>(
        &self,
        segments: &[&str],
        auth: Auth,
    ) -> Result<T, ApiError> {
        let req = self.request::<()>(Method::GET, segments, auth, None)?;
        self.send(req, Repeat::Safe).await
    }

    /// PATCH sets a value: sending it twice has the same effect as once.
    pub(super) async fn patch<B: Serialize, T: DeserializeOwned + Contract>(
        &self,
        segments: &[&str],
        auth: Auth,
        body: &B,
    ) -> Result<T, ApiError> {
        let req = self.request(Method::PATCH, segments, auth, Some(body))?;
        self.send(req, Repeat::Safe).await
    }

    /// DELETE of one object; whatever body the reply has is ignored.
    pub(super) async fn delete(&self, segments: &[&str], auth: Auth) -> Result<(), ApiError> {
        let req = self.request::<()>(Method::DELETE, segments, auth, None)?;
        let req = &req;
        self.run(req.method(), req.path(), Repeat::Safe, |n| async move {
            transport::attempt::<serde_json::Value>(
                &self.http,
                &self.key,
                req,
                n,
                &self.retry.pacer,
            )
            .await
            .map(|_| ())
        })
        .await
    }
}

/// Every byte but RFC 3986's unreserved ones is escaped in a segment: a `SHA256:` fingerprint
/// (`:`, `+`, `/`) is one segment, sent as HostUp's reference shows (`%3A`, `%2B`, `%2F`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `url` with `segments` appended, each one segment whatever it holds.
fn with_segments(mut url: Url, segments: &[&str]) -> Url {
    let mut path = url.path().trim_end_matches('/').to_string();
    for s in segments {
        path.push('/');
        path.extend(utf8_percent_encode(undotted(s), SEGMENT));
    }
    url.set_path(&path);
    url
}

/// A "." or ".." segment would change the route (WHATWG URLs also read "%2E" as a dot). Send it
/// as the literal text "%2E" instead (escaped to "%252E"): the request stays on its route and
/// names an object no one has.
fn undotted(segment: &str) -> &str {
    match segment {
        "." => "%2E",
        ".." => "%2E%2E",
        s => s,
    }
}

fn empty_reply(req: &Request) -> ApiError {
    ApiError::new(
        ErrorKind::Decode,
        req.method(),
        req.path(),
        "the server answered 204 No Content where a JSON body was expected",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_keeps_only_a_version_of_the_cli_text() {
        let ua = |v: &str| user_agent(v);
        let prefix = transport::USER_AGENT_VALUE;
        assert_eq!(ua("1.11.4"), format!("{prefix} (terraform/1.11.4)"));
        assert_eq!(
            ua(" v1.12.0-beta1+abc "),
            format!("{prefix} (terraform/1.12.0-beta1+abc)")
        );
        assert_eq!(
            ua("1.0.3\r\nX-Evil: 1"),
            format!("{prefix} (terraform/1.0.3)")
        );
        assert_eq!(ua(""), format!("{prefix} (terraform/unknown)"));
        assert_eq!(ua("(\u{202e})"), format!("{prefix} (terraform/unknown)"));
        assert_eq!(
            ua(&"9".repeat(100)),
            format!("{prefix} (terraform/{})", "9".repeat(32))
        );
    }

    #[test]
    fn no_segment_changes_the_route() {
        let endpoint = Url::parse("http://127.0.0.1:1/").unwrap();
        let path = |id: &str| {
            with_segments(endpoint.clone(), &["api", "v2", "ssh-keys", id])
                .path()
                .to_string()
        };
        assert_eq!(path("ssh_1"), "/api/v2/ssh-keys/ssh_1");
        assert_eq!(path("."), "/api/v2/ssh-keys/%252E");
        assert_eq!(path(".."), "/api/v2/ssh-keys/%252E%252E");
        assert_eq!(
            path("SHA256:g+MLfmZ0SAqCtL/iy9B2sbhwrRlz6dr8+1rgUzmWPhI"),
            "/api/v2/ssh-keys/SHA256%3Ag%2BMLfmZ0SAqCtL%2Fiy9B2sbhwrRlz6dr8%2B1rgUzmWPhI"
        );
        let prefixed = Url::parse("http://127.0.0.1:1/base/").unwrap();
        assert_eq!(with_segments(prefixed, &["api", "x"]).path(), "/base/api/x");
        for id in ["a/b", "%2e", "%2E%2E", ".%2e", "\\", "...", "?x", "#y"] {
            let p = path(id);
            assert!(p.len() > "/api/v2/ssh-keys/".len(), "{id:?}: {p}");
            assert_eq!(p.matches('/').count(), 4, "{id:?} is one segment: {p}");
        }
    }

    fn core(endpoint: &str) -> Core {
        Core::new(ClientConfig {
            endpoint: Url::parse(endpoint).unwrap(),
            api_key: Secret::new("k"),
            request_timeout: Duration::from_secs(1),
            retry: RetryPolicy::default(),
            ca_certificates: Vec::new(),
            terraform_version: String::new(),
            requests_per_second: 0.0,
        })
        .unwrap()
    }

    #[test]
    fn a_location_stays_on_the_endpoint() {
        let c = core("http://127.0.0.1:1/");
        let ok = |l: &str| c.url_of_location(l).map(|u| u.to_string());
        assert_eq!(
            ok("/api/jobs/job_1").unwrap(),
            "http://127.0.0.1:1/api/jobs/job_1"
        );
        assert_eq!(
            ok("http://127.0.0.1:1/api/jobs/job_1?x=1").unwrap(),
            "http://127.0.0.1:1/api/jobs/job_1?x=1"
        );
        for bad in [
            "https://evil.example/api/jobs/job_1",
            "http://127.0.0.1:2/api/jobs/job_1",
            "http://u:p@127.0.0.1:1/api/jobs/job_1",
            "//evil.example/api/jobs/job_1",
            "/\\evil.example/api/jobs/job_1",
            "api/jobs/job_1",
            "/other/job_1",
            "/api/../../x",
            "/api/%2e%2e/x",
            "",
        ] {
            assert!(ok(bad).is_err(), "{bad:?} -> {:?}", ok(bad));
        }
        let p = core("https://proxy.example.com/hostup");
        assert_eq!(
            p.url_of_location("/api/jobs/j").unwrap().as_str(),
            "https://proxy.example.com/hostup/api/jobs/j"
        );
        assert_eq!(
            p.url_of_location("https://proxy.example.com/hostup/api/jobs/j")
                .unwrap()
                .as_str(),
            "https://proxy.example.com/hostup/api/jobs/j"
        );
        assert!(p
            .url_of_location("https://proxy.example.com/api/jobs/j")
            .is_err());
    }
}
