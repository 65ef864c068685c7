//! The checker: a reply's JSON held against a list of documented fields (name, JSON type,
//! required or not), reporting every missing, mistyped or undocumented field at once.

use serde_json::Value;
use std::collections::HashSet;

/// A JSON type, `null` allowed or not.
#[derive(Clone, Copy, Debug)]
pub enum J {
    Str,
    Int,
    Num,
    Bool,
    Arr,
    Obj,
}

#[derive(Clone, Copy, Debug)]
pub struct Ty(pub J, pub bool);

pub const STR: Ty = Ty(J::Str, false);
pub const STR_NULL: Ty = Ty(J::Str, true);
pub const INT: Ty = Ty(J::Int, false);
pub const NUM: Ty = Ty(J::Num, false);
pub const NUM_NULL: Ty = Ty(J::Num, true);
pub const BOOL: Ty = Ty(J::Bool, false);
pub const ARR: Ty = Ty(J::Arr, false);
pub const OBJ: Ty = Ty(J::Obj, false);
pub const OBJ_NULL: Ty = Ty(J::Obj, true);

/// One documented field: its path (`a.b[].c`: `b` is an array of objects), JSON type, whether
/// it must be present, and the values an enum allows.
pub struct Field {
    pub path: String,
    pub ty: Ty,
    pub required: bool,
    pub one_of: &'static [&'static str],
}

pub fn req(path: impl Into<String>, ty: Ty) -> Field {
    Field {
        path: path.into(),
        ty,
        required: true,
        one_of: &[],
    }
}

pub fn opt(path: impl Into<String>, ty: Ty) -> Field {
    Field {
        required: false,
        ..req(path, ty)
    }
}

fn type_ok(Ty(j, null): Ty, v: &Value) -> bool {
    match (j, v) {
        (_, Value::Null) => null,
        (J::Str, v) => v.is_string(),
        (J::Int, v) => v.is_i64() || v.is_u64(),
        (J::Num, v) => v.is_number(),
        (J::Bool, v) => v.is_boolean(),
        (J::Arr, v) => v.is_array(),
        (J::Obj, v) => v.is_object(),
    }
}

/// Every place `path` names in `v`: the concrete path, and the value if present. A missing
/// parent yields nothing (the parent's own field reports it).
fn instances<'a>(v: &'a Value, path: &str) -> Vec<(String, Option<&'a Value>)> {
    let segs: Vec<&str> = path.split('.').collect();
    let mut parents: Vec<(String, &Value)> = vec![(String::new(), v)];
    let mut out = vec![];
    for (i, seg) in segs.iter().enumerate() {
        let (name, each) = seg.strip_suffix("[]").map_or((*seg, false), |n| (n, true));
        let last = i + 1 == segs.len();
        let mut next = vec![];
        for (at, parent) in parents {
            let at = if at.is_empty() {
                name.to_string()
            } else {
                format!("{at}.{name}")
            };
            let child = parent.get(name);
            match child {
                None | Some(_) if last && !each => out.push((at, child)),
                Some(Value::Array(items)) if each => {
                    for (j, item) in items.iter().enumerate() {
                        next.push((format!("{at}[{j}]"), item));
                    }
                }
                Some(c) if !each => next.push((at, c)),
                _ => {}
            }
        }
        parents = next;
    }
    out.extend(parents.into_iter().map(|(at, v)| (at, Some(v))));
    out
}

/// Named but undocumented fields of `v`, as patterns (`data[].id`).
fn undocumented(v: &Value, at: &str, named: &HashSet<&str>, errs: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                if named.contains(p.as_str()) {
                    undocumented(x, &p, named, errs);
                } else {
                    errs.push(format!(
                        "{p}: sent, but the documentation names no such field"
                    ));
                }
            }
        }
        Value::Array(items) => {
            for x in items {
                undocumented(x, &format!("{at}[]"), named, errs);
            }
        }
        _ => {}
    }
}

/// Hold `body` against `shape`; `extra` lists fields the mock may send beyond the documentation,
/// each with why. Panics with every breach.
pub fn check(what: &str, shape: &[Field], extra: &[(&str, &str)], body: &str) {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    let mut errs = vec![];
    for f in shape {
        for (at, found) in instances(&v, &f.path) {
            match found {
                None if f.required => errs.push(format!("{at}: documented field missing")),
                None => {}
                Some(x) if !type_ok(f.ty, x) => errs.push(format!("{at}: {x} is not {:?}", f.ty)),
                // A null the type allows is no enum value.
                Some(x)
                    if !x.is_null() && !f.one_of.is_empty() && !f.one_of.iter().any(|e| x == e) =>
                {
                    errs.push(format!("{at}: {x} is not one of {:?}", f.one_of))
                }
                Some(_) => {}
            }
        }
    }
    let named: HashSet<&str> = shape
        .iter()
        .map(|f| f.path.as_str())
        .chain(extra.iter().map(|(p, _)| *p))
        .collect();
    undocumented(&v, "", &named, &mut errs);
    assert!(errs.is_empty(), "{what}:\n  {}\n{body}", errs.join("\n  "));
}
