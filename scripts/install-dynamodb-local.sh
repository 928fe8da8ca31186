#!/usr/bin/env bash
# Installs AWS's DynamoDB Local (the emulator the tests run against) into node_modules/.dynamodb-local, unless it is
# there already. It ships inside the npm package amplify-dynamodb-simulator (Apache-2.0, published by AWS); that
# package's own dependencies weigh ~350 MB and the tests need none of them, so only its tarball is fetched (npm pack,
# checked against the pinned integrity below) and only its emulator folder is unpacked. Needs Java 17 to run.
set -euo pipefail
cd "$(dirname "$0")/.."

package=amplify-dynamodb-simulator@2.9.30
integrity=sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==
target=node_modules/.dynamodb-local

if [[ -f $target/DynamoDBLocal.jar && "$(cat "$target/.package" 2>/dev/null)" == "$package" ]]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm pack "$package" --pack-destination "$work" --loglevel=error >/dev/null
tarball=("$work"/*.tgz)
actual="sha512-$(openssl dgst -sha512 -binary "${tarball[0]}" | base64 -w0)"
if [[ $actual != "$integrity" ]]; then
  echo "install-dynamodb-local: $package does not match its pinned integrity (got $actual)" >&2
  exit 1
fi

tar -xzf "${tarball[0]}" -C "$work" package/emulator
rm -rf "$target"
mkdir -p "$(dirname "$target")"
mv "$work/package/emulator" "$target"
echo "$package" >"$target/.package"
echo "install-dynamodb-local: DynamoDB Local from $package is in $target" >&2
