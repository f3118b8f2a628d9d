#!/usr/bin/env bash
# Build the plugin archive of the native `modelarts` provider, for
#   pulumi plugin install resource modelarts VERSION --file ARCHIVE
# Usage: scripts/build-plugin.sh [OUTDIR]   (prints the archive's path as its last line)
#
# The archive holds this package's source, requirements.txt (its runtime dependencies pinned to
# the versions this build's python3 has, i.e. the tested ones) and the launcher in
# scripts/plugin/: on first start it installs them into a private virtualenv next to it
# (PULUMI_MODELARTS_PYTHON skips that and uses that Python as it is). Nothing in the archive is
# specific to an OS or CPU.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)"
version="$(scripts/version.sh)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

tar -C . --exclude='__pycache__' --exclude='*.pyc' --exclude='modelarts_provider/emulator' -cf - modelarts_provider \
  | tar -C "$stage" -xf -
cp scripts/plugin/launcher.py scripts/plugin/plugin_main.py "$stage/"
install -m 0755 scripts/plugin/pulumi-resource-modelarts "$stage/pulumi-resource-modelarts"
python3 - >"$stage/requirements.txt" <<'PY'
"""The runtime requirements of pyproject.toml, each pinned to the version installed here."""
import re
from importlib.metadata import version

text = open("pyproject.toml").read()
block = re.search(r"^dependencies = \[(.*?)^\]", text, re.M | re.S).group(1)
names = re.findall(r'^\s*"([A-Za-z0-9_.-]+)', block, re.M)
print("# The modelarts plugin's runtime requirements, pinned at build time (installed on first start)")
for name in names:
    print(f"{name}=={version(name)}")
PY
archive="$out/pulumi-resource-modelarts-v$version.tar.gz"
tar -C "$stage" -czf "$archive" .
echo "$archive"
