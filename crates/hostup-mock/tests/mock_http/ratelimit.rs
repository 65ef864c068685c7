//! The per-key rate limit (`--rate-limit`, seed `rateLimit`): headers on every reply, 429 once the
//! window is spent, one window per key shared by every client that sends it.

use crate::common::*;
use hostup_mock::fixtures::TOKEN;
use hostup_mock::{Faults, ForcedError, MockServer, RateLimit, Seed};
use reqwest::Method;
use serde_json::json;
use time::format_description::well_known::Iso8601;
use time::OffsetDateTime;

/// A window long enough that a test never straddles two.
const WINDOW: u32 = 3600;

fn limited(limit: u32) -> MockServer {
    let mut seed = two_account_seed();
    seed.rate_limit = Some(RateLimit {
        limit,
        window_secs: WINDOW,
    });
    MockServer::start(seed)
}

/// The reset as a time, checked to be ISO 8601 and within the window from now.
fn reset_of(r: &Resp) -> OffsetDateTime {
    let v = r.header("x-ratelimit-reset");
    let t = OffsetDateTime::parse(v, &Iso8601::DEFAULT)
        .unwrap_or_else(|e| panic!("X-RateLimit-Reset {v:?} is not ISO 8601: {e}"));
    let ahead = t - OffsetDateTime::now_utc();
    assert!(
        ahead.is_positive() && ahead.whole_seconds() <= i64::from(WINDOW),
        "{v} is {ahead} ahead"
    );
    t
}

#[tokio::test]
async fn every_reply_for_the_key_carries_the_headers() {
    let srv = limited(10);
    let replies = [
        get(&srv, "/api/v2/ssh-keys").await,
        post(&srv, "/api/v2/ssh-keys", json!({"name": "a"})).await,
        get(&srv, "/api/v2/no-such-route").await,
        send(
            &srv,
            Method::GET,
            "/api/ssh-keys",
            Auth::ApiKey(TOKEN),
            Body::None,
        )
        .await,
        reset(&srv, "10000", Some(TOKEN), json!({"keyIds": []})).await,
    ];
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses,
        [200, 400, 404, 200, 400],
        "successes and refusals alike"
    );
    let reset0 = reset_of(&replies[0]);
    for (i, r) in replies.iter().enumerate() {
        assert_eq!(r.header("x-ratelimit-limit"), "10", "reply {i}");
        assert_eq!(
            r.header("x-ratelimit-remaining"),
            (9 - i).to_string(),
            "reply {i}: one window for Bearer and X-API-Key"
        );
        assert_eq!(reset_of(r), reset0, "reply {i}: one window");
    }
    // The admin endpoints are not limited.
    let r = admin(&srv, Method::GET, "/__mock/state", Body::None).await;
    assert!(r.header("x-ratelimit-limit").is_empty());
}

#[tokio::test]
async fn a_spent_window_answers_429_with_retry_after_and_carries_nothing_out() {
    let srv = limited(2);
    for _ in 0..2 {
        assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 200);
    }
    let r = post(
        &srv,
        "/api/v2/ssh-keys",
        json!({"name": "a", "publicKey": ED25519_A}),
    )
    .await;
    assert_eq!(r.status, 429);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("rate_limited"));
    assert_eq!(p.status, Some(429));
    assert_eq!(p.request_id.as_deref(), Some(r.header("x-request-id")));
    assert_eq!(r.header("x-ratelimit-remaining"), "0");
    let reset_at = reset_of(&r);
    let retry_after: i64 = r.header("retry-after").parse().expect("whole seconds");
    let to_reset = (reset_at - OffsetDateTime::now_utc()).whole_seconds();
    assert!(
        (to_reset..=to_reset + 2).contains(&retry_after),
        "Retry-After {retry_after}s, reset in {to_reset}s"
    );
    assert!(
        srv.vps_keys().iter().all(|k| k.name != "a"),
        "a refused create is not carried out"
    );
    // The v1 routes answer in their envelope.
    let r = reset(&srv, "10000", Some(TOKEN), json!({"keyIds": []})).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.v1_error().code.as_deref(), Some("RATE_LIMITED"));
    let log = srv.requests();
    assert_eq!(log.iter().filter(|r| r.status == 429).count(), 2);
}

#[tokio::test]
async fn one_window_per_key_shared_by_every_client() {
    let srv = limited(3);
    // Every helper call is a new reqwest client (its own connection): three clients, one key.
    for _ in 0..3 {
        assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 200);
    }
    assert_eq!(get(&srv, "/api/v2/ssh-keys").await.status, 429);
    // Another key has its own window.
    let r = get_as(&srv, Some("other-token"), "/api/v2/ssh-keys").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-ratelimit-remaining"), "2");
    let r = get_as(&srv, Some("readonly-token"), "/api/v2/ssh-keys").await;
    assert_eq!(r.header("x-ratelimit-remaining"), "2");
}

#[tokio::test]
async fn without_a_limit_there_are_no_headers() {
    let srv = MockServer::start(Seed::default());
    let r = get(&srv, "/api/v2/ssh-keys").await;
    assert!(r.header("x-ratelimit-limit").is_empty());
}

#[tokio::test]
async fn a_forced_429_sends_the_reset_as_iso_and_may_omit_retry_after() {
    let srv = MockServer::start(Seed::default());
    srv.set_faults(Faults {
        retry_after_secs: 30,
        omit_retry_after: true,
        forced_errors: vec![ForcedError {
            route: "GET /api/v2/ssh-keys".into(),
            status: 429,
            code: "rate_limit_exceeded".into(),
            count: 1,
            ..ForcedError::default()
        }],
        ..Faults::default()
    });
    let r = get(&srv, "/api/v2/ssh-keys").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.problem().code.as_deref(), Some("rate_limit_exceeded"));
    assert!(r.header("retry-after").is_empty());
    let ahead = (reset_of(&r) - OffsetDateTime::now_utc()).whole_seconds();
    assert!((28..=30).contains(&ahead), "{ahead}");
}

#[tokio::test]
async fn the_request_log_has_arrival_times() {
    let srv = MockServer::start(Seed::default());
    get(&srv, "/api/v2/ssh-keys").await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    get(&srv, "/api/v2/ssh-keys").await;
    let log = srv.requests();
    let gap = log[1].received_at_ms - log[0].received_at_ms;
    assert!((50..5000).contains(&gap), "{gap} ms");
    let now = OffsetDateTime::now_utc().unix_timestamp() as u64 * 1000;
    assert!(log[1].received_at_ms <= now + 1000);
}

#[test]
fn rates_parse_as_documented() {
    let p = |s: &str| s.parse::<RateLimit>();
    assert_eq!(
        p("20/s"),
        Ok(RateLimit {
            limit: 20,
            window_secs: 1
        })
    );
    assert_eq!(
        p("600/m"),
        Ok(RateLimit {
            limit: 600,
            window_secs: 60
        })
    );
    assert_eq!(
        p("100/10s"),
        Ok(RateLimit {
            limit: 100,
            window_secs: 10
        })
    );
    for bad in ["20", "0/s", "x/s", "20/h", "20/0s", "-1/s"] {
        assert!(p(bad).is_err(), "{bad}");
    }
}
