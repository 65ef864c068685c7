//! `hostup_vps_instances`: every page of `GET /api/v2/vps`, HostUp's `name` and `primaryIp`
//! filters sent and checked again, and bad filters refused before any request.

use crate::common::*;
use hostup_mock::Faults;
use serde_json::json;

const LIST: &str = "GET /api/v2/vps";

/// 205 instances (three pages of 100): `vm-0` … `vm-204` on 10.0.0.0 … 10.0.0.204, one with no
/// IP and no power state.
fn many() -> Seed {
    let mut list: Vec<serde_json::Value> = (0..205)
        .map(|i| json!({"id": format!("vps_{i:026}"), "name": format!("vm-{i}"), "primaryIp": format!("10.0.0.{i}")}))
        .collect();
    list.push(json!({"id": "vps_bare", "name": "bare", "primaryIp": null, "powerState": null, "serviceStatus": "pending"}));
    serde_json::from_value(json!({ "vpsInstances": list })).expect("seed")
}

fn instances(tf: &Tf, address: &str) -> Vec<serde_json::Value> {
    tf.values(address)["instances"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn every_page_and_both_filters() {
    let mock = MockServer::start(many());
    let tf = Tf::new(&mock);
    tf.config(
        r#"
data "hostup_vps_instances" "all" {}

data "hostup_vps_instances" "by_name" {
  name = "VM-7"
}

data "hostup_vps_instances" "by_ip" {
  primary_ip = "10.0.0.150"
}

output "by_name_id" {
  value = one(data.hostup_vps_instances.by_name.instances).id
}
"#,
    );
    tf.apply();
    let all = instances(&tf, "data.hostup_vps_instances.all");
    assert_eq!(all.len(), 206);
    assert_eq!(all[0]["id"], json!(format!("vps_{:026}", 0)));
    assert_eq!(all[0]["service_status"], json!("active"));
    assert_eq!(all[0]["power_state"], json!("running"));
    let bare = &all[205];
    assert_eq!(bare["primary_ip"], json!(null));
    assert_eq!(bare["power_state"], json!(null));
    assert_eq!(bare["service_status"], json!("pending"));
    let by_name = instances(&tf, "data.hostup_vps_instances.by_name");
    assert_eq!(by_name.len(), 1, "{by_name:?}");
    assert_eq!(by_name[0]["name"], json!("vm-7"));
    let by_ip = instances(&tf, "data.hostup_vps_instances.by_ip");
    assert_eq!(by_ip.len(), 1);
    assert_eq!(by_ip[0]["name"], json!("vm-150"));

    let reqs: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.route_key() == LIST)
        .collect();
    let queries: Vec<String> = reqs.iter().filter_map(|r| r.query.clone()).collect();
    assert!(
        queries.iter().any(|q| q.contains("name=VM-7")),
        "{queries:?}"
    );
    assert!(
        queries.iter().any(|q| q.contains("primaryIp=10.0.0.150")),
        "{queries:?}"
    );
    let pages = queries
        .iter()
        .filter(|q| !q.contains("name=") && !q.contains("primaryIp="))
        .count();
    assert_eq!(pages, 3, "three pages of 100: {queries:?}");
    assert!(queries.iter().all(|q| q.contains("limit=100")));
}

#[test]
fn a_server_that_ignores_the_filters_returns_no_other_machine() {
    let mock = MockServer::start(many());
    mock.set_faults(Faults {
        ignore_vps_filters: true,
        ..Faults::default()
    });
    let tf = Tf::new(&mock);
    tf.config("data \"hostup_vps_instances\" \"w\" {\n  name       = \"vm-12\"\n  primary_ip = \"10.0.0.12\"\n}\n");
    tf.apply();
    let found = instances(&tf, "data.hostup_vps_instances.w");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["id"], json!(format!("vps_{:026}", 12)));
}

#[test]
fn bad_filters_are_refused_at_plan_with_no_request() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    for (body, message, at) in [
        (
            "primary_ip = \"10.0.0.300\"",
            "is not an IP address",
            "primary_ip =",
        ),
        (
            "primary_ip = \"10.0.0.1:22\"",
            "without a port",
            "primary_ip =",
        ),
        ("name = \"  \"", "Invalid name filter", "name ="),
    ] {
        tf.config(&format!(
            "data \"hostup_vps_instances\" \"d\" {{\n  {body}\n}}\n"
        ));
        let out = tf.plan_err();
        let text = out.text();
        assert!(text.contains(message), "{body}: {}", out.all());
        assert!(text.contains(at), "{body}: {}", out.all());
    }
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

#[test]
fn a_list_that_never_ends_is_an_error() {
    let mock = MockServer::start(Seed::default());
    mock.set_faults(
        serde_json::from_value(json!({"brokenReplies": [
            {"route": LIST, "shape": "endlessList", "count": 100000}
        ]}))
        .expect("faults"),
    );
    let tf = Tf::new(&mock);
    tf.config("data \"hostup_vps_instances\" \"d\" {}\n");
    let out = tf.plan_err();
    assert!(
        out.text().contains("did not end after 1000 pages"),
        "{}",
        out.all()
    );
    assert_eq!(mock.count(LIST), 1000);
}
