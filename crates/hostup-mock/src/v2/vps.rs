//! `/api/v2/ssh-keys`: the account's VPS keys, with keyset pagination over opaque cursors.

use super::cursor::{cut, page_query, PageQuery};
use super::{
    authorize, blocked, check_name, duplicate, parse_name_key, parse_object, Req, BODY_INVALID,
};
use crate::reply::{field, invalid, problem, Reply};
use crate::state::State;
use crate::wire::{ActionGate, NameAndKey, Rename, VpsKeyPage};
use serde_json::Value;

/// GET /api/v2/ssh-keys — keyset pagination over the caller's keys in insertion order.
pub(crate) fn list_vps(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req, &["read:vm"]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let PageQuery { limit, after, .. } = match page_query(st, req, &account) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let after_cursor = st
        .vps
        .iter()
        .filter(|r| r.account_id == account && r.seq > after);
    let (page, has_more, next_cursor) = cut(st, &account, after_cursor, limit, |r| r.seq);
    let body = VpsKeyPage {
        data: page.iter().map(|r| r.key.clone()).collect(),
        has_more,
        next_cursor,
    };
    Reply::json(200, &body)
}

/// POST /api/v2/ssh-keys (inferred).
pub(crate) fn create_vps(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req, &["write:account"]) {
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
    let account = match authorize(st, req, &["write:account"]) {
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
    let account = match authorize(st, req, &["write:account"]) {
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
