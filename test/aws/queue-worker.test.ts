import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { QueueWorker, QueueWorkerProps, ServiceTier } from '../../lib';
import { ResilientFunction } from '../../lib/aws/function';
import { DeadLetterQueues } from '../../lib/checks/rules/que/DeadLetterQueues';
import { findings } from '../checks/fixtures/builders';
import { expectValidationError, testApp } from '../util';

// Every test builds in a bare `new App()`, as a user's jest test does (testApp). One synthesis.

const TIER = ServiceTier.TIER_1;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

type Json = ReturnType<typeof JSON.parse>;

/** A worker function of 30 s and 100 reserved executions, and a worker over it. */
function build(overrides: Partial<QueueWorkerProps> = {}) {
  const stack = new Stack(testApp(), 'Jobs', { env: { region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ZONES,
    privateSubnetIds: ZONES.map((_, i) => `subnet-0${i}23456789abcdef0`),
  });
  const handler = new ResilientFunction(stack, 'Function', {
    tier: TIER,
    vpc,
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    requiredConcurrency: 40,
    reservedConcurrency: 100,
    timeout: Duration.seconds(30),
  });
  const worker = new QueueWorker(stack, 'Worker', {
    tier: TIER,
    service: 'jobs',
    handler,
    maxMessageAge: Duration.minutes(10),
    priorityConcurrency: 20,
    ...overrides,
  });
  return { stack, worker, handler };
}

describe('QueueWorker, TIER_1, with a priority lane', () => {
  let template: Template;
  let json: Json;
  let worker: QueueWorker;

  beforeAll(() => {
    const built = build();
    worker = built.worker;
    worker.grantSendPriorityMessages(
      new iam.Role(built.stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() }),
    );
    template = Template.fromStack(built.stack);
    json = template.toJSON();
  });

  const resources = (type: string): Json[] =>
    Object.entries(json.Resources as Record<string, Json>)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({ id, ...r }));

  test('both lanes redrive to one dead-letter queue that keeps messages longer and accepts only them', () => {
    const lanes = resources('AWS::SQS::Queue').filter((q) => q.Properties.RedrivePolicy);
    expect(lanes).toHaveLength(2);
    for (const lane of lanes) {
      expect(lane.Properties).toMatchObject({
        VisibilityTimeout: 180,
        MessageRetentionPeriod: 345_600,
        KmsMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^WorkerKey/), 'Arn'] },
        RedrivePolicy: { maxReceiveCount: 5 },
      });
      expect(lane.DeletionPolicy).toBe('Retain');
    }
    const [dlq] = resources('AWS::SQS::Queue').filter((q) => q.Properties.RedriveAllowPolicy);
    expect(dlq.Properties).toMatchObject({
      MessageRetentionPeriod: 1_209_600,
      RedriveAllowPolicy: { redrivePermission: 'byQueue', sourceQueueArns: [expect.anything(), expect.anything()] },
    });
    // It names the lanes by ARN (their names): a reference would make a cycle with their redrive policies.
    const sources = JSON.stringify(dlq.Properties.RedriveAllowPolicy.sourceQueueArns);
    for (const lane of lanes) {
      expect(sources).toContain(`:${lane.Properties.QueueName}"`);
    }
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('the normal lane can never take the priority share; both report partial batch failures on the alias', () => {
    const mappings = resources('AWS::Lambda::EventSourceMapping');
    expect(mappings.map((m) => m.Properties.ScalingConfig.MaximumConcurrency).sort()).toEqual([100, 80]);
    for (const mapping of mappings) {
      expect(mapping.Properties).toMatchObject({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
      expect(JSON.stringify(mapping.Properties.FunctionName)).toContain('FunctionAlias');
    }
  });

  test('alarms on any dead letter, on the oldest dead letter and on each lane late', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').filter((a) => a.id.startsWith('Worker'));
    const summary = alarms.map((a) => `${a.Properties.MetricName} > ${a.Properties.Threshold}`).sort();
    expect(summary).toEqual([
      'ApproximateAgeOfOldestMessage > 600',
      'ApproximateAgeOfOldestMessage > 600',
      'ApproximateAgeOfOldestMessage > 604800',
      'ApproximateNumberOfMessagesVisible > 0',
    ]);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
  });

  test('a producer may send to the priority lane and use its key', () => {
    const policy = resources('AWS::IAM::Policy').find((p) => JSON.stringify(p.Properties.Roles).includes('Producer'));
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('sqs:SendMessage');
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('kms:GenerateDataKey');
  });

  test('what it synthesizes passes HA-QUE1 (dead letters kept longer, alarmed; partial batch responses)', () => {
    const inputs = { cloudFormation: [{ name: 'Jobs', region: 'us-east-1', template: json }] };
    expect(findings(DeadLetterQueues, inputs)).toEqual([]);
    // The rule does read these mappings: without partial batch responses both lanes fail it.
    const copy = JSON.parse(JSON.stringify(json));
    for (const resource of Object.values(copy.Resources as Record<string, Json>)) {
      delete resource.Properties?.FunctionResponseTypes;
    }
    const without = { cloudFormation: [{ name: 'Jobs', region: 'us-east-1', template: copy }] };
    expect(findings(DeadLetterQueues, without)).toHaveLength(2);
  });

  test('without a priority lane there is one mapping with the whole bulkhead', () => {
    const { stack } = build({ priorityConcurrency: undefined });
    const mappings = Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping');
    expect(Object.values(mappings).map((m) => m.Properties.ScalingConfig.MaximumConcurrency)).toEqual([100]);
  });
});

describe('QueueWorker refuses', () => {
  test('a priority share that leaves the normal lane less than Lambda allows', () => {
    expectValidationError(
      () => build({ priorityConcurrency: 99 }),
      "priorityConcurrency must be an integer from 2 to 98 (the handler's reservedConcurrency 100 − 2, so that the " +
        "normal lane's event source may run Lambda's minimum of 2; at most an event source's 1000), got: 99",
    );
  });

  test('a visibility timeout a batch outlives', () => {
    expectValidationError(
      () => build({ visibilityTimeout: Duration.minutes(1) }),
      "visibilityTimeout must be at least 6 × the handler's timeout (30 s) + maxBatchingWindow (0 s) = 180 s, or a " +
        'batch is received again while it still runs, got: 60 s',
    );
  });

  test('sending to a priority lane it does not have', () => {
    const { worker, stack } = build({ priorityConcurrency: undefined });
    expectValidationError(
      () =>
        worker.grantSendPriorityMessages(
          new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() }),
        ),
      'grantSendPriorityMessages needs a priority lane: set priorityConcurrency (or priorityLane with a ' +
        'consumerService), got: none',
    );
  });
});
