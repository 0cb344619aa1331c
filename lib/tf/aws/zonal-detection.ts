import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import {
  CloudwatchMetricAlarm,
  CloudwatchMetricAlarmMetricQuery,
} from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import {
  ZONAL_AVAILABILITY_EXPRESSION,
  ZONAL_LATENCY_STATISTIC,
  ZONAL_METRICS,
  ZonalAlarmKind,
  ZonalOutlierPlan,
  zonalImpairedRule,
  zonalOutlierExpression,
  zonalOutlierMetricIds,
} from '../../core/plans/zonal-outlier';

/** What {@link newZonalDetection} watches and whom it tells. */
export interface ZonalDetectionOptions {
  readonly provider?: AwsProvider;
  /** The balancer's ARN suffix: the `LoadBalancer` dimension of its metrics. */
  readonly loadBalancerArnSuffix: string;
  /** The load balancer's subnets, one per AZ: each one's AZ is read at plan time (`aws_subnet`). */
  readonly subnetIds: readonly string[];
  /** Core's `planZonalOutlier`, enabled. */
  readonly plan: ZonalOutlierPlan;
  /** Receives every zone-impaired alarm's ALARM and OK. */
  readonly alarmTopicArn: string;
  /** Prefix of the alarms' names (unique in the account and region). */
  readonly namePrefix: string;
}

/** The alarms of one AZ. */
export interface ZoneAlarms {
  /** The AZ's name, read from its subnet at plan time. */
  readonly zone: string;
  /** The zone's 5xx share of requests above the plan's error ratio. */
  readonly availability: CloudwatchMetricAlarm;
  /** The zone's 5xx count far above the other zones' average (and above the floor). */
  readonly outlier: CloudwatchMetricAlarm;
  /** The zone's p99 target response time above the latency threshold, when one is given. */
  readonly latency?: CloudwatchMetricAlarm;
  /** The zone breaches, is an outlier, and the region as a whole does not breach. */
  readonly impaired: CloudwatchCompositeAlarm;
}

/**
 * Per-AZ isolated-impact detection on an Application Load Balancer's per-AZ metrics, as core's
 * `planZonalOutlier` decides it and with core's expressions and rule: the Terraform twin of the CDK
 * fleet's (`lib/aws/zonal-detection.ts`). For each AZ: `Availability`, `Outlier`, `Latency` (with a
 * latency threshold) and the `Impaired` composite, which alone notifies.
 *
 * The fleet knows its subnets, not their AZs, and each alarm names its AZ as a metric dimension: an
 * `aws_subnet` data source per subnet reads the AZ at plan time. That costs one EC2
 * `DescribeSubnets` call per subnet on every plan, and the subnets must exist before the plan (in
 * the same configuration, Terraform orders the read after them).
 *
 * Construct ids (public API, under `scope`): `ZonalDetection/Zone<i>/{Subnet,Availability,Outlier,Latency,Impaired}`,
 * `i` the subnet's index in `subnetIds`.
 */
export function newZonalDetection(scope: Construct, options: ZonalDetectionOptions): ZoneAlarms[] {
  const { provider, plan, namePrefix } = options;
  const root = new Construct(scope, 'ZonalDetection');
  const period = plan.evaluation.periodSeconds;
  const judged = {
    provider,
    evaluationPeriods: plan.evaluation.evaluationPeriods,
    datapointsToAlarm: plan.evaluation.datapointsToAlarm,
    // No requests is no evidence of an impairment.
    treatMissingData: 'notBreaching',
  };
  const nodes = options.subnetIds.map((_subnetId, i) => new Construct(root, `Zone${i}`));
  const zones = options.subnetIds.map(
    (subnetId, i) => new DataAwsSubnet(nodes[i], 'Subnet', { provider, id: subnetId }).availabilityZone,
  );
  const metric = (zone: string, metricName: string) => ({
    namespace: 'AWS/ApplicationELB',
    metricName,
    stat: 'Sum',
    period,
    dimensions: { LoadBalancer: options.loadBalancerArnSuffix, AvailabilityZone: zone },
  });
  const all5xx: CloudwatchMetricAlarmMetricQuery[] = zones.flatMap((zone, i) => {
    const ids = zonalOutlierMetricIds(i);
    return [
      { id: ids.target5xx, metric: metric(zone, ZONAL_METRICS.target5xx) },
      { id: ids.elb5xx, metric: metric(zone, ZONAL_METRICS.elb5xx) },
    ];
  });

  const inputs = zones.map((zone, i) => {
    const name = (kind: string) => `${namePrefix}-zone${i}-${kind}`;
    const availability = new CloudwatchMetricAlarm(nodes[i], 'Availability', {
      ...judged,
      alarmName: name('availability'),
      alarmDescription:
        `Share of requests through the load balancer's node in ${zone} answered 5xx burns the error budget ` +
        `${plan.burnRate}× too fast`,
      metricQuery: [
        {
          id: 'share',
          expression: ZONAL_AVAILABILITY_EXPRESSION,
          label: `5xx share of requests in ${zone}`,
          returnData: true,
        },
        { id: 'requests', metric: metric(zone, ZONAL_METRICS.requests) },
        { id: 'target5xx', metric: metric(zone, ZONAL_METRICS.target5xx) },
        { id: 'elb5xx', metric: metric(zone, ZONAL_METRICS.elb5xx) },
      ],
      threshold: plan.errorRateThreshold,
      comparisonOperator: 'GreaterThanThreshold',
    });
    const outlier = new CloudwatchMetricAlarm(nodes[i], 'Outlier', {
      ...judged,
      alarmName: name('outlier'),
      alarmDescription:
        `5xx count in ${zone} is at least ${plan.outlier.minErrors} and more than ${plan.outlier.factor}× ` +
        'the average of the other AZs',
      metricQuery: [
        {
          id: 'outlier',
          expression: zonalOutlierExpression(plan, i, zones.length),
          label: `${zone} is a 5xx outlier`,
          returnData: true,
        },
        ...all5xx,
      ],
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const latencySeconds = plan.latencyThresholdSeconds;
    const latency =
      latencySeconds === undefined
        ? undefined
        : new CloudwatchMetricAlarm(nodes[i], 'Latency', {
            ...judged,
            alarmName: name('latency'),
            alarmDescription: `p99 target response time through the node in ${zone} above ${latencySeconds} s`,
            namespace: 'AWS/ApplicationELB',
            metricName: ZONAL_METRICS.latency,
            extendedStatistic: ZONAL_LATENCY_STATISTIC,
            period,
            dimensions: { LoadBalancer: options.loadBalancerArnSuffix, AvailabilityZone: zone },
            threshold: latencySeconds,
            comparisonOperator: 'GreaterThanThreshold',
          });
    return { zone, availability, outlier, latency };
  });

  const alarmOf = (kind: ZonalAlarmKind, i: number): CloudwatchMetricAlarm =>
    kind === 'availability' ? inputs[i].availability : kind === 'outlier' ? inputs[i].outlier : inputs[i].latency!;
  return inputs.map((z, i) => ({
    ...z,
    impaired: new CloudwatchCompositeAlarm(nodes[i], 'Impaired', {
      provider,
      alarmName: `${namePrefix}-zone${i}-impaired`,
      alarmDescription:
        `${z.zone} is impaired on its own: its requests fail (or slow down) while the other AZs serve; ` +
        'a zonal shift away from it is the mitigation',
      // Core's rule text, so both engines combine the alarms the same way.
      alarmRule: zonalImpairedRule(plan, i, zones.length, (kind, j) => alarmOf(kind, j).arn),
      alarmActions: [options.alarmTopicArn],
      okActions: [options.alarmTopicArn],
    }),
  }));
}
