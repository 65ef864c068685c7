//! The v2 reset: `POST /api/v2/vps/{id}/actions/reset-ssh-keys`, then HostUp's job followed
//! until it completes. Only a completed job puts the reset in the state; a failed one, a wait
//! past `timeouts.create` and Ctrl-C fail the apply, saying the job id and what may still happen.

use super::check::DEFAULT_CREATE_TIMEOUT_TEXT;
use crate::api::text::clip;
use crate::api::vps_models::Operation;
use crate::api::{Client, WaitError};
use crate::tf::diagnostics::api_error;
use std::time::Duration;
use tf_provider::Diagnostics;
use tokio::time::Instant;

/// The wait as the user wrote it in `timeouts.create`, or the default.
fn timeout_text(given: Option<&str>) -> String {
    given.unwrap_or(DEFAULT_CREATE_TIMEOUT_TEXT).to_string()
}

/// Reset VPS `vps_id` to `key_ids` and wait until `started + timeout`: the completed job's id and
/// last state, or `None` after a diagnostic.
pub async fn reset(
    diags: &mut Diagnostics,
    api: &Client,
    vps_id: &str,
    key_ids: &[String],
    timeout: (Duration, Option<&str>),
    started: Instant,
) -> Option<(String, Operation)> {
    let op = match api.vps().reset_ssh_keys(vps_id, key_ids).await {
        Ok(op) => op,
        Err(e) => {
            let mut what = format!("Could not reset the SSH keys of VPS {vps_id}");
            if e.is_ambiguous() || e.outcome() == crate::api::Outcome::ContractBroken {
                what.push_str(" (outcome unknown: not resent, since a reset restarts the VPS)");
            }
            api_error(diags, &what, &e);
            return None;
        }
    };
    let job = |id: &str| clip(id);
    let not_in_state = "It is not in the state: check the VPS before the next apply, which sends \
                        the reset again (and restarts the VPS again).";
    match api.jobs().wait(op, started + timeout.0).await {
        Ok(done) => {
            let id = done.job_id.clone().unwrap_or_default();
            Some((id, done))
        }
        Err(WaitError::Failed { job_id, reason }) => {
            let reason = reason.map_or_else(|| "no reason given".to_string(), |r| clip(&r));
            diags.root_error(
                format!("The SSH key reset of VPS {vps_id} failed"),
                format!(
                    "HostUp reports that job {} failed: {reason}\n\nThe reset is not in the state; \
                     the next apply sends it again.",
                    job(&job_id)
                ),
            );
            None
        }
        Err(WaitError::TimedOut { job_id, status }) => {
            diags.root_error(
                format!("Timed out waiting for the SSH key reset of VPS {vps_id}"),
                format!(
                    "HostUp's job {} was still \"{}\" after {} (timeouts.create). The reset may \
                     still complete. {not_in_state} To wait longer, raise `create` in the \
                     resource's `timeouts` block.",
                    job(&job_id),
                    clip(&status),
                    timeout_text(timeout.1)
                ),
            );
            None
        }
        Err(WaitError::Cancelled { job_id, status }) => {
            diags.root_error(
                format!("Interrupted while waiting for the SSH key reset of VPS {vps_id}"),
                format!(
                    "Terraform is stopping, so the provider stopped following HostUp's job {} \
                     (last \"{}\"). The reset may still complete. {not_in_state}",
                    job(&job_id),
                    clip(&status)
                ),
            );
            None
        }
        Err(WaitError::Poll { job_id, error }) => {
            let what = format!(
                "Could not follow the SSH key reset of VPS {vps_id} (job {}; the reset may still \
                 complete and is not in the state)",
                job(&job_id)
            );
            api_error(diags, &what, &error);
            None
        }
    }
}
