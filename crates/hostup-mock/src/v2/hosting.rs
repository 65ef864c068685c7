//! `/api/v2/shared-hosting/{accountId}/ssh-keys`: the keys of a shared-hosting account, each
//! named by its `SHA256:` fingerprint (one percent-encoded path segment) to remove or authorize.

use super::{authorize, blocked, duplicate, parse_name_key, Req, BODY_INVALID};
use crate::reply::{invalid, problem, Reply};
use crate::state::{HostingKeyRec, State};
use crate::util::decode_segment;
use crate::wire::{
    AuthorizedHostingKey, HostingActions, HostingKeyList, ImportedHostingKey, NameAndKey,
};

/// A hosting key route needs its hosting scope and `console:services`, granted apart.
const READ: &[&str] = &["read:hosting", "console:services"];
const WRITE: &[&str] = &["write:hosting", "console:services"];

/// Find the caller's hosting account: index, or the 404/403 reply.
fn find_hosting(st: &State, req: &Req<'_>, account: &str, id: &str) -> Result<usize, Reply> {
    match st.hosting.iter().position(|h| h.id == id) {
        None => Err(problem(
            &req.err,
            404,
            "not_found",
            "No shared-hosting account with this id exists.",
            vec![],
        )),
        Some(i) if st.hosting[i].account_id != account => Err(problem(
            &req.err,
            403,
            "forbidden",
            "This shared-hosting account belongs to another account.",
            vec![],
        )),
        Some(i) => Ok(i),
    }
}

/// Authorize with `scopes`, then find the account: its index, or the error reply.
fn account_for(st: &State, req: &Req<'_>, acct: &str, scopes: &[&str]) -> Result<usize, Reply> {
    let account = authorize(st, req, scopes)?;
    find_hosting(st, req, &account, acct)
}

/// The key on account `i` whose fingerprint is the (percent-encoded) segment `fp`.
fn find_key(st: &State, req: &Req<'_>, i: usize, fp: &str) -> Result<usize, Reply> {
    let fp = decode_segment(fp);
    st.hosting[i]
        .keys
        .iter()
        .position(|k| k.fingerprint == fp)
        .ok_or_else(|| {
            problem(
                &req.err,
                404,
                "not_found",
                "No SSH key with this fingerprint exists on this shared-hosting account.",
                vec![],
            )
        })
}

/// GET /api/v2/shared-hosting/{accountId}/ssh-keys.
pub(crate) fn list_hosting(st: &mut State, req: &Req<'_>, acct: &str) -> Reply {
    let i = match account_for(st, req, acct, READ) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let h = &st.hosting[i];
    Reply::json(
        200,
        &HostingKeyList {
            ssh_keys: h.keys.iter().map(|k| k.listed.clone()).collect(),
            ssh_command: Some(h.ssh_command.clone()),
            actions: HostingActions {
                can_add: h.can_add.clone(),
            },
        },
    )
}

/// POST /api/v2/shared-hosting/{accountId}/ssh-keys.
pub(crate) fn import_hosting(st: &mut State, req: &Req<'_>, acct: &str) -> Reply {
    let i = match account_for(st, req, acct, WRITE) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let (body, pk) = match parse_name_key::<NameAndKey>(req.body) {
        Ok(v) => v,
        Err(errs) => return invalid(&req.err, BODY_INVALID, errs),
    };
    if !st.hosting[i].can_add.allowed {
        let g = st.hosting[i].can_add.clone();
        return blocked(&req.err, &g);
    }
    let fp = pk.fingerprint();
    if st.hosting[i].keys.iter().any(|k| k.fingerprint == fp) {
        return duplicate(&req.err);
    }
    let id = st.new_key_id();
    let authorized = !st.take_unauthorized();
    let key = HostingKeyRec::new(id.clone(), &body.name, &pk, authorized);
    st.hosting[i].keys.push(key);
    let mut reply = Reply::json(
        201,
        &ImportedHostingKey {
            id,
            name: body.name,
            fingerprint: Some(fp),
            imported: true,
            authorized,
        },
    );
    reply.drop_after = st.take_drop();
    reply
}

/// DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}.
pub(crate) fn delete_hosting(st: &mut State, req: &Req<'_>, acct: &str, fp: &str) -> Reply {
    let i = match account_for(st, req, acct, WRITE) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match find_key(st, req, i, fp) {
        Ok(j) => {
            st.hosting[i].keys.remove(j);
            Reply::empty(204)
        }
        Err(r) => r,
    }
}

/// POST /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}/actions/authorize: writes the
/// key to the account's authorized keys (again: an authorized key stays so).
pub(crate) fn authorize_hosting(st: &mut State, req: &Req<'_>, acct: &str, fp: &str) -> Reply {
    let i = match account_for(st, req, acct, WRITE) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match find_key(st, req, i, fp) {
        Ok(j) => {
            let key = &mut st.hosting[i].keys[j];
            key.authorized = true;
            Reply::json(
                200,
                &AuthorizedHostingKey {
                    name: key.listed.name.clone(),
                    fingerprint: Some(key.fingerprint.clone()),
                    authorized: true,
                },
            )
        }
        Err(r) => r,
    }
}
