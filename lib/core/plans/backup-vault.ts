import { PlanProblem, PlanWarning } from '../errors';
import { BACKUP_DR_HOURLY_FREQUENCY } from '../figures';
import { ServiceTier } from '../tier';

/**
 * The plan of a Backup and DR backup vault and its backup plan: what the Google engine's
 * `BackupPolicy` renders (the vault's minimum enforced retention, one backup rule, its window). It
 * decides as `planBackup` does for AWS Backup: a retention below the tier's is refused, an interval
 * longer than the tier's is a warning (HA-BAK4 reports it as an error), the lock's minimum is the
 * retention.
 */

/** A backup vault as its props describe it; `undefined` where the user gave nothing or a token. */
export interface BackupVaultIntent {
  /** The Backup and DR resource type the plan protects (`compute.googleapis.com/Instance`). */
  readonly resourceType: string;
  /** @default - tier.backupRetentionDays */
  readonly retentionDays?: number;
  /** @default - tier.backupIntervalHours */
  readonly backupIntervalHours?: number;
  /** Whether the vault is in the one region its resources are in (lost with them); undefined: unknown. */
  readonly vaultInResourcesRegion?: boolean;
}

/** What the engine renders. */
export interface BackupVaultPlan {
  /** Days no backup in the vault can be deleted, by anyone: the vault's minimum enforced retention. */
  readonly enforcedRetentionDays: number;
  /** The same in seconds (the vault takes a duration). */
  readonly enforcedRetentionSeconds: number;
  /** Days each scheduled backup is kept (the rule's retention, never below the enforced one). */
  readonly retentionDays: number;
  /** HOURLY every `hourlyFrequency` hours, or DAILY. */
  readonly recurrence: 'HOURLY' | 'DAILY';
  readonly hourlyFrequency?: number;
  /** The window backups may start in, whole hours of the day in UTC: the whole day. */
  readonly window: { readonly startHour: number; readonly endHour: number };
  readonly timeZone: 'UTC';
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const DAY_HOURS = 24;
const DAY_SECONDS = 86400;

/**
 * Plans a backup vault and its one backup rule.
 *
 * Backups run every `backupIntervalHours` (by default the tier's; a longer one is a warning: the
 * interval is the RPO of a restore), HOURLY within the resource type's published range, DAILY at 24 hours, in a
 * window of the whole day (Backup and DR asks for at least 6 hours: `BACKUP_DR_HOURLY_FREQUENCY`).
 * Each backup is kept `retentionDays` (at least the tier's `backupRetentionDays`), and the vault enforces the same
 * minimum, so that no one, the project owner included, deletes a backup before then. A vault in the
 * one region of its resources is lost with that region: a warning for a multi-region tier.
 *
 * Example: TIER_1 (backups every hour, kept 35 days) for Compute Engine instances: HOURLY every
 * 1 hour from 0:00 to 24:00 UTC, kept 35 days, the vault enforcing 35 days.
 */
export function planBackupVault(tier: ServiceTier, intent: BackupVaultIntent): BackupVaultPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const range = Object.prototype.hasOwnProperty.call(BACKUP_DR_HOURLY_FREQUENCY, intent.resourceType)
    ? BACKUP_DR_HOURLY_FREQUENCY[intent.resourceType]
    : undefined;
  if (range === undefined) {
    problems.push({
      prop: 'resourceType',
      message:
        `resourceType must be one of ${Object.keys(BACKUP_DR_HOURLY_FREQUENCY).join(', ')}, ` +
        `got: ${intent.resourceType}`,
    });
  }
  const retentionDays = intent.retentionDays ?? tier.backupRetentionDays;
  if (!Number.isInteger(retentionDays) || retentionDays < tier.backupRetentionDays) {
    problems.push({
      prop: 'retentionDays',
      message:
        `retentionDays must be a whole number of days of at least ${tier.backupRetentionDays} ` +
        `(${tier.name}'s backup retention), got: ${retentionDays}`,
    });
  }
  const intervalHours = intent.backupIntervalHours ?? tier.backupIntervalHours;
  const hourly = intervalHours < DAY_HOURS;
  if (!Number.isInteger(intervalHours) || intervalHours < 1 || intervalHours > DAY_HOURS) {
    problems.push({
      prop: 'backupIntervalHours',
      message: `backupIntervalHours must be whole hours from 1 to ${DAY_HOURS}, got: ${intervalHours}`,
    });
  } else if (range && hourly && (intervalHours < range.min || intervalHours > range.max)) {
    problems.push({
      prop: 'backupIntervalHours',
      message:
        `backupIntervalHours must be from ${range.min} to ${range.max} hours for ${intent.resourceType} ` +
        `(Backup and DR's hourly frequencies), or 24, got: ${intervalHours}`,
    });
  } else if (intervalHours > tier.backupIntervalHours) {
    warnings.push({
      id: 'backupIntervalHours',
      message:
        `backupIntervalHours is ${intervalHours} h, longer than ${tier.name}'s ${tier.backupIntervalHours} h: ` +
        'restoring from a backup can lose more data than the tier allows',
    });
  }
  if (intent.vaultInResourcesRegion && tier.isMultiRegion) {
    warnings.push({
      id: 'location',
      message:
        `the vault is in the region of the resources it protects: a region loss takes the backups too, which ` +
        `${tier.name} (${tier.strategy}) must survive; keep a vault in another location`,
    });
  }
  return {
    enforcedRetentionDays: retentionDays,
    enforcedRetentionSeconds: retentionDays * DAY_SECONDS,
    retentionDays,
    recurrence: hourly ? 'HOURLY' : 'DAILY',
    hourlyFrequency: hourly ? intervalHours : undefined,
    window: { startHour: 0, endHour: DAY_HOURS },
    timeZone: 'UTC',
    problems,
    warnings,
  };
}
