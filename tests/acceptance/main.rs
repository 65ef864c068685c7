//! Acceptance tests: the real Terraform (or OpenTofu) CLI drives the built provider against the
//! mock HostUp API (`hostup_mock::MockServer`, in-process on a loopback port). One test binary for
//! the provider's behaviour, so the provider and the mock are linked once; each module is one
//! area. `common` (tests/common/) is the harness, shared with the documentation checks
//! (tests/docs/) and the release checks (tests/release_checks/), which are binaries of their own.
//! Run one area with e.g. `cargo test --test acceptance vps_ssh_key::`.

#[path = "../common/mod.rs"]
mod common;

mod adoption;
mod bad_input;
mod bounded_reads;
mod data_safety;
mod data_safety_edges;
mod faults;
mod functions;
mod hosting_accounts;
mod hosting_authorize;
mod hosting_removal;
mod hosting_ssh_key;
mod import;
mod input_checks;
mod interrupt;
mod legacy_key_writes;
mod logging;
mod network;
mod openssh;
mod rate_limits;
mod request_counts;
mod server_text;
mod tls;
mod vm_reset_v2;
mod vm_ssh_reset;
mod vps_data_sources;
mod vps_instances;
mod vps_ssh_key;
