import { ImagesInRegion } from '../../../lib/checks/rules/dr/ImagesInRegion';
import { checkInputs } from '../../../lib/checks/check';
import { GraphInputs } from '../../../lib/checks/graph/load';
import { cfn, findings, merge } from '../fixtures/builders';
import { ServiceTier } from '../../../lib/core';
import { IMAGE_CASES, primaryCfn, standbyCfn } from './cases-images';

const DIGEST = `sha256:${'cd'.repeat(32)}`;

describe.each(IMAGE_CASES.map((c) => [`${c.rule.id} ${c.engine} ${c.resource}`, c] as const))('%s', (_, c) => {
  test('GIVEN the compliant fixture THEN there is no finding', () => {
    expect(findings(c.rule, c.compliant)).toEqual([]);
  });

  test('GIVEN the non-compliant fixture THEN one finding names the service, its region and the fix', () => {
    expect(findings(c.rule, c.nonCompliant)).toEqual([
      {
        rule: 'HA-DR5',
        level: 'error',
        category: 'recovery',
        stack: c.stack,
        resource: c.resource,
        message: expect.stringContaining(c.message),
      },
    ]);
  });
});

/** The outcome of HA-DR5 for the standby's service: a finding's message, `unknown: …`, or `compliant`. */
function standbyOutcome(inputs: GraphInputs): string {
  const result = checkInputs(inputs, { rules: [ImagesInRegion] });
  const finding = result.findings.find((f) => f.stack === 'Standby');
  if (finding) return finding.message;
  const unknown = (result.unchecked ?? []).find((u) => u.stack === 'Standby');
  return unknown ? `unknown: ${unknown.why}` : 'compliant';
}

test.each<[string, string[], string, RegExp]>([
  ['its own replica', ['us-west-2'], `111111111111.dkr.ecr.us-west-2.amazonaws.com/orders@${DIGEST}`, /^compliant$/],
  [
    'the primary region although a replica exists',
    ['us-west-2'],
    `111111111111.dkr.ecr.us-east-1.amazonaws.com/orders@${DIGEST}`,
    /from ECR in us-east-1: when us-east-1 fails, no task starts in us-west-2; pull the replica in us-west-2 instead/,
  ],
  [
    'the primary region with no replica',
    [],
    `111111111111.dkr.ecr.us-east-1.amazonaws.com/orders@${DIGEST}`,
    /replicate orders to us-west-2 \(ImageRepository replicaRegistries\)/,
  ],
  [
    'its region where replication goes elsewhere',
    ['eu-west-1'],
    `111111111111.dkr.ecr.us-west-2.amazonaws.com/orders@${DIGEST}`,
    /no replication configuration there copies it to us-west-2/,
  ],
  [
    'a repository no template declares',
    [],
    `111111111111.dkr.ecr.us-west-2.amazonaws.com/payments@${DIGEST}`,
    /^unknown: .*neither the repository payments in us-west-2 nor a replication rule/,
  ],
  ['a public registry', [], `public.ecr.aws/docker/library/nginx@${DIGEST}`, /^compliant$/],
])('GIVEN a TIER_1 standby pulling from %s THEN HA-DR5 says so', (_name, replicas, image, expected) => {
  expect(standbyOutcome(merge(primaryCfn(replicas), standbyCfn(image)))).toMatch(expected);
});

test('GIVEN a standby whose image comes from a repository stack of the primary region THEN HA-DR5 names the pull', () => {
  const images = cfn(
    { Repo: { Type: 'AWS::ECR::Repository', Properties: { RepositoryName: 'orders' } } },
    { tier: ServiceTier.TIER_1, name: 'Images', region: 'us-east-1' },
  );
  const template = images.cloudFormation![0].template as { Outputs?: unknown };
  template.Outputs = { Uri: { Value: { 'Fn::GetAtt': ['Repo', 'RepositoryUri'] }, Export: { Name: 'orders-uri' } } };
  const standby = standbyCfn({ 'Fn::Join': ['', [{ 'Fn::ImportValue': 'orders-uri' }, `@${DIGEST}`]] });
  expect(standbyOutcome(merge(images, standby))).toMatch(/pulls .* from ECR in us-east-1: when us-east-1 fails/);
});
