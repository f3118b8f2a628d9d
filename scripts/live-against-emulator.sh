#!/usr/bin/env bash
# Run the live suite (tests/live) against the bundled emulator instead of the real cloud: the
# same tests, with the HW_* environment pointing at an emulator on 127.0.0.1. Proves the suite
# itself works before anyone spends a real account on it. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/get-pulumi.sh | tail -n 1):$PATH"
log="$(mktemp)"
python3 -m modelarts_provider.emulator --port 0 --delete-duration 2 >"$log" &
emulator=$!
trap 'kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do [ -s "$log" ] && break; sleep 0.1; done
url="$(head -n 1 "$log")"
[ -n "$url" ] || { echo "live-against-emulator: the emulator did not start" >&2; exit 1; }
for name in $(env | grep -o '^HW_[A-Z_]*'); do unset "$name"; done
export MODELARTS_LIVE=1 \
  HW_REGION_NAME=cn-north-4 HW_PROJECT_ID=0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e \
  HW_ACCESS_KEY=EMULATORAK000000000 HW_SECRET_KEY=emulator-secret-key \
  HW_MODELARTS_ENDPOINT="$url" HW_AUTH_URL="$url/v3"
python3 -m pytest -p no:cacheprovider tests/live "$@"
