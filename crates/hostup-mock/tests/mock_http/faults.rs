//! Fault injection: rate limits, server errors, forced errors, dropped create replies, latency.

use crate::common::*;
use hostup_mock::fixtures::TOKEN;
use hostup_mock::{BrokenReply, BrokenShape, Faults, ForcedError, MockServer, Seed};
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

const RESET: &str = "POST /api/vm/{vmid}/reset-ssh-keys";

#[tokio::test]
async fn rate_limit_fault_has_headers_and_changes_nothing() {
    let srv = MockServer::start(Seed::default());
    srv.set_faults(Faults {
        rate429: 1.0,
        retry_after_secs: 7,
        ..Faults::default()
    });
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "a", "publicKey": ED25519_A}),
    )
    .await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), "7");
    assert!(!r.header("x-ratelimit-limit").is_empty());
    assert_eq!(r.header("x-ratelimit-remaining"), "0");
    // An ISO 8601 timestamp, as HostUp publishes it (see ratelimit.rs for the parse).
    assert!(
        r.header("x-ratelimit-reset").ends_with('Z'),
        "{}",
        r.header("x-ratelimit-reset")
    );
    assert_eq!(r.problem().code.as_deref(), Some("rate_limited"));
    let r = reset(&srv, "10000", Some(TOKEN), json!({"keyIds": ["2830"]})).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.v1_error().code.as_deref(), Some("RATE_LIMITED"));
    assert!(srv.vps_keys().is_empty());
    let log = srv.requests();
    assert_eq!(log[0].status, 429);
    assert_eq!(log[0].fault.as_deref(), Some("429"));
    // Admin endpoints are never faulted.
    let r = admin(&srv, Method::GET, "/__mock/state", Body::None).await;
    assert_eq!(r.status, 200);

    srv.set_faults(Faults {
        rate5xx: 1.0,
        ..Faults::default()
    });
    let r = get(&srv, "/api/v2/ssh-keys").await;
    assert_eq!(r.status, 500);
    assert_eq!(srv.requests().last().unwrap().fault.as_deref(), Some("5xx"));
}

#[tokio::test]
async fn random_faults_are_deterministic_per_seed() {
    let run = |seed: u64| async move {
        let srv = MockServer::start(Seed::default());
        srv.set_faults(Faults {
            rate429: 0.3,
            rate5xx: 0.2,
            seed,
            ..Faults::default()
        });
        let mut out = vec![];
        for _ in 0..30 {
            out.push(get(&srv, "/api/v2/ssh-keys").await.status.as_u16());
        }
        out
    };
    let a = run(42).await;
    assert_eq!(a, run(42).await);
    assert!(
        a.contains(&200) && a.contains(&429) && a.contains(&500),
        "{a:?}"
    );
}

#[tokio::test]
async fn forced_errors_html_and_envelopes() {
    let srv = MockServer::start(Seed::default());
    srv.set_faults(Faults {
        forced_errors: vec![
            ForcedError {
                route: "GET /api/v2/ssh-keys".into(),
                status: 502,
                code: String::new(),
                message: String::new(),
                count: 1,
                html: true,
                ..ForcedError::default()
            },
            ForcedError {
                route: "POST /api/vm/{vmid}/reset-ssh-keys".into(),
                status: 500,
                code: "INTERNAL_ERROR".into(),
                message: "Failed to reset SSH keys".into(),
                count: 2,
                html: false,
                ..ForcedError::default()
            },
            ForcedError {
                route: "PATCH /api/v2/ssh-keys/{id}".into(),
                status: 503,
                code: "maintenance".into(),
                message: "Down for maintenance.".into(),
                count: 1,
                html: false,
                ..ForcedError::default()
            },
        ],
        ..Faults::default()
    });
    let r = get(&srv, "/api/v2/ssh-keys").await;
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").starts_with("text/html"));
    assert_eq!(r.text, "<html><body><h1>502 Bad Gateway</h1></body></html>");
    assert_eq!(
        get(&srv, "/api/v2/ssh-keys").await.status,
        200,
        "count exhausted"
    );

    for _ in 0..2 {
        let r = reset(&srv, "10000", Some(TOKEN), json!({"keyIds": ["x"]})).await;
        assert_eq!(r.status, 500);
        let e = r.v1_error();
        assert_eq!(e.code.as_deref(), Some("INTERNAL_ERROR"));
        assert_eq!(e.message.as_deref(), Some("Failed to reset SSH keys"));
    }
    let r = patch(&srv, "/api/v2/ssh-keys/ssh_x", json!({"name": "n"})).await;
    assert_eq!(r.status, 503);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("maintenance"));
    assert_eq!(p.detail.as_deref(), Some("Down for maintenance."));
    assert_eq!(srv.requests()[0].fault.as_deref(), Some("forced"));
}

#[tokio::test]
async fn dropped_create_reply_commits_but_client_sees_connection_error() {
    let srv = MockServer::start(Seed::default());
    srv.set_faults(Faults {
        drop_create_replies: 2,
        ..Faults::default()
    });
    let started = Instant::now();
    let lost = json!({"name": "lost", "publicKey": ED25519_A});
    post_unanswered(&srv, "/api/v2/ssh-keys", lost.clone()).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    let keys = srv.vps_keys();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "lost");
    let last = srv.requests().pop().unwrap();
    assert_eq!((last.status, last.fault.as_deref()), (201, Some("drop")));

    // Hosting import too.
    let hosting = format!("/api/v2/shared-hosting/{ACCT}/ssh-keys");
    post_unanswered(&srv, &hosting, lost).await;
    assert_eq!(srv.hosting_keys(ACCT).len(), 1);

    // The server is fine afterwards and the counter is used up; a retry sees the duplicate.
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "lost", "publicKey": ED25519_A}),
    )
    .await;
    assert_eq!(r.status, 409);
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "two", "publicKey": ED25519_B}),
    )
    .await;
    assert_eq!(r.status, 201);
}

#[tokio::test]
async fn latency_is_added() {
    let srv = MockServer::start(Seed {
        faults: Faults {
            latency_ms: 300,
            ..Faults::default()
        },
        ..Seed::default()
    });
    let t = Instant::now();
    assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    // Admin endpoints are not delayed.
    let t = Instant::now();
    admin(&srv, Method::GET, "/__mock/state", Body::None).await;
    assert!(t.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn broken_replies_answer_200_outside_the_contract() {
    let srv = MockServer::start(Seed::default());
    srv.insert_vps_key("a", ED25519_A);
    srv.insert_vps_key("b", ED25519_B);
    let broken = |route: &str, shape: BrokenShape, count: u32| BrokenReply {
        route: route.into(),
        shape,
        count,
    };
    let hosting = format!("/api/v2/shared-hosting/{ACCT}/ssh-keys");
    srv.set_faults(Faults {
        broken_replies: vec![
            broken("GET /api/v2/ssh-keys", BrokenShape::EmptyObject, 1),
            broken("GET /api/v2/ssh-keys", BrokenShape::HasMoreWithoutCursor, 1),
            broken(
                "GET /api/v2/shared-hosting/{accountId}/ssh-keys",
                BrokenShape::EmptyObject,
                1,
            ),
            broken(RESET, BrokenShape::SuccessFalse, 1),
            broken(RESET, BrokenShape::InnerSuccessFalse, 1),
        ],
        ..Faults::default()
    });

    // `200 {}`, then the real page with hasMore but no cursor; then the real page again.
    let r = get(&srv, "/api/v2/ssh-keys?limit=1").await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "{}"));
    let r = get(&srv, "/api/v2/ssh-keys?limit=1").await;
    assert_eq!(r.status, 200);
    let page = r.json();
    assert_eq!(page["data"].as_array().map(Vec::len), Some(1), "{page}");
    assert_eq!(page["hasMore"], json!(true));
    assert_eq!(page["nextCursor"], json!(null));
    let r = get(&srv, "/api/v2/ssh-keys?limit=1").await;
    assert!(
        r.json()["nextCursor"].is_string(),
        "count used up: {}",
        r.text
    );

    let r = get(&srv, &hosting).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "{}"));
    assert!(get(&srv, &hosting).await.json()["actions"].is_object());

    // The reset answers success: false at both levels, then only in `data`; nothing is reset.
    let ids = json!({"keyIds": [srv.vps_keys()[0].id]});
    let r = reset(&srv, "10000", Some(TOKEN), ids.clone()).await;
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["success"], json!(false));
    assert_eq!(body["data"]["success"], json!(false));
    assert_eq!(body["data"]["message"], json!("Failed to reset SSH keys"));
    assert_eq!(body["requestId"], json!(r.header("x-request-id")));
    let r = reset(&srv, "10000", Some(TOKEN), ids.clone()).await;
    let body = r.json();
    assert_eq!(
        (body["success"].clone(), body["data"]["success"].clone()),
        (json!(true), json!(false))
    );
    assert!(srv.resets().is_empty(), "no reset carried out");
    let r = reset(&srv, "10000", Some(TOKEN), ids).await;
    assert_eq!(r.json()["data"]["success"], json!(true));
    assert_eq!(srv.resets().len(), 1);

    let tags: Vec<_> = srv
        .requests()
        .iter()
        .map(|r| r.fault.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        tags,
        ["broken", "broken", "", "broken", "", "broken", "broken", ""]
    );

    // The same document through the admin endpoint.
    let faults =
        json!({"brokenReplies": [{"route": "GET /api/v2/ssh-keys", "shape": "emptyObject"}]});
    let r = admin(&srv, Method::PUT, "/__mock/faults", Body::Json(faults)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        srv.faults().broken_replies[0].count,
        1,
        "count defaults to 1"
    );
    assert_eq!(get(&srv, "/api/v2/ssh-keys").await.text, "{}");
    let bad = json!({"brokenReplies": [{"route": "GET /api/v2/ssh-keys", "shape": "nope"}]});
    let r = admin(&srv, Method::PUT, "/__mock/faults", Body::Json(bad)).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn an_endless_list_never_ends_and_changes_nothing() {
    let srv = MockServer::start(Seed::default());
    srv.insert_vps_key("a", ED25519_A);
    srv.set_faults(Faults {
        broken_replies: vec![BrokenReply {
            route: "GET /api/v2/ssh-keys".into(),
            shape: BrokenShape::EndlessList,
            count: 3,
        }],
        ..Faults::default()
    });
    let mut cursors = std::collections::HashSet::new();
    let mut path = "/api/v2/ssh-keys?limit=100".to_string();
    for _ in 0..3 {
        let r = get(&srv, &path).await;
        assert_eq!(r.status, 200);
        let page = r.json();
        assert_eq!(page["data"], json!([]), "{page}");
        assert_eq!(page["hasMore"], json!(true));
        let next = page["nextCursor"].as_str().expect("a cursor").to_string();
        assert!(cursors.insert(next.clone()), "a new cursor every time");
        path = format!("/api/v2/ssh-keys?limit=100&cursor={next}");
    }
    let r = get(&srv, "/api/v2/ssh-keys?limit=100").await;
    assert_eq!(
        r.json()["data"].as_array().map(Vec::len),
        Some(1),
        "count used up"
    );
    assert_eq!(srv.vps_keys().len(), 1);
}

#[tokio::test]
async fn a_create_without_id_is_carried_out() {
    let srv = MockServer::start(Seed::default());
    srv.set_faults(Faults {
        broken_replies: vec![BrokenReply {
            route: "POST /api/v2/ssh-keys".into(),
            shape: BrokenShape::WithoutId,
            count: 1,
        }],
        ..Faults::default()
    });
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "n", "publicKey": ED25519_A}),
    )
    .await;
    assert_eq!(r.status, 201);
    let body = r.json();
    assert!(body.get("id").is_none(), "{body}");
    assert_eq!(body["name"], json!("n"));
    assert_eq!(srv.vps_keys().len(), 1, "the key was made");
}

#[tokio::test]
async fn a_repeated_page_ignores_the_cursor() {
    let srv = MockServer::start(Seed::default());
    srv.insert_vps_key("a", ED25519_A);
    srv.set_faults(Faults {
        broken_replies: vec![BrokenReply {
            route: "GET /api/v2/ssh-keys".into(),
            shape: BrokenShape::RepeatedPage,
            count: 2,
        }],
        ..Faults::default()
    });
    let first = get(&srv, "/api/v2/ssh-keys?limit=100").await.json();
    assert_eq!(first["hasMore"], json!(true), "{first}");
    let next = first["nextCursor"].as_str().expect("a cursor").to_string();
    let again = get(&srv, &format!("/api/v2/ssh-keys?limit=100&cursor={next}")).await;
    assert_eq!(again.status, 200, "{}", again.text);
    let again = again.json();
    assert_eq!(again["data"], first["data"], "the same keys again");
    assert_ne!(again["nextCursor"], first["nextCursor"]);
}
