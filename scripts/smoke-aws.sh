#!/usr/bin/env bash
# Checks a deployed system: invokes the driver, then validates the DynamoDB items and the PNG in the plot bucket.
# Needs the AWS CLI v2 with credentials for the account the stacks are in, and Node.js (to read JSON).
set -euo pipefail

output() { aws cloudformation describe-stacks --stack-name "$1" --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue" --output text; }
json() { node -e "const v = JSON.parse(require('fs').readFileSync(0, 'utf8')); console.log($1)"; }

table=$(output Assignment3-Storage TableName)
data=$(output Assignment3-Storage DataBucketName)
plots=$(output Assignment3-Storage PlotBucketName)
driver=$(output Assignment3-Lambda DriverFunctionName)
result=$(mktemp)
trap 'rm -f "$result"' EXIT

echo "invoking $driver (up to a few minutes)…"
status=$(aws lambda invoke --function-name "$driver" --cli-read-timeout 300 "$result" --query FunctionError --output text)
if [[ "$status" != "None" ]]; then
  echo "FAIL: the driver failed: $(cat "$result")"
  exit 1
fi

sequence=$(json 'v.sequence' < "$result")
key=$(json 'v.chart.plot_key' < "$result")
echo "sizes seen: $sequence"
[[ "$sequence" == "0 → 18 → 27 → 0 → 2" ]] || { echo "FAIL: expected 0 → 18 → 27 → 0 → 2"; exit 1; }

items=$(aws dynamodb query --table-name "$table" --key-condition-expression "bucket_name = :b" \
  --expression-attribute-values "{\":b\":{\"S\":\"$data\"}}" --select COUNT --query Count --output text)
echo "history items for $data: $items"
(( items >= 5 )) || { echo "FAIL: expected at least 5 items"; exit 1; }

max=$(aws dynamodb query --table-name "$table" --index-name GSI_SizeByBucket --key-condition-expression "bucket_name = :b" \
  --expression-attribute-values "{\":b\":{\"S\":\"$data\"}}" --no-scan-index-forward --limit 1 \
  --query "Items[0].total_size.N" --output text)
echo "historical maximum from the index: $max B"

type=$(aws s3api head-object --bucket "$plots" --key "$key" --query ContentType --output text)
[[ "$type" == "image/png" ]] || { echo "FAIL: s3://$plots/$key has content type $type"; exit 1; }
echo "chart: s3://$plots/$key ($type)"
echo "OK"
