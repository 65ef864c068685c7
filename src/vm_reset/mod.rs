//! Resets of a VM's SSH keys (the v1 `POST /api/vm/{vmid}/reset-ssh-keys`): the action-style
//! `hostup_vm_ssh_reset` resource and the conversion of HostUp's reply to its state.

pub mod resource;
pub mod state;

pub use resource::VmSshResetResource;
