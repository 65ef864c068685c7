#!/usr/bin/env bash
# Install the release zip from dist/ into a local filesystem mirror, so that a plain
# `terraform init` (or `tofu init`) installs hostup/hostup with a version constraint and records
# its hashes in .terraform.lock.hcl -- no dev_overrides, no network.
#
# Usage: scripts/install-local.sh [--dist DIR] [--mirror DIR]
#   --mirror  default: ~/.terraform.d/plugins, a directory Terraform and OpenTofu search without
#             any configuration. Another directory needs a CLI config with
#             provider_installation { filesystem_mirror { path = "DIR" } }.
source "$(dirname "$0")/lib.sh"

DIST="$ROOT/dist" MIRROR="${HOME}/.terraform.d/plugins"
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) DIST="$2"; shift 2 ;;
    --mirror) MIRROR="$2"; shift 2 ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

VERSION="$(crate_version)"
ZIP="$DIST/terraform-provider-hostup_${VERSION}_$(tf_platform).zip"
[ -f "$ZIP" ] || { echo "no release zip at $ZIP: run scripts/release.sh first" >&2; exit 1; }
(cd "$DIST" && sha256sum --check --ignore-missing --quiet "terraform-provider-hostup_${VERSION}_SHA256SUMS") || {
  echo "checksum mismatch in $DIST" >&2; exit 1; }

# The packed layout: HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip, under
# both registries' hostnames so that Terraform and OpenTofu find it for "hostup/hostup".
for host in registry.terraform.io registry.opentofu.org; do
  mkdir -p "$MIRROR/$host/hostup/hostup"
  cp "$ZIP" "$MIRROR/$host/hostup/hostup/"
done
log "installed hostup/hostup $VERSION into $MIRROR"
