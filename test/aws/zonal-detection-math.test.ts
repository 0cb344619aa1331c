import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { TerraformStack, Testing } from 'cdktf';
import { ResilientFleet, ServiceTier } from '../../lib';
import { ResilientFleet as TfResilientFleet } from '../../lib/tf/aws/fleet';
import { testApp } from '../util';
import { evaluate, evaluateRule, Value } from '../zonal-metric-math';

/**
 * Drives the rendered per-AZ alarms of both engines with synthetic per-AZ minutes: the metric-math
 * expressions and the composite rules are read from the CloudFormation template and from the
 * Terraform JSON and evaluated by a small interpreter (test/zonal-metric-math.ts: the subset of
 * CloudWatch metric math and alarm-rule syntax they use), not re-stated.
 */

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** One minute of one AZ: requests, target 5xx and ELB 5xx through its node, and its p99 (undefined: no data). */
interface ZoneMinute {
  readonly requests?: number;
  readonly target5xx?: number;
  readonly elb5xx?: number;
  readonly p99?: number;
}

/** One metric a rendered alarm reads: its name and the index of its AZ in ZONES. */
interface ReadMetric {
  readonly metricName: string;
  readonly zone: number;
}

/** A rendered per-AZ metric alarm, in the terms of either engine. */
interface RenderedAlarm {
  /** What the composite rules name it by. */
  readonly id: string;
  /** The metric-math expression and its inputs by id, or the one metric it reads. */
  readonly expression?: string;
  readonly inputs: Record<string, ReadMetric>;
  readonly metric?: ReadMetric;
  readonly threshold: number;
  readonly comparison: string;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** The rendered detection: per-AZ alarms, and each AZ's composite rule over their ids. */
interface Rendered {
  readonly alarms: RenderedAlarm[];
  readonly composites: { readonly zone: string; readonly rule: string }[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const FLEET = { tier: ServiceTier.TIER_1, requiredCapacity: 6, maxCapacity: 12 };

const cloudFormation = ((): Rendered => {
  const stack = new Stack(testApp(), 'Svc', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1',
    availabilityZones: ZONES,
    publicSubnetIds: ZONES.map((_z, i) => `subnet-p${i}`),
    privateSubnetIds: ZONES.map((_z, i) => `subnet-q${i}`),
  });
  new ResilientFleet(stack, 'Fleet', {
    ...FLEET,
    vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
    latencyThreshold: Duration.millis(250),
  });
  const template = Template.fromStack(stack);
  const read = (metric: Json): ReadMetric => ({
    metricName: metric.MetricName,
    zone: ZONES.indexOf(metric.Dimensions.find((d: Json) => d.Name === 'AvailabilityZone').Value),
  });
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm') as Record<string, Json>)
    .filter(([id]) => id.startsWith('FleetZonalDetection'))
    .map(([id, { Properties: p }]): RenderedAlarm => {
      const math = p.Metrics?.find((q: Json) => q.Expression);
      return {
        id,
        expression: math?.Expression,
        inputs: Object.fromEntries(
          (p.Metrics ?? []).filter((q: Json) => q.MetricStat).map((q: Json) => [q.Id, read(q.MetricStat.Metric)]),
        ),
        metric: p.Metrics ? undefined : read(p),
        threshold: p.Threshold,
        comparison: p.ComparisonOperator,
        evaluationPeriods: p.EvaluationPeriods,
        datapointsToAlarm: p.DatapointsToAlarm,
      };
    });
  const composites = Object.entries(
    template.findResources('AWS::CloudWatch::CompositeAlarm') as Record<string, Json>,
  ).map(([id, { Properties: p }]) => ({
    zone: ZONES.find((z) => id.includes(z.replace(/-/g, '')))!,
    rule: (p.AlarmRule['Fn::Join'][1] as unknown[])
      .map((part) => (typeof part === 'string' ? part : (part as Json)['Fn::GetAtt'][0]))
      .join(''),
  }));
  return { alarms, composites };
})();

const terraform = ((): Rendered => {
  const stack = new TerraformStack(Testing.app(), 'svc');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new TfResilientFleet(stack, 'Fleet', {
    ...FLEET,
    vpcId: 'vpc-1',
    subnetIds: ZONES.map((_z, i) => `subnet-q${i}`),
    loadBalancerSubnetIds: ZONES.map((_z, i) => `subnet-p${i}`),
    imageId: 'ami-0123456789abcdef0',
    instanceTypes: ['m7g.large', 'm6g.large'],
    certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
    latencyThresholdSeconds: 0.25,
  });
  const json: Json = JSON.parse(Testing.synth(stack));
  // Each AZ is its load balancer subnet's, read at plan time: Zone<i> is subnet i's, in ZONES[i] here.
  const zoneOf = (dimensions: Json) => Number(/_Zone(\d)_Subnet_/.exec(dimensions.AvailabilityZone)![1]);
  const read = (metric: Json): ReadMetric => ({ metricName: metric.metric_name, zone: zoneOf(metric.dimensions) });
  const alarms = Object.entries(json.resource.aws_cloudwatch_metric_alarm as Record<string, Json>)
    .filter(([name]) => name.startsWith('Fleet_ZonalDetection_'))
    .map(([name, a]): RenderedAlarm => {
      const math = a.metric_query?.find((q: Json) => q.expression);
      return {
        id: `aws_cloudwatch_metric_alarm.${name}`,
        expression: math?.expression,
        inputs: Object.fromEntries(
          (a.metric_query ?? []).filter((q: Json) => q.metric).map((q: Json) => [q.id, read(q.metric)]),
        ),
        metric: a.metric_query ? undefined : read(a),
        threshold: a.threshold,
        comparison: a.comparison_operator,
        evaluationPeriods: a.evaluation_periods,
        datapointsToAlarm: a.datapoints_to_alarm,
      };
    });
  const composites = Object.entries(json.resource.aws_cloudwatch_composite_alarm as Record<string, Json>).map(
    ([name, c]) => ({
      zone: ZONES[Number(/_Zone(\d)_/.exec(name)![1])],
      rule: String(c.alarm_rule).replace(/\$\{(aws_cloudwatch_metric_alarm\.[^.}]+)\.arn\}/g, '$1'),
    }),
  );
  return { alarms, composites };
})();

/** The value of one rendered alarm's metric in one minute. */
function alarmValue(alarm: RenderedAlarm, minute: readonly ZoneMinute[]): Value {
  const read = ({ metricName, zone }: ReadMetric): Value => {
    const data = minute[zone];
    const byName: Record<string, Value> = {
      RequestCount: data.requests,
      HTTPCode_Target_5XX_Count: data.target5xx,
      HTTPCode_ELB_5XX_Count: data.elb5xx,
      TargetResponseTime: data.p99,
    };
    return byName[metricName];
  };
  if (alarm.metric) {
    return read(alarm.metric);
  }
  const vars = Object.fromEntries(Object.entries(alarm.inputs).map(([id, metric]) => [id, read(metric)]));
  return evaluate(alarm.expression!, vars);
}

/** Which zones' Impaired alarms are in ALARM after these minutes (each alarm judges its last M minutes, N breaching). */
function impairedZones(rendered: Rendered, minutes: readonly (readonly ZoneMinute[])[]): string[] {
  const state: Record<string, boolean> = {};
  for (const alarm of rendered.alarms) {
    const recent = minutes.slice(-alarm.evaluationPeriods);
    const breaching = recent.filter((m) => {
      const v = alarmValue(alarm, m);
      if (v === undefined) return false; // treatMissingData: notBreaching
      return alarm.comparison === 'GreaterThanThreshold' ? v > alarm.threshold : v >= alarm.threshold;
    }).length;
    state[alarm.id] = breaching >= alarm.datapointsToAlarm;
  }
  return rendered.composites.filter((c) => evaluateRule(c.rule, (id) => state[id])).map((c) => c.zone);
}

const healthy: ZoneMinute = { requests: 10000, target5xx: 2, elb5xx: 0, p99: 0.08 };
const three = (minute: readonly ZoneMinute[]) => [minute, minute, minute];

describe.each([
  ['CloudFormation', cloudFormation],
  ['Terraform', terraform],
])('zonal detection driven by synthetic per-AZ minutes (%s)', (_engine, rendered) => {
  const impaired = (minutes: readonly (readonly ZoneMinute[])[]) => impairedZones(rendered, minutes);

  test('the interpreter reads every rendered expression', () => {
    expect(rendered.alarms).toHaveLength(9);
    expect(rendered.composites.map((c) => c.zone).sort()).toEqual(ZONES);
  });

  test('healthy zones: nothing fires', () => {
    expect(impaired(three([healthy, healthy, healthy]))).toEqual([]);
  });

  test('one zone failing 5 % of its requests: that zone alone is impaired', () => {
    expect(impaired(three([healthy, { ...healthy, target5xx: 500 }, healthy]))).toEqual(['us-east-1b']);
  });

  test('a bad node: ELB 5xx count as much as target 5xx', () => {
    expect(impaired(three([{ ...healthy, elb5xx: 300 }, healthy, healthy]))).toEqual(['us-east-1a']);
  });

  test('every zone failing, one worse than the others: region-wide, no zone is impaired', () => {
    const bad = { ...healthy, target5xx: 100 };
    expect(impaired(three([bad, { ...healthy, target5xx: 600 }, bad]))).toEqual([]);
  });

  test('one bad instance behind cross-zone load balancing: its errors spread over every node, no outlier', () => {
    const spread = { ...healthy, target5xx: 150 };
    expect(impaired(three([spread, spread, spread]))).toEqual([]);
  });

  test('low traffic: 2 errors in 20 requests is above the ratio but under the floor of 5', () => {
    const quiet = { requests: 20, target5xx: 0, elb5xx: 0, p99: 0.05 };
    expect(impaired(three([quiet, { ...quiet, target5xx: 2 }, quiet]))).toEqual([]);
  });

  test('one bad minute of three is noise; two are an impairment', () => {
    const bad = [healthy, { ...healthy, target5xx: 500 }, healthy];
    const good = [healthy, healthy, healthy];
    expect(impaired([good, bad, good])).toEqual([]);
    expect(impaired([bad, good, bad])).toEqual(['us-east-1b']);
  });

  test('one slow zone: impaired on latency; every zone slow: not', () => {
    expect(impaired(three([healthy, healthy, { ...healthy, p99: 0.9 }]))).toEqual(['us-east-1c']);
    expect(
      impaired(
        three([
          { ...healthy, p99: 0.9 },
          { ...healthy, p99: 0.9 },
          { ...healthy, p99: 0.9 },
        ]),
      ),
    ).toEqual([]);
  });

  test('no traffic at all: missing data never breaches', () => {
    expect(impaired(three([{}, {}, {}]))).toEqual([]);
  });
});
