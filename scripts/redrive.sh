#!/usr/bin/env bash
# Replays the events size tracking gave up on. They wait in the function's failure queue in one of two forms: the
# EventBridge event itself, moved there by the redrive policy of the queue the function reads (after 5 receives), or,
# parked before events went through that queue, a Lambda destination record ({"requestContext", "requestPayload",
# "responseContext", "responsePayload"}) around it. This takes each message's event, invokes the function again
# synchronously with it, and deletes the message only when that invocation succeeded; a failed one stays queued and
# shows up again after the hold below. Replays are safe to repeat: the function records an event id once (for as long
# as its idempotency marker lives, 15 days, longer than the queue keeps a message), and an event that a newer record
# already shows costs nothing. A replay measures the bucket as it is now.
#
# A dry run holds each message it lists, so that the next receive returns the others, and releases them all at the
# end: a full listing, and nothing hidden afterwards. A message seen once is never handled twice in one run.
#
#   scripts/redrive.sh [--dry-run] [--max N] [--queue-url URL] [--function NAME]
#
#   --dry-run         list the parked messages; invoke nothing, delete nothing (start here)
#   --max N           handle at most N messages
#   --queue-url URL   default: output SizeTrackingFailureQueueUrl of stack Assignment3-Lambda
#   --function NAME   default: assignment3-size-tracking
#
# Prints one line per message, then "replayed N, failed N, skipped N". Exit code 1 when a replay failed or the queue
# could not be read, 2 for a bad command line. Needs the AWS CLI v2 with credentials for the stack's account, and
# Node.js (to read JSON). REDRIVE_HOLD_SECONDS overrides the hold below (tests shorten it).
set -euo pipefail

readonly STACK=Assignment3-Lambda
readonly QUEUE_OUTPUT=SizeTrackingFailureQueueUrl
# How long a received message stays hidden from other readers: one invocation (the function times out at 60 s, the
# CLI waits READ_TIMEOUT for it) plus the delete. A failed message becomes visible again after this.
readonly HOLD_SECONDS=${REDRIVE_HOLD_SECONDS:-120}
# Longer than the function's 60 s timeout: the CLI retries a call that times out, which would invoke twice.
readonly READ_TIMEOUT=90
# Long polling asks every SQS server; short polling samples some and may answer "empty" while messages wait.
readonly WAIT_SECONDS=2

usage() {
  echo "usage: $0 [--dry-run] [--max N] [--queue-url URL] [--function NAME]" >&2
  exit 2
}

[[ "$HOLD_SECONDS" =~ ^[0-9]+$ ]] || { echo "error: REDRIVE_HOLD_SECONDS must be a whole number of seconds" >&2; usage; }

dry_run=false
max=0
queue_url=""
function_name=assignment3-size-tracking
while (($# > 0)); do
  case "$1" in
    --dry-run) dry_run=true ;;
    --max)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "error: --max needs a positive whole number" >&2; usage; }
      max=$2
      shift
      ;;
    --queue-url)
      [[ $# -ge 2 && -n "$2" ]] || { echo "error: --queue-url needs a URL" >&2; usage; }
      queue_url=$2
      shift
      ;;
    --function)
      [[ $# -ge 2 && -n "$2" ]] || { echo "error: --function needs a name" >&2; usage; }
      function_name=$2
      shift
      ;;
    -h | --help) usage ;;
    *)
      echo "error: unknown argument '$1'" >&2
      usage
      ;;
  esac
  shift
done

# AWS CLI v2 sends output through a pager by default; this script reads it.
export AWS_PAGER=""
work=$(mktemp -d)
declare -A seen=() # message id → 1: a message that comes back in this run is not handled twice
declare -A held=() # dry run: message id → receipt handle, released when the listing is done

# The first line of a failed AWS CLI call's error, for a one-line report.
cli_error() { grep -m1 -v '^[[:space:]]*$' "$1" | tr -d '\r' | head -c 300 || echo "no error text"; }

# In a dry run, makes every listed message visible again at once rather than after the hold.
release_held() {
  local id
  for id in "${!held[@]}"; do
    if ! aws sqs change-message-visibility --queue-url "$queue_url" --receipt-handle "${held[$id]}" \
      --visibility-timeout 0 2>"$work/release.err"; then
      echo "warning: could not release message $id; it shows up again within ${HOLD_SECONDS} s: $(cli_error "$work/release.err")" >&2
    fi
    unset "held[$id]"
  done
}
trap 'release_held; rm -rf "$work"' EXIT

if [[ -z "$queue_url" ]]; then
  if ! aws cloudformation describe-stacks --stack-name "$STACK" --output json >"$work/stack.json" 2>"$work/stack.err"; then
    echo "error: could not read stack $STACK: $(cli_error "$work/stack.err") (pass --queue-url)" >&2
    exit 1
  fi
  queue_url=$(node -e '
    const stacks = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).Stacks || [];
    const output = ((stacks[0] || {}).Outputs || []).find((o) => o.OutputKey === process.argv[2]);
    console.log(output ? output.OutputValue : "");' "$work/stack.json" "$QUEUE_OUTPUT")
  [[ -n "$queue_url" ]] || { echo "error: stack $STACK has no output $QUEUE_OUTPUT (pass --queue-url)" >&2; exit 1; }
fi

# Reads a receive-message answer on stdin. Per message, writes the original event to <dir>/<prefix>-<n>.json and prints
# one line of fields separated by \x1f: message id, receipt handle, then either "event", the event file and a
# description, or "skip" and the reason. Free text is flattened to one line and JSON-quoted.
# shellcheck disable=SC2016 # JavaScript: its ${...} are template literals, not shell expansions
readonly SPLIT_BATCH='
  const fs = require("fs");
  const [dir, prefix] = process.argv.slice(1);
  const text = fs.readFileSync(0, "utf8").trim();
  const flat = (value) => String(value).replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  const quote = (value) => JSON.stringify(flat(value));
  (text ? JSON.parse(text).Messages || [] : []).forEach((message, n) => {
    let record;
    try {
      record = JSON.parse(message.Body);
    } catch {
      record = undefined;
    }
    const fields = [message.MessageId, message.ReceiptHandle];
    const object = record !== null && typeof record === "object" && !Array.isArray(record);
    // Moved by the redrive policy of the queue: the body is the event. Parked by a Lambda destination: the record holds it.
    const moved = object && "detail-type" in record && !("requestPayload" in record);
    const event = moved ? record : object ? record.requestPayload : undefined;
    if (event === undefined || event === null) {
      fields.push("skip", quote(record === undefined
        ? "the body is not JSON"
        : "neither an EventBridge event nor a Lambda destination record (no requestPayload)"));
    } else {
      const file = `${dir}/${prefix}-${n}.json`;
      fs.writeFileSync(file, JSON.stringify(event));
      const context = record.requestContext || {};
      const response = record.responsePayload || {};
      const error = [response.errorType, response.errorMessage].filter(Boolean).join(": ") || "no error recorded";
      const parked = moved
        ? "by the redrive policy of the queue size tracking reads (errors in its log group)"
        : `${context.condition || "unknown condition"} after ${context.approximateInvokeCount ?? "?"} attempt(s): ${error}`;
      const bucket = ((event.detail || {}).bucket || {}).name;
      fields.push("event", file, [
        `event=${flat(event.id ?? "none")}`,
        `bucket=${flat(bucket ?? "none")}`,
        `detail-type=${quote(event["detail-type"] ?? "none")}`,
        `parked=${quote(parked)}`,
      ].join(" "));
    }
    console.log(fields.map(flat).join("\u001f"));
  });'

# Reads what "aws lambda invoke" printed (argv 1) and the function's response (argv 2); prints "ok" or "fail", \x1f,
# and what happened.
# shellcheck disable=SC2016 # JavaScript, as above
readonly JUDGE_INVOCATION='
  const fs = require("fs");
  const read = (path) => {
    try {
      return JSON.parse(fs.readFileSync(path, "utf8"));
    } catch {
      return undefined;
    }
  };
  const answer = read(process.argv[1]);
  const response = read(process.argv[2]) ?? {};
  const flat = (value) => String(value).replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (!answer || answer.StatusCode !== 200 || answer.FunctionError) {
    const status = answer ? `${answer.FunctionError || "status " + answer.StatusCode}: ` : "";
    const error = [response.errorType, response.errorMessage].filter(Boolean).join(": ") || "no error text";
    console.log(`fail\u001f${JSON.stringify(flat(status + error))}`);
  } else if (response.covered === true) {
    console.log("ok\u001fshown by a newer record, nothing written");
  } else if (response.duplicate === true) {
    console.log("ok\u001falready recorded, nothing written");
  } else if (typeof response.total_size === "number") {
    console.log(`ok\u001frecorded ${response.object_cnt} object(s), ${response.total_size} B`);
  } else {
    console.log("ok\u001fsucceeded");
  }'

replayed=0 failed=0 skipped=0 listed=0 handled=0 batches=0
status=0
if [[ $dry_run == true ]]; then
  echo "dry run (nothing is invoked or deleted); queue $queue_url"
else
  echo "replaying into $function_name; queue $queue_url"
fi
while ((max == 0 || handled < max)); do
  want=10
  ((max == 0 || max - handled >= want)) || want=$((max - handled))
  if ! aws sqs receive-message --queue-url "$queue_url" --max-number-of-messages "$want" \
    --visibility-timeout "$HOLD_SECONDS" --wait-time-seconds "$WAIT_SECONDS" --output json \
    >"$work/batch.json" 2>"$work/batch.err"; then
    echo "error: could not receive from the queue: $(cli_error "$work/batch.err")" >&2
    status=1
    break
  fi
  batches=$((batches + 1))
  if ! node -e "$SPLIT_BATCH" "$work" "batch$batches" <"$work/batch.json" >"$work/batch.lines" 2>"$work/split.err"; then
    echo "error: could not read the queue's answer: $(cli_error "$work/split.err")" >&2
    status=1
    break
  fi
  fresh=0
  # fd 3, so that nothing the loop runs can read the list.
  while IFS=$'\x1f' read -r -u 3 id handle kind detail description; do
    if [[ -n "${seen[$id]:-}" ]]; then
      [[ $dry_run == false ]] || held[$id]=$handle # received again: only the newest handle releases it
      continue
    fi
    seen[$id]=1
    fresh=$((fresh + 1))
    handled=$((handled + 1))
    if [[ $kind == skip ]]; then
      echo "skipped message=$id reason=$detail (kept in the queue)"
      skipped=$((skipped + 1))
      [[ $dry_run == false ]] || held[$id]=$handle
      continue
    fi
    if [[ $dry_run == true ]]; then
      echo "listed message=$id $description"
      listed=$((listed + 1))
      held[$id]=$handle
      continue
    fi
    rm -f "$work/response.json"
    if ! aws lambda invoke --function-name "$function_name" --invocation-type RequestResponse \
      --cli-binary-format raw-in-base64-out --payload "fileb://$detail" --cli-read-timeout "$READ_TIMEOUT" \
      --output json "$work/response.json" >"$work/invoke.json" 2>"$work/invoke.err"; then
      # The call itself failed (no such function, no permission, throttled): nothing ran, or nothing is known.
      echo "failed message=$id $description error=\"$(cli_error "$work/invoke.err" | tr -d '"')\" (kept in the queue; visible again in ${HOLD_SECONDS} s)"
      failed=$((failed + 1))
      continue
    fi
    if ! IFS=$'\x1f' read -r verdict outcome < <(node -e "$JUDGE_INVOCATION" "$work/invoke.json" "$work/response.json"); then
      verdict=fail outcome='"could not read the answer of aws lambda invoke"'
    fi
    if [[ $verdict != ok ]]; then
      echo "failed message=$id $description error=$outcome (kept in the queue; visible again in ${HOLD_SECONDS} s)"
      failed=$((failed + 1))
    elif ! aws sqs delete-message --queue-url "$queue_url" --receipt-handle "$handle" 2>"$work/delete.err"; then
      # Recorded, but still queued: a later redrive replays it again, which writes nothing.
      echo "failed message=$id $description result=\"$outcome\" error=\"not deleted: $(cli_error "$work/delete.err" | tr -d '"')\""
      failed=$((failed + 1))
    else
      echo "replayed message=$id $description result=\"$outcome\""
      replayed=$((replayed + 1))
    fi
  done 3<"$work/batch.lines"
  # Nothing new: the queue is empty (to this run), or only messages already handled came back.
  ((fresh > 0)) || break
done

if ((max > 0 && handled >= max)); then
  echo "stopped after --max $max; more messages may be waiting"
fi
if [[ $dry_run == true ]]; then
  release_held
  echo "dry run: would replay $listed; nothing was invoked or deleted"
fi
echo "replayed $replayed, failed $failed, skipped $skipped"
((failed == 0)) || status=1
exit "$status"
