//! `/api/v2/shared-hosting/{accountId}/ssh-keys`: the keys of a shared-hosting account.

use super::{authorize, blocked, duplicate, parse_name_key, Req, BODY_INVALID};
use crate::reply::{invalid, problem, Reply};
use crate::state::{hosting_key, State};
use crate::wire::{HostingActions, HostingKeyList, ImportedHostingKey, NameAndKey};

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

/// GET /api/v2/shared-hosting/{accountId}/ssh-keys.
pub(crate) fn list_hosting(st: &mut State, req: &Req<'_>, acct: &str) -> Reply {
    let account = match authorize(st, req, "read:hostingconsole:services") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let i = match find_hosting(st, req, &account, acct) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let h = &st.hosting[i];
    Reply::json(
        200,
        &HostingKeyList {
            ssh_keys: h.keys.clone(),
            ssh_command: Some(h.ssh_command.clone()),
            actions: HostingActions {
                can_add: h.can_add.clone(),
            },
        },
    )
}

/// POST /api/v2/shared-hosting/{accountId}/ssh-keys.
pub(crate) fn import_hosting(st: &mut State, req: &Req<'_>, acct: &str) -> Reply {
    let account = match authorize(st, req, "write:hostingconsole:services") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let i = match find_hosting(st, req, &account, acct) {
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
    if st.hosting[i]
        .keys
        .iter()
        .any(|k| k.fingerprint.as_deref() == Some(fp.as_str()))
    {
        return duplicate(&req.err);
    }
    let id = st.new_key_id();
    st.hosting[i]
        .keys
        .push(hosting_key(id.clone(), &body.name, &pk));
    let mut reply = Reply::json(
        201,
        &ImportedHostingKey {
            id,
            name: body.name,
            fingerprint: Some(fp),
            imported: true,
            authorized: true,
        },
    );
    reply.drop_after = st.take_drop();
    reply
}

/// DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{keyId} (inferred).
pub(crate) fn delete_hosting(st: &mut State, req: &Req<'_>, acct: &str, key_id: &str) -> Reply {
    let account = match authorize(st, req, "write:hostingconsole:services") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let i = match find_hosting(st, req, &account, acct) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let keys = &mut st.hosting[i].keys;
    match keys.iter().position(|k| k.id == key_id) {
        Some(j) => {
            keys.remove(j);
            Reply::empty(204)
        }
        None => problem(
            &req.err,
            404,
            "not_found",
            "No SSH key with this id exists on this shared-hosting account.",
            vec![],
        ),
    }
}
