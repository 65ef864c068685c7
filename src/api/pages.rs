//! The one page loop of HostUp's cursor-paginated v2 lists (`?limit=&cursor=`, replies
//! `{data, hasMore, nextCursor}`): the VPS key inventory, the shared-hosting account list and the
//! VPS instance list.
//! Only a complete, valid read is a list: a cursor seen before, an id listed twice or a list
//! longer than [`MAX_PAGES`] pages is an error, never a list taken as complete.

use super::core::Core;
use super::errors::ApiError;
use super::models::{Contract, CursorPage};
use super::retry::Repeat;
use super::text::clip;
use super::transport::Auth;
use reqwest::Method;
use serde::de::DeserializeOwned;
use std::collections::HashSet;

/// The largest page HostUp's lists allow; fewer pages mean fewer requests.
pub const PAGE_LIMIT: u32 = 100;
/// A list that has not ended after this many pages (100,000 items, far beyond any account) is a
/// server that never stops paging.
pub const MAX_PAGES: usize = 1_000;

/// A list item with the id that must be unique across the list.
pub trait Listed {
    fn list_id(&self) -> &str;
}

/// Every item of the list at `segments`, all pages, `query` added to each page's request;
/// `noun` names an item in errors ("key").
pub(super) async fn every_page<T>(
    core: &Core,
    segments: &[&str],
    query: &[(&str, &str)],
    noun: &str,
) -> Result<Vec<T>, ApiError>
where
    T: DeserializeOwned + Listed,
    CursorPage<T>: Contract,
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
        let page: CursorPage<T> = page(core, segments, query, cursor.as_deref()).await?;
        for item in page.data {
            if !ids.insert(item.list_id().to_string()) {
                return broken(format!(
                    "{noun} id \"{}\" is listed twice (again on page {page_no}), so the list \
                     cannot be trusted to say what exists",
                    clip(item.list_id())
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
        "the list did not end after {MAX_PAGES} pages ({} items at {PAGE_LIMIT} a page); no \
         account has that many, so nothing is concluded about what exists",
        MAX_PAGES * PAGE_LIMIT as usize
    ))
}

async fn page<T>(
    core: &Core,
    segments: &[&str],
    query: &[(&str, &str)],
    cursor: Option<&str>,
) -> Result<CursorPage<T>, ApiError>
where
    T: DeserializeOwned,
    CursorPage<T>: Contract,
{
    let mut req = core.request::<()>(Method::GET, segments, Auth::Bearer, None)?;
    {
        let mut q = req.url.query_pairs_mut();
        q.append_pair("limit", &PAGE_LIMIT.to_string());
        for (k, v) in query {
            q.append_pair(k, v);
        }
        if let Some(c) = cursor {
            q.append_pair("cursor", c);
        }
    }
    core.send(req, Repeat::Safe).await
}
