import { PlanProblem, PlanWarning } from '../errors';
import { DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS, DYNAMODB_MRSC_REGION_SETS, DYNAMODB_PITR_MAX_DAYS } from '../figures';
import { regionPlacementProblem } from '../regions';
import { ServiceTier } from '../tier';

/**
 * The plan of a DynamoDB global table: what the CDK `GlobalTable` and the Terraform `GlobalTable`
 * render (replica regions, consistency, point-in-time recovery, deletion protection, the
 * replication-latency alarm, Contributor Insights, TTL).
 */

/** Multi-region consistency of a global table, as DynamoDB spells it. */
export type TableConsistencyMode = 'EVENTUAL' | 'STRONG';

/** A replication-latency threshold as the user gave it. */
export interface LatencyThresholdIntent {
  /** The prop, as the user wrote it (`replicationLatencyThreshold`, `replicationLatencyThresholdMs`). */
  readonly prop: string;
  /** The threshold in milliseconds; undefined when unknown at synthesis. */
  readonly milliseconds?: number;
  /** The value as the user wrote it, for messages (`1.5 seconds`, `0`). */
  readonly text: string;
}

/** A global table as its props describe it, in core's terms; `undefined` where a value is unknown at synthesis. */
export interface GlobalTableIntent {
  /** The prop the replica regions come from, as the user wrote it (`replicaRegions`, `replicaProviders`). */
  readonly replicaRegionsProp: string;
  /** Region of the table itself (the stack's or the provider's). */
  readonly primaryRegion?: string;
  /** Regions holding a replica besides the primary; an undefined entry is a region unknown at synthesis. */
  readonly replicaRegions: readonly (string | undefined)[];
  /** The service's allowed regions (data residency). */
  readonly allowedRegions?: readonly string[];
  /** @default - STRONG when the tier's region RPO is shorter than the replication lag, otherwise EVENTUAL */
  readonly consistency?: TableConsistencyMode;
  /**
   * Witness region of a STRONG table over two regions; `region` is undefined when unknown at synthesis.
   * @default - none
   */
  readonly witness?: { readonly region?: string };
  /** @default - the tier's backup retention, at most DYNAMODB_PITR_MAX_DAYS */
  readonly pointInTimeRecoveryDays?: number;
  /** @default - the tier's region RPO */
  readonly replicationLatencyThreshold?: LatencyThresholdIntent;
  /** @default true */
  readonly contributorInsights?: boolean;
  /** @default - no TTL */
  readonly timeToLiveAttribute?: string;
  /**
   * What happens to the table when it leaves the stack (`retain`, `snapshot`, `destroy`, …).
   * @default 'retain'
   */
  readonly removalPolicy?: string;
}

/** The alarm on `ReplicationLatency` (milliseconds from a write in the primary to its replica). */
export interface ReplicationLatencyAlarmPlan {
  /** Milliseconds above which the alarm fires; undefined when the user's threshold is unknown at synthesis. */
  readonly thresholdMs: number | undefined;
  /** The threshold in words, for the alarm description (`60 s (the TIER_1 region RPO)`). */
  readonly thresholdText: string;
  /** The slowest write bounds what a region loss loses, so the alarm reads the maximum, not the average. */
  readonly statistic: 'Maximum';
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** No writes, no datapoints: an idle table is not lagging. */
  readonly treatMissingData: 'notBreaching';
}

/** The plan. */
export interface GlobalTablePlan {
  /** Regions holding a replica besides the primary (as given; undefined entries unknown at synthesis). */
  readonly replicaRegions: readonly (string | undefined)[];
  readonly consistency: TableConsistencyMode;
  /** The witness region, when a STRONG table spans two regions and a witness. */
  readonly witnessRegion?: string;
  /**
   * Days of point-in-time recovery on every replica (an engine renders the user's own value when it is
   * unknown at synthesis).
   */
  readonly pointInTimeRecoveryDays: number;
  /** Deletion protection on every replica: on unless the table is to be destroyed with its stack. */
  readonly deletionProtection: boolean;
  readonly contributorInsights: boolean;
  readonly timeToLiveAttribute?: string;
  readonly replicationLatencyAlarm: ReplicationLatencyAlarmPlan;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/**
 * One minute per datapoint, three in a row: a lag that lasts three minutes is not a blip, and
 * pages well inside a TIER_1 region RTO of 15 minutes.
 */
const ALARM_PERIOD_SECONDS = 60;
const ALARM_EVALUATION_PERIODS = 3;

/** MRSC spans three regions, or two and a witness region. */
const STRONG_REGIONS = 3;
const STRONG_REGIONS_WITH_WITNESS = 2;

/** MRSC regions outside one region set: every known region must share the primary's set. */
function regionSetProblem(
  regionsProp: string,
  primary: string | undefined,
  replicas: readonly string[],
  witness?: string,
): PlanProblem | undefined {
  const sets = Object.entries(DYNAMODB_MRSC_REGION_SETS);
  const setsText = sets.map(([name, regions]) => `${name}: ${regions.join(', ')}`).join('; ');
  const anchor = primary ?? replicas[0] ?? witness;
  const set = sets.find(([, regions]) => anchor !== undefined && regions.includes(anchor));
  if (anchor === undefined) {
    return undefined;
  }
  if (!set) {
    const prop =
      anchor === primary ? 'consistency' : anchor === witness && replicas.length === 0 ? 'witnessRegion' : regionsProp;
    return {
      prop,
      message: `consistency STRONG needs regions of one MRSC region set (${setsText}), got: ${anchor}${anchor === primary ? ' (the primary region)' : ''}`,
    };
  }
  const [name, regions] = set;
  for (const [prop, list] of [
    [regionsProp, replicas],
    ['witnessRegion', witness === undefined ? [] : [witness]],
  ] as const) {
    const outside = list.filter((r) => !regions.includes(r));
    if (outside.length > 0) {
      return {
        prop,
        message: `${prop} must be in the ${name} region set (${regions.join(', ')}) for consistency STRONG, got: ${outside.join(', ')}`,
      };
    }
  }
  return undefined;
}

/**
 * Plans a DynamoDB global table for `tier`.
 *
 * - regions = primary + replicaRegions ≥ tier.minRegions, none repeated, all within `allowedRegions`;
 * - consistency = STRONG when tier.regionRpoSeconds < DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS (about
 *   a second of eventual replication would already break the RPO), else EVENTUAL; STRONG spans
 *   three regions, or two and a witness region, all of one MRSC region set (US, EU or AP);
 * - point-in-time recovery days ∈ [min(tier.backupRetentionDays, 35), 35], default the lower bound;
 * - replication-latency alarm: Maximum per minute > threshold (default tier.regionRpoSeconds × 1000 ms)
 *   for 3 of 3 minutes.
 *
 * Example: TIER_1 (region RPO 60 s, backups 35 days) in us-east-1 with a replica in us-west-2 →
 * EVENTUAL, PITR 35 days, alarm above 60000 ms for 3 minutes; with `consistency: 'STRONG'` it is
 * refused (two regions and no witness).
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html
 */
export function planGlobalTable(tier: ServiceTier, intent: GlobalTableIntent): GlobalTablePlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });
  const { replicaRegionsProp: regionsProp, primaryRegion, allowedRegions } = intent;
  const replicas = intent.replicaRegions;
  const known = replicas.filter((r): r is string => r !== undefined);
  const primaryText = primaryRegion ?? 'the primary region';

  const placement = regionPlacementProblem({ prop: regionsProp, primaryRegion, replicaRegions: known, allowedRegions });
  if (placement) {
    problem(placement.startsWith('the primary region') ? 'allowedRegions' : regionsProp, placement);
  }
  const needed = tier.minRegions - 1;
  if (replicas.length < needed) {
    problem(
      regionsProp,
      `${regionsProp} must list at least ${needed} region${needed === 1 ? '' : 's'} for ${tier.name} ` +
        `(minRegions ${tier.minRegions} including ${primaryText}), got: ${replicas.length}`,
    );
  }

  const rpoNeedsStrong = tier.regionRpoSeconds < DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS;
  const consistency: TableConsistencyMode = intent.consistency ?? (rpoNeedsStrong ? 'STRONG' : 'EVENTUAL');
  const witness = intent.witness;
  if (witness?.region !== undefined) {
    if (consistency !== 'STRONG') {
      problem(
        'witnessRegion',
        `witnessRegion only applies to consistency STRONG, got: ${witness.region} with consistency ${consistency}`,
      );
    }
    const witnessPlacement = regionPlacementProblem({
      prop: 'witnessRegion',
      primaryRegion,
      replicaRegions: [witness.region, ...known],
      allowedRegions,
    });
    if (witnessPlacement) {
      problem('witnessRegion', witnessPlacement);
    }
  }
  if (consistency === 'STRONG') {
    const total = replicas.length + 1;
    if (total !== (witness === undefined ? STRONG_REGIONS : STRONG_REGIONS_WITH_WITNESS)) {
      const regions = [primaryText, ...replicas.map((r) => r ?? 'a region unknown at synthesis')].join(', ');
      const witnessText =
        witness === undefined ? 'no witnessRegion' : `witnessRegion ${witness.region ?? '(unknown at synthesis)'}`;
      problem(
        'consistency',
        `consistency STRONG needs three regions, or two and a witnessRegion, got: ${total} region(s) (${regions}) and ${witnessText}`,
      );
    }
    const setProblem = regionSetProblem(regionsProp, primaryRegion, known, witness?.region);
    if (setProblem) {
      problem(setProblem.prop, setProblem.message);
    }
  } else if (rpoNeedsStrong) {
    warnings.push({
      id: 'consistency',
      message:
        `consistency EVENTUAL replicates in about ${DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS} s, longer than ${tier.name}'s ` +
        `region RPO of ${tier.regionRpoSeconds} s: use TableConsistency.STRONG`,
    });
  }

  // The tier's backup retention is the shortest window it restores from; DynamoDB keeps at most 35 days.
  const minPitr = Math.min(DYNAMODB_PITR_MAX_DAYS, tier.backupRetentionDays);
  const pitr = intent.pointInTimeRecoveryDays;
  if (pitr !== undefined && !(Number.isInteger(pitr) && pitr >= minPitr && pitr <= DYNAMODB_PITR_MAX_DAYS)) {
    problem(
      'pointInTimeRecoveryDays',
      `pointInTimeRecoveryDays must be an integer from ${minPitr} (${tier.name}'s backup retention, ` +
        `at most ${DYNAMODB_PITR_MAX_DAYS}) to ${DYNAMODB_PITR_MAX_DAYS}, got: ${pitr}`,
    );
  }

  const threshold = intent.replicationLatencyThreshold;
  const thresholdMs = threshold ? threshold.milliseconds : tier.regionRpoSeconds * 1000;
  // At or below 0 the alarm fires on every replicated write; NaN and Infinity synthesize as null, which CloudWatch refuses.
  if (
    threshold?.milliseconds !== undefined &&
    !(Number.isFinite(threshold.milliseconds) && threshold.milliseconds > 0)
  ) {
    problem(threshold.prop, `${threshold.prop} must be longer than 0 ms, got: ${threshold.text}`);
  }
  const rpoText = `${tier.name}'s region RPO is ${tier.regionRpoSeconds} s`;
  let thresholdText = `${tier.regionRpoSeconds} s (the ${tier.name} region RPO)`;
  if (threshold) {
    thresholdText =
      thresholdMs === undefined ? `${threshold.text} (${rpoText})` : `${thresholdMs / 1000} s (${rpoText})`;
  }

  const removalPolicy = intent.removalPolicy ?? 'retain';
  if (removalPolicy !== 'retain') {
    warnings.push({
      id: 'removalPolicy',
      message: `removalPolicy is ${removalPolicy}: deleting the stack or replacing the table deletes every replica and its data`,
    });
  }

  return {
    replicaRegions: [...replicas],
    consistency,
    witnessRegion: witness?.region,
    pointInTimeRecoveryDays: pitr ?? minPitr,
    deletionProtection: removalPolicy !== 'destroy',
    contributorInsights: intent.contributorInsights ?? true,
    timeToLiveAttribute: intent.timeToLiveAttribute,
    replicationLatencyAlarm: {
      thresholdMs,
      thresholdText,
      statistic: 'Maximum',
      periodSeconds: ALARM_PERIOD_SECONDS,
      evaluationPeriods: ALARM_EVALUATION_PERIODS,
      datapointsToAlarm: ALARM_EVALUATION_PERIODS,
      treatMissingData: 'notBreaching',
    },
    problems,
    warnings,
  };
}
