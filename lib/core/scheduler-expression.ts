import { fieldValues, maxGapDays, MONTHS, WEEKDAYS } from './cron';

/**
 * Reads an EventBridge Scheduler expression (`rate(...)`, `cron(...)` of six fields, `at(...)`) as
 * the drills' schedules are written: whether the scheduler accepts its form, and the longest gap in
 * days between two runs, which a drill schedule must keep within its tier's `drillIntervalDays`.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
export type SchedulerExpressionReading =
  /** Not a form the scheduler accepts: `reason` says what is wrong. */
  | { readonly valid: false; readonly reason: string }
  /** Accepted; `maxGapDays` undefined when it cannot be read here (`W`, a restricted year). */
  | { readonly valid: true; readonly maxGapDays?: number };

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const AT = /^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/;

/**
 * Example: `rate(7 days)` → 7; `cron(0 10 ? * TUE#2 *)` (second Tuesday) → 35;
 * `cron(0 9 15 1,4,7,10 ? *)` → 92; `at(2027-01-05T10:00:00)` → Infinity (runs once);
 * `cron(0 10 * * TUE *)` → invalid (one of the day fields must be `?`).
 */
export function readSchedulerExpression(expression: string): SchedulerExpressionReading {
  const rate = RATE.exec(expression);
  if (rate) {
    const [, count, unit] = rate;
    const n = Number(count);
    if (n < 1 || (n === 1) !== !unit.endsWith('s')) {
      return { valid: false, reason: 'a rate takes a positive value, singular units for 1 and plural otherwise' };
    }
    return { valid: true, maxGapDays: unit.startsWith('day') ? n : 1 };
  }
  if (AT.test(expression)) {
    return { valid: true, maxGapDays: Infinity };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron) {
    return { valid: false, reason: 'an expression is rate(...), cron(...) or at(yyyy-mm-ddThh:mm:ss)' };
  }
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) {
    return {
      valid: false,
      reason: 'a cron expression has six fields: minutes hours day-of-month month day-of-week year',
    };
  }
  const [minute, hour, dom, month, dow, year] = fields;
  if ((dom === '?') === (dow === '?')) {
    return { valid: false, reason: 'exactly one of day-of-month and day-of-week must be ?' };
  }
  return { valid: true, maxGapDays: cronGapDays(minute, hour, dom, month, dow, year) };
}

/** The gap of a six-field scheduler cron; undefined where this reading stops (`W`, a restricted year). */
function cronGapDays(
  minute: string,
  hour: string,
  dom: string,
  month: string,
  dow: string,
  year: string,
): number | undefined {
  const months = fieldValues(month, 1, 12, MONTHS);
  if (year !== '*' || !fieldValues(minute, 0, 59) || !fieldValues(hour, 0, 23) || !months) {
    return undefined;
  }
  const onDay = dom === '?' ? weekdayMatcher(dow) : dayOfMonthMatcher(dom);
  if (!onDay) {
    return undefined;
  }
  return maxGapDays((date) => months.has(date.getUTCMonth() + 1) && onDay(date));
}

function daysInMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

function dayOfMonthMatcher(dom: string): ((date: Date) => boolean) | undefined {
  if (dom === 'L') {
    return (date) => date.getUTCDate() === daysInMonth(date);
  }
  const days = fieldValues(dom, 1, 31);
  return days && ((date) => days.has(date.getUTCDate()));
}

/** The scheduler numbers weekdays 1 (Sunday) to 7; `X#n` is the nth X of the month, `XL` the last. */
function weekdayMatcher(dow: string): ((date: Date) => boolean) | undefined {
  const nth = /^([A-Za-z]{3}|[1-7])(#([1-5])|L)$/.exec(dow);
  if (nth) {
    const weekday = weekdayNumber(nth[1]);
    const which = nth[3];
    return (date) =>
      date.getUTCDay() === weekday &&
      (which === undefined
        ? date.getUTCDate() + 7 > daysInMonth(date)
        : Math.ceil(date.getUTCDate() / 7) === Number(which));
  }
  const days = fieldValues(dow, 1, 7, WEEKDAYS);
  return days && ((date) => days.has(date.getUTCDay() + 1));
}

function weekdayNumber(text: string): number {
  return /^\d$/.test(text) ? Number(text) - 1 : WEEKDAYS.indexOf(text.toUpperCase());
}
