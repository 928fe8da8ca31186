#!/usr/bin/env node
// Runs cdk-nag's AwsSolutions and Serverless packs over synthesized CloudFormation templates.
//   node scripts/cdk-nag.js cdk.out/Assignment3-Storage.template.json cdk.out/Assignment3-Lambda.template.json
// Each template is loaded into a stack of its own with CfnInclude. Suppressions live where the finding arises, in the
// resource's Metadata as cdk_nag.rules_to_suppress ({id, reason}), written by the C# stacks; cdk-nag 3 reads
// acknowledgements (Validations.of(construct).acknowledge), so each one is handed over as such. Prints every
// warning and every unsuppressed error, each suppression with its reason, and exits 1 if any error is left.
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
    for (const [logicalId, resource] of Object.entries(template.Resources || {})) {
      for (const rule of resource.Metadata?.cdk_nag?.rules_to_suppress || []) {
        if (!rule.id || !rule.reason || rule.reason.trim().length < 10) {
          throw new Error(`${name}/${logicalId}: suppression ${JSON.stringify(rule)} needs an id and a reason`);
        }
        Validations.of(included.getResource(logicalId)).acknowledge({ id: rule.id, reason: rule.reason });
        suppressions.push(`${logicalId}: ${rule.id} — ${rule.reason}`);
      }
    }

    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      for (const violation of pack.validateScope(stack).violations) {
        const where = violation.violatingResources.map((r) => r.constructPath.replace(`${name}/Template/`, '')).join(', ');
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
