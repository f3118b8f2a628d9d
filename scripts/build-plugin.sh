#!/usr/bin/env bash
# Build the plugin archive of the native `modelarts` provider, for
#   pulumi plugin install resource modelarts VERSION --file ARCHIVE
# Usage: scripts/build-plugin.sh [OUTDIR]   (prints the archive's path as its last line)
#
# The archive holds this package's source and a `pulumi-resource-modelarts` launcher. The
# launcher runs it with `python3` from PATH, or with $PULUMI_MODELARTS_PYTHON when set (e.g. a
# virtualenv's python): that Python must have the dependencies (`pip install -r
# requirements.txt`, or `pip install modelarts-provider`, which brings them). The package
# itself always comes from the archive, so the plugin version is the archive's version
# whatever is installed. Nothing in it is specific to an OS or CPU.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)"
version="$(python3 -c 'import re,sys; print(re.search(r"^version = \"(.+)\"", open("pyproject.toml").read(), re.M).group(1))')"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

tar -C . --exclude='__pycache__' --exclude='*.pyc' --exclude='modelarts_provider/emulator' -cf - modelarts_provider \
  | tar -C "$stage" -xf -
cat >"$stage/plugin_main.py" <<'PY'
"""Start the plugin; a missing dependency is one clear line instead of a traceback."""
import sys

try:
    from modelarts_provider.native.server import main
except ImportError as exc:
    sys.stderr.write(
        f"pulumi-resource-modelarts: cannot import {exc.name!r} with {sys.executable}; install the "
        "dependencies there (pip install modelarts-provider, or -r requirements.txt), or set "
        "PULUMI_MODELARTS_PYTHON to a Python that has them\n"
    )
    sys.exit(1)
main()
PY
cat >"$stage/pulumi-resource-modelarts" <<'SH'
#!/bin/sh
# The modelarts Pulumi plugin: this archive's package, run by python3 (or $PULUMI_MODELARTS_PYTHON).
here="$(cd "$(dirname "$0")" && pwd)"
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec "${PULUMI_MODELARTS_PYTHON:-python3}" "$here/plugin_main.py" "$@"
SH
chmod 0755 "$stage/pulumi-resource-modelarts"
archive="$out/pulumi-resource-modelarts-v$version.tar.gz"
tar -C "$stage" -czf "$archive" .
echo "$archive"
