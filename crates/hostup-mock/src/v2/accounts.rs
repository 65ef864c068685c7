//! `GET /api/v2/shared-hosting`: the caller's shared-hosting accounts, with keyset pagination
//! over opaque cursors (a bad cursor: 400 `invalid_cursor`, as published).

use super::cursor::{cut, decode_cursor, parse_limit};
use super::{authorize, Req};
use crate::reply::{field, invalid, problem, Reply};
use crate::state::State;
use crate::util::parse_query;
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
    let mut limit = 20;
    let mut after = 0;
    for (k, v) in parse_query(req.query.unwrap_or("")) {
        match k.as_str() {
            "limit" => match parse_limit(&v) {
                Ok(n) => limit = n,
                Err(e) => {
                    return invalid(&req.err, "The query parameters failed validation.", vec![e])
                }
            },
            "cursor" if v.is_empty() => {}
            "cursor" => match decode_cursor(st, &scope, &v) {
                Some(seq) => after = seq,
                None => {
                    return problem(
                        &req.err,
                        400,
                        "invalid_cursor",
                        "`cursor` is not a cursor issued by this API; pass a previous page's `nextCursor`.",
                        vec![field("/cursor", "invalid_cursor", "Unknown cursor.")],
                    )
                }
            },
            _ => {}
        }
    }
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
