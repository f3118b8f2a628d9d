#!/usr/bin/env bash
# Publish the generated Go SDK (sdk/go) as a Go module proxy directory under OUTDIR/goproxy:
#   MODULE/@v/list, vVERSION.info, vVERSION.mod, vVERSION.zip
# which `GOPROXY=file://OUTDIR/goproxy,...` serves to `go get MODULE@vVERSION`. The zip is made
# by golang.org/x/mod/zip (scripts/gozip), built once and cached outside the repository.
# Usage: scripts/pack-go-sdk.sh [OUTDIR]   (prints the module zip's path as its last line)
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)"
command -v go >/dev/null 2>&1 || { echo "pack-go-sdk: go is required" >&2; exit 1; }
version="v$(scripts/version.sh)"
module="$(sed -n 's/^module //p' sdk/go/go.mod)"
case "$module" in *[A-Z]*) echo "pack-go-sdk: $module has capitals: escape them for the proxy" >&2; exit 1 ;; esac

cache="${XDG_CACHE_HOME:-$HOME/.cache}/modelarts-provider/tools"
tool="$cache/gozip-$(cksum <scripts/gozip/main.go | cut -d' ' -f1)"
if [ ! -x "$tool" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cp scripts/gozip/main.go "$work/"
  printf 'module modelarts-provider/gozip\n\ngo 1.24\n\nrequire golang.org/x/mod v0.41.0\n' >"$work/go.mod"
  mkdir -p "$cache"
  (cd "$work" && GOFLAGS=-mod=mod go build -trimpath -o "$tool.tmp.$$" . && mv -f "$tool.tmp.$$" "$tool") >&2
fi

dir="$out/goproxy/$module/@v"
mkdir -p "$dir"
"$tool" "$module" "$version" sdk/go "$dir/$version.zip"
cp sdk/go/go.mod "$dir/$version.mod"
printf '{"Version":"%s","Time":"%s"}\n' "$version" "$(git log -1 --format=%cI -- sdk/go 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)" >"$dir/$version.info"
{ [ -f "$dir/list" ] && grep -vx "$version" "$dir/list"; echo "$version"; } | sort -u >"$dir/list.tmp" || true
mv "$dir/list.tmp" "$dir/list"
echo "$dir/$version.zip"
