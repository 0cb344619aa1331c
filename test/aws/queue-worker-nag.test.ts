import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { MultiAzNetwork, QueueWorker, ResilientFunction, ServiceTier } from '../../lib';
import { ACKNOWLEDGED_CONTROLS } from '../examples/control-tower-acknowledged';
import { nagErrors } from '../nag';
import { testApp } from '../util';

// One TIER_0 stack with a QueueWorker, synthesized once, checked by cdk-nag (AwsSolutions and NIST 800-53 rev 5)
// and by every AWS Control Tower proactive control. RegionalApi is checked so in the serverless example's tests.
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
  const consumer = new ResilientFunction(stack, 'Consumer', {
    tier,
    vpc: network.vpc,
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    requiredConcurrency: 40,
    reservedConcurrency: 100,
    timeout: Duration.seconds(3),
  });
  new QueueWorker(stack, 'Worker', {
    tier,
    handler: consumer,
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

test('QueueWorker passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  expect(nagErrors(app)).toEqual([]);
});

test('QueueWorker fails no Control Tower proactive control', () => {
  const own = failures.filter((f) => f.logicalId.startsWith('Worker'));
  expect(own).toEqual([]);
  const unacknowledged = failures.filter(
    (f) =>
      !f.logicalId.match(/^ConsumerFailures[0-9A-F]{8}$/) &&
      !ACKNOWLEDGED_CONTROLS.some(
        (entry) =>
          entry.control === f.control && entry.resourceType === f.resourceType && entry.logicalId.test(f.logicalId),
      ),
  );
  expect(unacknowledged).toEqual([]);
});
