//! SSH keys on shared-hosting accounts (`/api/v2/shared-hosting/{accountId}/ssh-keys`): the
//! `hostup_hosting_ssh_key` resource, the `hostup_hosting_ssh_keys` data source, the attribute
//! table they share, the one conversion from HostUp's key to their state, and the store of what
//! this process knows of the accounts' keys.

pub mod attributes;
mod authorize;
pub mod data_source_list;
mod removal;
pub mod resource;
pub mod state;
pub mod store;

pub use data_source_list::HostingSshKeysDataSource;
pub use resource::HostingSshKeyResource;
