#!/usr/bin/env bash
# Builds and runs every test of the solution, then prints one closing line: "N passed, N failed".
# Installs what the tests need when it is missing: the pinned npm tools (S3 emulator, SigV4 verifier, CDK CLI),
# AWS's DynamoDB Local, Java 17 to run it, the C toolchains Native AOT links with (x86_64 and arm64) and qemu-user.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

give_up() { echo "$1"; echo "0 passed, 1 failed"; exit 1; }

# npm ci when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error || give_up "npm ci failed"
fi
if ! command -v java >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; } \
      || give_up "could not install Java 17 (openjdk-17-jre-headless), which DynamoDB Local needs"
  else
    give_up "Java 17 is missing: DynamoDB Local needs it (Debian: apt-get install openjdk-17-jre-headless)"
  fi
fi
./scripts/install-native-toolchain.sh x86_64 arm64 --qemu || give_up "the C toolchain Native AOT needs is missing"
./scripts/install-dynamodb-local.sh || give_up "could not install DynamoDB Local"

# A private temp folder for the whole run: jsii leaves ~60 MB per process there, and tests make their own folders.
TMPDIR=$(mktemp -d)
export TMPDIR
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
results=$TMPDIR/results
trap 'rm -rf "$TMPDIR"' EXIT

dotnet build Assignment3.sln -c Debug -warnaserror --nologo -v quiet || give_up "build failed"
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
