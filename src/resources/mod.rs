//! Terraform resources, one file each.

pub mod hosting_ssh_key;
pub mod vm_ssh_reset;
pub mod vps_ssh_key;
