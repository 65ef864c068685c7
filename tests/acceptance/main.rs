//! Acceptance tests: the real Terraform (or OpenTofu) CLI drives the built provider against the
//! mock HostUp API (`hostup_mock::MockServer`, in-process on a loopback port). One test binary, so
//! the provider and the mock are linked once; each module is one area, and `common` is the shared
//! harness. Run one area with e.g. `cargo test --test acceptance vps_ssh_key::`.

mod common;

mod adoption;
mod bad_input;
mod data_safety;
mod data_safety_edges;
mod docs_check;
mod docs_coverage;
mod docs_text;
mod examples;
mod fake_registry;
mod faults;
mod functions;
mod hosting_ssh_key;
mod import;
mod interrupt;
mod logging;
mod openssh;
mod published;
mod release;
mod request_counts;
mod vm_ssh_reset;
mod vps_data_sources;
mod vps_ssh_key;
