//! `/api/v2/ssh-keys`: the account's VPS keys, with keyset pagination over opaque cursors.

use super::{
    authorize, blocked, check_name, duplicate, parse_name_key, parse_object, Req, BODY_INVALID,
};
use crate::reply::{field, invalid, problem, Reply};
use crate::state::State;
use crate::util::{fnv1a, mix64, parse_query};
use crate::wire::{ActionGate, FieldError, NameAndKey, Rename, VpsKeyPage};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

fn cursor_check(st: &State, account: &str, seq: u64) -> u64 {
    mix64(seq ^ st.cursor_secret ^ fnv1a(account))
}

/// Opaque cursor: base64url of "after-seq.check"; the check is keyed so only issued cursors pass.
pub(super) fn encode_cursor(st: &State, account: &str, seq: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{seq}.{:016x}", cursor_check(st, account, seq)))
}

pub(super) fn decode_cursor(st: &State, account: &str, c: &str) -> Option<u64> {
    let raw = URL_SAFE_NO_PAD.decode(c.as_bytes()).ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (a, b) = s.split_once('.')?;
    let seq: u64 = a.parse().ok()?;
    let check = u64::from_str_radix(b, 16).ok()?;
    (b.len() == 16 && check == cursor_check(st, account, seq)).then_some(seq)
}

pub(super) fn parse_limit(v: &str) -> Result<usize, FieldError> {
    let range = || {
        field(
            "/limit",
            "out_of_range",
            "`limit` must be between 1 and 100.",
        )
    };
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        match v.parse::<u64>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n as usize),
            _ => Err(range()),
        }
    } else if v.len() > 1 && v.starts_with('-') && v[1..].bytes().all(|b| b.is_ascii_digit()) {
        Err(range())
    } else {
        Err(field(
            "/limit",
            "invalid_format",
            "`limit` must be an integer between 1 and 100.",
        ))
    }
}

/// GET /api/v2/ssh-keys — keyset pagination over the caller's keys in insertion order.
pub(crate) fn list_vps(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req, "read:vm") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mut errs = vec![];
    let mut limit = 20;
    let mut after = 0;
    for (k, v) in parse_query(req.query.unwrap_or("")) {
        match k.as_str() {
            "limit" => match parse_limit(&v) {
                Ok(n) => limit = n,
                Err(e) => errs.push(e),
            },
            // An empty cursor is the same as none (first page).
            "cursor" if v.is_empty() => {}
            "cursor" => match decode_cursor(st, &account, &v) {
                Some(seq) => after = seq,
                None => errs.push(field(
                    "/cursor",
                    "invalid_format",
                    "`cursor` is not a cursor issued by this API; pass a previous page's `nextCursor`.",
                )),
            },
            _ => {}
        }
    }
    if !errs.is_empty() {
        return invalid(&req.err, "The query parameters failed validation.", errs);
    }
    let mut page: Vec<_> = st
        .vps
        .iter()
        .filter(|r| r.account_id == account && r.seq > after)
        .take(limit + 1)
        .collect();
    let has_more = page.len() > limit;
    page.truncate(limit);
    let next_cursor = match (has_more, page.last()) {
        (true, Some(last)) => Some(encode_cursor(st, &account, last.seq)),
        _ => None,
    };
    let body = VpsKeyPage {
        data: page.iter().map(|r| r.key.clone()).collect(),
        has_more,
        next_cursor,
    };
    Reply::json(200, &body)
}

/// POST /api/v2/ssh-keys (inferred).
pub(crate) fn create_vps(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req, "write:account") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (body, pk) = match parse_name_key::<NameAndKey>(req.body) {
        Ok(v) => v,
        Err(errs) => return invalid(&req.err, BODY_INVALID, errs),
    };
    let fp = pk.fingerprint();
    if st
        .vps
        .iter()
        .any(|r| r.account_id == account && r.key.fingerprint.as_deref() == Some(fp.as_str()))
    {
        return duplicate(&req.err);
    }
    let key = st.add_vps_key(&account, &body.name, &pk);
    let mut reply = Reply::json(201, &key);
    reply.drop_after = st.take_drop();
    reply
}

/// Find the caller's VPS key by id: index, or the 404/403 reply.
fn find_vps(st: &State, req: &Req<'_>, account: &str, id: &str) -> Result<usize, Reply> {
    match st.vps.iter().position(|r| r.key.id == id) {
        None => Err(problem(
            &req.err,
            404,
            "not_found",
            "No SSH key with this id exists.",
            vec![],
        )),
        Some(i) if st.vps[i].account_id != account => Err(problem(
            &req.err,
            403,
            "forbidden",
            "This SSH key belongs to another account.",
            vec![],
        )),
        Some(i) => Ok(i),
    }
}

fn gate(g: &Option<ActionGate>) -> ActionGate {
    g.clone().unwrap_or_else(ActionGate::allow)
}

/// PATCH /api/v2/ssh-keys/{id}: the name only.
pub(crate) fn rename_vps(st: &mut State, req: &Req<'_>, id: &str) -> Reply {
    let account = match authorize(st, req, "write:account") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let i = match find_vps(st, req, &account, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let body = match parse_object(req.body, &["name"]).and_then(|m| {
        let mut errs = vec![];
        check_name(&m, &mut errs);
        if errs.is_empty() {
            serde_json::from_value::<Rename>(Value::Object(m))
                .map_err(|e| vec![field("", "invalid_format", e.to_string())])
        } else {
            Err(errs)
        }
    }) {
        Ok(b) => b,
        Err(errs) => return invalid(&req.err, BODY_INVALID, errs),
    };
    let key = &mut st.vps[i].key;
    let can_rename = gate(&key.actions.as_ref().and_then(|a| a.can_rename.clone()));
    if !can_rename.allowed {
        return blocked(&req.err, &can_rename);
    }
    key.name = body.name;
    Reply::json(200, &key.clone())
}

/// DELETE /api/v2/ssh-keys/{id} (inferred).
pub(crate) fn delete_vps(st: &mut State, req: &Req<'_>, id: &str) -> Reply {
    let account = match authorize(st, req, "write:account") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let i = match find_vps(st, req, &account, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let can_delete = gate(
        &st.vps[i]
            .key
            .actions
            .as_ref()
            .and_then(|a| a.can_delete.clone()),
    );
    if !can_delete.allowed {
        return blocked(&req.err, &can_delete);
    }
    st.vps.remove(i);
    Reply::empty(204)
}
