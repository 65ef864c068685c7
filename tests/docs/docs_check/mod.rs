//! The documentation checker: a page's reference bullets against a schema block as the CLI
//! reports it (`terraform providers schema -json`). Used by `docs_coverage`.

pub mod functions;

pub use functions::check_function_page;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Resources that cannot be imported (their page explains why instead of showing a command).
pub const NOT_IMPORTABLE: &[&str] = &["hostup_vm_ssh_reset"];

// ---------------------------------------------------------------------------------------------
// The schema, reduced to what the documentation states.

#[derive(Debug, Default)]
pub struct Attr {
    /// The type as the docs write it: `String`, `Set of String`, `List of Object`, ...
    pub ty: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    /// Fields of the object inside a list/set/map of objects (or of an object), if any.
    pub nested: Option<BTreeMap<String, Attr>>,
}

pub fn doc_type(t: &Value) -> String {
    match t {
        Value::String(s) => match s.as_str() {
            "string" => "String".into(),
            "number" => "Number".into(),
            "bool" => "Bool".into(),
            "dynamic" => "Dynamic".into(),
            other => other.to_string(),
        },
        Value::Array(a) => {
            let kind = a.first().and_then(Value::as_str).unwrap_or("");
            let inner = a.get(1).unwrap_or(&Value::Null);
            match kind {
                "list" => format!("List of {}", doc_type(inner)),
                "set" => format!("Set of {}", doc_type(inner)),
                "map" => format!("Map of {}", doc_type(inner)),
                "object" => "Object".into(),
                "tuple" => "Tuple".into(),
                other => other.to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// The object fields of a cty type that is an object or a collection of objects.
pub fn object_fields(t: &Value) -> Option<BTreeMap<String, Attr>> {
    let a = t.as_array()?;
    match a.first()?.as_str()? {
        "object" => Some(
            a.get(1)?
                .as_object()?
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        Attr {
                            ty: doc_type(v),
                            nested: object_fields(v),
                            ..Attr::default()
                        },
                    )
                })
                .collect(),
        ),
        "list" | "set" | "map" => object_fields(a.get(1)?),
        _ => None,
    }
}

pub fn attr_of(v: &Value) -> Attr {
    let flag = |k: &str| v[k].as_bool().unwrap_or(false);
    let (ty, nested) = if let Some(nt) = v.get("nested_type") {
        // Protocol 6 nested attributes.
        let ty = match nt["nesting_mode"].as_str().unwrap_or("") {
            "list" => "List of Object",
            "set" => "Set of Object",
            "map" => "Map of Object",
            _ => "Object",
        };
        (ty.to_string(), Some(attrs_of(nt)))
    } else {
        (doc_type(&v["type"]), object_fields(&v["type"]))
    };
    Attr {
        ty,
        required: flag("required"),
        optional: flag("optional"),
        computed: flag("computed"),
        sensitive: flag("sensitive"),
        nested,
    }
}

/// Attributes (and nested blocks, documented like attributes) of a schema block.
pub fn attrs_of(block: &Value) -> BTreeMap<String, Attr> {
    let mut out: BTreeMap<String, Attr> = block["attributes"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), attr_of(v)))
        .collect();
    for (k, b) in block["block_types"].as_object().into_iter().flatten() {
        let mode = b["nesting_mode"].as_str().unwrap_or("single");
        let ty = match mode {
            "list" => "Block List",
            "set" => "Block Set",
            "map" => "Block Map",
            _ => "Block",
        };
        out.insert(
            k.clone(),
            Attr {
                ty: ty.into(),
                required: b["min_items"].as_u64().unwrap_or(0) > 0,
                optional: b["min_items"].as_u64().unwrap_or(0) == 0,
                nested: Some(attrs_of(&b["block"])),
                ..Attr::default()
            },
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The documentation, reduced to its reference bullets.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Arguments,
    Attributes,
}

#[derive(Debug)]
pub struct Bullet {
    pub name: String,
    pub line: usize,
    pub section: Section,
    /// The first item of the parenthesis after the name, e.g. `Set of String`.
    pub ty: Option<String>,
    /// The other items, e.g. `Required`, `forces replacement`.
    pub flags: Vec<String>,
    pub nested: Vec<Bullet>,
}

/// `` - `name` (Type, Flag, ...) — text `` (after the list marker has been removed).
pub fn parse_bullet(rest: &str, line: usize, section: Section) -> Option<Bullet> {
    let rest = rest.strip_prefix('`')?;
    let end = rest.find('`')?;
    let name = rest[..end].to_string();
    let after = rest[end + 1..].trim_start();
    let (ty, flags) = match after.strip_prefix('(').and_then(|p| p.split_once(')')) {
        Some((inside, _)) => {
            let mut items = inside.split(',').map(|s| s.trim().to_string());
            (items.next(), items.filter(|s| !s.is_empty()).collect())
        }
        None => (None, Vec::new()),
    };
    Some(Bullet {
        name,
        line,
        section,
        ty,
        flags,
        nested: Vec::new(),
    })
}

/// The bullets of the "Argument Reference" and "Attribute Reference" sections.
pub fn reference_bullets(markdown: &str) -> Vec<Bullet> {
    bullets_in(markdown, |title| match title {
        "Argument Reference" => Some(Section::Arguments),
        "Attribute Reference" => Some(Section::Attributes),
        _ => None,
    })
}

/// The bullets of the `## ` sections that `section_of` names (up to the next `## ` heading;
/// `###` subsections stay inside), outside code fences.
pub fn bullets_in(markdown: &str, section_of: impl Fn(&str) -> Option<Section>) -> Vec<Bullet> {
    let mut bullets: Vec<Bullet> = Vec::new();
    let mut section = None;
    let mut fence = false;
    for (i, line) in markdown.lines().enumerate() {
        let n = i + 1;
        if line.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        if let Some(title) = line.strip_prefix("## ") {
            section = section_of(title.trim());
            continue;
        }
        let Some(sec) = section else { continue };
        let indent = line.len() - line.trim_start().len();
        let Some(rest) = line.trim_start().strip_prefix("- ") else {
            continue;
        };
        let Some(b) = parse_bullet(rest, n, sec) else {
            continue;
        };
        if indent == 0 {
            bullets.push(b);
        } else if let Some(parent) = bullets.last_mut() {
            parent.nested.push(b);
        }
    }
    bullets
}

pub fn has_section(markdown: &str, title: &str) -> bool {
    let mut fence = false;
    markdown.lines().any(|l| {
        if l.trim_start().starts_with("```") {
            fence = !fence;
        }
        !fence && l.strip_prefix("## ").map(str::trim) == Some(title)
    })
}

/// The text of a `## ` section (until the next `## ` heading).
pub fn section_text<'a>(markdown: &'a str, title: &str) -> Vec<&'a str> {
    let mut inside = false;
    let mut out = Vec::new();
    for l in markdown.lines() {
        if let Some(t) = l.strip_prefix("## ") {
            inside = t.trim() == title;
            continue;
        }
        if inside {
            out.push(l);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The comparison.

/// Problems of one attribute bullet against its schema attribute.
pub fn check_bullet(b: &Bullet, a: &Attr, path: &str, top: bool, problems: &mut Vec<String>) {
    let at = format!("line {}: `{path}`", b.line);
    if let Some(ty) = &b.ty {
        if *ty != a.ty {
            problems.push(format!(
                "{at} is documented as {ty}, the schema says {}",
                a.ty
            ));
        }
    }
    let states = |f: &str| b.flags.iter().any(|x| x.eq_ignore_ascii_case(f));
    for (flag, schema_has) in [
        ("Required", a.required),
        ("Optional", a.optional),
        ("Computed", a.computed),
    ] {
        if states(flag) && !schema_has {
            problems.push(format!(
                "{at} is documented as {flag}, the schema says {}",
                mode(a)
            ));
        }
    }
    if states("Sensitive") != a.sensitive && (b.ty.is_some() || a.sensitive) {
        problems.push(if a.sensitive {
            format!("{at} is sensitive in the schema, the docs do not say Sensitive")
        } else {
            format!("{at} is documented as Sensitive, the schema does not mark it sensitive")
        });
    }
    if top {
        match b.section {
            Section::Arguments if !a.required && !a.optional => problems.push(format!(
                "{at} is under Argument Reference but is computed only: document it under \
                 Attribute Reference"
            )),
            Section::Attributes if !a.computed => problems.push(format!(
                "{at} is under Attribute Reference but is {}: document it under Argument \
                 Reference",
                mode(a)
            )),
            _ => {}
        }
    }
    match &a.nested {
        Some(fields) => compare(&b.nested, fields, path, false, problems),
        None => {
            for n in &b.nested {
                problems.push(format!(
                    "line {}: nested `{path}.{}` documented, but `{path}` ({}) has no fields",
                    n.line, n.name, a.ty
                ));
            }
        }
    }
}

pub fn mode(a: &Attr) -> String {
    let mut m = Vec::new();
    if a.required {
        m.push("Required");
    }
    if a.optional {
        m.push("Optional");
    }
    if a.computed {
        m.push("Computed");
    }
    m.join(" + ")
}

/// Documented bullets against schema attributes: missing, extra, duplicated, then each bullet.
pub fn compare(
    bullets: &[Bullet],
    attrs: &BTreeMap<String, Attr>,
    prefix: &str,
    top: bool,
    problems: &mut Vec<String>,
) {
    let full = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        }
    };
    let documented: BTreeSet<&str> = bullets.iter().map(|b| b.name.as_str()).collect();
    let schema: BTreeSet<&str> = attrs.keys().map(String::as_str).collect();
    let missing: Vec<String> = schema.difference(&documented).map(|n| full(n)).collect();
    let extra: Vec<String> = documented.difference(&schema).map(|n| full(n)).collect();
    if !missing.is_empty() {
        problems.push(format!(
            "missing (in the schema, not documented): {missing:?}"
        ));
    }
    if !extra.is_empty() {
        problems.push(format!("extra (documented, not in the schema): {extra:?}"));
    }
    let mut seen = BTreeSet::new();
    for b in bullets {
        if !seen.insert(b.name.as_str()) {
            problems.push(format!(
                "line {}: `{}` is documented more than once",
                b.line,
                full(&b.name)
            ));
            continue;
        }
        if let Some(a) = attrs.get(&b.name) {
            check_bullet(b, a, &full(&b.name), top, problems);
        }
    }
}

/// Every problem of one page (`None` for the provider page's `resource_type`).
pub fn check_page(
    markdown: &str,
    block: &Value,
    resource_type: Option<&str>,
    is_resource: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    let attrs = attrs_of(block);
    let bullets = reference_bullets(markdown);
    let wants_args = attrs.values().any(|a| a.required || a.optional);
    let wants_attrs = attrs.values().any(|a| a.computed && !a.optional);
    if wants_args && !has_section(markdown, "Argument Reference") {
        problems.push("no `## Argument Reference` section".into());
    }
    if wants_attrs && !has_section(markdown, "Attribute Reference") {
        problems.push("no `## Attribute Reference` section".into());
    }
    compare(&bullets, &attrs, "", true, &mut problems);
    if let (true, Some(ty)) = (is_resource, resource_type) {
        if !NOT_IMPORTABLE.contains(&ty) {
            if !has_section(markdown, "Import") {
                problems.push("no `## Import` section".into());
            } else {
                let text = section_text(markdown, "Import");
                let cmd = format!("terraform import {ty}.");
                if !text.iter().any(|l| l.trim_start().starts_with(&cmd)) {
                    problems.push(format!("the Import section shows no `{cmd}<name> <id>`"));
                }
                // The `import {}` block beside the CLI form.
                let to = format!("to = {ty}.");
                if !text.iter().any(|l| l.trim_start().starts_with(&to)) {
                    problems.push(format!(
                        "the Import section shows no `import {{ {to}<name> ... }}` block"
                    ));
                }
            }
        }
    }
    problems
}
