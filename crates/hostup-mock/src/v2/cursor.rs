//! The cursors and `limit` of the v2 lists (VPS keys, shared-hosting accounts, VPS instances):
//! keyset pagination over insertion sequence numbers, behind opaque, keyed cursors.

use crate::reply::field;
use crate::state::State;
use crate::util::{fnv1a, mix64};
use crate::wire::FieldError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

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
