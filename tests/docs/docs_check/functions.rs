//! Function pages (`docs/functions/<name>.md`, the registry layout) against a function's
//! signature as the CLI reports it: the heading, the `## Signature` line, the `## Arguments` in
//! order with their types, and for an object result the `## Return Type` bullets, exactly its
//! attributes.

use super::{bullets_in, compare, doc_type, object_fields, parse_bullet, section_text, Section};
use serde_json::Value;

/// A cty type in a signature's words: `string`, `object`, `list of string`.
fn signature_type(t: &Value) -> String {
    match t {
        Value::String(s) => s.clone(),
        Value::Array(a) => match a.first().and_then(Value::as_str) {
            Some(k @ ("list" | "set" | "map")) => {
                format!(
                    "{k} of {}",
                    signature_type(a.get(1).unwrap_or(&Value::Null))
                )
            }
            Some(k) => k.to_string(),
            None => String::new(),
        },
        other => other.to_string(),
    }
}

/// Every problem of the page of function `name`, whose schema entry is `f`.
pub fn check_function_page(markdown: &str, name: &str, f: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let heading = format!("# function: {name}");
    if !markdown.lines().any(|l| l.trim() == heading) {
        problems.push(format!("no `{heading}` heading"));
    }
    let params: Vec<&Value> = f["parameters"].as_array().into_iter().flatten().collect();

    let signature = format!(
        "{name}({}) {}",
        params
            .iter()
            .map(|p| format!(
                "{} {}",
                p["name"].as_str().unwrap_or(""),
                signature_type(&p["type"])
            ))
            .collect::<Vec<_>>()
            .join(", "),
        signature_type(&f["return_type"])
    );
    if !section_text(markdown, "Signature")
        .iter()
        .any(|l| l.trim() == signature)
    {
        problems.push(format!("the Signature section does not show `{signature}`"));
    }

    // `1. `name` (Type) — text`, in the parameters' order.
    let documented: Vec<(String, Option<String>)> = section_text(markdown, "Arguments")
        .iter()
        .filter_map(|l| {
            let (number, rest) = l.split_once(". ")?;
            number.trim().parse::<usize>().ok()?;
            let b = parse_bullet(rest.trim_start(), 0, Section::Arguments)?;
            Some((b.name, b.ty))
        })
        .collect();
    let expected: Vec<(String, Option<String>)> = params
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap_or("").to_string();
            (name, Some(doc_type(&p["type"])))
        })
        .collect();
    if documented != expected {
        problems.push(format!(
            "the Arguments section lists {documented:?}; the signature has {expected:?}"
        ));
    }

    if let Some(fields) = object_fields(&f["return_type"]) {
        let bullets = bullets_in(markdown, |t| {
            (t == "Return Type").then_some(Section::Attributes)
        });
        if bullets.is_empty() {
            problems.push("no `## Return Type` bullets for the object it returns".into());
        }
        compare(&bullets, &fields, "", false, &mut problems);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The checker itself: wrong heading, signature, argument type and return attributes.
    #[test]
    fn function_checker_reports_every_kind_of_gap() {
        let f = json!({
            "parameters": [{"name": "public_key", "type": "string"}],
            "return_type": ["object", {"bits": "number", "comment": "string"}]
        });
        let md = "\
# function: other

## Signature

```text
f(key string) object
```

## Arguments

1. `public_key` (Number) — wrong type.

## Return Type

- `bits` (String) — wrong type.
- `extra` (String) — not an attribute.
";
        let problems = check_function_page(md, "f", &f).join("\n");
        for expect in [
            "no `# function: f` heading",
            "does not show `f(public_key string) object`",
            "the Arguments section lists [(\"public_key\", Some(\"Number\"))]",
            "`bits` is documented as String, the schema says Number",
            "missing (in the schema, not documented): [\"comment\"]",
            "extra (documented, not in the schema): [\"extra\"]",
        ] {
            assert!(
                problems.contains(expect),
                "expected {expect:?} in:\n{problems}"
            );
        }
        let fixed = md
            .replace("# function: other", "# function: f")
            .replace("f(key string)", "f(public_key string)")
            .replace("(Number) — wrong type.", "(String) — ok.")
            .replace("- `bits` (String) — wrong type.", "- `bits` (Number) — ok.")
            .replace(
                "- `extra` (String) — not an attribute.",
                "- `comment` (String) — ok.",
            );
        assert_eq!(check_function_page(&fixed, "f", &f), Vec::<String>::new());
    }
}
