//! Reads the server cannot stretch or turn against the user: a list that never ends is an error
//! (never an inventory, so the state is kept), readers waiting on one failing read share its
//! retries instead of each starting their own, and the key never goes through a proxy to a
//! loopback endpoint.

use crate::common::*;
use hostup_mock::{BrokenReply, BrokenShape, Faults};
use serde_json::json;
use std::io::Read;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const LIST: &str = "GET /api/v2/ssh-keys";

fn one_key() -> String {
    format!(
        "resource \"hostup_vps_ssh_key\" \"k\" {{\n  name       = \"k\"\n  public_key = {}\n}}\n",
        hcl(&test_key(51, ""))
    )
}

/// A key in the state; then `count` list replies broken as `shape`: the plan fails saying
/// `why` after `gets` list requests, plans nothing, and the state keeps the key.
fn broken_list_keeps_the_state(shape: BrokenShape, count: u32, why: &str, gets: usize) {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&one_key());
    tf.apply();
    let id = tf.values("hostup_vps_ssh_key.k")["id"].clone();
    mock.clear_requests();
    mock.set_faults(Faults {
        broken_replies: vec![BrokenReply {
            route: LIST.into(),
            shape,
            count,
        }],
        ..Faults::default()
    });
    let out = tf.plan_err();
    let text = out.text();
    assert!(text.contains(why), "{text}");
    assert!(!text.contains("will be created"), "{text}");
    assert_eq!(mock.count(LIST), gets, "{shape:?}: list requests");
    assert_eq!(tf.values("hostup_vps_ssh_key.k")["id"], id, "state kept");
    mock.set_faults(Faults::default());
    assert!(
        tf.plan().changed().is_empty(),
        "nothing to change once it is fixed"
    );
}

#[test]
fn a_list_that_never_ends_is_an_error_and_the_state_is_kept() {
    // One bounded walk, no retries.
    let why = "did not end after 1000 pages";
    broken_list_keeps_the_state(BrokenShape::EndlessList, 100_000, why, 1000);
}

#[test]
fn a_list_that_repeats_its_keys_is_an_error_and_the_state_is_kept() {
    // Stopped at the page that repeats.
    broken_list_keeps_the_state(BrokenShape::RepeatedPage, 2, "is listed twice", 2);
}

#[test]
fn readers_of_one_failing_read_share_its_retries() {
    let mock = MockServer::start(Seed::default());
    mock.insert_vps_key("a", ED25519_A);
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", TOKEN),
        ("HOSTUP_MAX_RETRIES", "2"),
    ]);
    let sources: String = (0..5)
        .map(|i| {
            format!("data \"hostup_vps_ssh_keys\" \"d{i}\" {{\n  name_regex = \"^d{i}\"\n}}\n")
        })
        .collect();
    tf.config(&sources);
    mock.set_faults(serde_json::from_value(json!({"rate429": 1.0, "retryAfterSecs": 2})).unwrap());
    let started = Instant::now();
    let out = tf.plan_err();
    let took = started.elapsed();
    assert!(out.text().contains("429"), "{}", out.text());
    eprintln!(
        "[figures] 5 data sources under constant 429s: {} requests in {took:?}",
        mock.count(LIST)
    );
    assert_eq!(
        mock.count(LIST),
        3,
        "one read and its 2 retries, shared by all five"
    );
}

/// A listener that counts the connections it is offered and answers none.
fn catching_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut conn = conn;
            let _ = conn.set_read_timeout(Some(Duration::from_millis(200)));
            let _ = conn.read(&mut [0u8; 1024]);
        }
    });
    (format!("http://{addr}"), seen)
}

#[test]
fn a_loopback_endpoint_never_goes_through_a_proxy() {
    let mock = MockServer::start(Seed::default());
    let (proxy, seen) = catching_proxy();
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", TOKEN),
        ("HOSTUP_MAX_RETRIES", "0"),
        ("HOSTUP_REQUEST_TIMEOUT", "3s"),
        ("HTTP_PROXY", &proxy),
        ("http_proxy", &proxy),
        ("HTTPS_PROXY", &proxy),
        ("ALL_PROXY", &proxy),
        ("NO_PROXY", ""),
        ("no_proxy", ""),
    ]);
    tf.config(&one_key());
    tf.apply();
    assert_eq!(mock.vps_keys().len(), 1);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "the proxy was offered the request (and the key)"
    );
    tf.destroy();
}
