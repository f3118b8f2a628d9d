#!/usr/bin/env bash
# Build the npm package of the generated Node.js SDK (sdk/nodejs) into OUTDIR, as it would be
# published: compiled with its own tsconfig, package.json next to the JavaScript, `npm pack`ed.
# Usage: scripts/pack-nodejs-sdk.sh [OUTDIR]   (prints the tarball's path as its last line)
# Install it into a Pulumi program with `npm install PATH/TO/TARBALL`. npm keeps its download
# cache in ~/.npm, outside the repository; the build happens in a temporary copy.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)"
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "pack-nodejs-sdk: $tool is required" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R sdk/nodejs/. "$work/"
(
  cd "$work"
  npm install --no-audit --no-fund --no-package-lock --loglevel=error >&2
  npx --no-install tsc >&2
  cp package.json README.md bin/
  npm pack ./bin --pack-destination "$out" --loglevel=error >"$work/packed"
)
echo "$out/$(tail -n 1 "$work/packed")"
