import { GraphResource } from './model';
import { block, blocks, num, str } from './values';

/**
 * Hours between runs of an AWS Backup schedule (`cron(...)` or `rate(...)`), or undefined when the
 * expression is not literal or not understood. A fixed hour list counts its largest gap.
 */
export function scheduleIntervalHours(expression: string): number | undefined {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    return rate[2].startsWith('minute') ? n / 60 : rate[2].startsWith('hour') ? n : n * 24;
  }
  const cron = /^cron\(([^)]*)\)$/.exec(expression.trim());
  if (!cron) {
    return undefined;
  }
  const [, hours, dayOfMonth, , dayOfWeek] = cron[1].trim().split(/\s+/);
  if (hours === undefined) {
    return undefined;
  }
  const daily = ['*', '?'].includes(dayOfMonth) && ['*', '?'].includes(dayOfWeek ?? '?');
  const step = /^\*\/(\d+)$/.exec(hours) ?? /^0\/(\d+)$/.exec(hours);
  let perDay: number | undefined;
  if (hours === '*') {
    perDay = 1;
  } else if (step) {
    perDay = Number(step[1]);
  } else if (/^\d+(,\d+)*$/.test(hours)) {
    const list = hours
      .split(',')
      .map(Number)
      .sort((a, b) => a - b);
    perDay = Math.max(...list.map((h, i) => (i + 1 < list.length ? list[i + 1] : list[0] + 24) - h));
  }
  if (perDay === undefined) {
    return undefined;
  }
  return daily ? perDay : Math.max(perDay, 24 * 7);
}

/** The rules of a backup plan of either engine. */
export function planRules(
  plan: GraphResource,
): { schedule?: string; deleteAfterDays?: number; copies: (string | undefined)[] }[] {
  const p = plan.properties;
  if (plan.engine === 'cloudformation') {
    const document = block(p.BackupPlan) ?? {};
    return blocks(document.BackupPlanRule).map((rule) => ({
      schedule: str(rule.ScheduleExpression),
      deleteAfterDays: num(block(rule.Lifecycle)?.DeleteAfterDays),
      copies: blocks(rule.CopyActions).map((c) => arnRegion(c.DestinationBackupVaultArn)),
    }));
  }
  return blocks(p.rule).map((rule) => ({
    schedule: str(rule.schedule),
    deleteAfterDays: num(block(rule.lifecycle)?.delete_after),
    copies: blocks(rule.copy_action).map((c) => arnRegion(c.destination_vault_arn)),
  }));
}

/** The region named in an ARN (literal, `Fn::Join`, `Fn::Sub` or interpolated), if any. */
function arnRegion(value: unknown): string | undefined {
  const match = /arn:[^:"]*:backup:([a-z0-9-]+):/.exec(JSON.stringify(value ?? '').replace(/","/g, ''));
  return match?.[1] ?? (value === undefined ? undefined : 'unknown');
}
