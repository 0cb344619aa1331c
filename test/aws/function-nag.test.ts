import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { MultiAzNetwork, ServiceTier } from '../../lib';
import { ClientResiliencePolicy } from '../../lib/aws/client-policy';
import { ResilientFunction } from '../../lib/aws/function';
import { ACKNOWLEDGED_CONTROLS } from '../examples/control-tower-acknowledged';
import { nagErrors } from '../nag';
import { testApp } from '../util';

/**
 * The entry for `test/examples/control-tower-acknowledged.ts` once an example builds a ResilientFunction, as the
 * Backups dead-letter queue has one.
 */
const FAILURE_QUEUE = {
  control: 'CT.SQS.PR.1',
  resourceType: 'AWS::SQS::Queue',
  logicalId: /^\w*Failures[0-9A-F]{8}$/,
  reason:
    "this queue is the on-failure destination of ResilientFunction's asynchronous invocations, the end of their " +
    'chain: a dead-letter queue of its own would only move the end',
};

// One TIER_1 stack with the function, synthesized once, checked by cdk-nag (AwsSolutions and NIST
// 800-53 rev 5) and by every AWS Control Tower proactive control (cfn-guard rules).
let app: App;
let failures: { control: string; logicalId: string; resourceType: string }[];

beforeAll(() => {
  app = testApp();
  const stack = new Stack(app, 'Orders', { env: { region: 'us-east-1' } });
  const network = new MultiAzNetwork(stack, 'Network', {
    tier: ServiceTier.TIER_1,
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  });
  const caller = new ClientResiliencePolicy(stack, 'CallerPolicy', {
    tier: ServiceTier.TIER_1,
    upstreamTimeout: Duration.seconds(10),
    hops: [
      {
        name: 'orders-fn',
        perTryTimeout: Duration.seconds(3),
        baseDelay: Duration.millis(50),
        maxDelay: Duration.millis(400),
      },
    ],
  });
  new ResilientFunction(stack, 'Function', {
    tier: ServiceTier.TIER_1,
    vpc: network.vpc,
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    requiredConcurrency: 40,
    reservedConcurrency: 100,
    callerPolicy: caller,
    callerHop: 'orders-fn',
  });
  const artifact = app.synth().getStackByName('Orders');
  const resources = artifact.template.Resources as Record<string, { Type: string }>;
  const validator = new CfnGuardValidator({ maxBuffer: 1024 * 1024 * 1024 });
  const report = validator.validate({ templatePaths: [artifact.templateFullPath], appConstruct: app });
  failures = report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({
      control: /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(violation.description)?.[1] ?? violation.ruleName,
      logicalId: resource.resourceLogicalId,
      resourceType: resources[resource.resourceLogicalId]?.Type ?? 'unknown',
    })),
  );
});

test('ResilientFunction passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  expect(nagErrors(app)).toEqual([]);
});

test('a stack with ResilientFunction fails no Control Tower proactive control beyond the acknowledged ones', () => {
  // The function's own resources fail one: the failure queue has no dead-letter queue of its own.
  const own = failures.filter((f) => f.logicalId.startsWith('Function'));
  expect(own.map((f) => `${f.control} ${f.logicalId}`)).toEqual([
    expect.stringMatching(/^CT\.SQS\.PR\.1 FunctionFailures[0-9A-F]{8}$/),
  ]);
  const unacknowledged = failures.filter(
    (f) =>
      ![...ACKNOWLEDGED_CONTROLS, FAILURE_QUEUE].some(
        (entry) =>
          entry.control === f.control && entry.resourceType === f.resourceType && entry.logicalId.test(f.logicalId),
      ),
  );
  expect(unacknowledged).toEqual([]);
});
