#!/usr/bin/env bash
# Prints the performance figures recorded in docs/performance.md: size-tracking latency and LIST calls for 10, 1,000
# and 5,000 objects, plotting warm latency, cold starts of the published functions and their zipped bundle sizes.
# Runs against the local emulators (DynamoDB Local needs Java 17); installs them when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f node_modules/.package-lock.json ]] || npm ci --no-audit --no-fund --loglevel=error
./scripts/install-dynamodb-local.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in SizeTracking:size-tracking Plotting:plotting Driver:driver; do
  dotnet publish "src/Adapters/Functions/${f%%:*}" -c Release -r linux-x64 -o "$out/functions/${f##*:}" --nologo -v quiet
done
dotnet build src/Adapters/Cli -c Release -o "$out/cli" --nologo -v quiet
dotnet run -c Release --project tests/Assignment3.Benchmarks -- --functions "$out/functions" --cli "$out/cli/assignment3.dll"
