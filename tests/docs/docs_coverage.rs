//! The registry documentation under `docs/` against the provider's real schema, as the Terraform
//! CLI reports it (`terraform providers schema -json` with the built provider).
//!
//! For the provider block and every resource and data source type, the page must exist and the
//! attribute names documented in its "Argument Reference" and "Attribute Reference" sections must
//! be exactly the schema's; nested bullets under a list/set of objects must be exactly the object's
//! fields. Where a bullet states a type or Required/Optional/Computed/Sensitive, it must agree with
//! the schema. Importable resources need an `## Import` section. Every provider function has its
//! page under `docs/functions/` (checked in `docs_check::functions`).

use crate::common::*;
use crate::docs_check::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `docs/<dir>/*.md` page names (without `.md`).
fn pages_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".md"))
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn docs_match_the_provider_schema() {
    let schema = provider_schema();
    let docs = repo().join("docs");
    let mut report: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |page: String, problems: Vec<String>| {
        if !problems.is_empty() {
            report.push((page, problems));
        }
    };

    let read = |rel: &str| std::fs::read_to_string(docs.join(rel)).ok();

    // The provider block.
    match read("index.md") {
        Some(md) => add(
            "docs/index.md".into(),
            check_page(&md, &schema["provider"]["block"], None, false),
        ),
        None => add(
            "docs/index.md".into(),
            vec!["page missing (provider)".into()],
        ),
    }

    for (kind, dir, key) in [
        ("resource", "resources", "resource_schemas"),
        ("data source", "data-sources", "data_source_schemas"),
    ] {
        let types = schema[key].as_object().expect("schema map");
        assert!(!types.is_empty(), "the schema has no {kind} types");
        let mut expected_pages = BTreeSet::new();
        for (ty, s) in types {
            let name = ty.strip_prefix("hostup_").unwrap_or(ty);
            expected_pages.insert(name.to_string());
            let rel = format!("{dir}/{name}.md");
            match read(&rel) {
                Some(md) => add(
                    format!("docs/{rel}"),
                    check_page(&md, &s["block"], Some(ty), kind == "resource"),
                ),
                None => add(
                    format!("docs/{rel}"),
                    vec![format!("page missing ({kind} {ty})")],
                ),
            }
        }
        for stray in pages_in(&docs.join(dir)).difference(&expected_pages) {
            add(
                format!("docs/{dir}/{stray}.md"),
                vec![format!("no {kind} type hostup_{stray} in the schema")],
            );
        }
    }

    assert!(
        report.is_empty(),
        "docs/ does not match the provider schema:\n{}",
        report_text(&report)
    );
}

/// Each page with its problems, one per line.
fn report_text(report: &[(String, Vec<String>)]) -> String {
    report
        .iter()
        .map(|(page, problems)| {
            let lines: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
            format!("{page}:\n{}\n", lines.join("\n"))
        })
        .collect()
}

#[test]
fn function_pages_match_the_provider_functions() {
    let schema = provider_schema();
    let Some(functions) = schema.get("functions").and_then(Value::as_object) else {
        // A CLI without provider functions leaves them out of the schema it reports.
        assert!(!cli().has_functions(), "no functions in {schema}");
        variant(
            "docs_functions",
            "the CLI reports no functions: function pages are checked with Terraform >= 1.8",
        );
        return;
    };
    variant("docs_functions", "function pages checked");
    assert!(!functions.is_empty(), "the schema has no functions");
    let dir = repo().join("docs/functions");
    let mut report = Vec::new();
    for (name, f) in functions {
        let page = format!("docs/functions/{name}.md");
        let problems = match std::fs::read_to_string(dir.join(format!("{name}.md"))) {
            Ok(md) => check_function_page(&md, name, f),
            Err(_) => vec![format!("page missing (function {name})")],
        };
        if !problems.is_empty() {
            report.push((page, problems));
        }
    }
    let names: BTreeSet<String> = functions.keys().cloned().collect();
    for stray in pages_in(&dir).difference(&names) {
        report.push((
            format!("docs/functions/{stray}.md"),
            vec![format!("no function {stray} in the schema")],
        ));
    }
    assert!(
        report.is_empty(),
        "docs/functions does not match the provider's functions:\n{}",
        report_text(&report)
    );
}

/// The checker itself: a page with a missing name, an extra name, a wrong type, a wrong mode, a
/// wrong nested field and no Import section is reported on every count.
#[test]
fn checker_reports_every_kind_of_gap() {
    let block: Value = serde_json::json!({
        "attributes": {
            "id": {"type": "string", "computed": true},
            "name": {"type": "string", "required": true},
            "token": {"type": "string", "optional": true, "sensitive": true},
            "tags": {"type": ["set", "string"], "optional": true},
            "keys": {"type": ["list", ["object", {"id": "string", "bits": "number"}]], "computed": true}
        }
    });
    let md = "\
# x

```terraform
- `in_code` (String)
```

## Argument Reference

- `name` (String, Optional) — wrong mode.
- `token` (String, Optional) — not marked sensitive.
- `tags` (List of String, Optional) — wrong type.
- `ghost` (String, Optional) — not in the schema.

### Subsection

- `id` (String) — computed, but under arguments.

## Attribute Reference

- `keys` (List of Object) — each with:
  - `id` (String) — ok.
  - `bits` (String) — wrong nested type.
  - `extra` (String) — not a field.

## Behaviour

- `not_counted` (String) — outside the reference sections.
";
    let problems = check_page(md, &block, Some("hostup_x"), true).join("\n");
    for expect in [
        "extra (documented, not in the schema): [\"ghost\"]",
        "`name` is documented as Optional, the schema says Required",
        "`token` is sensitive in the schema",
        "`tags` is documented as List of String, the schema says Set of String",
        "`id` is under Argument Reference but is computed only",
        "`keys.bits` is documented as String, the schema says Number",
        "extra (documented, not in the schema): [\"keys.extra\"]",
        "no `## Import` section",
    ] {
        assert!(
            problems.contains(expect),
            "expected {expect:?} in:\n{problems}"
        );
    }
    assert!(!problems.contains("in_code") && !problems.contains("not_counted"));

    let fixed = "\
## Argument Reference

- `name` (String, Required) — ok.
- `token` (String, Optional, Sensitive) — ok.

## Attribute Reference

- `id` (String) — ok.
- `keys` (List of Object) — each with:
  - `id` (String) — ok.
  - `bits` (Number) — ok.

## Import

```shell
terraform import hostup_x.example 123
```
";
    let problems = check_page(fixed, &block, Some("hostup_x"), true);
    assert_eq!(
        problems,
        [
            "missing (in the schema, not documented): [\"tags\"]",
            "the Import section shows no `import { to = hostup_x.<name> ... }` block"
        ]
    );
    let fixed = format!(
        "{fixed}\n```terraform\nimport {{\n  to = hostup_x.example\n  id = \"123\"\n}}\n```\n"
    );
    let problems = check_page(&fixed, &block, Some("hostup_x"), true);
    assert_eq!(
        problems,
        ["missing (in the schema, not documented): [\"tags\"]"]
    );
}
