import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import {
  CloudwatchMetricAlarm,
  CloudwatchMetricAlarmMetricQuery,
} from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';
import { BurnRateAlert, FailureDomain } from '../../core';
import { planSlo, SliErrorRatio, SloAlarmRule, SloAlertPlan, SloPlan, SloWindow } from '../../core/plans/slo';
import { emitWarnings, throwProblems } from '../diagnostics';
import { HaProps, RegionalProps, serviceNameOf } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { AccountContext } from './private/keys';
import { attachHaMetadata } from './private/metadata';

/** A CloudWatch metric, summed over each alarm's window. */
export interface SloMetric {
  readonly namespace: string;
  readonly metricName: string;
  /**
   * @default - none
   */
  readonly dimensions?: Record<string, string>;
}

/** Props of {@link SloAlarms}. */
export interface SloAlarmsProps extends HaProps, RegionalProps {
  /**
   * ARN suffix of an Application Load Balancer (`aws_lb.arn_suffix`): the availability SLI is
   * 1 − (target 5xx + ELB 5xx) / requests.
   * @default - none: pass goodRequests and totalRequests
   */
  readonly loadBalancerArnSuffix?: string;
  /**
   * Count of good requests (with `totalRequests`): the SLI is 1 − (total − good) / total.
   * @default - none
   */
  readonly goodRequests?: SloMetric;
  /**
   * Count of all requests (with `goodRequests`).
   * @default - none
   */
  readonly totalRequests?: SloMetric;
  /**
   * Length of the SLO window in days: at least 1, and at most 70 (the 3-day ticket window, scaled,
   * must fit the 7 days a CloudWatch alarm evaluates).
   * @default 30
   */
  readonly windowDays?: number;
  /**
   * The availability SLO; at least the tier's target.
   * @default - tier.availabilityTarget
   */
  readonly target?: number;
  /**
   * ARN of the topic pages go to.
   * @default - a new encrypted topic
   */
  readonly pageTopicArn?: string;
  /**
   * ARN of the topic tickets (and the spent-budget alarm) go to.
   * @default - a new encrypted topic
   */
  readonly ticketTopicArn?: string;
  /**
   * Runbook linked from every alarm description.
   * @default - none
   */
  readonly runbookUrl?: string;
}

/**
 * Multiwindow, multi-burn-rate SLO alerts (Terraform), from core's `burnRateAlerts`: for each row
 * (14.4× over 1 h and 5 min, 6× over 6 h and 30 min: page; 1× over 3 d and 6 h: ticket) a metric-math
 * alarm on the error ratio over each window and a composite alarm that ANDs them; a `Page` and a
 * `Ticket` composite alarm over the rows notify their topics, and a `BudgetExhausted` alarm
 * notifies the ticket topic when the window's budget is spent.
 *
 * Construct ids (public API): `Burn<long><Long|Short>`, `Burn<long>` (per row), `Page`, `Ticket`,
 * `BudgetExhausted`, `PageTopic`, `TicketTopic`.
 */
export class SloAlarms extends Construct {
  public readonly pageAlarm: CloudwatchCompositeAlarm;
  public readonly ticketAlarm: CloudwatchCompositeAlarm;
  public readonly errorBudgetExhaustedAlarm: CloudwatchMetricAlarm;
  public readonly pageTopicArn: string;
  public readonly ticketTopicArn: string;
  /** The availability target the alerts are computed for. */
  public readonly target: number;
  public readonly windowDays: number;
  /** The burn-rate alerts, as core computed them. */
  public readonly alerts: readonly BurnRateAlert[];

  private readonly plan: SloPlan;
  private readonly namePrefix: string;
  private readonly errorRatio: (periodSeconds: number) => CloudwatchMetricAlarmMetricQuery[];

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    const { tier, provider } = props;
    this.plan = planSlo(tier, {
      monitor: 'cloudwatch',
      target: props.target,
      windowDays: props.windowDays,
      loadBalancer: props.loadBalancerArnSuffix !== undefined && props.loadBalancerArnSuffix !== '',
      goodRequests: props.goodRequests !== undefined,
      totalRequests: props.totalRequests !== undefined,
      propNames: { loadBalancer: 'loadBalancerArnSuffix' },
    });
    throwProblems(this.plan.problems, this);
    emitWarnings(this, 'SloAlarms', this.plan.warnings);
    this.target = this.plan.target;
    this.windowDays = this.plan.windowDays;
    this.alerts = this.plan.alerts;
    const sli = this.plan.slis[0];
    this.errorRatio = errorRatioOf(sli.errorRatio, props);
    const service = serviceNameOf(this, props);
    this.namePrefix = `${service}-${this.node.addr.slice(0, ALARM_NAME_ADDR_CHARS)}`;

    const context = new AccountContext(this, 'Account', provider);
    this.pageTopicArn = props.pageTopicArn ?? newAlarmTopic(this, 'PageTopic', `${service} SLO pages`, context).arn;
    this.ticketTopicArn =
      props.ticketTopicArn ?? newAlarmTopic(this, 'TicketTopic', `${service} SLO tickets`, context).arn;
    const runbook = props.runbookUrl ? ` Runbook: ${props.runbookUrl}` : '';

    const rows: Record<'page' | 'ticket', CloudwatchCompositeAlarm[]> = { page: [], ticket: [] };
    for (const alert of sli.alerts) {
      rows[alert.severity].push(this.burnRateAlert(alert, props));
    }
    this.pageAlarm = new CloudwatchCompositeAlarm(this, 'Page', {
      provider,
      alarmName: `${this.namePrefix}-slo-page`,
      alarmRule: rows.page.map((a) => `ALARM("${a.alarmName}")`).join(' OR '),
      alarmDescription: `${service}: the error budget of the ${this.windowDays}-day SLO is burning fast enough to be gone within days; act now.${runbook}`,
      alarmActions: [this.pageTopicArn],
      okActions: [this.pageTopicArn],
    });
    this.ticketAlarm = new CloudwatchCompositeAlarm(this, 'Ticket', {
      provider,
      alarmName: `${this.namePrefix}-slo-ticket`,
      alarmRule: rows.ticket.map((a) => `ALARM("${a.alarmName}")`).join(' OR '),
      alarmDescription: `${service}: the error budget of the ${this.windowDays}-day SLO is being spent faster than it is earned; fix in working hours.${runbook}`,
      alarmActions: [this.ticketTopicArn],
      okActions: [this.ticketTopicArn],
    });
    const budget = sli.budgetExhausted;
    this.errorBudgetExhaustedAlarm = new CloudwatchMetricAlarm(this, 'BudgetExhausted', {
      provider,
      alarmName: `${this.namePrefix}-slo-budget-exhausted`,
      alarmDescription: `${service}: the errors of the last ${budget.label} spent the whole ${this.windowDays}-day error budget of a ${this.target} SLO; freeze risky changes until it recovers.${runbook}`,
      metricQuery: this.errorRatio(budget.periodSeconds),
      threshold: budget.errorRateThreshold,
      ...alarmRule(this.plan.budgetAlarm),
      alarmActions: [this.ticketTopicArn],
      okActions: [this.ticketTopicArn],
    });

    attachHaMetadata(this, props, { component: 'SloAlarms', failureDomain: FailureDomain.REGION });
  }

  private burnRateAlert(alert: SloAlertPlan, props: SloAlarmsProps): CloudwatchCompositeAlarm {
    const { name } = alert;
    const windowAlarm = (suffix: 'Long' | 'Short', window: SloWindow) =>
      new CloudwatchMetricAlarm(this, `${name}${suffix}`, {
        provider: props.provider,
        alarmName: `${this.namePrefix}-slo-${name.toLowerCase()}-${suffix.toLowerCase()}`,
        alarmDescription: `Error ratio over ${window.label} above ${alert.errorRateThreshold} (${alert.burnRate}x burn of a ${this.target} SLO); part of ${alert.severity} alert ${name}`,
        metricQuery: this.errorRatio(window.periodSeconds),
        threshold: alert.errorRateThreshold,
        ...alarmRule(this.plan.windowAlarm),
        // A window alarm notifies only through the Page or Ticket composite that ANDs it with its
        // partner window, so one incident makes one notification: no actions of its own.
      });
    const long = windowAlarm('Long', alert.long);
    const short = windowAlarm('Short', alert.short);
    return new CloudwatchCompositeAlarm(this, name, {
      provider: props.provider,
      alarmName: `${this.namePrefix}-slo-${name.toLowerCase()}`,
      alarmRule: `ALARM("${long.alarmName}") AND ALARM("${short.alarmName}")`,
      alarmDescription: `${alert.burnRate}x burn over ${alert.long.label} and ${alert.short.label} (${alert.severity}); notifies through the ${alert.severity === 'page' ? 'Page' : 'Ticket'} alarm`,
    });
  }
}

/** Characters of the construct address that make alarm names unique in the account and region. */
const ALARM_NAME_ADDR_CHARS = 8;

/** The error-ratio queries over one period: the plan's expression, its inputs bound to the SLI's metrics. */
function errorRatioOf(
  ratio: SliErrorRatio,
  props: SloAlarmsProps,
): (periodSeconds: number) => CloudwatchMetricAlarmMetricQuery[] {
  const { loadBalancerArnSuffix, goodRequests, totalRequests } = props;
  const alb = (metricName: string): SloMetric => ({
    namespace: 'AWS/ApplicationELB',
    metricName,
    dimensions: { LoadBalancer: loadBalancerArnSuffix! },
  });
  const metrics: Record<string, SloMetric> = loadBalancerArnSuffix
    ? { target5xx: alb('HTTPCode_Target_5XX_Count'), elb5xx: alb('HTTPCode_ELB_5XX_Count'), total: alb('RequestCount') }
    : { good: goodRequests!, total: totalRequests! };
  return (period) => [
    { id: 'ratio', expression: ratio.expression, label: 'Error ratio', returnData: true },
    ...ratio.inputs.map((id) => ({
      id,
      metric: {
        namespace: metrics[id].namespace,
        metricName: metrics[id].metricName,
        dimensions: metrics[id].dimensions,
        stat: 'Sum',
        period,
      },
    })),
  ];
}

/** How an alarm of the plan judges its period, in the provider's terms. */
function alarmRule(rule: SloAlarmRule) {
  return {
    comparisonOperator: rule.comparison === 'above' ? 'GreaterThanThreshold' : 'GreaterThanOrEqualToThreshold',
    evaluationPeriods: rule.evaluationPeriods,
    // Unset, CloudWatch requires every evaluated period: only a different count is written.
    datapointsToAlarm: rule.datapointsToAlarm === rule.evaluationPeriods ? undefined : rule.datapointsToAlarm,
    // No requests is no evidence of errors.
    treatMissingData: rule.missingDataBreaches ? 'breaching' : 'notBreaching',
  };
}
