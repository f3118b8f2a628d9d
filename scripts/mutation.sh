#!/usr/bin/env bash
# Mutation testing of the rule and lifecycle modules ([tool.mutmut] in pyproject.toml says which)
# with the unit suite (tests/ without tests/e2e): mutmut changes one operator, constant or call
# at a time and runs the tests that cover the changed function; a mutant no test notices
# ("survived") is behaviour no test pins down. Not part of CI; a fresh run takes about an hour
# on two shared cores (docs/development.md has the scores and the survivors judged harmless).
#
# mutmut is not a dependency of the project: it goes into a virtualenv cached outside the
# repository (~/.cache/modelarts-provider/venvs), with requirements.txt. The run works on a copy
# of the working tree (tracked and new files) outside the repository, so the checkout stays
# clean and can be edited meanwhile. It runs under `nice -n 19`.
#
#   scripts/mutation.sh [PATTERN...]  a fresh run (of the mutants matching a PATTERN, e.g.
#                                     '*.quotas.spec.x_validate__mutmut_*'), then the score per module
#   scripts/mutation.sh --survivors [PATTERN...]
#                                     after adding tests: the last run's survivors and the mutants
#                                     no test reached (those matching a PATTERN, e.g.
#                                     '*.quotas.spec.*') again, with the working tree's tests;
#                                     the mutated modules must be unchanged
#   scripts/mutation.sh --score       the score of the last run again
#   MUTATION_CHILDREN=1 scripts/...   how many mutants run at once (default: every core)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
mode="${1:-}"

MUTMUT_VERSION=3.8.1
cache="${XDG_CACHE_HOME:-$HOME/.cache}/modelarts-provider"
key="$( { python3 -c 'import sys; print(sys.version)'; echo "mutmut==$MUTMUT_VERSION"; cat requirements.txt; } | sha256sum | cut -c1-12)"
venv="$cache/venvs/mutation-$key"
work="$cache/mutation/$(printf '%s' "$repo" | sha256sum | cut -c1-12)"

if [ ! -f "$venv/.ready" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "mutmut==$MUTMUT_VERSION" -r requirements.txt
  touch "$venv/.ready"
fi
mutmut="$venv/bin/mutmut"

score() { # the last run's verdicts, counted per module; the score counts killed and timed out
  (cd "$work" && "$mutmut" results --all true) >"$work.results"
  "$venv/bin/python" - "$work.results" <<'PY'
import collections, re, sys
counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
for line in open(sys.argv[1], encoding="utf-8"):
    found = re.match(r"\s*(.+)\.[^.]+__mutmut_\d+: (.+)$", line)
    if found:
        counts[found.group(1).removeprefix("modelarts_provider.")][found.group(2).strip()] += 1
kinds = ["killed", "timeout", "survived", "no tests", "suspicious", "segfault"]
def row(name: str, c: collections.Counter[str]) -> None:  # the score: killed or timed out, of those checked
    n = sum(c[k] for k in kinds)
    score = f"{(c['killed'] + c['timeout']) / n:>7.0%}" if n else f"{'-':>7}"
    print(f"{name:<28}" + "".join(f"{c[k]:>11}" for k in kinds) + f"{n:>8}{score}{c['not checked']:>13}")
print(f"{'module':<28}" + "".join(f"{k:>11}" for k in kinds) + f"{'checked':>8}{'score':>7}{'not checked':>13}")
total: collections.Counter[str] = collections.Counter()
for module in sorted(counts):
    total.update(counts[module])
    row(module, counts[module])
if total:
    row("all", total)
PY
}

copy_tree() { # the working tree (tracked and new files; a deleted one left out) into $work
  git ls-files -z --cached --others --exclude-standard |
    tar -cf - --null -T - --ignore-failed-read 2>/dev/null | tar -xf - -C "$work"
}

if [ "$mode" != --score ]; then
  export PATH="$(scripts/get-pulumi.sh | tail -n 1):$PATH"  # a few unit tests drive the real CLI
  names=()
  if [ "$mode" = --survivors ]; then
    [ -d "$work/mutants" ] || { echo "no earlier run in $work: run scripts/mutation.sh first" >&2; exit 1; }
    shift
    patterns=("${@:-*}")
    mapfile -t names < <(cd "$work" && "$mutmut" results | sed -n 's/^ *\(.*__mutmut_[0-9]*\): \(survived\|no tests\)$/\1/p' |
      while read -r name; do for p in "${patterns[@]}"; do [[ $name == $p ]] && { echo "$name"; break; }; done; done)
    [ "${#names[@]}" -gt 0 ] || { echo "no surviving mutants"; exit 0; }
    find "$work" -mindepth 1 -maxdepth 1 ! -name mutants -exec rm -rf {} +
  else
    names=("$@")
    rm -rf "$work"
    mkdir -p "$work"
  fi
  copy_tree
  start=$(date +%s)
  # no HW_* variable of this machine reaches the tests (they configure the emulator themselves)
  (cd "$work" && env $(env | sed -n 's/^\(HW_[A-Za-z0-9_]*\)=.*/-u \1/p') nice -n 19 \
    "$mutmut" run ${MUTATION_CHILDREN:+--max-children "$MUTATION_CHILDREN"} "${names[@]}") 2>&1 |
    stdbuf -oL tr '\r' '\n' | LC_ALL=C grep --line-buffered -av $'^\xe2[\xa0-\xa3]' >"$work.log" ||
    { tail -n 40 "$work.log"; echo "mutation run failed; log: $work.log" >&2; exit 1; }
  echo "mutation run: $(( ($(date +%s) - start) / 60 )) min; log (without the spinner): $work.log"
fi
score
echo "the survivors: (cd $work && $mutmut results); one mutant's diff: (cd $work && $mutmut show NAME)"
