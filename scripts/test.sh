#!/usr/bin/env bash
# The whole test suite: installs what it needs (pip packages, the Pulumi CLI), then lint, types
# and every test, the real-CLI end-to-end ones included; then the unit suite on the oldest and
# the newest supported Python and dependencies (scripts/test-versions.sh). Extra arguments go to
# the main pytest run.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements.txt
pulumi_dir="$(scripts/get-pulumi.sh | tail -n 1)"
export PATH="$pulumi_dir:$PATH"

ruff check .
mypy
python3 -m pytest -q "$@"
scripts/test-versions.sh
