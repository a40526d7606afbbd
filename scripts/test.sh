#!/usr/bin/env bash
# Runs every test of DataHub: builds the solution, runs all test projects and ends with the
# plain summary line 'N passed, N failed'. Installs and starts what the tests need first.
# Usage: bash scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Csv]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/test-services.sh
source "$root/scripts/test-services.sh"
ensure_test_services

results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"

dotnet build DataHub.sln -c Release --nologo -v quiet -clp:ErrorsOnly
status=0
dotnet test DataHub.sln -c Release --no-build --nologo -v quiet \
  --logger "trx" --results-directory "$results" "$@" || status=$?

passed=0; failed=0; total=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); total=$((total + ${t:-0}))
done
if [ "$total" -eq 0 ]; then
  echo "no test results were found in $results" >&2
  status=1
fi
echo "$passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then status=1; fi
exit "$status"
