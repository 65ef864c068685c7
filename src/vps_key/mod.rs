//! Account-level VPS SSH keys (`GET/PATCH /api/v2/ssh-keys`, add and delete): the
//! `hostup_vps_ssh_key` resource, the `hostup_vps_ssh_key` and `hostup_vps_ssh_keys` data sources,
//! the attribute table they share, the one conversion from HostUp's key to their state, and the
//! store of what this process knows of the inventory.

pub mod attributes;
pub mod data_source;
pub mod data_source_list;
mod gate;
pub mod resource;
pub mod state;
pub mod store;

pub use data_source::VpsSshKeyDataSource;
pub use data_source_list::VpsSshKeysDataSource;
pub use resource::VpsSshKeyResource;
