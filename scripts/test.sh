#!/usr/bin/env bash
# Runs every test of every workspace crate: unit tests, the mock's HTTP tests (crates/hostup-mock)
# and the acceptance tests that drive the real Terraform CLI against the mock. Installs protoc, a
# Terraform CLI and ssh-keygen when missing.
source "$(dirname "$0")/lib.sh"
ensure_protoc
ensure_terraform
ensure_python
ensure_gpg
ensure_ssh_keygen
clean_env
cd "$ROOT"
log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
log "cargo test"
cargo test --workspace --all-targets --locked -- --test-threads="${TEST_THREADS:-2}"

# The acceptance tests again with Terraform 1.0.3, the oldest version we support, when the CLI
# above is another one (HOSTUP_TEST_ONE_TF=1 skips this second pass). Only the provider package's
# tests: the other crates' never run Terraform.
if [ "${HOSTUP_TEST_ONE_TF:-0}" != 1 ] && ! "$TF_BIN" version 2>/dev/null | head -n 1 | grep -q 'v1\.0\.3$'; then
  TF_OLD="$(install_terraform_1_0)"
  log "acceptance tests again with $("$TF_OLD" version | head -n 1)"
  TF_ACC_TERRAFORM_PATH="$TF_OLD" cargo test --tests --locked -- --test-threads="${TEST_THREADS:-2}"
fi
