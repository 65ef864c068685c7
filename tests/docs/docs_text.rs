//! The Markdown around the code — README.md, CONTRIBUTING.md, CHANGELOG.md and docs/ — and the
//! examples: every relative link (and its #anchor) resolves inside the repository, every docs/
//! page has the registry's frontmatter, every Terraform snippet (```hcl, ```terraform, ```tf) and
//! every example file is `terraform fmt`-clean, and every requirement of hostup/hostup in them pins
//! the same version, `~> MAJOR.MINOR` of this crate.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `version = "~> 0.1"` for crate version 0.1.x.
fn version_pin() -> String {
    let v: Vec<&str> = env!("CARGO_PKG_VERSION").split('.').collect();
    format!("~> {}.{}", v[0], v[1])
}

/// README.md, CONTRIBUTING.md, CHANGELOG.md and every docs/**/*.md, relative to the repository.
fn markdown_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("read docs").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    let mut files: Vec<PathBuf> = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md"]
        .iter()
        .map(|f| repo().join(f))
        .collect();
    walk(&repo().join("docs"), &mut files);
    files.sort();
    files
}

fn rel(p: &Path) -> String {
    p.strip_prefix(repo()).unwrap_or(p).display().to_string()
}

/// Lines outside code fences, with inline code spans blanked, as (line number, text).
fn prose(md: &str) -> Vec<(usize, String)> {
    let mut fence = false;
    let mut out = Vec::new();
    for (i, line) in md.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        let mut text = String::new();
        let mut in_code = false;
        for c in line.chars() {
            if c == '`' {
                in_code = !in_code;
            } else if !in_code {
                text.push(c);
            }
        }
        out.push((i + 1, text));
    }
    out
}

/// The targets of the inline links `[text](target)` in `md`'s prose.
fn links(md: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in prose(md) {
        let mut rest = line.as_str();
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push((n, after[..end].trim().to_string()));
            rest = &after[end..];
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped,
/// spaces turned into hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(md: &str) -> Vec<String> {
    let mut fence = false;
    md.lines()
        .filter(|l| {
            if l.trim_start().starts_with("```") {
                fence = !fence;
            }
            !fence
        })
        .filter_map(|l| l.strip_prefix('#'))
        .map(|h| anchor(&h.trim_start_matches('#').replace('`', "")))
        .collect()
}

#[test]
fn relative_links_and_anchors_resolve() {
    let mut problems = Vec::new();
    for file in markdown_files() {
        let md = std::fs::read_to_string(&file).unwrap();
        for (n, target) in links(&md) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, frag) = match target.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (target.as_str(), None),
            };
            let dest = if path.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(path)
            };
            if !dest.exists() {
                problems.push(format!("{}:{n}: {target} does not exist", rel(&file)));
                continue;
            }
            if !dest.starts_with(repo()) || dest.canonicalize().is_err() {
                problems.push(format!(
                    "{}:{n}: {target} leaves the repository",
                    rel(&file)
                ));
                continue;
            }
            if let Some(frag) = frag {
                let text = std::fs::read_to_string(&dest).unwrap_or_default();
                if !anchors(&text).iter().any(|a| a == frag) {
                    problems.push(format!("{}:{n}: no heading #{frag} in {path}", rel(&file)));
                }
            }
        }
    }
    assert!(problems.is_empty(), "links:\n{}", problems.join("\n"));
}

#[test]
fn docs_pages_have_registry_frontmatter() {
    let mut problems = Vec::new();
    for file in markdown_files() {
        if !file.starts_with(repo().join("docs")) {
            continue;
        }
        let md = std::fs::read_to_string(&file).unwrap();
        let front = md
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---\n"))
            .map(|(f, _)| f);
        match front {
            None => problems.push(format!("{}: no frontmatter (--- ... ---)", rel(&file))),
            Some(f) => {
                for key in ["page_title:", "description:"] {
                    if !f.lines().any(|l| l.starts_with(key)) {
                        problems.push(format!("{}: frontmatter has no {key}", rel(&file)));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The ```hcl / ```terraform / ```tf blocks of `md`, as (first line number, text).
fn snippets(md: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in md.lines().enumerate() {
        let t = line.trim_start();
        match current.as_mut() {
            Some(_) if t.starts_with("```") => out.extend(current.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {
                if let Some(info) = t.strip_prefix("```") {
                    if matches!(info.trim(), "hcl" | "terraform" | "tf") {
                        current = Some((i + 2, String::new()));
                    }
                }
            }
        }
    }
    out
}

/// `terraform fmt -check` on one file or directory: None when clean, else what it said.
fn fmt_problem(target: &Path, scratch: &Path) -> Option<String> {
    let rc = scratch.join("empty.tfrc");
    std::fs::write(&rc, "").unwrap();
    let out = Command::new(terraform_bin())
        .args(["fmt", "-check", "-diff", "-no-color", "-recursive"])
        .arg(target)
        .env("TF_CLI_CONFIG_FILE", &rc)
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("run terraform fmt");
    (!out.status.success()).then(|| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Every hostup/hostup requirement in `src` has `version = "<pin>"`, and no other version.
fn pin_problems(src: &str, pin: &str) -> Vec<String> {
    let norm: Vec<String> = src
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut problems = Vec::new();
    let requires = norm
        .iter()
        .any(|l| l.contains("source = \"hostup/hostup\""));
    let versions: Vec<&String> = norm.iter().filter(|l| l.starts_with("version =")).collect();
    let want = format!("version = \"{pin}\"");
    if requires && versions.is_empty() {
        problems.push(format!("requires hostup/hostup without `{want}`"));
    }
    for v in versions {
        if *v != want {
            problems.push(format!("`{v}`, not `{want}`"));
        }
    }
    problems
}

#[test]
fn snippets_and_examples_are_formatted_and_pin_one_version() {
    let pin = version_pin();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("docs-snippets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let mut problems = Vec::new();
    let mut count = 0;
    let functions_parse = cli().has_functions();
    let mut unparsed = Vec::new();
    for file in markdown_files() {
        let md = std::fs::read_to_string(&file).unwrap();
        for (line, text) in snippets(&md) {
            count += 1;
            let where_ = format!("{}:{line}", rel(&file));
            let path = scratch.join(format!("snippet-{count}.tf"));
            std::fs::write(&path, &text).unwrap();
            // A CLI without provider functions cannot parse their call syntax; the pass with a
            // newer CLI formats those snippets.
            if !functions_parse && text.contains("provider::") {
                unparsed.push(where_.clone());
            } else if let Some(p) = fmt_problem(&path, &scratch) {
                problems.push(format!("{where_}: terraform fmt:\n{p}"));
            }
            for p in pin_problems(&text, &pin) {
                problems.push(format!("{where_}: {p}"));
            }
        }
    }
    assert!(count >= 5, "only {count} snippets found");

    let examples = repo().join("examples");
    let formatted: Vec<std::path::PathBuf> = if functions_parse {
        vec![examples.clone()]
    } else {
        unparsed.push("examples/functions/".into());
        std::fs::read_dir(&examples)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir() && !p.ends_with("functions"))
            .collect()
    };
    for dir in formatted {
        if let Some(p) = fmt_problem(&dir, &scratch) {
            problems.push(format!("{}: terraform fmt:\n{p}", rel(&dir)));
        }
    }
    if !unparsed.is_empty() {
        variant(
            "docs_text",
            &format!(
                "no provider functions in this CLI: terraform fmt not run on {} (checked with a CLI \
                 that has them)",
                unparsed.join(", ")
            ),
        );
    }
    let mut stack = vec![repo().join("examples")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "tf") {
                let src = std::fs::read_to_string(&p).unwrap();
                for problem in pin_problems(&src, &pin) {
                    problems.push(format!("{}: {problem}", rel(&p)));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The checkers themselves.
#[test]
fn checkers_find_what_they_look_for() {
    assert_eq!(
        anchor("A development build in `Terraform`!"),
        "a-development-build-in-terraform"
    );
    let md =
        "# Top\n\nSee [x](a.md#top), `[not](b.md)`.\n\n```\n[no](c.md)\n```\n## TLS and proxies\n";
    assert_eq!(
        links(md),
        [(3, "a.md#top".to_string())],
        "links outside code only"
    );
    assert_eq!(anchors(md), ["top", "tls-and-proxies"]);
    let s = snippets("x\n```hcl\na = 1\n```\n```sh\nb\n```\n```terraform\nc = 2\n```\n");
    assert_eq!(s, [(3, "a = 1\n".to_string()), (9, "c = 2\n".to_string())]);
    let pin = "~> 0.1";
    let ok = "hostup = {\n  source  = \"hostup/hostup\"\n  version = \"~> 0.1\"\n}\n";
    assert!(pin_problems(ok, pin).is_empty());
    assert_eq!(pin_problems("source = \"hostup/hostup\"\n", pin).len(), 1);
    assert_eq!(pin_problems(&ok.replace("~> 0.1", ">= 0.1"), pin).len(), 1);
}
