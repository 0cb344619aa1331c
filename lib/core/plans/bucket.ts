import { ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS } from '../buckets';
import { PlanProblem, PlanWarning } from '../errors';
import { GCS_TURBO_REPLICATION_SECONDS, S3_RTC_REPLICATION_SECONDS } from '../figures';
import { ReplicatedStore, replicationRpoProblem } from '../replication-rpo';
import { ServiceTier } from '../tier';

/**
 * The plan of a replicated object store: what the CDK `ReplicatedBucket`/`ReplicaBucket` (S3, a
 * bucket per region and Replication Time Control) and the Google `ReplicatedBucket` (one
 * turbo-replicated dual-region bucket) render: how long overwritten objects can be recovered, what
 * is locked, how far the second region's copy may lag and when that pages.
 */

/** The object store a bucket lives in: its naming rule, replication and recovery features differ. */
export type ObjectStore = 'S3' | 'CLOUD_STORAGE';

/** A bucket as its props describe it; `undefined` where the user gave nothing or a token. */
export interface BucketIntent {
  readonly store: ObjectStore;
  /** Names to check, by the prop that gave them (`bucketName`, `replicaBucketName`). */
  readonly names?: Readonly<Record<string, string | undefined>>;
  /**
   * Cloud Storage: the two regions of a configurable dual-region bucket (undefined for a token).
   * @default - not a dual-region bucket
   */
  readonly dualRegion?: readonly (string | undefined)[];
  /** @default - the pair is its own data set */
  readonly dataSet?: string;
  /** @default - tier.backupRetentionDays */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * Days every object version is locked (S3 Object Lock default retention in compliance mode; a
   * Cloud Storage retention policy).
   * @default - none
   */
  readonly retentionDays?: number;
  /** Lock the Cloud Storage retention policy for good. @default false */
  readonly lockRetentionPolicy?: boolean;
  /** The copy in another region; undefined for a bucket that replicates nowhere (a replica). */
  readonly replication?: {
    /** The data set's own region RPO, looser than the tier's. @default - the tier's region RPO */
    readonly rpoObjectiveSeconds?: number;
    /** Cloud Storage only: turbo replication (bounded) rather than default replication. @default true */
    readonly turbo?: boolean;
    /** S3 only: the replication latency that pages. @default - the bound, 900 s */
    readonly latencyAlarmSeconds?: number;
  };
}

/** A CloudWatch-style alarm as data: the engines with such a metric render it. */
export interface BucketAlarmPlan {
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** @default - evaluationPeriods */
  readonly datapointsToAlarm?: number;
}

/** What the engines render. */
export interface BucketPlan {
  /** Overwritten and deleted versions are kept this many days: the window to undo a bad write. */
  readonly noncurrentVersionDays: number;
  /** Cloud Storage soft delete: the noncurrent window within the service's 7 to 90 days. */
  readonly softDeleteDays: number;
  /** The multi-region that holds the dual-region (`US`, `EU`, `ASIA`), when one was asked. */
  readonly location?: string;
  /** Parts of an abandoned multipart upload are billed and invisible: dropped after this many days. */
  readonly abortIncompleteUploadsDays: number;
  /** Days every version is locked, when asked. */
  readonly retentionDays?: number;
  /** Days the bucket's access logs are kept. */
  readonly accessLogRetentionDays: number;
  /** The second region's copy; undefined for a bucket that replicates nowhere. */
  readonly replication?: {
    /** Published bound of the copy's lag; undefined when the replication publishes none. */
    readonly boundSeconds?: number;
    /** The data set's own region RPO when the user stated one (recorded in the HA metadata). */
    readonly dataRpoSeconds?: number;
    /** Pages when an object failed to replicate (S3: any in a 5-minute period). */
    readonly failedAlarm: BucketAlarmPlan;
    /** Pages when the lag stays above the threshold for three 5-minute periods. */
    readonly latencyAlarm: BucketAlarmPlan;
  };
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/**
 * Limits of a Cloud Storage bucket's soft-delete retention: 7 to 90 days.
 * @see https://cloud.google.com/storage/docs/soft-delete
 */
export const GCS_SOFT_DELETE_MIN_DAYS = 7;
export const GCS_SOFT_DELETE_MAX_DAYS = 90;

/** S3 publishes replication metrics per 5 minutes. */
export const S3_REPLICATION_METRIC_PERIOD_SECONDS = 300;

/**
 * Multi-region that holds a configurable dual-region of two regions, by region prefix.
 * @see https://cloud.google.com/storage/docs/locations#configurable
 */
const DUAL_REGION_CONTINENTS: readonly { readonly prefixes: readonly string[]; readonly location: string }[] = [
  { prefixes: ['us-', 'northamerica-'], location: 'US' },
  { prefixes: ['europe-'], location: 'EU' },
  { prefixes: ['asia-'], location: 'ASIA' },
];

/** Bucket naming rules, by store. */
const NAME_RULES: Record<ObjectStore, { readonly pattern: RegExp; readonly allowed: string }> = {
  S3: {
    pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    allowed: '3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
  },
  CLOUD_STORAGE: {
    pattern: /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/,
    allowed:
      '3 to 63 lowercase letters, digits, dots, hyphens or underscores, starting and ending with a letter or digit',
  },
};

/** How each store copies objects to the second region, for core's RPO check. */
const REPLICATION: Record<ObjectStore, ReplicatedStore> = {
  S3: {
    construct: 'ReplicatedBucket',
    replication: 'S3 Replication Time Control',
    boundSeconds: S3_RTC_REPLICATION_SECONDS,
  },
  CLOUD_STORAGE: {
    construct: 'ReplicatedBucket',
    replication: 'Cloud Storage turbo replication',
    boundSeconds: GCS_TURBO_REPLICATION_SECONDS,
  },
};

/**
 * Plans a replicated bucket.
 *
 * noncurrent versions kept = noncurrentVersionRetentionDays ≥ tier.backupRetentionDays (whole days);
 * soft delete (Cloud Storage) = clamp(tier.backupRetentionDays, 7, 90); the copy's bound is the
 * store's published replication bound (S3 RTC 900 s, turbo replication 900 s), which must not exceed
 * the data set's region RPO (the tier's, or a looser `rpoObjectiveSeconds`); S3 pages when an object
 * fails to replicate (sum > 0 in one 5-minute period) or the lag stays above the threshold
 * (default the bound) for three periods in a row.
 *
 * Example: TIER_2 (region RPO 900 s, backups kept 14 days), S3: noncurrent versions kept 14 days,
 * RTC bound 900 s ≤ 900 s, latency alarm after 3 × 300 s above 900 s. TIER_1 (region RPO 60 s) is
 * refused unless `rpoObjectiveSeconds` ≥ 900 says the objects can be rebuilt.
 */
export function planBucket(tier: ServiceTier, intent: BucketIntent): BucketPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const fail = (prop: string, message: string) => problems.push({ prop, message });
  const rule = NAME_RULES[intent.store];
  for (const [prop, name] of Object.entries(intent.names ?? {})) {
    if (name !== undefined && !rule.pattern.test(name)) {
      fail(prop, `${prop} must be ${rule.allowed}, got: ${name}`);
    }
  }
  if (intent.dataSet !== undefined && !/^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/.test(intent.dataSet)) {
    fail(
      'dataSet',
      'dataSet must be 1-64 lowercase letters, digits and hyphens, starting and ending with a letter or digit, ' +
        `got: ${JSON.stringify(intent.dataSet)}`,
    );
  }
  const location = intent.dualRegion && dualRegionLocation(intent.dualRegion, fail);
  const noncurrentDays = intent.noncurrentVersionRetentionDays ?? tier.backupRetentionDays;
  if (!Number.isInteger(noncurrentDays) || noncurrentDays < tier.backupRetentionDays) {
    fail(
      'noncurrentVersionRetention',
      `noncurrentVersionRetention must be whole days of at least ${tier.backupRetentionDays} ` +
        `(${tier.name}'s backup retention), got: ${noncurrentDays} days`,
    );
  }
  const retentionDays = intent.retentionDays;
  const retentionProp = intent.store === 'S3' ? 'objectLockRetention' : 'retentionDays';
  if (retentionDays !== undefined && (!Number.isInteger(retentionDays) || retentionDays < 1)) {
    fail(retentionProp, `${retentionProp} must be whole days of at least 1, got: ${retentionDays} days`);
  }
  if (intent.lockRetentionPolicy && retentionDays === undefined) {
    fail(
      'lockRetentionPolicy',
      'lockRetentionPolicy needs retentionDays: there is no retention policy to lock, got: retentionDays undefined',
    );
  }
  return {
    noncurrentVersionDays: noncurrentDays,
    location,
    softDeleteDays: Math.min(GCS_SOFT_DELETE_MAX_DAYS, Math.max(GCS_SOFT_DELETE_MIN_DAYS, tier.backupRetentionDays)),
    abortIncompleteUploadsDays: ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS,
    retentionDays,
    accessLogRetentionDays: tier.logRetentionDays,
    replication: intent.replication && planReplication(tier, intent.store, intent.replication, fail, warnings),
    problems,
    warnings,
  };
}

/** A dual-region is two regions of one continent's multi-region; a token region takes the other's. */
function dualRegionLocation(
  regions: readonly (string | undefined)[],
  fail: (prop: string, message: string) => void,
): string | undefined {
  if (regions.length !== 2) {
    const names = regions.map((r) => r ?? '<token>').join(', ') || 'none';
    fail('regions', `regions must list exactly 2 regions for a dual-region bucket, got: ${regions.length} (${names})`);
    return undefined;
  }
  const continents = regions.map(
    (r) => r && DUAL_REGION_CONTINENTS.find((c) => c.prefixes.some((p) => r.startsWith(p)))?.location,
  );
  const known = regions.every((r) => r !== undefined);
  if (known && (continents[0] === undefined || continents[0] !== continents[1])) {
    fail(
      'regions',
      `regions must be two regions of one configurable dual-region continent (US, EU or ASIA), got: ${regions.join(', ')}`,
    );
  }
  return continents[0] ?? continents[1] ?? 'US';
}

function planReplication(
  tier: ServiceTier,
  store: ObjectStore,
  intent: NonNullable<BucketIntent['replication']>,
  fail: (prop: string, message: string) => void,
  warnings: PlanWarning[],
): BucketPlan['replication'] {
  const copy = REPLICATION[store];
  const dataRpoSeconds = intent.rpoObjectiveSeconds;
  const objective = dataRpoSeconds ?? tier.regionRpoSeconds;
  const rpoProp = store === 'S3' ? 'rpoObjective' : 'rpoObjectiveSeconds';
  const objectiveName = dataRpoSeconds === undefined ? `${tier.name}'s region RPO` : rpoProp;
  const bounded = store === 'S3' || (intent.turbo ?? true);
  const rpoProblem =
    objectiveProblem(tier, store, dataRpoSeconds) ?? (bounded ? boundProblem(tier, store, dataRpoSeconds) : undefined);
  if (rpoProblem !== undefined) {
    fail(rpoProp, rpoProblem);
  } else if (!bounded) {
    // Default replication copies 99.9% of new objects within an hour and the rest within 12 hours,
    // with no guarantee: HA-DR3 finds no bound to hold against any RPO, even TIER_3's 24 h.
    // https://cloud.google.com/storage/docs/availability-durability#cross-region-redundancy
    warnings.push({
      id: 'turboReplication',
      message:
        'turboReplication is false: default replication publishes no bound (some objects take up to 12 hours to ' +
        `reach the second region), so HA-DR3 cannot show ${objectiveName} of ${objective} s and fails: enable ` +
        `turboReplication (RPO ${GCS_TURBO_REPLICATION_SECONDS} s)`,
    });
  }
  const latencySeconds = intent.latencyAlarmSeconds ?? copy.boundSeconds;
  if (!Number.isInteger(latencySeconds) || latencySeconds < 1) {
    fail(
      'replicationLatencyThreshold',
      `replicationLatencyThreshold must be whole seconds of at least 1, got: ${latencySeconds} s`,
    );
  } else if (store === 'S3' && latencySeconds > objective) {
    warnings.push({
      id: 'replicationLatencyThreshold',
      message:
        `replicationLatencyThreshold of ${latencySeconds} s is above ${objectiveName} of ${objective} s: the alarm ` +
        'pages only after the objects written since then would already be lost with the region',
    });
  }
  const period = S3_REPLICATION_METRIC_PERIOD_SECONDS;
  return {
    boundSeconds: bounded ? copy.boundSeconds : undefined,
    dataRpoSeconds,
    failedAlarm: { threshold: 0, periodSeconds: period, evaluationPeriods: 1 },
    latencyAlarm: { threshold: latencySeconds, periodSeconds: period, evaluationPeriods: 3, datapointsToAlarm: 3 },
  };
}

/** A stated objective must be whole seconds no tighter than the tier's: it loosens the tier for one data set. */
function objectiveProblem(tier: ServiceTier, store: ObjectStore, dataRpoSeconds?: number): string | undefined {
  if (store === 'S3' || dataRpoSeconds === undefined) {
    // S3's wording is core's replicationRpoProblem's, which checks the objective first.
    return undefined;
  }
  if (!Number.isInteger(dataRpoSeconds) || dataRpoSeconds < tier.regionRpoSeconds) {
    return (
      `rpoObjectiveSeconds must be whole seconds of at least ${tier.name}'s region RPO (${tier.regionRpoSeconds} s): ` +
      `it states a looser objective for this data set, got: ${dataRpoSeconds}`
    );
  }
  return undefined;
}

/** The store's published bound must fit the objective; Cloud Storage's answer names Spanner, its multi-region store. */
function boundProblem(tier: ServiceTier, store: ObjectStore, dataRpoSeconds?: number): string | undefined {
  const problem = replicationRpoProblem(REPLICATION[store], tier, dataRpoSeconds);
  if (problem === undefined || store === 'S3') {
    return problem;
  }
  const stated =
    dataRpoSeconds === undefined
      ? `none, so ${tier.name}'s region RPO of ${tier.regionRpoSeconds} s applies`
      : `${dataRpoSeconds} s`;
  const bound = GCS_TURBO_REPLICATION_SECONDS;
  return (
    `rpoObjectiveSeconds must be at least ${bound} s for a ReplicatedBucket: Cloud Storage turbo replication ` +
    `bounds the second region's copy at ${bound} s, so HA-DR3 cannot show less. Keep data that needs ` +
    `${tier.name}'s region RPO in a store whose writes commit in several regions, such as Spanner multi-region, ` +
    `and state this bucket's own rpoObjectiveSeconds if the service can rebuild its objects, got: ${stated}`
  );
}
