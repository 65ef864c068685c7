//! The operations the mock serves, each reply held against its documented shape (`super`), and
//! the checker's own tests.

use super::check::{check, req, ARR, BOOL, INT, OBJ, STR};
use super::*;
use crate::common::*;
use hostup_mock::fixtures::TOKEN;
use hostup_mock::{ActionGate, Faults, MockServer, Seed, SeedHostingAccount, SeedHostingKey};
use hostup_mock::{SeedVpsKey, VpsSshKey};
use hostup_testkit::keys::{ED25519_A, ED25519_B, RSA_2048};
use reqwest::Method;
use serde_json::{json, Value};

/// No field the mock sends is outside the documentation; kept for when one is, with its reason.
const NO_EXTRA: &[(&str, &str)] = &[];

fn blocked(code: &str) -> Option<ActionGate> {
    Some(ActionGate {
        allowed: false,
        reason: Some("An order is pending.".into()),
        code: Some(code.into()),
    })
}

/// A world whose replies carry the optional fields (`displayId`, `lastUsedAt`, a gate's `code`)
/// and a hosting key listed with `publicKey: null`.
fn rich_seed() -> Seed {
    let mut seed = Seed {
        vps_keys: vec![
            SeedVpsKey {
                last_used_at: Some("2026-04-27T12:34:56.000Z".into()),
                can_rename: blocked("pending_order"),
                ..seed_key("a", ED25519_A)
            },
            seed_key("b", RSA_2048),
        ],
        ..Seed::default()
    };
    seed.hosting_accounts = vec![SeedHostingAccount {
        id: ACCT.into(),
        account_id: None,
        ssh_command: None,
        can_add: None,
        ssh_keys: vec![SeedHostingKey {
            name: "bare".into(),
            public_key: ED25519_B.into(),
            id: None,
            withhold_public_key: true,
            ..SeedHostingKey::default()
        }],
        ..SeedHostingAccount::default()
    }];
    seed
}

fn expect(r: &Resp, status: u16, content_type: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.header("content-type"), content_type, "{}", r.text);
}

#[tokio::test]
async fn v2_vps_key_replies_match_the_documented_shapes() {
    let srv = MockServer::start(rich_seed());
    let first = get(&srv, "/api/v2/ssh-keys?limit=1").await;
    expect(&first, 200, "application/json");
    check(
        "GET /api/v2/ssh-keys (page 1)",
        &vps_page(),
        NO_EXTRA,
        &first.text,
    );
    let cursor = first.json()["nextCursor"].as_str().unwrap().to_string();
    let last = get(&srv, &format!("/api/v2/ssh-keys?limit=1&cursor={cursor}")).await;
    check(
        "GET /api/v2/ssh-keys (last page)",
        &vps_page(),
        NO_EXTRA,
        &last.text,
    );
    assert_eq!(last.json()["nextCursor"], Value::Null);

    let id = srv.vps_keys()[1].id.clone();
    let path = format!("/api/v2/ssh-keys/{id}");
    let r = patch(&srv, &path, json!({"name": "renamed"})).await;
    expect(&r, 200, "application/json");
    check(
        "PATCH /api/v2/ssh-keys/{id}",
        &vps_key(""),
        NO_EXTRA,
        &r.text,
    );

    // Inferred: 201 with the key object.
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "c", "publicKey": gen_key(1)}),
    )
    .await;
    expect(&r, 201, "application/json");
    check("POST /api/v2/ssh-keys", &vps_key(""), NO_EXTRA, &r.text);
    // Inferred: 204 with no body.
    let created: VpsSshKey = r.parse();
    let r = delete(&srv, &format!("/api/v2/ssh-keys/{}", created.id)).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (204, ""));
}

#[tokio::test]
async fn vps_instances_and_the_v2_reset_match_the_documented_shapes() {
    let mut seed = rich_seed();
    seed.vps_instances.push(
        serde_json::from_value(json!({
            "id": "vps_bare", "name": "bare", "primaryIp": null, "powerState": null,
            "serviceStatus": "pending",
            "operatingSystem": {"displayName": "Debian 12", "family": "debian", "version": "12", "variant": null}
        }))
        .unwrap(),
    );
    let srv = MockServer::start(seed);
    let r = get(&srv, "/api/v2/vps?limit=1").await;
    expect(&r, 200, "application/json");
    check(
        "GET /api/v2/vps (page 1)",
        &vps_instance_page(),
        NO_EXTRA,
        &r.text,
    );
    let c = r.json()["nextCursor"].as_str().unwrap().to_string();
    let r = get(&srv, &format!("/api/v2/vps?limit=1&cursor={c}")).await;
    check(
        "GET /api/v2/vps (last page)",
        &vps_instance_page(),
        NO_EXTRA,
        &r.text,
    );

    let id = srv.vps_keys()[0].id.clone();
    let vps = hostup_mock::fixtures::VPS_ID;
    let r = post(
        &srv,
        &format!("/api/v2/vps/{vps}/actions/reset-ssh-keys"),
        json!({"keyIds": [id]}),
    )
    .await;
    expect(&r, 202, "application/json");
    check(
        "POST reset-ssh-keys (v2)",
        &operation_reply(),
        NO_EXTRA,
        &r.text,
    );
    let poll = r.json()["operation"]["pollUrl"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..2 {
        let r = get(&srv, &poll).await;
        expect(&r, 200, "application/json");
        check("GET {pollUrl}", &operation_reply(), NO_EXTRA, &r.text);
    }
}

#[tokio::test]
async fn v2_hosting_key_replies_match_the_documented_shapes() {
    let srv = MockServer::start(rich_seed());
    let base = format!("/api/v2/shared-hosting/{ACCT}/ssh-keys");
    let r = post(
        &srv,
        &base,
        json!({"name": "deploy", "publicKey": ED25519_A}),
    )
    .await;
    expect(&r, 201, "application/json");
    check(
        "POST hosting ssh-keys",
        &hosting_imported(),
        NO_EXTRA,
        &r.text,
    );
    let id = r.json()["id"].as_str().unwrap().to_string();
    // One key listed with `publicKey: null`, one with it.
    let r = get(&srv, &base).await;
    expect(&r, 200, "application/json");
    check("GET hosting ssh-keys", &hosting_list(), NO_EXTRA, &r.text);
    srv.set_can_add(ACCT, blocked("pending_order").unwrap());
    check(
        "GET hosting ssh-keys (blocked)",
        &hosting_list(),
        NO_EXTRA,
        &get(&srv, &base).await.text,
    );
    // Published: the key named by its fingerprint, one percent-encoded segment.
    let fp = hostup::ssh_key::PublicKey::parse(ED25519_A)
        .unwrap()
        .fingerprint();
    let segment = fp
        .replace(':', "%3A")
        .replace('+', "%2B")
        .replace('/', "%2F");
    let r = post(
        &srv,
        &format!("{base}/{segment}/actions/authorize"),
        json!({}),
    )
    .await;
    expect(&r, 200, "application/json");
    check(
        "POST …/actions/authorize",
        &hosting_authorized(),
        NO_EXTRA,
        &r.text,
    );
    // Inferred: 204 with no body.
    let r = delete(&srv, &format!("{base}/{segment}")).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (204, ""));
    assert!(srv.hosting_keys(ACCT).iter().all(|k| k.id != id));
}

#[tokio::test]
async fn shared_hosting_account_pages_match_the_documented_shape() {
    let mut seed = rich_seed();
    for i in 0..3 {
        seed.hosting_accounts.push(SeedHostingAccount {
            id: format!("acct_page{i}"),
            custom_name: Some(format!("site {i}")),
            domains: Some(vec![format!("s{i}.example"), format!("www.s{i}.example")]),
            ..SeedHostingAccount::default()
        });
    }
    let srv = MockServer::start(seed);
    let r = get(&srv, "/api/v2/shared-hosting?limit=2").await;
    expect(&r, 200, "application/json");
    check(
        "GET /api/v2/shared-hosting",
        &account_page(),
        NO_EXTRA,
        &r.text,
    );
    let next = r.json()["nextCursor"].as_str().unwrap().to_string();
    let r = get(
        &srv,
        &format!("/api/v2/shared-hosting?limit=2&cursor={next}"),
    )
    .await;
    check(
        "GET /api/v2/shared-hosting (last page)",
        &account_page(),
        NO_EXTRA,
        &r.text,
    );
}

#[tokio::test]
async fn v1_reset_reply_matches_the_documented_shape() {
    let srv = MockServer::start(rich_seed());
    let ids: Vec<String> = srv.vps_keys().into_iter().map(|k| k.id).collect();
    let r = reset(&srv, "10000", Some(TOKEN), json!({ "keyIds": ids })).await;
    expect(&r, 200, "application/json");
    check(
        "POST /api/vm/{vmid}/reset-ssh-keys",
        &reset_reply(),
        NO_EXTRA,
        &r.text,
    );
}

#[tokio::test]
async fn older_key_replies_match_the_documented_shapes() {
    let srv = MockServer::start(rich_seed());
    let older = |method: Method, body: Body| {
        let srv = &srv;
        async move { send(srv, method, "/api/ssh-keys", Auth::ApiKey(TOKEN), body).await }
    };
    let r = older(Method::GET, Body::None).await;
    expect(&r, 200, "application/json");
    let mut list = vec![req("data.ssh_keys", ARR)];
    list.extend(older_key("data.ssh_keys[]."));
    check("GET /api/ssh-keys", &v1_envelope(list), NO_EXTRA, &r.text);

    let body = json!({"name": "c", "public_key": gen_key(2)});
    let r = older(Method::POST, Body::Json(body)).await;
    expect(&r, 200, "application/json");
    let mut added = vec![
        req("data.ssh_key", OBJ),
        req("data.ssh_key.success", BOOL),
        req("data.ssh_key.ssh_key", OBJ),
        req("data.ssh_key.call", STR),
        req("data.ssh_key.server_time", INT),
        req("data.ssh_key.info", ARR),
        req("data.ssh_key.info[]", STR),
    ];
    added.extend(older_key("data.ssh_key.ssh_key."));
    check("POST /api/ssh-keys", &v1_envelope(added), NO_EXTRA, &r.text);

    // The body `{id}` is inferred; the reply is contract.
    let id = r.json()["data"]["ssh_key"]["ssh_key"]["id"].clone();
    let r = older(Method::DELETE, Body::Json(json!({ "id": id }))).await;
    expect(&r, 200, "application/json");
    let deleted = vec![req("data.success", BOOL), req("data.message", STR)];
    check(
        "DELETE /api/ssh-keys",
        &v1_envelope(deleted),
        NO_EXTRA,
        &r.text,
    );
}

/// Every v2 error the mock sends, faults included, is a problem document whose `status` is the
/// HTTP status; `errors` comes with `invalid_request`.
#[tokio::test]
async fn v2_errors_are_problem_documents() {
    let srv = MockServer::start(Seed {
        vps_keys: vec![SeedVpsKey {
            id: Some("ssh_locked".into()),
            can_delete: blocked("pending_order"),
            ..seed_key("a", ED25519_A)
        }],
        ..two_account_seed()
    });
    let keys = "/api/v2/ssh-keys";
    let mut replies = vec![
        post(&srv, keys, json!({"name": 5})).await,
        get(&srv, "/api/v2/ssh-keys?cursor=forged").await,
        get_as(&srv, None, keys).await,
        post_as(
            &srv,
            Some("readonly-token"),
            keys,
            json!({"name": "x", "publicKey": ED25519_B}),
        )
        .await,
        delete(&srv, "/api/v2/ssh-keys/ssh_nope").await,
        post(&srv, keys, json!({"name": "again", "publicKey": ED25519_A})).await,
        delete(&srv, "/api/v2/ssh-keys/ssh_locked").await,
        get(&srv, "/api/v2/nope").await,
        put(&srv, keys).await,
    ];
    let big = Body::Raw(vec![b' '; 70 * 1024], Some("application/json"));
    replies.push(send(&srv, Method::POST, keys, Auth::Bearer(TOKEN), big).await);
    srv.set_faults(Faults {
        rate429: 1.0,
        retry_after_secs: 3,
        ..Faults::default()
    });
    let limited = get(&srv, keys).await;
    // Published: `Retry-After` in seconds and the `X-RateLimit-*` headers. CONTRACT.md gives
    // `X-RateLimit-Reset` as an ISO 8601 time; the mock sends Unix seconds (reported, not fixed
    // here), so only its presence is held.
    assert_eq!(limited.header("retry-after"), "3");
    for h in ["x-ratelimit-limit", "x-ratelimit-remaining"] {
        assert!(limited.header(h).parse::<u64>().is_ok(), "{h}");
    }
    assert!(!limited.header("x-ratelimit-reset").is_empty());
    replies.push(limited);
    srv.set_faults(Faults {
        rate5xx: 1.0,
        ..Faults::default()
    });
    replies.push(get(&srv, keys).await);

    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses,
        [400, 400, 401, 403, 404, 409, 409, 404, 405, 413, 429, 500]
    );
    for r in &replies {
        expect(r, r.status.as_u16(), "application/problem+json");
        check(
            &format!("problem {}", r.status),
            &problem_doc(),
            NO_EXTRA,
            &r.text,
        );
        let v = r.json();
        assert_eq!(v["status"], json!(r.status.as_u16()));
        assert_eq!(
            v["code"] == json!("invalid_request"),
            v.get("errors").is_some(),
            "`errors` with invalid_request only: {}",
            r.text
        );
    }
}

/// Every v1 error (the VM reset and the older key routes) is the v1 envelope.
#[tokio::test]
async fn v1_errors_are_the_v1_envelope() {
    let srv = MockServer::start(two_account_seed());
    let ok = json!({"keyIds": ["2830"]});
    let older = |key: Option<&'static str>, body: Value| {
        let srv = &srv;
        let auth = key.map_or(Auth::None, Auth::ApiKey);
        async move { send(srv, Method::POST, "/api/ssh-keys", auth, Body::Json(body)).await }
    };
    let mut replies = vec![
        reset(&srv, "10000", None, ok.clone()).await,
        reset(&srv, "10000", Some(TOKEN), json!({"keyIds": []})).await,
        reset(&srv, "20001", Some(TOKEN), ok.clone()).await,
        older(None, json!({})).await,
        older(Some(TOKEN), json!({"name": "x", "public_key": "nope"})).await,
        send(
            &srv,
            Method::DELETE,
            "/api/ssh-keys",
            Auth::ApiKey(TOKEN),
            Body::Json(json!({"id": 1})),
        )
        .await,
    ];
    srv.set_faults(Faults {
        rate429: 1.0,
        ..Faults::default()
    });
    replies.push(reset(&srv, "10000", Some(TOKEN), ok.clone()).await);
    srv.set_faults(Faults {
        rate5xx: 1.0,
        ..Faults::default()
    });
    replies.push(reset(&srv, "10000", Some(TOKEN), ok).await);

    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(statuses, [401, 400, 404, 401, 400, 404, 429, 500]);
    for r in &replies {
        expect(r, r.status.as_u16(), "application/json");
        check(
            &format!("v1 error {}", r.status),
            &v1_error_doc(),
            NO_EXTRA,
            &r.text,
        );
    }
}

/// The checker itself: a misnamed, missing or mistyped field is caught.
#[test]
#[should_panic(expected = "documented field missing")]
fn checker_catches_a_misnamed_field() {
    let body = json!({"id": "ssh_x", "name": "n", "imported": true, "authorized": true,
                      "fingerPrint": "SHA256:x"});
    check("import", &hosting_imported(), NO_EXTRA, &body.to_string());
}

#[test]
#[should_panic(expected = "is not")]
fn checker_catches_a_wrong_type() {
    let body = json!({"id": "ssh_x", "name": "n", "fingerprint": null, "imported": true,
                      "authorized": "yes"});
    check("import", &hosting_imported(), NO_EXTRA, &body.to_string());
}

#[test]
#[should_panic(expected = "names no such field")]
fn checker_catches_an_undocumented_field() {
    let body = json!({"id": "ssh_x", "name": "n", "fingerprint": "SHA256:x", "imported": true,
                      "authorized": true, "authorised": true});
    check("import", &hosting_imported(), NO_EXTRA, &body.to_string());
}
