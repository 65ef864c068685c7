//! The knobs for untrusted server text: a 200 too large to read, forced errors whose title,
//! detail and field errors carry escape codes, a forced 3xx with `Location`, a 429 with a huge
//! `Retry-After`.

use crate::common::*;
use hostup_mock::{
    BrokenReply, BrokenShape, Faults, FieldError, ForcedError, MockServer, Seed, HUGE_REPLY_BYTES,
};

#[tokio::test]
async fn huge_string_answers_200_with_one_json_string_past_any_cap() {
    let srv = MockServer::start(Seed::default());
    srv.set_faults(Faults {
        broken_replies: vec![BrokenReply {
            route: "GET /api/v2/ssh-keys".into(),
            shape: BrokenShape::HugeString,
            count: 2,
        }],
        ..Faults::default()
    });
    for _ in 0..2 {
        let r = get(&srv, "/api/v2/ssh-keys").await;
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").starts_with("application/json"));
        assert_eq!(r.text.len(), HUGE_REPLY_BYTES);
        let s: String = serde_json::from_str(&r.text).expect("one JSON string");
        assert_eq!(s.len(), HUGE_REPLY_BYTES - 2);
    }
    assert_eq!(srv.requests()[0].fault.as_deref(), Some("broken"));
    let r = get(&srv, "/api/v2/ssh-keys").await;
    assert_eq!(r.status, 200, "count spent: the real list again");
    assert!(r.text.len() < 1024);
}

#[tokio::test]
async fn forced_errors_carry_title_field_errors_and_location() {
    let srv = MockServer::start(Seed::default());
    let nasty = "\u{1b}[31mred\u{202e}";
    srv.set_faults(Faults {
        forced_errors: vec![
            ForcedError {
                route: "GET /api/v2/ssh-keys".into(),
                status: 400,
                code: "invalid_request".into(),
                message: format!("detail{nasty}"),
                title: format!("title{nasty}"),
                errors: vec![FieldError {
                    pointer: "/name".into(),
                    detail: format!("field{nasty}"),
                    code: "bad".into(),
                }],
                count: 1,
                ..ForcedError::default()
            },
            ForcedError {
                route: "POST /api/vm/{vmid}/reset-ssh-keys".into(),
                status: 500,
                title: format!("v1{nasty}"),
                count: 1,
                ..ForcedError::default()
            },
            ForcedError {
                route: "DELETE /api/v2/ssh-keys/{id}".into(),
                status: 301,
                location: "https://elsewhere.example/api".into(),
                count: 1,
                ..ForcedError::default()
            },
        ],
        ..Faults::default()
    });
    let p = get(&srv, "/api/v2/ssh-keys").await.problem();
    assert_eq!(p.title.as_deref(), Some(format!("title{nasty}").as_str()));
    assert_eq!(p.detail.as_deref(), Some(format!("detail{nasty}").as_str()));
    assert_eq!(pointers(&p), vec![("/name".into(), "bad".into())]);
    assert_eq!(p.errors[0].detail, format!("field{nasty}"));
    let r = reset(
        &srv,
        "10000",
        Some(hostup_mock::fixtures::TOKEN),
        serde_json::json!({"keyIds": ["1"]}),
    )
    .await;
    assert_eq!(
        r.v1_error().error.as_deref(),
        Some(format!("v1{nasty}").as_str())
    );
    // Redirects are not followed here, as the provider does not follow them.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .delete(format!("{}/api/v2/ssh-keys/ssh_x", srv.url()))
        .bearer_auth(hostup_mock::fixtures::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 301);
    assert_eq!(r.headers()["location"], "https://elsewhere.example/api");
}

#[tokio::test]
async fn a_forced_429_sends_the_configured_retry_after_however_long() {
    let srv = MockServer::start(Seed::default());
    srv.set_faults(Faults {
        retry_after_secs: 999_999,
        forced_errors: vec![ForcedError {
            route: "GET /api/v2/ssh-keys".into(),
            status: 429,
            count: 1,
            ..ForcedError::default()
        }],
        ..Faults::default()
    });
    let r = get(&srv, "/api/v2/ssh-keys").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), "999999");
}
