//! The client's core, shared by every handler: the HTTP client, the endpoint, the key, the retry
//! policy and the outage window, and the request helpers every operation is built from. One
//! attempt is [`super::transport`]'s; retrying is [`super::retry`]'s.

use super::endpoint::is_loopback;
use super::errors::{ApiError, ErrorKind};
use super::models::Contract;
use super::pacing::Pacer;
use super::retry::{Repeat, Retrier, RetryPolicy};
use super::transport::{self, Auth, Failed, Request, Secret};
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
            .redirect(reqwest::redirect::Policy::none());
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

/// `url` with `segments` appended, each one segment whatever it holds.
fn with_segments(mut url: Url, segments: &[&str]) -> Url {
    if let Ok(mut segs) = url.path_segments_mut() {
        segs.pop_if_empty();
        for s in segments {
            segs.push(undotted(s));
        }
    }
    url
}

/// `push` drops a "." or ".." segment and WHATWG URLs normalize "%2E" away as well, so a dot
/// segment would change the route. Push it as the literal text "%2E" instead (sent as "%252E"):
/// the request stays on its route and names an object no one has.
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
        for id in ["a/b", "%2e", "%2E%2E", ".%2e", "\\", "...", "?x", "#y"] {
            let p = path(id);
            assert!(p.len() > "/api/v2/ssh-keys/".len(), "{id:?}: {p}");
            assert_eq!(p.matches('/').count(), 4, "{id:?} is one segment: {p}");
        }
    }
}
