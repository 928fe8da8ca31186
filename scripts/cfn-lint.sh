#!/usr/bin/env bash
# Runs cfn-lint over synthesized templates: fails on errors, prints warnings. The warnings the CDK's own output
# raises are explained in docs/decisions.md ("What cfn-lint says").
#   ./scripts/cfn-lint.sh cdk.out/Assignment3-Storage.template.json cdk.out/Assignment3-Lambda.template.json
set -uo pipefail

lint=$(command -v cfn-lint || true)
[[ -z $lint && -x "$HOME/.pyenv/shims/cfn-lint" ]] && lint=$HOME/.pyenv/shims/cfn-lint
if [[ -z $lint ]] && command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cfn-lint >/dev/null; } 2>/dev/null
  lint=$(command -v cfn-lint || true)
fi
[[ -n $lint ]] || { echo "cfn-lint: not installed (Debian: apt-get install cfn-lint; or pip install cfn-lint)"; exit 1; }

"$lint" --format parseable "$@"
status=$?
# The exit code is a bit mask: 2 = errors, 4 = warnings, 8 = informational.
if (( status & 2 )) || (( status & 1 )); then
  echo "cfn-lint: errors (exit code $status)"
  exit 1
fi
echo "cfn-lint: no errors$( (( status & 4 )) && echo ', warnings above')"
