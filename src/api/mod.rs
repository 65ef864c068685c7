//! HostUp's client library (the role hcloud-go plays for hcloud): one core ([`core`]: the HTTP
//! client and request helpers; [`transport`]: one attempt; [`retry`]: the one retry loop and its
//! policy, one deadline per Terraform operation; [`pacing`]: one pacer per process by HostUp's
//! rate-limit headers, [`rate_headers`]), one classification of failures ([`errors`]),
//! the wire shapes ([`models`]), creating without duplicates ([`create`]), and a handler per
//! HostUp area: [`Client::vps_keys`], [`Client::hosting_keys`], [`Client::hosting_accounts`],
//! [`Client::vm`], [`Client::vps`] (instances and the v2 reset), [`Client::jobs`] (following a v2
//! action's job); [`pages`] is the one loop over cursor-paginated lists. Nothing above
//! this module builds a path or reads a status code.

// ApiError carries everything a diagnostic shows; it is built only on failures, so its size
// does not matter.
#![allow(clippy::result_large_err)]

mod core;
pub mod create;
pub mod endpoint;
pub mod errors;
pub mod hosting_accounts;
pub mod hosting_keys;
pub mod jobs;
pub mod models;
mod network;
mod pacing;
pub mod pages;
mod rate_headers;
pub mod retry;
pub mod scopes;
pub mod text;
pub mod tls;
mod transport;
pub mod vm;
pub mod vps;
pub mod vps_keys;
pub mod vps_models;

pub use self::core::ClientConfig;
pub use create::{CreateError, Created};
pub use errors::{ApiError, ErrorKind, Outcome};
pub use hosting_accounts::HostingAccounts;
pub use hosting_keys::{HostingKeys, Imported, Removal};
pub use jobs::{Jobs, WaitError};
pub use retry::{operation, RetryPolicy};
pub use transport::{user_agent, Secret, USER_AGENT_VALUE};
pub use vm::Vm;
pub use vps::{InstanceFilter, Vps};
pub use vps_keys::VpsKeys;

use std::sync::Arc;

/// The configured client; cheap to clone (every clone shares one connection pool, one outage
/// window and what was learned about the server).
#[derive(Clone, Debug)]
pub struct Client {
    core: Arc<self::core::Core>,
    vps_routes: Arc<vps_keys::Routes>,
}

impl Client {
    pub fn new(cfg: ClientConfig) -> Result<Client, String> {
        Ok(Client {
            core: Arc::new(self::core::Core::new(cfg)?),
            vps_routes: Arc::default(),
        })
    }

    /// Account-level VPS SSH keys.
    pub fn vps_keys(&self) -> VpsKeys<'_> {
        VpsKeys {
            core: &self.core,
            routes: &self.vps_routes,
        }
    }

    /// The SSH keys of one shared-hosting account.
    pub fn hosting_keys<'a>(&'a self, account: &'a str) -> HostingKeys<'a> {
        HostingKeys {
            core: &self.core,
            account,
        }
    }

    /// The shared-hosting accounts.
    pub fn hosting_accounts(&self) -> HostingAccounts<'_> {
        HostingAccounts { core: &self.core }
    }

    /// One VM (v1 ids).
    pub fn vm(&self, vmid: u64) -> Vm<'_> {
        Vm {
            core: &self.core,
            vmid,
        }
    }

    /// VPS instances (v2 ids) and their actions.
    pub fn vps(&self) -> Vps<'_> {
        Vps { core: &self.core }
    }

    /// Following the jobs v2 actions start.
    pub fn jobs(&self) -> Jobs<'_> {
        Jobs { core: &self.core }
    }
}
