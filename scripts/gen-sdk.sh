#!/usr/bin/env bash
# Generate the Node.js and Go SDKs of the native `modelarts` plugin from the schema the plugin
# itself prints (`pulumi package get-schema`), with Pulumi's own code generators.
#
# Usage: scripts/gen-sdk.sh [OUTDIR]    (default: sdk, the checked-in SDKs)
# Writes OUTDIR/schema.json (the schema they come from), OUTDIR/nodejs and OUTDIR/go. Never edit
# those by hand: change the schema (modelarts_provider/native/schema.py) and run this again; a
# test fails while the checked-in SDKs differ from what this writes.
#
# `pulumi package gen-sdk` would ask a language host to generate the code, which the hosts
# buildable here cannot do. The generators are plain Go packages of the pkg/v3 module, so
# scripts/sdkgen/main.go calls them directly. It is built against the pkg/v3 release of the CLI
# that is used (`pulumi version`), in a throwaway module, and cached outside the repository next
# to the CLI (keyed by that version and the program's checksum): seconds after the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
out="$(mkdir -p "${1:-sdk}" && cd "${1:-sdk}" && pwd)"

log() { echo "gen-sdk: $*" >&2; }

pulumi_dir="$(scripts/get-pulumi.sh | tail -n 1)"
export PATH="$pulumi_dir:$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
version="$(pulumi version)"
version="${version#v}"

source="$repo/scripts/sdkgen/main.go"
cache="${PULUMI_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modelarts-provider/pulumi}"
generator="$cache/sdkgen-v$version-$(cksum <"$source" | cut -d' ' -f1)/sdkgen"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ ! -x "$generator" ]; then
  log "building the SDK generator against pkg/v3 v$version (a minute or two the first time)"
  mkdir -p "$work/build"
  cp "$source" "$work/build/main.go"
  cat >"$work/build/go.mod" <<MOD
module modelarts-provider/sdkgen

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
  (
    cd "$work/build"
    # The CLI build's flags, so the Go build cache already holds most of pkg/v3.
    export GOFLAGS="${GOFLAGS:-} -mod=mod" CGO_ENABLED=0
    go mod tidy >&2
    mkdir -p "$(dirname "$generator")"
    go build -trimpath -o "$generator.tmp.$$" . >&2
    mv -f "$generator.tmp.$$" "$generator"
  )
fi

# The schema as the plugin prints it to the engine: this checkout's package, started by the CLI.
mkdir -p "$work/plugin/modelarts"
cat >"$work/plugin/modelarts/pulumi-resource-modelarts" <<SH
#!/bin/sh
PYTHONPATH="$repo\${PYTHONPATH:+:\$PYTHONPATH}" exec python3 -c 'from modelarts_provider.native.server import main; main()' "\$@"
SH
chmod 0755 "$work/plugin/modelarts/pulumi-resource-modelarts"
(cd "$work" && PULUMI_HOME="$work/home" pulumi package get-schema "$work/plugin/modelarts/pulumi-resource-modelarts") >"$work/schema.json"

"$generator" "$work/schema.json" "$work/gen" >&2
cp "$work/schema.json" "$work/gen/schema.json"
rm -rf "$out/nodejs" "$out/go" "$out/schema.json"
cp -R "$work/gen/." "$out/"
log "wrote $out/schema.json, $out/nodejs and $out/go"
