//! The one cursor-page loop of every HostUp list (`limit`, `cursor`, `hasMore`, `nextCursor`):
//! all pages of a list, bounded. Only a complete, valid read is a list: a cursor seen before, an
//! id listed twice or a list longer than [`MAX_PAGES`] pages is an error, never a list taken as
//! complete.

use super::core::Core;
use super::errors::ApiError;
use super::models::{Contract, VpsSshKey};
use super::retry::Repeat;
use super::text::clip;
use super::transport::Auth;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The largest page HostUp's lists allow; fewer pages mean fewer requests.
pub const PAGE_LIMIT: u32 = 100;
/// A list that has not ended after this many pages (100,000 items, far beyond any account) is a
/// server that never stops paging.
pub const MAX_PAGES: usize = 1_000;

/// What a list item must have for the loop: its id, unique in the list.
pub trait Listed {
    fn id(&self) -> &str;
}

impl Listed for VpsSshKey {
    fn id(&self) -> &str {
        &self.id
    }
}

/// One page. `data` and `hasMore` are required: a page without them is not an empty list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CursorPage<T> {
    pub data: Vec<T>,
    pub has_more: bool,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

impl<T> Contract for CursorPage<T> {
    fn check(&self) -> Result<(), String> {
        match self.next_cursor.as_deref() {
            None | Some("") if self.has_more => {
                Err("`hasMore` is true but there is no `nextCursor` to the next page".to_string())
            }
            _ => Ok(()),
        }
    }
}

/// Every item of the list at `segments` (Bearer auth), `query` added to every page's request;
/// `noun` names an item in errors ("key", "VPS").
pub(super) async fn all<T>(
    core: &Core,
    segments: &[&str],
    query: &[(&str, &str)],
    noun: &str,
) -> Result<Vec<T>, ApiError>
where
    T: DeserializeOwned + Listed,
{
    let mut items: Vec<T> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut cursors = HashSet::new();
    let mut ids = HashSet::new();
    let broken = |what: String| {
        let path = core.url(segments).path().to_string();
        Err(ApiError::contract("GET", &path, 200, what))
    };
    for page_no in 1..=MAX_PAGES {
        let mut req = core.request::<()>(Method::GET, segments, Auth::Bearer, None)?;
        {
            let mut q = req.url.query_pairs_mut();
            q.append_pair("limit", &PAGE_LIMIT.to_string());
            for (k, v) in query {
                q.append_pair(k, v);
            }
            if let Some(c) = &cursor {
                q.append_pair("cursor", c);
            }
        }
        let page: CursorPage<T> = core.send(req, Repeat::Safe).await?;
        for item in page.data {
            if !ids.insert(item.id().to_string()) {
                return broken(format!(
                    "{noun} id \"{}\" is listed twice (again on page {page_no}), so the list \
                     cannot be trusted to say which {noun}s exist",
                    clip(item.id())
                ));
            }
            items.push(item);
        }
        let next = match page.next_cursor.filter(|c| !c.is_empty()) {
            Some(next) if page.has_more => next,
            _ => return Ok(items),
        };
        if !cursors.insert(next.clone()) {
            return broken(
                "the list returned the same cursor twice; stopping to avoid a loop".into(),
            );
        }
        cursor = Some(next);
    }
    broken(format!(
        "the list did not end after {MAX_PAGES} pages ({} {noun}s at {PAGE_LIMIT} a page); no \
         account has that many, so nothing is concluded about which {noun}s exist",
        MAX_PAGES * PAGE_LIMIT as usize
    ))
}
