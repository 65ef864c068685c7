//! Following an operation HostUp runs in the background (the v2 VPS actions): `GET {pollUrl}`
//! until the job is `completed` or `failed`, bounded by the caller's deadline, stopped by Ctrl-C.
//! The poll URL is the server's text: it is followed only on the configured endpoint
//! ([`Core::url_of_location`]).

use super::core::Core;
use super::errors::{ApiError, ErrorKind, Outcome};
use super::retry::{fresh_operation, Repeat};
use super::text::clip;
use super::transport::{Auth, Request};
use super::vps_models::{Operation, OperationReply};
use reqwest::Method;
use std::time::Duration;
use tokio::time::Instant;

/// The first wait before a poll, and the longest: jobs that finish quickly are seen quickly,
/// long ones cost a request every 10 s.
const FIRST_POLL: Duration = Duration::from_secs(1);
const LONGEST_POLL: Duration = Duration::from_secs(10);

/// How waiting for a job ended, when it did not complete.
#[derive(Debug)]
pub enum WaitError {
    /// HostUp reported the job failed, with its reason when it gave one (unclipped).
    Failed {
        job_id: String,
        reason: Option<String>,
    },
    /// The deadline passed while the job was still `status`.
    TimedOut { job_id: String, status: String },
    /// Terraform is stopping; the job was last seen `status`.
    Cancelled { job_id: String, status: String },
    /// A poll failed (after its retries); the job's outcome is unknown.
    Poll { job_id: String, error: ApiError },
}

/// Following jobs (from [`super::Client::jobs`]).
pub struct Jobs<'a> {
    pub(super) core: &'a Core,
}

impl Jobs<'_> {
    /// Poll `op` until it completes (its last state), fails, or `deadline` passes.
    pub async fn wait(&self, mut op: Operation, deadline: Instant) -> Result<Operation, WaitError> {
        let job_id = op.job_id.clone().unwrap_or_default();
        let mut interval = FIRST_POLL;
        loop {
            match op.status.as_str() {
                "completed" => return Ok(op),
                "failed" => {
                    return Err(WaitError::Failed {
                        job_id,
                        reason: op.failure_reason(),
                    })
                }
                _ => {}
            }
            let status = op.status.clone();
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(WaitError::TimedOut { job_id, status });
            }
            if !crate::cancel::sleep(interval.min(left)).await {
                return Err(WaitError::Cancelled { job_id, status });
            }
            if Instant::now() >= deadline {
                return Err(WaitError::TimedOut { job_id, status });
            }
            interval = (interval.mul_f64(1.5)).min(LONGEST_POLL);
            let poll_url = op.poll_url.clone().unwrap_or_default();
            let left = deadline.saturating_duration_since(Instant::now());
            // Each poll is an operation of its own for retry_deadline; the whole wait is bounded
            // by the deadline, a poll in flight included.
            match tokio::time::timeout(left, fresh_operation(self.poll(&poll_url))).await {
                Err(_) => return Err(WaitError::TimedOut { job_id, status }),
                Ok(Ok(next)) => op = keep_follow_up(next, &op),
                Ok(Err(e)) if e.outcome() == Outcome::Cancelled => {
                    return Err(WaitError::Cancelled { job_id, status })
                }
                Ok(Err(error)) => return Err(WaitError::Poll { job_id, error }),
            }
        }
    }

    /// One `GET {pollUrl}`, retried as any read.
    async fn poll(&self, poll_url: &str) -> Result<Operation, ApiError> {
        let url = self.core.url_of_location(poll_url).map_err(|why| {
            ApiError::new(
                ErrorKind::Decode,
                "GET",
                "(pollUrl)",
                format!(
                    "HostUp's pollUrl \"{}\" is not followed: {why}",
                    clip(poll_url)
                ),
            )
        })?;
        let req = Request {
            method: Method::GET,
            url,
            auth: Auth::Bearer,
            body: None,
        };
        let reply: OperationReply = self.core.send(req, Repeat::Safe).await?;
        Ok(reply.operation)
    }
}

/// A poll reply may leave out the job id or the poll URL: the first reply's stay.
fn keep_follow_up(mut next: Operation, prev: &Operation) -> Operation {
    if next.job_id.is_none() {
        next.job_id = prev.job_id.clone();
    }
    if next.poll_url.is_none() {
        next.poll_url = prev.poll_url.clone();
    }
    next
}
