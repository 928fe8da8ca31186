#!/usr/bin/env bash
# Prints the performance figures docs/performance.md records: each handler against its floor, cold starts of the
# published bundles through a stand-in for Lambda's managed runtime, and bundle sizes. `--json` prints one JSON
# document instead of the table. With AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_S3 set it measures those
# endpoints (any emulator, or a real account); otherwise it starts the local emulators (DynamoDB Local needs Java 17).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${AWS_ENDPOINT_URL_DYNAMODB:-}" ]]; then
  [[ -f node_modules/.package-lock.json ]] || npm ci --no-audit --no-fund --loglevel=error >&2
  ./scripts/install-dynamodb-local.sh >&2
fi
dotnet build tests/Assignment3.Benchmarks -c Release --nologo -v quiet >&2
exec dotnet tests/Assignment3.Benchmarks/bin/Release/net10.0/Assignment3.Benchmarks.dll "$@"
