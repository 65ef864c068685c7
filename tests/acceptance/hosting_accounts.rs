//! `hostup_hosting_accounts`: every account of `GET /api/v2/shared-hosting` over several pages,
//! filtered by `name_regex` and `service_status`; bad filters refused at plan with no request.

use crate::common::*;
use serde_json::{json, Value};

const LIST: &str = "GET /api/v2/shared-hosting";

/// The default account plus 249 more (250: three pages of the provider's 100), every tenth
/// suspended, every fifth with a custom name.
fn many_accounts() -> MockServer {
    let mut accounts = vec![json!({
        "id": hostup_mock::fixtures::HOSTING_ACCOUNT_ID,
        "primaryDomain": hostup_mock::fixtures::HOSTING_DOMAIN,
    })];
    for i in 1..250 {
        accounts.push(json!({
            "id": format!("acct_{i:04}"),
            "primaryDomain": format!("site-{i}.example"),
            "domains": [format!("site-{i}.example"), format!("www.site-{i}.example")],
            "customName": if i % 5 == 0 { json!(format!("Shop {i}")) } else { json!(null) },
            "serviceStatus": if i % 10 == 0 { "suspended" } else { "active" },
        }));
    }
    MockServer::start(serde_json::from_value(json!({ "hostingAccounts": accounts })).unwrap())
}

fn outputs(tf: &Tf) -> Value {
    let out = tf.run(&["output", "-json"]);
    assert!(out.ok, "{}", out.all());
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn every_page_is_read_and_both_filters_apply() {
    let mock = many_accounts();
    let tf = Tf::new(&mock);
    tf.config(
        r#"
data "hostup_hosting_accounts" "all" {}

data "hostup_hosting_accounts" "suspended_shops" {
  name_regex     = "^Shop "
  service_status = "suspended"
}

data "hostup_hosting_accounts" "main" {
  name_regex = "^example\\.se$"
}

output "count" {
  value = length(data.hostup_hosting_accounts.all.accounts)
}

output "shops" {
  value = data.hostup_hosting_accounts.suspended_shops.accounts
}

output "account_id" {
  value = one(data.hostup_hosting_accounts.main.accounts).id
}
"#,
    );
    tf.apply();
    let o = outputs(&tf);
    assert_eq!(o["count"]["value"], json!(250));
    assert_eq!(
        o["account_id"]["value"],
        json!(hostup_mock::fixtures::HOSTING_ACCOUNT_ID)
    );
    let shops = o["shops"]["value"].as_array().unwrap();
    let ids: Vec<&str> = shops.iter().map(|a| a["id"].as_str().unwrap()).collect();
    let want: Vec<String> = (1..250)
        .filter(|i| i % 10 == 0)
        .map(|i| format!("acct_{i:04}"))
        .collect();
    assert_eq!(ids, want);
    assert_eq!(
        shops[0],
        json!({
            "id": "acct_0010",
            "name": "Shop 10",
            "primary_domain": "site-10.example",
            "domains": ["site-10.example", "www.site-10.example"],
            "custom_name": "Shop 10",
            "service_status": "suspended",
        })
    );
    // Three data sources share one read of every page: 3 requests, each with the largest page.
    let lists: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.route_key() == LIST)
        .collect();
    assert_eq!(
        lists.len(),
        3,
        "{:?}",
        lists.iter().map(|r| &r.query).collect::<Vec<_>>()
    );
    assert!(lists
        .iter()
        .all(|r| r.query.as_deref().unwrap_or("").contains("limit=100")));
    assert!(lists.iter().all(|r| r.status == 200));
}

#[test]
fn bad_filters_are_refused_at_plan_with_no_request() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config("data \"hostup_hosting_accounts\" \"a\" {\n  name_regex = \"(unclosed\"\n}\n");
    let out = tf.plan_err();
    let text = out.text();
    assert!(text.contains("Invalid regular expression"), "{}", out.all());
    assert!(
        text.contains("`name_regex` is not a valid regular expression"),
        "{}",
        out.all()
    );
    assert!(
        text.contains("name_regex"),
        "on the attribute: {}",
        out.all()
    );

    tf.config("data \"hostup_hosting_accounts\" \"a\" {\n  service_status = \"Active\"\n}\n");
    let out = tf.plan_err();
    let text = out.text();
    assert!(text.contains("Invalid service_status"), "{}", out.all());
    assert!(
        text.contains("active, pending, suspended, cancelled, terminated, expired, fraud, unknown"),
        "{}",
        out.all()
    );
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

#[test]
fn the_account_list_needs_only_read_hosting() {
    let seed: Seed = serde_json::from_value(json!({
        "tokens": [{"token": "vm-only", "scopes": ["read:vm"], "accountId": "20000"}]
    }))
    .unwrap();
    let mock = MockServer::start(seed);
    let tf = Tf::with_env(&[
        ("HOSTUP_ENDPOINT", mock.url().as_str()),
        ("HOSTUP_API_KEY", "vm-only"),
    ]);
    tf.config("data \"hostup_hosting_accounts\" \"a\" {}\n");
    let out = tf.plan_err();
    let text = out.text();
    assert!(
        text.contains("GET /api/v2/shared-hosting needs the scope `read:hosting`"),
        "{}",
        out.all()
    );
}
