import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DrStrategy, HA_METADATA_KEY, HaRole, MultiAzNetwork, ServiceTier } from '../../lib';
import { FleetPlacementStrategy, ResilientFleet, ResilientFleetProps } from '../../lib/aws/fleet';
import { haSnapshot } from '../../lib/testing/snapshot';
import { ALARM_TOPIC_STATEMENTS, expectValidationError, recommendedApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

const US_EAST_1 = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const TYPES = [new ec2.InstanceType('m7i.large'), new ec2.InstanceType('m6i.large')];
const CERT_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/0f6b7e52-0000-4000-8000-000000000000';

/** A tier that allows one AZ: backup and restore, an AZ RTO long enough to launch replacements. */
const SINGLE_AZ = ServiceTier.custom({
  name: 'SINGLE_AZ',
  strategy: DrStrategy.BACKUP_RESTORE,
  availabilityTarget: 0.99,
  minAzs: 1,
  minRegions: 1,
  azRtoSeconds: 900,
  azRpoSeconds: 0,
  regionRtoSeconds: 86400,
  regionRpoSeconds: 86400,
});

/** Synthesized template JSON, typed as JSON.parse types it. */
type Json = ReturnType<typeof JSON.parse>;

type FleetOverrides = Partial<ResilientFleetProps> & {
  zones?: string[];
  networkTier?: ServiceTier;
  context?: Record<string, unknown>;
};

function synth(overrides: FleetOverrides = {}) {
  const { zones, networkTier, context, ...fleetProps } = overrides;
  const tier = fleetProps.tier ?? ServiceTier.TIER_0;
  const stack = new Stack(recommendedApp({ context }), 'Svc', { env: { region: 'us-east-1' } });
  const network = new MultiAzNetwork(stack, 'Network', {
    tier: networkTier ?? tier,
    availabilityZones: zones ?? US_EAST_1.slice(0, Math.max(2, tier.minAzs)),
  });
  const fleet = new ResilientFleet(stack, 'Fleet', {
    vpc: network.vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceTypes: TYPES,
    requiredCapacity: 6,
    maxCapacity: 18,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_ARN),
    ...fleetProps,
    tier,
  });
  return { stack, fleet, template: Template.fromStack(stack) };
}

/** Synthesized once per label and shared by the tests that only read it (each synthesis costs ~0.5 s). */
const shared = new Map<string, ReturnType<typeof synth>>();
function once(label: string, overrides: () => FleetOverrides = () => ({})): ReturnType<typeof synth> {
  if (!shared.has(label)) shared.set(label, synth(overrides()));
  return shared.get(label)!;
}

/** The default TIER_0 fleet. */
const base = () => once('TIER_0 3');

const PAGE_ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:slo-page';
const BUDGET_ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:budget-exhausted';
const TRUST_STORE_ARN = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:truststore/callers/0123456789abcdef';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:111111111111:work';

/** Props that turn every optional feature of a TIER_0 fleet on. */
function everyFeature(): FleetOverrides {
  const imports = new Stack();
  return {
    pageAlarm: cloudwatch.Alarm.fromAlarmArn(imports, 'Page', PAGE_ALARM_ARN),
    errorBudgetAlarm: cloudwatch.Alarm.fromAlarmArn(imports, 'Budget', BUDGET_ALARM_ARN),
    trustStore: elbv2.TrustStore.fromTrustStoreArn(imports, 'TrustStore', TRUST_STORE_ARN),
    queue: sqs.Queue.fromQueueArn(imports, 'Queue', QUEUE_ARN),
    backlogPerInstance: 100,
    targetRequestsPerMinute: 1200,
    targetCpuPercent: 40,
    rateLimitPerIp: 500,
    healthCheckPath: '/healthz',
    version: '2026.11.27',
    deploymentFreezes: [
      { name: 'Peak, 2026', start: new Date('2026-11-26T00:00:00Z'), end: new Date('2026-11-28T12:00:00Z') },
    ],
    prewarm: [
      {
        schedule: autoscaling.Schedule.cron({ hour: '7', minute: '30' }),
        minCapacity: 15,
        endSchedule: autoscaling.Schedule.cron({ hour: '22', minute: '0' }),
        timeZone: 'Europe/Paris',
      },
    ],
  };
}

/** A TIER_0 fleet with every optional feature turned on. */
const full = () => once('full', everyFeature);

/** A TIER_1 standby, with a prewarm action that must not apply to it. */
const tier1Standby = () =>
  once('TIER_1 standby', () => ({
    tier: ServiceTier.TIER_1,
    role: HaRole.STANDBY,
    prewarm: [{ schedule: autoscaling.Schedule.cron({ hour: '7' }), minCapacity: 12 }],
  }));

/** The snapshot configuration: TIER_0 with a service name and a version. */
const snapshotFleet = () => once('snapshot', () => ({ service: 'snapshot', version: '1.0.0' }));

/**
 * What `fn` printed to console.error, kept off the test output: aws-cdk-lib's app.synth() prints the
 * warnings of the app it synthesizes there (its validation report), as `cdk synth` shows them.
 */
function printedBy(fn: () => void): string {
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    fn();
    return error.mock.calls.map((args) => args.join(' ')).join('\n');
  } finally {
    error.mockRestore();
  }
}

function onlyResource(template: Template, type: string): { Properties: Record<string, Json>; [key: string]: Json } {
  const resources = Object.values(template.findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0] as Json;
}

/** The deploy runbook (a statically stable fleet also has its zonal shift runbook: zonal-shift.test.ts). */
function onlyAutomation(template: Template): Json {
  const documents = Object.entries(
    template.findResources('AWS::SSM::Document', { Properties: { DocumentType: 'Automation' } }),
  ).filter(([id]) => !id.startsWith('FleetZonalShift'));
  expect(documents).toHaveLength(1);
  return documents[0][1];
}

function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } } | unknown): string {
  const child = (construct as Json).node?.defaultChild ?? construct;
  return stack.getLogicalId(child);
}

describe('ResilientFleet: placement across AZs and capacity', () => {
  test('GIVEN TIER_0 over three AZs THEN the group runs in the private subnet of every AZ', () => {
    const { template, fleet } = base();
    const asg = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    const subnets = template.findResources('AWS::EC2::Subnet');
    const zones = (asg.Properties.VPCZoneIdentifier as { Ref: string }[]).map(
      (ref) => subnets[ref.Ref].Properties.AvailabilityZone,
    );
    expect(zones).toEqual(US_EAST_1);
    const names = (asg.Properties.VPCZoneIdentifier as { Ref: string }[]).map(
      (ref) => subnets[ref.Ref].Properties.Tags.find((t: { Key: string }) => t.Key === 'aws-cdk:subnet-name').Value,
    );
    expect(new Set(names)).toEqual(new Set(['Private']));
    expect(fleet.availabilityZones).toEqual(US_EAST_1);
    expect(asg.Properties.CapacityRebalance).toBe(true);
  });

  test('THEN the group also lists its zones, those of its subnets (Control Tower CT.AUTOSCALING.PR.1)', () => {
    const { template } = base();
    expect(onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup').Properties.AvailabilityZones).toEqual(
      US_EAST_1,
    );
    const { template: twoZones } = once('TIER_3 2', () => ({ tier: ServiceTier.TIER_3, zones: US_EAST_1.slice(0, 2) }));
    expect(onlyResource(twoZones, 'AWS::AutoScaling::AutoScalingGroup').Properties.AvailabilityZones).toEqual(
      US_EAST_1.slice(0, 2),
    );
  });

  test.each<[string, ServiceTier, string[], { min: number; perAz: number }]>([
    ['TIER_0: static stability over 3 AZs, ⌈6/2⌉ = 3 per AZ', ServiceTier.TIER_0, US_EAST_1, { min: 9, perAz: 3 }],
    ['TIER_1: static stability over 3 AZs', ServiceTier.TIER_1, US_EAST_1, { min: 9, perAz: 3 }],
    ['TIER_2: required capacity only', ServiceTier.TIER_2, US_EAST_1.slice(0, 2), { min: 6, perAz: 3 }],
    ['TIER_3: required capacity only', ServiceTier.TIER_3, US_EAST_1.slice(0, 2), { min: 6, perAz: 3 }],
  ])('%s', (_name, tier, zones, expected) => {
    const { template, fleet } = once(`${tier.name} ${zones.length}`, () => ({ tier, zones }));
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: String(expected.min),
      MaxSize: '18',
    });
    expect(onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup').Properties.DesiredCapacity).toBeUndefined();
    expect(fleet.capacity).toEqual({ min: expected.min, desired: expected.min, max: 18, perAz: expected.perAz });
  });

  test('GIVEN TIER_0 and two required instances THEN losing an AZ still leaves two (1 per AZ × 3)', () => {
    const { fleet } = synth({ requiredCapacity: 2, maxCapacity: 6 });
    expect(fleet.capacity).toEqual({ min: 3, desired: 3, max: 6, perAz: 1 });
  });

  test('GIVEN TIER_3 with fewer required instances than AZs THEN every AZ still gets one', () => {
    const { fleet } = synth({ tier: ServiceTier.TIER_3, zones: US_EAST_1, requiredCapacity: 1, maxCapacity: 4 });
    expect(fleet.capacity).toEqual({ min: 3, desired: 3, max: 4, perAz: 1 });
  });

  test('GIVEN a TIER_1 standby THEN it runs one instance per AZ, keeps the maximum, and exposes the primary capacity', () => {
    const { template, fleet } = tier1Standby();
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '3', MaxSize: '18' });
    expect(fleet.capacity).toEqual({ min: 3, desired: 3, max: 18, perAz: 1 });
    expect(fleet.primaryCapacity).toEqual({ min: 9, desired: 9, max: 18, perAz: 3 });
  });

  test('GIVEN a TIER_1 standby with standbyCapacity THEN it runs that many', () => {
    const { fleet } = synth({ tier: ServiceTier.TIER_1, role: HaRole.STANDBY, standbyCapacity: 6 });
    expect(fleet.capacity).toEqual({ min: 6, desired: 6, max: 18, perAz: 2 });
  });

  test('GIVEN a TIER_2 (pilot light) standby THEN min and desired are 0, max stays, and nothing waits for signals', () => {
    const { template, fleet } = synth({ tier: ServiceTier.TIER_2, role: HaRole.STANDBY, zones: US_EAST_1.slice(0, 2) });
    const asg = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(asg.Properties).toMatchObject({ MinSize: '0', MaxSize: '18' });
    expect(asg.CreationPolicy).toBeUndefined();
    expect(asg.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({ MaxBatchSize: 1, MinInstancesInService: 0 });
    expect(asg.UpdatePolicy.AutoScalingRollingUpdate.WaitOnResourceSignals).toBeUndefined();
    expect(fleet.primaryCapacity.min).toBe(6);
  });
});

describe('ResilientFleet: anti-affinity', () => {
  test('GIVEN at most 7 instances per AZ after an AZ loss THEN a rack-level spread placement group is in the launch template', () => {
    // maxCapacity 14 over 3 AZs: the two AZs left after a loss hold 7 each, what spread placement allows.
    const { template, fleet } = synth({ maxCapacity: 14 });
    template.hasResourceProperties('AWS::EC2::PlacementGroup', { Strategy: 'spread', SpreadLevel: 'rack' });
    const groupId = Object.keys(template.findResources('AWS::EC2::PlacementGroup'))[0];
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ Placement: { GroupName: { 'Fn::GetAtt': [groupId, 'GroupName'] } } }),
    });
    expect(fleet.placementStrategy).toBe(FleetPlacementStrategy.SPREAD);
  });

  test('GIVEN 18 instances over 3 AZs (9 per AZ once one is lost) THEN a partition placement group with 7 partitions', () => {
    const { template, fleet } = base();
    template.hasResourceProperties('AWS::EC2::PlacementGroup', { Strategy: 'partition', PartitionCount: 7 });
    expect(fleet.placementStrategy).toBe(FleetPlacementStrategy.PARTITION);
  });

  test('THEN the mixed instances policy lists every type in order, on demand, prioritized', () => {
    const { template } = base();
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MixedInstancesPolicy: {
        InstancesDistribution: { OnDemandAllocationStrategy: 'prioritized', OnDemandPercentageAboveBaseCapacity: 100 },
        LaunchTemplate: Match.objectLike({ Overrides: [{ InstanceType: 'm7i.large' }, { InstanceType: 'm6i.large' }] }),
      },
    });
  });

  test('GIVEN one instance type for TIER_0 THEN a warning with a stable id, which synthesis prints', () => {
    const printed = printedBy(() => {
      const { stack } = synth({ instanceTypes: [TYPES[0]] });
      Annotations.fromStack(stack).hasWarning(
        '/Svc/Fleet',
        Match.stringLikeRegexp(
          'instanceTypes lists only m7i.large: a shortage of that one capacity pool .*ha-constructs:ResilientFleet.instanceTypes',
        ),
      );
    });
    expect(printed).toContain(
      "WARNING instanceTypes lists only m7i.large: a shortage of that one capacity pool stops the fleet from replacing or adding instances, which TIER_0's static stability relies on",
    );
  });

  test('GIVEN one instance type for TIER_3 THEN no warning (the tier does not promise static stability)', () => {
    const { stack } = synth({ tier: ServiceTier.TIER_3, instanceTypes: [TYPES[0]] });
    Annotations.fromStack(stack).hasNoWarning('/Svc/Fleet', Match.stringLikeRegexp('instanceTypes'));
  });
});

describe('ResilientFleet: notifications', () => {
  test('GIVEN the default alarm topic THEN the group notifies it and its key lets the Auto Scaling service-linked role publish', () => {
    const { template } = base();
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      NotificationConfigurations: Match.arrayWith([Match.objectLike({ TopicARN: { Ref: topicId } })]),
    });
    const keyId = template.findResources('AWS::SNS::Topic')[topicId].Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    const statements = template.findResources('AWS::KMS::Key')[keyId].Properties.KeyPolicy.Statement as {
      Sid?: string;
      Condition?: unknown;
      Action: string[];
    }[];
    const statement = statements.find((s) => s.Sid === 'AllowAutoScalingNotifications');
    expect(statement?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(JSON.stringify(statement?.Condition)).toContain('AWSServiceRoleForAutoScaling');
  });
});

describe('ResilientFleet: health and self-healing', () => {
  test.each<[string, ServiceTier, number, number, number, number]>([
    ['TIER_0 (AZ RTO 30 s)', ServiceTier.TIER_0, 5, 4, 2, 14],
    ['TIER_1 (AZ RTO 120 s)', ServiceTier.TIER_1, 15, 5, 3, 50],
    ['TIER_3 (AZ RTO 900 s)', ServiceTier.TIER_3, 30, 5, 3, 95],
  ])(
    'GIVEN %s THEN target health checks detect a failed AZ in half the RTO',
    (_name, tier, interval, timeout, threshold, seconds) => {
      const { template, fleet } = once(`${tier.name} 3`, () => ({ tier, zones: US_EAST_1 }));
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        HealthCheckPath: '/health/live',
        HealthCheckIntervalSeconds: interval,
        HealthCheckTimeoutSeconds: timeout,
        UnhealthyThresholdCount: threshold,
        Port: 8080,
        TargetGroupAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }]),
      });
      expect(fleet.azFailoverSeconds).toBe(seconds);
      expect(fleet.azFailoverSeconds).toBeLessThanOrEqual(tier.azRtoSeconds / 2);
    },
  );

  test('THEN the load balancer weighs down an instance whose errors stand out (automatic target weights)', () => {
    const attributes = (template: Template) =>
      Object.fromEntries(
        (
          onlyResource(template, 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties.TargetGroupAttributes as {
            Key: string;
            Value: string;
          }[]
        ).map((a) => [a.Key, a.Value]),
      );
    expect(attributes(base().template)).toMatchObject({
      'load_balancing.algorithm.type': 'weighted_random',
      'load_balancing.algorithm.anomaly_mitigation': 'on',
    });
    const off = attributes(once('TIER_0 round robin', () => ({ anomalyMitigation: false })).template);
    expect(off['load_balancing.algorithm.type']).toBe('round_robin');
    expect(off['load_balancing.algorithm.anomaly_mitigation']).not.toBe('on');
  });

  test('THEN the group replaces instances that fail ELB health checks after the grace period', () => {
    const { template } = full();
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 300,
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/healthz' });
  });
});

describe('ResilientFleet: load balancer', () => {
  test('THEN it spans the public subnets of every AZ, drops invalid headers, is deletion protected and zonal-shift enabled', () => {
    const { template } = base();
    const lb = onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb.Properties.Scheme).toBe('internet-facing');
    const subnets = template.findResources('AWS::EC2::Subnet');
    expect((lb.Properties.Subnets as { Ref: string }[]).map((s) => subnets[s.Ref].Properties.AvailabilityZone)).toEqual(
      US_EAST_1,
    );
    expect(lb.Properties.LoadBalancerAttributes).toEqual(
      expect.arrayContaining([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'zonal_shift.config.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    );
  });

  test('THEN access logs go to a retained, versioned, SSL-only bucket that expires them after the tier retention', () => {
    const { template } = once('TIER_3 2', () => ({ tier: ServiceTier.TIER_3, zones: US_EAST_1.slice(0, 2) }));
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('GIVEN a certificate THEN HTTPS with a TLS 1.2+ policy and a permanent HTTP→HTTPS redirect', () => {
    const { template } = base();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      Certificates: [{ CertificateArn: CERT_ARN }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' } },
      ],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
  });

  test('GIVEN a trust store THEN the HTTPS listener verifies client certificates', () => {
    const { template } = full();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      MutualAuthentication: { Mode: 'verify', TrustStoreArn: TRUST_STORE_ARN, IgnoreClientCertificateExpiry: false },
    });
  });

  test('GIVEN internetFacing false THEN an internal load balancer in the private subnets, closed to the world', () => {
    const { template } = synth({ internetFacing: false });
    const lb = onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb.Properties.Scheme).toBe('internal');
    const asg = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(lb.Properties.Subnets).toEqual(asg.Properties.VPCZoneIdentifier);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap(
      (sg: Json) => sg.Properties.SecurityGroupIngress ?? [],
    );
    expect(ingress.filter((rule: Json) => rule.CidrIp === '0.0.0.0/0')).toEqual([]);
  });

  test('GIVEN no certificate THEN a plain HTTP listener and a warning, which synthesis prints', () => {
    const printed = printedBy(() => {
      const { template, stack } = synth({ certificate: undefined });
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [Match.objectLike({ Type: 'forward' })],
      });
      Annotations.fromStack(stack).hasWarning(
        '/Svc/Fleet',
        Match.stringLikeRegexp(
          'no certificate: the load balancer serves plain HTTP.*ha-constructs:ResilientFleet.certificate',
        ),
      );
    });
    expect(printed).toContain(
      'WARNING no certificate: the load balancer serves plain HTTP; give certificate for HTTPS with an HTTP→HTTPS redirect',
    );
  });

  test('THEN instances accept traffic on their port from the load balancer only', () => {
    const { template, stack, fleet } = base();
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080,
      ToPort: 8080,
      IpProtocol: 'tcp',
      SourceSecurityGroupId: {
        'Fn::GetAtt': [logicalIdOf(stack, fleet.loadBalancer.connections.securityGroups[0]), 'GroupId'],
      },
    });
  });
});

describe('ResilientFleet: zonal autoshift and the error alarm', () => {
  test('GIVEN TIER_0 THEN zonal autoshift with practice runs judged by the fleet error alarm, blocked by the page alarm', () => {
    const { template, stack, fleet } = full();
    template.hasResourceProperties('AWS::ARCZonalShift::ZonalAutoshiftConfiguration', {
      ResourceIdentifier: { Ref: logicalIdOf(stack, fleet.loadBalancer) },
      ZonalAutoshiftStatus: 'ENABLED',
      PracticeRunConfiguration: {
        OutcomeAlarms: [
          { AlarmIdentifier: { 'Fn::GetAtt': [logicalIdOf(stack, fleet.errorAlarm), 'Arn'] }, Type: 'CLOUDWATCH' },
        ],
        BlockingAlarms: [{ AlarmIdentifier: PAGE_ALARM_ARN, Type: 'CLOUDWATCH' }],
        BlockedDates: ['2026-11-26', '2026-11-27', '2026-11-28'],
      },
    });
  });

  test.each([
    ['TIER_2', () => once('TIER_2 2', () => ({ tier: ServiceTier.TIER_2, zones: US_EAST_1.slice(0, 2) }))],
    ['a TIER_1 standby', tier1Standby],
  ])('GIVEN %s THEN no zonal autoshift (zonal shift stays available by hand)', (_name, fleetOf) => {
    const { template } = fleetOf();
    template.resourceCountIs('AWS::ARCZonalShift::ZonalAutoshiftConfiguration', 0);
  });

  test.each<[ServiceTier, number, string[]]>([
    [ServiceTier.TIER_0, 0.144, US_EAST_1],
    [ServiceTier.TIER_3, 7.2, US_EAST_1.slice(0, 2)],
  ])(
    'GIVEN %s THEN the error alarm fires at the fastest page burn rate (14.4×) of the tier budget',
    (tier, threshold, zones) => {
      const { template, stack, fleet } = once(`${tier.name} ${zones.length}`, () => ({ tier, zones }));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: logicalIdOf(stack, fleet.alarmTopic) }],
        OKActions: [{ Ref: logicalIdOf(stack, fleet.alarmTopic) }],
        Metrics: Match.arrayWith([
          Match.objectLike({
            Expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
          }),
        ]),
      });
    },
  );
});

describe('ResilientFleet: immutable rollouts', () => {
  test('THEN the launch template requires IMDSv2, encrypts a gp3 root volume with a CMK, and gives no public IP', () => {
    const { template } = base();
    const keyId = Object.keys(
      template.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('root volumes') } }),
    )[0];
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false })],
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: {
              Encrypted: true,
              VolumeType: 'gp3',
              VolumeSize: 30,
              DeleteOnTermination: true,
              KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        ],
      }),
    });
  });

  test('THEN the volume key lets the Auto Scaling service-linked role use it and create grants for AWS resources only', () => {
    const { template } = base();
    const key = Object.values(
      template.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('root volumes') } }),
    )[0] as Json;
    const statements = key.Properties.KeyPolicy.Statement as Json[];
    const serviceLinkedRole = {
      'Fn::Join': [
        '',
        [
          'arn:aws:iam::',
          { Ref: 'AWS::AccountId' },
          ':role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
        ],
      ],
    };
    expect(statements.find((st) => st.Sid === 'AllowAutoScalingServiceLinkedRoleUse')).toEqual({
      Sid: 'AllowAutoScalingServiceLinkedRoleUse',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': serviceLinkedRole } },
    });
    expect(statements.find((st) => st.Sid === 'AllowAutoScalingServiceLinkedRoleGrants')).toEqual({
      Sid: 'AllowAutoScalingServiceLinkedRoleGrants',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': serviceLinkedRole },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    });
  });

  test('GIVEN TIER_0 THEN a new template rolls one AZ of instances at a time, never below what an AZ loss leaves, on signals', () => {
    const { template } = base();
    const asg = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(asg.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({
      MaxBatchSize: 3,
      MinInstancesInService: 6,
      WaitOnResourceSignals: true,
      PauseTime: 'PT15M',
    });
    expect(asg.CreationPolicy).toEqual({ ResourceSignal: { Count: 9, Timeout: 'PT15M' } });
    // The group follows the template's latest version: a new image is a new version, which rolls.
    expect(asg.Properties.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version).toEqual({
      'Fn::GetAtt': [Object.keys(template.findResources('AWS::EC2::LaunchTemplate'))[0], 'LatestVersionNumber'],
    });
  });

  test('THEN user data installs the CodeDeploy agent and signals CloudFormation on exit', () => {
    const { template } = base();
    const userData = JSON.stringify(
      onlyResource(template, 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData.UserData,
    );
    expect(userData).toContain('/opt/aws/bin/cfn-signal');
    expect(userData).toContain('aws-codedeploy-us-east-1');
  });

  test('THEN CodeDeploy deploys one AZ at a time with bake times from the tier burn-rate windows', () => {
    const { template } = base();
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      MinimumHealthyHosts: { Type: 'FLEET_PERCENT', Value: 66 },
      ZonalConfig: {
        FirstZoneMonitorDurationInSeconds: 3600,
        MonitorDurationInSeconds: 300,
        MinimumHealthyHostsPerZone: { Type: 'FLEET_PERCENT', Value: 50 },
      },
    });
  });

  test('GIVEN page and error-budget alarms THEN they and the error alarm stop deployments and roll them back', () => {
    const { template, stack, fleet } = full();
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: {
        Enabled: true,
        Alarms: [
          { Name: { Ref: logicalIdOf(stack, fleet.errorAlarm) } },
          { Name: 'slo-page' },
          { Name: 'budget-exhausted' },
        ],
      },
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
      },
      AutoScalingGroups: [{ Ref: logicalIdOf(stack, fleet.autoScalingGroup) }],
      DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
    });
  });

  test('GIVEN a deployment freeze THEN the change calendar is closed during it, the runbook checks it, and practice runs skip those dates', () => {
    const { template } = full();
    const calendar = template.findResources('AWS::SSM::Document', { Properties: { DocumentType: 'ChangeCalendar' } });
    expect(Object.values(calendar)).toHaveLength(1);
    const [calendarId, calendarResource] = Object.entries(calendar)[0] as [string, Json];
    const lines = (calendarResource.Properties.Content as string).split('\r\n');
    expect(lines.filter((l) => !l.startsWith('UID:'))).toEqual([
      'BEGIN:VCALENDAR',
      'PRODID:-//AWS//Change Calendar 1.0//EN',
      'VERSION:2.0',
      'X-CALENDAR-TYPE:DEFAULT_OPEN',
      'X-WR-CALDESC:Deployment freezes of Svc/Fleet',
      'BEGIN:VEVENT',
      'DTSTAMP:20261126T000000Z',
      'SUMMARY:Peak\\, 2026',
      'DTSTART:20261126T000000Z',
      'DTEND:20261128T120000Z',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ]);
    expect(lines.filter((l) => /^UID:[0-9a-f]{32}$/.test(l))).toHaveLength(1);

    const runbook = onlyAutomation(template);
    expect(runbook.Properties.Content.mainSteps.map((step: { name: string }) => step.name)).toEqual([
      'RequireOpenChangeCalendar',
      'CreateDeployment',
    ]);
    expect(runbook.Properties.Content.mainSteps[0]).toMatchObject({
      action: 'aws:assertAwsResourceProperty',
      inputs: { Service: 'ssm', Api: 'GetCalendarState', PropertySelector: '$.State', DesiredValues: ['OPEN'] },
    });
    expect(JSON.stringify(runbook.Properties.Content.mainSteps[0].inputs.CalendarNames)).toContain(calendarId);
    expect(runbook.Properties.Content.mainSteps[1]).toMatchObject({
      action: 'aws:executeAwsApi',
      inputs: { Service: 'codedeploy', Api: 'CreateDeployment' },
    });
  });

  test('THEN the runbook role may read only this calendar and deploy only to this group', () => {
    const { template } = base();
    const calendarId = Object.keys(
      template.findResources('AWS::SSM::Document', { Properties: { DocumentType: 'ChangeCalendar' } }),
    )[0];
    const groupId = Object.keys(template.findResources('AWS::CodeDeploy::DeploymentGroup'))[0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((p: Json) =>
      JSON.stringify(p.Properties.PolicyDocument),
    );
    const deployPolicy = policies.find((p) => p.includes('ssm:GetCalendarState'))!;
    expect(deployPolicy).toContain(calendarId);
    expect(deployPolicy).toContain('codedeploy:CreateDeployment');
    expect(deployPolicy).toContain(groupId);
    expect(deployPolicy).not.toContain('"Resource":"*"');
  });

  test('THEN every resource carries ha:version from the prop, or from the ha:version context value', () => {
    const fromProp = full().template;
    fromProp.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([{ Key: 'ha:version', PropagateAtLaunch: true, Value: '2026.11.27' }]),
    });
    fromProp.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Tags: Match.arrayWith([{ Key: 'ha:version', Value: '2026.11.27' }]),
    });
    const fromContext = synth({ context: { 'ha:version': 'abc123' } }).template;
    fromContext.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      TagSpecifications: Match.arrayWith([
        { ResourceType: 'launch-template', Tags: Match.arrayWith([{ Key: 'ha:version', Value: 'abc123' }]) },
      ]),
    });
    const none = JSON.stringify(base().template.toJSON());
    expect(none).not.toContain('ha:version');
  });
});

describe('ResilientFleet: scaling and load management', () => {
  test('THEN target tracking on CPU, and on requests per target when a target is given', () => {
    const { template } = full();
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
        TargetValue: 40,
      }),
    });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
        TargetValue: 1200,
      }),
    });
  });

  test('GIVEN TIER_0 THEN predictive scaling forecasts and scales, buffered by the health-check grace period, within maxCapacity', () => {
    const { template } = base();
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'PredictiveScaling',
      PredictiveScalingConfiguration: {
        Mode: 'ForecastAndScale',
        SchedulingBufferTime: 300,
        MaxCapacityBreachBehavior: 'HonorMaxCapacity',
        MetricSpecifications: [
          { TargetValue: 50, PredefinedMetricPairSpecification: { PredefinedMetricType: 'ASGCPUUtilization' } },
        ],
      },
    });
  });

  test.each([
    ['TIER_3', () => once('TIER_3 2', () => ({ tier: ServiceTier.TIER_3, zones: US_EAST_1.slice(0, 2) }))],
    ['a TIER_0 standby', () => once('TIER_0 standby', () => ({ role: HaRole.STANDBY }))],
  ])('GIVEN %s THEN no predictive scaling', (_name, fleetOf) => {
    const { template } = fleetOf();
    template.resourcePropertiesCountIs('AWS::AutoScaling::ScalingPolicy', { PolicyType: 'PredictiveScaling' }, 0);
  });

  test('GIVEN a queue THEN step scaling on backlog per in-service instance, out by one per AZ', () => {
    const { template } = full();
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: Match.arrayWith([
        Match.objectLike({ ScalingAdjustment: 3 }),
        Match.objectLike({ ScalingAdjustment: 6 }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 100,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(instances > 0, visible / instances, visible)' })]),
    });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MetricsCollection: [{ Granularity: '1Minute' }],
    });
  });

  test("GIVEN a queue THEN exactly the step policies and alarms aws-cdk-lib's scaleOnMetric wrote (same logical ids), without its deprecated cooldown", () => {
    const { template } = full();
    const group = { Ref: 'FleetAutoScalingGroupASGDF45BDA5' };
    const backlog = [
      {
        Expression: 'IF(instances > 0, visible / instances, visible)',
        Id: 'expr_1',
        Label: 'Queue backlog per in-service instance',
        ReturnData: true,
      },
      {
        Id: 'visible',
        ReturnData: false,
        MetricStat: {
          Metric: {
            Dimensions: [{ Name: 'QueueName', Value: 'work' }],
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Namespace: 'AWS/SQS',
          },
          Period: 60,
          Stat: 'Maximum',
        },
      },
      {
        Id: 'instances',
        ReturnData: false,
        MetricStat: {
          Metric: {
            Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }],
            MetricName: 'GroupInServiceInstances',
            Namespace: 'AWS/AutoScaling',
          },
          Period: 60,
          Stat: 'Average',
        },
      },
    ];
    const resources = template.toJSON().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const scaling = Object.fromEntries(
      Object.entries(resources)
        .filter(([id]) => id.startsWith('FleetAutoScalingGroupQueueBacklogScaling'))
        .map(([id, r]) => [id, { Type: r.Type, Properties: { ...r.Properties, Tags: undefined } }]),
    );
    expect(scaling).toEqual({
      FleetAutoScalingGroupQueueBacklogScalingLowerPolicy4B8C92CA: {
        Type: 'AWS::AutoScaling::ScalingPolicy',
        Properties: {
          AdjustmentType: 'ChangeInCapacity',
          AutoScalingGroupName: group,
          PolicyType: 'StepScaling',
          StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }],
        },
      },
      FleetAutoScalingGroupQueueBacklogScalingLowerAlarmAFCDD25F: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmActions: [{ Ref: 'FleetAutoScalingGroupQueueBacklogScalingLowerPolicy4B8C92CA' }],
          AlarmDescription: 'Lower threshold scaling alarm',
          ComparisonOperator: 'LessThanOrEqualToThreshold',
          EvaluationPeriods: 1,
          Metrics: backlog,
          Threshold: 50,
        },
      },
      FleetAutoScalingGroupQueueBacklogScalingUpperPolicyCF4D43E2: {
        Type: 'AWS::AutoScaling::ScalingPolicy',
        Properties: {
          AdjustmentType: 'ChangeInCapacity',
          AutoScalingGroupName: group,
          PolicyType: 'StepScaling',
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 100, ScalingAdjustment: 3 },
            { MetricIntervalLowerBound: 100, ScalingAdjustment: 6 },
          ],
        },
      },
      FleetAutoScalingGroupQueueBacklogScalingUpperAlarm1E57D84B: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmActions: [{ Ref: 'FleetAutoScalingGroupQueueBacklogScalingUpperPolicyCF4D43E2' }],
          AlarmDescription: 'Upper threshold scaling alarm',
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: 1,
          Metrics: backlog,
          Threshold: 100,
        },
      },
    });
  });

  test('GIVEN every optional feature THEN no deprecated aws-cdk-lib API is used (jsii fails synthesis on one)', () => {
    const mode = process.env.JSII_DEPRECATED;
    process.env.JSII_DEPRECATED = 'fail';
    try {
      expect(() => synth(everyFeature())).not.toThrow();
    } finally {
      if (mode === undefined) delete process.env.JSII_DEPRECATED;
      else process.env.JSII_DEPRECATED = mode;
    }
  });

  test('GIVEN prewarm actions THEN scheduled actions raise the minimum and return it to the fleet capacity', () => {
    const { template } = full();
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '30 7 * * *',
      MinSize: 15,
      TimeZone: 'Europe/Paris',
    });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '0 22 * * *', MinSize: 9 });
  });

  test('GIVEN explicit props THEN they win over the tier: no predictive scaling or autoshift for TIER_0, both for TIER_2', () => {
    const optOut = synth({ predictiveScaling: false, zonalAutoshift: false }).template;
    optOut.resourceCountIs('AWS::ARCZonalShift::ZonalAutoshiftConfiguration', 0);
    optOut.resourcePropertiesCountIs('AWS::AutoScaling::ScalingPolicy', { PolicyType: 'PredictiveScaling' }, 0);
    const optIn = synth({
      tier: ServiceTier.TIER_2,
      zones: US_EAST_1.slice(0, 2),
      predictiveScaling: true,
      zonalAutoshift: true,
      predictiveSchedulingBuffer: Duration.minutes(10),
    }).template;
    optIn.resourceCountIs('AWS::ARCZonalShift::ZonalAutoshiftConfiguration', 1);
    optIn.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'PredictiveScaling',
      PredictiveScalingConfiguration: Match.objectLike({ SchedulingBufferTime: 600 }),
    });
  });

  test('GIVEN a standby THEN prewarm actions are not applied (the standby stays scaled down)', () => {
    const { template } = tier1Standby();
    template.resourceCountIs('AWS::AutoScaling::ScheduledAction', 0);
  });
});

describe('ResilientFleet: rate limiting and protection', () => {
  test('THEN a regional web ACL rate-limits each client IP (health check exempt) before the AWS managed rule groups', () => {
    const { template } = full();
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Priority: 0,
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: {
              Limit: 500,
              AggregateKeyType: 'IP',
              EvaluationWindowSec: 300,
              ScopeDownStatement: {
                NotStatement: {
                  Statement: {
                    ByteMatchStatement: {
                      FieldToMatch: { UriPath: {} },
                      PositionalConstraint: 'EXACTLY',
                      SearchString: '/healthz',
                      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
                    },
                  },
                },
              },
            },
          },
        }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Priority: 1,
          OverrideAction: { None: {} },
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
        }),
        Match.objectLike({
          Name: 'AWSManagedRulesKnownBadInputsRuleSet',
          Priority: 2,
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
        }),
      ],
    });
  });

  test('THEN the web ACL is associated with the load balancer and logs to an encrypted, retained aws-waf-logs- group', () => {
    const { template, stack, fleet } = base();
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: logicalIdOf(stack, fleet.loadBalancer) },
      WebACLArn: { 'Fn::GetAtt': [stack.getLogicalId(fleet.webAcl), 'Arn'] },
    });
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: {
        LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'),
        RetentionInDays: 365,
        KmsKeyId: Match.anyValue(),
      },
    });
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
  });

  test('GIVEN no rate limit THEN 2000 requests per 5 minutes per IP', () => {
    const { template } = base();
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 2000 }) } }),
      ]),
    });
  });
});

describe('ResilientFleet: interfaces', () => {
  test('THEN metric helpers name the load balancer, target group and AZ', () => {
    const { fleet, stack } = base();
    const p99 = fleet.metricLatency(99);
    expect(p99.metricName).toBe('TargetResponseTime');
    expect(p99.statistic).toBe('p99');
    expect(fleet.metricRequestCount().metricName).toBe('RequestCount');
    expect(Object.keys(fleet.metricHttp5xx().usingMetrics)).toEqual(['elb5xx', 'target5xx']);
    const perAz = fleet.metricHealthyHostsPerAz();
    expect(Object.keys(perAz)).toEqual(US_EAST_1);
    const dims = stack.resolve(perAz['us-east-1b'].dimensions);
    expect(dims.AvailabilityZone).toBe('us-east-1b');
    expect(JSON.stringify(dims.LoadBalancer)).toContain(logicalIdOf(stack, fleet.loadBalancer));
    expect(JSON.stringify(dims.TargetGroup)).toContain(logicalIdOf(stack, fleet.targetGroup));
    expect(perAz['us-east-1b'].statistic).toBe('Minimum');
  });

  test("THEN connections are the instances': a client grant opens the instance security group", () => {
    const { fleet } = base();
    expect(fleet.connections.securityGroups).toEqual(fleet.autoScalingGroup.connections.securityGroups);
    expect(fleet.connections.securityGroups).not.toEqual(fleet.loadBalancer.connections.securityGroups);
  });

  test('THEN every fleet resource carries the HA metadata record', () => {
    const { template } = snapshotFleet();
    const resources = Object.entries(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    ).filter(([logicalId]) => logicalId.startsWith('Fleet'));
    expect(resources.length).toBeGreaterThan(30);
    for (const [, resource] of resources) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'snapshot',
        tier: 'TIER_0',
        component: 'ResilientFleet',
        role: 'primary',
        failureDomain: 'region',
      });
    }
  });
});

describe('ResilientFleet: bad input', () => {
  test.each<[FleetOverrides, string]>([
    [
      { networkTier: ServiceTier.TIER_3, zones: ['us-east-1a', 'us-east-1b'] },
      "vpc must have private subnets with egress (the fleet's subnets when vpcSubnets is not given) in at least 3 AZs for TIER_0, got: 2 (us-east-1a, us-east-1b)",
    ],
    [
      {
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: ['us-east-1a', 'us-east-1b'] },
      },
      'vpcSubnets must list at least 3 zones for TIER_0, got: 2 (us-east-1a, us-east-1b)',
    ],
    [
      { tier: SINGLE_AZ, zones: ['us-east-1a'] },
      'vpc must have public subnets in at least 2 AZs for an internet-facing load balancer: an Application Load Balancer needs subnets in two AZs, got: 1 (us-east-1a)',
    ],
    [
      { tier: SINGLE_AZ, zones: ['us-east-1a'], internetFacing: false },
      "vpc must have subnets in at least 2 AZs for an internal load balancer (it runs in the fleet's subnets): an Application Load Balancer needs subnets in two AZs, got: 1 (us-east-1a)",
    ],
    [{ instanceTypes: [] }, 'instanceTypes must list at least one instance type, got: none'],
    [{ requiredCapacity: 0 }, 'requiredCapacity must be an integer of at least 1, got: 0'],
    [{ requiredCapacity: 2.5 }, 'requiredCapacity must be an integer of at least 1, got: 2.5'],
    [{ requiredCapacity: 20, maxCapacity: 18 }, 'requiredCapacity must be at most maxCapacity (18), got: 20'],
    [
      { requiredCapacity: 6, maxCapacity: 8 },
      'maxCapacity must be at least 9 for TIER_0 (static stability: 3 per AZ × 3 AZs so that losing one AZ leaves requiredCapacity 6), got: 8',
    ],
    [
      { tier: ServiceTier.TIER_3, zones: US_EAST_1, requiredCapacity: 1, maxCapacity: 2 },
      'maxCapacity must be at least 3 for TIER_3 (one instance in each of 3 AZs), got: 2',
    ],
    [{ standbyCapacity: 19 }, 'standbyCapacity must be at most maxCapacity (18), got: 19'],
    [
      { maxCapacity: 15, placementStrategy: FleetPlacementStrategy.SPREAD },
      'placementStrategy SPREAD holds at most 7 instances per AZ, but after losing one of 3 AZs maxCapacity 15 needs 8 per AZ in the others; use PARTITION or leave placementStrategy unset, got: SPREAD',
    ],
    [
      { rateLimitPerIp: 5 },
      'rateLimitPerIp must be an integer of at least 10 (the lowest limit AWS WAF accepts, per 5 minutes), got: 5',
    ],
    [
      { rateLimitPerIp: 2_000_000_001 },
      'rateLimitPerIp must be at most 2000000000 (the highest limit AWS WAF accepts, per 5 minutes), got: 2000000001',
    ],
    [{ healthCheckPath: 'health' }, 'healthCheckPath must start with \'/\' and contain no whitespace, got: "health"'],
    [
      { healthCheckPath: '/health check' },
      'healthCheckPath must start with \'/\' and contain no whitespace, got: "/health check"',
    ],
    [{ instancePort: 70000 }, 'instancePort must be an integer from 1 to 65535, got: 70000'],
    [
      { targetCpuPercent: 0 },
      'targetCpuPercent must be greater than 0 and less than 100 (an average above 100 never happens, so the fleet would never scale out), got: 0',
    ],
    [
      { targetCpuPercent: 100 },
      'targetCpuPercent must be greater than 0 and less than 100 (an average above 100 never happens, so the fleet would never scale out), got: 100',
    ],
    [{ targetRequestsPerMinute: -1 }, 'targetRequestsPerMinute must be greater than 0, got: -1'],
    [{ backlogPerInstance: 10 }, 'queue and backlogPerInstance must be given together, got: backlogPerInstance alone'],
    [
      { rootVolumeSizeGiB: 0 },
      'rootVolumeSizeGiB must be an integer from 1 to 16384 (the sizes a gp3 volume may have), got: 0',
    ],
    [
      { predictiveSchedulingBuffer: Duration.minutes(90) },
      'predictiveSchedulingBuffer must be at most 1 hour (the longest buffer predictive scaling accepts), got: 1 hour 30 minutes',
    ],
    [
      { prewarm: [{ schedule: autoscaling.Schedule.cron({ hour: '7' }), minCapacity: 19 }] },
      "prewarm minCapacity must be an integer from the fleet's capacity (9) to maxCapacity (18), got: 19 for * 7 * * *",
    ],
    [
      { prewarm: [{ schedule: autoscaling.Schedule.cron({ hour: '7' }), minCapacity: 3 }] },
      "prewarm minCapacity must be an integer from the fleet's capacity (9) to maxCapacity (18), got: 3 for * 7 * * *",
    ],
    [
      {
        prewarm: [
          { schedule: autoscaling.Schedule.cron({ hour: '7' }), minCapacity: 9 },
          { schedule: autoscaling.Schedule.cron({ hour: '7' }), minCapacity: 12 },
        ],
      },
      'prewarm must not repeat a schedule, got: * 7 * * * more than once',
    ],
    [
      {
        deploymentFreezes: [
          { name: 'Launch', start: new Date('2026-12-02T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') },
        ],
      },
      'deploymentFreezes must end after they start, got: Launch from 2026-12-02T00:00:00.000Z to 2026-12-01T00:00:00.000Z',
    ],
    [
      {
        deploymentFreezes: [
          { name: 'two\nlines', start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-02T00:00:00Z') },
        ],
      },
      'deploymentFreezes name must be a non-empty single line, got: "two\\nlines"',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (overrides, message) => {
    expectValidationError(() => synth(overrides), message);
  });

  test("GIVEN a tier object that skipped ServiceTier.custom (statically stable, minAzs 1) and a one-AZ vpc THEN a ValidationError naming vpc, not core's RangeError", () => {
    // JavaScript callers can hand over such an object; core's staticallyStableCapacity would throw a bare RangeError on it.
    const unchecked: ServiceTier = Object.assign(Object.create(ServiceTier.prototype), ServiceTier.TIER_0, {
      name: 'UNCHECKED',
      minAzs: 1,
    });
    expectValidationError(
      () => synth({ tier: unchecked, networkTier: SINGLE_AZ, zones: ['us-east-1a'] }),
      "vpc must have private subnets with egress (the fleet's subnets when vpcSubnets is not given) in at least 2 AZs for UNCHECKED (static stability keeps peak capacity in the AZs that survive the loss of one), got: 1 (us-east-1a)",
    );
    expectValidationError(
      () =>
        synth({
          tier: unchecked,
          networkTier: SINGLE_AZ,
          zones: ['us-east-1a'],
          vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        }),
      'vpcSubnets must select subnets in at least 2 AZs for UNCHECKED (static stability keeps peak capacity in the AZs that survive the loss of one), got: 1 (us-east-1a)',
    );
  });

  test('GIVEN a trust store without a certificate THEN a ValidationError', () => {
    const trustStore = elbv2.TrustStore.fromTrustStoreArn(
      new Stack(),
      'Ts',
      'arn:aws:elasticloadbalancing:us-east-1:111111111111:truststore/callers/0123456789abcdef',
    );
    expect(() => synth({ certificate: undefined, trustStore })).toThrow(
      'trustStore needs certificate: mutual TLS runs on the HTTPS listener, got: no certificate',
    );
  });

  test('GIVEN an environment-agnostic stack THEN a ValidationError (access logs need the region)', () => {
    const stack = new Stack(recommendedApp(), 'Agnostic');
    const network = new MultiAzNetwork(stack, 'Network', { tier: ServiceTier.TIER_3 });
    expectValidationError(
      () =>
        new ResilientFleet(stack, 'Fleet', {
          tier: ServiceTier.TIER_3,
          vpc: network.vpc,
          machineImage: ec2.MachineImage.latestAmazonLinux2023(),
          instanceTypes: TYPES,
          requiredCapacity: 2,
          maxCapacity: 4,
        }),
      "the stack's region must be known at synthesis (env: { region }) for the load balancer's access logs, got: an environment-agnostic stack",
    );
  });

  test('GIVEN a percentile outside (0, 100) THEN metricLatency throws a ValidationError', () => {
    const { fleet } = base();
    expect(() => fleet.metricLatency(100)).toThrow('percentile must be greater than 0 and less than 100, got: 100');
  });
});

describe('ResilientFleet: roles, logs and notifications', () => {
  /** An AWS managed policy's ARN as CloudFormation writes it. */
  const ELB_ACCOUNT_US_EAST_1 = 'arn:aws:iam::127311923021:root';
  const managedPolicy = (name: string) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]],
  });

  test('THEN instances have SSM core, and may signal only their stack and read only the CodeDeploy agent', () => {
    const { template } = base();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
      ManagedPolicyArns: [managedPolicy('AmazonSSMManagedInstanceCore')],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FleetInstanceRole') }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'cloudformation:SignalResource', Resource: { Ref: 'AWS::StackId' } },
          {
            Effect: 'Allow',
            Action: ['s3:GetBucket*', 's3:GetObject*', 's3:List*'],
            Resource: ['arn:aws:s3:::aws-codedeploy-us-east-1', 'arn:aws:s3:::aws-codedeploy-us-east-1/latest/*'],
          },
        ],
      },
    });
  });

  test('THEN only SSM of this account runs the deploy runbook, and CodeDeploy deploys via the target group', () => {
    const { template } = base();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'ssm.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'codedeploy.amazonaws.com' } })],
      },
      ManagedPolicyArns: [managedPolicy('service-role/AWSCodeDeployRole')],
    });
    const targetGroup = { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetTargetGroup'), 'TargetGroupName'] };
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      LoadBalancerInfo: { TargetGroupInfoList: [{ Name: targetGroup }] },
      DeploymentConfigName: { Ref: Match.stringLikeRegexp('^FleetDeploymentConfig') },
    });
    const content = onlyAutomation(template).Properties.Content;
    expect(Object.keys(content.parameters)).toEqual(['AutomationAssumeRole', 'S3Bucket', 'S3Key', 'BundleType']);
    expect(content.mainSteps[1].inputs.revision).toEqual({
      revisionType: 'S3',
      s3Location: { bucket: '{{ S3Bucket }}', key: '{{ S3Key }}', bundleType: '{{ BundleType }}' },
    });
  });

  test('THEN ELB writes access logs only under access/AWSLogs of this account, over TLS 1.2 or later', () => {
    const { template } = base();
    const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket'));
    const prefix = {
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/access/AWSLogs/', { Ref: 'AWS::AccountId' }, '/*']],
    };
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          // us-east-1's Elastic Load Balancing account, and the log delivery service of newer regions.
          { Effect: 'Allow', Action: 's3:PutObject', Resource: prefix, Principal: { AWS: ELB_ACCOUNT_US_EAST_1 } },
          {
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: prefix,
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
          },
        ]),
      },
    });
  });

  test('THEN the group reports launches, terminations and their errors; targets are healthy after two 200s', () => {
    const { template } = base();
    const group = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(group.Properties.NotificationConfigurations[0].NotificationTypes).toEqual([
      'autoscaling:EC2_INSTANCE_LAUNCH',
      'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
      'autoscaling:EC2_INSTANCE_TERMINATE',
      'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
    ]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthyThresholdCount: 2,
      Matcher: { HttpCode: '200' },
    });
    const targetGroup = { Ref: Match.stringLikeRegexp('^FleetTargetGroup') };
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroup }],
    });
  });

  test('THEN WAF logs to its group under a key CloudWatch Logs may use, and the alarm topic takes only TLS', () => {
    const { template } = base();
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetWebAcl'), 'Arn'] },
      LogDestinationConfigs: [
        {
          'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^FleetWebAclLogs') }])],
        },
      ],
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the WAF logs of Svc/Fleet',
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsOfThisAccount',
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: ALARM_TOPIC_STATEMENTS },
    });
  });
});

describe('ResilientFleet: snapshot', () => {
  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the TIER_0 fleet (beside the targeted assertions above)', () => {
    const { template } = snapshotFleet();
    expect(haSnapshot(template.toJSON())).toMatchSnapshot();
  });
});
