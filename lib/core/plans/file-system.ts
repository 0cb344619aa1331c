import { PlanProblem, PlanWarning } from '../errors';
import { EFS_REPLICATION_RPO_SECONDS } from '../figures';
import { replicationRpoProblem } from '../replication-rpo';
import { ServiceTier } from '../tier';
import { BucketAlarmPlan } from './bucket';

/**
 * The plan of a replicated file system: what the CDK `ReplicatedFileSystem` renders (mount targets
 * over the tier's zones, EFS replication to the standby region and the alarm on its lag).
 */

/** A file system as its props describe it; `undefined` where the user gave nothing or a token. */
export interface FileSystemIntent {
  /** Whether a replica region was given (a token counts). */
  readonly replicated: boolean;
  /** The data set's own region RPO, looser than the tier's. @default - the tier's region RPO */
  readonly rpoObjectiveSeconds?: number;
  /** Time since the last sync that pages. @default - the larger of the objective and EFS's bound */
  readonly lagAlarmSeconds?: number;
  /** Whether the file system is retained when the stack deletes or replaces it. */
  readonly retained: boolean;
  /** The removal policy as the user wrote it, for the warning. */
  readonly removalPolicy?: string;
}

/** What the engines render. */
export interface FileSystemPlan {
  /** Distinct zones the mount targets must span. */
  readonly minZones: number;
  /** The standby region's copy, when there is one. */
  readonly replication?: {
    /** EFS replication's published bound on the replica's lag. */
    readonly boundSeconds: number;
    readonly dataRpoSeconds?: number;
    /** Pages when `TimeSinceLastSync` stays above the threshold three 5-minute periods in a row. */
    readonly lagAlarm: BucketAlarmPlan;
  };
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** EFS publishes TimeSinceLastSync per 5 minutes. */
export const EFS_SYNC_METRIC_PERIOD_SECONDS = 300;

/**
 * Plans a replicated file system.
 *
 * Mount targets span at least tier.minAzs zones; a tier that keeps a standby region needs a
 * replica, whose bound (EFS replication, 900 s) must fit the data set's region RPO; the lag alarm
 * pages when the time since the last completed sync stays above max(objective, 900 s) for three
 * 5-minute periods.
 *
 * Example: TIER_2 (region RPO 900 s, 3 AZs): mount targets in 3 zones, a replica, an alarm after
 * 3 × 300 s above 900 s. TIER_1 (region RPO 60 s) is refused unless `rpoObjective` ≥ 900 s says the
 * files can be rebuilt.
 */
export function planFileSystem(tier: ServiceTier, intent: FileSystemIntent): FileSystemPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  if (!intent.replicated && tier.isMultiRegion) {
    problems.push({
      prop: 'replicaRegion',
      message: `replicaRegion is required for ${tier.name} (strategy ${tier.strategy} keeps data in a standby region), got: undefined`,
    });
  }
  if (!intent.retained) {
    warnings.push({
      id: 'removalPolicy',
      message: `removalPolicy is ${intent.removalPolicy}: deleting the stack or replacing the file system deletes its files`,
    });
  }
  let replication: FileSystemPlan['replication'];
  if (intent.replicated) {
    const dataRpoSeconds = intent.rpoObjectiveSeconds;
    const store = {
      construct: 'ReplicatedFileSystem',
      replication: 'EFS replication',
      boundSeconds: EFS_REPLICATION_RPO_SECONDS,
    };
    const rpoProblem = replicationRpoProblem(store, tier, dataRpoSeconds);
    if (rpoProblem) {
      problems.push({ prop: 'rpoObjective', message: rpoProblem });
    }
    const threshold =
      intent.lagAlarmSeconds ?? Math.max(dataRpoSeconds ?? tier.regionRpoSeconds, EFS_REPLICATION_RPO_SECONDS);
    replication = {
      boundSeconds: EFS_REPLICATION_RPO_SECONDS,
      dataRpoSeconds,
      lagAlarm: {
        threshold,
        periodSeconds: EFS_SYNC_METRIC_PERIOD_SECONDS,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
      },
    };
  }
  return { minZones: tier.minAzs, replication, problems, warnings };
}
