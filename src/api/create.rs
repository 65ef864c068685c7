//! Creating a key without duplicates and without taking over a key that is not ours, one
//! protocol for VPS and hosting keys:
//!
//! 1. Before the first attempt, the inventory is read (the shared copy will do: it was taken
//!    before this create began, and this process's own writes are replayed onto it). A key with
//!    the fingerprint is already there: a duplicate, and nothing is sent.
//! 2. Send. A reply whose outcome is unknown (timeout, connection lost after sending, a 5xx that
//!    may follow a commit, a 2xx that cannot be decoded) is never simply resent: the inventory is
//!    read again, and a key with the fingerprint *and the name sent* is adopted — it was absent
//!    before the first attempt, so only this create can have made it. A key with the fingerprint
//!    and another name is someone else's: a duplicate. No key: the create is sent again.
//! 3. A refusal (409 `duplicate_key`, or any 4xx) after which the key is listed is a duplicate,
//!    naming the key that exists; after one of our own unknown outcomes it is adopted by the rule
//!    of step 2. A 409 for a key the inventory no longer lists is sent once more.
//!
//! The attempts run in the one retry loop, under the operation's deadline.

use super::core::Core;
use super::errors::{ApiError, Outcome};
use super::models::ListedKey;
use super::retry::Repeat;
use super::transport::Failed;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// How a create ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Created<K> {
    /// The create call answered with the new object.
    New(K),
    /// An earlier attempt's reply was lost; the key it made was found and adopted.
    Adopted(K),
}

impl<K> Created<K> {
    pub fn into_inner(self) -> K {
        match self {
            Created::New(k) | Created::Adopted(k) => k,
        }
    }
}

/// Why a create did not happen.
#[derive(Debug)]
pub enum CreateError<K> {
    /// HostUp already has a key with this fingerprint (`existing`, when it is listed); HostUp's
    /// answer when it refused one.
    Duplicate {
        existing: Option<K>,
        answer: Option<ApiError>,
    },
    Api(ApiError),
}

impl<K> From<ApiError> for CreateError<K> {
    fn from(e: ApiError) -> Self {
        CreateError::Api(e)
    }
}

/// Create the key named `name` with `fingerprint`. `send` makes one attempt (attempt number
/// given); `find(fresh)` finds the key with the fingerprint in the inventory: `false` in the
/// shared copy, `true` in a read that starts now. `what` names the request in logs and errors.
pub(super) async fn create_once<K, S, SF, L, LF>(
    core: &Core,
    what: (&str, &str),
    name: &str,
    fingerprint: &str,
    send: S,
    find: L,
) -> Result<Created<K>, CreateError<K>>
where
    K: ListedKey,
    S: Fn(u32) -> SF,
    SF: Future<Output = Result<K, Failed>>,
    L: Fn(bool) -> LF,
    LF: Future<Output = Result<Option<K>, ApiError>>,
{
    if let Some(k) = find(false).await? {
        return Err(CreateError::Duplicate {
            existing: Some(k),
            answer: None,
        });
    }
    // Shared with every attempt: whether one had an unknown outcome, and the duplicate found.
    let unknown_outcome = AtomicBool::new(false);
    let resent_duplicate = AtomicBool::new(false);
    let duplicate: Mutex<Option<(Option<K>, ApiError)>> = Mutex::new(None);
    let (send, find, unknown, dup) = (&send, &find, &unknown_outcome, &duplicate);
    let resent = &resent_duplicate;
    // Each attempt settles its own unknown outcome before it returns, so whatever it returns may
    // be retried as if it were safe to repeat.
    let result = core
        .run(what.0, what.1, Repeat::Safe, |n| async move {
            let failed = match send(n).await {
                Ok(k) => return Ok(Created::New(k)),
                Err(f) => f,
            };
            let outcome = failed.error.outcome();
            let settle = match outcome {
                Outcome::Ambiguous | Outcome::ServerError | Outcome::ContractBroken => {
                    unknown.store(true, Ordering::SeqCst);
                    true
                }
                // A server without the route has not made anything.
                Outcome::Duplicate | Outcome::Refused => !failed.error.route_absent(),
                _ => false,
            };
            if !settle {
                return Err(failed);
            }
            let found = match find(true).await {
                Ok(found) => found,
                // Unsettled: never resend what may have been carried out.
                Err(_) => {
                    return Err(Failed {
                        stop: true,
                        ..failed
                    })
                }
            };
            match found {
                Some(k) if unknown.load(Ordering::SeqCst) && k.name() == name => {
                    Ok(Created::Adopted(k))
                }
                Some(k) => {
                    *lock(dup) = Some((Some(k), failed.error.clone()));
                    Err(Failed {
                        stop: true,
                        ..failed
                    })
                }
                // HostUp says duplicate but does not list it: a delete of it has just finished
                // (a renamed for_each key). Sent once more; a second 409 stands.
                None if outcome == Outcome::Duplicate && !resent.swap(true, Ordering::SeqCst) => {
                    Err(Failed {
                        resend: true,
                        ..failed
                    })
                }
                None if outcome == Outcome::Duplicate => {
                    *lock(dup) = Some((None, failed.error.clone()));
                    Err(Failed {
                        stop: true,
                        ..failed
                    })
                }
                // Not there: the attempt was not carried out, and may be sent again.
                None => Err(failed),
            }
        })
        .await;
    match result {
        Ok(created) => {
            if let Created::Adopted(k) = &created {
                crate::log::info(
                    "adopted the key of an earlier create attempt whose reply was lost",
                    &[
                        ("id", serde_json::json!(k.id())),
                        ("fingerprint", serde_json::json!(fingerprint)),
                    ],
                );
            }
            Ok(created)
        }
        Err(e) => match lock(&duplicate).take() {
            Some((existing, answer)) => Err(CreateError::Duplicate {
                existing,
                answer: Some(answer),
            }),
            None => Err(CreateError::Api(e)),
        },
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::ClientConfig;
    use crate::api::errors::ErrorKind;
    use crate::api::models::VpsSshKey;
    use crate::api::retry::RetryPolicy;
    use crate::api::transport::Secret;
    use std::sync::atomic::AtomicU32;
    use std::time::Duration;

    fn core() -> Core {
        Core::new(ClientConfig {
            endpoint: "http://127.0.0.1:9".parse().unwrap(),
            api_key: Secret::new("test-key"),
            request_timeout: Duration::from_secs(1),
            retry: RetryPolicy {
                base_delay: Duration::from_millis(1),
                ..RetryPolicy::default()
            },
            ca_certificates: Vec::new(),
            terraform_version: String::new(),
            requests_per_second: 0.0,
        })
        .unwrap()
    }

    fn key(id: &str, name: &str) -> VpsSshKey {
        VpsSshKey {
            id: id.into(),
            name: name.into(),
            fingerprint: Some("SHA256:x".into()),
            ..VpsSshKey::default()
        }
    }

    fn lost() -> Failed {
        Failed::new(ApiError::new(
            ErrorKind::Ambiguous,
            "POST",
            "/k",
            "timed out",
        ))
    }

    /// Runs the protocol: `before` is the inventory before the first attempt, every attempt's
    /// reply is lost, and afterwards the inventory lists `after`. Returns the outcome and how
    /// many attempts were sent.
    async fn run(
        before: Option<VpsSshKey>,
        after: Result<Option<VpsSshKey>, ()>,
    ) -> (Result<Created<VpsSshKey>, CreateError<VpsSshKey>>, u32) {
        let core = core();
        let sent = AtomicU32::new(0);
        let send = |_n| {
            sent.fetch_add(1, Ordering::SeqCst);
            async { Err::<VpsSshKey, _>(lost()) }
        };
        let find = |fresh: bool| {
            let found = match fresh {
                false => Ok(before.clone()),
                true => after
                    .clone()
                    .map_err(|_| ApiError::new(ErrorKind::NotSent, "GET", "/k", "down")),
            };
            async move { found }
        };
        let r = create_once(&core, ("POST", "/k"), "mine", "SHA256:x", send, find).await;
        (r, sent.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn a_key_there_before_is_a_duplicate_and_nothing_is_sent() {
        let (r, sent) = run(Some(key("ssh_other", "theirs")), Ok(None)).await;
        assert!(
            matches!(r, Err(CreateError::Duplicate { existing: Some(k), .. }) if k.id == "ssh_other")
        );
        assert_eq!(sent, 0);
    }

    #[tokio::test]
    async fn after_a_lost_reply_only_a_key_with_the_name_sent_is_adopted() {
        let (r, sent) = run(None, Ok(Some(key("ssh_new", "mine")))).await;
        assert!(matches!(r, Ok(Created::Adopted(k)) if k.id == "ssh_new"));
        assert_eq!(sent, 1);
        // Appeared meanwhile under another name: someone else's, never adopted.
        let (r, sent) = run(None, Ok(Some(key("ssh_race", "theirs")))).await;
        assert!(
            matches!(r, Err(CreateError::Duplicate { existing: Some(k), .. }) if k.id == "ssh_race")
        );
        assert_eq!(sent, 1);
    }

    #[tokio::test]
    async fn an_unsettled_outcome_is_never_resent() {
        let (r, sent) = run(None, Err(())).await;
        assert!(matches!(r, Err(CreateError::Api(e)) if e.is_ambiguous()));
        assert_eq!(sent, 1, "the re-read failed: the create may have happened");
        // Settled as not carried out: sent again, within the retry budget.
        let (r, sent) = run(None, Ok(None)).await;
        assert!(matches!(r, Err(CreateError::Api(_))));
        assert_eq!(sent, RetryPolicy::default().max_retries + 1);
    }
}
