//! Creating without duplicates. A create whose outcome is unknown (connection lost after
//! sending, a timeout, a 5xx that may follow a commit) is never simply resent: the inventory is
//! searched for the key first. Found: it is adopted. Not found: the create is sent again. A
//! `409 duplicate_key` after our own ambiguous attempt means that attempt went through, and the
//! key is adopted too.

use super::{ApiError, Client};
use std::future::Future;

/// How a create ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Created<T> {
    /// The create call answered with the new object.
    New(T),
    /// An earlier attempt's reply was lost; the object was found and adopted.
    Adopted(T),
}

impl<T> Created<T> {
    pub fn into_inner(self) -> T {
        match self {
            Created::New(t) | Created::Adopted(t) => t,
        }
    }
}

/// Run `create` until it succeeds, adopting what an ambiguous attempt made (found by `find`).
pub async fn create_once<T, C, CF, F, FF>(
    client: &Client,
    mut create: C,
    mut find: F,
) -> Result<Created<T>, ApiError>
where
    C: FnMut() -> CF,
    CF: Future<Output = Result<T, ApiError>>,
    F: FnMut() -> FF,
    FF: Future<Output = Result<Option<T>, ApiError>>,
{
    let max = client.retry_policy().max_retries;
    let mut ambiguous = false;
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        match create().await {
            Ok(t) => return Ok(Created::New(t)),
            Err(e) if ambiguous && e.is_status(409) && e.has_code("duplicate_key") => {
                return match find().await? {
                    Some(t) => Ok(Created::Adopted(t)),
                    None => Err(e),
                };
            }
            Err(e) if e.is_ambiguous() => {
                ambiguous = true;
                if let Some(t) = find().await? {
                    return Ok(Created::Adopted(t));
                }
                if attempt > max || !client.pause(attempt).await {
                    return Err(with_attempts(e, attempt));
                }
            }
            Err(e) => return Err(e),
        }
    }
}

fn with_attempts(mut e: ApiError, attempts: u32) -> ApiError {
    e.attempts = e.attempts.max(attempts);
    e
}
