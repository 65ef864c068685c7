//! Test helpers shared by the provider's tests (`tests/`), the mock's HTTP tests
//! (`crates/hostup-mock/tests/`) and `hostup-bench`, so that each exists once:
//!
//! - [`keys`]: SSH public keys for tests (real ones made with ssh-keygen, and synthetic ones);
//! - [`plugin`]: starting a provider as Terraform does and reading its go-plugin handshake;
//! - [`terraform`]: finding the Terraform or OpenTofu CLI to drive.
//!
//! The values of the mock's default world (its token, account and VM ids) stay in
//! `hostup_mock::fixtures`: the mock itself serves them.

pub mod keys;
pub mod plugin;
pub mod terraform;
