#!/usr/bin/env bash
# Runs every test: unit tests, the mock's HTTP tests and the acceptance tests that drive the real
# Terraform CLI against the mock. Installs protoc and a Terraform CLI when missing.
source "$(dirname "$0")/lib.sh"
ensure_protoc
ensure_terraform
ensure_python
ensure_gpg
clean_env
cd "$ROOT"
log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
log "cargo test"
cargo test --all-targets --locked -- --test-threads="${TEST_THREADS:-2}"
