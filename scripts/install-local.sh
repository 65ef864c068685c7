#!/usr/bin/env bash
# Install this machine's release zip from dist/ into a filesystem mirror of its own, and print the
# Terraform/OpenTofu CLI configuration that uses it (stdout; everything else goes to stderr).
#
# Usage: scripts/install-local.sh [--dist DIR] [--mirror DIR] [--uninstall]
#   --mirror     default: ${XDG_DATA_HOME:-~/.local/share}/terraform-provider-hostup/mirror
#   --uninstall  remove hostup/hostup from the mirror, and from ~/.terraform.d/plugins where
#                earlier versions of this script put it
#
# Not ~/.terraform.d/plugins: Terraform and OpenTofu search that directory unasked and then never
# ask the registry for a provider they find there, so a later `version = ">= 0.2.0"` would fail
# with "no available releases match" long after this install is forgotten. The printed
# configuration instead offers hostup/hostup from the mirror *and* the registry (the newest
# version matching the constraint wins), and only while TF_CLI_CONFIG_FILE points at it.
source "$(dirname "$0")/lib.sh"

DIST="$ROOT/dist" MIRROR="${XDG_DATA_HOME:-$HOME/.local/share}/terraform-provider-hostup/mirror" UNINSTALL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) DIST="$2"; shift 2 ;;
    --mirror) MIRROR="$2"; shift 2 ;;
    --uninstall) UNINSTALL=1; shift ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

# The packed layout is HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip, under
# both registries' hostnames so that Terraform and OpenTofu find it for "hostup/hostup".
HOSTS="registry.terraform.io registry.opentofu.org"
LEGACY="$HOME/.terraform.d/plugins"

if [ "$UNINSTALL" = 1 ]; then
  for dir in "$MIRROR" "$LEGACY"; do
    for host in $HOSTS; do
      if [ -d "$dir/$host/hostup/hostup" ]; then
        rm -rf "$dir/$host/hostup/hostup"
        rmdir "$dir/$host/hostup" 2>/dev/null || true
        log "removed hostup/hostup from $dir/$host"
      fi
    done
  done
  log "uninstalled; remove the provider_installation block for $MIRROR from your CLI configuration"
  exit 0
fi

VERSION="$(crate_version)"
ZIP="$DIST/terraform-provider-hostup_${VERSION}_$(tf_platform).zip"
[ -f "$ZIP" ] || { echo "no release zip at $ZIP: run scripts/release.sh first" >&2; exit 1; }
(cd "$DIST" && sha256sum --check --ignore-missing --quiet "terraform-provider-hostup_${VERSION}_SHA256SUMS") || {
  echo "checksum mismatch in $DIST" >&2; exit 1; }

for host in $HOSTS; do
  mkdir -p "$MIRROR/$host/hostup/hostup"
  cp "$ZIP" "$MIRROR/$host/hostup/hostup/"
done
log "installed hostup/hostup $VERSION into $MIRROR"
for host in $HOSTS; do
  if [ "$MIRROR" != "$LEGACY" ] && [ -d "$LEGACY/$host/hostup/hostup" ]; then
    log "WARNING: $LEGACY/$host/hostup/hostup exists (an earlier install-local.sh put it there):"
    log "  while it does, terraform init never asks the registry for hostup/hostup."
    log "  Remove it with: scripts/install-local.sh --uninstall"
  fi
done

log "to use it, put this in a CLI configuration file and point TF_CLI_CONFIG_FILE at that file"
log "(or add the block to ~/.terraformrc):"
cat <<RC
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hostup/hostup", "registry.opentofu.org/hostup/hostup"]
  }
  direct {}
}
RC
