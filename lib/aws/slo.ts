import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssmincidents from 'aws-cdk-lib/aws-ssmincidents';
import { Construct } from 'constructs';
import { BurnRateAlert, burnRateAlerts, fastestPageAlert, FailureDomain, SRE_WORKBOOK_SLO_WINDOW_DAYS } from '../core';
import { alarmPeriodSeconds, CLOUDWATCH_ALARM_MAX_RANGE_SECONDS, errorBudgetExhaustion } from '../core/error-budget-policy';
import { requireTarget } from '../core/numbers';
import { HaProps, serviceNameOf } from './ha-props';
import { IIncidentResponse } from './incident-response';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { validationError } from './private/errors';
import { acknowledgeFindings } from './private/nag';

/**
 * What dashboards and deployment guards read from an SLO: its alerts, burn rate and remaining budget.
 * {@link SloAlarms} implements it; so can your own SLO construct.
 */
export interface IServiceLevelObjective {
  /** Availability target of the SLO (e.g. 0.9995). */
  readonly target: number;
  /** The SLO window, in days. */
  readonly windowDays: number;
  /** Composite alarm of the fast-burn alerts: someone is woken. */
  readonly pageAlarm: cloudwatch.IAlarm;
  /** Composite alarm of the slow-burn alerts: handled in working hours. */
  readonly ticketAlarm: cloudwatch.IAlarm;
  /**
   * In alarm while the error budget of the SLO window is certainly spent (deployments freeze on
   * it). An alarm sees at most 7 days: for a longer window it fires when those days alone spent
   * the window's budget (core's `errorBudgetExhaustion`); slower spending shows in the ticket alert.
   */
  readonly errorBudgetExhaustedAlarm: cloudwatch.IAlarm;
  /** Percentage of the window's error budget left (100 untouched, 0 spent, below 0 overspent). */
  metricErrorBudgetRemaining(): cloudwatch.IMetric;
  /** How many times faster than sustainable the budget is being spent over `window`. */
  metricBurnRate(window?: Duration): cloudwatch.IMetric;
}

/** Props of {@link SloAlarms}. */
export interface SloAlarmsProps extends HaProps {
  /**
   * Load balancer whose requests are the availability SLI (good = not 5xx from the targets or the
   * balancer; all = `RequestCount`) and, with `latencyThreshold`, the latency SLI.
   * @default - none: pass `goodRequests` and `totalRequests`, or `syntheticSuccessPercent`
   */
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  /**
   * Count of good requests, for an availability SLI measured elsewhere (an API, a queue consumer).
   * Must come with `totalRequests`; both are summed over each alert window.
   * @default - from `loadBalancer`
   */
  readonly goodRequests?: cloudwatch.IMetric;
  /**
   * Count of all requests, paired with `goodRequests`.
   * @default - from `loadBalancer`
   */
  readonly totalRequests?: cloudwatch.IMetric;
  /**
   * Adds a latency SLI: the share of requests whose target response time is at most this
   * (CloudWatch's percentile-rank statistic `PR(0:threshold)` on `TargetResponseTime`).
   * Needs `loadBalancer`.
   * @default - no latency SLI
   */
  readonly latencyThreshold?: Duration;
  /**
   * Share of requests that must be faster than `latencyThreshold`.
   * @default - the availability target
   */
  readonly latencyTarget?: number;
  /**
   * Success percentage of a synthetic probe (`SyntheticCanary.metricSuccessPercent()`), added as a
   * third SLI: it sees outages that produce no requests at all (DNS, TLS, a dead balancer).
   * @default - no synthetic SLI
   */
  readonly syntheticSuccessPercent?: cloudwatch.IMetric;
  /**
   * The SLO window, in days. The alert windows scale with it (see core's `burnRateAlerts`),
   * rounded to whole minutes for CloudWatch: at least 1 day, and the longest window must stay within
   * 7 days (windowDays ≤ 70).
   * @default 30
   */
  readonly windowDays?: number;
  /**
   * Availability target of the SLO. Must be at least the tier's (a looser SLO would let the
   * service spend more than the tier's error budget) and leave every burn-rate threshold below 1.
   * @default - tier.availabilityTarget
   */
  readonly target?: number;
  /**
   * Topic for pages. A topic you pass must let CloudWatch publish (and use its key).
   * @default - a new topic encrypted with a new customer-managed key
   */
  readonly pageTopic?: sns.ITopic;
  /**
   * Topic for tickets and the error-budget-exhausted alarm.
   * @default - a new topic encrypted with a new customer-managed key
   */
  readonly ticketTopic?: sns.ITopic;
  /**
   * Email addresses subscribed to the page topic.
   * @default - none
   */
  readonly pageEmails?: string[];
  /**
   * HTTPS endpoints (a pager, a chat webhook) subscribed to the page topic.
   * @default - none
   */
  readonly pageUrls?: string[];
  /**
   * Email addresses subscribed to the ticket topic.
   * @default - none
   */
  readonly ticketEmails?: string[];
  /**
   * HTTPS endpoints (an issue tracker) subscribed to the ticket topic.
   * @default - none
   */
  readonly ticketUrls?: string[];
  /**
   * Incident response whose plan the `Page` alarm opens an incident with (an
   * {@link IncidentResponse}, or your own {@link IIncidentResponse}).
   * @default - pages go to the page topic only (or to `responsePlan`)
   */
  readonly incidentResponse?: IIncidentResponse;
  /**
   * SSM Incident Manager response plan the `Page` alarm opens an incident with: a response plan
   * of this app (e.g. `IncidentResponse.responsePlan`), or the name of one that exists in the
   * account. Give this or `incidentResponse`, not both.
   * @default - pages go to the page topic only (or to `incidentResponse`)
   */
  readonly responsePlan?: ssmincidents.CfnResponsePlan | string;
  /**
   * Runbook to follow, linked from the description of every notifying alarm.
   * @default - no link
   */
  readonly runbookUrl?: string;
}

/** One service level indicator as an error ratio (bad / all), over any period. */
interface Sli {
  /** Construct id and label: `Availability`, `Latency`, `Synthetic`. */
  readonly name: string;
  readonly target: number;
  /** The error ratio over a window, measured with the alarm period closest to it. */
  errorRatio(windowSeconds: number): cloudwatch.MathExpression;
}

/**
 * Multiwindow, multi-burn-rate SLO alerting (Site Reliability Workbook, chapter 5).
 *
 * For each SLI (availability, optional latency, optional synthetic) and each row of core's
 * `burnRateAlerts`: a long-window and a short-window metric-math alarm on the error ratio, joined
 * with AND by a composite alarm (the long window makes the alert significant, the short one makes
 * it reset soon after the burn stops). The rows are joined with OR into one `Page` and one
 * `Ticket` composite alarm, so one incident makes one notification: only these two, and the
 * error-budget-exhausted alarm, have actions. Pages go to an encrypted topic (email and HTTPS
 * subscriptions) and, with `incidentResponse` or `responsePlan`, open an Incident Manager
 * incident; tickets go to another topic.
 *
 * Construct ids (public API): `PageTopic`, `TicketTopic`, `Page`, `Ticket`, `BudgetExhausted`,
 * and per SLI (`Availability`, `Latency`, `Synthetic`): `Burn<long window>` (composite),
 * `Burn<long window>Long`, `Burn<long window>Short`, `BudgetExhausted`.
 */
export class SloAlarms extends Construct implements IServiceLevelObjective {
  /** Composite alarm of the fast-burn alerts; add further actions with `addAlarmAction`. */
  public readonly pageAlarm: cloudwatch.CompositeAlarm;
  /** Composite alarm of the slow-burn alerts. */
  public readonly ticketAlarm: cloudwatch.CompositeAlarm;
  /** Composite alarm of the SLIs' budget-exhausted alarms (see {@link IServiceLevelObjective.errorBudgetExhaustedAlarm}). */
  public readonly errorBudgetExhaustedAlarm: cloudwatch.CompositeAlarm;
  public readonly pageTopic: sns.ITopic;
  public readonly ticketTopic: sns.ITopic;
  /** The availability target the alerts are computed for. */
  public readonly target: number;
  /** The SLO window in days. */
  public readonly windowDays: number;
  /** The burn-rate alerts of the availability target, as core computed them. */
  public readonly alerts: readonly BurnRateAlert[];

  private readonly slis: readonly Sli[];

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    const { tier } = props;
    this.target = props.target ?? tier.availabilityTarget;
    this.windowDays = props.windowDays ?? SRE_WORKBOOK_SLO_WINDOW_DAYS;
    this.validateWindow();
    this.validateTarget('target', this.target);
    if (this.target < tier.availabilityTarget) {
      throw validationError(`target must be at least ${tier.name}'s availability target ${tier.availabilityTarget} (a looser SLO spends more than the tier's error budget), got: ${this.target}`, this);
    }
    const latencyTarget = props.latencyTarget ?? this.target;
    if (props.latencyTarget !== undefined) {
      this.validateTarget('latencyTarget', latencyTarget);
    }
    this.alerts = burnRateAlerts(this.target, this.windowDays);
    this.slis = this.buildSlis(props, latencyTarget);
    validateUrls(this, 'pageUrls', props.pageUrls);
    validateUrls(this, 'ticketUrls', props.ticketUrls);
    if (props.incidentResponse && props.responsePlan !== undefined) {
      throw validationError('pass either incidentResponse or responsePlan for the page alarm\'s incidents, got: both', this);
    }

    const service = serviceNameOf(this, props);
    this.pageTopic = props.pageTopic ?? newAlarmTopic(this, 'PageTopic', `${service} SLO pages`);
    this.ticketTopic = props.ticketTopic ?? newAlarmTopic(this, 'TicketTopic', `${service} SLO tickets`);
    for (const email of props.pageEmails ?? []) this.pageTopic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.pageUrls ?? []) this.pageTopic.addSubscription(new subscriptions.UrlSubscription(url));
    for (const email of props.ticketEmails ?? []) this.ticketTopic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.ticketUrls ?? []) this.ticketTopic.addSubscription(new subscriptions.UrlSubscription(url));

    const runbook = props.runbookUrl ? ` Runbook: ${props.runbookUrl}` : '';
    const rows: Record<'page' | 'ticket', cloudwatch.IAlarm[]> = { page: [], ticket: [] };
    const exhausted: cloudwatch.IAlarm[] = [];
    for (const sli of this.slis) {
      const sliScope = new Construct(this, sli.name);
      for (const alert of burnRateAlerts(sli.target, this.windowDays)) {
        rows[alert.severity].push(this.burnRateAlert(sliScope, sli, alert));
      }
      exhausted.push(this.budgetExhaustedAlarm(sliScope, sli));
    }

    const page = new cloudwatch.CompositeAlarm(this, 'Page', {
      alarmRule: cloudwatch.AlarmRule.anyOf(...rows.page),
      alarmDescription: `${service}: the error budget of the ${this.windowDays}-day SLO is burning fast enough to be gone within days; act now.${runbook}`,
    });
    notifyOn(page, this.pageTopic);
    if (props.incidentResponse) {
      page.addAlarmAction(props.incidentResponse.alarmAction());
    } else if (props.responsePlan !== undefined) {
      page.addAlarmAction(responsePlanAction(props.responsePlan));
    }
    const ticket = new cloudwatch.CompositeAlarm(this, 'Ticket', {
      alarmRule: cloudwatch.AlarmRule.anyOf(...rows.ticket),
      alarmDescription: `${service}: the error budget of the ${this.windowDays}-day SLO is being spent faster than it is earned; fix in working hours.${runbook}`,
    });
    notifyOn(ticket, this.ticketTopic);
    const budget = new cloudwatch.CompositeAlarm(this, 'BudgetExhausted', {
      alarmRule: cloudwatch.AlarmRule.anyOf(...exhausted),
      alarmDescription: `${service}: the error budget of the ${this.windowDays}-day SLO is spent; freeze risky changes until it recovers.${runbook}`,
    });
    notifyOn(budget, this.ticketTopic);
    this.pageAlarm = page;
    this.ticketAlarm = ticket;
    this.errorBudgetExhaustedAlarm = budget;

    attachHaMetadata(this, props, { component: 'SloAlarms', failureDomain: FailureDomain.REGION });
  }

  /**
   * Percentage of the error budget of the first SLI (availability; the synthetic SLI when it is
   * the only one) left over the SLO window:
   * 100 × (1 − error ratio / (1 − target)). Show it with a period of the window (a single-value
   * widget over the window's range).
   */
  public metricErrorBudgetRemaining(): cloudwatch.IMetric {
    const sli = this.slis[0];
    const windowSeconds = this.windowDays * 86400;
    return new cloudwatch.MathExpression({
      expression: `100 * (1 - ratio / ${budgetRatio(sli.target)})`,
      usingMetrics: { ratio: sli.errorRatio(windowSeconds) },
      period: Duration.seconds(windowSeconds),
      label: `${sli.name} error budget remaining (%)`,
    });
  }

  /** Burn rate of the first SLI (as for the budget) over `window`: error ratio / (1 − target). */
  public metricBurnRate(window: Duration = Duration.hours(1)): cloudwatch.IMetric {
    const sli = this.slis[0];
    const seconds = alarmPeriodSeconds(window.toSeconds());
    return new cloudwatch.MathExpression({
      // An id per window: a graph may show several windows side by side.
      expression: `ratio${seconds} / ${budgetRatio(sli.target)}`,
      usingMetrics: { [`ratio${seconds}`]: sli.errorRatio(seconds) },
      period: Duration.seconds(seconds),
      label: `${sli.name} burn rate over ${humanSeconds(seconds)}`,
    });
  }

  private burnRateAlert(scope: Construct, sli: Sli, alert: BurnRateAlert): cloudwatch.IAlarm {
    const name = `Burn${humanSeconds(alarmPeriodSeconds(alert.longWindowSeconds))}`;
    const windowAlarm = (suffix: 'Long' | 'Short', seconds: number) => {
      const alarm = new cloudwatch.Alarm(scope, `${name}${suffix}`, {
        metric: sli.errorRatio(seconds),
        threshold: alert.errorRateThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No requests is no evidence of errors; the synthetic SLI covers the silent outage.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${sli.name} error ratio over ${humanSeconds(alarmPeriodSeconds(seconds))} above ${alert.errorRateThreshold} (${alert.burnRate}x burn of a ${sli.target} SLO); part of ${alert.severity} alert ${name}`,
      });
      acknowledgeFindings(alarm, {
        id: 'NIST.800.53.R5-CloudWatchAlarmAction',
        reason: 'a window alarm of a multiwindow burn-rate alert notifies only through the page or ticket composite alarm that ANDs it with its partner window, so one incident makes one notification',
      });
      return alarm;
    };
    const long = windowAlarm('Long', alert.longWindowSeconds);
    const short = windowAlarm('Short', alert.shortWindowSeconds);
    return new cloudwatch.CompositeAlarm(scope, name, {
      alarmRule: cloudwatch.AlarmRule.allOf(long, short),
      alarmDescription: `${sli.name}: ${alert.burnRate}x burn over ${humanSeconds(alarmPeriodSeconds(alert.longWindowSeconds))} and ${humanSeconds(alarmPeriodSeconds(alert.shortWindowSeconds))} (${alert.severity})`,
    });
  }

  private budgetExhaustedAlarm(scope: Construct, sli: Sli): cloudwatch.IAlarm {
    const exhaustion = errorBudgetExhaustion(sli.target, this.windowDays);
    const alarm = new cloudwatch.Alarm(scope, 'BudgetExhausted', {
      metric: sli.errorRatio(exhaustion.rangeSeconds),
      threshold: exhaustion.errorRateThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${sli.name} errors of the last ${humanSeconds(exhaustion.rangeSeconds)} spent the whole ${this.windowDays}-day error budget of a ${sli.target} SLO`,
    });
    acknowledgeFindings(alarm, {
      id: 'NIST.800.53.R5-CloudWatchAlarmAction',
      reason: 'notifies through the BudgetExhausted composite alarm that joins the SLIs, so a spent budget makes one notification',
    });
    return alarm;
  }

  private buildSlis(props: SloAlarmsProps, latencyTarget: number): Sli[] {
    const { loadBalancer, goodRequests, totalRequests, latencyThreshold, syntheticSuccessPercent } = props;
    if ((goodRequests === undefined) !== (totalRequests === undefined)) {
      throw validationError(`goodRequests and totalRequests must be passed together, got: only ${goodRequests ? 'goodRequests' : 'totalRequests'}`, this);
    }
    if (loadBalancer && goodRequests) {
      throw validationError('pass either loadBalancer or goodRequests and totalRequests for the availability SLI, got: both', this);
    }
    const slis: Sli[] = [];
    if (loadBalancer) {
      const m = loadBalancer.metrics;
      slis.push(ratioSli('Availability', this.target, '(FILL(target5xx, 0) + FILL(elb5xx, 0)) / total', {
        target5xx: m.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: cloudwatch.Stats.SUM }),
        elb5xx: m.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: cloudwatch.Stats.SUM }),
        total: m.requestCount({ statistic: cloudwatch.Stats.SUM }),
      }));
    } else if (goodRequests && totalRequests) {
      slis.push(ratioSli('Availability', this.target, '(total - good) / total', { good: goodRequests, total: totalRequests }));
    }
    if (latencyThreshold !== undefined) {
      const seconds = latencyThreshold.toMilliseconds() / 1000;
      if (!Token.isUnresolved(seconds) && seconds <= 0) {
        throw validationError(`latencyThreshold must be greater than 0, got: ${latencyThreshold.toHumanString()}`, this);
      }
      if (!loadBalancer) {
        throw validationError('latencyThreshold needs loadBalancer (the latency SLI reads its TargetResponseTime), got: no loadBalancer', this);
      }
      slis.push(ratioSli('Latency', latencyTarget, '1 - fast / 100', {
        fast: loadBalancer.metrics.targetResponseTime({ statistic: cloudwatch.Stats.percentileRank(0, seconds) }),
      }));
    }
    if (syntheticSuccessPercent) {
      slis.push(ratioSli('Synthetic', this.target, '1 - success / 100', { success: syntheticSuccessPercent }));
    }
    if (slis.length === 0) {
      throw validationError('SloAlarms needs an SLI: pass loadBalancer, goodRequests and totalRequests, or syntheticSuccessPercent, got: none', this);
    }
    return slis;
  }

  private validateWindow(): void {
    const days = this.windowDays;
    // Shorter windows round burn-rate windows to the same or a zero alarm period (as in the Terraform twin).
    if (typeof days !== 'number' || !Number.isFinite(days) || days < 1) {
      throw validationError(`windowDays must be a number of days of at least 1, got: ${days}`, this);
    }
    const longest = Math.max(...burnRateAlerts(0.5, days).map((alert) => alarmPeriodSeconds(alert.longWindowSeconds)));
    if (longest > CLOUDWATCH_ALARM_MAX_RANGE_SECONDS) {
      throw validationError(`windowDays must keep every burn-rate window within the ${CLOUDWATCH_ALARM_MAX_RANGE_SECONDS} seconds (7 days) a CloudWatch alarm can evaluate, got: ${days} (a window of ${longest} seconds)`, this);
    }
  }

  private validateTarget(prop: string, target: number): void {
    try {
      requireTarget(prop, target);
    } catch (e) {
      // Core names the prop it is given; here that is the construct's prop, thrown as the construct's error.
      if (e instanceof RangeError) {
        throw validationError(e.message, this);
      }
      throw e;
    }
    const fastest = fastestPageAlert(target, this.windowDays).burnRate;
    if (fastest * (1 - target) >= 1) {
      throw validationError(`${prop} must leave an error budget the ${fastest}x burn-rate alert can express (${fastest} × (1 − ${prop}) below 1, so above ${round6(1 - 1 / fastest)}), got: ${target}`, this);
    }
  }
}

function ratioSli(name: string, target: number, expression: string, usingMetrics: Record<string, cloudwatch.IMetric>): Sli {
  return {
    name,
    target,
    errorRatio: (windowSeconds) => {
      const period = alarmPeriodSeconds(windowSeconds);
      // Ids carry the period: one graph may show the same SLI over several windows, and CloudWatch
      // refuses two different metrics under one id.
      let windowExpression = expression;
      const windowMetrics: Record<string, cloudwatch.IMetric> = {};
      for (const [id, metric] of Object.entries(usingMetrics)) {
        windowExpression = windowExpression.replace(new RegExp(`\\b${id}\\b`, 'g'), `${id}_${period}`);
        windowMetrics[`${id}_${period}`] = withPeriod(metric, period);
      }
      return new cloudwatch.MathExpression({
        expression: windowExpression,
        usingMetrics: windowMetrics,
        period: Duration.seconds(period),
        label: `${name} error ratio over ${humanSeconds(period)}`,
      });
    },
  };
}

/** The metric measured over `seconds` (a metric passed in may carry its own period, e.g. a probe's run interval). */
function withPeriod(metric: cloudwatch.IMetric, seconds: number): cloudwatch.IMetric {
  if (metric instanceof cloudwatch.Metric || metric instanceof cloudwatch.MathExpression) {
    return metric.with({ period: Duration.seconds(seconds) });
  }
  return metric;
}

function responsePlanAction(plan: ssmincidents.CfnResponsePlan | string): cloudwatch.IAlarmAction {
  if (typeof plan === 'string') {
    return new actions.SsmIncidentAction(plan);
  }
  return { bind: () => ({ alarmActionArn: plan.attrArn }) };
}

function validateUrls(scope: Construct, prop: string, urls: string[] | undefined): void {
  const insecure = (urls ?? []).filter((url) => !Token.isUnresolved(url) && !url.startsWith('https://'));
  if (insecure.length > 0) {
    throw validationError(`${prop} must be HTTPS endpoints (https://...), got: ${insecure.join(', ')}`, scope);
  }
}

/** The error ratio the SLO allows, printed without floating-point noise for a math expression. */
function budgetRatio(target: number): string {
  return (1 - target).toFixed(12).replace(/\.?0+$/, '');
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** `3600` → `1h`, `300` → `5m`, `259200` → `3d`, `3360` → `56m`: for ids and labels. */
function humanSeconds(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
