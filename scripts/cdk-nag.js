#!/usr/bin/env node
// Runs cdk-nag's AwsSolutions and Serverless packs over synthesized CloudFormation templates.
//   node scripts/cdk-nag.js cdk.out/Assignment3-Storage.template.json cdk.out/Assignment3-Lambda.template.json
// Each template is loaded into a stack of its own with CfnInclude. Suppressions live where the finding arises, in the
// resource's Metadata as cdk_nag.rules_to_suppress ({id, reason, applies_to?}), written by the C# stacks. cdk-nag 3
// reads acknowledgements (Validations.of(construct).acknowledge), so each rule id, and each literal applies_to finding
// (`ID[finding]`), is handed over as one; applies_to entries {regex: "/.../"} (for findings that name deploy-time
// tokens) are matched against the findings afterwards. Prints every warning and every unsuppressed error, each
// suppression with its reason, and exits 1 if any error is left.
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

    const app = new App({ outdir: path.join(work, 'out') });
    const name = path.basename(file).replace(/\.template\.json$/, '');
    const stack = new Stack(app, name);
    const included = new CfnInclude(stack, 'Template', { templateFile: copy });
    const suppressions = [];
    const patterns = [];
    for (const [logicalId, resource] of Object.entries(template.Resources || {})) {
      for (const rule of resource.Metadata?.cdk_nag?.rules_to_suppress || []) {
        if (!rule.id || !rule.reason || rule.reason.trim().length < 10) {
          throw new Error(`${name}/${logicalId}: suppression ${JSON.stringify(rule)} needs an id and a reason`);
        }
        const acknowledge = (id) => Validations.of(included.getResource(logicalId)).acknowledge({ id, reason: rule.reason });
        if (!rule.applies_to) acknowledge(rule.id);
        for (const finding of rule.applies_to || []) {
          if (typeof finding === 'string') {
            acknowledge(`${rule.id}[${finding}]`);
          } else {
            const [, source, flags] = /^\/(.*)\/([a-z]*)$/.exec(finding.regex) || [];
            if (source === undefined) throw new Error(`${name}/${logicalId}: applies_to regex ${finding.regex} must look like /.../`);
            patterns.push({ logicalId, id: rule.id, regex: new RegExp(source, flags.replace('g', '')) });
          }
        }
        suppressions.push(`${logicalId}: ${rule.id}${rule.applies_to ? ` ${JSON.stringify(rule.applies_to)}` : ''} — ${rule.reason}`);
      }
    }
    const matchesPattern = (ruleName, logicalId) => {
      const [, base, finding] = /^([^[]+)\[(.*)\]$/.exec(ruleName) || [];
      return base !== undefined && patterns.some((p) => p.logicalId === logicalId && p.id === base && p.regex.test(finding));
    };

    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      for (const violation of pack.validateScope(stack).violations) {
        const resources = violation.violatingResources
          .map((r) => r.constructPath.replace(`${name}/Template/`, ''))
          .filter((logicalId) => !matchesPattern(violation.ruleName, logicalId));
        if (resources.length === 0) continue;
        const where = resources.join(', ');
        const line = `${name}: ${violation.severity.toUpperCase()} ${violation.ruleName} on ${where}: ${violation.description}`;
        if (violation.severity === 'error') errors += 1; else warnings += 1;
        console.log(line);
      }
    }
    for (const suppression of suppressions) console.log(`${name}: suppressed ${suppression}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(`cdk-nag: ${errors} unsuppressed error(s), ${warnings} warning(s)`);
process.exit(errors > 0 ? 1 : 0);
