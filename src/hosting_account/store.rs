//! What this process knows of the shared-hosting accounts: one shared copy of the whole list
//! (see [`crate::snapshot`]), so that every `hostup_hosting_accounts` of a run filters one read.

use crate::api::models::HostingAccount;
use crate::api::{ApiError, Client};
use crate::snapshot::{Collection, Snapshot};
use std::sync::Arc;

impl Collection for Vec<HostingAccount> {
    type Item = HostingAccount;
    // The provider creates and removes no account; kept for the snapshot's contract.
    fn upsert(&mut self, item: HostingAccount) {
        match self.iter_mut().find(|a| a.id == item.id) {
            Some(a) => *a = item,
            None => self.push(item),
        }
    }
    fn remove(&mut self, id: &str) {
        self.retain(|a| a.id != id);
    }
}

pub struct HostingAccountStore {
    client: Client,
    all: Snapshot<Vec<HostingAccount>>,
}

impl HostingAccountStore {
    pub fn new(client: Client) -> Self {
        HostingAccountStore {
            client,
            all: Snapshot::default(),
        }
    }

    /// Every account of the API key (the shared copy).
    pub async fn all(&self) -> Result<Arc<Vec<HostingAccount>>, ApiError> {
        let walk = || async move { self.client.hosting_accounts().list().await };
        self.all.get(walk).await
    }
}
