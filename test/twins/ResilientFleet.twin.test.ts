import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';
import { ResilientFleet } from '../../lib/aws/fleet';
import { HaRole, ServiceTier } from '../../lib/core';
import { planZonalShift } from '../../lib/core/plans/zonal-shift';
import { ResilientFleet as TfResilientFleet } from '../../lib/tf/aws/fleet';
import { zonalVpc, ZONES } from '../proofs/fixtures';
import { cdkGray, GrayValues, tfGray } from './gray-failure';
import { cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * ResilientFleet on CloudFormation and on Terraform, from one intent: the same capacity, placement,
 * target health check, error alarm and CPU target, all from core's planFleet; and the same gray-failure
 * detection and zonal shift (below).
 */

const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    role: fc.constantFrom(HaRole.PRIMARY, HaRole.STANDBY),
    required: fc.integer({ min: 1, max: 12 }),
    headroom: fc.integer({ min: 0, max: 20 }),
    extraZones: fc.integer({ min: 0, max: 1 }),
    instancePort: fc.integer({ min: 1024, max: 65535 }),
    targetCpuPercent: fc.integer({ min: 10, max: 90 }),
    rootVolumeSizeGiB: fc.integer({ min: 8, max: 200 }),
  })
  .map((p) => {
    const zones = ZONES['us-east-1'].slice(0, Math.max(p.tier.minAzs, 2) + p.extraZones);
    const required = p.tier.staticallyStable ? Math.max(p.required, zones.length) : p.required;
    // At least what the tier makes the fleet run: static stability adds an AZ's worth.
    const floor = p.tier.staticallyStable
      ? Math.ceil(required / (zones.length - 1)) * zones.length
      : Math.max(required, zones.length);
    return { ...p, zones, required, max: floor + p.headroom };
  });
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

const CERTIFICATE = 'arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';

/** The HA values of one fleet, read from either output. */
interface FleetValues {
  readonly min: number;
  readonly max: number;
  readonly placement: string;
  readonly health: readonly unknown[];
  readonly alarm: readonly unknown[];
  readonly cpuTarget: number;
  readonly rootVolumeGiB: number;
}

function cdkValues(p: Intent): FleetValues {
  const resources = cdkResources(
    (stack) =>
      new ResilientFleet(stack, 'Fleet', {
        tier: p.tier,
        role: p.role,
        vpc: zonalVpc(stack, ZONES['us-east-1']),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: p.zones },
        internetFacing: false,
        machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
        instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
        requiredCapacity: p.required,
        maxCapacity: p.max,
        instancePort: p.instancePort,
        targetCpuPercent: p.targetCpuPercent,
        rootVolumeSizeGiB: p.rootVolumeSizeGiB,
        certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE),
      }),
  );
  const [asg] = cfnOfType(resources, 'AWS::AutoScaling::AutoScalingGroup');
  const [group] = cfnOfType(resources, 'AWS::EC2::PlacementGroup');
  const [tg] = cfnOfType(resources, 'AWS::ElasticLoadBalancingV2::TargetGroup');
  const alarm = cfnOfType(resources, 'AWS::CloudWatch::Alarm').find((a) =>
    JSON.stringify(a.Metrics ?? '').includes('elb5xx'),
  )!;
  const [cpu] = cfnOfType(resources, 'AWS::AutoScaling::ScalingPolicy').filter((s) =>
    JSON.stringify(s).includes('ASGAverageCPUUtilization'),
  );
  const [template] = cfnOfType(resources, 'AWS::EC2::LaunchTemplate');
  const data = template.LaunchTemplateData as { BlockDeviceMappings: { Ebs: { VolumeSize: number } }[] };
  const metrics = alarm.Metrics as { Id: string; MetricStat?: { Period: number } }[];
  return {
    min: Number(asg.MinSize),
    max: Number(asg.MaxSize),
    placement: String(group.Strategy),
    health: [
      tg.HealthCheckPath,
      tg.Port,
      tg.HealthCheckIntervalSeconds,
      tg.HealthCheckTimeoutSeconds,
      tg.UnhealthyThresholdCount,
      tg.HealthyThresholdCount,
      (tg.Matcher as { HttpCode: string }).HttpCode,
      Number(
        (tg.TargetGroupAttributes as { Key: string; Value: string }[]).find(
          (a) => a.Key === 'deregistration_delay.timeout_seconds',
        )?.Value,
      ),
    ],
    alarm: [alarm.Threshold, alarm.EvaluationPeriods, metrics.find((m) => m.Id === 'requests')!.MetricStat!.Period],
    cpuTarget: Number((cpu.TargetTrackingConfiguration as { TargetValue: number }).TargetValue),
    rootVolumeGiB: data.BlockDeviceMappings[0].Ebs.VolumeSize,
  };
}

function tfValues(p: Intent): FleetValues {
  const json = tfJson(
    (stack) =>
      new TfResilientFleet(stack, 'Fleet', {
        tier: p.tier,
        role: p.role,
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: p.zones.map((_, i) => `subnet-b${i}`),
        loadBalancerSubnetIds: p.zones.map((_, i) => `subnet-a${i}`),
        internetFacing: false,
        imageId: 'ami-0123456789abcdef0',
        instanceTypes: ['m7g.large', 'm6g.large'],
        requiredCapacity: p.required,
        maxCapacity: p.max,
        instancePort: p.instancePort,
        targetCpuPercent: p.targetCpuPercent,
        rootVolumeSizeGiB: p.rootVolumeSizeGiB,
        certificateArn: CERTIFICATE,
      }),
  );
  const [asg] = tfOfType(json, 'aws_autoscaling_group');
  const [group] = tfOfType(json, 'aws_placement_group');
  const [tg] = tfOfType(json, 'aws_lb_target_group');
  const hc = tg.health_check as Record<string, unknown>;
  const alarm = tfOfType(json, 'aws_cloudwatch_metric_alarm').find((a) => String(a.alarm_name).endsWith('-fleet-5xx'))!;
  const queries = alarm.metric_query as { id: string; metric?: { period: number } }[];
  const [cpu] = tfOfType(json, 'aws_autoscaling_policy');
  const [template] = tfOfType(json, 'aws_launch_template');
  const devices = template.block_device_mappings as { ebs: { volume_size: number } }[];
  return {
    min: Number(asg.min_size),
    max: Number(asg.max_size),
    placement: String(group.strategy),
    health: [
      hc.path,
      tg.port,
      hc.interval,
      hc.timeout,
      hc.unhealthy_threshold,
      hc.healthy_threshold,
      hc.matcher,
      Number(tg.deregistration_delay),
    ],
    alarm: [alarm.threshold, alarm.evaluation_periods, queries.find((q) => q.id === 'requests')!.metric!.period],
    cpuTarget: Number((cpu.target_tracking_configuration as { target_value: number }).target_value),
    rootVolumeGiB: Number(devices[0].ebs.volume_size),
  };
}

test.each(intents(intent).map((p, i) => [i, p] as const))(
  'intent %i: the CDK fleet and its Terraform twin render the same plan',
  (_, p) => {
    const cdk = cdkValues(p);
    expect(tfValues(p)).toEqual(cdk);
    // And the values are the plan's, not defaults that happen to agree.
    expect(cdk.cpuTarget).toBe(p.targetCpuPercent);
    expect(cdk.max).toBe(p.max);
  },
);

/*
 * Gray failures: the per-AZ detection (thresholds, periods, expressions, composite rules) and the
 * automatic zonal shift (runbook, guards, expiry, IAM, triggers) from core's planZonalOutlier and
 * planZonalShift, compared zone by zone.
 */

const grayIntent = fc
  .record({
    tier: fc.constantFrom(ServiceTier.TIER_0, ServiceTier.TIER_1, ServiceTier.TIER_2),
    role: fc.constantFrom(HaRole.PRIMARY, HaRole.PRIMARY, HaRole.STANDBY),
    extraZones: fc.integer({ min: 0, max: 1 }),
    required: fc.integer({ min: 3, max: 12 }),
    latencyMillis: fc.option(fc.integer({ min: 50, max: 2000 }), { nil: undefined }),
    expiryMinutes: fc.option(fc.integer({ min: 1, max: 72 * 60 }), { nil: undefined }),
  })
  .map((p) => {
    const zones = ZONES['us-east-1'].slice(0, p.tier.minAzs + p.extraZones);
    const perAz = Math.ceil(p.required / (zones.length - 1));
    return { ...p, zones, max: perAz * zones.length + 6 };
  });
type GrayIntent = typeof grayIntent extends fc.Arbitrary<infer T> ? T : never;

function cdkGrayResources(p: GrayIntent) {
  return cdkResources(
    (stack) =>
      new ResilientFleet(stack, 'Fleet', {
        tier: p.tier,
        role: p.role,
        vpc: zonalVpc(stack, ZONES['us-east-1']),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: p.zones },
        internetFacing: false,
        machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
        instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
        requiredCapacity: p.required,
        maxCapacity: p.max,
        certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE),
        latencyThreshold: p.latencyMillis === undefined ? undefined : Duration.millis(p.latencyMillis),
        zonalShiftExpiry: p.expiryMinutes === undefined ? undefined : Duration.minutes(p.expiryMinutes),
      }),
  );
}

function cdkGrayOf(p: GrayIntent): GrayValues {
  return cdkGray(cdkGrayResources(p), 'Fleet', p.zones);
}

function tfGrayJson(p: GrayIntent) {
  return tfJson(
    (stack) =>
      new TfResilientFleet(stack, 'Fleet', {
        tier: p.tier,
        role: p.role,
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: p.zones.map((_, i) => `subnet-b${i}`),
        loadBalancerSubnetIds: p.zones.map((_, i) => `subnet-a${i}`),
        internetFacing: false,
        imageId: 'ami-0123456789abcdef0',
        instanceTypes: ['m7g.large', 'm6g.large'],
        requiredCapacity: p.required,
        maxCapacity: p.max,
        certificateArn: CERTIFICATE,
        latencyThresholdSeconds: p.latencyMillis === undefined ? undefined : p.latencyMillis / 1000,
        zonalShiftExpirySeconds: p.expiryMinutes === undefined ? undefined : p.expiryMinutes * 60,
      }),
  );
}

function tfGrayOf(p: GrayIntent): GrayValues {
  return tfGray(tfGrayJson(p), 'Fleet');
}

test.each(intents(grayIntent, 12).map((p, i) => [i, p] as const))(
  'intent %i: the CDK fleet and its Terraform twin detect a gray AZ and shift away from it alike',
  (_, p) => {
    const cdk = cdkGrayOf(p);
    const tf = tfGrayOf(p);
    expect(tf).toEqual(cdk);
    // Not two empty renderings that agree: a serving, statically stable fleet detects and shifts.
    const serving = p.tier.staticallyStable && p.role !== HaRole.STANDBY;
    expect(cdk.alarms).toHaveLength(serving ? p.zones.length * (p.latencyMillis === undefined ? 2 : 3) : 0);
    expect(cdk.runbook?.guards.slice(0, 3)).toEqual(
      serving ? [p.required, 1, `${p.expiryMinutes ?? 180}m`] : undefined,
    );
  },
);

test('the one difference: CloudFormation registers the group with zonal shift as planned; Terraform cannot', () => {
  const p = intents(grayIntent, 12).find((i) => i.tier.staticallyStable && i.role === HaRole.PRIMARY)!;
  const planned = planZonalShift(p.tier, {
    detection: true,
    zoneCount: p.zones.length,
    requiredCapacity: p.required,
    perAzCapacity: Math.ceil(p.required / (p.zones.length - 1)),
  }).autoScalingGroup;
  const [cdkGroup] = cfnOfType(cdkGrayResources(p), 'AWS::AutoScaling::AutoScalingGroup');
  expect(cdkGroup.AvailabilityZoneImpairmentPolicy).toEqual({
    ZonalShiftEnabled: planned.zonalShiftEnabled,
    ImpairedZoneHealthCheckBehavior: planned.impairedZoneHealthCheckBehavior,
  });
  // The runbooks are the same, so Terraform's finds the group unregistered and says so (a warning tells why).
  const [tfGroup] = tfOfType(tfGrayJson(p), 'aws_autoscaling_group');
  expect(tfGroup.availability_zone_impairment_policy).toBeUndefined();
});
