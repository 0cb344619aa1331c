import { HaValidationError } from '../../core/errors';
import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';
import { BurnRateAlert, FailureDomain, SRE_WORKBOOK_SLO_WINDOW_DAYS, burnRateAlerts, fastestPageAlert } from '../../core';
import { CLOUDWATCH_ALARM_MAX_RANGE_SECONDS, alarmPeriodSeconds, errorBudgetExhaustion } from '../../core/error-budget-policy';
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

  private readonly namePrefix: string;
  private readonly errorRatio: (periodSeconds: number) => CloudwatchMetricAlarmMetricQuery[];

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    const { tier, provider } = props;
    this.target = props.target ?? tier.availabilityTarget;
    this.windowDays = props.windowDays ?? SRE_WORKBOOK_SLO_WINDOW_DAYS;
    // A shorter window scales the burn-rate windows below the one-minute periods CloudWatch alarms
    // evaluate: rows would share a period, and the shortest windows round to nothing.
    if (typeof this.windowDays !== 'number' || !Number.isFinite(this.windowDays) || this.windowDays < 1) {
      throw new HaValidationError(`windowDays must be a number of days of at least 1, got: ${this.windowDays}`);
    }
    const longest = Math.max(...burnRateAlerts(0.5, this.windowDays).map((alert) => alarmPeriodSeconds(alert.longWindowSeconds)));
    if (longest > CLOUDWATCH_ALARM_MAX_RANGE_SECONDS) {
      throw new HaValidationError(`windowDays must keep every burn-rate window within the ${CLOUDWATCH_ALARM_MAX_RANGE_SECONDS} seconds (7 days) a CloudWatch alarm can evaluate, got: ${this.windowDays} (a window of ${longest} seconds)`);
    }
    if (typeof this.target !== 'number' || !Number.isFinite(this.target) || this.target <= 0 || this.target >= 1) {
      throw new HaValidationError(`target must be strictly between 0 and 1 (e.g. 0.999), got: ${this.target}`);
    }
    if (this.target < tier.availabilityTarget) {
      throw new HaValidationError(`target must be at least ${tier.name}'s availability target ${tier.availabilityTarget} (a looser SLO spends more than the tier's error budget), got: ${this.target}`);
    }
    this.alerts = burnRateAlerts(this.target, this.windowDays);
    const fastest = fastestPageAlert(this.target, this.windowDays).burnRate;
    if (fastest * (1 - this.target) >= 1) {
      throw new HaValidationError(`target must leave an error budget the ${fastest}x burn-rate alert can express (${fastest} × (1 − target) below 1), got: ${this.target}`);
    }
    this.errorRatio = this.errorRatioOf(props);
    const service = serviceNameOf(this, props);
    this.namePrefix = `${service}-${this.node.addr.slice(0, 8)}`;

    const context = new AccountContext(this, 'Account', provider);
    this.pageTopicArn = props.pageTopicArn ?? newAlarmTopic(this, 'PageTopic', `${service} SLO pages`, context).arn;
    this.ticketTopicArn = props.ticketTopicArn ?? newAlarmTopic(this, 'TicketTopic', `${service} SLO tickets`, context).arn;
    const runbook = props.runbookUrl ? ` Runbook: ${props.runbookUrl}` : '';

    const rows: Record<'page' | 'ticket', CloudwatchCompositeAlarm[]> = { page: [], ticket: [] };
    for (const alert of this.alerts) {
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
    const exhaustion = errorBudgetExhaustion(this.target, this.windowDays);
    this.errorBudgetExhaustedAlarm = new CloudwatchMetricAlarm(this, 'BudgetExhausted', {
      provider,
      alarmName: `${this.namePrefix}-slo-budget-exhausted`,
      alarmDescription: `${service}: the errors of the last ${humanSeconds(exhaustion.rangeSeconds)} spent the whole ${this.windowDays}-day error budget of a ${this.target} SLO; freeze risky changes until it recovers.${runbook}`,
      metricQuery: this.errorRatio(exhaustion.rangeSeconds),
      threshold: exhaustion.errorRateThreshold,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
      alarmActions: [this.ticketTopicArn],
      okActions: [this.ticketTopicArn],
    });

    attachHaMetadata(this, props, { component: 'SloAlarms', failureDomain: FailureDomain.REGION });
  }

  private burnRateAlert(alert: BurnRateAlert, props: SloAlarmsProps): CloudwatchCompositeAlarm {
    const name = `Burn${humanSeconds(alarmPeriodSeconds(alert.longWindowSeconds))}`;
    const windowAlarm = (suffix: 'Long' | 'Short', seconds: number) => new CloudwatchMetricAlarm(this, `${name}${suffix}`, {
      provider: props.provider,
      alarmName: `${this.namePrefix}-slo-${name.toLowerCase()}-${suffix.toLowerCase()}`,
      alarmDescription: `Error ratio over ${humanSeconds(alarmPeriodSeconds(seconds))} above ${alert.errorRateThreshold} (${alert.burnRate}x burn of a ${this.target} SLO); part of ${alert.severity} alert ${name}`,
      metricQuery: this.errorRatio(alarmPeriodSeconds(seconds)),
      threshold: alert.errorRateThreshold,
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      // No requests is no evidence of errors.
      treatMissingData: 'notBreaching',
      // A window alarm notifies only through the Page or Ticket composite that ANDs it with its
      // partner window, so one incident makes one notification: no actions of its own.
    });
    const long = windowAlarm('Long', alert.longWindowSeconds);
    const short = windowAlarm('Short', alert.shortWindowSeconds);
    return new CloudwatchCompositeAlarm(this, name, {
      provider: props.provider,
      alarmName: `${this.namePrefix}-slo-${name.toLowerCase()}`,
      alarmRule: `ALARM("${long.alarmName}") AND ALARM("${short.alarmName}")`,
      alarmDescription: `${alert.burnRate}x burn over ${humanSeconds(alarmPeriodSeconds(alert.longWindowSeconds))} and ${humanSeconds(alarmPeriodSeconds(alert.shortWindowSeconds))} (${alert.severity}); notifies through the ${alert.severity === 'page' ? 'Page' : 'Ticket'} alarm`,
    });
  }

  private errorRatioOf(props: SloAlarmsProps): (periodSeconds: number) => CloudwatchMetricAlarmMetricQuery[] {
    const { loadBalancerArnSuffix, goodRequests, totalRequests } = props;
    if ((goodRequests === undefined) !== (totalRequests === undefined)) {
      throw new HaValidationError(`goodRequests and totalRequests must be passed together, got: only ${goodRequests ? 'goodRequests' : 'totalRequests'}`);
    }
    if (loadBalancerArnSuffix && goodRequests) {
      throw new HaValidationError('pass either loadBalancerArnSuffix or goodRequests and totalRequests for the availability SLI, got: both');
    }
    const sum = (id: string, metric: SloMetric, period: number): CloudwatchMetricAlarmMetricQuery => ({
      id, metric: { namespace: metric.namespace, metricName: metric.metricName, dimensions: metric.dimensions, stat: 'Sum', period },
    });
    if (loadBalancerArnSuffix) {
      const alb = (metricName: string): SloMetric => ({ namespace: 'AWS/ApplicationELB', metricName, dimensions: { LoadBalancer: loadBalancerArnSuffix } });
      return (period) => [
        { id: 'ratio', expression: '(FILL(target5xx, 0) + FILL(elb5xx, 0)) / total', label: 'Error ratio', returnData: true },
        sum('target5xx', alb('HTTPCode_Target_5XX_Count'), period),
        sum('elb5xx', alb('HTTPCode_ELB_5XX_Count'), period),
        sum('total', alb('RequestCount'), period),
      ];
    }
    if (goodRequests && totalRequests) {
      return (period) => [
        { id: 'ratio', expression: '(total - good) / total', label: 'Error ratio', returnData: true },
        sum('good', goodRequests, period),
        sum('total', totalRequests, period),
      ];
    }
    throw new HaValidationError('SloAlarms needs an SLI: pass loadBalancerArnSuffix, or goodRequests and totalRequests, got: none');
  }
}

/** `3600` → `1h`, `300` → `5m`, `259200` → `3d`: for ids, names and descriptions. */
function humanSeconds(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
