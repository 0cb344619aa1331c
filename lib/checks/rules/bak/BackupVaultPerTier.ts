import { block, blocks, num, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { tierOf } from '../support';

const VAULT = 'google_backup_dr_backup_vault';
const PLAN = 'google_backup_dr_backup_plan';
const DAY_SECONDS = 86400;

/** HA-BAK4: Backup and DR vaults lock backups, and plans back up, as long and as often as the tier says. */
export const BackupVaultPerTier: HaRule = {
  id: 'HA-BAK4',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info:
    "Backup and DR vaults enforce at least tier.backupRetentionDays; their plans' rules run at least every " +
    'tier.backupIntervalHours and keep backups at least tier.backupRetentionDays.',
  explanation:
    'The enforced retention is what no one, the project owner included, can shorten: the copy that survives a ' +
    'compromised project. The backup interval is the RPO of a restore.',
  resourceTypes: [VAULT, PLAN],
  evaluate(context: RuleContext): Evaluation[] {
    const vaults = context.graph.ofType(VAULT).flatMap((vault): Evaluation[] => {
      const tier = tierOf(context, vault);
      if (!tier) return [];
      const enforced = seconds(vault.properties.backup_minimum_enforced_retention_duration);
      if (enforced === undefined) {
        return [undecided(vault, 'its backup_minimum_enforced_retention_duration is not literal in the template')];
      }
      const days = enforced / DAY_SECONDS;
      return [
        outcome(
          vault,
          days >= tier.backupRetentionDays
            ? undefined
            : `${vault.address} enforces ${days} day(s); ${tier.name} needs ${tier.backupRetentionDays}: raise ` +
                'backup_minimum_enforced_retention_duration',
        ),
      ];
    });
    const plans = context.graph.ofType(PLAN).flatMap((plan): Evaluation[] => {
      const tier = tierOf(context, plan);
      if (!tier) return [];
      const rules = blocks(plan.properties.backup_rules);
      const intervals = rules.map(intervalHours).filter((h): h is number => h !== undefined);
      const keeps = rules.map((r) => num(r.backup_retention_days) ?? 0);
      const problems: string[] = [];
      const shortest = intervals.length > 0 ? Math.min(...intervals) : undefined;
      if (shortest === undefined || shortest > tier.backupIntervalHours) {
        problems.push(
          `runs every ${shortest ?? 'unknown'} h; ${tier.name} needs at least every ${tier.backupIntervalHours} h`,
        );
      }
      if (Math.max(0, ...keeps) < tier.backupRetentionDays) {
        problems.push(`keeps backups ${Math.max(0, ...keeps)} day(s); ${tier.name} needs ${tier.backupRetentionDays}`);
      }
      return [outcome(plan, problems.length === 0 ? undefined : `${plan.address} ${problems.join('; ')}`)];
    });
    return [...vaults, ...plans];
  },
};

/** `3024000s` → 3024000. */
function seconds(value: unknown): number | undefined {
  const match = /^(\d+)s$/.exec(str(value) ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Hours between a rule's backups: its hourly frequency, or a day for DAILY; undefined for longer or unknown ones. */
function intervalHours(rule: Record<string, unknown>): number | undefined {
  const schedule = block(rule.standard_schedule);
  const recurrence = str(schedule?.recurrence_type);
  if (recurrence === 'HOURLY') return num(schedule?.hourly_frequency);
  return recurrence === 'DAILY' ? 24 : undefined;
}
