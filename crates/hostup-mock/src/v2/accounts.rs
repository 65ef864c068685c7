//! `GET /api/v2/shared-hosting`: the caller's shared-hosting accounts, with keyset pagination
//! over opaque cursors (a bad cursor: 400 `invalid_cursor`, as published).

use super::cursor::{cut, page_query, PageQuery};
use super::{authorize, Req};
use crate::reply::Reply;
use crate::state::State;
use crate::wire::HostingAccountPage;

/// The cursor check is keyed by list, so a VPS key cursor is no account cursor.
fn scope(account: &str) -> String {
    format!("shared-hosting:{account}")
}

/// GET /api/v2/shared-hosting.
pub(crate) fn list_accounts(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req, &["read:hosting"]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let scope = scope(&account);
    let PageQuery { limit, after, .. } = match page_query(st, req, &scope) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let after_cursor = st
        .hosting
        .iter()
        .filter(|h| h.account_id == account && h.seq > after);
    let (page, has_more, next_cursor) = cut(st, &scope, after_cursor, limit, |h| h.seq);
    Reply::json(
        200,
        &HostingAccountPage {
            data: page.iter().map(|h| h.account.clone()).collect(),
            has_more,
            next_cursor,
        },
    )
}
