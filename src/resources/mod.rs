//! Terraform resources, one file each.

pub mod vps_ssh_key;
