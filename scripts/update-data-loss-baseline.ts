#!/usr/bin/env node
/**
 * Regenerates test/proofs/baseline/data-loss.json, the record of every stateful resource in every
 * example that the data-loss guard (test/proofs/data-loss.test.ts) compares each synthesis with.
 *
 *   npm run baseline:update        (npx ts-node scripts/update-data-loss-baseline.ts)
 *
 * Run it only on purpose: after adding a stateful resource, or after a change whose replacement
 * or removal of a resource you have decided to accept (and described in the changelog, since a
 * user's deployed copy of that resource would be replaced or deleted too). Review the diff of the
 * baseline file before committing it.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { dataLossBaseline } from '../test/proofs/data-loss';
import { synthAwsExamples, synthTfExamples } from '../test/proofs/examples';

const file = join(__dirname, '..', 'test', 'proofs', 'baseline', 'data-loss.json');
const baseline = dataLossBaseline(synthAwsExamples(), synthTfExamples());
writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
const cfnCount = Object.values(baseline.cloudFormation).reduce((n, stack) => n + Object.keys(stack).length, 0);
const tfCount = Object.values(baseline.terraform).reduce((n, stack) => n + Object.keys(stack).length, 0);
console.log(`wrote ${file}: ${cfnCount} CloudFormation resources in ${Object.keys(baseline.cloudFormation).length} stacks, `
  + `${tfCount} Terraform resources in ${Object.keys(baseline.terraform).length} stacks`);
