/* eslint-disable @typescript-eslint/no-explicit-any */
import { CfnResource, cfnOfType } from './harness';

/**
 * The gray-failure handling of a serving construct, read from either engine's output: the per-AZ
 * detection (thresholds, periods, expressions, composite rules) of core's planZonalOutlier and the
 * automatic zonal shift (runbook, guards, expiry, IAM, triggers) of planZonalShift, zone by zone.
 * The fleet's and the service's twin tests compare them.
 */

/** One per-AZ metric alarm: what it reads and how it judges, with zones as indexes. */
export interface ZoneAlarmValues {
  readonly kind: string;
  readonly zone: number;
  readonly expression?: string;
  readonly metrics: readonly string[];
  readonly judged: readonly unknown[];
}

/** The gray-failure handling of one construct. */
export interface GrayValues {
  readonly alarms: readonly ZoneAlarmValues[];
  /** Per AZ, its Impaired composite's rule with alarms named `<kind><zone>`. */
  readonly rules: readonly string[];
  readonly runbook?: {
    readonly script: string;
    readonly guards: readonly unknown[];
    /** The names of what the capacity guard counts, in the runbook's payload. */
    readonly capacity: readonly string[];
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
const CAPACITY_KEYS = ['AutoScalingGroupName', 'Cluster', 'ServiceName'];

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

function runbookShape(content: Record<string, any>): NonNullable<GrayValues['runbook']> {
  const steps = content.mainSteps as { name: string; action: string; inputs: Record<string, unknown> }[];
  const payload = steps[0].inputs.InputPayload as Record<string, unknown>;
  return {
    script: steps[0].inputs.Script as string,
    guards: [payload.MinInstancesLeft, payload.MaxActiveShifts, payload.ExpiresIn, payload.Unit],
    capacity: CAPACITY_KEYS.filter((k) => k in payload),
    steps: steps.map((s) => `${s.name}:${s.action}`),
    zones: content.parameters.AvailabilityZone.allowedValues.length,
  };
}

/** From a CloudFormation template: `id` is the construct's id in the stack, `zones` its AZs. */
export function cdkGray(resources: Record<string, CfnResource>, id: string, zones: readonly string[]): GrayValues {
  const entries = Object.entries(resources);
  const zoneOfId = (logical: string) =>
    zones.findIndex((z) => logical.includes(`ZonalDetection${z.replace(/-/g, '')}`));
  const kindOf = (logical: string) => KINDS.find((k) => new RegExp(`${k}[0-9A-F]{8}$`).test(logical))!;
  const alarms = entries
    .filter(([logical, r]) => r.Type === 'AWS::CloudWatch::Alarm' && logical.startsWith(`${id}ZonalDetection`))
    .map(([logical, r]): ZoneAlarmValues => {
      const a = r.Properties as Record<string, any>;
      const math = a.Metrics?.find((m: any) => m.Expression);
      const stats = (a.Metrics ?? [{ MetricStat: { Metric: a, Stat: a.ExtendedStatistic, Period: a.Period } }])
        .filter((m: any) => m.MetricStat)
        .map(
          (m: any) =>
            `${m.Id ?? ''}:${m.MetricStat.Metric.MetricName}:${m.MetricStat.Stat}:${m.MetricStat.Period}:` +
            zones.indexOf(m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'AvailabilityZone').Value),
        );
      return {
        kind: kindOf(logical),
        zone: zoneOfId(logical),
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
          const logical = (part as any)['Fn::GetAtt'][0] as string;
          return `${kindOf(logical)}${zoneOfId(logical)}`;
        })
        .join(''),
    );
  const document = cfnOfType(resources, 'AWS::SSM::Document').find((d) =>
    JSON.stringify(d.Content).includes('ShiftAwayIfSafe'),
  );
  if (!document) {
    return { alarms, rules };
  }
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
    runbook: runbookShape(document.Content as Record<string, any>),
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
      zones.indexOf(JSON.parse((r.Targets as any)[0].Input).AvailabilityZone[0]),
    ]),
  };
}

/**
 * From Terraform JSON: `id` is the construct's id in the stack. `Zone<i>` is the AZ of load balancer
 * subnet i, read at plan time: zone i of the CDK twin.
 */
export function tfGray(json: Record<string, unknown>, id: string): GrayValues {
  const resources = (json.resource ?? {}) as Record<string, Record<string, Record<string, any>>>;
  const zoneOf = (text: string) => Number(/_Zone(\d)_/.exec(text)![1]);
  const kindOf = (name: string) => KINDS.find((k) => name.includes(`_${k}_`))!;
  const alarms = Object.entries(resources.aws_cloudwatch_metric_alarm ?? {})
    .filter(([name]) => name.startsWith(`${id}_ZonalDetection_`))
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
  const [document] = Object.values(resources.aws_ssm_document ?? {}).filter((d) =>
    String(d.content).includes('ShiftAwayIfSafe'),
  );
  if (!document) {
    return { alarms, rules };
  }
  const prefix = `${id}_ZonalShift_`;
  const roles = Object.entries(resources.aws_iam_role).filter(([name]) => name.startsWith(prefix));
  const policies = Object.entries(resources.aws_iam_role_policy).filter(([name]) => name.startsWith(prefix));
  const trust = (suffix: string) =>
    JSON.parse(roles.find(([name]) => name.startsWith(`${prefix}${suffix}_`))![1].assume_role_policy);
  const permissions = (suffix: string) =>
    JSON.parse(policies.find(([name]) => name.startsWith(`${prefix}${suffix}_`))![1].policy).Statement;
  return {
    alarms,
    rules,
    runbook: runbookShape(JSON.parse(document.content)),
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
