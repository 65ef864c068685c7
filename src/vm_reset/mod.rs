//! Resets of a machine's SSH keys: the action-style `hostup_vm_ssh_reset` resource, by `vmid`
//! (the v1 `POST /api/vm/{vmid}/reset-ssh-keys`) or by `vps_id` (the v2 reset and its job,
//! [`v2`]); its configuration checks ([`check`]), the plan-time look-ups of its ids
//! ([`inventory`]) and the conversion of HostUp's replies to its state ([`state`]).

pub mod check;
mod inventory;
pub mod resource;
pub mod state;
mod v2;

pub use resource::VmSshResetResource;
