//! What the HTTP tests share: keys, seeds, and one-line requests whose replies are checked for an
//! `X-Request-Id` and kept whole (status, headers, body) for the assertions.

use hostup_mock::fixtures::{HOSTING_ACCOUNT_ID, TOKEN};
use hostup_mock::wire::{Problem, V1Error, VpsKeyPage};
use hostup_mock::{MockServer, Seed, SeedHostingAccount, SeedToken, SeedVm, SeedVpsKey};
use reqwest::{Client, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::Duration;

pub const ACCT: &str = HOSTING_ACCOUNT_ID;
// The test keys, shared with the provider's tests.
use hostup_testkit::keys::test_key;
pub use hostup_testkit::keys::{ED25519_A, ED25519_B, OPENSSH_PRIVATE, RSA_2048};

/// A valid ed25519 public key line whose key bytes depend on `i`.
pub fn gen_key(i: u32) -> String {
    test_key(i, &format!("gen{i}@example.com"))
}

pub fn seed_key(name: &str, public_key: &str) -> SeedVpsKey {
    SeedVpsKey {
        name: name.into(),
        public_key: public_key.into(),
        ..Default::default()
    }
}

/// Default world plus a second account (30000) owning a VM, a hosting account and a key, and a
/// read-only token.
pub fn two_account_seed() -> Seed {
    let mut seed = Seed::default();
    seed.tokens.push(SeedToken {
        token: "other-token".into(),
        scopes: vec!["read:vm".into(), "write:account".into()],
        account_id: "30000".into(),
    });
    seed.tokens.push(SeedToken {
        token: "readonly-token".into(),
        scopes: vec!["read:vm".into()],
        account_id: "20000".into(),
    });
    seed.vms.push(SeedVm {
        vmid: 20001,
        account_id: Some("30000".into()),
    });
    seed.hosting_accounts.push(SeedHostingAccount {
        id: "acct_other".into(),
        account_id: Some("30000".into()),
        ssh_command: None,
        can_add: None,
        ssh_keys: vec![],
        ..SeedHostingAccount::default()
    });
    seed.vps_keys.push(SeedVpsKey {
        account_id: Some("30000".into()),
        id: Some("ssh_other".into()),
        ..seed_key("theirs", RSA_2048)
    });
    seed
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        self.parse()
    }
    /// The body as `T`; panics with the body when it does not decode.
    pub fn parse<T: DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn problem(&self) -> Problem {
        assert_eq!(
            self.headers["content-type"], "application/problem+json",
            "{}",
            self.text
        );
        serde_json::from_str(&self.text).expect("problem document")
    }
    pub fn v1_error(&self) -> V1Error {
        assert_eq!(self.headers["content-type"], "application/json");
        serde_json::from_str(&self.text).expect("v1 error")
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// How a request authenticates.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    None,
    /// `Authorization: Bearer` (v2).
    Bearer(&'a str),
    /// `X-API-Key` (v1).
    ApiKey(&'a str),
}

/// The request body.
pub enum Body {
    None,
    Json(Value),
    /// Sent as is, with this `Content-Type` if any.
    Raw(Vec<u8>, Option<&'static str>),
}

fn request(
    srv: &MockServer,
    method: Method,
    path: &str,
    auth: Auth<'_>,
    body: Body,
) -> reqwest::RequestBuilder {
    let mut rb = Client::new().request(method, format!("{}{}", srv.url(), path));
    rb = match auth {
        Auth::None => rb,
        Auth::Bearer(t) => rb.bearer_auth(t),
        Auth::ApiKey(k) => rb.header("X-API-Key", k),
    };
    match body {
        Body::None => rb,
        Body::Json(v) => rb.json(&v),
        Body::Raw(bytes, content_type) => {
            let rb = match content_type {
                Some(ct) => rb.header("content-type", ct),
                None => rb,
            };
            rb.body(bytes)
        }
    }
}

/// Any request; every reply, admin ones included, must carry an `X-Request-Id`.
pub async fn send(
    srv: &MockServer,
    method: Method,
    path: &str,
    auth: Auth<'_>,
    body: Body,
) -> Resp {
    let r = request(srv, method, path, auth, body)
        .send()
        .await
        .expect("request");
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    assert!(headers.contains_key("x-request-id"), "no X-Request-Id");
    Resp {
        status,
        headers,
        text,
    }
}

fn bearer(token: Option<&str>) -> Auth<'_> {
    token.map_or(Auth::None, Auth::Bearer)
}

/// GET with the default token.
pub async fn get(srv: &MockServer, path: &str) -> Resp {
    get_as(srv, Some(TOKEN), path).await
}

/// GET with this bearer token, or none.
pub async fn get_as(srv: &MockServer, token: Option<&str>, path: &str) -> Resp {
    send(srv, Method::GET, path, bearer(token), Body::None).await
}

/// POST a JSON body with the default token.
pub async fn post(srv: &MockServer, path: &str, body: Value) -> Resp {
    post_as(srv, Some(TOKEN), path, body).await
}

pub async fn post_as(srv: &MockServer, token: Option<&str>, path: &str, body: Value) -> Resp {
    send(srv, Method::POST, path, bearer(token), Body::Json(body)).await
}

/// PATCH a JSON body with the default token.
pub async fn patch(srv: &MockServer, path: &str, body: Value) -> Resp {
    patch_as(srv, Some(TOKEN), path, body).await
}

pub async fn patch_as(srv: &MockServer, token: Option<&str>, path: &str, body: Value) -> Resp {
    send(srv, Method::PATCH, path, bearer(token), Body::Json(body)).await
}

/// DELETE with the default token.
pub async fn delete(srv: &MockServer, path: &str) -> Resp {
    delete_as(srv, Some(TOKEN), path).await
}

pub async fn delete_as(srv: &MockServer, token: Option<&str>, path: &str) -> Resp {
    send(srv, Method::DELETE, path, bearer(token), Body::None).await
}

/// PUT with the default token and no body.
pub async fn put(srv: &MockServer, path: &str) -> Resp {
    send(srv, Method::PUT, path, Auth::Bearer(TOKEN), Body::None).await
}

/// The v1 reset of VM `vmid`, with this `X-API-Key` (or none).
pub async fn reset(srv: &MockServer, vmid: &str, api_key: Option<&str>, body: Value) -> Resp {
    let path = format!("/api/vm/{vmid}/reset-ssh-keys");
    let auth = api_key.map_or(Auth::None, Auth::ApiKey);
    send(srv, Method::POST, &path, auth, Body::Json(body)).await
}

/// An admin request (`/__mock/...`, no credentials).
pub async fn admin(srv: &MockServer, method: Method, path: &str, body: Body) -> Resp {
    send(srv, method, path, Auth::None, body).await
}

/// POST with the default token, expecting the mock to close the connection without a reply (the
/// dropCreateReplies fault): fails the test on a reply, and on a client timeout.
pub async fn post_unanswered(srv: &MockServer, path: &str, body: Value) {
    let err = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
        .post(format!("{}{}", srv.url(), path))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .expect_err("the reply must be dropped");
    assert!(!err.is_timeout(), "{err:?}");
}

/// `(pointer, code)` of every field error.
pub fn pointers(p: &Problem) -> Vec<(String, String)> {
    p.errors
        .iter()
        .map(|e| (e.pointer.clone(), e.code.clone()))
        .collect()
}

/// Every page of `GET /api/v2/ssh-keys?limit=`, following `nextCursor`, and the ids in order.
pub async fn list_all(srv: &MockServer, limit: usize) -> (Vec<VpsKeyPage>, Vec<String>) {
    let mut pages = vec![];
    let mut ids = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v2/ssh-keys?limit={limit}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let r = get(srv, &path).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let page: VpsKeyPage = r.parse();
        ids.extend(page.data.iter().map(|k| k.id.clone()));
        cursor = page.next_cursor.clone();
        let more = page.has_more;
        pages.push(page);
        if !more {
            break;
        }
        assert!(pages.len() < 50, "runaway pagination");
    }
    (pages, ids)
}
