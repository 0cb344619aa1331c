import { BurnRateAlert, burnRateAlerts, fastestPageAlert } from '../burn-rate';
import { alarmPeriodSeconds, CLOUDWATCH_ALARM_MAX_RANGE_SECONDS, errorBudgetExhaustion } from '../error-budget-policy';
import { PlanProblem, PlanWarning } from '../errors';
import {
  CLOUD_MONITORING_SLO_MAX_GOAL,
  CLOUD_MONITORING_SLO_MAX_ROLLING_DAYS,
  SRE_WORKBOOK_SLO_WINDOW_DAYS,
  UPTIME_CHECK_PERIODS_MINUTES,
} from '../figures';
import { healthCheckPathProblem, READINESS_PATH } from '../health-check-path';
import { clean } from '../numbers';
import { ServiceTier } from '../tier';

/**
 * The plan of an SLO and the multiwindow, multi-burn-rate alerts that defend it: what each engine's
 * `SloAlarms` renders (CloudWatch metric-math alarms on AWS, a Cloud Monitoring SLO and burn-rate
 * policies on Google Cloud).
 */

/** The monitoring service an engine renders the plan for: its limits bound the window and the target. */
export type SloMonitor = 'cloudwatch' | 'cloud-monitoring';

/** `page` wakes someone; `ticket` is handled in working hours. */
export type SloSeverity = 'page' | 'ticket';

/** A service level indicator: the availability of requests, their latency, a synthetic probe's success. */
export type SliName = 'Availability' | 'Latency' | 'Synthetic';

/** An uptime probe of one serving region, in core's terms. */
export interface SloProbeIntent {
  /** The region the probe watches; undefined when not known at synthesis. */
  readonly region?: string;
  /** False when the engine's cloud has no region of that name (a zone, a typo). @default true */
  readonly regionIsValid?: boolean;
  /** Path the probe requests. @default SLO_PROBE_DEFAULTS.path */
  readonly path?: string;
}

/**
 * A regional load balancer whose requests count toward the SLO (Google Cloud's regional external
 * Application Load Balancers, one per serving region), in core's terms.
 */
export interface SloRegionalLoadBalancerIntent {
  /** Its region; undefined when not known at synthesis. */
  readonly region?: string;
  /** False when the engine's cloud has no region of that name (a zone, a typo). @default true */
  readonly regionIsValid?: boolean;
}

/** The latency threshold as the props give it. */
export interface SloLatencyThresholdIntent {
  /** Slowest response that counts as good, in seconds; undefined when not known at synthesis. */
  readonly seconds?: number;
  /** The threshold as the user wrote it (e.g. `250 millis`), for messages. @default - `<seconds> seconds` */
  readonly shown?: string;
}

/** An SLO as its props describe it, in core's terms; `undefined` where a value is a token or not offered. */
export interface SloIntent {
  readonly monitor: SloMonitor;
  /** @default - tier.availabilityTarget */
  readonly target?: number;
  /** @default SRE_WORKBOOK_SLO_WINDOW_DAYS (30) */
  readonly windowDays?: number;
  /** Whether a load balancer's requests are the availability SLI. */
  readonly loadBalancer?: boolean;
  /**
   * Cloud Monitoring: regional load balancers whose requests, summed over all of them, are the
   * availability SLI (`regionalLoadBalancers`); undefined where not given.
   */
  readonly regionalLoadBalancers?: readonly SloRegionalLoadBalancerIntent[];
  /** Whether a count of good requests is given (with `totalRequests`). */
  readonly goodRequests?: boolean;
  /** Whether a count of all requests is given (with `goodRequests`). */
  readonly totalRequests?: boolean;
  /** Whether a synthetic probe's success percentage is an SLI; undefined where the engine offers none. */
  readonly syntheticSuccess?: boolean;
  /** The latency SLI's threshold: given, the SLI is asked for. */
  readonly latencyThreshold?: SloLatencyThresholdIntent;
  /** Share of requests that must be faster than the threshold. @default - the availability target */
  readonly latencyTarget?: number;
  /** HTTPS endpoints subscribed to pages and tickets (undefined entries: tokens). */
  readonly pageUrls?: readonly (string | undefined)[];
  readonly ticketUrls?: readonly (string | undefined)[];
  /** Whether pages open incidents through an incident response, and through a response plan. */
  readonly incidentResponse?: boolean;
  readonly responsePlan?: boolean;
  /** How many notification channels every alert notifies, where the engine takes channels. */
  readonly notificationChannelCount?: number;
  /** Uptime probes, where the engine runs them (one per serving region). */
  readonly probes?: readonly SloProbeIntent[];
  /** The props as the engine spells them, where they differ (`loadBalancerArnSuffix`, a deprecated `sloWindowDays`). */
  readonly propNames?: { readonly loadBalancer?: string; readonly windowDays?: string };
}

/** One window of a burn-rate alert. */
export interface SloWindow {
  /** The window of core's `burnRateAlerts`, in whole seconds. */
  readonly seconds: number;
  /**
   * The period that measures it: whole minutes and at least one, what a CloudWatch alarm period
   * and a Cloud Monitoring burn-rate lookback take (`alarmPeriodSeconds`).
   */
  readonly periodSeconds: number;
  /** `periodSeconds` in minutes (a Cloud Monitoring lookback, `60m`). */
  readonly periodMinutes: number;
  /** `periodSeconds` in its largest whole unit (`1h`, `5m`, `3d`), for ids and descriptions. */
  readonly label: string;
}

/** One multiwindow burn-rate alert of an SLI: both windows' error ratio above the threshold. */
export interface SloAlertPlan {
  /** `Burn<long window label>` (e.g. `Burn1h`): the alert's construct id. */
  readonly name: string;
  readonly severity: SloSeverity;
  /** How many times faster than sustainable the budget is being spent. */
  readonly burnRate: number;
  /** The long window makes the alert significant, the short one makes it reset soon after the burn stops. */
  readonly long: SloWindow;
  readonly short: SloWindow;
  /** Error ratio (bad / all) over each window that fires: burnRate × (1 − target). */
  readonly errorRateThreshold: number;
}

/** The alarm that says the window's error budget is certainly spent (deployments freeze on it). */
export interface SloBudgetAlarmPlan {
  /** The trailing range evaluated: the SLO window, or the 7 days a CloudWatch alarm can see. */
  readonly rangeSeconds: number;
  /** The period that measures the range: whole minutes. */
  readonly periodSeconds: number;
  readonly label: string;
  /** Error ratio over the range at which its errors alone spent the window's budget: (1 − target) × window / range. */
  readonly errorRateThreshold: number;
  /** Whether the range is the whole window (otherwise the alarm is a lower bound). */
  readonly coversWindow: boolean;
}

/** How an alarm judges its one period. */
export interface SloAlarmRule {
  /** Periods evaluated, and how many of them must breach. */
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** `above` the threshold, or `atOrAbove` it. */
  readonly comparison: 'above' | 'atOrAbove';
  /** No requests is no evidence of errors: missing data never breaches (the synthetic SLI covers the silent outage). */
  readonly missingDataBreaches: boolean;
}

/** The error ratio (bad / all) of an SLI as a metric-math expression over named inputs. */
export interface SliErrorRatio {
  readonly expression: string;
  /** The inputs the expression names, which the engine binds to its metrics. */
  readonly inputs: readonly string[];
  /**
   * The statistic every input is measured with over the period: `Sum` for counts of requests (a
   * ratio of averages is not a ratio of counts); undefined where each keeps its own (a percentage,
   * a percentile rank).
   */
  readonly statistic?: 'Sum';
}

/** One SLI: its target, error ratio, alerts and budget alarm. */
export interface SliPlan {
  /** Construct id and label. */
  readonly name: SliName;
  readonly target: number;
  readonly errorRatio: SliErrorRatio;
  /** 1 − target printed for a metric-math expression, without floating-point noise (`0.0005`). */
  readonly budgetRatio: string;
  /** The burn-rate alerts, fastest first. */
  readonly alerts: readonly SloAlertPlan[];
  readonly budgetExhausted: SloBudgetAlarmPlan;
}

/** Cloud Monitoring's uptime checks of the serving regions, and the alert on each. */
export interface SloProbePlan {
  /** The tier's probe interval. */
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  /** HTTPS. */
  readonly port: number;
  /** The alert: checks failing from more than `failingLocationsAbove` locations for `durationSeconds`. */
  readonly alignmentPeriodSeconds: number;
  readonly failingLocationsAbove: number;
  readonly durationSeconds: number;
  /** Each probe's path, in the order of the intent's probes. */
  readonly paths: readonly string[];
}

/** The plan. */
export interface SloPlan {
  /** The availability target of the SLO. */
  readonly target: number;
  /** `target` in percent, without floating-point noise (`99.95`). */
  readonly targetPercent: number;
  readonly windowDays: number;
  readonly windowSeconds: number;
  /** Core's burn-rate alerts of the availability target. */
  readonly alerts: readonly BurnRateAlert[];
  /** The SLIs, availability first; their alerts are what the engines render. */
  readonly slis: readonly SliPlan[];
  /** The latency SLI's threshold, when there is one (undefined seconds: a token). */
  readonly latency?: { readonly thresholdSeconds?: number; readonly target: number };
  /** How each window alarm of a burn-rate alert judges its period. */
  readonly windowAlarm: SloAlarmRule;
  /** How the budget-exhausted alarm judges its range. */
  readonly budgetAlarm: SloAlarmRule;
  /** How long a burn-rate condition must hold before it fires (its windows already smooth it). */
  readonly burnRateConditionSeconds: number;
  /** The window a burn-rate graph shows unless asked otherwise. */
  readonly burnRateGraphSeconds: number;
  readonly probe: SloProbePlan;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/**
 * Defaults of an SLO's probes and graphs (what the tier leaves to the service).
 * The uptime alert is Cloud Monitoring's documented one: checks failing from more than one location,
 * counted over a 1200 s alignment.
 * @see https://cloud.google.com/monitoring/uptime-checks/uptime-alerting-policies
 */
export const SLO_DEFAULTS = {
  // The readiness path: an uptime check asks whether the service works, as the load balancer does.
  probePath: READINESS_PATH,
  probeTimeoutSeconds: 10,
  probePort: 443,
  probeAlertAlignmentSeconds: 1200,
  probeAlertFailingLocationsAbove: 1,
  burnRateGraphSeconds: 3600,
} as const;

/** The shortest SLO window: a shorter one scales the burn-rate windows below the one-minute periods alarms evaluate. */
export const SLO_MIN_WINDOW_DAYS = 1;

const DAY_SECONDS = 86400;
const MINUTE_SECONDS = 60;
const LABEL_UNITS = [
  ['d', DAY_SECONDS],
  ['h', 3600],
  ['m', MINUTE_SECONDS],
] as const;

/** `3600` → `1h`, `300` → `5m`, `259200` → `3d`, `3360` → `56m`: the largest whole unit, for ids and labels. */
export function sloWindowLabel(seconds: number): string {
  for (const [unit, size] of LABEL_UNITS) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** The error ratio the SLO allows (1 − target), printed without floating-point noise for a math expression. */
export function sloBudgetRatio(target: number): string {
  return (1 - target).toFixed(12).replace(/\.?0+$/, '');
}

/** The error ratios of each kind of SLI (bad / all). */
const ERROR_RATIOS: Record<'loadBalancer' | 'requests' | 'latency' | 'synthetic', SliErrorRatio> = {
  loadBalancer: {
    expression: '(FILL(target5xx, 0) + FILL(elb5xx, 0)) / total',
    inputs: ['target5xx', 'elb5xx', 'total'],
    statistic: 'Sum',
  },
  requests: { expression: '(total - good) / total', inputs: ['good', 'total'], statistic: 'Sum' },
  latency: { expression: '1 - fast / 100', inputs: ['fast'] },
  synthetic: { expression: '1 - success / 100', inputs: ['success'] },
};

/**
 * Plans an SLO and its alerts (Site Reliability Workbook, chapter 5).
 *
 * - **Target and window**: the target defaults to the tier's and may not be looser; the window
 *   defaults to 30 days and is at least 1. CloudWatch takes any window whose longest alert window
 *   (3 d × window / 30) fits the 7 days an alarm evaluates (so up to 70 days); Cloud Monitoring
 *   takes whole days up to 30 and a goal up to 0.9999.
 * - **Alerts**: per SLI, core's `burnRateAlerts(target, window)`: page at 14.4× over 1 h and 5 min
 *   and at 6× over 6 h and 30 min, ticket at 1× over 3 d and 6 h, the windows scaled by window / 30;
 *   threshold = burnRate × (1 − target), which must stay below 1 for the fastest page. Each window is
 *   measured over `alarmPeriodSeconds(window)`: whole minutes, at least one.
 * - **Budget exhausted**: `errorBudgetExhaustion(target, window)`: over min(window, 7 d), fire at
 *   (1 − target) × window / range.
 * - **Requests on Cloud Monitoring**: a global load balancer's (`loadBalancer`) or those of the
 *   regional load balancers (`regionalLoadBalancers`), never both; regional ones one per region and
 *   in at least `tier.minRegions` regions, their requests summed into one SLO of the service.
 *
 * Example: TIER_1 (0.9995) over 30 days: budget 0.0005; 0.0072 over 1 h and 5 min (page), 0.003
 * over 6 h and 30 min (page), 0.0005 over 3 d and 6 h (ticket); budget spent at 0.0005 × 30 / 7 =
 * 0.00214285714286 over 7 days. Over 28 days the windows are 56 min and 5 min (280 s rounded up),
 * 5 h 36 min and 28 min, 2 d 16 h and 5 h 36 min, with the same thresholds.
 */
export function planSlo(tier: ServiceTier, intent: SloIntent): SloPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });
  const lbProp = intent.propNames?.loadBalancer ?? 'loadBalancer';
  const windowProp = intent.propNames?.windowDays ?? 'windowDays';

  const requested = intent.windowDays ?? SRE_WORKBOOK_SLO_WINDOW_DAYS;
  const windowValid = checkWindow(intent.monitor, windowProp, requested, problem);
  const windowDays = windowValid ? requested : SRE_WORKBOOK_SLO_WINDOW_DAYS;

  const target = intent.target ?? tier.availabilityTarget;
  const targetValid = checkTarget('target', target, windowDays, problem);
  if (targetValid && target < tier.availabilityTarget) {
    problem(
      'target',
      `target must be at least ${tier.name}'s availability target ${tier.availabilityTarget} ` +
        `(a looser SLO spends more than the tier's error budget), got: ${target}`,
    );
  }
  if (targetValid && intent.monitor === 'cloud-monitoring' && target > CLOUD_MONITORING_SLO_MAX_GOAL) {
    problem(
      'target',
      `target must be at most ${CLOUD_MONITORING_SLO_MAX_GOAL} (the highest goal a Cloud Monitoring ` +
        `SLO takes), got: ${target}`,
    );
  }
  const availabilityTarget = targetValid ? target : tier.availabilityTarget;

  // A latency target is checked even without a threshold: it is a value the user means to hold.
  const latencyValid =
    intent.latencyTarget === undefined || checkTarget('latencyTarget', intent.latencyTarget, windowDays, problem);
  const latency = intent.latencyThreshold && {
    thresholdSeconds: intent.latencyThreshold.seconds,
    target: latencyValid ? (intent.latencyTarget ?? availabilityTarget) : availabilityTarget,
  };

  const regional = intent.regionalLoadBalancers;
  if (regional !== undefined) {
    checkRegionalLoadBalancers(tier, regional, Boolean(intent.loadBalancer), lbProp, problem);
  }
  const sliIntent = { ...intent, loadBalancer: Boolean(intent.loadBalancer) || (regional?.length ?? 0) > 0 };
  const slis = planSlis(sliIntent, lbProp, problem).map((sli) => {
    const sliTarget = sli.name === 'Latency' ? latency!.target : availabilityTarget;
    return sliPlan(sli.name, sli.errorRatio, sliTarget, windowDays);
  });

  for (const prop of ['pageUrls', 'ticketUrls'] as const) {
    const insecure = (intent[prop] ?? []).filter(
      (url): url is string => url !== undefined && !url.startsWith('https://'),
    );
    if (insecure.length > 0) {
      problem(prop, `${prop} must be HTTPS endpoints (https://...), got: ${insecure.join(', ')}`);
    }
  }
  if (intent.incidentResponse && intent.responsePlan) {
    problem(
      'incidentResponse',
      "pass either incidentResponse or responsePlan for the page alarm's incidents, got: both",
    );
  }
  const paths = planProbes(tier, intent, problem, warnings);

  return {
    target: availabilityTarget,
    targetPercent: clean(availabilityTarget * 100),
    windowDays,
    windowSeconds: windowDays * DAY_SECONDS,
    alerts: burnRateAlerts(availabilityTarget, windowDays),
    slis,
    latency,
    windowAlarm: { evaluationPeriods: 1, datapointsToAlarm: 1, comparison: 'above', missingDataBreaches: false },
    budgetAlarm: { evaluationPeriods: 1, datapointsToAlarm: 1, comparison: 'atOrAbove', missingDataBreaches: false },
    burnRateConditionSeconds: 0,
    burnRateGraphSeconds: SLO_DEFAULTS.burnRateGraphSeconds,
    probe: {
      periodSeconds: tier.probeIntervalMinutes * MINUTE_SECONDS,
      timeoutSeconds: SLO_DEFAULTS.probeTimeoutSeconds,
      port: SLO_DEFAULTS.probePort,
      alignmentPeriodSeconds: SLO_DEFAULTS.probeAlertAlignmentSeconds,
      failingLocationsAbove: SLO_DEFAULTS.probeAlertFailingLocationsAbove,
      durationSeconds: tier.probeIntervalMinutes * MINUTE_SECONDS,
      paths,
    },
    problems,
    warnings,
  };
}

type Report = (prop: string, message: string) => void;

/** Whether `days` is a window the monitor can alert on; reports why not. */
function checkWindow(monitor: SloMonitor, prop: string, days: number, problem: Report): boolean {
  if (monitor === 'cloud-monitoring') {
    // A Cloud Monitoring SLO's rolling period is whole days, at most 30.
    if (!Number.isInteger(days) || days < SLO_MIN_WINDOW_DAYS || days > CLOUD_MONITORING_SLO_MAX_ROLLING_DAYS) {
      problem(
        prop,
        `${prop} must be an integer from ${SLO_MIN_WINDOW_DAYS} to ${CLOUD_MONITORING_SLO_MAX_ROLLING_DAYS} ` +
          `(Cloud Monitoring's rolling periods), got: ${days}`,
      );
      return false;
    }
    return true;
  }
  if (typeof days !== 'number' || !Number.isFinite(days) || days < SLO_MIN_WINDOW_DAYS) {
    problem(prop, `${prop} must be a number of days of at least ${SLO_MIN_WINDOW_DAYS}, got: ${days}`);
    return false;
  }
  const longest = Math.max(...burnRateAlerts(0.5, days).map((alert) => alarmPeriodSeconds(alert.longWindowSeconds)));
  if (longest > CLOUDWATCH_ALARM_MAX_RANGE_SECONDS) {
    problem(
      prop,
      `${prop} must keep every burn-rate window within the ${CLOUDWATCH_ALARM_MAX_RANGE_SECONDS} seconds ` +
        `(${CLOUDWATCH_ALARM_MAX_RANGE_SECONDS / DAY_SECONDS} days) a CloudWatch alarm can evaluate, got: ${days} ` +
        `(a window of ${longest} seconds)`,
    );
    return false;
  }
  return true;
}

/** Whether `target` is an SLO target the fastest page can alert on; reports why not. */
function checkTarget(prop: string, target: number, windowDays: number, problem: Report): boolean {
  if (typeof target !== 'number' || !Number.isFinite(target)) {
    problem(prop, `${prop} must be a finite number, got: ${String(target)}`);
    return false;
  }
  if (target <= 0 || target >= 1) {
    problem(prop, `${prop} must be strictly between 0 and 1 (e.g. 0.999), got: ${target}`);
    return false;
  }
  // A threshold of 1 or more is an error ratio no window can reach: the page would never fire.
  const fastest = fastestPageAlert(target, windowDays).burnRate;
  if (fastest * (1 - target) >= 1) {
    problem(
      prop,
      `${prop} must leave an error budget the ${fastest}x burn-rate alert can express (${fastest} × (1 − ${prop}) ` +
        `below 1, so above ${clean(Math.round((1 - 1 / fastest) * 1e6) / 1e6)}), got: ${target}`,
    );
    return false;
  }
  return true;
}

/** The SLIs the intent asks for, availability first; reports a missing or doubled source. */
function planSlis(intent: SloIntent, lbProp: string, problem: Report): { name: SliName; errorRatio: SliErrorRatio }[] {
  const { loadBalancer, goodRequests, totalRequests, latencyThreshold, syntheticSuccess } = intent;
  const slis: { name: SliName; errorRatio: SliErrorRatio }[] = [];
  if (Boolean(goodRequests) !== Boolean(totalRequests)) {
    const given = goodRequests ? 'goodRequests' : 'totalRequests';
    problem(given, `goodRequests and totalRequests must be passed together, got: only ${given}`);
  } else if (loadBalancer && goodRequests) {
    problem(lbProp, `pass either ${lbProp} or goodRequests and totalRequests for the availability SLI, got: both`);
  }
  if (loadBalancer) {
    slis.push({ name: 'Availability', errorRatio: ERROR_RATIOS.loadBalancer });
  } else if (goodRequests && totalRequests) {
    slis.push({ name: 'Availability', errorRatio: ERROR_RATIOS.requests });
  }
  if (latencyThreshold) {
    const seconds = latencyThreshold.seconds;
    if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
      problem(
        'latencyThreshold',
        `latencyThreshold must be greater than 0, got: ${latencyThreshold.shown ?? `${seconds} seconds`}`,
      );
    }
    if (!loadBalancer) {
      problem(
        'latencyThreshold',
        `latencyThreshold needs ${lbProp} (the latency SLI reads its TargetResponseTime), got: no ${lbProp}`,
      );
    } else {
      slis.push({ name: 'Latency', errorRatio: ERROR_RATIOS.latency });
    }
  }
  if (syntheticSuccess) {
    slis.push({ name: 'Synthetic', errorRatio: ERROR_RATIOS.synthetic });
  }
  if (slis.length === 0 && !(goodRequests || totalRequests)) {
    // Cloud Monitoring reads a load balancer's requests: the global one's, or every regional one's.
    const sources =
      intent.monitor === 'cloud-monitoring'
        ? [lbProp, 'regionalLoadBalancers']
        : [
            lbProp,
            'goodRequests and totalRequests',
            ...(syntheticSuccess === undefined ? [] : ['syntheticSuccessPercent']),
          ];
    problem(
      lbProp,
      `SloAlarms needs an SLI: pass ${sources.slice(0, -1).join(', ')}, or ${sources[sources.length - 1]}, got: none`,
    );
  }
  return slis;
}

/**
 * Whether the regional load balancers can be the availability SLI: given instead of `lbProp`, at
 * least one per region of the tier (the SLO counts every request of the service, wherever it is
 * served), each region once; reports why not.
 */
function checkRegionalLoadBalancers(
  tier: ServiceTier,
  balancers: readonly SloRegionalLoadBalancerIntent[],
  loadBalancer: boolean,
  lbProp: string,
  problem: Report,
): void {
  const prop = 'regionalLoadBalancers';
  if (loadBalancer) {
    problem(prop, `pass either ${lbProp} or ${prop} for the availability SLI, got: both`);
  }
  if (balancers.length < tier.minRegions) {
    problem(
      prop,
      `${prop} must list the load balancer of each of at least ${tier.minRegions} regions for ${tier.name} ` +
        `(the SLO counts every request of the service, wherever it is served), got: ${balancers.length}`,
    );
  }
  const invalid = balancers.filter((b) => b.region !== undefined && b.regionIsValid === false).map((b) => b.region);
  if (invalid.length > 0) {
    problem(prop, `${prop} must name regions such as us-central1, got: ${invalid.join(', ')}`);
  }
  const regions = balancers.map((b) => b.region).filter((r): r is string => r !== undefined);
  const repeated = [...new Set(regions.filter((r, i) => regions.indexOf(r) !== i))];
  if (repeated.length > 0) {
    problem(
      prop,
      `${prop} must have one load balancer per region (an entry serves each region once), got: ` +
        `${repeated.join(', ')} more than once`,
    );
  }
}

function sliPlan(name: SliName, errorRatio: SliErrorRatio, target: number, windowDays: number): SliPlan {
  const window = (seconds: number): SloWindow => {
    const periodSeconds = alarmPeriodSeconds(seconds);
    return {
      seconds,
      periodSeconds,
      periodMinutes: periodSeconds / MINUTE_SECONDS,
      label: sloWindowLabel(periodSeconds),
    };
  };
  const alerts = burnRateAlerts(target, windowDays).map((alert): SloAlertPlan => {
    const long = window(alert.longWindowSeconds);
    return {
      name: `Burn${long.label}`,
      severity: alert.severity,
      burnRate: alert.burnRate,
      long,
      short: window(alert.shortWindowSeconds),
      errorRateThreshold: alert.errorRateThreshold,
    };
  });
  const exhaustion = errorBudgetExhaustion(target, windowDays);
  const budgetPeriod = alarmPeriodSeconds(exhaustion.rangeSeconds);
  return {
    name,
    target,
    errorRatio,
    budgetRatio: sloBudgetRatio(target),
    alerts,
    budgetExhausted: {
      rangeSeconds: exhaustion.rangeSeconds,
      periodSeconds: budgetPeriod,
      label: sloWindowLabel(budgetPeriod),
      errorRateThreshold: exhaustion.errorRateThreshold,
      coversWindow: exhaustion.coversWindow,
    },
  };
}

/** The probes' paths; reports what an uptime check cannot run. */
function planProbes(tier: ServiceTier, intent: SloIntent, problem: Report, warnings: PlanWarning[]): string[] {
  if (intent.notificationChannelCount === 0) {
    problem(
      'notificationChannels',
      'notificationChannels must list at least one channel (an alert nobody receives ' + 'does not page), got: none',
    );
  }
  if (intent.monitor === 'cloud-monitoring' && !UPTIME_CHECK_PERIODS_MINUTES.includes(tier.probeIntervalMinutes)) {
    problem(
      'tier.probeIntervalMinutes',
      `tier.probeIntervalMinutes must be one of ${UPTIME_CHECK_PERIODS_MINUTES.join(', ')} ` +
        `for an uptime check, got: ${tier.probeIntervalMinutes}`,
    );
  }
  const probes = intent.probes;
  if (probes === undefined) {
    return [];
  }
  const invalid = probes.filter((p) => p.region !== undefined && p.regionIsValid === false).map((p) => p.region);
  if (invalid.length > 0) {
    problem('probes', `probes must name regions such as us-central1, got: ${invalid.join(', ')}`);
  }
  const regions = probes.map((p) => p.region).filter((r): r is string => r !== undefined);
  const repeated = regions.filter((r, i) => regions.indexOf(r) !== i);
  if (repeated.length > 0) {
    problem(
      'probes',
      `probes must have one probe per region, got: ${[...new Set(repeated)].join(', ')} more than once`,
    );
  }
  probes.forEach((p, i) => {
    const pathProblem = p.path === undefined ? undefined : healthCheckPathProblem(`probes[${i}].path`, p.path);
    if (pathProblem) {
      problem('probes', pathProblem);
    }
  });
  if (probes.length === 0) {
    warnings.push({
      id: 'probes',
      message:
        'probes is empty: no uptime check watches the service from outside, so an outage without traffic ' +
        '(nothing reaches the load balancer) raises no alert',
    });
  }
  return probes.map((p) => p.path ?? SLO_DEFAULTS.probePath);
}
