import { PlanProblem, PlanWarning } from '../errors';
import {
  SPANNER_METRIC_SAMPLE_SECONDS,
  SPANNER_BACKUP_MIN_INTERVAL_HOURS,
  SPANNER_BACKUP_RETENTION_MAX_DAYS,
  SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT,
  SPANNER_VERSION_RETENTION_MAX_SECONDS,
} from '../figures';
import { ServiceTier } from '../tier';

/**
 * The plan of a Spanner instance and database (`HaSpanner`): which instance configuration holds
 * the data, the edition it needs, where its keys live, its compute, its backups and recovery window.
 */

/** Where a Spanner instance configuration places replicas. */
export interface SpannerConfigurationRegions {
  /** Regions holding read-write replicas, the default leader region first. */
  readonly readWrite: readonly string[];
  /** Regions holding read-only replicas. */
  readonly readOnly: readonly string[];
  /** The region holding the witness replica (multi-region configurations). */
  readonly witness?: string;
}

/**
 * Base multi-region configurations with two read-write regions and a witness, as Google lists
 * them (`gcloud spanner instance-configs describe <name>` shows the same). Another configuration
 * is used by giving its regions (`configurationRegions`).
 * @see https://cloud.google.com/spanner/docs/instance-configurations#available-configurations-multi-region
 */
export const SPANNER_MULTI_REGION_CONFIGURATIONS: Readonly<Record<string, SpannerConfigurationRegions>> = {
  nam3: { readWrite: ['us-east4', 'us-east1'], readOnly: [], witness: 'us-central1' },
  eur3: { readWrite: ['europe-west1', 'europe-west4'], readOnly: [], witness: 'europe-north1' },
  eur6: { readWrite: ['europe-west4', 'europe-west3'], readOnly: [], witness: 'europe-west6' },
  asia1: { readWrite: ['asia-northeast1', 'asia-northeast2'], readOnly: [], witness: 'asia-northeast3' },
};

/** A regional configuration is named `regional-<region>`: three read-write replicas in three zones. */
const REGIONAL_PREFIX = 'regional-';
const REGION_NAME = /^[a-z]+-[a-z]+[0-9]+$/;

/** Spanner editions (instance `edition`). */
export type SpannerEdition = 'STANDARD' | 'ENTERPRISE' | 'ENTERPRISE_PLUS';
const EDITIONS: readonly SpannerEdition[] = ['STANDARD', 'ENTERPRISE', 'ENTERPRISE_PLUS'];

/** A Spanner database as its props describe it; `undefined` where a value is unknown at synthesis. */
export interface SpannerIntent {
  /** Instance configuration name (`nam3`, `regional-us-central1`). */
  readonly configuration?: string;
  /**
   * The regions of a configuration the table does not hold (`configurationRegions`).
   * @default - from SPANNER_MULTI_REGION_CONFIGURATIONS, or the region of a `regional-` name
   */
  readonly configurationRegions?: SpannerConfigurationRegions;
  /** Regions the service's fleets serve from (`servingRegions`); an undefined entry is unknown at synthesis. */
  readonly servingRegions: readonly (string | undefined)[];
  /** The service's allowed regions (data residency). */
  readonly allowedRegions?: readonly string[];
  /** @default - ENTERPRISE_PLUS for a multi-region configuration, ENTERPRISE for a regional one */
  readonly edition?: string;
  /** @default 1000 */
  readonly minProcessingUnits?: number;
  /** @default - 4 × minProcessingUnits */
  readonly maxProcessingUnits?: number;
}

/** The plan. */
export interface SpannerPlan {
  /** The configuration's regions (undefined when the configuration is unknown or refused). */
  readonly regions?: SpannerConfigurationRegions;
  /** Whether writes commit across regions (more than one read-write region). */
  readonly multiRegion: boolean;
  readonly edition: SpannerEdition;
  /** Every region of the configuration (read-write, read-only, witness): one key each. */
  readonly keyRegions: readonly string[];
  readonly minProcessingUnits: number;
  readonly maxProcessingUnits: number;
  /** The autoscaler's high-priority CPU target: Google's recommended maximum for the configuration. */
  readonly highPriorityCpuPercent: number;
  /** The autoscaler's storage target (percent of the storage the compute holds). */
  readonly storagePercent: number;
  /** Point-in-time recovery window, seconds (`version_retention_period`). */
  readonly versionRetentionSeconds: number;
  /** Full backups: a cron in UTC, and their retention in seconds. */
  readonly backup: { readonly cron: string; readonly retentionSeconds: number };
  /** Terraform `deletion_protection` and Spanner's `enable_drop_protection`. */
  readonly deletionProtection: boolean;
  /**
   * The alert on high-priority CPU above the recommended maximum (the autoscaler's target): it fires
   * when the autoscaler has not brought it back within `durationSeconds`, at its maximum or too slow.
   */
  readonly cpuAlert: { readonly threshold: number; readonly periodSeconds: number; readonly durationSeconds: number };
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const DEFAULT_MIN_PROCESSING_UNITS = 1000;
/** Headroom the autoscaler may add before a person decides to pay for more: a cost guard, not an HA value. */
const DEFAULT_MAX_FACTOR = 4;
/**
 * The autoscaler adds compute within minutes of a breach: above the target for 15 minutes, it could
 * not (at its maximum), and a region loss now would leave the other region short.
 */
const CPU_ALERT_DURATION_SECONDS = 15 * 60;
/** Compute is added while a tenth of the storage the nodes hold is still free. */
const STORAGE_TARGET_PERCENT = 90;
const PROCESSING_UNITS_PER_NODE = 1000;

/**
 * The regions of a configuration name, or a problem: a name of the table, `regional-<region>`, or
 * any name with its regions given.
 */
function regionsOf(name: string, given: SpannerConfigurationRegions | undefined): SpannerConfigurationRegions | string {
  if (given) {
    return given.readWrite.length > 0 ? given : 'configurationRegions.readWrite must list at least 1 region, got: none';
  }
  if (Object.prototype.hasOwnProperty.call(SPANNER_MULTI_REGION_CONFIGURATIONS, name)) {
    return SPANNER_MULTI_REGION_CONFIGURATIONS[name];
  }
  const region = name.startsWith(REGIONAL_PREFIX) ? name.slice(REGIONAL_PREFIX.length) : undefined;
  if (region !== undefined && REGION_NAME.test(region)) {
    return { readWrite: [region], readOnly: [] };
  }
  return (
    `configuration must be one of ${Object.keys(SPANNER_MULTI_REGION_CONFIGURATIONS).join(', ')} or ` +
    `regional-<region>, or come with configurationRegions, got: ${name}`
  );
}

/** Whether processing units are a size Spanner's autoscaler accepts: whole nodes of 1000. */
function validUnits(units: number): boolean {
  return Number.isInteger(units) && units >= PROCESSING_UNITS_PER_NODE && units % PROCESSING_UNITS_PER_NODE === 0;
}

/**
 * Plans a Spanner instance and database for `tier`.
 *
 * - configuration: a tier with a second region (minRegions ≥ 2) needs two read-write regions, so
 *   that every committed write is in both (RPO 0) and leaders move by themselves when one is lost;
 *   a regional configuration serves BACKUP_RESTORE tiers only;
 * - servingRegions = the configuration's read-write regions (as a set): the fleets follow the data;
 * - every region of the configuration (read-write, read-only, witness) is within `allowedRegions`
 *   and gets a key: multi-region CMEK takes one key per region;
 * - edition: ENTERPRISE_PLUS for two read-write regions (only it offers them), else ENTERPRISE
 *   (the managed autoscaler needs ENTERPRISE or ENTERPRISE_PLUS);
 * - compute: autoscaled from minProcessingUnits (whole nodes) to maxProcessingUnits (default
 *   4 × min), at a high-priority CPU target of 45% per region for two read-write regions and 65%
 *   regional: Google's recommended maxima, which keep a lost region's (or zone's) load servable;
 * - recovery: versions kept 7 days (the longest point-in-time window); full backups every 12 h
 *   (the most frequent schedule) when the tier backs up more often than daily, else daily, kept
 *   the tier's backupRetentionDays (at most 366);
 * - an alert when high-priority CPU stays above that maximum for 15 minutes (the autoscaler is at
 *   its maximum or too slow: a region lost now leaves the other short).
 *
 * Example: TIER_0 (minRegions 2, backups every 1 h, 35 days), `configuration: 'nam3'`,
 * `servingRegions: ['us-east1', 'us-east4']` → ENTERPRISE_PLUS, keys in us-east4, us-east1 and
 * us-central1, 1000–4000 processing units at 45% CPU, backups `0 2/12 * * *` kept 3024000 s;
 * `servingRegions: ['us-central1', 'us-east1']` is refused (us-central1 is nam3's witness).
 * @see https://cloud.google.com/spanner/docs/instance-configurations
 * @see https://cloud.google.com/spanner/docs/editions-overview
 * @see https://cloud.google.com/spanner/docs/managed-autoscaler
 */
export function planSpanner(tier: ServiceTier, intent: SpannerIntent): SpannerPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });

  let regions: SpannerConfigurationRegions | undefined;
  if (intent.configuration !== undefined) {
    const found = regionsOf(intent.configuration, intent.configurationRegions);
    if (typeof found === 'string') {
      problem(intent.configurationRegions ? 'configurationRegions' : 'configuration', found);
    } else {
      regions = found;
    }
  }
  const multiRegion = (regions?.readWrite.length ?? 2) >= 2;
  if (regions && !multiRegion && tier.minRegions >= 2) {
    problem(
      'configuration',
      `configuration must have two read-write regions (a multi-region configuration such as nam3) for ${tier.name}, ` +
        `so that a region loss loses no committed write and leaders move by themselves, got: ${intent.configuration} ` +
        `(one region)`,
    );
  }

  if (regions) {
    const readWrite = [...regions.readWrite].sort();
    const serving = intent.servingRegions.filter((r): r is string => r !== undefined);
    const known = serving.length === intent.servingRegions.length;
    const same =
      known && serving.length === readWrite.length && [...serving].sort().every((r, i) => r === readWrite[i]);
    if (known && !same) {
      problem(
        'servingRegions',
        `servingRegions must be the read-write regions of ${intent.configuration} (${regions.readWrite.join(', ')}): ` +
          'a fleet elsewhere writes across regions and is not where the data fails over to, ' +
          `got: ${serving.join(', ') || 'none'}`,
      );
    }
  }

  const keyRegions = regions
    ? [...new Set([...regions.readWrite, ...regions.readOnly, ...(regions.witness ? [regions.witness] : [])])]
    : [];
  const allowed = intent.allowedRegions;
  const outside = allowed ? keyRegions.filter((r) => !allowed.includes(r)) : [];
  if (outside.length > 0) {
    problem(
      'allowedRegions',
      `allowedRegions must include every region of ${intent.configuration} (${keyRegions.join(', ')}), ` +
        `which holds its replicas, got: ${allowed!.join(', ')} (missing ${outside.join(', ')})`,
    );
  }

  const needed: SpannerEdition = multiRegion ? 'ENTERPRISE_PLUS' : 'ENTERPRISE';
  let edition: SpannerEdition = needed;
  if (intent.edition !== undefined) {
    if (!EDITIONS.includes(intent.edition as SpannerEdition)) {
      problem('edition', `edition must be one of ${EDITIONS.join(', ')}, got: ${intent.edition}`);
    } else if (multiRegion && intent.edition !== 'ENTERPRISE_PLUS') {
      problem(
        'edition',
        `edition must be ENTERPRISE_PLUS for a configuration with two read-write regions, got: ${intent.edition}`,
      );
    } else if (intent.edition === 'STANDARD') {
      problem(
        'edition',
        'edition must be ENTERPRISE or ENTERPRISE_PLUS: the managed autoscaler needs one, got: STANDARD',
      );
    } else {
      edition = intent.edition as SpannerEdition;
    }
  }

  const min = intent.minProcessingUnits ?? DEFAULT_MIN_PROCESSING_UNITS;
  if (!validUnits(min)) {
    problem('minProcessingUnits', `minProcessingUnits must be a multiple of 1000 (whole nodes), got: ${min}`);
  }
  const max = intent.maxProcessingUnits ?? min * DEFAULT_MAX_FACTOR;
  if (!validUnits(max) || max < min) {
    problem(
      'maxProcessingUnits',
      `maxProcessingUnits must be a multiple of 1000 of at least minProcessingUnits (${min}), got: ${max}`,
    );
  }

  const interval = tier.backupIntervalHours < 24 ? SPANNER_BACKUP_MIN_INTERVAL_HOURS : 24;
  const retentionDays = Math.min(tier.backupRetentionDays, SPANNER_BACKUP_RETENTION_MAX_DAYS);
  if (tier.backupRetentionDays > SPANNER_BACKUP_RETENTION_MAX_DAYS) {
    warnings.push({
      id: 'backupRetention',
      message:
        `${tier.name} keeps backups ${tier.backupRetentionDays} days, Spanner at most ` +
        `${SPANNER_BACKUP_RETENTION_MAX_DAYS}: backups are kept ${SPANNER_BACKUP_RETENTION_MAX_DAYS} days; ` +
        'export older copies',
    });
  }

  return {
    regions,
    multiRegion,
    edition,
    keyRegions,
    minProcessingUnits: min,
    maxProcessingUnits: max,
    highPriorityCpuPercent: multiRegion
      ? SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT.MULTI_REGION
      : SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT.REGIONAL,
    storagePercent: STORAGE_TARGET_PERCENT,
    versionRetentionSeconds: SPANNER_VERSION_RETENTION_MAX_SECONDS,
    backup: { cron: interval === 24 ? '0 2 * * *' : '0 2/12 * * *', retentionSeconds: retentionDays * 86400 },
    deletionProtection: true,
    cpuAlert: {
      threshold:
        (multiRegion
          ? SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT.MULTI_REGION
          : SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT.REGIONAL) / 100,
      periodSeconds: SPANNER_METRIC_SAMPLE_SECONDS,
      durationSeconds: CPU_ALERT_DURATION_SECONDS,
    },
    problems,
    warnings,
  };
}
