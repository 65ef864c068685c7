//! HostUp's rate limit as published, through the real Terraform CLI: the ISO 8601
//! `X-RateLimit-Reset`, both codes, the `requests_per_second` cap, pacing by the headers against
//! the mock's per-key limit, and a pause past `retry_deadline`. Timings come from the mock's
//! request log (`receivedAtMs`); only lower bounds on waits are asserted, loosely.

use crate::common::*;
use hostup_mock::{Faults, RateLimit};
use serde_json::json;

const LIST: &str = "GET /api/v2/ssh-keys";
const POST_KEYS: &str = "POST /api/v2/ssh-keys";

fn faults(v: serde_json::Value) -> Faults {
    serde_json::from_value(v).expect("faults")
}

/// `n` keys from one resource block with for_each, after `provider` (a provider block or "").
fn keys(provider: &str, n: u32, offset: u32) -> String {
    let keys: Vec<String> = (0..n)
        .map(|i| format!("    k{i} = {}", hcl(&test_key(offset + i, ""))))
        .collect();
    format!(
        "{provider}\nlocals {{\n  keys = {{\n{}\n  }}\n}}\n\nresource \"hostup_vps_ssh_key\" \"k\" {{\n  for_each   = local.keys\n  name       = each.key\n  public_key = each.value\n}}\n",
        keys.join("\n")
    )
}

fn limited(limit: u32, window_secs: u32) -> MockServer {
    MockServer::start(Seed {
        rate_limit: Some(RateLimit { limit, window_secs }),
        ..Seed::default()
    })
}

fn count_429(mock: &MockServer) -> usize {
    mock.requests().iter().filter(|r| r.status == 429).count()
}

#[test]
fn an_iso_reset_without_retry_after_is_waited_for() {
    let mock = MockServer::start(Seed::default());
    mock.set_faults(faults(
        json!({"retryAfterSecs": 2, "omitRetryAfter": true, "forcedErrors": [
            {"route": LIST, "status": 429, "code": "rate_limited", "count": 1}
        ]}),
    ));
    let tf = Tf::new(&mock);
    tf.config("data \"hostup_vps_ssh_keys\" \"all\" {}\n");
    tf.plan();
    let log: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.route_key() == LIST)
        .collect();
    assert_eq!(log.len(), 2, "one 429, one retry");
    assert!(log[0].headers.iter().all(|(k, _)| k != "retry-after"));
    let waited = log[1].received_at_ms - log[0].received_at_ms;
    // The reset is 2 s after the 429 (to the millisecond): the retry waited for it, where the
    // back-off alone would have retried after a quarter of a second.
    assert!(waited >= 1800, "retried after {waited} ms");
}

#[test]
fn rate_limit_exceeded_is_handled_like_rate_limited() {
    let mock = MockServer::start(Seed::default());
    // A create is only resent when it certainly was not carried out: the code says so even
    // where a gateway turned the status into a 403.
    mock.set_faults(faults(json!({"retryAfterSecs": 1, "forcedErrors": [
        {"route": POST_KEYS, "status": 429, "code": "rate_limit_exceeded", "count": 1},
        {"route": LIST, "status": 403, "code": "rate_limit_exceeded", "count": 1}
    ]})));
    let tf = Tf::new(&mock);
    tf.config(&keys("", 1, 31_000));
    tf.apply();
    assert_eq!(mock.vps_keys().len(), 1);
    assert_eq!(
        mock.count(POST_KEYS),
        2,
        "the refused create was sent again"
    );
    assert!(mock.requests().iter().any(|r| r.status == 403));
}

#[test]
fn requests_per_second_spaces_requests() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&keys(
        "provider \"hostup\" {\n  requests_per_second = 2\n}\n",
        6,
        32_000,
    ));
    tf.apply();
    assert_eq!(mock.vps_keys().len(), 6);
    let log = mock.requests();
    let n = log.len() as u64;
    assert!(n >= 7, "{n} requests");
    let span = log.iter().map(|r| r.received_at_ms).max().unwrap()
        - log.iter().map(|r| r.received_at_ms).min().unwrap();
    // At 2 a second, n requests take at least (n-1)/2 s (one process: one cap).
    assert!(span >= (n - 1) * 500 * 9 / 10, "{n} requests in {span} ms");
    eprintln!("[figures] requests_per_second = 2: {n} requests in {span} ms");
}

#[test]
fn a_bad_requests_per_second_in_the_environment_is_refused_with_no_request() {
    let mock = MockServer::start(Seed::default());
    for bad in ["abc", "-2", "NaN", "1e9"] {
        let tf = Tf::with_env(&[
            ("HOSTUP_ENDPOINT", mock.url().as_str()),
            ("HOSTUP_API_KEY", TOKEN),
            ("HOSTUP_REQUESTS_PER_SECOND", bad),
        ]);
        tf.config(&keys("", 1, 33_000));
        let out = tf.plan_err();
        let text = out.text();
        assert!(
            text.contains("`HOSTUP_REQUESTS_PER_SECOND` is")
                && text.contains("requests per second from 0"),
            "{bad}: {}",
            out.all()
        );
    }
    assert!(mock.requests().is_empty(), "no request reached the API");
}

/// 30 keys against 5 requests a second per key, at Terraform's parallelism of 10: paced, the
/// apply collects few 429s; unpaced (the benchmark's `HOSTUP_PACING=off`), many more, which is
/// what shows the bound can fail.
#[test]
fn pacing_keeps_an_apply_under_the_limit() {
    const BOUND: usize = 4;
    let run = |pacing: &str| {
        let mock = limited(5, 1);
        let tf = Tf::with_env(&[
            ("HOSTUP_ENDPOINT", mock.url().as_str()),
            ("HOSTUP_API_KEY", TOKEN),
            ("HOSTUP_PACING", pacing),
        ]);
        tf.config(&keys("", 30, 34_000));
        tf.apply();
        assert_eq!(mock.vps_keys().len(), 30);
        let (n, limited) = (mock.requests().len(), count_429(&mock));
        eprintln!("[figures] 30 keys at 5/s, pacing {pacing}: {n} requests, {limited} 429s");
        limited
    };
    let paced = run("on");
    assert!(paced <= BOUND, "{paced} 429s with pacing");
    let unpaced = run("off");
    assert!(
        unpaced > BOUND,
        "the bound fails without pacing: {unpaced} 429s"
    );
}

#[test]
fn a_pause_past_retry_deadline_fails_saying_so() {
    // Two requests an hour: the window is spent after the first reads.
    let mock = limited(2, 3600);
    let tf = Tf::new(&mock);
    tf.config(&keys(
        "provider \"hostup\" {\n  retry_deadline = \"5s\"\n}\n",
        3,
        35_000,
    ));
    let started = std::time::Instant::now();
    let out = tf.apply_err();
    let text = out.text();
    assert!(text.contains("retry_deadline of 5s"), "{}", out.all());
    assert!(
        text.contains("asked to wait") || text.contains("resets in"),
        "{}",
        out.all()
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "failed at once, not after the wait"
    );
    // Every call of the process shares the pause: they do not each collect a 429.
    assert!(count_429(&mock) <= 1, "{:?}", mock.requests());
}
