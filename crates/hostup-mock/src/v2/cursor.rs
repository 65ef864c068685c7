//! The cursors and `limit` of the v2 lists (VPS keys, shared-hosting accounts, VPS instances):
//! keyset pagination over insertion sequence numbers, behind opaque, keyed cursors.

use super::Req;
use crate::reply::{field, invalid, problem, Reply};
use crate::state::State;
use crate::util::{fnv1a, mix64, parse_query};
use crate::wire::FieldError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

fn cursor_check(st: &State, account: &str, seq: u64) -> u64 {
    mix64(seq ^ st.cursor_secret ^ fnv1a(account))
}

/// Opaque cursor: base64url of "after-seq.check"; the check is keyed so only issued cursors pass.
fn encode_cursor(st: &State, account: &str, seq: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{seq}.{:016x}", cursor_check(st, account, seq)))
}

fn decode_cursor(st: &State, account: &str, c: &str) -> Option<u64> {
    let raw = URL_SAFE_NO_PAD.decode(c.as_bytes()).ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (a, b) = s.split_once('.')?;
    let seq: u64 = a.parse().ok()?;
    let check = u64::from_str_radix(b, 16).ok()?;
    (b.len() == 16 && check == cursor_check(st, account, seq)).then_some(seq)
}

fn parse_limit(v: &str) -> Result<usize, FieldError> {
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

/// One page: the first `limit` of `items` (those after the cursor, in order), whether more
/// follow, and the cursor to them (keyed by `scope`); `seq` gives an item's sequence number.
pub(super) fn cut<'a, T>(
    st: &State,
    scope: &str,
    items: impl Iterator<Item = &'a T>,
    limit: usize,
    seq: impl Fn(&T) -> u64,
) -> (Vec<&'a T>, bool, Option<String>) {
    let mut page: Vec<&T> = items.take(limit + 1).collect();
    let has_more = page.len() > limit;
    page.truncate(limit);
    let next_cursor = match (has_more, page.last()) {
        (true, Some(last)) => Some(encode_cursor(st, scope, seq(last))),
        _ => None,
    };
    (page, has_more, next_cursor)
}

/// A list request's paging: `limit` (default 20), the sequence number after which the page
/// starts, and the query's other parameters (the list's filters).
pub(super) struct PageQuery {
    pub limit: usize,
    pub after: u64,
    pub rest: Vec<(String, String)>,
}

/// The paging of `req`'s query, cursors keyed by `scope`; else the 400 to answer: a bad `limit`
/// is `invalid_request` with its field error, a cursor this API did not issue `invalid_cursor`
/// (the code HostUp publishes for its cursor lists; `errors[]` comes with `invalid_request` only).
pub(super) fn page_query(st: &State, req: &Req<'_>, scope: &str) -> Result<PageQuery, Reply> {
    let mut q = PageQuery {
        limit: 20,
        after: 0,
        rest: Vec::new(),
    };
    let mut errs = vec![];
    for (k, v) in parse_query(req.query.unwrap_or("")) {
        match k.as_str() {
            "limit" => match parse_limit(&v) {
                Ok(n) => q.limit = n,
                Err(e) => errs.push(e),
            },
            // An empty cursor is the same as none (first page).
            "cursor" if v.is_empty() => {}
            "cursor" => match decode_cursor(st, scope, &v) {
                Some(seq) => q.after = seq,
                None => {
                    return Err(problem(
                        &req.err,
                        400,
                        "invalid_cursor",
                        "`cursor` is not a cursor issued by this API; pass a previous page's \
                         `nextCursor`.",
                        vec![],
                    ))
                }
            },
            _ => q.rest.push((k, v)),
        }
    }
    if !errs.is_empty() {
        return Err(invalid(
            &req.err,
            "The query parameters failed validation.",
            errs,
        ));
    }
    Ok(q)
}
