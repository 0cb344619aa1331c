import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HA_METADATA_KEY, HaRole, MultiAzNetwork, ServiceTier } from '../../lib';
import { ClientResiliencePolicy } from '../../lib/aws/client-policy';
import { ResilientFunction, ResilientFunctionProps, TrafficShifting } from '../../lib/aws/function';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectAlarmTopic, expectValidationError, testApp } from '../util';

// Every test builds in a bare `new App()`, as a user's jest test does (testApp). One synthesis.

const US_EAST_1 = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const PAGE_ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:slo-page';
const CODE = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });');

type Json = ReturnType<typeof JSON.parse>;

/** A function in a stack whose VPC is only its attributes (no synthesis needed): for props and errors. */
function build(overrides: Partial<ResilientFunctionProps> = {}, zones = US_EAST_1) {
  const stack = new Stack(testApp(), 'Orders', { env: { region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: zones,
    privateSubnetIds: zones.map((_, i) => `subnet-0${i}23456789abcdef0`),
  });
  const caller = new ClientResiliencePolicy(stack, 'CallerPolicy', {
    tier: ServiceTier.TIER_1,
    upstreamTimeout: Duration.seconds(10),
    hops: [
      {
        name: 'orders-fn',
        perTryTimeout: Duration.millis(2500),
        baseDelay: Duration.millis(50),
        maxDelay: Duration.millis(400),
      },
    ],
  });
  const fn = new ResilientFunction(stack, 'Function', {
    tier: ServiceTier.TIER_1,
    vpc,
    code: CODE,
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    requiredConcurrency: 40,
    reservedConcurrency: 100,
    callerPolicy: caller,
    callerHop: 'orders-fn',
    ...overrides,
  });
  return { stack, fn, caller };
}

describe('ResilientFunction, TIER_1 in a MultiAzNetwork', () => {
  let template: Template;
  let json: Json;
  let fn: ResilientFunction;

  beforeAll(() => {
    const stack = new Stack(testApp(), 'Orders', { env: { region: 'us-east-1' } });
    const network = new MultiAzNetwork(stack, 'Network', { tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    const caller = new ClientResiliencePolicy(stack, 'CallerPolicy', {
      tier: ServiceTier.TIER_1,
      upstreamTimeout: Duration.seconds(10),
      hops: [
        {
          name: 'orders-fn',
          perTryTimeout: Duration.millis(2500),
          baseDelay: Duration.millis(50),
          maxDelay: Duration.millis(400),
        },
      ],
    });
    fn = new ResilientFunction(stack, 'Function', {
      tier: ServiceTier.TIER_1,
      vpc: network.vpc,
      code: CODE,
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      requiredConcurrency: 40,
      reservedConcurrency: 100,
      callerPolicy: caller,
      callerHop: 'orders-fn',
      pageAlarm: cloudwatch.Alarm.fromAlarmArn(stack, 'Page', PAGE_ALARM_ARN),
    });
    template = Template.fromStack(stack);
    json = template.toJSON();
  });

  const resourcesOf = (type: string) =>
    Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);

  test('runs in the private subnets of all 3 AZs, for the caller try, within its bulkhead, traced', () => {
    expect(fn.availabilityZones).toEqual(US_EAST_1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 2, // the caller's 2500 ms per try, in whole seconds
      ReservedConcurrentExecutions: 100,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^FunctionLogs') } },
      VpcConfig: {
        SubnetIds: [1, 2, 3].map((n) => ({ Ref: Match.stringLikeRegexp(`^NetworkVpcPrivateSubnet${n}Subnet`) })),
        SecurityGroupIds: [Match.anyValue()],
      },
    });
  });

  test('the alias keeps 60 environments warm (20 per AZ: 40 after an AZ loss) and CodeDeploy shifts it', () => {
    expect(fn.provisionedConcurrency).toBe(60);
    const [[aliasId, alias]] = resourcesOf('AWS::Lambda::Alias');
    expect(alias.Properties).toMatchObject({
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 60 },
    });
    expect(alias.UpdatePolicy.CodeDeployLambdaAliasUpdate).toBeDefined();
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      ComputePlatform: 'Lambda',
      TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryInterval: 10, CanaryPercentage: 10 } },
    });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: {
        Enabled: true,
        IgnorePollAlarmFailure: false,
        Alarms: [
          { Name: { Ref: Match.stringLikeRegexp('^FunctionErrorAlarm') } },
          { Name: { Ref: Match.stringLikeRegexp('^FunctionThrottleAlarm') } },
          { Name: 'slo-page' },
        ],
      },
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
      },
    });
    // Asynchronous settings on the alias callers invoke, not on $LATEST.
    const [[, invokeConfig]] = resourcesOf('AWS::Lambda::EventInvokeConfig');
    expect(JSON.stringify(invokeConfig.Properties.Qualifier)).toContain(aliasId);
    expect(invokeConfig.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^FunctionFailures/), 'Arn'] } },
      },
    });
  });

  test('rollback alarms: the new version failing, the alias throttled, each at the 14.4× burn rate', () => {
    const resource = {
      Name: 'Resource',
      Value: { 'Fn::Join': ['', [{ Ref: expect.stringMatching(/^Function[0-9A-F]{8}$/) }, ':live']] },
    };
    const functionName = { Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^Function[0-9A-F]{8}$/) } };
    // Errors of the version being deployed, as the alias ran it: a 10 % canary is judged on its own requests.
    const executedVersion = {
      Name: 'ExecutedVersion',
      Value: { 'Fn::GetAtt': [expect.stringMatching(/^FunctionCurrentVersion/), 'Version'] },
    };
    for (const [id, metric, dimensions] of [
      ['FunctionErrorAlarm', 'Errors', [executedVersion, functionName, resource]],
      ['FunctionThrottleAlarm', 'Throttles', [functionName, resource]],
    ] as const) {
      const [[, alarm]] = resourcesOf('AWS::CloudWatch::Alarm').filter(([k]) => k.startsWith(id));
      expect(alarm.Properties).toMatchObject({
        Threshold: 0.72,
        EvaluationPeriods: 1,
        AlarmActions: [{ Ref: expect.stringMatching(/^FunctionAlarmTopic/) }],
      });
      const stat = alarm.Properties.Metrics.find((m: Json) => m.MetricStat?.Metric.MetricName === metric).MetricStat;
      expect(stat.Period).toBe(300);
      expect(stat.Metric.Dimensions).toEqual(dimensions);
    }
    // CloudFormation points the error alarm at the new version before the alias update starts the deployment.
    const [[, alias]] = resourcesOf('AWS::Lambda::Alias');
    expect(alias.DependsOn).toEqual([
      expect.stringMatching(/^FunctionErrorAlarm/),
      expect.stringMatching(/^FunctionThrottleAlarm/),
    ]);
    expectAlarmTopic(template);
  });

  test('logs and failed events are encrypted with a retained customer-managed key, kept for the tier', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        RetentionInDays: 365,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FunctionKey'), 'Arn'] },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::SQS::Queue', {
      Properties: {
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FunctionKey'), 'Arn'] },
        MessageRetentionPeriod: 14 * 86400,
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('logs and failed events') },
      DeletionPolicy: 'Retain',
    });
  });

  test('the execution role: no managed policy, its own log group, queue and key, ENI and X-Ray on *', () => {
    const [[, role]] = resourcesOf('AWS::IAM::Role').filter(([k]) => k.startsWith('FunctionRole'));
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const [[, policy]] = resourcesOf('AWS::IAM::Policy').filter(([k]) => k.startsWith('FunctionRole'));
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    const wildcard = statements.filter((s) => s.Resource === '*').flatMap((s) => s.Action);
    expect(wildcard.sort()).toEqual(
      [
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:UnassignPrivateIpAddresses',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(
      statements.filter((s) => s.Resource !== '*').map((s) => s.Resource['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '')),
    ).toEqual(['FunctionLogs', 'FunctionFailures', 'FunctionKey']);
  });

  test('HA snapshot of the TIER_1 function (beside the targeted assertions above)', () => {
    const resources = Object.entries(json.Resources as Record<string, Json>).filter(([id]) =>
      id.startsWith('Function'),
    );
    expect(haSnapshot({ Resources: Object.fromEntries(resources) })).toMatchSnapshot();
  });

  test('every resource carries the HA record of ResilientFunction', () => {
    const own = Object.entries(json.Resources as Record<string, Json>).filter(([k]) => k.startsWith('Function'));
    expect(own.length).toBeGreaterThan(10);
    for (const [, resource] of own) {
      expect(resource.Metadata[HA_METADATA_KEY]).toMatchObject({ component: 'ResilientFunction', tier: 'TIER_1' });
    }
  });
});

describe('ResilientFunction props', () => {
  const cfnAlias = (fn: ResilientFunction) => fn.alias.node.defaultChild as lambda.CfnAlias;
  const cfnFunction = (fn: ResilientFunction) => fn.function.node.defaultChild as lambda.CfnFunction;

  test('a warm standby provisions none and records what its runbook raises it to', () => {
    const { fn } = build({ role: HaRole.STANDBY });
    expect(cfnAlias(fn).provisionedConcurrencyConfig).toBeUndefined();
    expect(fn.primaryProvisionedConcurrency).toBe(60);
  });

  test('linear shifting and a timeout within the caller try', () => {
    const { fn } = build({ trafficShifting: TrafficShifting.LINEAR, timeout: Duration.seconds(1) });
    expect(cfnFunction(fn).timeout).toBe(1);
    const config = fn.node.findChild('DeploymentConfig').node.defaultChild as Json;
    expect(config.trafficRoutingConfig).toEqual({
      type: 'TimeBasedLinear',
      timeBasedLinear: { linearInterval: 10, linearPercentage: 10 },
    });
  });

  test('provisioned between required and the AZ headroom warns', () => {
    const { fn } = build({ provisionedConcurrency: 45 });
    const warnings = fn.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          '^provisionedConcurrency 45 leaves fewer than requiredConcurrency 40 warm after an AZ loss.*' +
            '\\[ack: ha-constructs:ResilientFunction.provisionedConcurrency\\]$',
        ),
      ),
    ]);
  });

  test('provisioned above reserved fails, naming both props and values', () => {
    expectValidationError(
      () => build({ provisionedConcurrency: 120 }),
      'provisionedConcurrency must be at most reservedConcurrency (100): Lambda refuses more warm environments ' +
        'than the function may run, got: provisionedConcurrency 120',
    );
  });

  test("a timeout longer than the caller's try fails", () => {
    expectValidationError(
      () => build({ timeout: Duration.seconds(5) }),
      "timeout must be at most the caller's per-try timeout (callerHop orders-fn: 2500 ms): the function would run " +
        'on after its caller gave up and retried, got: timeout 5000 ms',
    );
  });

  test('callerPolicy without callerHop fails', () => {
    expectValidationError(
      () => build({ callerHop: undefined }),
      "callerPolicy and callerHop must be given together (the caller's policy and its hop to this function), " +
        'got: no callerHop',
    );
  });

  test('subnets in 2 AZs fail for TIER_1', () => {
    expectValidationError(
      () => build({}, US_EAST_1.slice(0, 2)),
      'vpc must select subnets in at least 3 AZs for TIER_1, got: 2',
    );
  });
});
