#!/usr/bin/env bash
# The whole test suite: installs what it needs (pip packages, the Pulumi CLI), then lint, types
# and every test, the real-CLI end-to-end ones included, and the unit suite on the oldest and
# the newest supported Python and dependencies (scripts/test-versions.sh). Extra arguments go to
# the main pytest run.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements.txt
pulumi_dir="$(scripts/get-pulumi.sh | tail -n 1)"
export PATH="$pulumi_dir:$PATH"

ruff check .
ruff format --check .
mypy
# The oldest and newest supported versions run beside the main suite (they mostly wait, as it
# does): this keeps a cold CI run within its time; their result is printed at the end.
versions_log="$(mktemp)"
scripts/test-versions.sh >"$versions_log" 2>&1 & versions=$!
trap 'kill "$versions" 2>/dev/null || true; rm -f "$versions_log"' EXIT
status=0
python3 -m pytest -q "$@" || status=$?
wait "$versions" || status=1
cat "$versions_log"
exit "$status"
