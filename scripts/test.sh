#!/usr/bin/env bash
# Runs every test of every workspace crate: unit tests, the mock's HTTP tests (crates/hostup-mock),
# the acceptance tests that drive the real Terraform CLI against the mock, and the release checks (signing, local install, the workflow
# lint, and a cross-built foreign platform started under emulation). Installs what they need
# when missing: protoc, a Terraform CLI, gnupg, ssh-keygen, zig + cargo-zigbuild + actionlint (PyPI, into
# .tools/), shellcheck, and the runners of the platforms in HOSTUP_TEST_PLATFORMS (default
# linux_arm64: qemu-user-static; windows_amd64: wine64).
source "$(dirname "$0")/lib.sh"
ensure_protoc
ensure_terraform
ensure_python
ensure_gpg
ensure_ssh_keygen
ensure_pytools
ensure_shellcheck
platforms=",${HOSTUP_TEST_PLATFORMS:-linux_arm64},"
if [[ $platforms == *,all,* || $platforms == *,linux_arm64,* ]]; then ensure_qemu_aarch64; fi
if [[ $platforms == *,all,* || $platforms == *,windows_amd64,* ]]; then ensure_wine; fi
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
