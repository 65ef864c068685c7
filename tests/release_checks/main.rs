//! Release checks: scripts/release.sh's artefacts and signing, scripts/install-local.sh's mirror
//! used by a plain `terraform init` (against a fake registry on loopback), and the release
//! workflow's lint. A test binary of its own, apart from the acceptance tests of the provider's
//! behaviour; it shares their harness (`tests/common/`).

#[path = "../common/mod.rs"]
mod common;

mod fake_registry;
mod release;
