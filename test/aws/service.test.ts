import { execFileSync } from 'child_process';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HA_METADATA_KEY, HaRole, MultiAzNetwork, ServiceTier } from '../../lib';
import { ResilientService, ResilientServiceProps } from '../../lib/aws/service';
import { checkInputs } from '../../lib/checks/check';
import { graphInputsOf } from '../../lib/testing/synthesized';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectAlarmTopic, expectValidationError, testApp } from '../util';

// Every test builds in a bare `new App()`, as a user's jest test does (testApp).

const US_EAST_1 = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const CERT_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/0f6b7e52-0000-4000-8000-000000000000';
const PAGE_ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:slo-page';
const IMAGE = ecs.ContainerImage.fromRegistry(`public.ecr.aws/example/orders@sha256:${'0123456789abcdef'.repeat(4)}`);

/** Synthesized template JSON, typed as JSON.parse types it. */
type Json = ReturnType<typeof JSON.parse>;

type Overrides = Partial<ResilientServiceProps> & {
  zones?: string[];
  networkTier?: ServiceTier;
  noCertificate?: boolean;
};

/** A stack in us-east-1 with a MultiAzNetwork and a ResilientService (6 tasks required, at most 18). */
function build(overrides: Overrides = {}) {
  const { zones, networkTier, noCertificate, ...serviceProps } = overrides;
  const tier = serviceProps.tier ?? ServiceTier.TIER_1;
  const stack = new Stack(testApp(), 'Orders', { env: { region: 'us-east-1' } });
  const network = new MultiAzNetwork(stack, 'Network', {
    tier: networkTier ?? tier,
    availabilityZones: zones ?? US_EAST_1.slice(0, Math.max(2, tier.minAzs)),
  });
  const service = new ResilientService(stack, 'Service', {
    vpc: network.vpc,
    image: IMAGE,
    requiredCount: 6,
    maxCount: 18,
    certificate: noCertificate ? undefined : acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_ARN),
    ...serviceProps,
    tier,
  });
  return { stack, network, service };
}

function synth(overrides: Overrides = {}) {
  const built = build(overrides);
  return { ...built, template: Template.fromStack(built.stack) };
}

/** Synthesized once per label and shared by the tests that only read it. */
const shared = new Map<string, ReturnType<typeof synth>>();
function once(label: string, overrides: () => Overrides = () => ({})): ReturnType<typeof synth> {
  if (!shared.has(label)) shared.set(label, synth(overrides()));
  return shared.get(label)!;
}

/** The default TIER_1 service over 3 AZs. */
const base = () => once('TIER_1');

/** A TIER_1 service with a page alarm and request tracking. */
const withPageAlarm = () =>
  once('page alarm', () => ({
    pageAlarm: cloudwatch.Alarm.fromAlarmArn(new Stack(), 'Page', PAGE_ALARM_ARN),
    targetRequestsPerMinute: 1200,
  }));

function only(template: Template, type: string, props?: Json): { Properties: Json; [key: string]: Json } {
  const resources = Object.values(template.findResources(type, props));
  expect(resources).toHaveLength(1);
  return resources[0] as Json;
}

function idOf(stack: Stack, construct: unknown): string {
  return stack.getLogicalId((construct as { node: { defaultChild: never } }).node.defaultChild);
}

const RECORD = {
  version: 2,
  service: 'Orders',
  tier: 'TIER_1',
  strategy: 'WARM_STANDBY',
  role: 'primary',
  failureDomain: 'region',
  component: 'ResilientService',
};

describe('ResilientService: zones, task count and deployments', () => {
  test("GIVEN TIER_1 over three AZs THEN the tasks run in every AZ's private subnet, rebalanced, no public IP", () => {
    const { template, service } = base();
    const ecsService = only(template, 'AWS::ECS::Service');
    const subnets = template.findResources('AWS::EC2::Subnet');
    const refs = ecsService.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets as { Ref: string }[];
    expect(refs.map((ref) => subnets[ref.Ref].Properties.AvailabilityZone)).toEqual(US_EAST_1);
    const subnetName = (ref: { Ref: string }) =>
      subnets[ref.Ref].Properties.Tags.find((t: { Key: string }) => t.Key === 'aws-cdk:subnet-name').Value;
    expect(new Set(refs.map(subnetName))).toEqual(new Set(['Private']));
    expect(ecsService.Properties).toMatchObject({
      LaunchType: 'FARGATE',
      AvailabilityZoneRebalancing: 'ENABLED',
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
      PropagateTags: 'SERVICE',
      EnableECSManagedTags: true,
      EnableExecuteCommand: false,
    });
    expect(ecsService.Properties.PlatformVersion).toBeUndefined(); // LATEST (Control Tower CT.ECS.PR.1)
    expect(service.availabilityZones).toEqual(US_EAST_1);
  });

  test('THEN the desired count is statically stable (⌈6/2⌉ = 3 per AZ), and a deployment keeps all of it', () => {
    const { template, service } = base();
    expect(only(template, 'AWS::ECS::Service').Properties).toMatchObject({
      DesiredCount: 9,
      HealthCheckGracePeriodSeconds: 60,
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        // ⌈9 × 100 %⌉ = 9 kept; ⌊9 × 134 %⌋ = 12: one AZ's worth (3) of new tasks at a time.
        MinimumHealthyPercent: 100,
        MaximumPercent: 134,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
    });
    expect(service.taskCount).toEqual({ min: 9, desired: 9, max: 18, perAz: 3 });
    expect(service.primaryTaskCount).toEqual(service.taskCount);
  });

  test("THEN deployments roll back on the service's own 5xx and unhealthy-task alarms, which notify", () => {
    const { template, stack, service } = base();
    expect(only(template, 'AWS::ECS::Service').Properties.DeploymentConfiguration.Alarms).toEqual({
      AlarmNames: [{ Ref: idOf(stack, service.errorAlarm) }, { Ref: idOf(stack, service.unhealthyTasksAlarm) }],
      Enable: true,
      Rollback: true,
    });
    const topic = [{ Ref: idOf(stack, service.alarmTopic) }];
    const alarms = template.toJSON().Resources;
    expect(alarms[idOf(stack, service.unhealthyTasksAlarm)].Properties).toMatchObject({
      MetricName: 'UnHealthyHostCount',
      Namespace: 'AWS/ApplicationELB',
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: topic,
      OKActions: topic,
    });
    expect(alarms[idOf(stack, service.errorAlarm)].Properties).toMatchObject({
      Threshold: 0.72,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: topic,
      OKActions: topic,
    });
  });

  test('GIVEN a page alarm THEN deployments also roll back on it, and autoshift practice runs wait for it', () => {
    const { template } = withPageAlarm();
    const alarms = only(template, 'AWS::ECS::Service').Properties.DeploymentConfiguration.Alarms;
    expect(alarms.AlarmNames).toContain('slo-page');
    const autoshift = only(template, 'AWS::ARCZonalShift::ZonalAutoshiftConfiguration').Properties;
    expect(autoshift.PracticeRunConfiguration.BlockingAlarms).toEqual([
      { AlarmIdentifier: PAGE_ALARM_ARN, Type: 'CLOUDWATCH' },
    ]);
  });

  test.each<[string, ServiceTier, number, { desired: number; min: number }]>([
    ['TIER_1 standby (warm): one task per AZ', ServiceTier.TIER_1, 3, { desired: 3, min: 3 }],
    ['TIER_2 standby (pilot light): none', ServiceTier.TIER_2, 2, { desired: 0, min: 0 }],
  ])('GIVEN a %s THEN the maximum stays and primaryTaskCount says what to scale to', (_name, tier, zones, expected) => {
    const { template, service } = synth({ role: HaRole.STANDBY, tier, zones: US_EAST_1.slice(0, zones) });
    expect(only(template, 'AWS::ECS::Service').Properties.DesiredCount).toBe(expected.desired);
    expect(only(template, 'AWS::ApplicationAutoScaling::ScalableTarget').Properties).toMatchObject({
      MinCapacity: expected.min,
      MaxCapacity: 18,
    });
    expect(service.primaryTaskCount.desired).toBeGreaterThan(expected.desired);
    template.resourceCountIs('AWS::ARCZonalShift::ZonalAutoshiftConfiguration', 0);
  });
});

describe('ResilientService: two health checks', () => {
  test("THEN the target group's readiness check leaves a failed AZ within half the AZ RTO: 15 s × 3 + 5 s", () => {
    const { template, service } = base();
    expect(only(template, 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties).toMatchObject({
      TargetType: 'ip',
      Protocol: 'HTTP',
      Port: 8080,
      HealthCheckPath: '/health/live',
      HealthCheckIntervalSeconds: 15,
      HealthCheckTimeoutSeconds: 5,
      UnhealthyThresholdCount: 3,
      HealthyThresholdCount: 3,
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: expect.arrayContaining([
        { Key: 'deregistration_delay.timeout_seconds', Value: '60' },
        { Key: 'load_balancing.cross_zone.enabled', Value: 'true' },
        // A task that fails requests while it passes its checks gets fewer of them (automatic target weights).
        { Key: 'load_balancing.algorithm.type', Value: 'weighted_random' },
        { Key: 'load_balancing.algorithm.anomaly_mitigation', Value: 'on' },
      ]),
    });
    expect(service.azFailoverSeconds).toBe(50);
  });

  test("THEN the container's own liveness check is separate: curl on localhost, ECS's defaults", () => {
    const [container] = only(base().template, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions;
    expect(container.HealthCheck).toEqual({
      Command: ['CMD-SHELL', "curl -fsS -o /dev/null 'http://localhost:8080/health/live' || exit 1"],
      Interval: 30,
      Timeout: 5,
      Retries: 3,
      StartPeriod: 60,
    });
  });

  test('GIVEN paths, a port and a command THEN each check gets its own', () => {
    const { template } = synth({
      readinessPath: '/ready',
      livenessCommand: ['CMD', '/app/healthcheck'],
      containerPort: 3000,
      healthCheckGracePeriod: Duration.minutes(2),
      deregistrationDelay: Duration.seconds(30),
      anomalyMitigation: false,
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/ready',
      Port: 3000,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
    const attributes = only(template, 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties.TargetGroupAttributes;
    expect(attributes).toContainEqual({ Key: 'load_balancing.algorithm.type', Value: 'round_robin' });
    expect(attributes).not.toContainEqual({ Key: 'load_balancing.algorithm.anomaly_mitigation', Value: 'on' });
    const [container] = only(template, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions;
    expect(container.HealthCheck).toMatchObject({ Command: ['CMD', '/app/healthcheck'], StartPeriod: 120 });
    expect(only(template, 'AWS::ECS::Service').Properties.HealthCheckGracePeriodSeconds).toBe(120);
  });
});

describe('ResilientService: scaling, load balancer, container, keys and roles', () => {
  test('THEN target tracking on CPU keeps 50 % between the desired count and the literal maximum', () => {
    const { template } = base();
    expect(only(template, 'AWS::ApplicationAutoScaling::ScalableTarget').Properties).toMatchObject({
      MinCapacity: 9,
      MaxCapacity: 18,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    const policy = only(template, 'AWS::ApplicationAutoScaling::ScalingPolicy').Properties;
    expect(policy.TargetTrackingScalingPolicyConfiguration).toEqual({
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      TargetValue: 50,
    });
  });

  test('GIVEN targetRequestsPerMinute THEN requests per task are tracked too', () => {
    withPageAlarm().template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: Match.anyValue(),
        },
        TargetValue: 1200,
      },
    });
  });

  test('THEN the load balancer serves TLS 1.2+, redirects HTTP, is protected, logs, allows zonal shift', () => {
    const { template, stack, service } = base();
    const lb = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties;
    expect(lb.Scheme).toBe('internet-facing');
    expect(lb.LoadBalancerAttributes).toEqual(
      expect.arrayContaining([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'zonal_shift.config.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    );
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Port: 443,
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [
        {
          Type: 'redirect',
          RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' },
        },
      ],
    });
    expect(only(template, 'AWS::ARCZonalShift::ZonalAutoshiftConfiguration').Properties).toMatchObject({
      ZonalAutoshiftStatus: 'ENABLED',
      PracticeRunConfiguration: {
        OutcomeAlarms: [
          {
            AlarmIdentifier: { 'Fn::GetAtt': [idOf(stack, service.errorAlarm), 'Arn'] },
            Type: 'CLOUDWATCH',
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({ Name: 'RateLimitPerIp' })]),
    });
  });

  test('GIVEN TIER_1 and an image named by tag THEN it warns: TIER_1 deploys by digest', () => {
    const { stack } = synth({ image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/orders:1.4.2') });
    Annotations.fromStack(stack).hasWarning(
      '/Orders/Service',
      Match.stringLikeRegexp('^image public.ecr.aws/example/orders:1.4.2 names a tag, not a digest: TIER_1 deploys'),
    );
  });

  test("GIVEN an internal load balancer, no certificate THEN it is in the tasks' subnets, serves HTTP, warns", () => {
    const { template, stack } = synth({ internetFacing: false, noCertificate: true });
    // A bare App prints no warning on synthesis (an app with cdk init's flags prints its validation report).
    Annotations.fromStack(stack).hasWarning(
      '/Orders/Service',
      Match.stringLikeRegexp(
        '^no certificate: the load balancer serves plain HTTP.*ha-constructs:ResilientService.certificate',
      ),
    );
    const lb = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties;
    expect(lb.Scheme).toBe('internal');
    const taskSubnets = only(template, 'AWS::ECS::Service').Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets;
    expect(lb.Subnets).toEqual(taskSubnets);
    only(template, 'AWS::ElasticLoadBalancingV2::Listener', { Properties: { Protocol: 'HTTP', Port: 80 } });
  });

  test('THEN the container runs as a non-root user, on a read-only root filesystem, logs without blocking', () => {
    const task = only(base().template, 'AWS::ECS::TaskDefinition').Properties;
    expect(task).toMatchObject({
      Cpu: '256',
      Memory: '512',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
    });
    expect(task.ContainerDefinitions).toHaveLength(1);
    expect(task.ContainerDefinitions[0]).toMatchObject({
      Name: 'app',
      Essential: true,
      User: '65534',
      ReadonlyRootFilesystem: true,
      Privileged: false,
      Memory: 512,
      PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
      LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-stream-prefix': 'app', mode: 'non-blocking' } },
    });
  });

  test('THEN logs, ephemeral storage and alarms are encrypted with retained, rotated customer-managed keys', () => {
    const { template, stack, service } = base();
    expect(template.toJSON().Resources[idOf(stack, service.logGroup)]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        RetentionInDays: 365,
        DeletionProtectionEnabled: true,
        KmsKeyId: { 'Fn::GetAtt': [idOf(stack, service.logKey), 'Arn'] },
      },
    });
    const cluster = only(template, 'AWS::ECS::Cluster').Properties;
    expect(cluster.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
    const storageKey = cluster.Configuration.ManagedStorageConfiguration.FargateEphemeralStorageKmsKeyId.Ref;
    const keys = template.findResources('AWS::KMS::Key');
    expect(keys[storageKey].Properties.KeyPolicy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Principal: { Service: 'fargate.amazonaws.com' },
          Action: 'kms:GenerateDataKeyWithoutPlaintext',
        }),
      ]),
    );
    const serviceKeys = Object.entries(keys).filter(([id]) => id.startsWith('Service'));
    expect(serviceKeys).toHaveLength(3); // logs, ephemeral storage, alarm topic
    for (const [id, key] of serviceKeys) {
      expect([id, key]).toEqual([
        id,
        expect.objectContaining({
          DeletionPolicy: 'Retain',
          Properties: expect.objectContaining({ EnableKeyRotation: true }),
        }),
      ]);
    }
    expect(only(template, 'AWS::SNS::Topic').Properties.KmsMasterKeyId).toBeDefined();
    expectAlarmTopic(template); // this account's alarms may publish to it and use its key
  });

  test('THEN the task role may do nothing until granted, and grants reach it; the execution role only logs', () => {
    const { stack, service } = build();
    s3.Bucket.fromBucketName(stack, 'Orders', 'orders-data').grantRead(service);
    const template = Template.fromStack(stack);
    const taskRole = idOf(stack, service.taskRole);
    const executionRole = idOf(stack, service.executionRole);
    const roles = template.findResources('AWS::IAM::Role');
    for (const role of [taskRole, executionRole]) {
      expect(roles[role].Properties.ManagedPolicyArns).toBeUndefined();
      expect(roles[role].Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({ Principal: { Service: 'ecs-tasks.amazonaws.com' } }),
      ]);
    }
    // Only this account's tasks of this region may assume the task role.
    expect(roles[taskRole].Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:us-east-1:', { Ref: 'AWS::AccountId' }, ':*']],
        },
      },
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Json[];
    const actionsOf = (role: string) =>
      policies
        .filter((p) => p.Properties.Roles.some((r: Json) => r.Ref === role))
        .flatMap((p) => p.Properties.PolicyDocument.Statement.map((s: Json) => s.Action));
    expect(actionsOf(taskRole)).toEqual([['s3:GetObject*', 's3:GetBucket*', 's3:List*']]);
    expect(actionsOf(executionRole)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents']]);
  });

  test('GIVEN a cluster THEN the service runs in it and creates none', () => {
    const stack = new Stack(testApp(), 'Orders', { env: { region: 'us-east-1' } });
    const network = new MultiAzNetwork(stack, 'Network', { tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    const cluster = new ecs.Cluster(stack, 'Shared', {
      vpc: network.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const service = new ResilientService(stack, 'Service', {
      tier: ServiceTier.TIER_1,
      vpc: network.vpc,
      cluster,
      image: IMAGE,
      requiredCount: 2,
      maxCount: 6,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_ARN),
    });
    expect(service.cluster).toBe(cluster);
    expect(service.node.tryFindChild('Cluster')).toBeUndefined();
    expect(service.taskCount).toEqual({ min: 3, desired: 3, max: 6, perAz: 1 });
  });

  test('GIVEN containerInsights ENHANCED THEN the new cluster has it (which CT.ECS.PR.2 as published refuses)', () => {
    const { service } = build({ containerInsights: ecs.ContainerInsights.ENHANCED });
    const cluster = service.cluster.node.defaultChild as ecs.CfnCluster;
    expect(cluster.clusterSettings).toEqual([{ name: 'containerInsights', value: 'enhanced' }]);
  });
});

describe('ResilientService: HA record and report', () => {
  test('THEN every resource it creates carries the HA record of a ResilientService', () => {
    const resources = Object.entries(base().template.toJSON().Resources as Record<string, Json>).filter(([id]) =>
      id.startsWith('Service'),
    );
    expect(resources.length).toBeGreaterThan(30);
    for (const [id, resource] of resources) {
      expect([id, resource.Metadata?.[HA_METADATA_KEY]]).toEqual([id, RECORD]);
    }
  });

  test('GIVEN TIER_1 with MultiAzNetwork THEN ha-report takes the AZ RTO from the readiness check and a gray AZ from per-AZ alarms', () => {
    const report = checkInputs(graphInputsOf(base().stack));
    const [orders] = report.services;
    // An AZ lost outright: 50 s. An AZ failing while its tasks pass health checks: per-AZ detection (2 of 3
    // one-minute periods: more than 60 s), the zonal shift (no published time), the DNS TTL: at least 120 s, all of
    // TIER_1's AZ RTO, so unproven.
    expect(orders.status).toMatchObject({ azRto: 'unproven', azRpo: 'met', availability: 'met' });
    expect(orders.azRtoSeconds).toBeNull();
    expect(orders.lowerBounds.azRto).toBe(120);
    const azSteps = orders.derivation.filter((step) => step.quantity === 'azRto');
    expect(azSteps[0]).toEqual(
      expect.objectContaining({
        resource: 'ServiceTargetGroupE74A3394',
        value: 50,
        basis: 'target health check: interval 15 s × 3 + timeout 5 s',
      }),
    );
    // Detection (2 of 3 one-minute periods), the shift the service's runbook starts (no published time), the TTL.
    expect(azSteps.filter((step) => step.failure === 'gray').map((step) => step.value)).toEqual([
      60,
      undefined,
      60,
      120,
    ]);
    expect(azSteps.find((step) => step.failure === 'gray' && step.value === undefined)?.basis).toMatch(
      /^gray failure of an AZ behind this load balancer: zonal shift: ServiceZonalShiftRunbook\w+ starts an ARC zonal shift/,
    );
    // No finding on any resource. What is left is the service's, and other constructs answer it:
    // a drill (AzEvacuationDrill), SLO alerting (SloAlarms), a probe (SyntheticCanary), a second region.
    expect(report.findings.filter((f) => !f.resource.startsWith('service:'))).toEqual([]);
    expect(report.findings.filter((f) => f.level === 'error').map((f) => f.rule)).toEqual([
      // Detection and the shift are there (no HA-AZ4); a gray AZ takes all of TIER_1's AZ RTO: unproven, not missed.
      'HA-DRL1',
      'HA-OBS1',
      'HA-OBS3',
      'HA-RES1',
    ]);
  });

  // The HA view (lib/testing) of the service's own resources: per resource its type, HA record and
  // the properties the HA rules read (the network's view is in test/aws/network.test.ts).
  test('HA snapshot of the TIER_1 service (beside the targeted assertions above)', () => {
    const resources = Object.entries(base().template.toJSON().Resources).filter(([id]) => id.startsWith('Service'));
    expect(haSnapshot({ Resources: Object.fromEntries(resources) })).toMatchSnapshot();
  });
});

describe('ResilientService: bad props name the prop, the value and what is allowed', () => {
  test.each<[string, Overrides, string]>([
    ['requiredCount above maxCount', { requiredCount: 20 }, 'requiredCount must be at most maxCount (18), got: 20'],
    [
      'maxCount below the statically stable count',
      { maxCount: 8 },
      'maxCount must be at least 9 for TIER_1 (static ' +
        'stability: 3 per AZ × 3 AZs so that losing one AZ leaves requiredCount 6), got: 8',
    ],
    [
      'a network of two AZs for TIER_1',
      { zones: US_EAST_1.slice(0, 2), networkTier: ServiceTier.TIER_3 },
      'vpc must select subnets in at least 3 AZs for TIER_1, got: 2',
    ],
    [
      'vpcSubnets of two AZs',
      { vpcSubnets: { availabilityZones: US_EAST_1.slice(0, 2) } },
      'vpcSubnets must select subnets in at least 3 AZs for TIER_1, got: 2',
    ],
    [
      'a task size Fargate does not run',
      { cpu: 512, memoryLimitMiB: 512 },
      'memoryLimitMiB must be one Fargate allows with 512 CPU units (1024 to 4096 MiB in steps of 1024), got: 512',
    ],
    [
      'a standby count above the maximum',
      { role: HaRole.STANDBY, standbyCount: 20 },
      'standbyCount must be at most maxCount (18), got: 20',
    ],
    [
      'a fractional grace period',
      { healthCheckGracePeriod: Duration.seconds(1.5) },
      'healthCheckGracePeriod must be an integer of at least 0, got: 1.5',
    ],
    [
      'a container port known only at deploy time',
      { containerPort: Token.asNumber({ Ref: 'Port' }) },
      "containerPort must be known at synthesis (the container health check's command names it), got: a token",
    ],
  ])('%s', (_name, overrides, message) => {
    expectValidationError(() => build(overrides), message);
  });

  test('an environment-agnostic stack is refused: the access-log bucket policy names the region', () => {
    const stack = new Stack(testApp(), 'Agnostic');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1',
      availabilityZones: US_EAST_1,
      privateSubnetIds: ['a', 'b', 'c'],
    });
    expectValidationError(
      () =>
        new ResilientService(stack, 'Service', {
          tier: ServiceTier.TIER_1,
          vpc,
          image: IMAGE,
          requiredCount: 2,
          maxCount: 6,
        }),
      "the stack's region must be known at synthesis (env: { region }) for the load balancer's access logs, " +
        'got: an environment-agnostic stack',
    );
  });

  test('a cluster of another VPC is refused', () => {
    const stack = new Stack(testApp(), 'Orders', { env: { region: 'us-east-1' } });
    const network = new MultiAzNetwork(stack, 'Network', { tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    const other = ec2.Vpc.fromVpcAttributes(stack, 'Other', {
      vpcId: 'vpc-other',
      availabilityZones: US_EAST_1,
      privateSubnetIds: ['a', 'b', 'c'],
    });
    const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shared', vpc: other });
    expectValidationError(
      () =>
        new ResilientService(stack, 'Service', {
          tier: ServiceTier.TIER_1,
          vpc: network.vpc,
          cluster,
          image: IMAGE,
          requiredCount: 2,
          maxCount: 6,
        }),
      "cluster must be in vpc (the service selects its subnets from the cluster's VPC), " +
        'got: a cluster of another VPC',
    );
  });
});

describe('ResilientService automatic zonal shift (TIER_1, 6 tasks needed over 3 AZs)', () => {
  type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const step = () => {
    const [document] = Object.values(base().template.findResources('AWS::SSM::Document')).filter((d) =>
      JSON.stringify(d).includes('ShiftAwayIfSafe'),
    ) as Json[];
    return (document.Properties.Content.mainSteps as Json[]).find((s) => s.name === 'ShiftAwayIfSafe')!;
  };

  test('THEN the guard counts the running tasks of this service, read under an ecs:cluster condition', () => {
    expect(step().inputs.InputPayload).toMatchObject({
      MinInstancesLeft: 6,
      Unit: 'running tasks',
      Cluster: expect.anything(),
      ServiceName: expect.anything(),
    });
    expect(step().inputs.InputPayload.AutoScalingGroupName).toBeUndefined();
    base().template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ecs:ListTasks', 'ecs:DescribeTasks'],
            Condition: { ArnEquals: { 'ecs:cluster': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  /** Runs the rendered script with a stand-in boto3 over the given tasks. */
  function run(tasks: Json[]) {
    const payload = {
      ...step().inputs.InputPayload,
      AvailabilityZone: 'us-east-1b',
      LoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/svc/1',
      Cluster: 'arn:aws:ecs:us-east-1:111111111111:cluster/c',
      ServiceName: 'svc',
    };
    const out = execFileSync(
      'python3',
      [
        '-c',
        [
          'import json, sys, types',
          'fake = types.ModuleType("boto3")',
          `tasks = json.loads(${JSON.stringify(JSON.stringify(tasks))})`,
          'started = []',
          'class Arc:',
          '    def get_managed_resource(self, resourceIdentifier):',
          '        return {"zonalShifts": [], "autoshifts": []}',
          '    def start_zonal_shift(self, **kwargs):',
          '        started.append(kwargs)',
          '        return {"zonalShiftId": "zs-1", "expiryTime": "later"}',
          'class Ec2:',
          '    def describe_availability_zones(self, ZoneNames):',
          '        return {"AvailabilityZones": [{"ZoneName": n, "ZoneId": "use1-az6"} for n in ZoneNames]}',
          'class Pages:',
          '    def paginate(self, cluster, serviceName, desiredStatus):',
          '        assert serviceName == "svc" and desiredStatus == "RUNNING"',
          '        return [{"taskArns": [f"t{i}" for i in range(len(tasks))]}]',
          'class Ecs:',
          '    def get_paginator(self, name):',
          '        return Pages()',
          '    def describe_tasks(self, cluster, tasks):',
          '        return {"tasks": [world[int(a[1:])] for a in tasks]}',
          'world = tasks',
          'fake.client = lambda name: {"arc-zonal-shift": Arc, "ec2": Ec2, "ecs": Ecs}[name]()',
          'sys.modules["boto3"] = fake',
          step().inputs.Script,
          `result = handler(json.loads(${JSON.stringify(JSON.stringify(payload))}), None)`,
          'print(json.dumps({"result": result, "started": started}))',
        ].join('\n'),
      ],
      { encoding: 'utf8' },
    );
    return JSON.parse(out) as { result: { Shifted: boolean; Message: string }; started: Json[] };
  }
  const task = (availabilityZone: string, healthStatus = 'HEALTHY', lastStatus = 'RUNNING') => ({
    availabilityZone,
    healthStatus,
    lastStatus,
  });
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

  test('WHEN the other AZs run the 6 healthy tasks needed THEN it shifts; WHEN one of them is unhealthy THEN not', () => {
    const full = zones.flatMap((zone) => [task(zone), task(zone), task(zone)]);
    const shifted = run(full);
    expect(shifted.result.Shifted).toBe(true);
    expect(shifted.started).toEqual([expect.objectContaining({ awayFrom: 'use1-az6' })]);
    const short = run([...full.filter((t) => t.availabilityZone !== 'us-east-1c'), task('us-east-1c', 'UNHEALTHY')]);
    expect(short.result.Shifted).toBe(false);
    expect(short.result.Message).toMatch(/the other AZs run 3 healthy running tasks, fewer than the 6/);
    expect(short.started).toEqual([]);
  });
});
