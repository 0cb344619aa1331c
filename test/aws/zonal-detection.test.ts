import { Match, Template } from 'aws-cdk-lib/assertions';
import { Duration, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HaRole, ResilientFleet, ResilientFleetProps, ServiceTier } from '../../lib';
import { testApp } from '../util';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** A TIER_1 fleet in a VPC of three AZs (named, or `Fn::GetAZs` selections). */
function fleet(props: Partial<ResilientFleetProps> = {}, named = true) {
  const app = testApp();
  const stack = new Stack(app, 'Svc', { env: { account: '111111111111', region: 'us-east-1' } });
  const zones = named ? ZONES : ZONES.map((_z, i) => Fn.select(i, Fn.getAzs()));
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1',
    availabilityZones: zones,
    publicSubnetIds: zones.map((_z, i) => `subnet-p${i}`),
    privateSubnetIds: zones.map((_z, i) => `subnet-q${i}`),
  });
  const construct = new ResilientFleet(stack, 'Fleet', {
    tier: ServiceTier.TIER_1,
    vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
    requiredCapacity: 6,
    maxCapacity: 12,
    ...props,
  });
  return { stack, construct, template: Template.fromStack(stack) };
}

describe('ResilientFleet zonal detection', () => {
  const { construct, template } = fleet({ latencyThreshold: Duration.millis(250) });
  const lbName = { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetLoadBalancer'), 'LoadBalancerFullName'] };
  /** The metric alarms whose logical id contains `part`. */
  const alarmsNamed = (part: string) =>
    Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.includes(part));

  test('TIER_1 in three AZs: one availability, outlier and latency alarm per AZ, one composite each', () => {
    for (const suffix of ['Availability', 'Outlier', 'Latency']) {
      expect(alarmsNamed('ZonalDetection').filter(([id]) => id.includes(suffix))).toHaveLength(3);
    }
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 3);
    expect(Object.keys(construct.zoneImpairedAlarms)).toEqual(ZONES);
  });

  test.each(ZONES)(
    '%s: the availability alarm reads the per-AZ RequestCount and 5xx counts at 0.72 %%, 2 of 3 minutes',
    (zone) => {
      const dims = [
        { Name: 'AvailabilityZone', Value: zone },
        { Name: 'LoadBalancer', Value: lbName },
      ];
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: 0.0072,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'IF(requests > 0, (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)' }),
          ...['RequestCount', 'HTTPCode_Target_5XX_Count', 'HTTPCode_ELB_5XX_Count'].map((name) =>
            Match.objectLike({
              MetricStat: {
                Metric: { Namespace: 'AWS/ApplicationELB', MetricName: name, Dimensions: dims },
                Period: 60,
                Stat: 'Sum',
              },
            }),
          ),
        ]),
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: 0.25,
        Metrics: Match.absent(),
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'TargetResponseTime',
        ExtendedStatistic: 'p99',
        Dimensions: dims,
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
    },
  );

  test('the outlier alarm of the first AZ compares its 5xx with the mean of the other two, above a floor of 5', () => {
    const err = (i: number) => `(FILL(t${i}, 0) + FILL(e${i}, 0))`;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: `IF(${err(0)} >= 5 AND ${err(0)} > 3 * (${err(1)} + ${err(2)}) / 2, 1, 0)`,
          ReturnData: true,
        }),
      ]),
    });
  });

  /** A composite's rule with each alarm's ARN written as its construct path under the fleet (`useast1a/Outlier`). */
  function ruleText(rule: unknown): string {
    const parts = (rule as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    return parts
      .map((part) => {
        if (typeof part === 'string') return part;
        const id = (part as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        const [, zone, kind] = /^FleetZonalDetection(useast1[abc])(Availability|Outlier|Latency)[0-9A-F]{8}$/.exec(id)!;
        return `${zone}/${kind}`;
      })
      .join('');
  }

  test.each(['a', 'b', 'c'])(
    'zone %s: impaired = breach AND outlier AND NOT every zone breaches, OR the latency twin',
    (letter) => {
      const zone = `useast1${letter}`;
      const composites = template.findResources('AWS::CloudWatch::CompositeAlarm');
      const [id, composite] = Object.entries(composites).find(([key]) =>
        key.startsWith(`FleetZonalDetection${zone}Impaired`),
      )!;
      expect(id).toBeDefined();
      const all = (kind: string) => ['a', 'b', 'c'].map((z) => `ALARM("useast1${z}/${kind}")`).join(' AND ');
      expect(ruleText(composite.Properties.AlarmRule)).toBe(
        `((ALARM("${zone}/Availability") AND ALARM("${zone}/Outlier") AND (NOT ((${all('Availability')})))) ` +
          `OR (ALARM("${zone}/Latency") AND (NOT ((${all('Latency')})))))`,
      );
      const topic = { Ref: Match.stringLikeRegexp('^FleetAlarmTopic') };
      template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
        AlarmRule: composite.Properties.AlarmRule,
        AlarmActions: [topic],
        OKActions: [topic],
      });
    },
  );

  test('the child alarms notify nobody: the composite is the one signal', () => {
    for (const [, alarm] of alarmsNamed('ZonalDetection')) {
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
  });
});

describe('ResilientFleet zonal detection: when it is off', () => {
  test('TIER_2 and a STANDBY get none; zonalDetection: false turns it off', () => {
    for (const props of [{ tier: ServiceTier.TIER_2 }, { role: HaRole.STANDBY }, { zonalDetection: false }]) {
      const { template, construct } = fleet(props);
      template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 0);
      expect(construct.zoneImpairedAlarms).toEqual({});
    }
  });

  // The detection's own warning for Fn::GetAZs zones is pinned in the planner's table: a fleet
  // refuses such zones earlier, since it checks that each lies in the stack's region.
  test('without latencyThreshold: no latency alarm, and the composite judges 5xx only', () => {
    const { template } = fleet();
    expect(
      Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) => /ZonalDetection.*Latency/.test(id)),
    ).toEqual([]);
    const rule = JSON.stringify(
      Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'))[0].Properties.AlarmRule,
    );
    expect(rule).not.toContain(' OR ');
    expect(rule).toMatch(/^\{"Fn::Join":\["",\["\(ALARM/);
  });

  test('AZs from Fn::GetAZs: the fleet refuses them before any alarm names one', () => {
    expect(() => fleet({}, false)).toThrow(/vpc must all be in the stack's region us-east-1/);
  });
});
