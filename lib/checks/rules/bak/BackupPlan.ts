import { GraphResource } from '../../graph/model';
import { block, blocks, num, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

const TYPES = ['AWS::Backup::BackupPlan', 'aws_backup_plan'];

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
    const list = hours.split(',').map(Number).sort((a, b) => a - b);
    perDay = Math.max(...list.map((h, i) => (i + 1 < list.length ? list[i + 1] : list[0] + 24) - h));
  }
  if (perDay === undefined) {
    return undefined;
  }
  return daily ? perDay : Math.max(perDay, 24 * 7);
}

/** HA-BAK2: backup plans run as often, keep as long, and (for backup and restore) copy as far as the tier says. */
export const BackupPlanPerTier: HaRule = {
  id: 'HA-BAK2',
  level: 'error',
  info: 'AWS Backup plan rules run at least every tier.backupIntervalHours, keep recovery points at least tier.backupRetentionDays, and (BACKUP_RESTORE) copy them to another region.',
  explanation: 'For a backup-and-restore service the backup interval is the RPO and the copy in another region is the only thing that survives a region loss.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((plan) => {
      const tier = tierOf(context, plan);
      if (!tier) {
        return [];
      }
      const rules = planRules(plan);
      if (rules.length === 0) {
        return [outcome(plan, `${plan.address} has no literal backup rules to check`)];
      }
      const problems: string[] = [];
      const intervals = rules.map((r) => (r.schedule ? scheduleIntervalHours(r.schedule) : undefined)).filter((h): h is number => h !== undefined);
      const shortest = intervals.length > 0 ? Math.min(...intervals) : undefined;
      if (shortest === undefined || shortest > tier.backupIntervalHours) {
        problems.push(`runs every ${shortest ?? 'unknown'} h; ${tier.name} needs at least every ${tier.backupIntervalHours} h`);
      }
      const keeps = rules.map((r) => r.deleteAfterDays ?? Infinity);
      if (Math.max(...keeps) < tier.backupRetentionDays) {
        problems.push(`keeps recovery points ${Math.max(...keeps)} days; ${tier.name} needs ${tier.backupRetentionDays}`);
      }
      if (!tier.isMultiRegion && !rules.some((r) => r.copies.some((region) => region !== plan.region))) {
        problems.push(`copies no recovery point to another region, which ${tier.strategy} relies on: add a copy action to a vault in another region`);
      }
      return [outcome(plan, problems.length === 0 ? undefined : `${plan.address} ${problems.join('; ')}`)];
    });
  },
};

/** The rules of a backup plan of either engine. */
export function planRules(plan: GraphResource): { schedule?: string; deleteAfterDays?: number; copies: (string | undefined)[] }[] {
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
