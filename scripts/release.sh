#!/usr/bin/env bash
# Build the release artefacts a Terraform or OpenTofu registry (or a filesystem mirror) expects,
# for one or more platforms, in dist/:
#   terraform-provider-hostup_<version>_<os>_<arch>.zip   (holds terraform-provider-hostup_v<version>,
#                                                          .exe on Windows)
#   terraform-provider-hostup_<version>_manifest.json     (protocol versions)
#   terraform-provider-hostup_<version>_SHA256SUMS        (every zip and the manifest)
#   terraform-provider-hostup_<version>_SHA256SUMS.sig    (detached signature, RSA key)
#
# Usage: scripts/release.sh [--platforms LIST|all] [--gpg-key KEY_ID | --unsigned] [--out DIR]
#                           [--tag vX.Y.Z] [--profile PROFILE] [--binary PATH]
#   --platforms  os_arch names separated by commas, or all (linux_amd64, linux_arm64, darwin_amd64,
#                darwin_arm64, windows_amd64, freebsd_amd64); default: this machine's platform
#   --gpg-key    sign the sums with this RSA key (default: $GPG_KEY_ID); a passphrase is read from
#                $GPG_PASSPHRASE when set. Without a key the script refuses, unless --unsigned.
#   --unsigned   no signature (GPG_KEY_ID is ignored): for local installs and tests only; the
#                registries refuse such a release
#   --tag        refuse unless this is v<version in Cargo.toml> (the release workflow passes its tag)
#   --profile    cargo profile to build with (default release; tests use dev, which builds faster)
#   --binary     package this prebuilt binary for this machine's platform instead of building
#
# Every platform is cross-built from Linux with cargo-zigbuild (zig from PyPI's ziglang as C
# compiler and linker; both installed into .tools/), Linux against glibc 2.17 so that the binary
# runs on any distribution Rust supports. See CONTRIBUTING.md, "Releasing".
source "$(dirname "$0")/lib.sh"

ALL_PLATFORMS="linux_amd64,linux_arm64,darwin_amd64,darwin_arm64,windows_amd64,freebsd_amd64"
PLATFORMS="" BINARY="" OUT="$ROOT/dist" GPG_KEY="${GPG_KEY_ID:-}" KEY_GIVEN=0 UNSIGNED=0 TAG="" PROFILE=release
while [ $# -gt 0 ]; do
  case "$1" in
    --platforms) PLATFORMS="$2"; shift 2 ;;
    --binary) BINARY="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --gpg-key) GPG_KEY="$2" KEY_GIVEN=1; shift 2 ;;
    --unsigned) UNSIGNED=1; shift ;;
    --tag) TAG="$2"; shift 2 ;;
    --profile) PROFILE="$2"; shift 2 ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
die() { echo "release.sh: $*" >&2; exit 1; }

# gpg --detach-sign, non-interactively when $GPG_PASSPHRASE is set (the release workflow).
sign() { # key file signature
  local args=(--yes --local-user "$1" --detach-sign --output "$3")
  if [ -n "${GPG_PASSPHRASE:-}" ]; then
    printf '%s' "$GPG_PASSPHRASE" | gpg --batch --pinentry-mode loopback --passphrase-fd 0 "${args[@]}" "$2"
  else
    gpg "${args[@]}" "$2"
  fi
}

# The public-key algorithm of a good signature (OpenPGP numbers: 1 RSA, 17 DSA, 22 EdDSA, ...);
# fails when the signature does not verify.
signature_algorithm() { # signature file
  gpg --batch --status-fd 1 --verify "$1" "$2" 2>/dev/null |
    awk '$2 == "VALIDSIG" { print $9; found = 1 } END { exit !found }'
}

VERSION="$(crate_version)"
NAME="terraform-provider-hostup_${VERSION}"
if [ -n "$TAG" ] && [ "$TAG" != "v$VERSION" ]; then
  die "tag $TAG does not match the version in Cargo.toml ($VERSION): expected v$VERSION"
fi

# Rust target triple for a Terraform platform name (zigbuild's glibc suffix on Linux).
triple() {
  case "$1" in
    linux_amd64) echo x86_64-unknown-linux-gnu.2.17 ;;
    linux_arm64) echo aarch64-unknown-linux-gnu.2.17 ;;
    darwin_amd64) echo x86_64-apple-darwin ;;
    darwin_arm64) echo aarch64-apple-darwin ;;
    windows_amd64) echo x86_64-pc-windows-gnu ;;
    freebsd_amd64) echo x86_64-unknown-freebsd ;;
    *) return 1 ;;
  esac
}
exe_suffix() { case "$1" in windows_*) echo .exe ;; esac; }

[ "$PLATFORMS" = all ] && PLATFORMS="$ALL_PLATFORMS"
[ -n "$PLATFORMS" ] || PLATFORMS="$(tf_platform)"
IFS=, read -r -a PLATFORM_LIST <<<"$PLATFORMS"
for p in "${PLATFORM_LIST[@]}"; do
  triple "$p" >/dev/null || die "unknown platform $p (known: $ALL_PLATFORMS)"
done
if [ -n "$BINARY" ] && [ "$PLATFORMS" != "$(tf_platform)" ]; then
  die "--binary packages a binary for this machine's platform ($(tf_platform)) only"
fi

# Signing is decided before anything is built: a key that is missing, needs a passphrase that
# was not given, or is not RSA fails now, not after the builds.
if [ "$UNSIGNED" = 1 ]; then
  [ "$KEY_GIVEN" = 0 ] || die "--unsigned and --gpg-key contradict each other"
  log "not signing (--unsigned): a registry will not accept this release"
elif [ -z "$GPG_KEY" ]; then
  die "no signing key: pass --gpg-key KEY_ID (or set GPG_KEY_ID) with an RSA key, or --unsigned \
for a local, unsigned build (see CONTRIBUTING.md, \"Releasing\")"
else
  ensure_gpg
  probe="$(mktemp)"
  trap 'rm -f "$probe" "$probe.sig"' EXIT
  echo "signing probe" >"$probe"
  sign "$GPG_KEY" "$probe" "$probe.sig" || die "cannot sign with $GPG_KEY"
  algorithm="$(signature_algorithm "$probe.sig" "$probe")" || die "a signature by $GPG_KEY does not verify"
  [ "$algorithm" = 1 ] || die "$GPG_KEY signs with OpenPGP algorithm $algorithm, not RSA (1): the \
registries accept RSA keys; create one with gpg --quick-generate-key 'NAME <EMAIL>' rsa4096 sign never"
fi

ensure_python
mkdir -p "$OUT"
rm -f "$OUT/${NAME}"_*

# Deterministic zip: fixed timestamp, executable bit set, so the same binary gives the same hash.
package() { # platform binary
  local zip="$OUT/${NAME}_$1.zip"
  python3 - "$2" "$zip" "terraform-provider-hostup_v${VERSION}$(exe_suffix "$1")" <<'PY'
import sys, zipfile
src, dest, name = sys.argv[1:4]
info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
info.external_attr = 0o100755 << 16
info.compress_type = zipfile.ZIP_DEFLATED
with open(src, "rb") as f, zipfile.ZipFile(dest, "w") as z:
    z.writestr(info, f.read())
PY
}

if [ -n "$BINARY" ]; then
  [ -x "$BINARY" ] || die "no provider binary at $BINARY"
  package "$PLATFORMS" "$BINARY"
else
  ensure_protoc
  ensure_zigbuild
  TARGET_DIR="$(cargo_target_dir)"
  case "$PROFILE" in dev | test) PROFILE_DIR=debug ;; bench) PROFILE_DIR=release ;; *) PROFILE_DIR="$PROFILE" ;; esac
  triples=()
  for p in "${PLATFORM_LIST[@]}"; do t="$(triple "$p")"; triples+=("${t%.2.17}"); done
  ensure_rust_targets "${triples[@]}"
  for p in "${PLATFORM_LIST[@]}"; do
    t="$(triple "$p")"
    log "building $p ($t, profile $PROFILE)"
    start=$SECONDS
    (cd "$ROOT" && cargo zigbuild --locked --profile "$PROFILE" --target "$t" --bin terraform-provider-hostup)
    log "built $p in $((SECONDS - start)) s"
    package "$p" "$TARGET_DIR/${t%.2.17}/$PROFILE_DIR/terraform-provider-hostup$(exe_suffix "$p")"
  done
fi

cp "$ROOT/terraform-registry-manifest.json" "$OUT/${NAME}_manifest.json"
(cd "$OUT" && sha256sum "${NAME}"_*.zip "${NAME}_manifest.json" >"${NAME}_SHA256SUMS")

if [ "$UNSIGNED" = 0 ]; then
  sign "$GPG_KEY" "$OUT/${NAME}_SHA256SUMS" "$OUT/${NAME}_SHA256SUMS.sig"
  [ "$(signature_algorithm "$OUT/${NAME}_SHA256SUMS.sig" "$OUT/${NAME}_SHA256SUMS")" = 1 ] ||
    die "the signature of ${NAME}_SHA256SUMS does not verify"
  log "signed ${NAME}_SHA256SUMS with $GPG_KEY (RSA)"
fi
log "release artefacts in $OUT:"
ls -l "$OUT" >&2
