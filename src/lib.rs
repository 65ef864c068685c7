//! HostUp Terraform provider: library crate shared by the provider binary, the mock HostUp API
//! (crate `hostup-mock`, which uses [`api::models`], [`ssh_key`] and [`timefmt`]) and the tests.
//!
//! - [`api`]: HTTP client, wire models and errors for HostUp's API.
//! - [`ssh_key`]: OpenSSH public key parsing and fingerprints.
//! - [`inventory`]: finding keys in HostUp's inventories (there is no "get one key" operation).
//! - [`provider`], [`resources`], [`data_sources`]: the Terraform side (tf-provider).

pub mod api;
pub mod cancel;
pub mod data_sources;
pub mod inventory;
pub mod log;
pub mod nodelay;
pub mod provider;
pub mod resources;
pub mod ssh_key;
pub mod tfutil;
pub mod timefmt;
