import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GoldenSignalsDashboard, ResilientFleet, ServiceTier } from '../../lib';
import { testApp } from '../util';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A TIER_1 fleet and its dashboard with the per-AZ impairment row; the dashboard's body as JSON. */
const body: Json = (() => {
  const stack = new Stack(testApp(), 'Svc', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1',
    availabilityZones: ZONES,
    publicSubnetIds: ZONES.map((_z, i) => `subnet-p${i}`),
    privateSubnetIds: ZONES.map((_z, i) => `subnet-q${i}`),
  });
  const fleet = new ResilientFleet(stack, 'Fleet', {
    tier: ServiceTier.TIER_1,
    vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
    requiredCapacity: 6,
    maxCapacity: 12,
  });
  new GoldenSignalsDashboard(stack, 'Dashboard', {
    tier: ServiceTier.TIER_1,
    loadBalancer: fleet.loadBalancer,
    zoneImpairedAlarms: fleet.zoneImpairedAlarms,
  });
  const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard')) as Json[];
  // Tokens (the load balancer's name, the alarms' ARNs) sit inside JSON strings: a stand-in keeps the JSON valid.
  const parts: unknown[] = dashboard.Properties.DashboardBody['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : `{${Object.keys(p as object)[0]}}`)).join(''));
})();

const widget = (title: string) => body.widgets.find((w: Json) => w.properties.title === title);

describe('GoldenSignalsDashboard with zoneImpairedAlarms', () => {
  test("each AZ's 5xx share of requests, against the 0.72 % its Impaired alarm uses (TIER_1's 14.4x burn)", () => {
    const graph = widget('Per AZ: 5xx share of requests (%)');
    const expressions = graph.properties.metrics.filter((m: Json[]) => m.some((x) => x?.expression));
    expect(expressions.map((m: Json[]) => m.at(-1))).toEqual(
      ZONES.map((zone, i) =>
        expect.objectContaining({
          expression: `IF(r${i} > 0, 100 * (FILL(t${i}, 0) + FILL(e${i}, 0)) / r${i}, 0)`,
          label: zone,
        }),
      ),
    );
    // Each zone's three counts are read with its own AvailabilityZone dimension.
    for (const zone of ZONES) {
      const counts = graph.properties.metrics.filter((m: Json[]) => m.includes(zone));
      expect(counts.map((m: Json[]) => m[1])).toEqual([
        'RequestCount',
        'HTTPCode_Target_5XX_Count',
        'HTTPCode_ELB_5XX_Count',
      ]);
    }
    expect(graph.properties.annotations.horizontal).toEqual([
      expect.objectContaining({ value: 0.72, label: 'impaired above 0.72% in 2 of 3 min, as an outlier' }),
    ]);
  });

  test("the Impaired alarms' states beside it, one per AZ", () => {
    const status = widget('Per AZ: impaired on its own (starts a zonal shift; a shifted AZ serves no requests)');
    expect(status.type).toBe('alarm');
    expect(status.properties.alarms).toHaveLength(ZONES.length);
  });
});
