#!/usr/bin/env bash
# Builds and runs every test of the solution, then prints one closing line: "N passed, N failed".
# Installs the pinned npm tools first (local DynamoDB/S3 emulators, CDK CLI) when they are missing.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [[ -f package-lock.json && ! -d node_modules ]]; then
  npm ci --no-audit --no-fund --loglevel=error || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# A private temp folder for the whole run: jsii leaves ~60 MB per process there, and tests make their own folders.
TMPDIR=$(mktemp -d)
export TMPDIR
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
results=$TMPDIR/results
trap 'rm -rf "$TMPDIR"' EXIT

dotnet build Assignment3.sln -c Debug -warnaserror --nologo -v quiet || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
dotnet test Assignment3.sln --no-build --nologo --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@"
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [[ -e "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
if [[ $status -ne 0 && $failed -eq 0 ]]; then
  failed=1 # the run broke without a failing test (a crash, a missing runner): still a failure
fi
echo "$passed passed, $failed failed"
exit $status
