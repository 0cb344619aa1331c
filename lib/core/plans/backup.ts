import { PlanProblem, PlanWarning } from '../errors';
import { CLOUDWATCH_ALARM_MAX_RANGE_SECONDS } from '../error-budget-policy';
import { CONTINUOUS_BACKUP_MAX_DAYS, RESTORE_TEST_MAX_WINDOW_DAYS, VAULT_LOCK_MIN_CHANGEABLE_DAYS } from '../figures';
import { DrStrategy, ServiceTier } from '../tier';

/**
 * The plan of a backup policy: what the CDK `BackupPolicy` and `BackupCopyVault` render (AWS
 * Backup rules, the vault lock, restore tests and the restore-time alarm).
 */

/** A vault lock as its props describe it. */
export interface VaultLockIntent {
  /** @default true */
  readonly vaultLock?: boolean;
  /** @default - the shortest retention of the plan's rules */
  readonly lockMinRetentionDays?: number;
  /** @default - no maximum */
  readonly lockMaxRetentionDays?: number;
  /** @default 3 */
  readonly lockChangeableForDays?: number;
}

/** A backup policy as its props describe it; `undefined` where the user gave nothing or a token. */
export interface BackupIntent extends VaultLockIntent {
  /** @default - tier.backupRetentionDays */
  readonly retentionDays?: number;
  /** @default - tier.backupIntervalHours */
  readonly backupIntervalHours?: number;
  /** @default - on when the interval is longer than the region RPO */
  readonly continuousBackup?: boolean;
  /** Whether recovery points are copied to a vault in another region. */
  readonly copied: boolean;
  /** The region the policy runs in, for the warning when nothing is copied out of it. */
  readonly region?: string;
  /** Resource types restore tests restore, as AWS Backup names them; empty turns restore tests off. */
  readonly restoreTestTypes: readonly string[];
  /** @default - 1 when a validation function is given, else 0 (no validation window) */
  readonly restoreValidationWindowHours?: number;
  /** Whether a function validates each restored resource. */
  readonly restoreValidation: boolean;
}

/** A vault lock in compliance mode: after `changeableDays` nobody can shorten it or remove it. */
export interface VaultLockPlan {
  readonly minDays: number;
  readonly maxDays?: number;
  readonly changeableDays: number;
}

/** A backup rule: `cronHour` is the hour field of a cron that fires on the hour. */
export interface BackupRulePlan {
  readonly name: 'Continuous' | 'Scheduled';
  readonly cronHour: string;
  /** A backup that has not started within the window is skipped rather than run late: the next one is due soon. */
  readonly startWindowHours: number;
  readonly continuous: boolean;
  readonly deleteAfterDays: number;
  /** How long the copy in the other region is kept, when there is one. */
  readonly copyDeleteAfterDays?: number;
}

/** What the engines render. */
export interface BackupPlan {
  readonly retentionDays: number;
  readonly backupIntervalHours: number;
  readonly continuousBackup: boolean;
  readonly rules: readonly BackupRulePlan[];
  /** Undefined when the lock is off. */
  readonly vaultLock?: VaultLockPlan;
  /** Undefined when restore tests are off. */
  readonly restoreTest?: {
    readonly types: readonly string[];
    readonly selectionWindowDays: number;
    readonly recoveryPointTypes: readonly ('SNAPSHOT' | 'CONTINUOUS')[];
    /** 0: no validation window. */
    readonly validationWindowHours: number;
    /** When restore tests run unless the user schedules them: weekly, early Monday UTC, before the week's traffic. */
    readonly defaultWeekday: string;
    readonly defaultHourUtc: number;
  };
  /**
   * For BACKUP_RESTORE tiers with restore tests: page when a restore has run in every hourly period
   * of the region RTO (AWS Backup publishes a count of running restores, not their duration).
   */
  readonly restoreTimeAlarm?: { readonly periodSeconds: number; readonly periods: number };
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const HOUR_SECONDS = 3600;
const MAX_VALIDATION_WINDOW_HOURS = 168;

/**
 * Plans a backup policy.
 *
 * Recovery points are taken every `backupIntervalHours` (1 to 24, default the tier's) and kept
 * `retentionDays` (≥ the tier's); continuous backup (point-in-time recovery, kept at most 35 days)
 * is on when the interval is longer than the region RPO, and a scheduled rule keeps snapshots for
 * the rest of the retention. The vault lock's minimum defaults to the shortest rule retention.
 * A BACKUP_RESTORE tier with restore tests pages when a restore has run ⌊min(region RTO, 7 days) / 1 h⌋
 * hours in a row.
 *
 * Example: TIER_3 (backups every 12 h kept 7 days, region RPO 24 h, region RTO 24 h): one
 * `Scheduled` rule at 00:00 and 12:00, kept 7 days (its copy too), no continuous backup, lock minimum
 * 7 days changeable for 3, restore tests over the last 7 days, restore-time alarm after 24 hours.
 */
export function planBackup(tier: ServiceTier, intent: BackupIntent): BackupPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const fail = (prop: string, message: string) => problems.push({ prop, message });
  const retentionDays = intent.retentionDays ?? tier.backupRetentionDays;
  if (!Number.isInteger(retentionDays) || retentionDays < tier.backupRetentionDays) {
    fail(
      'retention',
      `retention must be whole days of at least ${tier.backupRetentionDays} (${tier.name}'s backup retention), ` +
        `got: ${retentionDays} days`,
    );
  }
  const intervalHours = intent.backupIntervalHours ?? tier.backupIntervalHours;
  if (!Number.isInteger(intervalHours) || intervalHours < 1 || intervalHours > 24) {
    fail('backupInterval', `backupInterval must be whole hours from 1 to 24, got: ${intervalHours} hours`);
  } else if (intervalHours > tier.backupIntervalHours) {
    warnings.push({
      id: 'backupInterval',
      message:
        `backupInterval is ${intervalHours} h, longer than ${tier.name}'s ${tier.backupIntervalHours} h: restoring ` +
        'from a backup can lose more data than the tier allows',
    });
  }
  if (!intent.copied) {
    warnings.push({
      id: 'copyToVaultArn',
      message:
        `copyToVaultArn is not set: the recovery points live only in ${intent.region ?? 'this region'}, and a loss ` +
        'of that region takes them with it',
    });
  }
  const continuous = intent.continuousBackup ?? intervalHours * HOUR_SECONDS > tier.regionRpoSeconds;
  const continuousDays = Math.min(retentionDays, CONTINUOUS_BACKUP_MAX_DAYS);
  const copyDays = intent.copied ? retentionDays : undefined;
  const cronHour = intervalHours === 1 ? '*' : intervalHours === 24 ? '0' : `0/${intervalHours}`;
  const rule = { cronHour, startWindowHours: 1, copyDeleteAfterDays: copyDays };
  const rules: BackupRulePlan[] = [];
  // A continuous rule also snapshots, on its schedule, what cannot back up continuously (DynamoDB, EFS):
  // a separate scheduled rule is only needed to keep snapshots longer than continuous backups last.
  if (continuous) {
    rules.push({ ...rule, name: 'Continuous', continuous: true, deleteAfterDays: continuousDays });
  }
  if (!continuous || retentionDays > continuousDays) {
    rules.push({ ...rule, name: 'Scheduled', continuous: false, deleteAfterDays: retentionDays });
  }
  const vaultLock = planVaultLock(continuous ? continuousDays : retentionDays, intent, fail, warnings);

  let restoreTest: BackupPlan['restoreTest'];
  if (intent.restoreTestTypes.length === 0) {
    warnings.push({
      id: 'restoreTestResourceTypes',
      message: 'restoreTestResourceTypes is empty: no restore test proves that these backups can be restored',
    });
  } else {
    const windowHours = intent.restoreValidationWindowHours ?? (intent.restoreValidation ? 1 : 0);
    if (!Number.isInteger(windowHours) || windowHours < 0 || windowHours > MAX_VALIDATION_WINDOW_HOURS) {
      fail(
        'restoreValidationWindowHours',
        `restoreValidationWindowHours must be an integer from 0 to ${MAX_VALIDATION_WINDOW_HOURS}, got: ${windowHours}`,
      );
    }
    const repeated = intent.restoreTestTypes.find((t, i) => intent.restoreTestTypes.indexOf(t) !== i);
    if (repeated !== undefined) {
      fail(
        'restoreTestResourceTypes',
        `restoreTestResourceTypes must not repeat a type, got: ${repeated} more than once`,
      );
    }
    restoreTest = {
      types: intent.restoreTestTypes,
      selectionWindowDays: Math.min(retentionDays, RESTORE_TEST_MAX_WINDOW_DAYS),
      recoveryPointTypes: continuous ? ['SNAPSHOT', 'CONTINUOUS'] : ['SNAPSHOT'],
      validationWindowHours: windowHours,
      defaultWeekday: 'MON',
      defaultHourUtc: 5,
    };
  }
  const restoreTimeAlarm =
    restoreTest && tier.strategy === DrStrategy.BACKUP_RESTORE
      ? {
          periodSeconds: HOUR_SECONDS,
          periods: Math.max(
            1,
            Math.floor(Math.min(tier.regionRtoSeconds, CLOUDWATCH_ALARM_MAX_RANGE_SECONDS) / HOUR_SECONDS),
          ),
        }
      : undefined;
  return {
    retentionDays,
    backupIntervalHours: intervalHours,
    continuousBackup: continuous,
    rules,
    vaultLock,
    restoreTest,
    restoreTimeAlarm,
    problems,
    warnings,
  };
}

/**
 * Plans a vault lock in compliance mode whose minimum is at most `shortestDays`, the shortest
 * retention of what the vault keeps (a longer minimum would refuse the vault's own recovery points).
 * The warning for a lock turned off has the id `vaultLock`.
 */
export function planVaultLock(
  shortestDays: number,
  intent: VaultLockIntent,
  fail: (prop: string, message: string) => void,
  warnings: PlanWarning[],
): VaultLockPlan | undefined {
  if (intent.vaultLock === false) {
    warnings.push({
      id: 'vaultLock',
      message:
        'vaultLock is false: anyone with the right permissions (or a compromised account) can delete the recovery points',
    });
    return undefined;
  }
  const minDays = intent.lockMinRetentionDays ?? shortestDays;
  if (!Number.isInteger(minDays) || minDays < 1 || minDays > shortestDays) {
    fail(
      'lockMinRetention',
      `lockMinRetention must be whole days from 1 to the shortest rule retention (${shortestDays}), got: ${minDays} days`,
    );
  }
  const maxDays = intent.lockMaxRetentionDays;
  if (maxDays !== undefined && (!Number.isInteger(maxDays) || maxDays < shortestDays)) {
    fail(
      'lockMaxRetention',
      `lockMaxRetention must be whole days of at least the retention (${shortestDays}), got: ${maxDays} days`,
    );
  }
  const changeableDays = intent.lockChangeableForDays ?? VAULT_LOCK_MIN_CHANGEABLE_DAYS;
  if (!Number.isInteger(changeableDays) || changeableDays < VAULT_LOCK_MIN_CHANGEABLE_DAYS) {
    fail(
      'lockChangeableFor',
      `lockChangeableFor must be whole days of at least ${VAULT_LOCK_MIN_CHANGEABLE_DAYS}, got: ${changeableDays} days`,
    );
  }
  return { minDays, maxDays, changeableDays };
}
