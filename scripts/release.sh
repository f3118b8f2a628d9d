#!/usr/bin/env bash
# Build every artifact a release publishes into DIR, with a SHA256SUMS file over them:
#   modelarts_provider-VERSION-py3-none-any.whl, modelarts_provider-VERSION.tar.gz   (pip)
#   pulumi-resource-modelarts-vVERSION.tar.gz      (pulumi plugin install resource modelarts VERSION --file ...)
#   modelarts-provider-modelarts-VERSION.tgz       (npm install ...: the Node.js SDK, needs node and npm)
#   goproxy/MODULE/@v/vVERSION.{zip,mod,info}, list (GOPROXY=file://DIR/goproxy: the Go SDK, needs go)
# VERSION is scripts/version.sh's. Builds offline from a copy of the sources (no build/ or
# *.egg-info in the checkout). Usage: scripts/release.sh DIR   (prints DIR/SHA256SUMS last)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: scripts/release.sh DIR" >&2; exit 2; }

out="$(mkdir -p "$1" && cd "$1" && pwd)"
version="$(scripts/version.sh)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

mkdir "$stage/src"
cp pyproject.toml README.md "$stage/src/"
tar -C . --exclude='__pycache__' --exclude='*.pyc' -cf - modelarts_provider | tar -C "$stage/src" -xf -

artifacts=()
python3 -m pip wheel "$stage/src" --no-deps --no-build-isolation --no-index --quiet --disable-pip-version-check \
  --wheel-dir "$out" >&2
artifacts+=("modelarts_provider-$version-py3-none-any.whl")
(cd "$stage/src" && python3 -c 'import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])' "$out") \
  >"$stage/sdist.log" 2>&1 || { cat "$stage/sdist.log" >&2; exit 1; }
artifacts+=("modelarts_provider-$version.tar.gz")
scripts/build-plugin.sh "$out" >/dev/null
artifacts+=("pulumi-resource-modelarts-v$version.tar.gz")
tarball="$(scripts/pack-nodejs-sdk.sh "$out" | tail -n 1)"
artifacts+=("${tarball#"$out/"}")
zip="$(scripts/pack-go-sdk.sh "$out" | tail -n 1)"
for file in "${zip%.zip}".{zip,mod,info}; do artifacts+=("${file#"$out/"}"); done

(cd "$out" && sha256sum "${artifacts[@]}" >SHA256SUMS)
for name in "${artifacts[@]}"; do echo "$out/$name"; done
echo "$out/SHA256SUMS"
