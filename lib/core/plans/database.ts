import { auroraPostgresMaxConnections, connectionAlarmThreshold, instanceClassMemoryGiB } from '../database';
import { PlanProblem, PlanWarning } from '../errors';
import {
  AURORA_CLUSTER_IDENTIFIER_MAX_LENGTH,
  AURORA_FAILOVER_SECONDS,
  AURORA_GLOBAL_DB_RPO_MAX_SECONDS,
  AURORA_GLOBAL_DB_RPO_MIN_SECONDS,
  AURORA_GLOBAL_DB_RPO_PARAMETER,
  AURORA_GLOBAL_SECONDARY_MAX_READERS,
  AURORA_MAX_BACKUP_RETENTION_DAYS,
  AURORA_MAX_READERS,
  CLOUD_SQL_HA_FAILOVER_SECONDS,
  CLOUD_SQL_METRIC_SAMPLE_SECONDS,
  CLOUD_SQL_MIN_DISK_SIZE_GB,
  CLOUD_SQL_PITR_MAX_DAYS,
  CLOUDWATCH_LOG_RETENTION_DAYS,
  PUBLISHED_SLAS,
  RDS_METRIC_PERIOD_SECONDS,
} from '../figures';
import { regionPlacementProblem, zonePlacementProblem } from '../regions';
import { DrStrategy, ServiceTier } from '../tier';

/**
 * The plans of the relational databases: an Aurora PostgreSQL cluster (the CDK `ReplicatedDatabase`),
 * an Aurora global database (the CDK `GlobalDatabase` and `GlobalDatabaseSecondary`, the Terraform
 * `GlobalDatabase`) and Cloud SQL for PostgreSQL (the Terraform `HaCloudSql` on Google Cloud).
 *
 * What the three share is decided once here: how much of the primary a standby region runs
 * ({@link standbyCompute}), backups and point-in-time recovery kept as long as the tier says and the
 * service allows ({@link backupRetentionPlan}), and the replication-lag alarm at the region RPO
 * ({@link replicationLagWatch}).
 */

// ---------------------------------------------------------------------------------------------
// Shared by every relational database
// ---------------------------------------------------------------------------------------------

/** PostgreSQL's port, stated so that firewall rules name it (a token port hides what is opened). */
export const POSTGRES_PORT = 5432;

/**
 * Breaching samples in a row before a database alarm fires: one sample over the line is noise
 * (a checkpoint, a burst of writes), three minutes of it is a trend that needs a person.
 */
export const DATABASE_ALARM_EVALUATION_PERIODS = 3;

/**
 * How much of the primary's compute a standby region runs, by DR strategy: all of it for
 * active/active (it serves, and must carry the whole load once promoted), a scaled-down copy for a
 * warm standby, none for pilot light and backup-and-restore (storage replicates; compute is added
 * by the failover runbook).
 */
export function standbyCompute(strategy: DrStrategy): 'full' | 'scaled-down' | 'data-only' {
  switch (strategy) {
    case DrStrategy.ACTIVE_ACTIVE:
      return 'full';
    case DrStrategy.WARM_STANDBY:
      return 'scaled-down';
    default:
      return 'data-only';
  }
}

/** What {@link backupRetentionPlan} decides. */
export interface DatabaseBackupRetention {
  /** Days of automated backups (point-in-time recovery) to keep. */
  readonly days: number;
  /** The shortest retention the tier accepts where the service can keep it: min(tier, service maximum). */
  readonly minimumDays: number;
}

/**
 * Backups kept as long as the tier says, within what the service keeps: the default and the minimum
 * are min(tier.backupRetentionDays, maxDays); a longer tier warns (copies kept longer belong in a
 * backup vault), a value outside [minimum, maxDays] or not whole days is a problem.
 *
 * TIER_3 (7 days) on Aurora (35): default 7, 7 to 35 accepted. A custom tier of 90 days: 35, and a warning.
 */
export function backupRetentionPlan(
  tier: ServiceTier,
  input: {
    /** Days asked for; undefined: the tier's (or unknown at synthesis). */
    readonly days?: number;
    /** The prop as the user wrote it, for messages. */
    readonly prop: string;
    /** The longest retention the service keeps. */
    readonly maxDays: number;
    /** The service, for messages (`Aurora`). */
    readonly service: string;
  },
  problems: PlanProblem[],
  warnings: PlanWarning[],
): DatabaseBackupRetention {
  const minimumDays = Math.min(tier.backupRetentionDays, input.maxDays);
  if (tier.backupRetentionDays > input.maxDays && input.days === undefined) {
    warnings.push({
      id: input.prop,
      message:
        `${tier.name} keeps backups ${tier.backupRetentionDays} days, more than the ${input.maxDays} ${input.service} keeps: ` +
        `${input.maxDays} days are kept; keep longer copies in a backup vault (BackupPolicy)`,
    });
  }
  const days = input.days ?? minimumDays;
  if (input.days !== undefined && (!Number.isInteger(days) || days < minimumDays || days > input.maxDays)) {
    problems.push({
      prop: input.prop,
      message:
        `${input.prop} must be whole days from ${minimumDays} (the minimum of ${tier.name}) to ${input.maxDays} ` +
        `(the most ${input.service} keeps), got: ${input.days} days`,
    });
  }
  return { days, minimumDays };
}

/** When to alarm on a cross-region copy's lag: what every database's lag alarm shares. */
export interface ReplicationLagWatch {
  /** Lag above which a region loss loses more writes than the tier allows: the region RPO. */
  readonly thresholdSeconds: number;
  /** Length of one sample: how often the service publishes the lag. */
  readonly periodSeconds: number;
  /** Samples above the threshold in a row before the alarm fires. */
  readonly evaluationPeriods: number;
}

/**
 * The replication-lag alarm of a database's cross-region copy: it fires when the lag has been above
 * the tier's region RPO for {@link DATABASE_ALARM_EVALUATION_PERIODS} samples in a row, each as long
 * as the service's publishing period. TIER_1 on Aurora: above 60 s for three one-minute samples.
 */
export function replicationLagWatch(tier: ServiceTier, periodSeconds: number): ReplicationLagWatch {
  return {
    thresholdSeconds: tier.regionRpoSeconds,
    periodSeconds,
    evaluationPeriods: DATABASE_ALARM_EVALUATION_PERIODS,
  };
}

/** An integer from `min` to `max` (inclusive), or the house-style problem naming the prop. */
function integerProblem(prop: string, value: number, min: number, max?: number): string | undefined {
  if (Number.isInteger(value) && value >= min && (max === undefined || value <= max)) {
    return undefined;
  }
  return `${prop} must be an integer ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}, got: ${value}`;
}

// ---------------------------------------------------------------------------------------------
// Aurora PostgreSQL: one region's cluster
// ---------------------------------------------------------------------------------------------

/**
 * Instance class a cluster runs unless told otherwise: memory-optimized, the smallest class Aurora
 * Global Database supports, so that any cluster can later become a global database's primary.
 */
export const AURORA_DEFAULT_INSTANCE_CLASS = 'r6g.large';

/**
 * Average time RDS Proxy may take to hand out a pooled connection before it alarms: a pool that
 * makes clients wait a tenth of a second per query is exhausted, not merely busy.
 */
export const PROXY_BORROW_LATENCY_DEFAULT_MILLIS = 100;

/**
 * Enhanced Monitoring granularity: operating-system metrics (memory, swap, per-process CPU) of each
 * instance every minute, which Performance Insights does not give.
 */
export const ENHANCED_MONITORING_SECONDS = 60;

/** The log Aurora PostgreSQL exports to CloudWatch Logs. */
export const POSTGRES_LOG_EXPORT = 'postgresql';

/**
 * Longest global cluster identifier that leaves room for `-<region>` in a member's 63-character
 * identifier (the longest region names, such as `ap-southeast-2`, have 14 characters).
 */
export const AURORA_GLOBAL_ID_MAX_LENGTH = AURORA_CLUSTER_IDENTIFIER_MAX_LENGTH - '-ap-southeast-2'.length;

/**
 * Failover priority of the instance at `index` of a cluster (0 first): the writer (or, in a secondary
 * cluster, the first reader) 0, every other reader 1. Readers share one tier so that Aurora promotes
 * the largest of them; the writer's 0 makes it first again once it is back as a reader.
 */
export function auroraPromotionTier(index: number): number {
  return index === 0 ? 0 : 1;
}

/** Names of the props an engine's construct takes, as its users write them (the CDK names by default). */
export interface AuroraPropNames {
  /** @default 'readers' */
  readonly readers?: string;
  /** @default 'backupRetention' */
  readonly backupRetention?: string;
  /** @default 'instanceType' */
  readonly instanceClass?: string;
  /** @default 'vpcSubnets' */
  readonly subnets?: string;
}

/** An Aurora cluster's props in core's terms; undefined where a value is unknown at synthesis. */
export interface AuroraClusterIntent {
  /** @default - one per further zone: tier.minAzs − 1 */
  readonly readers?: number;
  /** Distinct zones of the cluster's subnets, in order; undefined when unknown at synthesis. */
  readonly zones?: readonly string[];
  /** Number of the cluster's subnets, when the engine knows subnets and not their zones (one per zone). */
  readonly subnetCount?: number;
  /** @default - the tier's backup retention, at most AURORA_MAX_BACKUP_RETENTION_DAYS */
  readonly backupRetentionDays?: number;
  /** @default - tier.logRetentionDays */
  readonly logRetentionDays?: number;
  /** Instance class without the `db.` prefix. @default AURORA_DEFAULT_INSTANCE_CLASS */
  readonly instanceClass?: string;
  /** @default - Aurora PostgreSQL's default for the instance class */
  readonly maxConnections?: number;
  /** Whether the engine alarms on connections (then `max_connections` must be known). @default false */
  readonly alarmsOnConnections?: boolean;
  /** @default - tier.staticallyStable */
  readonly proxy?: boolean;
  /** @default PROXY_BORROW_LATENCY_DEFAULT_MILLIS */
  readonly proxyBorrowLatencyMillis?: number;
  /** The cluster's identifier as given; undefined when generated or unknown at synthesis. */
  readonly clusterIdentifier?: string;
  /** @default 'snapshot' */
  readonly removalPolicy?: string;
  /**
   * The secondary regions of the global database this cluster is the primary of; undefined: a
   * cluster of its own, which a multi-region tier refuses.
   */
  readonly globalSecondaryRegions?: number;
  /** How the construct names its props. */
  readonly props?: AuroraPropNames;
}

/** One instance of a cluster, in order (the writer first in a primary cluster). */
export interface AuroraInstancePlan {
  readonly role: 'writer' | 'reader';
  /** Zone of the instance; undefined when the zones are unknown (Aurora places it in the subnet group). */
  readonly zone?: string;
  /** Failover priority, see {@link auroraPromotionTier}. */
  readonly promotionTier: number;
}

/** A one-minute CloudWatch alarm of a database, as both AWS engines render it. */
export interface DatabaseAlarmPlan {
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly comparison: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold';
  readonly statistic: 'Maximum' | 'Average';
  readonly treatMissingData: 'missing' | 'notBreaching';
}

/** What every Aurora cluster of this library is (the same on both AWS engines). */
export interface AuroraClusterBasics {
  readonly engine: 'aurora-postgresql';
  readonly port: number;
  readonly storageEncrypted: true;
  readonly deletionProtection: true;
  readonly iamAuthentication: true;
  /** `rds.force_ssl = 1` in the cluster parameter group. */
  readonly requireTls: true;
  readonly copyTagsToSnapshot: true;
  readonly logExports: readonly string[];
  readonly backupRetentionDays: number;
  readonly logRetentionDays: number;
  /** `snapshot`, `retain`, `destroy`, … (the CDK's RemovalPolicy values). */
  readonly removalPolicy: string;
  readonly instanceClass: string;
}

/** The plan of one region's Aurora cluster. */
export interface AuroraClusterPlan extends AuroraClusterBasics {
  readonly readers: number;
  /** The writer, then the readers. */
  readonly instances: readonly AuroraInstancePlan[];
  /** RDS Proxy in front of the cluster. */
  readonly proxy: boolean;
  /** The instances' `max_connections`; undefined when unknown and no connection alarm needs it. */
  readonly maxConnections?: number;
  /** Alarm on `DatabaseConnections` per role, at CONNECTION_ALARM_RATIO of `max_connections`. */
  readonly connectionAlarm?: DatabaseAlarmPlan;
  /** Alarm on the proxy's `DatabaseConnectionsBorrowLatency` (microseconds). */
  readonly proxyBorrowLatencyAlarm?: DatabaseAlarmPlan;
  /** The borrow-latency threshold in milliseconds, for the description. */
  readonly proxyBorrowLatencyMillis: number;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** The name rules of an Aurora cluster identifier, as a problem naming `prop`. */
function identifierProblem(prop: string, id: string, maxLength: number): string | undefined {
  if (/^[a-z](?!.*--)[a-z0-9-]*$/.test(id) && !id.endsWith('-') && id.length <= maxLength) {
    return undefined;
  }
  return (
    `${prop} must be 1 to ${maxLength} lowercase letters, digits or hyphens, start with a letter, and neither end ` +
    `with a hyphen nor hold two in a row, got: ${id}`
  );
}

/** What Aurora clusters share: backups, logs, removal policy, identifier, class. */
function clusterBasics(
  tier: ServiceTier,
  intent: {
    readonly backupRetentionDays?: number;
    readonly logRetentionDays?: number;
    readonly removalPolicy?: string;
    readonly clusterIdentifier?: string;
    readonly instanceClass?: string;
    readonly props?: AuroraPropNames;
  },
  problems: PlanProblem[],
  warnings: PlanWarning[],
): AuroraClusterBasics {
  const backups = backupRetentionPlan(
    tier,
    {
      days: intent.backupRetentionDays,
      prop: intent.props?.backupRetention ?? 'backupRetention',
      maxDays: AURORA_MAX_BACKUP_RETENTION_DAYS,
      service: 'Aurora',
    },
    problems,
    warnings,
  );
  const logRetentionDays = intent.logRetentionDays ?? tier.logRetentionDays;
  if (!CLOUDWATCH_LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    problems.push({
      prop: 'logRetentionDays',
      message: `logRetentionDays must be one of ${CLOUDWATCH_LOG_RETENTION_DAYS.join(', ')}, got: ${logRetentionDays}`,
    });
  }
  const removalPolicy = intent.removalPolicy ?? 'snapshot';
  if (removalPolicy !== 'snapshot' && removalPolicy !== 'retain') {
    warnings.push({
      id: 'removalPolicy',
      message: `removalPolicy is ${removalPolicy}: deleting the stack or replacing the cluster deletes the database without a final snapshot`,
    });
  }
  if (intent.clusterIdentifier !== undefined) {
    const problem = identifierProblem(
      'clusterIdentifier',
      intent.clusterIdentifier,
      AURORA_CLUSTER_IDENTIFIER_MAX_LENGTH,
    );
    if (problem) {
      problems.push({ prop: 'clusterIdentifier', message: problem });
    }
  }
  return {
    engine: 'aurora-postgresql',
    port: POSTGRES_PORT,
    storageEncrypted: true,
    deletionProtection: true,
    iamAuthentication: true,
    requireTls: true,
    copyTagsToSnapshot: true,
    logExports: [POSTGRES_LOG_EXPORT],
    backupRetentionDays: backups.days,
    logRetentionDays,
    removalPolicy,
    instanceClass: (intent.instanceClass ?? AURORA_DEFAULT_INSTANCE_CLASS).replace(/^db\./, ''),
  };
}

/** Too few zones (or subnets) for the tier. */
function placementProblem(
  tier: ServiceTier,
  intent: { zones?: readonly string[]; subnetCount?: number; props?: AuroraPropNames },
): PlanProblem | undefined {
  const prop = intent.props?.subnets ?? 'vpcSubnets';
  if (intent.zones !== undefined) {
    const problem = zonePlacementProblem({
      prop,
      zones: [...intent.zones],
      minZones: tier.minAzs,
      tierName: tier.name,
    });
    return problem ? { prop, message: problem } : undefined;
  }
  if (intent.subnetCount !== undefined && intent.subnetCount < tier.minAzs) {
    return {
      prop,
      message: `${prop} must list at least ${tier.minAzs} subnets (one per AZ) for ${tier.name}, got: ${intent.subnetCount}`,
    };
  }
  return undefined;
}

/** A one-minute alarm on an RDS metric. */
function rdsAlarm(
  threshold: number,
  statistic: DatabaseAlarmPlan['statistic'],
  comparison: DatabaseAlarmPlan['comparison'],
  treatMissingData: DatabaseAlarmPlan['treatMissingData'],
): DatabaseAlarmPlan {
  return {
    threshold,
    periodSeconds: RDS_METRIC_PERIOD_SECONDS,
    evaluationPeriods: DATABASE_ALARM_EVALUATION_PERIODS,
    datapointsToAlarm: DATABASE_ALARM_EVALUATION_PERIODS,
    comparison,
    statistic,
    treatMissingData,
  };
}

/**
 * The plan of one region's Aurora PostgreSQL cluster that survives the loss of a zone.
 *
 * readers = intent.readers ?? tier.minAzs − 1 (a reader in every further zone, so that a zone loss
 * fails over to a reader in about AURORA_FAILOVER_SECONDS instead of waiting for a new instance),
 * from 0 to 15 (to 15 − secondary regions for a global database's primary: its readers and its
 * secondary clusters share Aurora's limit of 15). Instance i runs in zones[i mod zones], with
 * promotion tier 0 for the writer and 1 for readers. Backups: min(tier, 35) to 35 days. A proxy
 * fronts statically stable tiers. Connections alarm at 80% of `max_connections`.
 *
 * TIER_3 over zones a, b: a writer in a and a reader in b (tiers 0, 1), 7 days of backups, no proxy;
 * on r6g.large (16 GiB) max_connections 1679, connection alarms at 1343.
 */
export function planAuroraCluster(tier: ServiceTier, intent: AuroraClusterIntent): AuroraClusterPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const basics = clusterBasics(tier, intent, problems, warnings);
  const placement = placementProblem(tier, intent);
  if (placement) {
    problems.push(placement);
  }
  const readersProp = intent.props?.readers ?? 'readers';
  const secondaryRegions = intent.globalSecondaryRegions;
  // A global database's primary readers and its secondary clusters share Aurora's limit of 15.
  const maxReaders = AURORA_MAX_READERS - (secondaryRegions ?? 0);
  const readers = intent.readers ?? Math.min(tier.minAzs - 1, maxReaders);
  const readersValid = integerProblem(readersProp, readers, 0, maxReaders) === undefined;
  if (!readersValid) {
    const shared =
      secondaryRegions === undefined
        ? ''
        : ` (${AURORA_MAX_READERS} less one per secondary region: a global database's primary readers and its secondary clusters share Aurora's limit)`;
    problems.push({
      prop: readersProp,
      message: `${readersProp} must be an integer from 0 to ${maxReaders}${shared}, got: ${readers}`,
    });
  } else if (readers < tier.minAzs - 1) {
    warnings.push({
      id: 'readers',
      message:
        `readers is ${readers}, fewer than one per further zone (${tier.minAzs - 1}) for ${tier.name}: when the writer's zone fails, ` +
        `the cluster waits for a new instance instead of failing over to a reader in about ${AURORA_FAILOVER_SECONDS} s`,
    });
  }
  if (tier.isMultiRegion && secondaryRegions === undefined) {
    problems.push({
      prop: 'tier',
      message:
        `tier ${tier.name} keeps the data in ${tier.minRegions} regions (${tier.strategy}), but a ReplicatedDatabase is one region's ` +
        'cluster: use GlobalDatabase, which builds this cluster as its primary and adds secondaries in other regions ' +
        '(GlobalDatabaseSecondary), or a single-region tier such as TIER_3',
    });
  }

  let maxConnections = intent.maxConnections;
  if (maxConnections === undefined) {
    const memory = instanceClassMemoryGiB(basics.instanceClass);
    if (memory !== undefined) {
      maxConnections = auroraPostgresMaxConnections(memory);
    } else if (intent.alarmsOnConnections) {
      problems.push({
        prop: 'maxConnections',
        message: `maxConnections must be given for instance class ${basics.instanceClass}, whose default max_connections this library does not know`,
      });
    }
  } else if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    problems.push({
      prop: 'maxConnections',
      message: `maxConnections must be a positive integer, got: ${maxConnections}`,
    });
    maxConnections = undefined;
  }

  const proxy = intent.proxy ?? tier.staticallyStable;
  const borrowMillis = intent.proxyBorrowLatencyMillis ?? PROXY_BORROW_LATENCY_DEFAULT_MILLIS;
  if (!(borrowMillis > 0)) {
    problems.push({
      prop: 'proxyBorrowLatencyThreshold',
      message: `proxyBorrowLatencyThreshold must be longer than 0 ms, got: ${borrowMillis} millis`,
    });
  }
  const count = readersValid ? readers : 0;
  const zones = intent.zones ?? [];
  const instances = Array.from({ length: count + 1 }, (_, i): AuroraInstancePlan => ({
    role: i === 0 ? 'writer' : 'reader',
    zone: zones.length > 0 ? zones[i % zones.length] : undefined,
    promotionTier: auroraPromotionTier(i),
  }));
  return {
    ...basics,
    readers,
    instances,
    proxy,
    maxConnections,
    // A connection refused is an outage for that client: alarm once at the threshold, before the limit.
    connectionAlarm:
      maxConnections === undefined
        ? undefined
        : rdsAlarm(
            connectionAlarmThreshold(maxConnections),
            'Maximum',
            'GreaterThanOrEqualToThreshold',
            'notBreaching',
          ),
    proxyBorrowLatencyAlarm:
      proxy && borrowMillis > 0
        ? rdsAlarm(borrowMillis * MICROS_PER_MILLI, 'Average', 'GreaterThanOrEqualToThreshold', 'notBreaching')
        : undefined,
    proxyBorrowLatencyMillis: borrowMillis,
    problems,
    warnings,
  };
}

/** `DatabaseConnectionsBorrowLatency` is published in microseconds. */
const MICROS_PER_MILLI = 1000;

// ---------------------------------------------------------------------------------------------
// Aurora Global Database
// ---------------------------------------------------------------------------------------------

/** Whether an instance class is burstable (`t4g.medium`, `db.t3.large`), which a global database refuses. */
function isBurstable(instanceClass: string): boolean {
  return /^t\d/.test(instanceClass.replace(/^db\./, ''));
}

function burstableProblem(prop: string, instanceClass: string): PlanProblem | undefined {
  return isBurstable(instanceClass)
    ? {
        prop,
        message: `${prop} must be a memory-optimized class for an Aurora global database (burstable classes are not supported), got: ${instanceClass}`,
      }
    : undefined;
}

/** The `AuroraGlobalDBReplicationLag` alarm of a secondary cluster (milliseconds). */
export interface AuroraReplicationLagAlarmPlan extends DatabaseAlarmPlan {
  readonly namespace: 'AWS/RDS';
  readonly metricName: 'AuroraGlobalDBReplicationLag';
  /**
   * The dimensions to alarm on: the secondary cluster's identifier and the primary's region. Aurora
   * publishes the metric in the secondary's region under `DBClusterIdentifier, SourceRegion`; an
   * alarm on `DBClusterIdentifier` alone watches a series that does not exist and never fires.
   * @see https://github.com/aws-samples/amazon-aurora-labs-for-mysql/blob/master/docs/global/monitor/index.md
   * @see https://docs.aws.amazon.com/neptune/latest/userguide/cw-dimensions.html (the same RDS metrics pipeline)
   */
  readonly dimensions: readonly ['DBClusterIdentifier', 'SourceRegion'];
  /** The region RPO the threshold is, in seconds, for the description. */
  readonly rpoSeconds: number;
}

/** A secondary cluster of an Aurora global database, in core's terms. */
export interface AuroraSecondaryIntent {
  /** @default - by strategy (see {@link standbyCompute}): the primary's instances, 1, or 0 (headless) */
  readonly readers?: number;
  /** Readers of the primary, for an active/active secondary's default. @default - tier.minAzs − 1 */
  readonly primaryReaders?: number;
  readonly zones?: readonly string[];
  readonly subnetCount?: number;
  readonly backupRetentionDays?: number;
  readonly logRetentionDays?: number;
  readonly instanceClass?: string;
  readonly clusterIdentifier?: string;
  readonly removalPolicy?: string;
  /** The secondary's own region and the primary's, when known at synthesis (a secondary construct checks them). */
  readonly region?: string;
  readonly primaryRegion?: string;
  readonly allowedRegions?: readonly string[];
  /** The global cluster's identifier as given, when the construct takes one. */
  readonly globalClusterIdentifier?: string;
  readonly props?: AuroraPropNames;
}

/** The plan of a secondary cluster. */
export interface AuroraSecondaryPlan extends AuroraClusterBasics {
  readonly readers: number;
  /** Every instance is a reader; the first is the one Aurora prefers as the writer once promoted. */
  readonly instances: readonly AuroraInstancePlan[];
  readonly replicationLagAlarm: AuroraReplicationLagAlarmPlan;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** The global cluster identifier rule: a member is `<global id>-<region>`, at most 63 characters. */
function globalIdProblems(id: string | undefined): PlanProblem[] {
  const problem =
    id === undefined ? undefined : identifierProblem('globalClusterIdentifier', id, AURORA_GLOBAL_ID_MAX_LENGTH);
  return problem ? [{ prop: 'globalClusterIdentifier', message: problem }] : [];
}

/**
 * The `AuroraGlobalDBReplicationLag` alarm: above the region RPO (in milliseconds) for three one-minute
 * samples. Missing data is `missing`, not breaching: after a switchover or failover this cluster is
 * the primary and publishes no lag, and a headless secondary may publish none (the alarm then shows
 * INSUFFICIENT_DATA rather than paging forever).
 */
export function auroraReplicationLagAlarm(tier: ServiceTier): AuroraReplicationLagAlarmPlan {
  const watch = replicationLagWatch(tier, RDS_METRIC_PERIOD_SECONDS);
  return {
    ...rdsAlarm(watch.thresholdSeconds * MILLIS_PER_SECOND, 'Maximum', 'GreaterThanThreshold', 'missing'),
    evaluationPeriods: watch.evaluationPeriods,
    datapointsToAlarm: watch.evaluationPeriods,
    namespace: 'AWS/RDS',
    metricName: 'AuroraGlobalDBReplicationLag',
    dimensions: ['DBClusterIdentifier', 'SourceRegion'],
    rpoSeconds: watch.thresholdSeconds,
  };
}

const MILLIS_PER_SECOND = 1000;

/**
 * The plan of a secondary cluster of an Aurora global database.
 *
 * readers = intent.readers ?? by {@link standbyCompute}: full → the primary's instances
 * (primaryReaders + 1, so the promoted cluster keeps the primary's capacity), scaled-down → 1,
 * data-only → 0 (headless: storage only), from 0 to 16. Reader i runs in zones[i mod zones],
 * promotion tier 0 for the first and 1 for the others. Backups as a primary's (they apply once it
 * is promoted). The lag alarm: {@link auroraReplicationLagAlarm}.
 *
 * TIER_1 (warm standby, RPO 60 s): one reader, backups 35 days, lag alarm above 60000 ms.
 */
export function planAuroraSecondary(tier: ServiceTier, intent: AuroraSecondaryIntent): AuroraSecondaryPlan {
  const problems: PlanProblem[] = [...globalIdProblems(intent.globalClusterIdentifier)];
  const warnings: PlanWarning[] = [];
  if (intent.primaryRegion !== undefined && intent.region !== undefined) {
    if (intent.primaryRegion === intent.region) {
      problems.push({
        prop: 'primaryRegion',
        message: `primaryRegion must differ from the secondary's region ${intent.region} (a secondary survives the loss of the primary's region), got: ${intent.primaryRegion}`,
      });
    } else {
      const placement = regionPlacementProblem({
        prop: 'the secondary region',
        primaryRegion: intent.primaryRegion,
        replicaRegions: [intent.region],
        allowedRegions: intent.allowedRegions,
      });
      if (placement) {
        problems.push({ prop: 'allowedRegions', message: placement });
      }
    }
  }
  const burstable = burstableProblem(
    intent.props?.instanceClass ?? 'instanceType',
    intent.instanceClass ?? AURORA_DEFAULT_INSTANCE_CLASS,
  );
  if (burstable) {
    problems.push(burstable);
  }
  const readersProp = intent.props?.readers ?? 'readers';
  const compute = standbyCompute(tier.strategy);
  const readers =
    intent.readers ??
    (compute === 'full' ? (intent.primaryReaders ?? tier.minAzs - 1) + 1 : compute === 'scaled-down' ? 1 : 0);
  const readersProblem = integerProblem(readersProp, readers, 0, AURORA_GLOBAL_SECONDARY_MAX_READERS);
  if (readersProblem) {
    problems.push({ prop: readersProp, message: readersProblem });
  }
  const basics = clusterBasics(tier, intent, problems, warnings);
  const placement = placementProblem(tier, intent);
  if (placement) {
    problems.push(placement);
  }
  const zones = intent.zones ?? [];
  const instances = Array.from({ length: readersProblem ? 0 : readers }, (_, i): AuroraInstancePlan => ({
    role: 'reader',
    zone: zones.length > 0 ? zones[i % zones.length] : undefined,
    promotionTier: auroraPromotionTier(i),
  }));
  return { ...basics, readers, instances, replicationLagAlarm: auroraReplicationLagAlarm(tier), problems, warnings };
}

/** An Aurora global database (its primary cluster and the global cluster), in core's terms. */
export interface GlobalDatabaseIntent {
  /** The primary cluster (`globalSecondaryRegions` is set from `secondaryRegions`). */
  readonly primary: Omit<AuroraClusterIntent, 'globalSecondaryRegions'>;
  /** The secondary cluster an engine builds with the primary (the Terraform construct); see {@link planAuroraSecondary}. */
  readonly secondary?: Omit<
    AuroraSecondaryIntent,
    'primaryReaders' | 'globalClusterIdentifier' | 'primaryRegion' | 'region'
  >;
  /** The global cluster's identifier as given; undefined when generated or unknown at synthesis. */
  readonly globalClusterIdentifier?: string;
  readonly primaryRegion?: string;
  /** Regions of the secondaries; an undefined entry is a region unknown at synthesis. */
  readonly secondaryRegions: readonly (string | undefined)[];
  /** The prop the secondary regions come from. @default 'secondaryRegions' */
  readonly secondaryRegionsProp?: string;
  readonly allowedRegions?: readonly string[];
  /**
   * The data set's own region RPO objective in seconds, looser than the tier's (at least it): what
   * `rds.global_db_rpo` is set to instead of the tier's region RPO.
   * @default - the tier's region RPO
   */
  readonly rpoObjectiveSeconds?: number;
  /** The prop the objective comes from, for messages. @default 'rpoObjective' */
  readonly rpoObjectiveProp?: string;
}

/**
 * The managed RPO of a global database: the primary's `rds.global_db_rpo`, which blocks commits on
 * the primary while every secondary lags more, so an unplanned failover loses at most that much.
 */
export interface GlobalDatabaseManagedRpo {
  /** The cluster parameter (`rds.global_db_rpo`). */
  readonly parameter: string;
  /** Its value: the data set's objective, else the tier's region RPO, in seconds (at least 20). */
  readonly seconds: number;
}

/** The plan of a global database. */
export interface GlobalDatabasePlan {
  readonly primary: AuroraClusterPlan;
  /** The secondary cluster, as a secondary in the first secondary region runs by default. */
  readonly secondary: AuroraSecondaryPlan;
  /** The global cluster is deletion-protected and kept when it leaves the stack (it has no snapshot of its own). */
  readonly globalClusterDeletionProtection: true;
  /**
   * `rds.global_db_rpo` in the primary's cluster parameter group only: in a two-region database the
   * promoted secondary has no secondary of its own, and the parameter there would block its commits.
   */
  readonly managedRpo: GlobalDatabaseManagedRpo;
  /** Every problem: the global database's own, then the primary's and the secondary's. */
  readonly problems: PlanProblem[];
  /** The global database's own warnings (the clusters' are in their plans). */
  readonly warnings: PlanWarning[];
}

/**
 * The region RPO an Aurora PostgreSQL global database is held to ({@link GlobalDatabaseManagedRpo}):
 * rpoObjectiveSeconds ?? tier.regionRpoSeconds, in whole seconds of at least the tier's region RPO and
 * at least AURORA_GLOBAL_DB_RPO_MIN_SECONDS (20). Replication is asynchronous with typical lag under
 * 1 s, which bounds nothing: the parameter is the only bound, so an objective below 20 s is a problem.
 *
 * TIER_1: 60 s; TIER_2: 900 s; TIER_0 (1 s): a problem unless rpoObjectiveSeconds ≥ 20.
 */
export function globalDatabaseManagedRpo(
  tier: ServiceTier,
  intent: {
    readonly rpoObjectiveSeconds?: number;
    readonly rpoObjectiveProp?: string;
  },
  problems: PlanProblem[],
): GlobalDatabaseManagedRpo {
  const prop = intent.rpoObjectiveProp ?? 'rpoObjective';
  const own = intent.rpoObjectiveSeconds;
  const max = AURORA_GLOBAL_DB_RPO_MAX_SECONDS;
  if (own !== undefined && (!Number.isInteger(own) || own < tier.regionRpoSeconds || own > max)) {
    problems.push({
      prop,
      message:
        `${prop} must be whole seconds from ${tier.name}'s region RPO (${tier.regionRpoSeconds} s) to ${max}: ` +
        `it states a looser objective for this data set, got: ${own} s`,
    });
  }
  const objective = own ?? tier.regionRpoSeconds;
  const min = AURORA_GLOBAL_DB_RPO_MIN_SECONDS;
  const parameter = AURORA_GLOBAL_DB_RPO_PARAMETER;
  if (objective < min) {
    const stated =
      own === undefined ? `none, so ${tier.name}'s region RPO of ${objective} s applies` : `${objective} s`;
    problems.push({
      prop,
      message:
        `${prop} must be at least ${min} s for an Aurora global database: ${parameter}, the only bound on the ` +
        'data an unplanned failover loses (typical lag under 1 s is not a bound), takes no less. Keep data that ' +
        "needs a tighter RPO in a GlobalTable with consistency STRONG, or state this data set's own " +
        `${prop} if the service can lose ${min} s of its writes, got: ${stated}`,
    });
  }
  // Clamped into what Aurora accepts: a plan with a problem is refused, but still states a valid value.
  return { parameter, seconds: Math.min(Math.max(Math.ceil(objective), min), max) };
}

/**
 * The plan of an Aurora global database: the primary ({@link planAuroraCluster}, readers up to
 * 15 − secondary regions), a secondary in each of at least tier.minRegions − 1 other regions
 * ({@link planAuroraSecondary}), no burstable class, and the managed RPO in the primary's cluster
 * parameter group ({@link globalDatabaseManagedRpo}).
 *
 * Both engines build Aurora PostgreSQL only; Aurora MySQL has no `rds.global_db_rpo`, so the HA
 * report leaves a MySQL global database's region RPO unproven.
 *
 * TIER_1 from us-east-1 to us-west-2: a writer and two readers, a one-reader secondary,
 * rds.global_db_rpo 60.
 */
export function planGlobalDatabase(tier: ServiceTier, intent: GlobalDatabaseIntent): GlobalDatabasePlan {
  const problems: PlanProblem[] = [...globalIdProblems(intent.globalClusterIdentifier)];
  const warnings: PlanWarning[] = [];
  const regionsProp = intent.secondaryRegionsProp ?? 'secondaryRegions';
  const known = intent.secondaryRegions.filter((r): r is string => r !== undefined);
  const placement = regionPlacementProblem({
    prop: regionsProp,
    primaryRegion: intent.primaryRegion,
    replicaRegions: known,
    allowedRegions: intent.allowedRegions,
  });
  if (placement) {
    problems.push({ prop: regionsProp, message: placement });
  }
  if (intent.secondaryRegions.length < tier.minRegions - 1) {
    problems.push({
      prop: regionsProp,
      message:
        `${regionsProp} must list at least ${tier.minRegions - 1} regions for ${tier.name} (minRegions ${tier.minRegions} ` +
        `counts the primary), got: ${intent.secondaryRegions.length}`,
    });
  }
  const burstable = burstableProblem(
    intent.primary.props?.instanceClass ?? 'instanceType',
    intent.primary.instanceClass ?? AURORA_DEFAULT_INSTANCE_CLASS,
  );
  if (burstable) {
    problems.push(burstable);
  }
  const managedRpo = globalDatabaseManagedRpo(tier, intent, problems);
  const primary = planAuroraCluster(tier, {
    ...intent.primary,
    globalSecondaryRegions: intent.secondaryRegions.length,
  });
  const secondary = planAuroraSecondary(tier, {
    ...intent.secondary,
    instanceClass: intent.secondary?.instanceClass ?? intent.primary.instanceClass,
    props: intent.secondary?.props ?? intent.primary.props,
    primaryReaders: primary.readers,
  });
  // The secondary shares the primary's props (class, backups): a fault in one is reported once.
  const all = [...problems, ...primary.problems, ...(intent.secondary === undefined ? [] : secondary.problems)];
  return {
    primary,
    secondary,
    globalClusterDeletionProtection: true,
    managedRpo,
    problems: all.filter((p, i) => all.findIndex((q) => q.message === p.message) === i),
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Cloud SQL for PostgreSQL
// ---------------------------------------------------------------------------------------------

/** Cloud SQL editions, as the API spells them. */
export type CloudSqlEditionName = 'ENTERPRISE_PLUS' | 'ENTERPRISE';

/** The maintenance window Cloud SQL takes unless told: Sunday (7), 03:00 UTC, the quietest hours for most services. */
export const CLOUD_SQL_DEFAULT_MAINTENANCE = { day: 7, hour: 3 } as const;

/** Start (UTC) of the daily backup, two hours before the maintenance window so that they do not overlap. */
export const CLOUD_SQL_DEFAULT_BACKUP_START = '01:00';

/** Initial disk in GB (the disk grows automatically): room for a small service's first months. */
export const CLOUD_SQL_DEFAULT_DISK_SIZE_GB = 100;

/** The shortest reason `replicaLagAccepted` takes: a sentence, not a placeholder. */
export const REPLICA_LAG_ACCEPTED_MIN_LENGTH = 20;

/** Machine tier per edition unless told: the smallest of each edition with 2 vCPUs. */
const CLOUD_SQL_DEFAULT_MACHINE_TIER: Readonly<Record<CloudSqlEditionName, string>> = {
  ENTERPRISE_PLUS: 'db-perf-optimized-N-2',
  ENTERPRISE: 'db-custom-2-7680',
};

/** A Cloud SQL instance with an optional cross-region replica, in core's terms. */
export interface CloudSqlIntent {
  /** The primary's region; undefined when unknown at synthesis. */
  readonly region?: string;
  /** Whether a cross-region replica is asked for. */
  readonly hasReplica: boolean;
  /** The replica's region; undefined when none or unknown at synthesis. */
  readonly replicaRegion?: string;
  readonly replicaLagAccepted?: string;
  readonly allowedRegions?: readonly string[];
  /** Whether the network has private services access (the instances have private IPs only). */
  readonly privateServiceAccess: boolean;
  /** @default - ENTERPRISE_PLUS for availability targets of 99.95% or more, else ENTERPRISE */
  readonly edition?: CloudSqlEditionName;
  readonly machineTier?: string;
  /** @default CLOUD_SQL_DEFAULT_MAINTENANCE.day */
  readonly maintenanceDay?: number;
  /** @default CLOUD_SQL_DEFAULT_MAINTENANCE.hour */
  readonly maintenanceHour?: number;
  /** @default CLOUD_SQL_DEFAULT_DISK_SIZE_GB */
  readonly diskSizeGb?: number;
  /** @default CLOUD_SQL_DEFAULT_BACKUP_START */
  readonly backupStartTime?: string;
  /**
   * The region whose instance is the writer now: `region` (as deployed) or `replicaRegion` (after a
   * failover or switchover to the DR replica); undefined when not stated or unknown at synthesis.
   */
  readonly activeRegion?: string;
  /**
   * Whether the primary designates the replica as its DR replica. A primary can name only a replica
   * that exists, so a new database is applied first without it. @default false
   */
  readonly designateDrReplica?: boolean;
}

/** The alert on a Cloud SQL replica's `replica_lag` (seconds). */
export interface CloudSqlReplicaLagAlertPlan {
  readonly thresholdSeconds: number;
  /** Alignment period: one sample. */
  readonly periodSeconds: number;
  /** How long the lag stays above the threshold before the alert fires. */
  readonly durationSeconds: number;
  /** The duration in words (`3 minutes`), for the alert's name. */
  readonly durationText: string;
  /**
   * A replica that stops reporting lag is not replicating: the same emergency, so missing data fires
   * (unlike Aurora, a Cloud SQL replica is always an instance that reports).
   */
  readonly missingDataFires: true;
}

/** The plan of a Cloud SQL instance. */
export interface CloudSqlPlan {
  readonly edition: CloudSqlEditionName;
  /** The edition's published HA SLA. */
  readonly sla: number;
  readonly machineTier: string;
  /** The primary is REGIONAL: a synchronous standby in another zone. */
  readonly availabilityType: 'REGIONAL';
  /** The replica is REGIONAL when its region serves or stands warm, so that once promoted it is HA at once. */
  readonly replicaAvailabilityType: 'REGIONAL' | 'ZONAL';
  readonly diskSizeGb: number;
  readonly maintenanceWindow: { readonly day: number; readonly hour: number };
  readonly backups: {
    readonly startTime: string;
    /** One backup a day, kept tier.backupRetentionDays. */
    readonly retainedBackups: number;
    readonly pointInTimeRecovery: true;
    /** Days of write-ahead log: min(tier.backupRetentionDays, the edition's maximum). */
    readonly transactionLogRetentionDays: number;
  };
  readonly deletionProtection: true;
  readonly replicaLagAlert: CloudSqlReplicaLagAlertPlan;
  /**
   * Enterprise Plus advanced disaster recovery: the replica is the primary's designated DR replica,
   * so that a replica failover or a switchover swaps the roles and keeps both instances (and a
   * write endpoint that follows the writer). Every Enterprise Plus instance with a replica has it.
   */
  readonly advancedDr: boolean;
  /** Whether the writer names its DR replica (`replication_cluster.failover_dr_replica_name`). */
  readonly designateDrReplica: boolean;
  /**
   * Which of the two instances writes: `primary` (the one deployed in `region`) or `replica` (the
   * one deployed in `replicaRegion`, after a failover). Each keeps its address, name and key; only
   * their roles are rendered the other way round.
   */
  readonly writer: 'primary' | 'replica';
  /**
   * Whether the writer lists its replica in `replica_names`: once a role has been stated
   * (`activeRegion`), as Google's Terraform switchover does; left to Cloud SQL before that.
   */
  readonly listReplicaNames: boolean;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** `0.9995` as `99.95%`. */
function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(12))}%`;
}

/**
 * The plan of Cloud SQL for PostgreSQL: a REGIONAL (HA) primary and, for multi-region tiers, a
 * cross-region replica, which Cloud SQL replicates with no published lag bound: a replica needs
 * `replicaLagAccepted` (the reason the data set accepts that, at least 20 characters), and a
 * multi-region tier needs a replica.
 *
 * edition = ENTERPRISE_PLUS when the target ≥ 99.95% (ENTERPRISE's SLA would be the whole target,
 * leaving nothing for what serves in series with the database: 99.95% × 99.99% = 99.940005%) or
 * the tier keeps a standby region (advanced DR is Enterprise Plus only), else ENTERPRISE; a warning
 * when the SLA is below or equal to the target. Backups: daily, kept tier.backupRetentionDays,
 * point-in-time recovery for min(tier, 35 or 7 by edition) days. With Enterprise Plus the replica is
 * the designated DR replica, and `activeRegion` names which of the two writes after a failover.
 *
 * TIER_1 (99.95%, warm standby): ENTERPRISE_PLUS, 35 days of log, a REGIONAL DR replica, lag alert
 * above 60 s for 180 s. TIER_2 (pilot light): ENTERPRISE_PLUS for advanced DR, a ZONAL DR replica.
 * @see https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery
 */
export function planCloudSql(tier: ServiceTier, intent: CloudSqlIntent): CloudSqlPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const add = (prop: string, message: string | undefined) => {
    if (message) problems.push({ prop, message });
  };
  if (tier.isMultiRegion && !intent.hasReplica) {
    add(
      'replicaRegion',
      `replicaRegion must be set for ${tier.name} (${tier.strategy} keeps a copy of the data in a second region), got: none`,
    );
  }
  if (intent.replicaRegion !== undefined) {
    if (intent.replicaRegion === intent.region) {
      add(
        'replicaRegion',
        `replicaRegion must differ from the primary region ${intent.region}, got: ${intent.replicaRegion}`,
      );
    } else {
      add(
        'replicaRegion',
        regionPlacementProblem({
          prop: 'replicaRegion',
          primaryRegion: intent.region,
          replicaRegions: [intent.replicaRegion],
          allowedRegions: intent.allowedRegions,
        }),
      );
    }
  } else if (intent.allowedRegions && intent.region && !intent.allowedRegions.includes(intent.region)) {
    add('region', `region must be one of allowedRegions (${intent.allowedRegions.join(', ')}), got: ${intent.region}`);
  }
  if (!intent.privateServiceAccess) {
    add(
      'network',
      'network must have private services access (RegionalNetwork privateServiceAccess: true): the instances have private IPs only',
    );
  }
  const maintenanceDay = intent.maintenanceDay ?? CLOUD_SQL_DEFAULT_MAINTENANCE.day;
  add('maintenanceDay', integerProblem('maintenanceDay', maintenanceDay, 1, DAYS_PER_WEEK));
  const maintenanceHour = intent.maintenanceHour ?? CLOUD_SQL_DEFAULT_MAINTENANCE.hour;
  add('maintenanceHour', integerProblem('maintenanceHour', maintenanceHour, 0, HOURS_PER_DAY - 1));
  const diskSizeGb = intent.diskSizeGb ?? CLOUD_SQL_DEFAULT_DISK_SIZE_GB;
  add('diskSizeGb', integerProblem('diskSizeGb', diskSizeGb, CLOUD_SQL_MIN_DISK_SIZE_GB));
  const backupStartTime = intent.backupStartTime ?? CLOUD_SQL_DEFAULT_BACKUP_START;
  if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(backupStartTime)) {
    add('backupStartTime', `backupStartTime must be a UTC time HH:MM, got: ${backupStartTime}`);
  }
  // Each prop's own value is checked above; what is left is whether Cloud SQL can serve the tier at all.
  if (intent.hasReplica && intent.replicaLagAccepted === undefined) {
    add(
      'replicaLagAccepted',
      tier.isMultiRegion
        ? `tier ${tier.name} needs a copy in a second region within its region RPO of ${tier.regionRpoSeconds} s, which HaCloudSql cannot show: ` +
            'Cloud SQL replicates across regions asynchronously with no published lag bound (HA-DR3). Keep data held to that RPO in a store whose ' +
            'writes commit in several regions, such as Spanner multi-region; or state in replicaLagAccepted why this data set accepts an unbounded ' +
            'replica lag (it becomes the acknowledgement of HA-DR3), got: replicaLagAccepted undefined'
        : `replicaLagAccepted must say why this data set accepts a replica in ${intent.replicaRegion ?? 'another region'} whose lag Cloud SQL does not bound (HA-DR3), ` +
            `or leave out replicaRegion (${tier.name} restores from backups), got: replicaLagAccepted undefined`,
    );
  }
  if (intent.replicaLagAccepted !== undefined) {
    if (!intent.hasReplica) {
      add(
        'replicaLagAccepted',
        'replicaLagAccepted is about the cross-region replica: set replicaRegion too, or leave replicaLagAccepted out, got: replicaRegion undefined',
      );
    } else if (intent.replicaLagAccepted.trim().length < REPLICA_LAG_ACCEPTED_MIN_LENGTH) {
      add(
        'replicaLagAccepted',
        'replicaLagAccepted must say why this data set accepts an unbounded replica lag ' +
          `(at least ${REPLICA_LAG_ACCEPTED_MIN_LENGTH} characters), got: '${intent.replicaLagAccepted}'`,
      );
    }
  }

  // An edition whose SLA equals the target leaves nothing for what serves in series with it: ENTERPRISE
  // (99.95%) behind a zonal fleet (99.99%) composes to 99.940005%, below TIER_1's 99.95% (HA-RES1).
  // A standby region needs advanced DR, which only Enterprise Plus has.
  // https://cloud.google.com/sql/sla
  const standbyRegion = tier.isMultiRegion && intent.hasReplica;
  const edition =
    intent.edition ??
    (tier.availabilityTarget >= PUBLISHED_SLAS.CLOUD_SQL_ENTERPRISE_HA || standbyRegion
      ? 'ENTERPRISE_PLUS'
      : 'ENTERPRISE');
  const advancedDr = intent.hasReplica && edition === 'ENTERPRISE_PLUS';
  // The writer may name only a replica that exists: the replica replicates from the writer, so it is created after it.
  const designateDrReplica = advancedDr && intent.designateDrReplica === true;
  const writer = activeRole(intent, advancedDr, problems);
  if (standbyRegion && !advancedDr) {
    warnings.push({
      id: 'edition',
      message:
        `edition ${edition} has no advanced disaster recovery: promoting the replica in ${intent.replicaRegion ?? 'its region'} ` +
        'detaches it, so the old primary must be replaced to replicate again and clients must be pointed at the new writer; ' +
        'ENTERPRISE_PLUS keeps both instances and a write endpoint that follows the writer',
    });
  }
  if (advancedDr && !designateDrReplica) {
    warnings.push({
      id: 'designateDrReplica',
      message:
        'designateDrReplica is not true: the replica is not the designated DR replica, so a replica failover and a ' +
        'switchover are unavailable until it is; once the first apply has created the replica, set it to true and ' +
        'apply again (the primary can name only a replica that exists)',
    });
  }
  const sla =
    edition === 'ENTERPRISE_PLUS'
      ? PUBLISHED_SLAS.CLOUD_SQL_ENTERPRISE_PLUS_HA
      : PUBLISHED_SLAS.CLOUD_SQL_ENTERPRISE_HA;
  if (sla < tier.availabilityTarget) {
    warnings.push({
      id: 'edition',
      message: `edition ${edition} has a ${percent(sla)} SLA, below ${tier.name}'s availability target of ${percent(tier.availabilityTarget)}`,
    });
  } else if (sla === tier.availabilityTarget) {
    warnings.push({
      id: 'edition',
      message:
        `edition ${edition} has a ${percent(sla)} SLA, the whole of ${tier.name}'s availability target: ` +
        'anything in series with the database (the fleet, the load balancer) takes the service below it (HA-RES1)',
    });
  }
  if (CLOUD_SQL_HA_FAILOVER_SECONDS > tier.azRtoSeconds) {
    warnings.push({
      id: 'availabilityType',
      message:
        `Cloud SQL HA starts failing over to the standby zone only once the primary is unresponsive for about ` +
        `${CLOUD_SQL_HA_FAILOVER_SECONDS} s, above ${tier.name}'s zone RTO of ${tier.azRtoSeconds} s: writes pause ` +
        'for longer than the tier allows',
    });
  }
  const watch = replicationLagWatch(tier, CLOUD_SQL_METRIC_SAMPLE_SECONDS);
  return {
    edition,
    sla,
    machineTier: intent.machineTier ?? CLOUD_SQL_DEFAULT_MACHINE_TIER[edition],
    availabilityType: 'REGIONAL',
    replicaAvailabilityType: standbyCompute(tier.strategy) === 'data-only' ? 'ZONAL' : 'REGIONAL',
    diskSizeGb,
    maintenanceWindow: { day: maintenanceDay, hour: maintenanceHour },
    backups: {
      startTime: backupStartTime,
      retainedBackups: tier.backupRetentionDays,
      pointInTimeRecovery: true,
      transactionLogRetentionDays: Math.min(tier.backupRetentionDays, CLOUD_SQL_PITR_MAX_DAYS[edition]),
    },
    deletionProtection: true,
    replicaLagAlert: {
      thresholdSeconds: watch.thresholdSeconds,
      periodSeconds: watch.periodSeconds,
      durationSeconds: watch.periodSeconds * watch.evaluationPeriods,
      durationText: durationText(watch.periodSeconds * watch.evaluationPeriods),
      missingDataFires: true,
    },
    advancedDr,
    designateDrReplica,
    writer,
    listReplicaNames: advancedDr && intent.activeRegion !== undefined,
    problems,
    warnings,
  };
}

/**
 * Which instance writes: the one in `activeRegion`. Only advanced DR swaps roles in place (a
 * switchover or replica failover); without it a promoted replica is detached, and no configuration
 * of the same two instances describes it.
 */
function activeRole(intent: CloudSqlIntent, advancedDr: boolean, problems: PlanProblem[]): 'primary' | 'replica' {
  const active = intent.activeRegion;
  const replicaActive = intent.hasReplica && active !== undefined && active === intent.replicaRegion;
  if (active === undefined || (!replicaActive && (active === intent.region || intent.region === undefined))) {
    return 'primary';
  }
  if (!replicaActive && (!intent.hasReplica || intent.replicaRegion !== undefined)) {
    const allowed = [intent.region, intent.replicaRegion].filter((r) => r !== undefined).join(' or ');
    problems.push({
      prop: 'activeRegion',
      message: `activeRegion must be the region of one of the instances (${allowed}), got: ${active}`,
    });
    return 'primary';
  }
  if (!advancedDr) {
    problems.push({
      prop: 'activeRegion',
      message:
        `activeRegion can name the replica's region only with advanced disaster recovery (edition ENTERPRISE_PLUS): ` +
        `an ENTERPRISE replica promoted is detached from its primary, got: ${active}`,
    });
    return 'primary';
  }
  return 'replica';
}

const DAYS_PER_WEEK = 7;
const HOURS_PER_DAY = 24;
const SECONDS_PER_MINUTE = 60;

/** `180` as `3 minutes`, `90` as `90 s`. */
function durationText(seconds: number): string {
  return seconds % SECONDS_PER_MINUTE === 0 ? `${seconds / SECONDS_PER_MINUTE} minutes` : `${seconds} s`;
}
