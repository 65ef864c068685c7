//! The older account-key operations HostUp publishes (`GET/POST/DELETE /api/ssh-keys`,
//! `X-API-Key`, v1 envelopes, numeric ids, MD5 fingerprints). The provider uses them where the
//! v2 add and delete, which HostUp's reference does not publish, are absent.

use super::client::Client;
use super::errors::ApiError;
use super::models::*;
use super::retry::Repeat;
use super::transport::Auth;
use reqwest::Method;

impl Client {
    /// Every key of the older view.
    pub async fn list_legacy_keys(&self) -> Result<V1Envelope<LegacyKeyList>, ApiError> {
        let url = self.url(&["api", "ssh-keys"]);
        self.json::<(), _>(Method::GET, url, Auth::ApiKeyHeader, Repeat::Safe, None)
            .await
    }

    /// Add a key. Never resent when it may have been carried out (see `api::create`).
    pub async fn legacy_add_key(
        &self,
        name: &str,
        public_key: &str,
    ) -> Result<LegacyKey, ApiError> {
        let url = self.url(&["api", "ssh-keys"]);
        let path = url.path().to_string();
        let body = LegacyAddKey {
            name: name.to_string(),
            public_key: public_key.to_string(),
        };
        let reply: V1Envelope<LegacyAdded> = self
            .json(
                Method::POST,
                url,
                Auth::ApiKeyHeader,
                Repeat::OnlyIfNotProcessed,
                Some(&body),
            )
            .await?;
        let added = reply.data.ssh_key;
        if reply.success && added.success {
            return Ok(added.ssh_key);
        }
        let info = added.info.join(" ");
        Err(Client::rejected(&path, "POST", &info, reply.request_id))
    }

    /// Delete a key by its numeric id; returns the reply's requestId.
    pub async fn legacy_delete_key(&self, id: i64) -> Result<String, ApiError> {
        let url = self.url(&["api", "ssh-keys"]);
        let path = url.path().to_string();
        let body = LegacyDeleteKey { id };
        let reply: V1Envelope<LegacyDeleted> = self
            .json(
                Method::DELETE,
                url,
                Auth::ApiKeyHeader,
                Repeat::Safe,
                Some(&body),
            )
            .await?;
        if reply.success && reply.data.success {
            return Ok(reply.request_id);
        }
        Err(Client::rejected(
            &path,
            "DELETE",
            &reply.data.message,
            reply.request_id,
        ))
    }
}
