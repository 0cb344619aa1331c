import { addAllExamples } from '../../examples';
import { checkInputs } from '../../lib/checks/check';
import { buildGraph } from '../../lib/checks/graph/load';
import { computeRoles, storeGrants } from '../../lib/checks/graph/access';
import { cdkJsonApp } from '../util';

/**
 * HA-DR4 over the AWS examples: each standby or serving region's compute may use its own region's
 * copy of every store the primary's compute uses. The three failures a review found in the examples
 * (Tier 0's us-west-2 fleet without the table and bucket replicas, Tier 1's flags and client policy
 * only in us-east-1, Tier 2's standby without the images replica) are the first three tests; the
 * last removes, one at a time, every grant a standby's role holds on a store, and requires a finding.
 */

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
interface StackInput {
  readonly name: string;
  readonly region: string;
  readonly template: Template;
}

let stacks: StackInput[];
beforeAll(() => {
  const app = cdkJsonApp();
  addAllExamples(app, { printReport: false });
  stacks = app
    .synth()
    .stacks.map((s) => ({ name: s.stackName, region: s.environment.region, template: s.template as Template }));
});

function parityFindings(inputs: readonly StackInput[]) {
  return checkInputs({
    cloudFormation: inputs.map((s) => ({ name: s.name, region: s.region, template: s.template })),
  }).findings.filter((f) => f.rule === 'HA-DR4');
}

/** The grants of the compute role of `stack`, as `identity@region`. */
function grantsOf(stack: string): string[] {
  const graph = buildGraph({ cloudFormation: stacks.filter((s) => s.name.split('-')[0] === stack.split('-')[0]) });
  const compute = computeRoles(graph).find((c) => c.role.stack === stack)!;
  return storeGrants(graph, compute.role).map((g) => `${g.identity}@${g.region}`);
}

test('Tier 0: the us-west-2 fleet may use its own copies of the carts table, the receipts and revision buckets, the secret and their keys', () => {
  expect(grantsOf('Tier0-us-west-2').sort()).toEqual([
    'dynamodb table checkout-carts@us-west-2',
    'key of dynamodb table checkout-carts@us-west-2',
    'key of s3 bucket checkout-receipts-*-us-east-1@us-west-2',
    'key of s3 bucket checkout-receipts-west-*-us-east-1@us-west-2',
    'key of s3 bucket checkout-revisions-*-us-east-1@us-west-2',
    'key of secret checkout/payment-api-key@us-west-2',
    's3 bucket checkout-receipts-*-us-east-1@us-west-2',
    's3 bucket checkout-receipts-west-*-us-east-1@us-west-2',
    's3 bucket checkout-revisions-*-us-east-1@us-west-2',
    'secret checkout/payment-api-key@us-west-2',
  ]);
  expect(parityFindings(stacks.filter((s) => s.name.startsWith('Tier0')))).toEqual([]);
});

test('Tier 0: each region writes its receipts to its own replicated bucket, and only reads the copy of the other region receipts', () => {
  const tier0 = stacks.filter((s) => s.name.startsWith('Tier0'));
  const servingWrites = (inputs: readonly StackInput[]) =>
    checkInputs({ cloudFormation: [...inputs] }).findings.filter((f) => f.rule === 'HA-DR6');
  expect(servingWrites(tier0)).toEqual([]);
  // us-west-2 allowed to write the copy of us-east-1's receipts (what the example did before): lost with the region.
  const widened = structuredClone(tier0);
  const west = widened.find((s) => s.name === 'Tier0-us-west-2')!;
  const statements = Object.values(west.template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .map((r) => (r.Properties!.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement)
    .find((st) => JSON.stringify(st).includes('Receipts7BD6'))!;
  const receiptObjects = statements
    .flatMap((st) => [st.Resource].flat())
    .find((r) => JSON.stringify(r).includes('Receipts7BD6') && JSON.stringify(r).includes('/*'));
  statements.push({ Action: 's3:PutObject', Resource: receiptObjects, Effect: 'Allow' } as never);
  const [finding, ...rest] = servingWrites(widened);
  expect(rest).toEqual([]);
  expect(finding.message).toMatch(
    /^FleetInstanceRole\w+, compute of checkout in us-west-2, may write Tier0-us-west-2\/Receipts\w+, which copies nothing/,
  );
});

test('Tier 1: the standby has feature flags and a client policy of its own, and its fleet may read them', () => {
  expect(grantsOf('Tier1-us-west-2').sort()).toEqual([
    'appconfig application orders@us-west-2',
    'aurora cluster orders as orders_app@us-west-2',
    'key of appconfig application orders@us-west-2',
    'key of s3 bucket orders-revisions-*-us-east-1@us-west-2',
    's3 bucket orders-revisions-*-us-east-1@us-west-2',
    'ssm parameter /ha-constructs/orders/client-resilience-policy@us-west-2',
  ]);
  expect(parityFindings(stacks.filter((s) => s.name.startsWith('Tier1')))).toEqual([]);
});

test('Tier 2: the standby fleet may use the us-west-2 copies of the images and revision buckets and their keys', () => {
  expect(grantsOf('Tier2-us-west-2').sort()).toEqual([
    'aurora cluster catalog as catalog_app@us-west-2',
    'key of s3 bucket catalog-images-*-us-east-1@us-west-2',
    'key of s3 bucket catalog-revisions-*-us-east-1@us-west-2',
    's3 bucket catalog-images-*-us-east-1@us-west-2',
    's3 bucket catalog-revisions-*-us-east-1@us-west-2',
  ]);
  expect(parityFindings(stacks.filter((s) => s.name.startsWith('Tier2')))).toEqual([]);
});

test('a standby granted fewer actions than the primary is a finding that names the missing actions, both roles and the store', () => {
  const tier0 = structuredClone(stacks.filter((s) => s.name.startsWith('Tier0')));
  const west = tier0.find((s) => s.name === 'Tier0-us-west-2')!;
  const policy = Object.values(west.template.Resources).find(
    (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r).includes('dynamodb:PutItem'),
  )!;
  const statements = (policy.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement;
  statements.find((s) => JSON.stringify(s.Action).includes('dynamodb:PutItem'))!.Action = [
    'dynamodb:GetItem',
    'dynamodb:Query',
  ];
  const [finding, ...rest] = parityFindings(tier0);
  expect(rest).toEqual([]);
  expect(finding).toMatchObject({ stack: 'Tier0-us-west-2', resource: expect.stringMatching(/^FleetInstanceRole/) });
  expect(finding.message).toMatch(
    /^FleetInstanceRole\w+, compute of checkout in us-west-2, may not dynamodb:batchgetitem, dynamodb:batchwriteitem, .*dynamodb:putitem.* on the us-west-2 copy of dynamodb table checkout-carts \(Tier0-us-east-1\/FleetInstanceRole\w+ in us-east-1 may\)/,
  );
  expect(finding.message).not.toContain('dynamodb:getitem,');
});

test("removing any store grant of a standby or serving region's compute role turns into an HA-DR4 finding", () => {
  let removed = 0;
  for (const stack of stacks.filter((s) => /-us-west-2$/.test(s.name))) {
    const service = stacks.filter((s) => s.name.split('-')[0] === stack.name.split('-')[0]);
    for (const [policyId, policy] of Object.entries(stack.template.Resources)) {
      if (
        policy.Type !== 'AWS::IAM::Policy' ||
        !JSON.stringify(policy.Properties?.Roles).includes('FleetInstanceRole')
      ) {
        continue;
      }
      const statements = (policy.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] })
        .Statement;
      statements.forEach((statement, index) => {
        const actions = [statement.Action].flat();
        // Not a store: the creation signal, and the CodeDeploy agent's installer bucket (AWS's, per region).
        if (
          actions.includes('cloudformation:SignalResource') ||
          JSON.stringify(statements[index]).includes('aws-codedeploy-')
        ) {
          return;
        }
        const weakened = structuredClone(service);
        const target = weakened.find((s) => s.name === stack.name)!.template.Resources[policyId];
        (target.Properties!.PolicyDocument as { Statement: unknown[] }).Statement.splice(index, 1);
        const findings = parityFindings(weakened);
        expect({ stack: stack.name, removed: actions, found: findings.length > 0 }).toEqual({
          stack: stack.name,
          removed: actions,
          found: true,
        });
        removed++;
      });
    }
  }
  // Tier 0: table, bucket, keys, secret and its key; Tier 1: database, flags, their key, parameter; Tier 2: database, bucket, key.
  expect(removed).toBeGreaterThanOrEqual(12);
});
