import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  ZONAL_AVAILABILITY_EXPRESSION,
  ZONAL_METRICS,
  ZONAL_LATENCY_STATISTIC,
  ZonalAlarmKind,
  ZonalOutlierPlan,
  zonalImpairedRule,
  zonalOutlierExpression,
  zonalOutlierMetricIds,
} from '../core/plans/zonal-outlier';
import { notifyOn } from './private/alarms';
import { acknowledgeFindings } from './private/nag';

/** What {@link newZonalDetection} watches and whom it tells. */
export interface ZonalDetectionOptions {
  /** The balancer whose per-AZ metrics are read (its full name is their `LoadBalancer` dimension). */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Literal AZ names (each is a metric dimension): the caller skips detection when they are tokens. */
  readonly availabilityZones: readonly string[];
  /** Core's `planZonalOutlier`, enabled. */
  readonly plan: ZonalOutlierPlan;
  /** Receives every zone-impaired alarm's ALARM and OK. */
  readonly alarmTopic: sns.ITopic;
}

/** The alarms of one AZ. */
export interface ZoneAlarms {
  /** The zone's 5xx share of requests above the plan's error ratio. */
  readonly availability: cloudwatch.Alarm;
  /** The zone's 5xx count far above the other zones' average (and above the floor). */
  readonly outlier: cloudwatch.Alarm;
  /** The zone's p99 target response time above the latency threshold, when one is given. */
  readonly latency?: cloudwatch.Alarm;
  /** The zone breaches, is an outlier, and the region as a whole does not breach. */
  readonly impaired: cloudwatch.CompositeAlarm;
}

/**
 * Per-AZ isolated-impact detection on an Application Load Balancer's per-AZ metrics (dimensions
 * `LoadBalancer` and `AvailabilityZone`), as core's `planZonalOutlier` decides it. For each AZ:
 *
 * - `Availability`: (target 5xx + ELB 5xx) / requests above the plan's error ratio;
 * - `Outlier`: the zone's 5xx count at least the floor and more than `factor` × the other zones' mean;
 * - `Latency` (with a latency threshold): p99 `TargetResponseTime` above it;
 * - `Impaired`, a composite: (Availability AND Outlier AND NOT every zone's Availability) OR
 *   (Latency AND NOT every zone's Latency). Only it notifies: the others are its inputs.
 *
 * The load balancer reports a request under the AZ of the node that received it. With cross-zone
 * load balancing a node forwards to targets in every AZ, so these alarms see an impaired node or
 * network path in the zone; errors of one zone's targets spread over every node's metrics.
 *
 * Construct ids (public API, under `scope`): `ZonalDetection/<az>/{Availability,Outlier,Latency,Impaired}`.
 */
export function newZonalDetection(scope: Construct, options: ZonalDetectionOptions): Record<string, ZoneAlarms> {
  const { loadBalancer, availabilityZones, plan } = options;
  const root = new Construct(scope, 'ZonalDetection');
  const period = Duration.seconds(plan.evaluation.periodSeconds);
  const judged = {
    evaluationPeriods: plan.evaluation.evaluationPeriods,
    datapointsToAlarm: plan.evaluation.datapointsToAlarm,
    // No requests is no evidence of an impairment.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
  const metric = (zone: string, metricName: string, statistic: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName,
      dimensionsMap: { LoadBalancer: loadBalancer.loadBalancerFullName, AvailabilityZone: zone },
      statistic,
      period,
    });
  // The ids and expressions are core's, so both engines render one text.
  const all5xx: Record<string, cloudwatch.IMetric> = {};
  availabilityZones.forEach((zone, i) => {
    const ids = zonalOutlierMetricIds(i);
    all5xx[ids.target5xx] = metric(zone, ZONAL_METRICS.target5xx, cloudwatch.Stats.SUM);
    all5xx[ids.elb5xx] = metric(zone, ZONAL_METRICS.elb5xx, cloudwatch.Stats.SUM);
  });

  const zones = availabilityZones.map((zone, i) => {
    const node = new Construct(root, zone);
    const availability = new cloudwatch.Alarm(node, 'Availability', {
      alarmDescription:
        `Share of requests through the load balancer's node in ${zone} answered 5xx burns the error budget ` +
        `${plan.burnRate}× too fast`,
      metric: new cloudwatch.MathExpression({
        expression: ZONAL_AVAILABILITY_EXPRESSION,
        usingMetrics: {
          requests: metric(zone, ZONAL_METRICS.requests, cloudwatch.Stats.SUM),
          target5xx: all5xx[zonalOutlierMetricIds(i).target5xx],
          elb5xx: all5xx[zonalOutlierMetricIds(i).elb5xx],
        },
        period,
        label: `5xx share of requests in ${zone}`,
      }),
      threshold: plan.errorRateThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...judged,
    });
    const outlier = new cloudwatch.Alarm(node, 'Outlier', {
      alarmDescription:
        `5xx count in ${zone} is at least ${plan.outlier.minErrors} and more than ${plan.outlier.factor}× ` +
        'the average of the other AZs',
      metric: new cloudwatch.MathExpression({
        expression: zonalOutlierExpression(plan, i, availabilityZones.length),
        usingMetrics: all5xx,
        period,
        label: `${zone} is a 5xx outlier`,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...judged,
    });
    const latencySeconds = plan.latencyThresholdSeconds;
    const latency =
      latencySeconds === undefined
        ? undefined
        : new cloudwatch.Alarm(node, 'Latency', {
            alarmDescription: `p99 target response time through the node in ${zone} above ${latencySeconds} s`,
            metric: metric(zone, ZONAL_METRICS.latency, ZONAL_LATENCY_STATISTIC),
            threshold: latencySeconds,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            ...judged,
          });
    for (const input of [availability, outlier, latency]) {
      if (input) {
        acknowledgeFindings(input, {
          id: 'NIST.800.53.R5-CloudWatchAlarmAction',
          reason:
            "an input of the AZ's Impaired composite alarm, which notifies: one impairment makes one notification",
        });
      }
    }
    return { zone, node, availability, outlier, latency };
  });

  const alarmOf = (z: (typeof zones)[number], kind: ZonalAlarmKind): cloudwatch.IAlarm =>
    kind === 'availability' ? z.availability : kind === 'outlier' ? z.outlier : z.latency!;
  const result: Record<string, ZoneAlarms> = {};
  for (const [i, z] of zones.entries()) {
    // Core's rule text, so both engines combine the alarms the same way.
    const rule = cloudwatch.AlarmRule.fromString(
      zonalImpairedRule(plan, i, zones.length, (kind, j) => alarmOf(zones[j], kind).alarmArn),
    );
    const impaired = new cloudwatch.CompositeAlarm(z.node, 'Impaired', {
      alarmDescription:
        `${z.zone} is impaired on its own: its requests fail (or slow down) while the other AZs serve; ` +
        'a zonal shift away from it is the mitigation',
      alarmRule: rule,
    });
    notifyOn(impaired, options.alarmTopic);
    result[z.zone] = { availability: z.availability, outlier: z.outlier, latency: z.latency, impaired };
  }
  return result;
}
