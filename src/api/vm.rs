//! One VM: the v1 `POST /api/vm/{vmid}/reset-ssh-keys` (`X-API-Key`).

use super::core::Core;
use super::errors::ApiError;
use super::models::*;
use super::retry::Repeat;
use super::transport::Auth;
use reqwest::Method;

/// The operations on one VM (from [`super::Client::vm`]).
pub struct Vm<'a> {
    pub(super) core: &'a Core,
    pub(super) vmid: u64,
}

impl Vm<'_> {
    /// Reset the VM's SSH keys. Not idempotent (the VM restarts), so never resent after an
    /// unknown outcome; done only when HostUp says so at both levels of its envelope.
    pub async fn reset_ssh_keys(&self, key_ids: &[String]) -> Result<ResetVmKeysReply, ApiError> {
        let body = ResetVmKeys {
            key_ids: key_ids.to_vec(),
        };
        let vmid = self.vmid.to_string();
        let segments = ["api", "vm", &vmid, "reset-ssh-keys"];
        let req = self
            .core
            .request(Method::POST, &segments, Auth::ApiKeyHeader, Some(&body))?;
        let path = req.path().to_string();
        let reply: ResetVmKeysReply = self.core.send(req, Repeat::OnlyIfNotProcessed).await?;
        if reply.success && reply.data.success {
            return Ok(reply);
        }
        Err(ApiError::rejected(
            "POST",
            &path,
            &reply.data.message,
            reply.request_id,
        ))
    }
}
