import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssmincidents from 'aws-cdk-lib/aws-ssmincidents';
import { Construct } from 'constructs';
import { alarmPeriodSeconds, BurnRateAlert, FailureDomain } from '../core';
import {
  planSlo,
  SliName,
  SliPlan,
  SloAlarmRule,
  SloAlertPlan,
  SloPlan,
  SloWindow,
  sloWindowLabel,
} from '../core/plans/slo';
import { HaProps, serviceNameOf } from './ha-props';
import { IIncidentResponse } from './incident-response';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems } from './private/errors';
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
   * Must come with `totalRequests`; both are summed over each alert window (a metric whose
   * statistic is `SampleCount` keeps it: it counts already).
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

/** One service level indicator as the plan has it, with the engine's error ratio over any period. */
interface Sli {
  readonly plan: SliPlan;
  /** The error ratio (bad / all) measured over one alarm period. */
  errorRatio(periodSeconds: number): cloudwatch.MathExpression;
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

  private readonly plan: SloPlan;
  private readonly slis: readonly Sli[];

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    const { tier, latencyThreshold } = props;
    // An unresolved threshold is left to the plan as unknown; the statistic still takes it.
    const latencySeconds = latencyThreshold?.toSeconds({ integral: false });
    this.plan = planSlo(tier, {
      monitor: 'cloudwatch',
      target: props.target,
      windowDays: props.windowDays,
      loadBalancer: props.loadBalancer !== undefined,
      goodRequests: props.goodRequests !== undefined,
      totalRequests: props.totalRequests !== undefined,
      syntheticSuccess: props.syntheticSuccessPercent !== undefined,
      latencyThreshold: latencyThreshold && {
        seconds: Token.isUnresolved(latencySeconds) ? undefined : latencySeconds,
        shown: latencyThreshold.toHumanString(),
      },
      latencyTarget: props.latencyTarget,
      pageUrls: props.pageUrls?.map(known),
      ticketUrls: props.ticketUrls?.map(known),
      incidentResponse: props.incidentResponse !== undefined,
      responsePlan: props.responsePlan !== undefined,
    });
    throwProblems(this.plan.problems, this);
    emitWarnings(this, 'SloAlarms', this.plan.warnings);
    this.target = this.plan.target;
    this.windowDays = this.plan.windowDays;
    this.alerts = this.plan.alerts;
    this.slis = this.plan.slis.map((sli) => ratioSli(sli, sliMetrics(sli.name, props, latencySeconds)));

    const service = serviceNameOf(this, props);
    this.pageTopic = props.pageTopic ?? newAlarmTopic(this, 'PageTopic', `${service} SLO pages`);
    this.ticketTopic = props.ticketTopic ?? newAlarmTopic(this, 'TicketTopic', `${service} SLO tickets`);
    for (const email of props.pageEmails ?? [])
      this.pageTopic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.pageUrls ?? []) this.pageTopic.addSubscription(new subscriptions.UrlSubscription(url));
    for (const email of props.ticketEmails ?? [])
      this.ticketTopic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.ticketUrls ?? []) this.ticketTopic.addSubscription(new subscriptions.UrlSubscription(url));

    const runbook = props.runbookUrl ? ` Runbook: ${props.runbookUrl}` : '';
    const rows: Record<'page' | 'ticket', cloudwatch.IAlarm[]> = { page: [], ticket: [] };
    const exhausted: cloudwatch.IAlarm[] = [];
    for (const sli of this.slis) {
      const sliScope = new Construct(this, sli.plan.name);
      for (const alert of sli.plan.alerts) {
        rows[alert.severity].push(this.burnRateAlert(sliScope, sli, alert));
      }
      exhausted.push(this.budgetExhaustedAlarm(sliScope, sli));
    }

    const days = this.windowDays;
    const page = new cloudwatch.CompositeAlarm(this, 'Page', {
      alarmRule: cloudwatch.AlarmRule.anyOf(...rows.page),
      alarmDescription: `${service}: the error budget of the ${days}-day SLO is burning fast enough to be gone within days; act now.${runbook}`,
    });
    notifyOn(page, this.pageTopic);
    if (props.incidentResponse) {
      page.addAlarmAction(props.incidentResponse.alarmAction());
    } else if (props.responsePlan !== undefined) {
      page.addAlarmAction(responsePlanAction(props.responsePlan));
    }
    const ticket = new cloudwatch.CompositeAlarm(this, 'Ticket', {
      alarmRule: cloudwatch.AlarmRule.anyOf(...rows.ticket),
      alarmDescription: `${service}: the error budget of the ${days}-day SLO is being spent faster than it is earned; fix in working hours.${runbook}`,
    });
    notifyOn(ticket, this.ticketTopic);
    const budget = new cloudwatch.CompositeAlarm(this, 'BudgetExhausted', {
      alarmRule: cloudwatch.AlarmRule.anyOf(...exhausted),
      alarmDescription: `${service}: the error budget of the ${days}-day SLO is spent; freeze risky changes until it recovers.${runbook}`,
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
    const windowSeconds = this.plan.windowSeconds;
    return new cloudwatch.MathExpression({
      expression: `100 * (1 - ratio / ${sli.plan.budgetRatio})`,
      usingMetrics: { ratio: sli.errorRatio(alarmPeriodSeconds(windowSeconds)) },
      period: Duration.seconds(windowSeconds),
      label: `${sli.plan.name} error budget remaining (%)`,
    });
  }

  /**
   * Burn rate of the first SLI (as for the budget) over `window`: error ratio / (1 − target).
   * @param window the window to measure over (default: one hour)
   */
  public metricBurnRate(window: Duration = Duration.seconds(this.plan.burnRateGraphSeconds)): cloudwatch.IMetric {
    const sli = this.slis[0];
    const seconds = alarmPeriodSeconds(window.toSeconds());
    return new cloudwatch.MathExpression({
      // An id per window: a graph may show several windows side by side.
      expression: `ratio${seconds} / ${sli.plan.budgetRatio}`,
      usingMetrics: { [`ratio${seconds}`]: sli.errorRatio(seconds) },
      period: Duration.seconds(seconds),
      label: `${sli.plan.name} burn rate over ${sloWindowLabel(seconds)}`,
    });
  }

  private burnRateAlert(scope: Construct, sli: Sli, alert: SloAlertPlan): cloudwatch.IAlarm {
    const { name: sliName, target } = sli.plan;
    const windowAlarm = (suffix: 'Long' | 'Short', window: SloWindow) => {
      const alarm = new cloudwatch.Alarm(scope, `${alert.name}${suffix}`, {
        metric: sli.errorRatio(window.periodSeconds),
        threshold: alert.errorRateThreshold,
        ...alarmRule(this.plan.windowAlarm),
        alarmDescription: `${sliName} error ratio over ${window.label} above ${alert.errorRateThreshold} (${alert.burnRate}x burn of a ${target} SLO); part of ${alert.severity} alert ${alert.name}`,
      });
      acknowledgeFindings(alarm, {
        id: 'NIST.800.53.R5-CloudWatchAlarmAction',
        reason:
          'a window alarm of a multiwindow burn-rate alert notifies only through the page or ticket composite alarm that ANDs it with its partner window, so one incident makes one notification',
      });
      return alarm;
    };
    const long = windowAlarm('Long', alert.long);
    const short = windowAlarm('Short', alert.short);
    return new cloudwatch.CompositeAlarm(scope, alert.name, {
      alarmRule: cloudwatch.AlarmRule.allOf(long, short),
      alarmDescription: `${sliName}: ${alert.burnRate}x burn over ${alert.long.label} and ${alert.short.label} (${alert.severity})`,
    });
  }

  private budgetExhaustedAlarm(scope: Construct, sli: Sli): cloudwatch.IAlarm {
    const budget = sli.plan.budgetExhausted;
    const alarm = new cloudwatch.Alarm(scope, 'BudgetExhausted', {
      metric: sli.errorRatio(budget.periodSeconds),
      threshold: budget.errorRateThreshold,
      ...alarmRule(this.plan.budgetAlarm),
      alarmDescription: `${sli.plan.name} errors of the last ${budget.label} spent the whole ${this.windowDays}-day error budget of a ${sli.plan.target} SLO`,
    });
    acknowledgeFindings(alarm, {
      id: 'NIST.800.53.R5-CloudWatchAlarmAction',
      reason:
        'notifies through the BudgetExhausted composite alarm that joins the SLIs, so a spent budget makes one notification',
    });
    return alarm;
  }
}

/** The metrics an SLI's error-ratio expression names, by input. */
function sliMetrics(
  name: SliName,
  props: SloAlarmsProps,
  latencySeconds: number | undefined,
): Record<string, cloudwatch.IMetric> {
  const { loadBalancer, goodRequests, totalRequests, syntheticSuccessPercent } = props;
  const sum = { statistic: cloudwatch.Stats.SUM };
  switch (name) {
    case 'Availability':
      return loadBalancer
        ? {
            target5xx: loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, sum),
            elb5xx: loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, sum),
            total: loadBalancer.metrics.requestCount(sum),
          }
        : { good: goodRequests!, total: totalRequests! };
    case 'Latency':
      return {
        fast: loadBalancer!.metrics.targetResponseTime({
          statistic: cloudwatch.Stats.percentileRank(0, latencySeconds!),
        }),
      };
    case 'Synthetic':
      return { success: syntheticSuccessPercent! };
  }
}

/** How an alarm of the plan judges its period, in CloudWatch's terms. */
function alarmRule(rule: SloAlarmRule) {
  return {
    comparisonOperator:
      rule.comparison === 'above'
        ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
        : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: rule.evaluationPeriods,
    // Unset, CloudWatch requires every evaluated period: only a different count is written.
    datapointsToAlarm: rule.datapointsToAlarm === rule.evaluationPeriods ? undefined : rule.datapointsToAlarm,
    treatMissingData: rule.missingDataBreaches
      ? cloudwatch.TreatMissingData.BREACHING
      : cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}

/** A value known at synthesis, or undefined for a token. */
function known(value: string): string | undefined {
  return Token.isUnresolved(value) ? undefined : value;
}

function ratioSli(plan: SliPlan, metrics: Record<string, cloudwatch.IMetric>): Sli {
  const { expression, inputs, statistic } = plan.errorRatio;
  return {
    plan,
    errorRatio: (period) => {
      // Ids carry the period: one graph may show the same SLI over several windows, and CloudWatch
      // refuses two different metrics under one id.
      let windowExpression = expression;
      const windowMetrics: Record<string, cloudwatch.IMetric> = {};
      for (const id of inputs) {
        windowExpression = windowExpression.replace(new RegExp(`\\b${id}\\b`, 'g'), `${id}_${period}`);
        windowMetrics[`${id}_${period}`] = measured(metrics[id], period, statistic);
      }
      return new cloudwatch.MathExpression({
        expression: windowExpression,
        usingMetrics: windowMetrics,
        period: Duration.seconds(period),
        label: `${plan.name} error ratio over ${sloWindowLabel(period)}`,
      });
    },
  };
}

/**
 * The metric measured over `seconds` (a metric passed in may carry its own period, e.g. a probe's
 * run interval) with the plan's statistic: a count is summed whatever statistic it came with
 * (a Metric's default is `Average`), as the props promise, except `SampleCount`, a count already.
 */
function measured(
  metric: cloudwatch.IMetric,
  seconds: number,
  statistic: SliPlan['errorRatio']['statistic'],
): cloudwatch.IMetric {
  if (metric instanceof cloudwatch.Metric) {
    const keep = statistic === undefined || metric.statistic === cloudwatch.Stats.SAMPLE_COUNT;
    return metric.with({ period: Duration.seconds(seconds), statistic: keep ? undefined : statistic });
  }
  if (metric instanceof cloudwatch.MathExpression) {
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
