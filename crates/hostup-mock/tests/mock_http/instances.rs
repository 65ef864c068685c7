//! `GET /api/v2/vps` (pages, filters, bad cursor) and the v2 reset with its job.

use crate::common::*;
use hostup_mock::fixtures::{VPS_ID, VPS_IP, VPS_NAME};
use hostup_mock::{Faults, MockServer, Seed};
use serde_json::{json, Value};

fn fleet(n: usize) -> Seed {
    let list: Vec<Value> = (0..n)
        .map(|i| json!({"id": format!("vps_{i:04}"), "name": format!("Node-{i}"), "primaryIp": format!("10.1.0.{i}")}))
        .collect();
    serde_json::from_value(json!({"vpsInstances": list})).unwrap()
}

#[tokio::test]
async fn the_default_world_has_the_documented_vps() {
    let srv = MockServer::start(Seed::default());
    let r = get(&srv, "/api/v2/vps").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["data"][0]["id"], VPS_ID);
    assert_eq!(v["data"][0]["name"], VPS_NAME);
    assert_eq!(v["data"][0]["primaryIp"], VPS_IP);
    assert_eq!(v["hasMore"], false);
}

#[tokio::test]
async fn pages_filters_and_a_bad_cursor() {
    let srv = MockServer::start(fleet(5));
    let p1 = get(&srv, "/api/v2/vps?limit=2").await.json();
    assert_eq!(p1["data"].as_array().unwrap().len(), 2);
    assert_eq!(p1["hasMore"], true);
    let c = p1["nextCursor"].as_str().unwrap().to_string();
    let p2 = get(&srv, &format!("/api/v2/vps?limit=2&cursor={c}"))
        .await
        .json();
    assert_eq!(p2["data"][0]["id"], "vps_0002");
    let r = get(&srv, "/api/v2/vps?cursor=forged").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.problem().code.as_deref(), Some("invalid_cursor"));
    let r = get(&srv, "/api/v2/vps?limit=0").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.problem().code.as_deref(), Some("invalid_request"));

    let by_name = get(&srv, "/api/v2/vps?name=node-3").await.json();
    assert_eq!(by_name["data"].as_array().unwrap().len(), 1);
    assert_eq!(by_name["data"][0]["name"], "Node-3");
    assert_eq!(
        get(&srv, "/api/v2/vps?name=node").await.json()["data"],
        json!([])
    );
    let by_ip = get(&srv, "/api/v2/vps?primaryIp=10.1.0.4").await.json();
    assert_eq!(by_ip["data"][0]["id"], "vps_0004");

    srv.set_faults(Faults {
        ignore_vps_filters: true,
        ..Faults::default()
    });
    let all = get(&srv, "/api/v2/vps?name=node-3").await.json();
    assert_eq!(all["data"].as_array().unwrap().len(), 5, "filters ignored");
}

fn with_key() -> Seed {
    serde_json::from_value(json!({
        "vpsKeys": [{"name": "a", "publicKey": ED25519_A, "id": "ssh_a"}]
    }))
    .unwrap()
}

#[tokio::test]
async fn a_reset_job_passes_through_its_statuses() {
    let srv = MockServer::start(with_key());
    let path = format!("/api/v2/vps/{VPS_ID}/actions/reset-ssh-keys");
    let r = post(&srv, &path, json!({"keyIds": ["ssh_a"]})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let op = r.json()["operation"].clone();
    assert_eq!(op["status"], "queued");
    assert_eq!(op["result"], Value::Null);
    let job = op["jobId"].as_str().unwrap().to_string();
    let poll = op["pollUrl"].as_str().unwrap().to_string();
    assert_eq!(poll, format!("/api/jobs/{job}"));
    let s1 = get(&srv, &poll).await.json();
    assert_eq!(s1["operation"]["status"], "in_progress");
    let s2 = get(&srv, &poll).await.json();
    assert_eq!(s2["operation"]["status"], "completed");
    assert!(s2["operation"]["result"]["message"].is_string());
    let resets = srv.vps_resets();
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0].status, "completed");
    assert_eq!(resets[0].key_ids, vec!["ssh_a".to_string()]);
    assert_eq!(srv.state_json()["vpsResets"][0]["jobId"], job.as_str());
}

#[tokio::test]
async fn a_failing_job_unknown_vps_and_unknown_keys() {
    let srv = MockServer::start(with_key());
    srv.set_faults(Faults {
        fail_reset_jobs: 1,
        reset_failure_message: "Disk busy.".into(),
        reset_job_polls: 1,
        ..Faults::default()
    });
    let path = format!("/api/v2/vps/{VPS_ID}/actions/reset-ssh-keys");
    let op = post(&srv, &path, json!({"keyIds": ["ssh_a"]})).await.json();
    let poll = op["operation"]["pollUrl"].as_str().unwrap().to_string();
    let end = get(&srv, &poll).await.json();
    assert_eq!(end["operation"]["status"], "failed");
    assert_eq!(end["operation"]["result"]["message"], "Disk busy.");
    // The knob is spent: the next reset completes.
    let op = post(&srv, &path, json!({"keyIds": ["ssh_a"]})).await.json();
    let poll = op["operation"]["pollUrl"].as_str().unwrap().to_string();
    assert_eq!(
        get(&srv, &poll).await.json()["operation"]["status"],
        "completed"
    );

    let r = post(
        &srv,
        "/api/v2/vps/vps_nope/actions/reset-ssh-keys",
        json!({"keyIds": ["ssh_a"]}),
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.problem().code.as_deref(), Some("not_found"));
    let r = post(
        &srv,
        &path,
        json!({"keyIds": ["ssh_a", "ssh_gone", "2830"]}),
    )
    .await;
    assert_eq!(r.status, 400);
    let p = r.problem();
    assert_eq!(p.code.as_deref(), Some("invalid_request"));
    let ptrs: Vec<String> = pointers(&p).into_iter().map(|(p, _)| p).collect();
    assert_eq!(ptrs, vec!["/keyIds/1", "/keyIds/2"]);
    let r = post(&srv, &path, json!({"keyIds": []})).await;
    assert_eq!(r.status, 400);
    let r = get(&srv, "/api/jobs/job_nope").await;
    assert_eq!(r.status, 404);
    assert_eq!(srv.vps_resets().len(), 2, "refused resets are not recorded");
}
