import { fastestPageAlert } from '../burn-rate';
import { PlanProblem, PlanWarning } from '../errors';
import { ServiceTier } from '../tier';

/**
 * The plan of isolated-impact detection for a load-balanced fleet: per-AZ alarms that say one AZ is
 * impaired (a gray failure: its instances pass health checks while its requests fail or slow down),
 * and never say so when the whole region is. What each engine's zonal detection renders, with the
 * expressions and composite rule below; the automatic zonal shift it starts is `planZonalShift`'s.
 *
 * @see https://docs.aws.amazon.com/whitepapers/latest/advanced-multi-az-resilience-patterns/multi-az-observability.html
 * @see https://docs.aws.amazon.com/whitepapers/latest/advanced-multi-az-resilience-patterns/failure-detection-using-outlier-detection.html
 */

/** A fleet's zonal detection as its props describe it, in core's terms. */
export interface ZonalOutlierIntent {
  /** AZs the load balancer serves from; undefined when not known at synthesis (`Fn::GetAZs`). */
  readonly zoneCount: number | undefined;
  /** Whether the AZs have literal names at synthesis (the alarms' dimensions need them). */
  readonly zonesKnown: boolean;
  /** Whether the fleet serves traffic (a STANDBY serves none, so its alarms would say nothing). @default true */
  readonly serving?: boolean;
  /** Slowest p99 response a zone may give, in seconds; undefined: no latency SLO, no latency alarm. */
  readonly latencyThresholdSeconds?: number;
  /** Whether to detect at all. @default - on for statically stable tiers (TIER_0, TIER_1) that serve */
  readonly enabled?: boolean;
  /**
   * Why the AZs are not known and what to do, for the warning when `zonesKnown` is false.
   * @default - the CDK engine's: `Fn::GetAZs`, give the stack an env or literal zones
   */
  readonly unknownZones?: string;
  /** The engine's names of the props problems name. @default - the CDK engine's */
  readonly propNames?: { readonly latencyThreshold?: string };
}

/** How every per-AZ alarm judges its periods. */
export interface ZonalEvaluationPlan {
  /** The period of every metric: the one minute the load balancer publishes at. */
  readonly periodSeconds: number;
  /** Breaching periods needed (N) among the last `evaluationPeriods` (M). */
  readonly datapointsToAlarm: number;
  readonly evaluationPeriods: number;
  /** Earliest an impairment is confirmed: period × N (the later mitigation adds the shift and DNS). */
  readonly detectionSeconds: number;
  /**
   * Whether detection alone fits the tier's AZ RTO. Not a construct warning (it would print for
   * every TIER_0 fleet): the report is where a gray failure's AZ RTO is to be derived from it.
   */
  readonly withinAzRto: boolean;
}

/** The outlier test of one zone against the others (see {@link planZonalOutlier}). */
export interface ZonalOutlierTestPlan {
  /** The zone's 5xx count must be more than `factor` × the average 5xx count of the other zones. */
  readonly factor: number;
  /** … and at least `minErrors` in the period (small counts swing too much to compare). */
  readonly minErrors: number;
}

/** The plan. */
export interface ZonalOutlierPlan {
  /** Whether the engine renders the alarms. */
  readonly enabled: boolean;
  /** Error ratio (5xx / requests) of one zone over one period above which the zone breaches. */
  readonly errorRateThreshold: number;
  /** The burn rate `errorRateThreshold` stands for: the tier's fastest page alert. */
  readonly burnRate: number;
  /** p99 target response time of one zone above which it breaches, when a latency SLO is given. */
  readonly latencyThresholdSeconds?: number;
  readonly outlier: ZonalOutlierTestPlan;
  readonly evaluation: ZonalEvaluationPlan;
  /** Metrics one outlier alarm reads: two 5xx counts per zone. */
  readonly outlierMetricCount: number;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/**
 * The load balancer publishes its metrics every 60 seconds (when requests flow).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 */
export const ALB_METRIC_PERIOD_SECONDS = 60;

/**
 * Metrics one CloudWatch alarm on a metric-math expression may read (a hard limit).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html
 */
export const CLOUDWATCH_ALARM_MAX_METRICS = 10;

/**
 * This library's choices for the outlier test and its evaluation (not published figures; the
 * reasoning is on {@link planZonalOutlier}).
 */
export const ZONAL_OUTLIER_DEFAULTS = {
  factor: 3,
  minErrors: 5,
  datapointsToAlarm: 2,
  evaluationPeriods: 3,
} as const;

/**
 * The load balancer's per-AZ metrics, and the metric-math ids and expressions of the per-AZ
 * alarms: one text for every engine (the alarms of both engines are then evaluated by the same
 * test). Metric-math ids start with a lower-case letter: `requests`, `target5xx` and `elb5xx` are
 * one zone's, `t<i>`/`e<i>` zone i's target and ELB 5xx counts in the outlier alarm, which reads
 * every zone's.
 */
export const ZONAL_METRICS = {
  requests: 'RequestCount',
  target5xx: 'HTTPCode_Target_5XX_Count',
  elb5xx: 'HTTPCode_ELB_5XX_Count',
  /** Read at {@link ZONAL_LATENCY_STATISTIC} by the Latency alarm. */
  latency: 'TargetResponseTime',
} as const;

/** A zone's 5xx share of its requests (0 without requests): the Availability alarm's expression. */
export const ZONAL_AVAILABILITY_EXPRESSION = 'IF(requests > 0, (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)';

/** The ids under which the outlier alarm reads zone `index`'s target and ELB 5xx counts. */
export function zonalOutlierMetricIds(index: number): { readonly target5xx: string; readonly elb5xx: string } {
  return { target5xx: `t${index}`, elb5xx: `e${index}` };
}

/**
 * 1 when zone `index` of `zoneCount` is a 5xx outlier in the period (see {@link planZonalOutlier}):
 * `e_z ≥ minErrors AND e_z > factor × mean(e_o)`, every count `FILL`ed with 0 (no data, no errors).
 */
export function zonalOutlierExpression(plan: ZonalOutlierPlan, index: number, zoneCount: number): string {
  const errors = (i: number) => {
    const ids = zonalOutlierMetricIds(i);
    return `(FILL(${ids.target5xx}, 0) + FILL(${ids.elb5xx}, 0))`;
  };
  const others = [...Array(zoneCount).keys()].filter((j) => j !== index);
  const othersMean = `(${others.map(errors).join(' + ')}) / ${others.length}`;
  const { minErrors, factor } = plan.outlier;
  return `IF(${errors(index)} >= ${minErrors} AND ${errors(index)} > ${factor} * ${othersMean}, 1, 0)`;
}

/** The p99 statistic the Latency alarm reads of `TargetResponseTime`. */
export const ZONAL_LATENCY_STATISTIC = 'p99';

/** The per-AZ metric alarms an Impaired composite combines. */
export type ZonalAlarmKind = 'availability' | 'outlier' | 'latency';

/**
 * The rule of zone `index`'s Impaired composite alarm, in CloudWatch's alarm-rule syntax: (its
 * Availability AND its Outlier AND NOT every zone's Availability) OR, with a latency threshold, (its
 * Latency AND NOT every zone's Latency). `alarm` names an alarm (its ARN) by kind and zone index.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html
 */
export function zonalImpairedRule(
  plan: ZonalOutlierPlan,
  index: number,
  zoneCount: number,
  alarm: (kind: ZonalAlarmKind, zoneIndex: number) => string,
): string {
  const inAlarm = (kind: ZonalAlarmKind, i: number) => `ALARM("${alarm(kind, i)}")`;
  const allOf = (rules: string[]) => `(${rules.join(' AND ')})`;
  // A breach in every zone is the region's (or a release's): shifting one zone away would only load the others.
  const notRegionWide = (kind: ZonalAlarmKind) =>
    `(NOT (${allOf([...Array(zoneCount).keys()].map((i) => inAlarm(kind, i)))}))`;
  const failing = allOf([inAlarm('availability', index), inAlarm('outlier', index), notRegionWide('availability')]);
  if (plan.latencyThresholdSeconds === undefined) {
    return failing;
  }
  return `(${failing} OR ${allOf([inAlarm('latency', index), notRegionWide('latency')])})`;
}

/** An outlier needs other zones to compare with. */
const MIN_ZONES = 2;

/**
 * Plans isolated-impact detection, as the AWS whitepaper "Advanced Multi-AZ Resilience Patterns"
 * combines it: a zone is impaired when it breaches its own SLI threshold, is an outlier against the
 * other zones, and the breach is not region-wide.
 *
 * - **Per-AZ availability**: the zone's 5xx share of requests over one minute above the error ratio
 *   of the tier's fastest page alert (`fastestPageAlert`: 14.4 × (1 − target)).
 * - **Per-AZ latency** (when a threshold is given): the zone's p99 target response time above it.
 * - **Outlier**: `e_z ≥ minErrors AND e_z > factor × mean(e_o)`, with `e` a zone's 5xx count in the
 *   period and `o` the other zones. The load balancer's DNS spreads clients evenly over its nodes,
 *   so healthy zones see similar counts; 3 × the others' mean is 60 % of the errors of three zones.
 *   False positives: at the floor of 5 errors, a zone whose errors are Poisson with the others'
 *   mean of 5 reaches 15 in a minute with probability about 2 × 10⁻⁴, and the alarm needs it in
 *   2 of 3 minutes (about 10⁻⁷); the floor keeps low traffic (1 error against 0) from being an outlier.
 * - **Evaluation**: 1-minute periods, 2 of 3 breaching (one bad minute is noise, one good minute
 *   in an impairment does not reset it); missing data never breaches. Detection takes at least
 *   120 s: TIER_1's AZ RTO of 120 s leaves nothing for the shift, and TIER_0's 30 s cannot be met
 *   with 1-minute metrics (`withinAzRto`).
 * - **Region-wide**: the composite never fires while every zone breaches: that is the region (or
 *   a release), and shifting one zone away would only load the others.
 *
 * | problem (prop)             | when                                                      |
 * |----------------------------|-----------------------------------------------------------|
 * | `latencyThreshold`         | not a positive number of seconds                          |
 * | `zonalDetection`           | asked for with fewer than 2 AZs or more than 5 (metrics)  |
 *
 * Warning: `zones` (AZs unknown at synthesis, or too few or too many: detection skipped).
 *
 * Example: TIER_1 (99.95 %), 3 AZs → a zone breaches above 14.4 × 0.0005 = 0.72 % 5xx in 2 of 3
 * minutes; it is an outlier with 12 errors in a minute against 2 and 3 in the others (12 > 3 × 2.5,
 * 12 ≥ 5); impaired when both hold and not all three zones breach; detected after 120 s.
 */
export function planZonalOutlier(tier: ServiceTier, intent: ZonalOutlierIntent): ZonalOutlierPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const page = fastestPageAlert(tier.availabilityTarget);
  const { factor, minErrors, datapointsToAlarm, evaluationPeriods } = ZONAL_OUTLIER_DEFAULTS;
  const detectionSeconds = ALB_METRIC_PERIOD_SECONDS * datapointsToAlarm;
  const maxZones = Math.floor(CLOUDWATCH_ALARM_MAX_METRICS / 2);

  const latency = intent.latencyThresholdSeconds;
  if (latency !== undefined && !(typeof latency === 'number' && Number.isFinite(latency) && latency > 0)) {
    const prop = intent.propNames?.latencyThreshold ?? 'latencyThreshold';
    problems.push({ prop, message: `${prop} must be greater than 0, got: ${latency} seconds` });
  }
  let enabled = intent.enabled ?? (Boolean(tier.staticallyStable) && intent.serving !== false);
  const zones = intent.zoneCount;
  if (enabled && zones !== undefined && (zones < MIN_ZONES || zones > maxZones)) {
    const why =
      zones < MIN_ZONES
        ? 'an outlier is measured against the other AZs'
        : `its outlier alarm reads two 5xx counts per AZ, and a CloudWatch alarm at most ${CLOUDWATCH_ALARM_MAX_METRICS} metrics`;
    if (intent.enabled) {
      problems.push({
        prop: 'zonalDetection',
        message: `zonalDetection needs ${MIN_ZONES} to ${maxZones} AZs (${why}), got: ${zones}`,
      });
    } else {
      warnings.push({
        id: 'zones',
        message: `no per-AZ impairment detection: it needs ${MIN_ZONES} to ${maxZones} AZs (${why}), got: ${zones}`,
      });
    }
    enabled = false;
  }
  if (enabled && (!intent.zonesKnown || zones === undefined)) {
    warnings.push({
      id: 'zones',
      message:
        'no per-AZ impairment detection: ' +
        (intent.unknownZones ??
          'the AZs are not known at synthesis (Fn::GetAZs), and each alarm names its AZ as a metric dimension; ' +
            'give the stack an env with account and region, or a VPC with literal availabilityZones'),
    });
    enabled = false;
  }
  return {
    enabled,
    errorRateThreshold: page.errorRateThreshold,
    burnRate: page.burnRate,
    latencyThresholdSeconds: latency,
    outlier: { factor, minErrors },
    evaluation: {
      periodSeconds: ALB_METRIC_PERIOD_SECONDS,
      datapointsToAlarm,
      evaluationPeriods,
      detectionSeconds,
      withinAzRto: detectionSeconds <= tier.azRtoSeconds,
    },
    outlierMetricCount: 2 * (zones ?? 0),
    problems,
    warnings,
  };
}
