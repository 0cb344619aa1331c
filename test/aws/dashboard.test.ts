import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { GoldenSignalsDashboard, GoldenSignalsDashboardProps } from '../../lib/aws/dashboard';
import { SloAlarms } from '../../lib/aws/slo';
import { HA_METADATA_KEY, ServiceTier } from '../../lib/core';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectValidationError, testApp } from '../util';

interface Widget {
  readonly type: string;
  readonly width: number;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly view?: string;
    readonly metrics?: unknown[][];
    readonly alarms?: string[];
    readonly start?: string;
    readonly setPeriodToTimeRange?: boolean;
    readonly annotations?: { horizontal: { value: number; label: string }[] };
  };
}

/** Builds the fleet's pieces as interfaces, the way a fleet construct would hand them over. */
function synth(
  extra: (
    stack: Stack,
    parts: { lb: elbv2.ApplicationLoadBalancer; vpc: ec2.Vpc },
  ) => Partial<GoldenSignalsDashboardProps> = () => ({}),
) {
  const stack = new Stack(testApp(), 'Dash', { env: { region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    natGateways: 0,
  });
  const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc });
  const dashboard = new GoldenSignalsDashboard(stack, 'Dashboard', {
    tier: ServiceTier.TIER_1,
    service: 'checkout',
    loadBalancer: lb,
    ...extra(stack, { lb, vpc }),
  });
  const template = Template.fromStack(stack);
  return { stack, dashboard, template, widgets: widgetsOf(template) };
}

/** The dashboard body with each CloudFormation token written as `{Ref X}` / `{X.Attr}`, parsed. */
function widgetsOf(template: Template): Widget[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0].Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
      return token.Ref ? `{Ref ${token.Ref}}` : `{${(token['Fn::GetAtt'] ?? ['?']).join('.')}}`;
    })
    .join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

function widget(widgets: Widget[], title: string): Widget {
  const found = widgets.filter((w) => w.properties.title === title);
  expect(found).toHaveLength(1);
  return found[0];
}

function metricNames(w: Widget): string[] {
  return (w.properties.metrics ?? []).map((m) =>
    typeof m[0] === 'string' ? `${m[0]}/${m[1]}` : `expr:${(m[0] as { expression: string }).expression}`,
  );
}

describe('GoldenSignalsDashboard', () => {
  test('GIVEN only a load balancer THEN latency p50/p90/p99, traffic, 4xx and 5xx errors, and per-AZ graphs', () => {
    const { widgets } = synth();
    const latency = widget(widgets, 'Latency: target response time (s)');
    expect((latency.properties.metrics ?? []).map((m) => (m[4] as { stat: string }).stat)).toEqual([
      'p50',
      'p90',
      'p99',
    ]);
    expect(metricNames(widget(widgets, 'Traffic: requests per minute'))).toEqual([
      'AWS/ApplicationELB/RequestCount',
      'AWS/ApplicationELB/ActiveConnectionCount',
    ]);
    expect(metricNames(widget(widgets, 'Errors: responses per minute'))).toEqual([
      'AWS/ApplicationELB/HTTPCode_Target_5XX_Count',
      'AWS/ApplicationELB/HTTPCode_ELB_5XX_Count',
      'AWS/ApplicationELB/HTTPCode_Target_4XX_Count',
      'AWS/ApplicationELB/HTTPCode_ELB_4XX_Count',
      'expr:100 * (FILL(t5, 0) + FILL(e5, 0)) / total',
      'AWS/ApplicationELB/RequestCount',
    ]);
    for (const [title, metric] of [
      ['Per AZ: requests', 'RequestCount'],
      ['Per AZ: target 5xx', 'HTTPCode_Target_5XX_Count'],
      ['Per AZ: p99 target response time (s)', 'TargetResponseTime'],
    ]) {
      const [search] = metricNames(widget(widgets, title));
      expect(search).toBe(
        `expr:SEARCH('{AWS/ApplicationELB,AvailabilityZone,LoadBalancer} MetricName="${metric}" LoadBalancer="{Lb1928D9D6.LoadBalancerFullName}"', '${metric === 'TargetResponseTime' ? 'p99' : 'Sum'}', 60)`,
      );
    }
    expect(widgets.some((w) => w.properties.title?.startsWith('Saturation'))).toBe(false);
  });

  test('THEN the header states the tier and its objectives', () => {
    const { widgets } = synth();
    expect(widgets[0].properties.markdown).toBe(
      '# checkout: golden signals\nTIER_1 (WARM_STANDBY): availability 99.95%, region RTO 900 s / RPO 60 s, AZ RTO 120 s',
    );
  });

  test('WHEN an SLO is given THEN budget remaining over the window, burn rate against the page thresholds, and alert states lead the dashboard', () => {
    const extraAlarm = (stack: Stack) =>
      new cloudwatch.Alarm(stack, 'Extra', {
        metric: new cloudwatch.Metric({ namespace: 'X', metricName: 'Y' }),
        threshold: 1,
        evaluationPeriods: 1,
      });
    const { widgets } = synth((stack, { lb }) => ({
      slo: new SloAlarms(stack, 'Slo', { tier: ServiceTier.TIER_1, loadBalancer: lb }),
      alarms: [extraAlarm(stack)],
    }));
    const budget = widget(widgets, 'Error budget remaining (30-day SLO 99.95%)');
    expect(budget.properties).toMatchObject({ view: 'singleValue', start: '-P30D', setPeriodToTimeRange: true });
    expect(metricNames(budget)[0]).toBe('expr:100 * (1 - ratio / 0.0005)');
    const burn = widget(widgets, 'Burn rate (page when both windows of an alert cross its line)');
    expect(burn.properties.annotations?.horizontal.map((a) => a.value)).toEqual([14.4, 6]);
    expect(metricNames(burn).filter((m) => m.includes('/ 0.0005'))).toEqual([
      'expr:ratio3600 / 0.0005',
      'expr:ratio21600 / 0.0005',
    ]);
    const alerts = widget(widgets, 'Alerts');
    expect(alerts.type).toBe('alarm');
    expect(alerts.properties.alarms).toHaveLength(4);
    expect(alerts.properties.alarms?.map((a) => a.replace(/[0-9A-F]{8}\.Arn\}$/, ''))).toEqual([
      '{SloPage',
      '{SloTicket',
      '{SloBudgetExhausted',
      '{Extra',
    ]);
  });

  test('WHEN the fleet, database and queue are given THEN saturation graphs show CPU, targets, connections and queue depth, and healthy targets per AZ', () => {
    const { widgets } = synth((stack, { vpc, lb }) => {
      const asg = new autoscaling.AutoScalingGroup(stack, 'Asg', {
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        instanceType: new ec2.InstanceType('t3.micro'),
        machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      });
      const listener = lb.addListener('Http', { port: 80 });
      const targetGroup = listener.addTargets('Fleet', { port: 80, targets: [asg] });
      const databaseCluster = new rds.DatabaseCluster(stack, 'Db', {
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
        vpc,
        writer: rds.ClusterInstance.serverlessV2('Writer'),
      });
      return { autoScalingGroup: asg, targetGroup, databaseCluster, queue: new sqs.Queue(stack, 'Queue') };
    });
    expect(metricNames(widget(widgets, 'Saturation: fleet CPU (%)'))).toEqual([
      'AWS/EC2/CPUUtilization',
      'AWS/EC2/CPUUtilization',
    ]);
    expect(metricNames(widget(widgets, 'Targets: healthy and unhealthy'))).toEqual([
      'AWS/ApplicationELB/HealthyHostCount',
      'AWS/ApplicationELB/UnHealthyHostCount',
      'AWS/ApplicationELB/RequestCountPerTarget',
    ]);
    expect(metricNames(widget(widgets, 'Saturation: database'))).toEqual([
      'AWS/RDS/CPUUtilization',
      'AWS/RDS/DatabaseConnections',
    ]);
    expect(metricNames(widget(widgets, 'Saturation: queue'))).toEqual([
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'AWS/SQS/ApproximateAgeOfOldestMessage',
    ]);
    expect(
      widgets
        .filter((w) => w.properties.title?.startsWith('Saturation') || w.properties.title?.startsWith('Targets'))
        .map((w) => w.width),
    ).toEqual([6, 6, 6, 6]);
    expect(metricNames(widget(widgets, 'Per AZ: healthy targets'))[0]).toMatch(
      /^expr:SEARCH\('\{AWS\/ApplicationELB,AvailabilityZone,LoadBalancer,TargetGroup\} MetricName="HealthyHostCount"/,
    );
  });

  test("WHEN regions are given THEN traffic, 5xx and p99 latency per region read each region's metrics there", () => {
    const { widgets } = synth((stack, { lb }) => ({
      latencyThreshold: Duration.millis(250),
      regions: [
        { region: 'us-east-1', loadBalancer: lb },
        {
          region: 'eu-west-1',
          loadBalancer: elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'Eu', {
            loadBalancerArn:
              'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/checkout/0123456789abcdef',
            securityGroupId: 'sg-0123456789abcdef0',
          }),
        },
      ],
    }));
    for (const title of [
      'Per region: requests',
      'Per region: 5xx per minute',
      'Per region: p99 target response time (s)',
    ]) {
      const regions = (widget(widgets, title).properties.metrics ?? []).map((m) => (m[4] as { region: string }).region);
      expect(new Set(regions)).toEqual(new Set(['us-east-1', 'eu-west-1']));
    }
    const p99 = widget(widgets, 'Per region: p99 target response time (s)');
    expect(p99.properties.annotations?.horizontal).toEqual([
      expect.objectContaining({ value: 0.25, label: 'latency objective' }),
    ]);
    expect((p99.properties.metrics ?? [])[1]).toEqual([
      'AWS/ApplicationELB',
      'TargetResponseTime',
      'LoadBalancer',
      'app/checkout/0123456789abcdef',
      expect.objectContaining({ stat: 'p99' }),
    ]);
  });

  test('WHEN a region lies outside allowedRegions THEN the dashboard still reads its metrics (it places no data there)', () => {
    const { widgets } = synth((stack, { lb }) => ({
      allowedRegions: ['us-east-1'],
      regions: [
        { region: 'us-east-1', loadBalancer: lb },
        {
          region: 'eu-west-1',
          loadBalancer: elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'Eu', {
            loadBalancerArn:
              'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/checkout/0123456789abcdef',
            securityGroupId: 'sg-0123456789abcdef0',
          }),
        },
      ],
    }));
    const regions = (widget(widgets, 'Per region: requests').properties.metrics ?? []).map(
      (m) => (m[4] as { region: string }).region,
    );
    expect(regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  test('WHEN probes are given THEN their success shows on a 0–100 graph', () => {
    const success = new cloudwatch.Metric({
      namespace: 'CloudWatchSynthetics',
      metricName: 'SuccessPercent',
      dimensionsMap: { CanaryName: 'probe' },
    });
    const { widgets } = synth(() => ({ syntheticSuccessPercent: [success] }));
    expect(metricNames(widget(widgets, 'Synthetic probes: success (%)'))).toEqual([
      'CloudWatchSynthetics/SuccessPercent',
    ]);
  });

  test('THEN the dashboard carries the HA metadata record', () => {
    const { template } = synth();
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    expect(dashboard.Metadata[HA_METADATA_KEY]).toMatchObject({
      service: 'checkout',
      component: 'GoldenSignalsDashboard',
    });
  });

  test.each<
    [(stack: Stack, parts: { lb: elbv2.ApplicationLoadBalancer }) => Partial<GoldenSignalsDashboardProps>, string]
  >([
    [() => ({ latencyThreshold: Duration.millis(0) }), 'latencyThreshold must be greater than 0, got: 0 millis'],
    [
      (_stack, { lb }) => ({
        regions: [
          { region: 'us-east-1', loadBalancer: lb },
          { region: 'us-east-1', loadBalancer: lb },
        ],
      }),
      'regions must not repeat a region, got: us-east-1 more than once',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (extra, message) => {
    expectValidationError(() => synth(extra), message);
  });

  test('WHEN an SLO and a latency objective are given THEN the widgets lie in this order, over three hours', () => {
    const { template, widgets } = synth((stack, { lb }) => ({
      slo: new SloAlarms(stack, 'Slo', { tier: ServiceTier.TIER_1, loadBalancer: lb }),
      latencyThreshold: Duration.millis(300),
    }));
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard.Properties.DashboardBody['Fn::Join'][1][0]).toMatch(/^\{"start":"-PT3H","widgets":/);
    // type, width, x, y and title (the header's first line): what an on-call engineer scans top-left to bottom-right.
    const placed = widgets as unknown as (Widget & { x: number; y: number })[];
    const titleOf = (w: Widget) => w.properties.title ?? w.properties.markdown?.split('\n')[0];
    expect(placed.map((w) => [w.type, w.width, w.x, w.y, titleOf(w)])).toEqual([
      ['text', 24, 0, 0, '# checkout: golden signals'],
      ['metric', 6, 0, 2, 'Error budget remaining (30-day SLO 99.95%)'],
      ['metric', 12, 6, 2, 'Burn rate (page when both windows of an alert cross its line)'],
      ['alarm', 6, 18, 2, 'Alerts'],
      ['metric', 8, 0, 8, 'Latency: target response time (s)'],
      ['metric', 8, 8, 8, 'Traffic: requests per minute'],
      ['metric', 8, 16, 8, 'Errors: responses per minute'],
      ['metric', 8, 0, 14, 'Per AZ: requests'],
      ['metric', 8, 8, 14, 'Per AZ: target 5xx'],
      ['metric', 8, 16, 14, 'Per AZ: p99 target response time (s)'],
    ]);
    for (const title of ['Latency: target response time (s)', 'Per AZ: p99 target response time (s)']) {
      const objective = expect.objectContaining({ value: 0.3, label: 'latency objective' });
      expect(widget(widgets, title).properties.annotations?.horizontal).toEqual([objective]);
    }
    expect(widget(widgets, 'Alerts').properties.alarms).toHaveLength(3);
  });

  // The HA view (lib/testing) of the dashboard alone (the VPC, load balancer and SloAlarms around it are
  // scaffolding, snapshotted in their own suites); its widgets are pinned above.
  test('HA snapshot of the dashboard with an SLO (beside the targeted assertions above)', () => {
    const { template } = synth((stack, { lb }) => ({
      slo: new SloAlarms(stack, 'Slo', { tier: ServiceTier.TIER_1, loadBalancer: lb }),
      latencyThreshold: Duration.millis(300),
    }));
    expect(haSnapshot({ Resources: template.findResources('AWS::CloudWatch::Dashboard') })).toMatchSnapshot();
  });
});
