import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { MultiAzNetwork, QueueWorker, RegionalApi, ResilientFunction, ServiceTier } from '../../lib';
import { ACKNOWLEDGED_CONTROLS } from '../examples/control-tower-acknowledged';
import { nagErrors } from '../nag';
import { testApp } from '../util';

// One TIER_0 stack with a RegionalApi and a QueueWorker, synthesized once, checked by cdk-nag
// (AwsSolutions and NIST 800-53 rev 5) and by every AWS Control Tower proactive control.
let app: App;
let failures: { control: string; logicalId: string; resourceType: string }[];

beforeAll(() => {
  app = testApp();
  const stack = new Stack(app, 'Orders', { env: { region: 'us-east-1' } });
  const tier = ServiceTier.TIER_0;
  const network = new MultiAzNetwork(stack, 'Network', {
    tier,
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  });
  const fn = (id: string) =>
    new ResilientFunction(stack, id, {
      tier,
      vpc: network.vpc,
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      requiredConcurrency: 40,
      reservedConcurrency: 100,
      timeout: Duration.seconds(3),
    });
  new RegionalApi(stack, 'Api', {
    tier,
    handler: fn('Handler'),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABC',
      zoneName: 'example.com',
    }),
    recordName: 'orders',
    throttle: { rateLimit: 30 },
    clients: [{ name: 'web', throttle: { rateLimit: 10 }, quota: { limit: 100_000, period: 'DAY' } }],
  });
  new QueueWorker(stack, 'Worker', {
    tier,
    handler: fn('Consumer'),
    maxMessageAge: Duration.minutes(5),
    priorityConcurrency: 20,
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

test('RegionalApi and QueueWorker pass cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  expect(nagErrors(app)).toEqual([]);
});

test('RegionalApi and QueueWorker fail no Control Tower proactive control', () => {
  const own = failures.filter((f) => f.logicalId.startsWith('Api') || f.logicalId.startsWith('Worker'));
  expect(own).toEqual([]);
  const unacknowledged = failures.filter(
    (f) =>
      !f.logicalId.match(/^(Handler|Consumer)Failures[0-9A-F]{8}$/) &&
      !ACKNOWLEDGED_CONTROLS.some(
        (entry) =>
          entry.control === f.control && entry.resourceType === f.resourceType && entry.logicalId.test(f.logicalId),
      ),
  );
  expect(unacknowledged).toEqual([]);
});
