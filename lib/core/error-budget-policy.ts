import { HaValidationError } from './errors';
import { SRE_WORKBOOK_SLO_WINDOW_DAYS } from './figures';
import { clean, requireTarget } from './numbers';

/**
 * The longest range a CloudWatch alarm can evaluate: period × evaluation periods at most 7 days
 * (at most 1 day when the period is shorter than an hour).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (Period)
 */
export const CLOUDWATCH_ALARM_MAX_RANGE_SECONDS = 7 * 86400;
export const CLOUDWATCH_ALARM_SHORT_PERIOD_MAX_RANGE_SECONDS = 86400;

/**
 * A CloudWatch alarm period must be 10, 20, 30 or a multiple of 60 seconds.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (Period)
 */
export const CLOUDWATCH_ALARM_PERIOD_MULTIPLE_SECONDS = 60;

/** When the error budget of an SLO is certainly spent, as far as one alarm can see. */
export interface ErrorBudgetExhaustion {
  /** The trailing range the alarm evaluates: the SLO window, or the longest range an alarm can evaluate. */
  readonly rangeSeconds: number;
  /**
   * Error ratio over `rangeSeconds` at which the errors of that range alone have spent the whole
   * budget of the SLO window: (1 − target) × window / range.
   */
  readonly errorRateThreshold: number;
  /** Whether the range covers the whole SLO window (otherwise the alarm is a lower bound). */
  readonly coversWindow: boolean;
}

/**
 * The error-budget-exhausted condition an alarm can evaluate.
 *
 * The budget of a window W is (1 − target) × W of bad requests. An alarm sees at most
 * `maxRangeSeconds` (CloudWatch: 7 days), so for a longer window the condition is that the errors
 * of the last `maxRangeSeconds` alone have spent the budget of all of W: whenever it holds the
 * budget is spent (no false alarm), but a budget spent slowly over more than the range is only
 * seen by the 1× ticket burn-rate alert of {@link burnRateAlerts}.
 * @see https://sre.google/workbook/error-budget-policy/
 */
export function errorBudgetExhaustion(
  target: number,
  windowDays = SRE_WORKBOOK_SLO_WINDOW_DAYS,
  maxRangeSeconds = CLOUDWATCH_ALARM_MAX_RANGE_SECONDS,
): ErrorBudgetExhaustion {
  requireTarget('target', target);
  if (typeof windowDays !== 'number' || !Number.isFinite(windowDays) || windowDays <= 0) {
    throw new HaValidationError(`windowDays must be a positive number, got: ${String(windowDays)}`);
  }
  if (typeof maxRangeSeconds !== 'number' || !Number.isFinite(maxRangeSeconds) || maxRangeSeconds <= 0) {
    throw new HaValidationError(`maxRangeSeconds must be a positive number, got: ${String(maxRangeSeconds)}`);
  }
  const windowSeconds = windowDays * 86400;
  const rangeSeconds = Math.min(windowSeconds, maxRangeSeconds);
  return {
    rangeSeconds,
    errorRateThreshold: clean(((1 - target) * windowSeconds) / rangeSeconds),
    coversWindow: rangeSeconds === windowSeconds,
  };
}

/**
 * The alarm period that measures a window of `windowSeconds`: CloudWatch takes multiples of 60 s
 * only, so a window that an SLO window other than 30 days scales (5 min × 28/30 = 280 s) is
 * rounded to the nearest whole minute, and never below one. The burn rate and threshold stay.
 */
export function alarmPeriodSeconds(windowSeconds: number): number {
  if (typeof windowSeconds !== 'number' || !Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    throw new HaValidationError(`windowSeconds must be a positive number, got: ${String(windowSeconds)}`);
  }
  const step = CLOUDWATCH_ALARM_PERIOD_MULTIPLE_SECONDS;
  return Math.max(step, Math.round(windowSeconds / step) * step);
}
