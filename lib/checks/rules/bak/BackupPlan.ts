import { planRules, scheduleIntervalHours } from '../../graph/backup';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

const TYPES = ['AWS::Backup::BackupPlan', 'aws_backup_plan'];

/** HA-BAK2: backup plans run as often, keep as long, and (for backup and restore) copy as far as the tier says. */
export const BackupPlanPerTier: HaRule = {
  id: 'HA-BAK2',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info: 'AWS Backup plan rules run at least every tier.backupIntervalHours, keep recovery points at least tier.backupRetentionDays, and (BACKUP_RESTORE) copy them to another region.',
  explanation:
    'For a backup-and-restore service the backup interval is the RPO and the copy in another region is the only thing that survives a region loss.',
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
      const intervals = rules
        .map((r) => (r.schedule ? scheduleIntervalHours(r.schedule) : undefined))
        .filter((h): h is number => h !== undefined);
      const shortest = intervals.length > 0 ? Math.min(...intervals) : undefined;
      if (shortest === undefined || shortest > tier.backupIntervalHours) {
        problems.push(
          `runs every ${shortest ?? 'unknown'} h; ${tier.name} needs at least every ${tier.backupIntervalHours} h`,
        );
      }
      const keeps = rules.map((r) => r.deleteAfterDays ?? Infinity);
      if (Math.max(...keeps) < tier.backupRetentionDays) {
        problems.push(
          `keeps recovery points ${Math.max(...keeps)} days; ${tier.name} needs ${tier.backupRetentionDays}`,
        );
      }
      if (!tier.isMultiRegion && !rules.some((r) => r.copies.some((region) => region !== plan.region))) {
        problems.push(
          `copies no recovery point to another region, which ${tier.strategy} relies on: add a copy action to a vault in another region`,
        );
      }
      return [outcome(plan, problems.length === 0 ? undefined : `${plan.address} ${problems.join('; ')}`)];
    });
  },
};
