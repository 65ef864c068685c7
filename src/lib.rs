//! HostUp Terraform provider: the library behind the provider binary, also used by the mock
//! HostUp API (crate `hostup-mock`, which uses [`api::models`], [`ssh_key`] and [`timefmt`]), the
//! benchmark and the tests.
//!
//! Rooms, from the top down:
//! - [`provider`]: configuration and the list of resources and data sources.
//! - [`vps_key`], [`hosting_key`], [`vm_reset`]: one room per HostUp object, each with its
//!   resource, its data sources, one attribute table and one conversion from HostUp's replies.
//! - [`functions`]: the provider-defined functions (`provider::hostup::ssh_fingerprint`, ...).
//! - [`tf`]: the Terraform side's vocabulary (schema builders, values, diagnostics, checks);
//!   [`configured`]: the API once the provider block is configured.
//! - [`inventory`]: finding keys in HostUp's inventories (there is no "get one key" operation).
//! - [`api`]: transport, retry policy, client, wire models and errors.
//! - [`ssh_key`]: OpenSSH public key parsing and fingerprints.
//! - [`plugin`]: the plugin's front door, between Terraform and tf-provider's gRPC server
//!   (answers StopProvider so Ctrl-C does not shut the server down; handshake; TCP_NODELAY).
//! - [`log`], [`cancel`], [`duration`], [`timefmt`]: logging in Terraform's format, Ctrl-C,
//!   durations and clock formatting.

pub mod api;
pub mod cancel;
pub mod configured;
pub mod duration;
pub mod functions;
pub mod hosting_key;
pub mod inventory;
pub mod log;
pub mod plugin;
pub mod provider;
pub mod ssh_key;
pub mod tf;
pub mod timefmt;
pub mod vm_reset;
pub mod vps_key;
