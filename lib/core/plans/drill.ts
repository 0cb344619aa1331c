import { PlanProblem, PlanWarning } from '../errors';
import { CLOUDWATCH_LOG_RETENTION_DAYS } from '../figures';
import { regionOfZone } from '../regions';
import { readSchedulerExpression } from '../scheduler-expression';
import { ServiceTier } from '../tier';

/**
 * The plan of an evacuation drill: what the CDK `AzEvacuationDrill` and its Terraform twin render
 * (an AWS FIS experiment template, its stop condition and its encrypted log group), and what the
 * CDK `RegionEvacuationDrill` renders.
 *
 * @see https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html
 * @see https://docs.aws.amazon.com/fis/latest/userguide/az-availability-scenario.html
 */

/** A FIS target filter: instances whose `path` holds one of `values`. */
export interface DrillTargetFilter {
  readonly path: string;
  readonly values: string[];
}

/** What a drill's experiment targets and how; the resources themselves (ARNs, tags) are the engine's. */
export interface DrillTargetsPlan {
  /** Every resource a target resolves to is hit: a drill that samples proves less. */
  readonly selectionMode: 'ALL';
  /** Which of the fleet's instances the fault hits: running ones (in the zone, for an AZ drill). */
  readonly instanceFilters: DrillTargetFilter[];
}

/** What stops the experiment. */
export interface DrillStopConditionPlan {
  /** A CloudWatch alarm: FIS refuses no template without one, so the plan requires it. */
  readonly source: 'aws:cloudwatch:alarm';
  /**
   * Shortest time the alarm may take to fire (period × datapoints), in seconds: a region drill cuts
   * its region on purpose, so an alarm that fires before the region RTO ends every drill before
   * the failover it rehearses. Undefined for an AZ drill (its stop condition is the SLO page).
   */
  readonly minWindowSeconds?: number;
}

/** What the engines render, for either drill. */
export interface DrillPlan {
  /** How long the fault lasts, in whole minutes. */
  readonly durationMinutes: number;
  /** The same, as the ISO 8601 duration FIS actions take (`PT10M`). */
  readonly duration: string;
  readonly targets: DrillTargetsPlan;
  /** The group's launches into the zone fail for the drill (AZ drill, where the engine can target the group). */
  readonly blockLaunchesPercent: number;
  /** Stopped instances start again when the drill ends; one the group replaced meanwhile is no failure. */
  readonly completeIfInstancesTerminated: boolean;
  readonly stopCondition: DrillStopConditionPlan;
  /** One account; a target that resolves to nothing fails the experiment instead of passing vacuously. */
  readonly experimentOptions: {
    readonly accountTargeting: 'single-account';
    readonly emptyTargetResolutionMode: 'fail';
  };
  /** FIS experiment log schema. */
  readonly logSchemaVersion: number;
  /** Days the experiment log is kept. */
  readonly logRetentionDays: number;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** What both drills take, in core's terms; `undefined` where the user gave nothing or a token. */
export interface DrillIntent {
  /** Whether a stop condition alarm was given. */
  readonly stopCondition: boolean;
  /** @default - twice the RTO the drill rehearses, at least 10 minutes, at most 720 */
  readonly durationMinutes?: number;
  /** @default - tier.logRetentionDays */
  readonly logRetentionDays?: number;
  /** EventBridge Scheduler expression that starts the drill; undefined when none or a token. */
  readonly schedule?: string;
}

/** An AZ evacuation drill as its props describe it. */
export interface AzEvacuationDrillIntent extends DrillIntent {
  /** The zone evacuated; undefined when unknown at synthesis. */
  readonly availabilityZone?: string;
  /** The region the drill is built in; undefined when unknown at synthesis. */
  readonly region?: string;
  /** The zones of the VPC the subnets come from; undefined when unknown (or not known to the engine). */
  readonly vpcZones?: readonly string[];
  /** The subnets of the zone to disrupt: how many, and the prop they come from. */
  readonly subnets?: { readonly prop: string; readonly count: number };
}

/** A region evacuation drill as its props describe it. */
export interface RegionEvacuationDrillIntent extends DrillIntent {
  /** Shortest time the stop condition alarm takes to fire (period × datapoints), in s; undefined when unknown. */
  readonly stopConditionWindowSeconds?: number;
}

/** FIS action durations range from one minute to 12 hours. */
export const FIS_MAX_ACTION_MINUTES = 720;
/** Shortest default drill: long enough for detection, recovery and a look at steady state. */
const MIN_DEFAULT_DRILL_MINUTES = 10;
/** FIS experiment log schema the engines write. */
const LOG_SCHEMA_VERSION = 2;

/**
 * Plans an AZ evacuation drill: the zone's subnets lose all connectivity, the fleet's running
 * instances in the zone stop (or terminate), the group's launches there fail, the database fails over.
 *
 * Duration `durationMinutes`, or `min(720, max(10, ⌈2 × azRtoSeconds / 60⌉))` (recover, then hold
 * steady state as long again); a given duration under the AZ RTO is warned about (the fault ends
 * before recovery can be shown). Targets: every subnet of the zone, every running instance of the
 * fleet with `Placement.AvailabilityZone` = the zone (selection `ALL`); launches blocked at 100 %.
 * Stop condition: a CloudWatch alarm (the SLO page). Log kept `logRetentionDays` (tier's by default). A
 * `schedule` must run at least every `drillIntervalDays` of the tier (else a warning).
 *
 * Example: TIER_1 (AZ RTO 120 s, logs kept 365 days), defaults: ⌈240 / 60⌉ = 4, raised to 10 min
 * (`PT10M`); TIER_3 (AZ RTO 900 s): 30 min; `durationMinutes: 5` on TIER_3 warns (5 min < 15 min).
 */
export function planAzEvacuationDrill(tier: ServiceTier, intent: AzEvacuationDrillIntent): DrillPlan {
  const problems: PlanProblem[] = [];
  const fail = (prop: string, message: string) => problems.push({ prop, message });
  const az = intent.availabilityZone;
  if (az !== undefined) {
    if (intent.region !== undefined && regionOfZone(az) !== intent.region) {
      fail('availabilityZone', `availabilityZone must be in the stack's region ${intent.region}, got: ${az}`);
    } else if (intent.vpcZones !== undefined && !intent.vpcZones.includes(az)) {
      fail(
        'availabilityZone',
        `availabilityZone must be one of the VPC's zones (${intent.vpcZones.join(', ')}), got: ${az}`,
      );
    }
  }
  const plan = planDrill(tier, intent, tier.azRtoSeconds, problems);
  if (intent.subnets !== undefined && intent.subnets.count === 0) {
    fail(intent.subnets.prop, `${intent.subnets.prop} must hold subnets in ${az ?? 'the zone'} to disrupt, got: none`);
  }
  checkRetention(plan.logRetentionDays, problems);
  return {
    ...plan,
    targets: {
      selectionMode: 'ALL',
      instanceFilters: [
        ...(az === undefined ? [] : [{ path: 'Placement.AvailabilityZone', values: [az] }]),
        { path: 'State.Name', values: ['running'] },
      ],
    },
  };
}

/**
 * Plans a region evacuation drill (tiers with a standby region): every subnet of the region's VPC
 * loses all connectivity and the fleet's running instances stop (or terminate).
 *
 * Duration `durationMinutes`, or `min(720, max(10, ⌈2 × regionRtoSeconds / 60⌉))`; a given duration
 * under the region RTO is warned about. The stop condition alarm must take at least `regionRtoSeconds`
 * to fire (period × datapoints): the drill cuts the region on purpose. A tier without a standby
 * region is refused.
 *
 * Example: TIER_1 (region RTO 900 s): 30 min (`PT30M`), the stop condition firing after at least
 * 900 s (15 × 1 min); TIER_2 (3600 s): 120 min; TIER_3 (backup and restore): refused.
 */
export function planRegionEvacuationDrill(tier: ServiceTier, intent: RegionEvacuationDrillIntent): DrillPlan {
  const problems: PlanProblem[] = [];
  const fail = (prop: string, message: string) => problems.push({ prop, message });
  if (!tier.isMultiRegion) {
    fail('tier', `tier must keep a standby region to rehearse evacuating one, got: ${tier.name} (${tier.strategy})`);
  }
  const window = intent.stopConditionWindowSeconds;
  if (window !== undefined && window < tier.regionRtoSeconds) {
    fail(
      'stopConditionAlarm',
      `stopConditionAlarm must fire only once users have failed for longer than ${tier.name}'s region RTO of ` +
        `${tier.regionRtoSeconds} s (the drill cuts the region on purpose and the failover takes up to that long), ` +
        `got: an alarm over ${window} s (period × datapoints to alarm)`,
    );
  }
  const plan = planDrill(tier, intent, tier.regionRtoSeconds, problems);
  checkRetention(plan.logRetentionDays, problems);
  return {
    ...plan,
    stopCondition: { ...plan.stopCondition, minWindowSeconds: tier.regionRtoSeconds },
    targets: { selectionMode: 'ALL', instanceFilters: [{ path: 'State.Name', values: ['running'] }] },
  };
}

/** What both drills plan alike: duration, stop condition, experiment options, log. */
function planDrill(tier: ServiceTier, intent: DrillIntent, rtoSeconds: number, problems: PlanProblem[]): DrillPlan {
  const warnings: PlanWarning[] = [];
  if (!intent.stopCondition) {
    problems.push({
      prop: 'stopConditionAlarm',
      message:
        'stopConditionAlarm must name the alarm that stops the experiment (a drill that hurts users more than ' +
        'the tier allows must end at once), got: none',
    });
  }
  const explicit = intent.durationMinutes;
  let durationMinutes = Math.min(
    FIS_MAX_ACTION_MINUTES,
    Math.max(MIN_DEFAULT_DRILL_MINUTES, Math.ceil((2 * rtoSeconds) / 60)),
  );
  if (explicit !== undefined) {
    durationMinutes = explicit;
    if (!Number.isInteger(explicit) || explicit < 1 || explicit > FIS_MAX_ACTION_MINUTES) {
      problems.push({
        prop: 'durationMinutes',
        message:
          `durationMinutes must be an integer from 1 to ${FIS_MAX_ACTION_MINUTES} ` +
          `(the durations FIS actions accept), got: ${explicit}`,
      });
    } else if (explicit * 60 < rtoSeconds) {
      warnings.push({
        id: 'durationMinutes',
        message:
          `durationMinutes is ${explicit} but ${tier.name} allows ${rtoSeconds / 60} min to recover: ` +
          'the fault ends before the drill can show recovery within the objective',
      });
    }
  }
  return {
    durationMinutes,
    duration: `PT${durationMinutes}M`,
    targets: { selectionMode: 'ALL', instanceFilters: [] },
    blockLaunchesPercent: 100,
    completeIfInstancesTerminated: true,
    stopCondition: { source: 'aws:cloudwatch:alarm' },
    experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
    logSchemaVersion: LOG_SCHEMA_VERSION,
    logRetentionDays: intent.logRetentionDays ?? tier.logRetentionDays,
    problems,
    warnings: [...warnings, ...checkSchedule(tier, intent.schedule, problems)],
  };
}

/**
 * A schedule the scheduler accepts, running at least every `drillIntervalDays` of the tier (else a
 * warning: the drill's measurements go stale between runs).
 */
function checkSchedule(tier: ServiceTier, schedule: string | undefined, problems: PlanProblem[]): PlanWarning[] {
  if (schedule === undefined) {
    return [];
  }
  const reading = readSchedulerExpression(schedule);
  if (!reading.valid) {
    problems.push({
      prop: 'schedule',
      message: `schedule must be an EventBridge Scheduler expression (${reading.reason}), got: ${schedule}`,
    });
    return [];
  }
  const gap = reading.maxGapDays;
  if (gap === undefined || gap <= tier.drillIntervalDays) {
    return [];
  }
  return [
    {
      id: 'schedule',
      message:
        `schedule ${schedule} ${gap === Infinity ? 'runs once' : `runs up to ${gap} days apart`}, longer than ` +
        `${tier.name}'s drill interval of ${tier.drillIntervalDays} days: its measurements go stale between runs`,
    },
  ];
}

function checkRetention(days: number, problems: PlanProblem[]): void {
  if (!CLOUDWATCH_LOG_RETENTION_DAYS.includes(days)) {
    problems.push({
      prop: 'logRetentionDays',
      message: `logRetentionDays must be one of ${CLOUDWATCH_LOG_RETENTION_DAYS.join(', ')}, got: ${days}`,
    });
  }
}
