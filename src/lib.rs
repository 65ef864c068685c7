//! HostUp Terraform provider: the library behind the provider binary (whose plugin front door,
//! `src/plugin/`, is the binary's own), also used by the mock HostUp API (crate `hostup-mock`,
//! which parses keys with [`ssh_key`]), the benchmark and the tests.
//!
//! Rooms, from the top down:
//! - [`provider`]: the schema, configure and the list of resources, data sources and functions;
//!   [`settings`]: each setting from the block, the environment or its default, checked together.
//! - [`vps_key`], [`hosting_key`], [`hosting_account`], [`vm_reset`],
//!   [`vps_instance`]: one room per HostUp object, each with its
//!   resource, its data sources, one attribute table, one conversion from HostUp's replies and,
//!   for the inventories, its store (what the process knows of that inventory).
//! - [`functions`]: the provider-defined functions (`provider::hostup::ssh_fingerprint`, ...).
//! - [`tf`]: the Terraform side's vocabulary (schema builders, values, diagnostics, checks);
//!   [`configured`]: what the provider block configured, handed to every object;
//!   [`snapshot`]: one inventory's shared, single-flight copy, which the stores keep.
//! - [`api`]: HostUp's client library: one core and retry loop, one classification of
//!   failures, wire models, and a handler per API area.
//! - [`ssh_key`]: OpenSSH public key parsing and fingerprints.
//! - [`log`], [`cancel`], [`duration`]: logging in Terraform's format, Ctrl-C and
//!   durations.

pub mod api;
pub mod cancel;
pub mod configured;
pub mod duration;
pub mod functions;
pub mod hosting_account;
pub mod hosting_key;
pub mod log;
pub mod provider;
pub mod settings;
pub mod snapshot;
pub mod ssh_key;
pub mod tf;
pub mod vm_reset;
pub mod vps_instance;
pub mod vps_key;
