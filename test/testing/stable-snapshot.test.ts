import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { addAllExamples } from '../../examples';
import { acknowledgeHaFinding } from '../../lib/aws';
import { ServiceTier } from '../../lib/core';
import { haSnapshot, synthesizedStacks, templateSnapshot } from '../../lib/testing';
import { MultiAzNetwork } from '../../lib/tf/aws/network';
import { cdkJsonApp } from '../util';

// aws-cdk-lib's version as its constructs report it in the CDKMetadata resource's analytics.
const STACK_RTTI = (Stack as unknown as Record<symbol, { version: string }>)[Symbol.for('jsii.rtti')];

/**
 * The examples as `cdk synth` builds them (CDK metadata on), with one more Lambda function whose
 * code is `handlerCode`, synthesized while aws-cdk-lib reports itself as `cdkVersion`.
 */
function examples(handlerCode: string, cdkVersion: string): App {
  const assetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-asset-'));
  fs.writeFileSync(path.join(assetDir, 'index.js'), handlerCode);
  const app = cdkJsonApp({ analyticsReporting: true });
  addAllExamples(app, { printReport: false });
  const stack = app.node.findChild('Tier3-us-east-1') as Stack;
  const handler = new LambdaFunction(stack, 'RestoreCheck', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromAsset(assetDir),
  });
  acknowledgeHaFinding(handler, 'HA-ENC1', 'a function that exists only to carry an asset into the template');
  const released = STACK_RTTI.version;
  STACK_RTTI.version = cdkVersion;
  try {
    app.synth();
  } finally {
    STACK_RTTI.version = released;
  }
  return app;
}

describe('the kit snapshot of the examples', () => {
  const before = examples('exports.handler = async () => "v1";', STACK_RTTI.version);
  const after = examples('exports.handler = async () => "v2";', '2.999.0');
  const tier3 = (app: App) =>
    synthesizedStacks(app).find((s) => s.name === 'Tier3-us-east-1')!.template as Record<string, unknown>;

  test('GIVEN a changed Lambda asset and aws-cdk-lib version THEN the raw templates differ', () => {
    const [a, b] = [JSON.stringify(tier3(before)), JSON.stringify(tier3(after))];
    expect(a).not.toEqual(b);
    const keys = (text: string) => [...text.matchAll(/"S3Key":"([0-9a-f]{64})\.zip"/g)].map((m) => m[1]);
    expect(keys(a)).not.toEqual(keys(b));
    const analytics = (t: Record<string, unknown>) =>
      JSON.stringify((t.Resources as Record<string, unknown>).CDKMetadata);
    expect(analytics(tier3(before))).not.toEqual(analytics(tier3(after)));
  });

  test('THEN the HA snapshot and the whole normalised templates are unchanged', () => {
    expect(haSnapshot(after)).toEqual(haSnapshot(before));
    expect(templateSnapshot(after)).toEqual(templateSnapshot(before));
  });

  test('THEN the HA snapshot of the app is that of each stack, under its name', () => {
    const snapshot = haSnapshot(before);
    const stacks = synthesizedStacks(before);
    expect(stacks.map((s) => s.name)).toContain('Tier1-Dns');
    expect(snapshot).toBe(stacks.map((s) => `=== ${s.name} ===\n${haSnapshot(s.template)}`).join('\n'));
    // The added function's asset is a placeholder in the whole template; no hash is left anywhere.
    const whole = JSON.stringify(templateSnapshot(before));
    expect(whole).toContain('"S3Key":"ASSET_HASH.zip"');
    expect(`${whole}${snapshot}`).not.toMatch(/[0-9a-f]{64}/);
  });
});

test('GIVEN a cdktf stack THEN its HA snapshot keeps the HA records Testing.synth drops', () => {
  const stack = new TerraformStack(Testing.app(), 'catalog');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new MultiAzNetwork(stack, 'Network', {
    tier: ServiceTier.TIER_1,
    service: 'catalog',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  });
  const snapshot = haSnapshot(stack);
  expect(snapshot).toMatch(
    /^=== catalog ===\nevery record: version=2 service=catalog tier=TIER_1 strategy=WARM_STANDBY\nprovider aws: \{"region": "us-east-1"\}\n/,
  );
  expect(snapshot).toMatch(
    /\naws_nat_gateway\.\S+\n {2}ha: role=primary failureDomain=region component=MultiAzNetwork\n {2}subnet_id: /,
  );
});
