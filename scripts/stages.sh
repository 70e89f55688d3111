#!/usr/bin/env bash
# What each stage of `make test` / `make ci` cost, so that the suite's price stays in sight.
#
#   stages.sh reset                 forget the last run's stages
#   stages.sh run NAME CMD [ARG…]   run CMD as the stage NAME; its time and outcome are kept
#   stages.sh skip NAME WHY         a stage that did not run, and why
#   stages.sh report                the table of the stages so far, and their total
#
# The stages are kept in $STAGES_FILE (default target/stages.tsv): name, seconds, outcome.
set -uo pipefail

file=${STAGES_FILE:-target/stages.tsv}

case ${1:-} in
reset)
  mkdir -p "$(dirname "$file")"
  : >"$file"
  ;;
run)
  name=$2
  shift 2
  started=$(date +%s.%N)
  "$@"
  rc=$?
  took=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  outcome=ok
  [ "$rc" -eq 0 ] || outcome="FAILED (exit $rc)"
  mkdir -p "$(dirname "$file")"
  printf '%s\t%.1f\t%s\n' "$name" "$took" "$outcome" >>"$file"
  exit "$rc"
  ;;
skip)
  mkdir -p "$(dirname "$file")"
  printf '%s\t-\tSKIPPED: %s\n' "$2" "$3" >>"$file"
  ;;
report)
  [ -s "$file" ] || exit 0
  echo
  echo "== what each stage took"
  awk -F'\t' '
    { printf "  %-28s %8s s  %s\n", $1, $2, $3; if ($2 != "-") total += $2 }
    END { printf "  %-28s %8.1f s  (%d min %02d s)\n", "total", total, total / 60, total % 60 }
  ' "$file"
  ;;
*)
  echo "usage: $0 reset | run NAME CMD… | skip NAME WHY | report" >&2
  exit 2
  ;;
esac
