import { HaValidationError } from './errors';
import { SRE_WORKBOOK_BURN_RATE_ROWS, SRE_WORKBOOK_SLO_WINDOW_DAYS } from './figures';
import { clean, requireTarget } from './numbers';

/** One multiwindow burn-rate alert: fire when both windows burn the budget faster than `burnRate`. */
export interface BurnRateAlert {
  /** `page` wakes someone; `ticket` is handled in working hours. */
  readonly severity: 'page' | 'ticket';
  /** How many times faster than sustainable the budget is being spent. */
  readonly burnRate: number;
  /** The long window, which makes the alert significant (enough budget spent). */
  readonly longWindowSeconds: number;
  /** The short window, which makes the alert reset soon after the burn stops. */
  readonly shortWindowSeconds: number;
  /** Error ratio (bad / all) over both windows that fires the alert: burnRate × (1 − target). */
  readonly errorRateThreshold: number;
}

/**
 * Minutes of error budget in an SLO window: (1 − target) × window.
 * 0.999 over 30 days is 43.2 minutes.
 */
export function errorBudgetMinutes(target: number, windowDays = SRE_WORKBOOK_SLO_WINDOW_DAYS): number {
  requireTarget('target', target);
  requireWindow(windowDays);
  return clean((1 - target) * windowDays * 24 * 60);
}

/**
 * The Site Reliability Workbook's multiwindow, multi-burn-rate alerts for an SLO.
 *
 * For the 30-day window of the workbook: page at 14.4× over 1 h and 5 min, page at 6× over 6 h and
 * 30 min, ticket at 1× over 3 d and 6 h. For another window the alerts keep the same shares of the
 * budget (2%, 5%, 10%), so the windows scale with it and the burn rates stay the same; windows
 * are rounded to whole seconds.
 * @see https://sre.google/workbook/alerting-on-slos/
 */
export function burnRateAlerts(target: number, windowDays = SRE_WORKBOOK_SLO_WINDOW_DAYS): BurnRateAlert[] {
  requireTarget('target', target);
  requireWindow(windowDays);
  const scale = windowDays / SRE_WORKBOOK_SLO_WINDOW_DAYS;
  const windowSeconds = windowDays * 86400;
  return SRE_WORKBOOK_BURN_RATE_ROWS.map((row) => {
    const longWindowSeconds = Math.round(row.longWindowSeconds * scale);
    const burnRate = clean((row.budgetShare * windowSeconds) / (row.longWindowSeconds * scale));
    return {
      severity: row.severity,
      burnRate,
      longWindowSeconds,
      shortWindowSeconds: Math.round(row.shortWindowSeconds * scale),
      errorRateThreshold: clean(burnRate * (1 - target)),
    };
  });
}

/**
 * The page alert that fires soonest: the one with the highest burn rate, which is also the one
 * with the shortest windows (14.4× over 1 h and 5 min for a 30-day SLO). Its short window is how
 * long a page takes to confirm, its long window how long a change must bake before the page can
 * judge it, and its threshold the error ratio no release may reach.
 * @see https://sre.google/workbook/alerting-on-slos/
 */
export function fastestPageAlert(target: number, windowDays = SRE_WORKBOOK_SLO_WINDOW_DAYS): BurnRateAlert {
  const pages = burnRateAlerts(target, windowDays).filter((alert) => alert.severity === 'page');
  return pages.reduce((fastest, alert) => (alert.burnRate > fastest.burnRate ? alert : fastest));
}

function requireWindow(windowDays: number): void {
  if (typeof windowDays !== 'number' || !Number.isFinite(windowDays) || windowDays <= 0) {
    throw new HaValidationError(`windowDays must be a positive number, got: ${String(windowDays)}`);
  }
}
