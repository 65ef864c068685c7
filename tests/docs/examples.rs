//! The examples under `examples/` (registry layout) with the real Terraform CLI and the built
//! provider: every example directory validates, every resource and data source type and every
//! function of the provider has one, the `import.sh` commands name their resource, and the complete scenario
//! `examples/demo` applies against the mock, then plans clean and destroys to nothing.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Resources that cannot be imported, so have no `import.sh`.
const NOT_IMPORTABLE: &[&str] = &["hostup_vm_ssh_reset"];

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn type_names(schema: &Value, key: &str) -> BTreeSet<String> {
    let types: BTreeSet<String> = schema[key]
        .as_object()
        .unwrap_or_else(|| panic!("schema has no {key}"))
        .keys()
        .cloned()
        .collect();
    assert!(!types.is_empty(), "schema has no {key} entries");
    types
}

/// Subdirectory names of `dir` (empty if it does not exist).
fn subdirs(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect()
}

/// Every example directory, relative to `examples/`: provider, resources/*, data-sources/*, and
/// any other top-level scenario (demo).
fn example_dirs() -> Vec<String> {
    let root = examples();
    let mut dirs = Vec::new();
    for top in subdirs(&root) {
        if top == "resources" || top == "data-sources" || top == "functions" {
            for d in subdirs(&root.join(&top)) {
                dirs.push(format!("{top}/{d}"));
            }
        } else {
            dirs.push(top);
        }
    }
    dirs
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read example directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy example file");
        }
    }
}

/// The `.tf` files of a directory (not recursive), concatenated.
fn tf_sources(dir: &Path) -> String {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read .tf file"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `src` declares `<kind> "<ty>"` (e.g. `resource "hostup_vps_ssh_key"`), optionally with
/// the given name.
fn declares(src: &str, kind: &str, ty: &str, name: Option<&str>) -> bool {
    let head = format!("{kind} \"{ty}\"");
    src.lines().any(|l| {
        let l = l.trim_start();
        match (l.strip_prefix(&head), name) {
            (Some(_), None) => true,
            (Some(rest), Some(n)) => rest.trim_start().starts_with(&format!("\"{n}\"")),
            (None, _) => false,
        }
    })
}

#[test]
fn every_example_validates_and_every_type_has_one() {
    let schema = provider_schema();
    let resources = type_names(&schema, "resource_schemas");
    let data_sources = type_names(&schema, "data_source_schemas");
    let root = examples();
    let mut problems: Vec<String> = Vec::new();

    // Coverage: the provider, each resource and each data source has its directory and file.
    let mut expected: Vec<(String, String, String)> = vec![(
        "provider/provider.tf".into(),
        "provider".into(),
        "hostup".into(),
    )];
    for ty in &resources {
        expected.push((
            format!("resources/{ty}/resource.tf"),
            "resource".into(),
            ty.clone(),
        ));
    }
    for ty in &data_sources {
        expected.push((
            format!("data-sources/{ty}/data-source.tf"),
            "data".into(),
            ty.clone(),
        ));
    }
    for (file, kind, ty) in &expected {
        match std::fs::read_to_string(root.join(file)) {
            Ok(src) if declares(&src, kind, ty, None) => {}
            Ok(_) => problems.push(format!("examples/{file} declares no {kind} \"{ty}\"")),
            Err(_) => problems.push(format!("examples/{file} is missing")),
        }
    }
    // Functions, from the provider itself: a CLI without provider functions does not list them.
    let functions: BTreeSet<String> = hostup::functions::all().into_keys().collect();
    for name in &functions {
        let file = format!("functions/{name}/function.tf");
        match std::fs::read_to_string(root.join(&file)) {
            Ok(src) if src.contains(&format!("provider::hostup::{name}(")) => {}
            Ok(_) => problems.push(format!("examples/{file} does not call {name}")),
            Err(_) => problems.push(format!("examples/{file} is missing")),
        }
    }
    for (dir, known) in [
        ("resources", &resources),
        ("data-sources", &data_sources),
        ("functions", &functions),
    ] {
        for stray in subdirs(&root.join(dir)).difference(known) {
            problems.push(format!(
                "examples/{dir}/{stray} is not a type of the provider"
            ));
        }
    }
    assert!(
        root.join("demo/main.tf").is_file(),
        "examples/demo/main.tf is missing"
    );

    // Every directory validates with the built provider; a CLI without provider functions
    // refuses the function examples in its own parser.
    let has_functions = cli().has_functions();
    variant(
        "examples",
        if has_functions {
            "function examples validated"
        } else {
            "function examples must fail to parse (provider functions need Terraform >= 1.8)"
        },
    );
    let dirs = example_dirs();
    assert!(
        dirs.len() >= expected.len(),
        "example directories: {dirs:?}"
    );
    for rel in &dirs {
        let tf = Tf::with_env(&[]);
        copy_dir(&root.join(rel), &tf.dir);
        let src = tf_sources(&tf.dir);
        if src.is_empty() {
            problems.push(format!("examples/{rel} has no .tf file"));
            continue;
        }
        if !src.contains("required_providers") {
            std::fs::write(tf.dir.join("versions.tf"), REQUIRED_PROVIDERS).expect("versions.tf");
        }
        let out = tf.run(&["validate", "-no-color"]);
        if rel.starts_with("functions/") && !has_functions {
            if out.ok || !out.text().contains("Missing newline after argument") {
                problems.push(format!(
                    "examples/{rel}: expected the CLI's parse error at the function call:\n{}",
                    out.all()
                ));
            }
        } else if !out.ok {
            problems.push(format!(
                "examples/{rel}: terraform validate failed:\n{}",
                out.all()
            ));
        }
    }
    assert!(problems.is_empty(), "examples:\n{}", problems.join("\n"));
}

/// `terraform import <address> <id>` from a script, as (address, id).
fn import_command(script: &str) -> Option<(String, String)> {
    script.lines().find_map(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        match words.as_slice() {
            ["terraform", "import", rest @ ..] => {
                let args: Vec<&str> = rest
                    .iter()
                    .copied()
                    .filter(|w| !w.starts_with('-'))
                    .collect();
                match args.as_slice() {
                    [addr, id] => Some((addr.to_string(), id.to_string())),
                    _ => None,
                }
            }
            _ => None,
        }
    })
}

#[test]
fn import_scripts_name_their_resource() {
    let root = examples().join("resources");
    let mut problems = Vec::new();
    let dirs = subdirs(&root);
    assert!(!dirs.is_empty(), "no examples/resources/*");
    for ty in &dirs {
        let dir = root.join(ty);
        let script = dir.join("import.sh");
        let Ok(text) = std::fs::read_to_string(&script) else {
            if !NOT_IMPORTABLE.contains(&ty.as_str()) {
                problems.push(format!("examples/resources/{ty}/import.sh is missing"));
            }
            continue;
        };
        let Some((addr, id)) = import_command(&text) else {
            problems.push(format!(
                "examples/resources/{ty}/import.sh has no `terraform import <address> <id>` line"
            ));
            continue;
        };
        // module.<m>.<type>.<name>[<key>]
        let mut parts: Vec<&str> = addr.split('.').collect();
        while parts.first() == Some(&"module") && parts.len() > 2 {
            parts.drain(..2);
        }
        let (addr_ty, addr_name) = match parts.as_slice() {
            [t, n] => (*t, n.split('[').next().unwrap_or(n)),
            _ => {
                problems.push(format!(
                    "examples/resources/{ty}/import.sh: `{addr}` is not a resource address"
                ));
                continue;
            }
        };
        if addr_ty != ty {
            problems.push(format!(
                "examples/resources/{ty}/import.sh imports into a {addr_ty}, not a {ty}"
            ));
        } else if !declares(&tf_sources(&dir), "resource", ty, Some(addr_name)) {
            problems.push(format!(
                "examples/resources/{ty}/import.sh imports into `{addr}`, which the example does \
                 not declare"
            ));
        }
        if id.is_empty() {
            problems.push(format!("examples/resources/{ty}/import.sh has an empty id"));
        }
    }
    assert!(problems.is_empty(), "import.sh:\n{}", problems.join("\n"));
}

/// `(account, name, fingerprint)` of every key of type `ty` a plan creates (the account is empty
/// for VPS keys).
fn planned_keys(plan: &Plan, ty: &str) -> BTreeSet<(String, String, String)> {
    plan.json["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["type"] == ty && c["mode"] == "managed")
        .map(|c| {
            let after = &c["change"]["after"];
            let account = after["account_id"].as_str().unwrap_or("").to_string();
            let name = after["name"].as_str().expect("planned name").to_string();
            let key = after["public_key"].as_str().expect("planned public_key");
            let fp = fingerprint(key.trim());
            assert_eq!(
                after["fingerprint"].as_str(),
                Some(fp.as_str()),
                "{}: planned fingerprint",
                c["address"]
            );
            (account, name, fp)
        })
        .collect()
}

/// `(account, name, fingerprint)` of the VPS keys the mock holds (account left empty).
fn mock_vps_keys(mock: &MockServer) -> BTreeSet<(String, String, String)> {
    mock.vps_keys()
        .into_iter()
        .map(|k| (String::new(), k.name, k.fingerprint.unwrap_or_default()))
        .collect()
}

/// `(account, name, fingerprint)` of the keys on every shared-hosting account of the mock.
fn mock_hosting_keys(mock: &MockServer) -> BTreeSet<(String, String, String)> {
    let state = mock.state_json();
    let accounts: Vec<String> = state["hostingAccounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["id"].as_str().map(str::to_string))
        .collect();
    assert!(
        !accounts.is_empty(),
        "mock state has no hosting account: {state}"
    );
    accounts
        .iter()
        .flat_map(|acct| {
            mock.hosting_keys(acct)
                .into_iter()
                .map(move |k| (acct.clone(), k.name, k.fingerprint.unwrap_or_default()))
        })
        .collect()
}

#[test]
fn demo_applies_plans_clean_and_destroys() {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    copy_dir(&examples().join("demo"), &tf.dir);

    // What the scenario declares, from its plan; planning writes nothing.
    let plan = tf.plan();
    let declared_vps = planned_keys(&plan, "hostup_vps_ssh_key");
    let declared_hosting = planned_keys(&plan, "hostup_hosting_ssh_key");
    assert!(!declared_vps.is_empty(), "the demo declares no VPS key");
    assert_eq!(mock.write_count(), 0, "plan sent a write");

    let out = tf.apply();
    assert_eq!(
        mock_vps_keys(&mock),
        declared_vps,
        "the mock holds other VPS keys than the demo declares:\n{}",
        out.all()
    );
    assert_eq!(mock.vps_keys().len(), declared_vps.len(), "duplicate keys");
    assert_eq!(
        mock_hosting_keys(&mock),
        declared_hosting,
        "the mock holds other hosting keys than the demo declares:\n{}",
        out.all()
    );

    // The state's ids are the mock's.
    let ids: BTreeSet<String> = mock.vps_keys().into_iter().map(|k| k.id).collect();
    let state = tf.state();
    for r in state["values"]["root_module"]["resources"]
        .as_array()
        .expect("state resources")
    {
        if r["type"] == "hostup_vps_ssh_key" && r["mode"] == "managed" {
            let id = r["values"]["id"].as_str().unwrap_or("");
            assert!(
                ids.contains(id),
                "{}: id {id} not in the mock",
                r["address"]
            );
        }
    }

    // Every output has a value.
    let outputs = tf.run(&["output", "-json"]);
    assert!(outputs.ok, "output failed:\n{}", outputs.all());
    let outputs: Value = serde_json::from_str(&outputs.stdout).expect("outputs JSON");
    for (name, o) in outputs.as_object().expect("outputs object") {
        assert!(!o["value"].is_null(), "output {name} is null");
    }

    // A second plan is empty and writes nothing.
    let writes = mock.write_count();
    let plan = tf.plan();
    assert!(
        plan.changed().is_empty(),
        "plan after apply: {:?}",
        plan.changed()
    );
    assert_eq!(mock.write_count(), writes, "plan after apply sent a write");

    tf.destroy();
    assert!(
        mock.vps_keys().is_empty(),
        "mock keeps {:?}",
        mock.vps_keys()
    );
    assert!(
        mock_hosting_keys(&mock).is_empty(),
        "mock keeps hosting keys {:?}",
        mock_hosting_keys(&mock)
    );
    assert!(
        tf.addresses().is_empty(),
        "state keeps {:?}",
        tf.addresses()
    );
}

/// Every example runs as written against `hostup-mock`'s example world (what it serves without
/// `--seed`): apply, a plan with nothing to do, destroy. Each directory gets its own mock, so
/// this also proves the ids an example names exist there; that two examples never share a key
/// is `examples_use_their_own_keys`.
#[test]
fn every_example_applies_against_the_example_world() {
    let root = examples();
    let has_functions = cli().has_functions();
    let mut problems = Vec::new();
    let mut ran = 0;
    for rel in example_dirs() {
        // The demo has its own test; a CLI without functions cannot parse the function examples.
        if rel == "demo" || (rel.starts_with("functions/") && !has_functions) {
            continue;
        }
        let mock = MockServer::start(Seed::example());
        let tf = Tf::new(&mock);
        copy_dir(&root.join(&rel), &tf.dir);
        if !tf_sources(&tf.dir).contains("required_providers") {
            std::fs::write(tf.dir.join("versions.tf"), REQUIRED_PROVIDERS).expect("versions.tf");
        }
        ran += 1;
        let args = ["apply", "-auto-approve", "-input=false", "-no-color"];
        let out = tf.run(&args);
        if !out.ok {
            problems.push(format!("examples/{rel}: apply failed:\n{}", out.all()));
            continue;
        }
        let changed = tf.plan().changed();
        if !changed.is_empty() {
            problems.push(format!("examples/{rel}: plan after apply: {changed:?}"));
        }
        let out = tf.run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
        if !out.ok {
            problems.push(format!("examples/{rel}: destroy failed:\n{}", out.all()));
        }
    }
    let floor = if has_functions { 9 } else { 7 };
    assert!(ran >= floor, "{ran} examples ran");
    assert!(problems.is_empty(), "examples:\n{}", problems.join("\n\n"));
}

/// The public keys shipped under `examples/`, with their SHA256 and MD5 fingerprints.
fn shipped_keys() -> Vec<(PathBuf, String, String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![examples()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "pub") {
                let key = std::fs::read_to_string(&p).expect("read key");
                let key = key.trim().to_string();
                let (sha, md5) = (fingerprint(&key), fingerprint_md5(&key));
                out.push((p, key, sha, md5));
            }
        }
    }
    out.sort();
    out
}

/// No two example directories ship the same key (two examples applied in one account would
/// collide as duplicates), and the example world's key is the one the examples document.
#[test]
fn examples_use_their_own_keys() {
    let keys = shipped_keys();
    assert!(keys.len() >= 7, "{keys:?}");
    let mut seen: std::collections::BTreeMap<String, PathBuf> = Default::default();
    let mut problems = Vec::new();
    for (path, _, sha, _) in &keys {
        if let Some(other) = seen.insert(sha.clone(), path.clone()) {
            problems.push(format!(
                "{} and {} are one key",
                other.display(),
                path.display()
            ));
        }
    }
    let world = keys
        .iter()
        .find(|(p, ..)| p.ends_with("hostup_vps_ssh_key/keys/workstation.pub"))
        .expect("the example world's key is shipped");
    assert_eq!(world.1, hostup_mock::fixtures::EXAMPLE_KEY);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every fingerprint quoted in docs/, examples/ and the README is one of a shipped key, so a
/// reader who copies it finds the key it names.
#[test]
fn fingerprints_quoted_in_docs_are_the_shipped_keys() {
    let keys = shipped_keys();
    let known: BTreeSet<String> = keys
        .iter()
        .flat_map(|(_, _, sha, md5)| [sha.clone(), md5.clone()])
        .collect();
    let repo = examples().parent().unwrap().to_path_buf();
    let mut files = vec![repo.join("README.md")];
    let mut stack = vec![repo.join("docs"), examples()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| x == "md" || x == "tf" || x == "sh")
            {
                files.push(p);
            }
        }
    }
    let mut problems = Vec::new();
    let mut quoted = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        for fp in quoted_fingerprints(&text) {
            quoted += 1;
            if !known.contains(&fp) {
                problems.push(format!("{}: {fp} is no shipped key's", f.display()));
            }
        }
    }
    assert!(quoted >= 5, "{quoted} fingerprints quoted");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `SHA256:` + 43 base64 characters, and 16 colon-separated lower-case hex pairs.
fn quoted_fingerprints(text: &str) -> Vec<String> {
    let b64 = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
    let mut out = Vec::new();
    for (i, _) in text.match_indices("SHA256:") {
        let hash: String = text[i + 7..].chars().take_while(|&c| b64(c)).collect();
        if hash.len() == 43 {
            out.push(format!("SHA256:{hash}"));
        }
    }
    let bytes = text.as_bytes();
    let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    let mut i = 0;
    while i + 47 <= bytes.len() {
        let candidate = &bytes[i..i + 47];
        let is_md5 = (0..47).all(|j| match j % 3 {
            2 => candidate[j] == b':',
            _ => hex(candidate[j]),
        });
        let bounded = (i == 0 || !hex(bytes[i - 1]) && bytes[i - 1] != b':')
            && bytes.get(i + 47).is_none_or(|&c| !hex(c) && c != b':');
        if is_md5 && bounded {
            out.push(String::from_utf8_lossy(candidate).into_owned());
            i += 47;
        } else {
            i += 1;
        }
    }
    out
}
