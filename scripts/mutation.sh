#!/usr/bin/env bash
# Mutation testing with Stryker.NET (pinned in .config/dotnet-tools.json) over the code whose tests need no emulators:
# the domain, the two translators (with DurationText) and the chart renderer. docs/testing.md records the scores, the
# thresholds and every surviving mutant with its reason.
#
#   scripts/mutation.sh                 # every target
#   scripts/mutation.sh domain plotapi  # some of them: domain, plotapi, lambda, charting
#
# Prints one line per target and a total line, plain `key=value` pairs:
#   mutation: target=domain score=98.73 threshold=95 killed=151 timeout=5 survived=2 nocoverage=0 seconds=576 status=ok
#   mutation: target=total score=91.94 killed=302 timeout=6 survived=23 nocoverage=4 seconds=1354 status=ok
# and exits 1 when a target's score is below its threshold (2 when Stryker itself could not run).
# Score = (killed + timeout) / (killed + timeout + survived + nocoverage), as Stryker computes it.
# Reports (JSON, HTML) and Stryker's log land in artifacts/mutation/<target>/ (gitignored); MUTATION_OUTPUT moves them.
# MUTATION_CONCURRENCY sets Stryker's parallel test sessions (its own default: half the cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${MUTATION_OUTPUT:-$root/artifacts/mutation}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The adapters' tests that need no emulator (the whole Adapters.Tests project also holds CLI and runtime-loop tests).
adapter_tests='FullyQualifiedName~.PlotApiTranslatorTests.|FullyQualifiedName~.PlotRequestContractTests.'
adapter_tests+='|FullyQualifiedName~.S3EventTranslatorTests.|FullyQualifiedName~.ChartRendererTests.'
adapter_tests+='|FullyQualifiedName~MutationKills'

# Each target: the test project Stryker runs from, the project it mutates, the score under which the script fails (%),
# the tests it runs (a `dotnet test --filter` expression; empty: all) and the files it mutates (globs, space-separated).
names=(domain plotapi lambda charting)
# Sets test_project, project, threshold, filter and mutate for target $1 (a case, not an associative array: bash 3 too).
configure() {
  case $1 in
    domain)
      test_project=tests/Assignment3.Domain.Tests project=Assignment3.Domain.csproj threshold=95
      filter='' mutate='**/*.cs' ;;
    plotapi)
      test_project=tests/Assignment3.Adapters.Tests project=Assignment3.Adapters.PlotApi.csproj threshold=92
      filter=$adapter_tests mutate='**/PlotApiTranslator.cs **/DurationText.cs' ;;
    lambda)
      test_project=tests/Assignment3.Adapters.Tests project=Assignment3.Adapters.Lambda.csproj threshold=95
      filter=$adapter_tests mutate='**/S3EventTranslator.cs' ;;
    charting)
      test_project=tests/Assignment3.Adapters.Tests project=Assignment3.Adapters.Charting.csproj threshold=70
      filter=$adapter_tests mutate='**/ScottPlotSizeChartRenderer.cs' ;;
    *) return 1 ;;
  esac
}

for name in "$@"; do
  configure "$name" || { echo "mutation: unknown target '$name' (known: ${names[*]})" >&2; exit 2; }
done
wanted=" ${*:-${names[*]}} "

cd "$root"
dotnet tool restore >/dev/null || { echo "mutation: dotnet tool restore failed (dotnet-stryker)" >&2; exit 2; }

# Counts the mutants of one status in a Stryker JSON report (its source texts are escaped: no bare quotes inside).
count() { { grep -o "\"status\":\"$1\"" "$2" || true; } | wc -l | tr -d ' '; }
# The score in hundredths of a percent, and as text with two decimals.
score_bp() { local detected=$1 valid=$2; ((valid > 0)) && echo $((detected * 10000 / valid)) || echo 10000; }
as_percent() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

started=$SECONDS
below=0
total_killed=0 total_timeout=0 total_survived=0 total_nocoverage=0
for name in "${names[@]}"; do
  [[ $wanted == *" $name "* ]] || continue
  configure "$name"

  dir=$out/$name
  rm -rf "$dir"
  mkdir -p "$dir"
  args=(--project "$project" --output "$dir" --reporter json --reporter html --reporter cleartext
    --break-at 0 --skip-version-check)
  [[ -n $filter ]] && args+=(--test-case-filter "$filter")
  [[ -n ${MUTATION_CONCURRENCY:-} ]] && args+=(--concurrency "$MUTATION_CONCURRENCY")
  read -r -a globs <<<"$mutate"
  for glob in "${globs[@]}"; do args+=(--mutate "$glob"); done

  echo "mutation: running target=$name project=$project log=$dir/stryker.log" >&2
  target_started=$SECONDS
  # From the test project's folder: at the root Stryker would pick up the solution and refuse a single test project.
  if ! (cd "$root/$test_project" && dotnet stryker "${args[@]}") >"$dir/stryker.log" 2>&1; then
    tail -n 30 "$dir/stryker.log" >&2
    echo "mutation: target=$name status=error (Stryker failed; see $dir/stryker.log)"
    exit 2
  fi

  report=$dir/reports/mutation-report.json
  [[ -s $report ]] || { echo "mutation: target=$name status=error (no report at $report)"; exit 2; }
  killed=$(count Killed "$report")
  timeout=$(count Timeout "$report")
  survived=$(count Survived "$report")
  nocoverage=$(count NoCoverage "$report")
  bp=$(score_bp $((killed + timeout)) $((killed + timeout + survived + nocoverage)))
  status=ok
  if ((bp < $threshold * 100)); then
    status=below-threshold
    below=1
  fi
  echo "mutation: target=$name score=$(as_percent "$bp") threshold=$threshold killed=$killed timeout=$timeout" \
    "survived=$survived nocoverage=$nocoverage seconds=$((SECONDS - target_started)) status=$status"
  total_killed=$((total_killed + killed))
  total_timeout=$((total_timeout + timeout))
  total_survived=$((total_survived + survived))
  total_nocoverage=$((total_nocoverage + nocoverage))
done

bp=$(score_bp $((total_killed + total_timeout)) $((total_killed + total_timeout + total_survived + total_nocoverage)))
status=ok
((below == 0)) || status=below-threshold
echo "mutation: target=total score=$(as_percent "$bp") killed=$total_killed timeout=$total_timeout" \
  "survived=$total_survived nocoverage=$total_nocoverage seconds=$((SECONDS - started)) status=$status"
exit $below
