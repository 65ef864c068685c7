//! SSH keys on shared-hosting accounts (`/api/v2/shared-hosting/{accountId}/ssh-keys`): the
//! `hostup_hosting_ssh_key` resource, the `hostup_hosting_ssh_keys` data source, the attribute
//! table they share and the one conversion from HostUp's key to their state.

pub mod attributes;
pub mod data_source_list;
pub mod resource;
pub mod state;

pub use data_source_list::HostingSshKeysDataSource;
pub use resource::HostingSshKeyResource;
