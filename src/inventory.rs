//! Reading keys from HostUp's inventories. HostUp has no "get one key" operation: a key is read by
//! finding it in its inventory (VPS: the paginated account list; hosting: the account's list).

use crate::api::models::VpsSshKey;
use crate::api::{ApiError, Client};
use crate::ssh_key::PublicKey;

/// Find a VPS key by id.
pub async fn find_vps_key(client: &Client, id: &str) -> Result<Option<VpsSshKey>, ApiError> {
    Ok(client
        .list_vps_keys()
        .await?
        .into_iter()
        .find(|k| k.id == id))
}

/// Find a VPS key by fingerprint (`SHA256:...`).
pub async fn find_vps_key_by_fingerprint(
    client: &Client,
    fingerprint: &str,
) -> Result<Option<VpsSshKey>, ApiError> {
    Ok(client
        .list_vps_keys()
        .await?
        .into_iter()
        .find(|k| vps_key_fingerprint(k).as_deref() == Some(fingerprint)))
}

/// A key's fingerprint: computed from its public key when that parses (the API may report null),
/// else whatever the API says.
pub fn vps_key_fingerprint(k: &VpsSshKey) -> Option<String> {
    PublicKey::parse(&k.public_key)
        .ok()
        .map(|p| p.fingerprint())
        .or_else(|| k.fingerprint.clone())
}
