import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ResilientFleet, ServiceTier } from '../../lib';
import { testApp } from '../util';

/**
 * Drives the rendered per-AZ alarms with synthetic per-AZ minutes: the metric-math expressions
 * and the composite rules are read from the template and evaluated by the small interpreter
 * below (the subset of CloudWatch metric math and alarm-rule syntax they use), not re-stated.
 */

type Value = number | undefined;

/** Evaluates a metric-math expression of numbers, ids, IF, FILL, arithmetic, comparisons, AND and OR. */
function evaluate(expression: string, vars: Record<string, Value>): Value {
  const tokens = expression.match(/\d+(\.\d+)?|[A-Za-z_]\w*|>=|<=|==|[-+*/(),<>]/g)!;
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const expect = (t: string) => {
    if (next() !== t) throw new Error(`expected ${t} in ${expression}`);
  };
  const num = (v: Value, f: (x: number) => number): Value => (v === undefined ? undefined : f(v));
  const bin = (a: Value, b: Value, f: (x: number, y: number) => number): Value =>
    a === undefined || b === undefined ? undefined : f(a, b);
  function primary(): Value {
    const t = next();
    if (t === '(') {
      const v = or();
      expect(')');
      return v;
    }
    if (t === '-') return num(primary(), (x) => -x);
    if (/^\d/.test(t)) return Number(t);
    if (t === 'IF' || t === 'FILL') {
      expect('(');
      const a = or();
      expect(',');
      const b = or();
      if (t === 'FILL') {
        expect(')');
        return a ?? b;
      }
      expect(',');
      const c = or();
      expect(')');
      return a === undefined ? undefined : a !== 0 ? b : c;
    }
    if (!(t in vars)) throw new Error(`unknown id ${t} in ${expression}`);
    return vars[t];
  }
  function term(): Value {
    let v = primary();
    while (peek() === '*' || peek() === '/') {
      const op = next();
      const r = primary();
      v = bin(v, r, op === '*' ? (x, y) => x * y : (x, y) => x / y);
    }
    return v;
  }
  function sum(): Value {
    let v = term();
    while (peek() === '+' || peek() === '-') {
      const op = next();
      const r = term();
      v = bin(v, r, op === '+' ? (x, y) => x + y : (x, y) => x - y);
    }
    return v;
  }
  function compare(): Value {
    const v = sum();
    const op = peek();
    if (!['>', '>=', '<', '<=', '=='].includes(op)) return v;
    next();
    const r = sum();
    const f: Record<string, (x: number, y: number) => boolean> = {
      '>': (x, y) => x > y,
      '>=': (x, y) => x >= y,
      '<': (x, y) => x < y,
      '<=': (x, y) => x <= y,
      '==': (x, y) => x === y,
    };
    return bin(v, r, (x, y) => (f[op](x, y) ? 1 : 0));
  }
  function and(): Value {
    let v = compare();
    while (peek() === 'AND') {
      next();
      const r = compare();
      v = bin(v, r, (x, y) => (x && y ? 1 : 0));
    }
    return v;
  }
  function or(): Value {
    let v = and();
    while (peek() === 'OR') {
      next();
      const r = and();
      v = bin(v, r, (x, y) => (x || y ? 1 : 0));
    }
    return v;
  }
  const result = or();
  if (pos !== tokens.length) throw new Error(`trailing tokens in ${expression}`);
  return result;
}

/** Evaluates a composite alarm rule of ALARM("<logical id>"), AND, OR, NOT and parentheses. */
function evaluateRule(rule: string, inAlarm: (logicalId: string) => boolean): boolean {
  const tokens = rule.match(/ALARM\("[^"]+"\)|AND|OR|NOT|[()]/g)!;
  let pos = 0;
  function unary(): boolean {
    const t = tokens[pos++];
    if (t === 'NOT') return !unary();
    if (t === '(') {
      const v = or();
      pos++;
      return v;
    }
    return inAlarm(/^ALARM\("(.+)"\)$/.exec(t)![1]);
  }
  function and(): boolean {
    let v = unary();
    while (tokens[pos] === 'AND') {
      pos++;
      const r = unary();
      v = v && r;
    }
    return v;
  }
  function or(): boolean {
    let v = and();
    while (tokens[pos] === 'OR') {
      pos++;
      const r = and();
      v = v || r;
    }
    return v;
  }
  return or();
}

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** One minute of one AZ: requests, target 5xx and ELB 5xx through its node, and its p99 (undefined: no data). */
interface ZoneMinute {
  readonly requests?: number;
  readonly target5xx?: number;
  readonly elb5xx?: number;
  readonly p99?: number;
}

const template = (() => {
  const stack = new Stack(testApp(), 'Svc', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1',
    availabilityZones: ZONES,
    publicSubnetIds: ZONES.map((_z, i) => `subnet-p${i}`),
    privateSubnetIds: ZONES.map((_z, i) => `subnet-q${i}`),
  });
  new ResilientFleet(stack, 'Fleet', {
    tier: ServiceTier.TIER_1,
    vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
    requiredCapacity: 6,
    maxCapacity: 12,
    latencyThreshold: Duration.millis(250),
  });
  return Template.fromStack(stack);
})();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { Properties: any };
const alarms = template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>;
const composites = template.findResources('AWS::CloudWatch::CompositeAlarm') as Record<string, Resource>;
const zonalAlarms = Object.entries(alarms).filter(([id]) => id.startsWith('FleetZonalDetection'));

/** The value of one metric alarm's metric in one minute. */
function alarmValue(props: Resource['Properties'], minute: readonly ZoneMinute[]): Value {
  const read = (stat: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } }): Value => {
    const zone = stat.Metric.Dimensions.find((d) => d.Name === 'AvailabilityZone')!.Value as string;
    const data = minute[ZONES.indexOf(zone)];
    const byName: Record<string, Value> = {
      RequestCount: data.requests,
      HTTPCode_Target_5XX_Count: data.target5xx,
      HTTPCode_ELB_5XX_Count: data.elb5xx,
      TargetResponseTime: data.p99,
    };
    return byName[stat.Metric.MetricName];
  };
  if (!props.Metrics) {
    return read({ Metric: { MetricName: props.MetricName, Dimensions: props.Dimensions } });
  }
  const vars: Record<string, Value> = {};
  for (const query of props.Metrics) if (query.MetricStat) vars[query.Id] = read(query.MetricStat);
  const math = props.Metrics.find((q: { Expression?: string }) => q.Expression);
  return evaluate(math.Expression, vars);
}

/** Which zones' Impaired alarms are in ALARM after these minutes (each alarm judges its last M minutes, N breaching). */
function impairedZones(minutes: readonly (readonly ZoneMinute[])[]): string[] {
  const state: Record<string, boolean> = {};
  for (const [id, { Properties: p }] of zonalAlarms) {
    const recent = minutes.slice(-p.EvaluationPeriods);
    const breaching = recent.filter((m) => {
      const v = alarmValue(p, m);
      if (v === undefined) return false; // treatMissingData: notBreaching
      return p.ComparisonOperator === 'GreaterThanThreshold' ? v > p.Threshold : v >= p.Threshold;
    }).length;
    state[id] = breaching >= p.DatapointsToAlarm;
  }
  return Object.entries(composites)
    .filter(([, { Properties: p }]) => {
      const parts = p.AlarmRule['Fn::Join'][1] as unknown[];
      const rule = parts
        .map((part) => (typeof part === 'string' ? part : (part as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]))
        .join('');
      return evaluateRule(rule, (logicalId) => state[logicalId]);
    })
    .map(([id]) => ZONES.find((z) => id.includes(z.replace(/-/g, '')))!);
}

const healthy: ZoneMinute = { requests: 10000, target5xx: 2, elb5xx: 0, p99: 0.08 };
const three = (minute: readonly ZoneMinute[]) => [minute, minute, minute];

describe('zonal detection driven by synthetic per-AZ minutes', () => {
  test('the interpreter reads every rendered expression', () => {
    expect(zonalAlarms).toHaveLength(9);
    expect(Object.keys(composites)).toHaveLength(3);
  });

  test('healthy zones: nothing fires', () => {
    expect(impairedZones(three([healthy, healthy, healthy]))).toEqual([]);
  });

  test('one zone failing 5 % of its requests: that zone alone is impaired', () => {
    expect(impairedZones(three([healthy, { ...healthy, target5xx: 500 }, healthy]))).toEqual(['us-east-1b']);
  });

  test('a bad node: ELB 5xx count as much as target 5xx', () => {
    expect(impairedZones(three([{ ...healthy, elb5xx: 300 }, healthy, healthy]))).toEqual(['us-east-1a']);
  });

  test('every zone failing, one worse than the others: region-wide, no zone is impaired', () => {
    const bad = { ...healthy, target5xx: 100 };
    expect(impairedZones(three([bad, { ...healthy, target5xx: 600 }, bad]))).toEqual([]);
  });

  test('one bad instance behind cross-zone load balancing: its errors spread over every node, no outlier', () => {
    const spread = { ...healthy, target5xx: 150 };
    expect(impairedZones(three([spread, spread, spread]))).toEqual([]);
  });

  test('low traffic: 2 errors in 20 requests is above the ratio but under the floor of 5', () => {
    const quiet = { requests: 20, target5xx: 0, elb5xx: 0, p99: 0.05 };
    expect(impairedZones(three([quiet, { ...quiet, target5xx: 2 }, quiet]))).toEqual([]);
  });

  test('one bad minute of three is noise; two are an impairment', () => {
    const bad = [healthy, { ...healthy, target5xx: 500 }, healthy];
    const good = [healthy, healthy, healthy];
    expect(impairedZones([good, bad, good])).toEqual([]);
    expect(impairedZones([bad, good, bad])).toEqual(['us-east-1b']);
  });

  test('one slow zone: impaired on latency; every zone slow: not', () => {
    expect(impairedZones(three([healthy, healthy, { ...healthy, p99: 0.9 }]))).toEqual(['us-east-1c']);
    expect(
      impairedZones(
        three([
          { ...healthy, p99: 0.9 },
          { ...healthy, p99: 0.9 },
          { ...healthy, p99: 0.9 },
        ]),
      ),
    ).toEqual([]);
  });

  test('no traffic at all: missing data never breaches', () => {
    expect(impairedZones(three([{}, {}, {}]))).toEqual([]);
  });
});
