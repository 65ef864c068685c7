//! Importing keys by what users see, through the real CLI against the mock: a VPS key by id,
//! `SHA256:` or MD5 fingerprint, or `name:<name>`; a hosting key by `accountId/keyId` or
//! `accountId/<SHA256 or MD5 fingerprint>`. With Terraform ≥ 1.5 also `import {}` blocks and
//! `plan -generate-config-out`; an older CLI is checked on what it has (`terraform import`).

use crate::common::*;
use serde_json::json;

const ACCOUNT: &str = "acct_01hxa3b4c5d6e7f8g9h0j1k2m3";
const VPS: &str = "hostup_vps_ssh_key.deploy";
const HOSTING: &str = "hostup_hosting_ssh_key.laptop";

fn vps_config(name: &str, key: &str) -> String {
    format!(
        "resource \"hostup_vps_ssh_key\" \"deploy\" {{\n  name       = {}\n  public_key = {}\n}}\n",
        hcl(name),
        hcl(key)
    )
}

fn hosting_config(name: &str, key: &str) -> String {
    format!(
        "resource \"hostup_hosting_ssh_key\" \"laptop\" {{\n  account_id = \"{ACCOUNT}\"\n  \
         name       = {}\n  public_key = {}\n}}\n",
        hcl(name),
        hcl(key)
    )
}

/// A mock with one hosting key on [`ACCOUNT`]; `withheld` lists it with `publicKey: null`.
fn hosting_seed(name: &str, key: &str, withheld: bool) -> Seed {
    serde_json::from_value(json!({
        "hostingAccounts": [{
            "id": ACCOUNT, "accountId": "20000",
            "sshKeys": [{"name": name, "publicKey": key, "id": "ssh_laptop000000000000000001",
                         "withholdPublicKey": withheld}]
        }]
    }))
    .unwrap()
}

fn assert_empty_plan(tf: &Tf) {
    let plan = tf.plan();
    assert!(plan.changed().is_empty(), "{:?}", plan.changed());
}

#[test]
fn vps_key_by_id_fingerprint_or_name() {
    let mock = MockServer::start(Seed::default());
    let deploy = mock.insert_vps_key("deploy", &test_key(1, "ops@example.com"));
    let twin_a = mock.insert_vps_key("twin", &test_key(2, ""));
    let twin_b = mock.insert_vps_key("twin", &test_key(3, ""));
    let tf = Tf::new(&mock);
    // The same key with another comment and file()'s newline.
    tf.config(&vps_config(
        "deploy",
        &format!("{}\n", test_key(1, "laptop")),
    ));

    let md5 = fingerprint_md5(&test_key(1, ""));
    let sha = fingerprint(&test_key(1, ""));
    for id in [
        sha.clone(),
        // The prefixes in any case, as people type them.
        sha.replacen("SHA256:", "sha256:", 1),
        format!("MD5:{md5}"),
        format!("md5:{}", md5.to_uppercase()),
        md5.to_uppercase(),
        "name:deploy".to_string(),
        deploy.id.clone(),
    ] {
        let out = tf.import(VPS, &id);
        assert!(out.ok, "import {id}:\n{}", out.all());
        let v = tf.values(VPS);
        assert_eq!(v["id"], json!(deploy.id), "{id}");
        assert_eq!(
            v["fingerprint_md5"],
            json!(fingerprint_md5(&test_key(1, "")))
        );
        assert_empty_plan(&tf);
        let out = tf.run(&["state", "rm", VPS]);
        assert!(out.ok, "{}", out.all());
    }

    // Two keys named "twin": an error listing both, with their fingerprints.
    let out = tf.import(VPS, "name:twin");
    assert!(!out.ok);
    let text = out.text();
    assert!(
        text.contains("More than one SSH key matches"),
        "{}",
        out.all()
    );
    for k in [&twin_a, &twin_b] {
        let line = format!("{} ({})", k.id, k.fingerprint.as_deref().unwrap());
        assert!(text.contains(&line), "{line} missing:\n{}", out.all());
    }
    assert!(
        text.contains(&format!(
            "terraform import hostup_vps_ssh_key.<name> {}",
            twin_a.id
        )),
        "{}",
        out.all()
    );

    for (id, says) in [
        (fingerprint(&test_key(9, "")), "has fingerprint SHA256:"),
        ("name:nobody".to_string(), "has name \"nobody\""),
        ("ssh_nothing".to_string(), "has id \"ssh_nothing\""),
    ] {
        let out = tf.import(VPS, &id);
        assert!(!out.ok, "{id} imported");
        let text = out.text();
        assert!(text.contains("SSH key not found"), "{}", out.all());
        assert!(text.contains(says), "{says:?}:\n{}", out.all());
        assert!(text.contains("(3 keys searched)"), "{}", out.all());
        // A text that reads as an id may have been meant as another form: the forms are listed.
        let lists_forms = text.contains("An import ID is the HostUp id of a VPS SSH key")
            && text.contains("name:<name>");
        assert_eq!(lists_forms, id == "ssh_nothing", "{id}:\n{}", out.all());
    }
    assert!(tf.addresses().is_empty());
    assert_eq!(mock.write_count(), 0);
}

#[test]
fn hosting_key_by_account_and_fingerprint() {
    let key = test_key(7, "laptop");
    let mock = MockServer::start(hosting_seed("laptop", &key, false));
    let tf = Tf::new(&mock);
    tf.config(&hosting_config("laptop", &format!("{}\n", test_key(7, ""))));

    let unknown = format!("{ACCOUNT}/{}", fingerprint(&test_key(8, "")));
    let out = tf.import(HOSTING, &unknown);
    assert!(!out.ok);
    assert!(
        out.text().contains(&format!(
            "No SSH key in hosting account {ACCOUNT} has fingerprint"
        )),
        "{}",
        out.all()
    );

    for id in [fingerprint(&key), fingerprint_md5(&key)] {
        let out = tf.import(HOSTING, &format!("{ACCOUNT}/{id}"));
        assert!(out.ok, "{}", out.all());
        let v = tf.values(HOSTING);
        assert_eq!(v["id"], json!("ssh_laptop000000000000000001"));
        assert_eq!(v["fingerprint_md5"], json!(fingerprint_md5(&key)));
        assert_empty_plan(&tf);
        let out = tf.run(&["state", "rm", HOSTING]);
        assert!(out.ok, "{}", out.all());
    }
    assert_eq!(mock.write_count(), 0);
}

/// `import {}` blocks by fingerprint and by name, the configuration generated from them, then an
/// empty plan. Before 1.5 there are no import blocks: the same keys through `terraform import`.
#[test]
fn import_blocks_and_generated_config_plan_clean() {
    let vps_key = test_key(1, "ops@example.com");
    let hosting_key = test_key(2, "laptop");
    let mock = MockServer::start(hosting_seed("laptop", &hosting_key, false));
    let deploy = mock.insert_vps_key("deploy", &vps_key);
    let vps_id = fingerprint(&vps_key);
    let hosting_id = format!("{ACCOUNT}/{}", fingerprint(&hosting_key));
    let tf = Tf::new(&mock);

    if !cli().has_import_blocks() {
        variant(
            "import_blocks",
            "no import blocks before 1.5: checked that the CLI refuses one, and `terraform \
             import` by fingerprint of both keys instead",
        );
        tf.config(&format!(
            "import {{\n  to = {VPS}\n  id = {}\n}}\n",
            hcl(&vps_id)
        ));
        let out = tf.run(&["validate", "-no-color"]);
        assert!(
            !out.ok && out.text().contains("Unsupported block type"),
            "{}",
            out.all()
        );

        tf.config(&format!(
            "{}{}",
            vps_config("deploy", &vps_key),
            hosting_config("laptop", &hosting_key)
        ));
        for (addr, id) in [(VPS, &vps_id), (HOSTING, &hosting_id)] {
            let out = tf.import(addr, id);
            assert!(out.ok, "import {id}:\n{}", out.all());
        }
        assert_eq!(tf.values(VPS)["id"], json!(deploy.id));
        assert_empty_plan(&tf);
        assert_eq!(mock.write_count(), 0);
        return;
    }
    variant("import_blocks", "import blocks and -generate-config-out");

    for (vps_by, what) in [(vps_id.as_str(), "fingerprint"), ("name:deploy", "name")] {
        let _ = std::fs::remove_file(tf.dir.join("generated.tf"));
        let _ = std::fs::remove_file(tf.dir.join("terraform.tfstate"));
        tf.config(&format!(
            "import {{\n  to = {VPS}\n  id = {}\n}}\n\nimport {{\n  to = {HOSTING}\n  id = {}\n}}\n",
            hcl(vps_by),
            hcl(&hosting_id)
        ));
        let out = tf.run(&[
            "plan",
            "-input=false",
            "-no-color",
            "-generate-config-out=generated.tf",
        ]);
        assert!(out.ok, "plan -generate-config-out ({what}):\n{}", out.all());
        let generated = std::fs::read_to_string(tf.dir.join("generated.tf")).unwrap();
        for line in [
            "name       = \"deploy\"".to_string(),
            format!("public_key = {}", hcl(&vps_key)),
            format!("account_id = \"{ACCOUNT}\""),
            format!("public_key = {}", hcl(&hosting_key)),
        ] {
            assert!(generated.contains(&line), "{line:?} not in:\n{generated}");
        }

        // The plan imports both and changes nothing; after the apply, the plan is empty.
        let plan = tf.plan();
        assert!(plan.changed().is_empty(), "{what}: {:?}", plan.changed());
        tf.apply();
        assert_eq!(tf.values(VPS)["id"], json!(deploy.id));
        assert_eq!(
            tf.values(HOSTING)["fingerprint_md5"],
            json!(fingerprint_md5(&hosting_key))
        );
        assert_empty_plan(&tf);
    }
    assert_eq!(mock.write_count(), 0, "importing sends no write");
}

/// A hosting key HostUp lists with `publicKey: null` imports by fingerprint, with `public_key`
/// and `fingerprint_md5` null; giving the key in the configuration then only updates the state
/// (no replacement, nothing sent). Generated configuration says `public_key = null`.
#[test]
fn hosting_key_listed_without_key_material() {
    let key = test_key(5, "laptop");
    let mock = MockServer::start(hosting_seed("laptop", &key, true));
    let id = format!("{ACCOUNT}/{}", fingerprint(&key));
    let tf = Tf::new(&mock);
    // Another comment and file()'s newline: still the same key.
    let given = format!("{}\n", test_key(5, "other"));
    tf.config(&hosting_config("laptop", &given));

    // The MD5 fingerprint needs the key material.
    let out = tf.import(HOSTING, &format!("{ACCOUNT}/{}", fingerprint_md5(&key)));
    assert!(!out.ok);
    assert!(out.text().contains("has MD5 fingerprint"), "{}", out.all());

    let out = tf.import(HOSTING, &id);
    assert!(out.ok, "{}", out.all());
    let v = tf.values(HOSTING);
    assert_eq!(v["public_key"], json!(null));
    assert_eq!(v["fingerprint"], json!(fingerprint(&key)));
    assert_eq!(v["fingerprint_md5"], json!(null), "no key material, no MD5");

    let plan = tf.plan();
    assert_eq!(plan.actions(HOSTING), ["update"], "not a replacement");
    assert_eq!(
        plan.after(HOSTING)["fingerprint_md5"],
        json!(fingerprint_md5(&key))
    );
    tf.apply();
    assert_eq!(mock.write_count(), 0, "nothing sent");
    assert_eq!(
        tf.values(HOSTING)["fingerprint_md5"],
        json!(fingerprint_md5(&key))
    );
    assert_empty_plan(&tf);

    if !cli().has_import_blocks() {
        variant(
            "withheld_key",
            "no import blocks before 1.5: generated configuration not checked",
        );
        return;
    }
    variant("withheld_key", "generated configuration checked too");
    let tf = Tf::new(&mock);
    tf.config(&format!(
        "import {{\n  to = {HOSTING}\n  id = {}\n}}\n",
        hcl(&id)
    ));
    let out = tf.run(&[
        "plan",
        "-input=false",
        "-no-color",
        "-generate-config-out=generated.tf",
    ]);
    // The generated `public_key = null` is refused at validate time: nothing is planned with it.
    assert!(!out.ok, "{}", out.all());
    assert!(
        out.text()
            .contains("`public_key` is null, but it is required"),
        "{}",
        out.all()
    );
    let generated = std::fs::read_to_string(tf.dir.join("generated.tf")).unwrap();
    assert!(generated.contains("public_key = null"), "{generated}");
    // What the user does next: put the key there. The import then updates the state as above.
    std::fs::write(
        tf.dir.join("generated.tf"),
        generated.replace(
            "public_key = null",
            &format!("public_key = {}", hcl(&given)),
        ),
    )
    .unwrap();
    let plan = tf.plan();
    assert_eq!(plan.actions(HOSTING), ["update"], "import, then update");
    tf.apply();
    assert_eq!(
        tf.values(HOSTING)["fingerprint_md5"],
        json!(fingerprint_md5(&key))
    );
    assert_empty_plan(&tf);
    assert_eq!(mock.write_count(), 0);
}
