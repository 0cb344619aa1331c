import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { MultiAzNetwork, QueueWorker, QueueWorkerProps, ServiceTier } from '../../lib';
import { ResilientService } from '../../lib/aws/service';
import { DeadLetterQueues } from '../../lib/checks/rules/que/DeadLetterQueues';
import { QueueBacklogScaling } from '../../lib/checks/rules/que/QueueBacklogScaling';
import { findings } from '../checks/fixtures/builders';
import { nagErrors } from '../nag';
import { expectValidationError } from '../util';

// An ECS consumer of QueueWorker. Built in a bare `new App()`: no context, no feature flag.

const TIER = ServiceTier.TIER_1;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const IMAGE = ecs.ContainerImage.fromRegistry(`public.ecr.aws/example/jobs@sha256:${'0123456789abcdef'.repeat(4)}`);

const CERT_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/0f6b7e52-0000-4000-8000-000000000000';

type Json = ReturnType<typeof JSON.parse>;

/** A TIER_1 service (4 tasks required over 3 AZs, at most 30) and a worker with a priority lane over it. */
function build(overrides: Partial<QueueWorkerProps> = {}, cluster?: (stack: Stack, n: MultiAzNetwork) => ecs.ICluster) {
  const stack = new Stack(new App(), 'Jobs', { env: { region: 'us-east-1' } });
  const network = new MultiAzNetwork(stack, 'Network', { tier: TIER, availabilityZones: ZONES });
  const service = new ResilientService(stack, 'Service', {
    tier: TIER,
    vpc: network.vpc,
    cluster: cluster?.(stack, network),
    image: IMAGE,
    internetFacing: false,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_ARN),
    requiredCount: 4,
    maxCount: 30,
  });
  const worker = new QueueWorker(stack, 'Worker', {
    tier: TIER,
    service: 'jobs',
    consumerService: service,
    processingTime: Duration.seconds(2),
    priorityLane: true,
    maxMessageAge: Duration.minutes(10),
    ...overrides,
  });
  return { stack, service, worker };
}

describe('QueueWorker drained by a ResilientService', () => {
  let json: Json;
  let built: ReturnType<typeof build>;
  const resources = (type: string): [string, Json][] =>
    Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    built.stack.getLogicalId(construct.node.defaultChild as never);

  beforeAll(() => {
    built = build();
    json = Template.fromStack(built.stack).toJSON();
  });

  test('target tracking on both lanes per running task, within the statically stable floor and the maximum', () => {
    const [[, policy]] = resources('AWS::ApplicationAutoScaling::ScalingPolicy').filter(([id]) =>
      id.startsWith('WorkerBacklogScaling'),
    );
    const config = policy.Properties.TargetTrackingScalingPolicyConfiguration;
    expect(config).toMatchObject({ TargetValue: 150, ScaleOutCooldown: 60, ScaleInCooldown: 300 });
    const metrics: Json[] = config.CustomizedMetricSpecification.Metrics;
    const byId = Object.fromEntries(metrics.map((m) => [m.Id, m]));
    expect(Object.keys(byId).sort()).toEqual(['backlog_per_task', 'normal', 'priority', 'tasks']);
    expect(metrics.filter((m) => m.ReturnData).map((m) => m.Id)).toEqual(['backlog_per_task']);
    expect(byId.normal.MetricStat.Metric.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(built.worker.queue), 'QueueName'] } },
    ]);
    expect(byId.priority.MetricStat.Metric.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(built.worker.priorityQueue!), 'QueueName'] } },
    ]);
    expect(byId.tasks.MetricStat.Metric).toMatchObject({
      Namespace: 'ECS/ContainerInsights',
      MetricName: 'RunningTaskCount',
      Dimensions: [{ Name: 'ClusterName' }, { Name: 'ServiceName' }],
    });
    // The service's own scalable target: scale-in stops at the statically stable count (4 over 3 AZs → 6).
    const targetId = policy.Properties.ScalingTargetId.Ref;
    expect(json.Resources[targetId].Properties).toMatchObject({ MinCapacity: 6, MaxCapacity: 30 });
    expect(built.service.taskCount.min).toBe(6);
    // The service's cluster publishes RunningTaskCount.
    const [[, cluster]] = resources('AWS::ECS::Cluster');
    expect(cluster.Properties.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
  });

  test('the container learns the lanes in drain order, the priority lane first', () => {
    const [[, definition]] = resources('AWS::ECS::TaskDefinition');
    const environment: Json[] = definition.Properties.ContainerDefinitions[0].Environment;
    const env = Object.fromEntries(environment.map((e) => [e.Name, e.Value]));
    expect(env.QUEUE_URLS).toEqual({
      'Fn::Join': [',', [{ Ref: idOf(built.worker.priorityQueue!) }, { Ref: idOf(built.worker.queue) }]],
    });
    expect(env).toMatchObject({ QUEUE_BATCH_SIZE: '10', QUEUE_MESSAGES_PER_TASK: '1' });
  });

  test('the task role may receive, delete and hide messages of both lanes and decrypt them, nothing more', () => {
    const policies = resources('AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties.Roles).includes('ServiceTaskRole'),
    );
    const statements: Json[] = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
        Resource: [
          { 'Fn::GetAtt': [idOf(built.worker.priorityQueue!), 'Arn'] },
          { 'Fn::GetAtt': [idOf(built.worker.queue), 'Arn'] },
        ],
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [idOf(built.worker.key), 'Arn'] } },
    ]);
  });

  test('passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
    expect(nagErrors(built.stack)).toEqual([]);
  });

  test('what it synthesizes passes HA-QUE1 and HA-QUE2, which do read its cluster and lanes', () => {
    const inputs = (template: Json) => ({ cloudFormation: [{ name: 'Jobs', region: 'us-east-1', template }] });
    expect(findings(QueueBacklogScaling, inputs(json))).toEqual([]);
    expect(findings(DeadLetterQueues, inputs(json))).toEqual([]);
    const copy = JSON.parse(JSON.stringify(json));
    for (const resource of Object.values(copy.Resources as Record<string, Json>)) {
      if (resource.Type === 'AWS::ECS::Cluster') {
        resource.Properties.ClusterSettings = [{ Name: 'containerInsights', Value: 'disabled' }];
      }
      if (resource.Type === 'AWS::SQS::Queue' && resource.Properties.RedrivePolicy) {
        resource.Properties.VisibilityTimeout = 300;
        delete resource.Properties.RedrivePolicy;
      }
    }
    // Both lanes without a dead-letter queue; the policy without a task count, each lane past TIER_1's AZ RTO.
    expect(findings(DeadLetterQueues, inputs(copy))).toHaveLength(2);
    expect(
      findings(QueueBacklogScaling, inputs(copy))
        .map((f) => f.resource)
        .sort(),
    ).toEqual(
      [
        idOf(built.worker.priorityQueue!),
        idOf(built.worker.queue),
        built.stack.getLogicalId(built.worker.backlogScaling!),
      ].sort(),
    );
  });

  test('no Lambda event source, and alarms go to the service topic', () => {
    expect(resources('AWS::Lambda::EventSourceMapping')).toEqual([]);
    expect(built.worker.alarmTopic).toBe(built.service.alarmTopic);
    expect(built.worker.plan.visibilityTimeoutSeconds).toBe(40);
  });

  test('the policy, as a small snapshot', () => {
    const [[, policy]] = resources('AWS::ApplicationAutoScaling::ScalingPolicy').filter(([id]) =>
      id.startsWith('WorkerBacklogScaling'),
    );
    const config = policy.Properties.TargetTrackingScalingPolicyConfiguration;
    const metrics = config.CustomizedMetricSpecification.Metrics.map((m: Json) =>
      m.Expression ? `${m.Id} = ${m.Expression}` : `${m.Id} = ${m.MetricStat.Metric.MetricName} (${m.MetricStat.Stat})`,
    );
    expect({ target: config.TargetValue, metrics }).toMatchSnapshot();
  });
});

describe('QueueWorker with a service refuses', () => {
  test('no processing time', () => {
    expectValidationError(
      () => build({ processingTime: undefined }),
      'processingTime must be given with consumerService (it sets the backlog per task), got: none',
    );
  });

  test('a cluster without Container Insights: the backlog per task would have no data', () => {
    expectValidationError(
      () =>
        build(
          {},
          (stack, network) =>
            new ecs.Cluster(stack, 'Cluster', {
              vpc: network.vpc,
              containerInsightsV2: ecs.ContainerInsights.DISABLED,
            }),
        ),
      "consumerService's cluster must publish Container Insights (containerInsights ENABLED or ENHANCED): the " +
        'backlog per task divides by its RunningTaskCount, and target tracking does not scale on a metric without ' +
        'data, got: a cluster without Container Insights',
    );
  });

  test('a priority share of executions it has not got', () => {
    expectValidationError(
      () => build({ priorityConcurrency: 10 }),
      "priorityConcurrency shares a handler's executions; a service's tasks drain the priority lane first instead " +
        '(set priorityLane), got: 10 with a consumerService',
    );
  });

  test('a second worker on the same service', () => {
    const { stack, service } = build();
    expectValidationError(
      () =>
        new QueueWorker(stack, 'Other', {
          tier: TIER,
          consumerService: service,
          processingTime: Duration.seconds(1),
          maxMessageAge: Duration.minutes(10),
        }),
      "consumerService must drain one QueueWorker (its container's QUEUE_URLS names one), got: Jobs/Service, " +
        'which already drains another',
    );
  });

  test('a cluster whose Container Insights follows the account default warns', () => {
    const { stack } = build({}, (s, network) => new ecs.Cluster(s, 'Cluster', { vpc: network.vpc }));
    Annotations.fromStack(stack).hasWarning(
      '/Jobs/Worker',
      Match.stringLikeRegexp('RunningTaskCount.*ha-constructs:QueueWorker.runningTaskCount'),
    );
  });
});
