//! VPS instances (`GET /api/v2/vps`): the `hostup_vps_instances` data source, the one conversion
//! from HostUp's instance to its state, and the store of what this process knows of the list
//! (also read by `hostup_vm_ssh_reset` to check a `vps_id` at plan).

pub mod data_source;
pub mod state;
pub mod store;

pub use data_source::VpsInstancesDataSource;
