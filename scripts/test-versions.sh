#!/usr/bin/env bash
# The unit suite (tests/ without tests/e2e) at both ends of what pyproject.toml declares:
#   oldest: the lowest Python of requires-python with every runtime dependency at its minimum
#   newest: NEWEST_PYTHON with the newest releases the declared ranges allow
# Each runs in its own virtualenv, cached outside the repository under
# ~/.cache/modelarts-provider/venvs and keyed by interpreter and requirements; the two are made
# and run side by side (they mostly wait on sockets and the network). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

NEWEST_PYTHON=3.13
cache="${XDG_CACHE_HOME:-$HOME/.cache}/modelarts-provider/venvs"
tests_need=("pytest>=8" "hypothesis>=6.100" "huaweicloudsdkcore==3.1.219" "setuptools>=70.1" "packaging"
            "import-linter>=2.15")  # 2.15: the newest for Python 3.10, so the layering test runs at both ends

find_python() { # X.Y -> an interpreter of that version: pythonX.Y on PATH, else pyenv's
  local version="$1" found
  if "python$version" -c '' 2>/dev/null; then command -v "python$version"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    found="$(pyenv versions --bare 2>/dev/null | grep -E "^${version//./\\.}(\.[0-9]+)?$" | tail -n 1 || true)"
    if [ -n "$found" ] && [ -x "$(pyenv root)/versions/$found/bin/python$version" ]; then
      echo "$(pyenv root)/versions/$found/bin/python$version"; return
    fi
  fi
  echo "scripts/test-versions.sh: Python $version is needed (python$version on PATH, or pyenv install $version)" >&2
  return 1
}

# pyproject.toml's declared ends: the lowest Python, and each runtime dependency as declared or at its minimum
read -r lowest_python < <(sed -n 's/^requires-python = ">=\([0-9.]*\)".*/\1/p' pyproject.toml)
mapfile -t declared < <(sed -n '/^dependencies = \[/,/^\]/s/^ *"\([^"]*\)".*/\1/p' pyproject.toml)
minimums=()
for spec in "${declared[@]}"; do minimums+=("$(sed -E 's/^([A-Za-z0-9_.-]+)>=([0-9.]+).*/\1==\2/' <<<"$spec")"); done

prepare() { # NAME PYTHON UPGRADE REQUIREMENTS... -> prints the venv's python
  local name="$1" python="$2" upgrade="$3"; shift 3
  local key env
  key="$( { "$python" -c 'import sys; print(sys.version)'; printf '%s\n' "$@"; } | sha256sum | cut -c1-12)"
  env="$cache/$name-$key"
  if [ ! -f "$env/.ready" ]; then
    rm -rf "$env"
    "$python" -m venv "$env"
    "$env/bin/python" -m pip install --quiet --disable-pip-version-check "$@" >&2
    touch "$env/.ready"
  elif [ "$upgrade" = upgrade ]; then  # "newest" means today's newest
    "$env/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "$@" >&2
  fi
  echo "$env/bin/python"
}

run_suite() { # NAME PYTHON [pytest args] -> log in $logs/NAME.log
  local name="$1" python="$2"; shift 2
  local versions
  versions="$("$python" -c 'import sys; from importlib.metadata import version as v
print(f"Python {sys.version.split()[0]},", ", ".join(f"{n} {v(n)}" for n in ("pulumi", "requests")))')"
  if "$python" -m pytest -q -p no:cacheprovider tests --ignore=tests/e2e "$@" >"$logs/$name.log" 2>&1; then
    echo "unit suite on the $name versions ($versions): $(tail -n 1 "$logs/$name.log")"
  else
    echo "unit suite on the $name versions ($versions) FAILED:"; tail -n 40 "$logs/$name.log"; return 1
  fi
}

mkdir -p "$cache"
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
oldest_python="$(find_python "$lowest_python")"
newest_python="$(find_python "$NEWEST_PYTHON")"
both() { # NAME PYTHON UPGRADE REQUIREMENTS...: prepare its virtualenv, then run the suite in it
  local name="$1" python="$2" upgrade="$3"; shift 3
  run_suite "$name" "$(prepare "$name" "$python" "$upgrade" "$@")" "${pytest_args[@]}"
}
pytest_args=("$@")
both oldest "$oldest_python" keep "${minimums[@]}" "${tests_need[@]}" & first=$!
both newest "$newest_python" upgrade "${declared[@]}" "${tests_need[@]}" & second=$!
status=0
wait "$first" || status=1
wait "$second" || status=1
exit "$status"
