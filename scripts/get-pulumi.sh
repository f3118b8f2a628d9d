#!/usr/bin/env bash
# Make the `pulumi` CLI and the Python, YAML, Node.js and Go language hosts available, and print
# (last line) the directory that holds `pulumi`.
#
# Uses a `pulumi` already on PATH when all four language hosts are next to it (or on PATH).
# Otherwise it builds what is missing from the Go module proxy, because the CLI is not
# published on PyPI, npm or Debian. The result is cached outside the repository, keyed by
# version, so later runs take seconds.
#
# Why two versions: the CLI comes from github.com/pulumi/pulumi/pkg/v3 at PULUMI_VERSION. The
# Python language host has lived in its own Go module since v3.80, and that module is not
# served by the module proxy this project can reach; v3.79.0 is the newest release in which it
# is part of the sdk/v3 module, so the host is built from there. The language host only
# starts `python` with the runner script; the runner script, the dynamic-provider plugin script
# and the Python SDK all come from the current release.
#
# One addition to that host (scripts/langhost/plugin_target.go, compiled into it): current CLIs
# name the plugin to start (a Python policy pack) only in a request field the v3.79 host does not
# know, so without it `pulumi preview --policy-pack DIR` ran the stack's own __main__.py as the
# pack. The build records the addition's checksum next to the binaries; a cache built without
# it (or with an older version of it) gets a new language host, in seconds, on the next run.
#
# The YAML language host (github.com/pulumi/pulumi-yaml, cmd/pulumi-language-yaml) runs the
# YAML example on the native `modelarts` plugin; v1.25.0 works with CLI v3.274.1.
#
# The Node.js and Go language hosts run the TypeScript and Go examples on the generated SDKs. Like
# the Python host, they moved into modules of their own that the module proxy does not serve:
# v3.68.0 is the last sdk/v3 release holding nodejs/cmd/pulumi-language-nodejs, v3.66.0 the last
# holding go/pulumi-language-go. Both work with CLI v3.274.1 (the programs use the current
# @pulumi/pulumi and Go SDK). They are added into an existing cache without rebuilding the rest.
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.274.1}"
LANGHOST_VERSION="${PULUMI_LANGHOST_VERSION:-3.79.0}"
YAML_VERSION="${PULUMI_YAML_VERSION:-1.25.0}"
NODEJS_HOST_VERSION="${PULUMI_NODEJS_HOST_VERSION:-3.68.0}"
GO_HOST_VERSION="${PULUMI_GO_HOST_VERSION:-3.66.0}"
HOSTS="pulumi-language-python pulumi-language-yaml pulumi-language-nodejs pulumi-language-go"
CACHE_ROOT="${PULUMI_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modelarts-provider/pulumi}"
OUT="$CACHE_ROOT/v$PULUMI_VERSION-lh$LANGHOST_VERSION/bin"
HERE="$(cd "$(dirname "$0")" && pwd)"
ADDITION="$HERE/langhost/plugin_target.go"
MARKER=".langhost-addition-$(cksum <"$ADDITION" | cut -d' ' -f1)"

log() { echo "get-pulumi: $*" >&2; }

if existing="$(command -v pulumi 2>/dev/null)"; then
  dir="$(dirname "$existing")"
  # Our own cached build may be on PATH already: it goes through the checks below.
  complete=yes
  for host in $HOSTS; do
    [ -x "$dir/$host" ] || command -v "$host" >/dev/null 2>&1 || complete=no
  done
  if [ "$(cd "$dir" && pwd)" != "$(mkdir -p "$OUT" && cd "$OUT" && pwd)" ] && [ "$complete" = yes ]; then
    log "using pulumi already on PATH: $existing"
    echo "$dir"
    exit 0
  fi
fi

build_yaml_host() {
  # Into the finished cache directory, atomically: the CLI and Python host are not rebuilt.
  # Built with the pulumi-yaml module's own requirements (`go install pkg@version`): it does not
  # compile against the CLI's pkg/v3 release, and needs no `replace` lines.
  log "building pulumi-language-yaml v$YAML_VERSION (a few minutes the first time)"
  GOFLAGS= GOBIN="$work/yaml-bin" go install -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION" \
    "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$YAML_VERSION" >&2
  install -m 0755 "$work/yaml-bin/pulumi-language-yaml" "$OUT/pulumi-language-yaml.tmp"
  mv "$OUT/pulumi-language-yaml.tmp" "$OUT/pulumi-language-yaml"
}

# A language host from the sdk/v3 module of an older release, into the cache directory: $1 the
# binary, $2 the release, $3 its directory in the module. Built like the Python host below: its
# own .go files (no tests) in a throwaway module, with the same golang.org/x/text replace.
build_sdk_host() {
  log "building $1 from sdk v$2 (a minute or two the first time)"
  mkdir -p "$work/$1"
  cat >"$work/$1/go.mod" <<MOD
module modelarts-provider/$1-build

go 1.26

require github.com/pulumi/pulumi/sdk/v3 v$2

replace golang.org/x/text => golang.org/x/text v0.3.6
MOD
  (
    cd "$work/$1"
    sdk="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    for file in "$sdk/$3"/*.go; do
      case "$file" in *_test.go) ;; *) cp "$file" . ;; esac
    done
    chmod u+w ./*.go
    go mod tidy >&2
    go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$2" \
      -o "$OUT/$1.tmp.$$" . >&2
  )
  mv -f "$OUT/$1.tmp.$$" "$OUT/$1"
}

# The hosts of other languages that an existing cache directory lacks.
build_missing_sdk_hosts() {
  [ -x "$OUT/pulumi-language-nodejs" ] ||
    build_sdk_host pulumi-language-nodejs "$NODEJS_HOST_VERSION" nodejs/cmd/pulumi-language-nodejs
  [ -x "$OUT/pulumi-language-go" ] || build_sdk_host pulumi-language-go "$GO_HOST_VERSION" go/pulumi-language-go
}

# The v3.79 Python language host from its own main.go plus plugin_target.go, into the file $1.
build_langhost() {
  log "building pulumi-language-python from sdk v$LANGHOST_VERSION (with $(basename "$ADDITION"))"
  mkdir -p "$work/lang"
  cat >"$work/lang/go.mod" <<MOD
module modelarts-provider/pulumi-langhost-build

go 1.26

require github.com/pulumi/pulumi/sdk/v3 v$LANGHOST_VERSION

replace golang.org/x/text => golang.org/x/text v0.3.6
MOD
  (
    cd "$work/lang"
    sdk="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$LANGHOST_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    cp "$sdk/python/cmd/pulumi-language-python/main.go" main.go
    chmod u+w main.go
    cp "$ADDITION" .
    # RunPlugin starts the program pluginTarget finds instead of the (empty) deprecated field.
    sed -i '/^func (host \*pythonLanguageHost) RunPlugin(/,/^}/ s|^\targs := \[\]string{req.Program}$|\tprogram, host := pluginTarget(req, host)\n\targs := []string{program}|' main.go
    grep -q 'pluginTarget(req, host)' main.go || { log "main.go of v$LANGHOST_VERSION changed: cannot add plugin_target.go"; exit 1; }
    go mod tidy >&2
    go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LANGHOST_VERSION" \
      -o "$1" . >&2
  )
}

if [ -x "$OUT/pulumi" ] && [ -x "$OUT/pulumi-language-python" ] && [ -x "$OUT/pulumi-resource-pulumi-python" ] &&
   [ -x "$OUT/pulumi-language-yaml" ] && [ -x "$OUT/pulumi-language-nodejs" ] && [ -x "$OUT/pulumi-language-go" ] &&
   [ -f "$OUT/$MARKER" ]; then
  log "using cached build in $OUT"
  echo "$OUT"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "go is required to build the Pulumi CLI; install Pulumi the usual way instead"; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0

if [ -x "$OUT/pulumi" ] && [ -x "$OUT/pulumi-language-python" ] && [ -x "$OUT/pulumi-resource-pulumi-python" ]; then
  # A cache from before the language host addition or another host: only those are built.
  if [ ! -f "$OUT/$MARKER" ]; then
    build_langhost "$OUT/pulumi-language-python.new.$$"
    mv -f "$OUT/pulumi-language-python.new.$$" "$OUT/pulumi-language-python"
    rm -f "$OUT"/.langhost-addition-*
    touch "$OUT/$MARKER"
  fi
  [ -x "$OUT/pulumi-language-yaml" ] || build_yaml_host
  build_missing_sdk_hosts
  echo "$OUT"
  exit 0
fi
mkdir -p "$OUT.tmp"

log "building pulumi v$PULUMI_VERSION (first time only, several minutes)"
mkdir -p "$work/cli"
cat >"$work/cli/go.mod" <<MOD
module modelarts-provider/pulumi-cli-build

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
cat >"$work/cli/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
(
  cd "$work/cli"
  go mod tidy >&2
  go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$OUT.tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
)

build_langhost "$OUT.tmp/pulumi-language-python"
touch "$OUT.tmp/$MARKER"

# Plain scripts shipped inside the sdk module of the current release.
sdkdir="$(cd "$work/cli" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
install -m 0755 "$sdkdir/python/cmd/pulumi-language-python-exec" "$OUT.tmp/pulumi-language-python-exec"
install -m 0755 "$sdkdir/python/dist/pulumi-resource-pulumi-python" "$OUT.tmp/pulumi-resource-pulumi-python"
# No pulumi-analyzer-policy-python: current releases do not ship it, and the CLI would use it only
# when no Python language host exists; policy packs start through the host (plugin_target.go).

rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
build_yaml_host
build_missing_sdk_hosts
"$OUT/pulumi" version >&2
echo "$OUT"
