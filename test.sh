#!/usr/bin/env bash
# Runs every test of the solution and ends with the plain line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
results="${RESULTS_DIR:-TestResults}"
rm -rf "$results"
mkdir -p "$results"
log="$results/console.log"
dotnet test Retail.Dapr.sln --nologo --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 44, Skipped: 1, Total: 45, ..."
sum() { grep -E '^(Passed|Failed)!' "$log" | grep -oE "$1: +[0-9]+" | awk '{ n += $2 } END { print n + 0 }'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
if [ "$status" -ne 0 ]; then
  # What the runner reported outside any test (a fixture's cleanup, a crashed host): the console shows only its title.
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    sed -n '/<RunInfos>/,/<\/RunInfos>/p' "$trx" | head -n 80
  done
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before it could report: count it, so it never reads as green.
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
