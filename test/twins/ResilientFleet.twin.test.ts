/* eslint-disable @typescript-eslint/no-explicit-any */
import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';
import { ResilientFleet } from '../../lib/aws/fleet';
import { HaRole, ServiceTier } from '../../lib/core';
import { ResilientFleet as TfResilientFleet } from '../../lib/tf/aws/fleet';
import { zonalVpc, ZONES } from '../proofs/fixtures';
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

/** One per-AZ metric alarm: what it reads and how it judges, with zones as indexes. */
interface ZoneAlarmValues {
  readonly kind: string;
  readonly zone: number;
  readonly expression?: string;
  readonly metrics: readonly string[];
  readonly judged: readonly unknown[];
}

/** The gray-failure handling of one fleet, read from either output. */
interface GrayValues {
  readonly alarms: readonly ZoneAlarmValues[];
  /** Per AZ, its Impaired composite's rule with alarms named `<kind><zone>`. */
  readonly rules: readonly string[];
  readonly runbook?: {
    readonly script: string;
    readonly guards: readonly unknown[];
    readonly steps: readonly string[];
    readonly zones: number;
  };
  /** Runbook role: trust principal and condition keys; each statement's actions and condition keys. */
  readonly iam?: readonly unknown[];
  readonly trigger?: readonly unknown[];
  /** Per AZ, the alarm state that starts the runbook and the AZ it is started with. */
  readonly triggers?: readonly unknown[];
}

const KINDS = ['Availability', 'Outlier', 'Latency'];
const sortAlarms = (a: ZoneAlarmValues, b: ZoneAlarmValues) =>
  a.zone - b.zone || KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind);

/** Actions and condition keys of a policy's statements, order-free. */
function statementShape(statements: Record<string, unknown>[]): unknown[] {
  return statements
    .map((s) => [
      ([] as string[]).concat(s.Action as string | string[]).sort(),
      Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)
        .flatMap(([op, keys]) => Object.keys(keys).map((k) => `${op}:${k}`))
        .sort(),
    ])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Trust: the service that may assume the role, and the condition keys guarding it. */
function trustShape(document: Record<string, unknown>): unknown[] {
  return (document.Statement as Record<string, unknown>[]).map((s) => [
    (s.Principal as { Service: string }).Service,
    ...statementShape([{ Action: 'sts:AssumeRole', Condition: s.Condition }]),
  ]);
}

function payloadGuards(content: Record<string, unknown>): { script: string; guards: unknown[]; steps: string[] } {
  const steps = content.mainSteps as { name: string; action: string; inputs: Record<string, unknown> }[];
  const payload = steps[0].inputs.InputPayload as Record<string, unknown>;
  return {
    script: steps[0].inputs.Script as string,
    guards: [payload.MinInstancesLeft, payload.MaxActiveShifts, payload.ExpiresIn, payload.Unit],
    steps: steps.map((s) => `${s.name}:${s.action}`),
  };
}

function cdkGray(p: GrayIntent): GrayValues {
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
        certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE),
        latencyThreshold: p.latencyMillis === undefined ? undefined : Duration.millis(p.latencyMillis),
        zonalShiftExpiry: p.expiryMinutes === undefined ? undefined : Duration.minutes(p.expiryMinutes),
      }),
  );
  const entries = Object.entries(resources);
  const zoneOfId = (id: string) => p.zones.findIndex((z) => id.includes(`ZonalDetection${z.replace(/-/g, '')}`));
  const kindOf = (id: string) => KINDS.find((k) => new RegExp(`${k}[0-9A-F]{8}$`).test(id))!;
  const alarmIds = entries
    .filter(([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && id.startsWith('FleetZonalDetection'))
    .map(([id]) => id);
  const alarms = alarmIds
    .map((id): ZoneAlarmValues => {
      const a = resources[id].Properties as Record<string, any>;
      const math = a.Metrics?.find((m: any) => m.Expression);
      const stats = (a.Metrics ?? [{ MetricStat: { Metric: a, Stat: a.ExtendedStatistic, Period: a.Period } }])
        .filter((m: any) => m.MetricStat)
        .map(
          (m: any) =>
            `${m.Id ?? ''}:${m.MetricStat.Metric.MetricName}:${m.MetricStat.Stat}:${m.MetricStat.Period}:` +
            p.zones.indexOf(m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'AvailabilityZone').Value),
        );
      return {
        kind: kindOf(id),
        zone: zoneOfId(id),
        expression: math?.Expression,
        metrics: stats,
        judged: [a.Threshold, a.ComparisonOperator, a.EvaluationPeriods, a.DatapointsToAlarm, a.TreatMissingData],
      };
    })
    .sort(sortAlarms);
  const rules = entries
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::CompositeAlarm')
    .sort(([a], [b]) => zoneOfId(a) - zoneOfId(b))
    .map(([, r]) =>
      ((r.Properties.AlarmRule as any)['Fn::Join'][1] as unknown[])
        .map((part) => {
          if (typeof part === 'string') return part;
          const id = (part as any)['Fn::GetAtt'][0] as string;
          return `${kindOf(id)}${zoneOfId(id)}`;
        })
        .join(''),
    );
  const document = cfnOfType(resources, 'AWS::SSM::Document').find((d) =>
    JSON.stringify(d.Content).includes('ShiftAwayIfSafe'),
  );
  if (!document) {
    return { alarms, rules };
  }
  const content = document.Content as Record<string, any>;
  const roles = cfnOfType(resources, 'AWS::IAM::Role');
  const runbookRole = roles.find((r) => /^Assumed by SSM Automation to shift/.test(String(r.Description)))!;
  const triggerRole = roles.find((r) => /^Lets EventBridge start the zonal shift runbook/.test(String(r.Description)))!;
  const [policy] = cfnOfType(resources, 'AWS::IAM::ManagedPolicy').filter((r) =>
    /zonal shift runbook/.test(String(r.Description)),
  );
  const triggerPolicy = cfnOfType(resources, 'AWS::IAM::Policy').find((r) =>
    JSON.stringify(r.Roles).includes('ZonalShiftTriggerRole'),
  )!;
  return {
    alarms,
    rules,
    runbook: { ...payloadGuards(content), zones: content.parameters.AvailabilityZone.allowedValues.length },
    iam: [
      trustShape(runbookRole.AssumeRolePolicyDocument as Record<string, unknown>),
      statementShape((policy.PolicyDocument as any).Statement),
    ],
    trigger: [
      trustShape(triggerRole.AssumeRolePolicyDocument as Record<string, unknown>),
      statementShape((triggerPolicy.PolicyDocument as any).Statement),
    ],
    triggers: cfnOfType(resources, 'AWS::Events::Rule').map((r) => [
      (r.EventPattern as any).detail,
      p.zones.indexOf(JSON.parse((r.Targets as any)[0].Input).AvailabilityZone[0]),
    ]),
  };
}

function tfGray(p: GrayIntent): GrayValues {
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
        certificateArn: CERTIFICATE,
        latencyThresholdSeconds: p.latencyMillis === undefined ? undefined : p.latencyMillis / 1000,
        zonalShiftExpirySeconds: p.expiryMinutes === undefined ? undefined : p.expiryMinutes * 60,
      }),
  );
  const resources = (json.resource ?? {}) as Record<string, Record<string, Record<string, any>>>;
  // Zone<i> is the AZ of load balancer subnet i, read at plan time: p.zones[i] in the CDK twin.
  const zoneOf = (text: string) => Number(/_Zone(\d)_/.exec(text)![1]);
  const kindOf = (name: string) => KINDS.find((k) => name.includes(`_${k}_`))!;
  const alarms = Object.entries(resources.aws_cloudwatch_metric_alarm ?? {})
    .filter(([name]) => name.startsWith('Fleet_ZonalDetection_'))
    .map(([name, a]): ZoneAlarmValues => {
      const math = a.metric_query?.find((q: any) => q.expression);
      const stats = (a.metric_query ?? [{ metric: { ...a, stat: a.extended_statistic } }])
        .filter((q: any) => q.metric)
        .map(
          (q: any) =>
            `${q.id ?? ''}:${q.metric.metric_name}:${q.metric.stat}:${q.metric.period}:` +
            zoneOf(q.metric.dimensions.AvailabilityZone),
        );
      return {
        kind: kindOf(name),
        zone: zoneOf(name),
        expression: math?.expression,
        metrics: stats,
        judged: [a.threshold, a.comparison_operator, a.evaluation_periods, a.datapoints_to_alarm, a.treat_missing_data],
      };
    })
    .sort(sortAlarms);
  const rules = Object.entries(resources.aws_cloudwatch_composite_alarm ?? {})
    .sort(([a], [b]) => zoneOf(a) - zoneOf(b))
    .map(([, c]) =>
      String(c.alarm_rule).replace(
        /\$\{aws_cloudwatch_metric_alarm\.([^.}]+)\.arn\}/g,
        (_m, name: string) => `${kindOf(name)}${zoneOf(name)}`,
      ),
    );
  const [document] = Object.values(resources.aws_ssm_document ?? {});
  if (!document) {
    return { alarms, rules };
  }
  const content = JSON.parse(document.content);
  const roles = Object.entries(resources.aws_iam_role).filter(([name]) => name.startsWith('Fleet_ZonalShift_'));
  const policies = Object.entries(resources.aws_iam_role_policy).filter(([name]) =>
    name.startsWith('Fleet_ZonalShift_'),
  );
  const trust = (suffix: string) =>
    JSON.parse(roles.find(([name]) => name.includes(`_${suffix}_`))![1].assume_role_policy);
  const permissions = (suffix: string) =>
    JSON.parse(policies.find(([name]) => name.includes(`_${suffix}_`))![1].policy).Statement;
  return {
    alarms,
    rules,
    runbook: { ...payloadGuards(content), zones: content.parameters.AvailabilityZone.allowedValues.length },
    iam: [trustShape(trust('Role')), statementShape(permissions('RolePolicy'))],
    trigger: [trustShape(trust('TriggerRole')), statementShape(permissions('TriggerRolePolicy'))],
    triggers: Object.entries(resources.aws_cloudwatch_event_rule).map(([name, r]) => [
      JSON.parse(r.event_pattern).detail,
      zoneOf(
        JSON.parse(
          Object.values(resources.aws_cloudwatch_event_target).find((t) => t.rule.includes(`.${name}.`))!.input,
        ).AvailabilityZone[0],
      ),
    ]),
  };
}

test.each(intents(grayIntent, 12).map((p, i) => [i, p] as const))(
  'intent %i: the CDK fleet and its Terraform twin detect a gray AZ and shift away from it alike',
  (_, p) => {
    const cdk = cdkGray(p);
    const tf = tfGray(p);
    expect(tf).toEqual(cdk);
    // Not two empty renderings that agree: a serving, statically stable fleet detects and shifts.
    const serving = p.tier.staticallyStable && p.role !== HaRole.STANDBY;
    expect(cdk.alarms).toHaveLength(serving ? p.zones.length * (p.latencyMillis === undefined ? 2 : 3) : 0);
    expect(cdk.runbook?.guards.slice(0, 3)).toEqual(
      serving ? [p.required, 1, `${p.expiryMinutes ?? 180}m`] : undefined,
    );
  },
);
