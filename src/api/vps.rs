//! VPS instances: `GET /api/v2/vps` (filtered, every page) and the v2 SSH key reset
//! `POST /api/v2/vps/{id}/actions/reset-ssh-keys`, whose job [`super::jobs`] follows.

use super::core::Core;
use super::errors::{ApiError, ErrorKind};
use super::models::ResetVmKeys;
use super::pages;
use super::retry::Repeat;
use super::transport::Auth;
use super::vps_models::{Operation, OperationReply, VpsInstance};
use reqwest::Method;

const VPS: [&str; 3] = ["api", "v2", "vps"];

/// HostUp's own filters of the list; the caller applies them again to what comes back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceFilter {
    /// Exact, case-insensitive.
    pub name: Option<String>,
    /// Exact.
    pub primary_ip: Option<String>,
}

/// The VPS operations (from [`super::Client::vps`]).
pub struct Vps<'a> {
    pub(super) core: &'a Core,
}

impl Vps<'_> {
    /// Every instance HostUp lists for `filter` (all pages, bounded: see [`pages::every_page`]).
    pub async fn list(&self, filter: &InstanceFilter) -> Result<Vec<VpsInstance>, ApiError> {
        let mut query = Vec::new();
        if let Some(n) = &filter.name {
            query.push(("name", n.as_str()));
        }
        if let Some(ip) = &filter.primary_ip {
            query.push(("primaryIp", ip.as_str()));
        }
        pages::every_page(self.core, &VPS, &query, "VPS").await
    }

    /// Ask HostUp to reset the SSH keys of VPS `id` to `key_ids` (`ssh_…`): the operation it
    /// started. Not idempotent (the VPS restarts), so, like the v1 reset, never resent after an
    /// unknown outcome.
    pub async fn reset_ssh_keys(
        &self,
        id: &str,
        key_ids: &[String],
    ) -> Result<Operation, ApiError> {
        let body = ResetVmKeys {
            key_ids: key_ids.to_vec(),
        };
        let segments = ["api", "v2", "vps", id, "actions", "reset-ssh-keys"];
        let req = self
            .core
            .request(Method::POST, &segments, Auth::Bearer, Some(&body))?;
        let path = req.path().to_string();
        let reply: OperationReply = self.core.send(req, Repeat::OnlyIfNotProcessed).await?;
        let op = reply.operation;
        // A job that is still running must say how to follow it; one already done need not.
        let missing = match (&op.job_id, &op.poll_url) {
            (None, _) => Some("`operation.jobId`"),
            (_, None) if !op.is_done() => Some("`operation.pollUrl`"),
            _ => None,
        };
        if let Some(field) = missing {
            return Err(ApiError::new(
                ErrorKind::Decode,
                "POST",
                &path,
                format!(
                    "HostUp accepted the reset (status \"{}\") but its reply has no {field}, so \
                     the job cannot be followed; the reset may still complete",
                    super::text::clip(&op.status)
                ),
            ));
        }
        Ok(op)
    }
}
