import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { burnRateAlerts, FailureDomain, regionPlacementProblem } from '../core';
import { planZonalOutlier } from '../core/plans/zonal-outlier';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { validationError } from './private/errors';
import { IServiceLevelObjective } from './slo';

/** Another region's entry point, for the per-region widgets. */
export interface DashboardRegion {
  /** The region (`eu-west-1`): its metrics are read there (a cross-region dashboard). */
  readonly region: string;
  /** That region's load balancer (from a stack with `crossRegionReferences`, or imported by attributes). */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
}

/** Props of {@link GoldenSignalsDashboard}. */
export interface GoldenSignalsDashboardProps extends HaProps {
  /** The service's load balancer in this region: latency, traffic and errors, per AZ too. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /**
   * The fleet's target group: healthy and unhealthy targets, requests per target.
   * @default - no target widgets
   */
  readonly targetGroup?: elbv2.IApplicationTargetGroup;
  /**
   * The fleet's Auto Scaling group: CPU saturation.
   * @default - no CPU widget
   */
  readonly autoScalingGroup?: autoscaling.IAutoScalingGroup;
  /**
   * The database cluster: CPU and connections (saturation of a shared pool).
   * @default - no database widgets
   */
  readonly databaseCluster?: rds.IDatabaseCluster;
  /**
   * A work queue: depth and age of the oldest message.
   * @default - no queue widgets
   */
  readonly queue?: sqs.IQueue;
  /**
   * The SLO: error budget remaining, burn rate against the page thresholds, alert states.
   * @default - no SLO widgets
   */
  readonly slo?: IServiceLevelObjective;
  /**
   * The service's entry points in every region (this one included), for side-by-side traffic,
   * errors and latency per region.
   * @default - no per-region widgets
   */
  readonly regions?: DashboardRegion[];
  /**
   * Synthetic probe success metrics (`SyntheticCanary.metricSuccessPercent()`), one per region.
   * @default - no probe widget
   */
  readonly syntheticSuccessPercent?: cloudwatch.IMetric[];
  /**
   * Latency objective, drawn as a line on the latency graphs.
   * @default - no line
   */
  readonly latencyThreshold?: Duration;
  /**
   * Per AZ, the alarm that says the AZ is impaired on its own (`ResilientFleet.zoneImpairedAlarms`):
   * a row with each AZ's 5xx share of requests against the threshold those alarms use, and their
   * states (an automatic zonal shift starts when one fires).
   * @default - no per-AZ impairment row
   */
  readonly zoneImpairedAlarms?: Record<string, cloudwatch.IAlarm>;
  /**
   * Further alarms shown in the alarm-status widget (health checks, probes, drills' stop conditions).
   * @default - the SLO's alarms only
   */
  readonly alarms?: cloudwatch.IAlarm[];
  /**
   * Name of the dashboard.
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
}

const WIDTH = 24;
const ONE_MINUTE = Duration.minutes(1);

/**
 * A CloudWatch dashboard of the four golden signals of one service (Google SRE book, "Monitoring
 * Distributed Systems"): latency (p50, p90, p99), traffic, errors (4xx and 5xx, from the targets
 * and the balancer) and saturation (CPU, connections, healthy targets, queue depth), each per AZ
 * as well as in total, per region when `regions` are given, and the SLO's burn rate, error budget
 * remaining and alert states on top, so the first screen of an incident says how bad and where.
 *
 * Construct ids (public API): `Resource` (the dashboard).
 */
export class GoldenSignalsDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GoldenSignalsDashboardProps) {
    super(scope, id);
    const { tier } = props;
    const service = serviceNameOf(this, props);
    if (props.latencyThreshold !== undefined && props.latencyThreshold.toMilliseconds() <= 0) {
      throw validationError(
        `latencyThreshold must be greater than 0, got: ${props.latencyThreshold.toHumanString()}`,
        this,
      );
    }
    // Only repeats are checked: the dashboard reads each region's metrics and places nothing there,
    // so allowedRegions (where the service's data may live) does not constrain it.
    const placement = regionPlacementProblem({
      prop: 'regions',
      replicaRegions: (props.regions ?? []).map((r) => r.region),
    });
    if (placement) {
      throw validationError(placement, this);
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    const lb = props.loadBalancer.metrics;
    const percent = (v: number) => `${Math.round(v * 1e6) / 1e4}%`;
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        width: WIDTH,
        height: 2,
        markdown:
          `# ${service}: golden signals\n${tier.name} (${tier.strategy}): availability ${percent(tier.availabilityTarget)}, ` +
          `region RTO ${tier.regionRtoSeconds} s / RPO ${tier.regionRpoSeconds} s, AZ RTO ${tier.azRtoSeconds} s`,
      }),
    );

    const alarms = [
      ...(props.slo ? [props.slo.pageAlarm, props.slo.ticketAlarm, props.slo.errorBudgetExhaustedAlarm] : []),
      ...(props.alarms ?? []),
    ];
    if (props.slo) {
      const slo = props.slo;
      const pageRates = [
        ...new Set(
          burnRateAlerts(slo.target, slo.windowDays)
            .filter((a) => a.severity === 'page')
            .map((a) => a.burnRate),
        ),
      ];
      this.dashboard.addWidgets(
        new cloudwatch.SingleValueWidget({
          title: `Error budget remaining (${slo.windowDays}-day SLO ${percent(slo.target)})`,
          metrics: [slo.metricErrorBudgetRemaining()],
          start: `-P${slo.windowDays}D`,
          setPeriodToTimeRange: true,
          width: 6,
          height: 6,
        }),
        new cloudwatch.GraphWidget({
          title: 'Burn rate (page when both windows of an alert cross its line)',
          left: [slo.metricBurnRate(Duration.hours(1)), slo.metricBurnRate(Duration.hours(6))],
          leftAnnotations: pageRates.map((rate) => ({
            value: rate,
            label: `page at ${rate}x`,
            color: cloudwatch.Color.RED,
          })),
          leftYAxis: { min: 0 },
          width: 12,
          height: 6,
        }),
        new cloudwatch.AlarmStatusWidget({ title: 'Alerts', alarms, width: 6, height: 6 }),
      );
    } else if (alarms.length > 0) {
      this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alerts', alarms, width: WIDTH, height: 4 }));
    }

    const latencyLine = props.latencyThreshold
      ? [
          {
            value: props.latencyThreshold.toMilliseconds() / 1000,
            label: 'latency objective',
            color: cloudwatch.Color.RED,
          },
        ]
      : [];
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Latency: target response time (s)',
        left: ['p50', 'p90', 'p99'].map((p) => lb.targetResponseTime({ statistic: p, period: ONE_MINUTE, label: p })),
        leftAnnotations: latencyLine,
        leftYAxis: { min: 0 },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Traffic: requests per minute',
        left: [lb.requestCount({ period: ONE_MINUTE, label: 'requests' })],
        right: [lb.activeConnectionCount({ period: ONE_MINUTE, label: 'active connections' })],
        leftYAxis: { min: 0 },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors: responses per minute',
        left: [
          lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: ONE_MINUTE, label: 'target 5xx' }),
          lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: ONE_MINUTE, label: 'balancer 5xx' }),
          lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_4XX_COUNT, { period: ONE_MINUTE, label: 'target 4xx' }),
          lb.httpCodeElb(elbv2.HttpCodeElb.ELB_4XX_COUNT, { period: ONE_MINUTE, label: 'balancer 4xx' }),
        ],
        right: [
          new cloudwatch.MathExpression({
            expression: '100 * (FILL(t5, 0) + FILL(e5, 0)) / total',
            usingMetrics: {
              t5: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT),
              e5: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT),
              total: lb.requestCount(),
            },
            period: ONE_MINUTE,
            label: '5xx (% of requests)',
          }),
        ],
        leftYAxis: { min: 0 },
        rightYAxis: { min: 0 },
        width: 8,
      }),
    );

    const saturation: GraphSpec[] = [];
    if (props.autoScalingGroup) {
      saturation.push({
        title: 'Saturation: fleet CPU (%)',
        left: [
          new cloudwatch.Metric({
            namespace: 'AWS/EC2',
            metricName: 'CPUUtilization',
            dimensionsMap: { AutoScalingGroupName: props.autoScalingGroup.autoScalingGroupName },
            statistic: cloudwatch.Stats.AVERAGE,
            period: ONE_MINUTE,
            label: 'average',
          }),
          new cloudwatch.Metric({
            namespace: 'AWS/EC2',
            metricName: 'CPUUtilization',
            dimensionsMap: { AutoScalingGroupName: props.autoScalingGroup.autoScalingGroupName },
            statistic: cloudwatch.Stats.MAXIMUM,
            period: ONE_MINUTE,
            label: 'hottest instance',
          }),
        ],
      });
    }
    if (props.targetGroup) {
      const tg = props.targetGroup.metrics;
      saturation.push({
        title: 'Targets: healthy and unhealthy',
        left: [
          tg.healthyHostCount({ period: ONE_MINUTE, label: 'healthy' }),
          tg.unhealthyHostCount({ period: ONE_MINUTE, label: 'unhealthy' }),
        ],
        right: [tg.requestCountPerTarget({ period: ONE_MINUTE, label: 'requests per target' })],
      });
    }
    if (props.databaseCluster) {
      saturation.push({
        title: 'Saturation: database',
        left: [props.databaseCluster.metricCPUUtilization({ period: ONE_MINUTE, label: 'CPU (%)' })],
        right: [props.databaseCluster.metricDatabaseConnections({ period: ONE_MINUTE, label: 'connections' })],
      });
    }
    if (props.queue) {
      saturation.push({
        title: 'Saturation: queue',
        left: [props.queue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, label: 'messages waiting' })],
        right: [
          props.queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, label: 'oldest message age (s)' }),
        ],
      });
    }
    addRow(this.dashboard, saturation);

    const lbName = lb.requestCount().dimensions?.LoadBalancer;
    const perAz = (metricName: string, stat: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{AWS/ApplicationELB,AvailabilityZone,LoadBalancer} MetricName="${metricName}" LoadBalancer="${lbName}"', '${stat}', 60)`,
        usingMetrics: {},
        period: ONE_MINUTE,
        label,
      });
    const perAzWidgets: GraphSpec[] = [
      { title: 'Per AZ: requests', left: [perAz('RequestCount', 'Sum', 'requests')] },
      { title: 'Per AZ: target 5xx', left: [perAz('HTTPCode_Target_5XX_Count', 'Sum', 'target 5xx')] },
      {
        title: 'Per AZ: p99 target response time (s)',
        left: [perAz('TargetResponseTime', 'p99', 'p99')],
        leftAnnotations: latencyLine,
      },
    ];
    if (props.targetGroup) {
      const tgName = props.targetGroup.metrics.healthyHostCount().dimensions?.TargetGroup;
      perAzWidgets.push({
        title: 'Per AZ: healthy targets',
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{AWS/ApplicationELB,AvailabilityZone,LoadBalancer,TargetGroup} MetricName="HealthyHostCount" TargetGroup="${tgName}"', 'Minimum', 60)`,
            usingMetrics: {},
            period: ONE_MINUTE,
            label: 'healthy',
          }),
        ],
      });
    }
    addRow(this.dashboard, perAzWidgets);
    if (props.zoneImpairedAlarms && Object.keys(props.zoneImpairedAlarms).length > 0) {
      this.addZoneImpairment(props.loadBalancer, props.zoneImpairedAlarms, props);
    }

    if (props.regions && props.regions.length > 0) {
      const regional = (f: (m: elbv2.IApplicationLoadBalancerMetrics, region: string) => cloudwatch.IMetric) =>
        props.regions!.map((r) => f(r.loadBalancer.metrics, r.region));
      addRow(this.dashboard, [
        {
          title: 'Per region: requests',
          left: regional((m, region) => m.requestCount({ region, period: ONE_MINUTE, label: region })),
        },
        {
          // Counts, not a ratio: metric math cannot reach across regions from one widget.
          title: 'Per region: 5xx per minute',
          left: regional((m, region) =>
            m.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
              region,
              period: ONE_MINUTE,
              label: `${region} target 5xx`,
            }),
          ),
          right: regional((m, region) =>
            m.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {
              region,
              period: ONE_MINUTE,
              label: `${region} balancer 5xx`,
            }),
          ),
        },
        {
          title: 'Per region: p99 target response time (s)',
          left: regional((m, region) =>
            m.targetResponseTime({ region, statistic: 'p99', period: ONE_MINUTE, label: region }),
          ),
          leftAnnotations: latencyLine,
        },
      ]);
    }

    if (props.syntheticSuccessPercent && props.syntheticSuccessPercent.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Synthetic probes: success (%)',
          left: props.syntheticSuccessPercent,
          leftYAxis: { min: 0, max: 100 },
          width: WIDTH,
        }),
      );
    }

    attachHaMetadata(this, props, { component: 'GoldenSignalsDashboard', failureDomain: FailureDomain.REGION });
  }

  /**
   * Each AZ's 5xx share of requests, with the error ratio above which its Impaired alarm may fire
   * (core's `planZonalOutlier`, as the fleet's detection uses it), and the Impaired alarms' states.
   * A zonal shift in effect shows as an AZ that serves no requests: CloudWatch has no metric of it.
   */
  private addZoneImpairment(
    loadBalancer: elbv2.IApplicationLoadBalancer,
    alarms: Record<string, cloudwatch.IAlarm>,
    props: GoldenSignalsDashboardProps,
  ): void {
    const zones = Object.keys(alarms);
    const plan = planZonalOutlier(props.tier, { zoneCount: zones.length, zonesKnown: true, enabled: true });
    const lbName = loadBalancer.metrics.requestCount().dimensions?.LoadBalancer as string;
    const metric = (zone: string, metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApplicationELB',
        metricName,
        dimensionsMap: { LoadBalancer: lbName, AvailabilityZone: zone },
        statistic: cloudwatch.Stats.SUM,
        period: ONE_MINUTE,
      });
    // Ids unique across the widget: r<i>, t<i>, e<i> are zone i's requests, target 5xx and balancer 5xx.
    const shares = zones.map(
      (zone, i) =>
        new cloudwatch.MathExpression({
          expression: `IF(r${i} > 0, 100 * (FILL(t${i}, 0) + FILL(e${i}, 0)) / r${i}, 0)`,
          usingMetrics: {
            [`r${i}`]: metric(zone, 'RequestCount'),
            [`t${i}`]: metric(zone, 'HTTPCode_Target_5XX_Count'),
            [`e${i}`]: metric(zone, 'HTTPCode_ELB_5XX_Count'),
          },
          period: ONE_MINUTE,
          label: zone,
        }),
    );
    const threshold = Math.round(plan.errorRateThreshold * 1e6) / 1e4;
    const { datapointsToAlarm, evaluationPeriods } = plan.evaluation;
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Per AZ: 5xx share of requests (%)',
        left: shares,
        leftAnnotations: [
          {
            value: threshold,
            label: `impaired above ${threshold}% in ${datapointsToAlarm} of ${evaluationPeriods} min, as an outlier`,
            color: cloudwatch.Color.RED,
          },
        ],
        leftYAxis: { min: 0 },
        width: 16,
        height: 6,
      }),
      new cloudwatch.AlarmStatusWidget({
        title: 'Per AZ: impaired on its own (starts a zonal shift; a shifted AZ serves no requests)',
        alarms: zones.map((zone) => alarms[zone]),
        width: 8,
        height: 6,
      }),
    );
  }
}

/** One graph of a row: what {@link addRow} lays out. */
interface GraphSpec {
  readonly title: string;
  readonly left: cloudwatch.IMetric[];
  readonly right?: cloudwatch.IMetric[];
  readonly leftAnnotations?: cloudwatch.HorizontalAnnotation[];
}

/** Graphs side by side, sharing the dashboard's width. */
function addRow(dashboard: cloudwatch.Dashboard, specs: GraphSpec[]): void {
  if (specs.length === 0) return;
  const width = Math.floor(WIDTH / specs.length);
  dashboard.addWidgets(
    ...specs.map(
      (spec) =>
        new cloudwatch.GraphWidget({
          title: spec.title,
          left: spec.left,
          right: spec.right,
          leftAnnotations: spec.leftAnnotations,
          leftYAxis: { min: 0 },
          width,
          height: 6,
        }),
    ),
  );
}
