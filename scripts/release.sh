#!/usr/bin/env bash
# Build the release artefacts a Terraform registry (or a filesystem mirror) expects, in dist/:
#   terraform-provider-hostup_<version>_<os>_<arch>.zip   (holds terraform-provider-hostup_v<version>)
#   terraform-provider-hostup_<version>_manifest.json     (protocol versions)
#   terraform-provider-hostup_<version>_SHA256SUMS        (zip and manifest)
#   terraform-provider-hostup_<version>_SHA256SUMS.sig    (with --gpg-key or GPG_KEY_ID)
#
# Usage: scripts/release.sh [--binary PATH] [--out DIR] [--gpg-key KEY_ID]
#   --binary  package this provider binary instead of building target/release (tests use it)
source "$(dirname "$0")/lib.sh"

BINARY="" OUT="$ROOT/dist" GPG_KEY="${GPG_KEY_ID:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BINARY="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --gpg-key) GPG_KEY="$2"; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

ensure_python
VERSION="$(crate_version)"
PLATFORM="$(tf_platform)"
NAME="terraform-provider-hostup_${VERSION}"

if [ -z "$BINARY" ]; then
  ensure_protoc
  log "building the release binary (LTO; takes a few minutes on 2 cores)"
  (cd "$ROOT" && cargo build --release --locked --bin terraform-provider-hostup)
  BINARY="$ROOT/target/release/terraform-provider-hostup"
fi
[ -x "$BINARY" ] || { echo "no provider binary at $BINARY" >&2; exit 1; }

mkdir -p "$OUT"
rm -f "$OUT/${NAME}"_*
ZIP="$OUT/${NAME}_${PLATFORM}.zip"
# Deterministic zip: fixed timestamp, executable bit set, so the same binary gives the same hash.
python3 - "$BINARY" "$ZIP" "terraform-provider-hostup_v${VERSION}" <<'PY'
import sys, zipfile
src, dest, name = sys.argv[1:4]
info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
info.external_attr = 0o100755 << 16
info.compress_type = zipfile.ZIP_DEFLATED
with open(src, "rb") as f, zipfile.ZipFile(dest, "w") as z:
    z.writestr(info, f.read())
PY
cp "$ROOT/terraform-registry-manifest.json" "$OUT/${NAME}_manifest.json"
(cd "$OUT" && sha256sum "${NAME}_${PLATFORM}.zip" "${NAME}_manifest.json" >"${NAME}_SHA256SUMS")

if [ -n "$GPG_KEY" ]; then
  gpg --batch --yes --local-user "$GPG_KEY" --detach-sign \
    --output "$OUT/${NAME}_SHA256SUMS.sig" "$OUT/${NAME}_SHA256SUMS"
  log "signed ${NAME}_SHA256SUMS with $GPG_KEY"
fi
log "release artefacts in $OUT:"
ls -l "$OUT" >&2
