#!/usr/bin/env bash
# Set everything up and run the example stack against the bundled emulator: installs the
# Python packages and the Pulumi CLI, starts the emulator on 127.0.0.1, runs `pulumi up` with a
# local file backend, prints the workspaces it created, then destroys them and stops the
# emulator. Set KEEP_STATE=1 to keep the state directory for a look around.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements.txt
pulumi_dir="$(scripts/get-pulumi.sh | tail -n 1)"
export PATH="$pulumi_dir:$PATH"

work="$(mktemp -d)"
stack="local-emulator"
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  pulumi stack rm "$stack" --yes --force --non-interactive >/dev/null 2>&1 || true
  rm -f "Pulumi.$stack.yaml"
  if [ "${KEEP_STATE:-0}" = "1" ]; then echo "state kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

python3 -m modelarts_provider.emulator --port 0 >"$work/emulator.url" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 1 100); do [ -s "$work/emulator.url" ] && break; sleep 0.1; done
url="$(head -n 1 "$work/emulator.url")"
[ -n "$url" ] || { echo "the emulator did not start:" >&2; cat "$work/emulator.log" >&2; exit 1; }
echo "emulator: $url"

# The emulator's default demo credentials, passed the way a pipeline would: HW_* variables.
export HW_REGION_NAME=cn-north-4 HW_MODELARTS_ENDPOINT="$url" HW_AUTH_URL="$url/v3"
export HW_ACCESS_KEY=EMULATORAK000000000 HW_SECRET_KEY=emulator-secret-key
export PULUMI_BACKEND_URL="file://$work/state" PULUMI_CONFIG_PASSPHRASE="local-demo-only"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
mkdir -p "$work/state"

pulumi stack init "$stack" --non-interactive >/dev/null
pulumi up --yes --non-interactive --stack "$stack"
echo
echo "Workspaces in the emulator after 'pulumi up':"
python3 -m modelarts_provider workspaces list
echo
echo "Quotas of the internal workspace, as 'python -m modelarts_provider workspaces quotas ID' lists a"
echo "workspace's real quota resources (usage is read live, never kept in the state):"
python3 -m modelarts_provider workspaces quotas "$(pulumi stack output internal_workspace_id --stack "$stack")"
echo
pulumi preview --expect-no-changes --non-interactive --stack "$stack" >/dev/null && echo "A second preview shows no changes."
pulumi destroy --yes --non-interactive --stack "$stack" >/dev/null && echo "Destroyed the demo workspaces."
