//! Exact request counts (not timings): a refresh of N keys shares one inventory walk, so it costs
//! about the inventory's page count, not N walks.

use crate::common::*;

const LIST: &str = "GET /api/v2/ssh-keys";

fn keys_config(n: u32) -> String {
    let keys: Vec<String> = (0..n)
        .map(|i| format!("    k{i} = {}", hcl(&test_key(20_000 + i, ""))))
        .collect();
    format!(
        "locals {{\n  keys = {{\n{}\n  }}\n}}\n\nresource \"hostup_vps_ssh_key\" \"k\" {{\n  for_each   = local.keys\n  name       = each.key\n  public_key = each.value\n}}\n",
        keys.join("\n")
    )
}

#[test]
fn refresh_of_n_keys_costs_the_page_count_not_n_walks() {
    let n: usize = 250;
    let pages = n.div_ceil(100);
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&keys_config(n as u32));
    tf.apply();
    assert_eq!(mock.vps_keys().len(), n);
    assert_eq!(mock.count("POST /api/v2/ssh-keys"), n, "one create per key");
    // What was there before the first create is read once (the account was empty: one page),
    // shared by every create: only a key absent then may be adopted after a lost reply.
    assert_eq!(
        mock.count(LIST),
        1,
        "creating reads the inventory once, not once per key"
    );

    mock.clear_requests();
    let out = tf.run(&[
        "plan",
        "-refresh-only",
        "-input=false",
        "-no-color",
        "-detailed-exitcode",
    ]);
    assert!(out.ok, "{}", out.all());
    let lists = mock.count(LIST);
    eprintln!("[figures] refresh-only plan of {n} keys: {lists} list requests (pages: {pages})");
    assert!(lists <= pages + 1, "{lists} list requests for {n} keys");
    assert!(lists >= pages, "every page is read");
    assert_eq!(mock.requests().len(), lists, "nothing but list requests");

    mock.clear_requests();
    assert!(tf.plan().changed().is_empty());
    assert!(
        mock.count(LIST) <= pages + 1,
        "a normal plan: {}",
        mock.count(LIST)
    );

    // A rename of one key reads the shared inventory once for the canRename check.
    mock.clear_requests();
    let renamed = keys_config(n as u32).replacen(
        "name       = each.key",
        "name       = \"renamed-${each.key}\"",
        1,
    );
    tf.config(&renamed);
    let plan = tf.plan();
    assert_eq!(plan.changed().len(), n, "every key renamed");
    assert!(
        mock.count(LIST) <= pages + 1,
        "plan with {n} rename checks: {}",
        mock.count(LIST)
    );

    mock.clear_requests();
    tf.destroy();
    let deletes = mock.count("DELETE /api/v2/ssh-keys/{id}");
    let lists = mock.count(LIST);
    eprintln!("[figures] destroy of {n} keys: {deletes} deletes, {lists} list requests");
    assert_eq!(deletes, n);
    // `terraform destroy` runs a refresh, a destroy plan and the apply, each with its own
    // provider process: at most one shared walk in each, not one per key.
    assert!(lists <= 3 * (pages + 1), "destroy listed {lists} times");
    assert!(mock.vps_keys().is_empty());
}

#[test]
fn hosting_refresh_lists_each_account_once() {
    let account = "acct_01hxa3b4c5d6e7f8g9h0j1k2m3";
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    let blocks: Vec<String> = (0..30)
        .map(|i| {
            format!(
                "resource \"hostup_hosting_ssh_key\" \"k{i}\" {{\n  account_id = \"{account}\"\n  name = \"k{i}\"\n  public_key = {}\n}}\n",
                hcl(&test_key(30_000 + i, ""))
            )
        })
        .collect();
    tf.config(&blocks.join("\n"));
    tf.apply();
    assert_eq!(mock.hosting_keys(account).len(), 30);
    let lists_during_apply = mock.count("GET /api/v2/shared-hosting/{accountId}/ssh-keys");
    assert!(
        lists_during_apply <= 2,
        "canAdd checks share one list: {lists_during_apply}"
    );
    mock.clear_requests();
    let out = tf.run(&["plan", "-refresh-only", "-input=false", "-no-color"]);
    assert!(out.ok, "{}", out.all());
    assert_eq!(
        mock.count("GET /api/v2/shared-hosting/{accountId}/ssh-keys"),
        1
    );
}
