import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ServiceTier } from '../../lib';
import { ClientResiliencePolicy, ClientResiliencePolicyProps } from '../../lib/aws/client-policy';
import { clientResiliencePolicy } from '../../lib/core/client-policy';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectValidationError, recommendedApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

const HOPS = [
  {
    name: 'orders-db',
    perTryTimeout: Duration.millis(200),
    baseDelay: Duration.millis(50),
    maxDelay: Duration.millis(200),
  },
  {
    name: 'payments-api',
    attempts: 2,
    perTryTimeout: Duration.millis(400),
    baseDelay: Duration.millis(100),
    maxDelay: Duration.millis(100),
  },
];

function synth(props: Partial<ClientResiliencePolicyProps> = {}, region = 'eu-west-1') {
  const stack = new Stack(recommendedApp(), 'Policy', { env: { region } });
  const policy = new ClientResiliencePolicy(stack, 'ClientPolicy', {
    tier: ServiceTier.TIER_1,
    service: 'checkout',
    upstreamTimeout: Duration.seconds(2),
    hops: HOPS,
    ...props,
  });
  return { stack, policy, template: Template.fromStack(stack) };
}

describe('ClientResiliencePolicy', () => {
  test('GIVEN hops that fit THEN the policy is published as JSON, computed by core', () => {
    const { template, policy } = synth();
    const expected = clientResiliencePolicy({
      upstreamTimeoutMs: 2000,
      hops: [
        { name: 'orders-db', perTryTimeoutMs: 200, baseDelayMs: 50, maxDelayMs: 200 },
        { name: 'payments-api', attempts: 2, perTryTimeoutMs: 400, baseDelayMs: 100, maxDelayMs: 100 },
      ],
    });
    expect(policy.policy).toEqual(expected);
    const params = Object.values(template.findResources('AWS::SSM::Parameter'));
    expect(params).toHaveLength(1);
    const props = params[0].Properties;
    expect(props.Name).toBe('/ha-constructs/checkout/client-resilience-policy');
    expect(props.Type).toBe('String');
    expect(props.Tier).toBe('Standard');
    const value = JSON.parse(props.Value);
    expect(value).toEqual({
      service: 'checkout',
      tier: 'TIER_1',
      region: 'eu-west-1',
      ...JSON.parse(JSON.stringify(expected)),
    });
    expect(value.worstCaseMs).toBe(750 + 900);
    expect(value.retryBudgetRatio).toBe(0.1);
    expect(value.circuitBreaker).toEqual({
      failureRateThreshold: 0.5,
      minimumRequests: 100,
      openStateMs: 60000,
      halfOpenProbes: 10,
    });
  });

  test('WHEN a parameter name is given THEN it is used, and grantRead scopes to that parameter', () => {
    const stack = new Stack(recommendedApp(), 'Policy', { env: { region: 'eu-west-1' } });
    const policy = new ClientResiliencePolicy(stack, 'ClientPolicy', {
      tier: ServiceTier.TIER_1,
      upstreamTimeout: Duration.seconds(2),
      hops: HOPS,
      parameterName: '/checkout/client-policy',
    });
    const role = new iam.Role(stack, 'Client', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    policy.grantRead(role);
    const after = Template.fromStack(stack);
    after.hasResourceProperties('AWS::SSM::Parameter', { Name: '/checkout/client-policy' });
    const statements = Object.values(after.findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(statements[0].Action).toEqual([
      'ssm:DescribeParameters',
      'ssm:GetParameter',
      'ssm:GetParameterHistory',
      'ssm:GetParameters',
    ]);
    expect(statements[0].Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:aws:ssm:eu-west-1:',
          { Ref: 'AWS::AccountId' },
          ':parameter',
          { Ref: Object.keys(after.findResources('AWS::SSM::Parameter'))[0] },
        ],
      ],
    });
  });

  test('THEN the parameter carries the HA metadata record', () => {
    const { template } = synth();
    template.hasResource('AWS::SSM::Parameter', {
      Metadata: { 'ha-constructs': { component: 'ClientResiliencePolicy', failureDomain: 'region', tier: 'TIER_1' } },
    });
  });

  test('THEN the published hops, backoff and slack are the literal values clients read', () => {
    // Literal, not recomputed by core: a change in core's arithmetic shows here as what clients would read.
    const { template } = synth();
    const [param] = Object.values(template.findResources('AWS::SSM::Parameter'));
    expect(param.Properties.Description).toBe(
      'Client resilience policy of checkout: per-hop timeouts, ' +
        'retries with full jitter, retry budget, circuit breaker',
    );
    const value = JSON.parse(param.Properties.Value);
    expect(value).toMatchObject({ upstreamTimeoutMs: 2000, backoff: 'exponential-full-jitter', worstCaseMs: 1650 });
    expect(value.slackMs).toBe(350);
    expect(value.hops).toEqual([
      {
        name: 'orders-db',
        attempts: 3,
        baseDelayMs: 50,
        maxDelayMs: 200,
        perTryTimeoutMs: 200,
        worstCaseMs: 750,
        maxBackoffMs: 150,
        expectedBackoffMs: 75,
      },
      {
        name: 'payments-api',
        attempts: 2,
        baseDelayMs: 100,
        maxDelayMs: 100,
        perTryTimeoutMs: 400,
        worstCaseMs: 900,
        maxBackoffMs: 100,
        expectedBackoffMs: 50,
      },
    ]);
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the published policy (beside the targeted assertions above)', () => {
    expect(haSnapshot(synth().template.toJSON())).toMatchSnapshot();
  });

  test.each<[Partial<ClientResiliencePolicyProps>, string]>([
    [
      { upstreamTimeout: Duration.seconds(1) },
      'hops must together fit within upstreamTimeout (1000 ms) at their worst case, got: 1650 ms (orders-db 3 × 200 ms + 150 ms backoff = 750 ms; payments-api 2 × 400 ms + 100 ms backoff = 900 ms)',
    ],
    [
      { upstreamTimeout: Duration.millis(800) },
      'hops must each fit within upstreamTimeout (800 ms) at their worst case, got: payments-api 2 × 400 ms + 100 ms backoff = 900 ms',
    ],
    [{ hops: [] }, 'hops must list at least one dependency call, got: none'],
    [{ retryBudgetRatio: -0.1 }, 'retryBudgetRatio must be at least 0, got: -0.1'],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });
});
