#!/usr/bin/env bash
# The main job: build the provider and the mock HostUp API, start the mock on loopback, then run
# terraform init / apply / plan / destroy on examples/demo and show the result.
source "$(dirname "$0")/lib.sh"
ensure_protoc
ensure_terraform
clean_env
cd "$ROOT"

log "building the provider and the mock (release profile; a few minutes the first time)"
cargo build --release --locked --workspace --bins
BIN="$(cargo_target_dir)/release"

WORK="$ROOT/.demo"
rm -rf "$WORK"
mkdir -p "$WORK"
cp -r examples/demo/. "$WORK/"

log "starting the mock HostUp API on 127.0.0.1"
"$BIN/hostup-mock" --listen 127.0.0.1:0 --url-file "$WORK/mock-url" >"$WORK/mock.log" 2>&1 &
MOCK_PID=$!
trap 'kill "$MOCK_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$WORK/mock-url" ] && break
  kill -0 "$MOCK_PID" 2>/dev/null || { cat "$WORK/mock.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$WORK/mock-url" ] || { log "the mock did not start"; cat "$WORK/mock.log" >&2; exit 1; }
MOCK_URL="$(cat "$WORK/mock-url")"
log "mock listening on $MOCK_URL"

# Package the provider as a release (unsigned: it never leaves this directory) and install it
# into a filesystem mirror, so `terraform init` installs hostup/hostup with a version constraint
# (no dev_overrides). The CLI configuration below uses only that mirror: no network needed.
bash "$ROOT/scripts/release.sh" --binary "$BIN/terraform-provider-hostup" --out "$WORK/dist" --unsigned
bash "$ROOT/scripts/install-local.sh" --dist "$WORK/dist" --mirror "$WORK/mirror" >/dev/null
cat >"$WORK/terraform.rc" <<RC
provider_installation {
  filesystem_mirror {
    path = "$WORK/mirror"
  }
}
RC
export TF_CLI_CONFIG_FILE="$WORK/terraform.rc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export HOSTUP_ENDPOINT="$MOCK_URL" HOSTUP_API_KEY="mock-token"
tf() { "$TF_BIN" -chdir="$WORK" "$@"; }

log "terraform init (installs hostup/hostup from the local mirror)"
tf init -input=false -no-color | grep -E "Installed|Installing|successfully" || true
cat "$WORK/.terraform.lock.hcl"
log "terraform apply"
tf apply -auto-approve -input=false -no-color
log "terraform plan (must be empty)"
set +e
tf plan -input=false -no-color -detailed-exitcode
code=$?
set -e
if [ "$code" != 0 ]; then log "plan after apply is not empty (exit $code)"; exit 1; fi
log "state"
tf state list
tf output -no-color
log "terraform destroy"
tf destroy -auto-approve -input=false -no-color
log "demo finished: keys created, read back, planned clean and destroyed against the mock"
