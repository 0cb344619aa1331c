/**
 * How often a unix-cron schedule (five fields: minute, hour, day of month, month, day of week, as
 * Cloud Scheduler reads them) runs, in whole days: what a drill's schedule must keep within a
 * tier's `drillIntervalDays`. When both day fields are restricted, a day matches either (cron's
 * rule); names (`JAN`, `TUE`) and 7 for Sunday are read as Cloud Scheduler reads them.
 * @see https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules
 */

/** Days scanned: four years from a leap year, so every month length and weekday combination recurs. */
const SCAN_DAYS = 4 * 365 + 1;
const SCAN_START = Date.UTC(2024, 0, 1);
export const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A field's allowed values: `*`, numbers, names, ranges, steps and lists of them; undefined when not a field. */
export function fieldValues(
  field: string,
  min: number,
  max: number,
  names: readonly string[] = [],
): Set<number> | undefined {
  const values = new Set<number>();
  const value = (text: string) => {
    const named = names.indexOf(text.toUpperCase());
    const n = named >= 0 ? named + min : /^\d+$/.test(text) ? Number(text) : NaN;
    return n >= min && n <= max ? n : undefined;
  };
  for (const part of field.split(',')) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!match) {
      return undefined;
    }
    const [, range, stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] =
      range === '*'
        ? [min, max]
        : range.includes('-')
          ? range.split('-').map(value)
          : [value(range), stepText === undefined ? value(range) : max];
    if (from === undefined || to === undefined || from > to || step < 1) {
      return undefined;
    }
    for (let n = from; n <= to; n += step) {
      values.add(n);
    }
  }
  return values;
}

/**
 * The longest gap, in days, between two consecutive days a schedule runs on (a schedule that runs
 * every day: 1); `Infinity` when it never runs (`0 0 30 2 *`); undefined when it is not a five-field
 * cron expression.
 *
 * Example: `0 10 * * TUE` → 7; `0 9 15 1,4,7,10 *` → 92 (15 July to 15 October).
 */
export function cronMaxGapDays(schedule: string): number | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) {
    return undefined;
  }
  const [minute, hour, dom, month, dow] = fields;
  const times = [fieldValues(minute, 0, 59), fieldValues(hour, 0, 23)];
  const days = fieldValues(dom, 1, 31);
  const months = fieldValues(month, 1, 12, MONTHS);
  // 7 is Sunday too: read the field over 0-7, then fold 7 onto 0.
  const weekdays = fieldValues(dow, 0, 7, WEEKDAYS);
  if (times.some((t) => t === undefined) || !days || !months || !weekdays) {
    return undefined;
  }
  if (weekdays.has(7)) {
    weekdays.add(0);
  }
  const domRestricted = dom !== '*' && !dom.startsWith('*/');
  const dowRestricted = dow !== '*' && !dow.startsWith('*/');
  return maxGapDays(
    (date) =>
      months.has(date.getUTCMonth() + 1) &&
      (domRestricted && dowRestricted
        ? days.has(date.getUTCDate()) || weekdays.has(date.getUTCDay())
        : days.has(date.getUTCDate()) && weekdays.has(date.getUTCDay())),
  );
}

/** The longest gap between two consecutive days of {@link SCAN_DAYS} that `runsOn` matches; Infinity when none. */
export function maxGapDays(runsOn: (date: Date) => boolean): number {
  const runs: number[] = [];
  for (let day = 0; day < SCAN_DAYS; day++) {
    if (runsOn(new Date(SCAN_START + day * 86_400_000))) {
      runs.push(day);
    }
  }
  if (runs.length === 0) {
    return Infinity;
  }
  // A schedule that runs once in four years (29 February): its gap is the four years.
  let gap = runs.length === 1 ? SCAN_DAYS : 1;
  for (let i = 1; i < runs.length; i++) {
    gap = Math.max(gap, runs[i] - runs[i - 1]);
  }
  return gap;
}
