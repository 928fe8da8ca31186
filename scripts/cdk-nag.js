#!/usr/bin/env node
// Runs cdk-nag's AwsSolutions and Serverless packs over synthesized CloudFormation templates.
//   node scripts/cdk-nag.js cdk.out/Assignment3-Storage.template.json cdk.out/Assignment3-Lambda.template.json
// Each template is loaded into a stack of its own with CfnInclude. Suppressions live where the finding arises, in the
// resource's Metadata as cdk_nag.rules_to_suppress ({id, reason, applies_to?}), written by the C# stacks. cdk-nag 3
// reads acknowledgements (Validations.of(construct).acknowledge), so each rule id, and each literal applies_to finding
// (`ID[finding]`), is handed over as one; applies_to entries {regex: "/.../"} (for findings that name deploy-time
// tokens) are matched against the findings afterwards. Prints every warning and every unsuppressed error, each
// suppression with its reason, and exits 1 if any error is left, or if a suppression no longer matches any finding
// (a stale one would silently hide the next finding of its kind).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { App, Stack, Validations } = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { AwsSolutionsChecks, ServerlessChecks } = require('cdk-nag');

const templates = process.argv.slice(2);
if (templates.length === 0) {
  process.stderr.write('usage: node scripts/cdk-nag.js TEMPLATE.json...\n');
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-'));
let errors = 0;
let warnings = 0;
try {
  for (const file of templates) {
    const template = JSON.parse(fs.readFileSync(file, 'utf8'));
    // The bootstrap version check refers to an SSM parameter that only exists in a bootstrapped account.
    delete (template.Parameters || {}).BootstrapVersion;
    delete (template.Rules || {}).CheckBootstrapVersion;
    const copy = path.join(work, path.basename(file));
    fs.writeFileSync(copy, JSON.stringify(template));

    const name = path.basename(file).replace(/\.template\.json$/, '');
    const load = () => {
      const stack = new Stack(new App({ outdir: path.join(work, 'out') }), name);
      return { stack, included: new CfnInclude(stack, 'Template', { templateFile: copy }) };
    };
    const runPacks = (stack) => [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) => pack.validateScope(stack).violations);
    const logicalIdOf = (resource) => resource.constructPath.replace(`${name}/Template/`, '');
    // Every finding before any suppression, to tell a suppression that still matches one from a stale one.
    const raw = runPacks(load().stack).flatMap((v) => v.violatingResources.map((r) => ({ logicalId: logicalIdOf(r), ruleName: v.ruleName })));
    const { stack, included } = load();
    const suppressions = [];
    const patterns = [];
    for (const [logicalId, resource] of Object.entries(template.Resources || {})) {
      for (const rule of resource.Metadata?.cdk_nag?.rules_to_suppress || []) {
        if (!rule.id || !rule.reason || rule.reason.trim().length < 10) {
          throw new Error(`${name}/${logicalId}: suppression ${JSON.stringify(rule)} needs an id and a reason`);
        }
        const acknowledge = (id) => {
          Validations.of(included.getResource(logicalId)).acknowledge({ id, reason: rule.reason });
          return raw.some((f) => f.logicalId === logicalId && f.ruleName === id);
        };
        let used = false;
        if (!rule.applies_to) used = acknowledge(rule.id);
        for (const finding of rule.applies_to || []) {
          if (typeof finding === 'string') {
            used = acknowledge(`${rule.id}[${finding}]`) || used;
          } else {
            const [, source, flags] = /^\/(.*)\/([a-z]*)$/.exec(finding.regex) || [];
            if (source === undefined) throw new Error(`${name}/${logicalId}: applies_to regex ${finding.regex} must look like /.../`);
            const regex = new RegExp(source, flags.replace('g', ''));
            patterns.push({ logicalId, id: rule.id, regex });
            used = raw.some((f) => f.logicalId === logicalId && f.ruleName.startsWith(`${rule.id}[`) && regex.test(f.ruleName.slice(rule.id.length + 1, -1))) || used;
          }
        }
        if (!used) {
          errors += 1;
          console.log(`${name}: ERROR stale suppression on ${logicalId}: ${rule.id}${rule.applies_to ? ` ${JSON.stringify(rule.applies_to)}` : ''} matches no finding; remove it`);
        }
        suppressions.push(`${logicalId}: ${rule.id}${rule.applies_to ? ` ${JSON.stringify(rule.applies_to)}` : ''} — ${rule.reason}`);
      }
    }
    const matchesPattern = (ruleName, logicalId) => {
      const [, base, finding] = /^([^[]+)\[(.*)\]$/.exec(ruleName) || [];
      return base !== undefined && patterns.some((p) => p.logicalId === logicalId && p.id === base && p.regex.test(finding));
    };

    for (const violation of runPacks(stack)) {
      const resources = violation.violatingResources
        .map(logicalIdOf)
        .filter((logicalId) => !matchesPattern(violation.ruleName, logicalId));
      if (resources.length === 0) continue;
      const line = `${name}: ${violation.severity.toUpperCase()} ${violation.ruleName} on ${resources.join(', ')}: ${violation.description}`;
      if (violation.severity === 'error') errors += 1; else warnings += 1;
      console.log(line);
    }
    for (const suppression of suppressions) console.log(`${name}: suppressed ${suppression}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(`cdk-nag: ${errors} error(s) (unsuppressed findings and stale suppressions), ${warnings} warning(s)`);
process.exit(errors > 0 ? 1 : 0);
