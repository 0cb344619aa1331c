import { PlanProblem, PlanWarning } from '../errors';
import { PREDICTIVE_SCALING_MAX_BUFFER_SECONDS } from '../figures';

/**
 * The plan of a fleet's scaling beyond its CPU target: request tracking, predictive scaling's
 * buffer, step scaling on a queue's backlog and scheduled pre-warming. The floor it never goes
 * below is the fleet plan's statically stable capacity: scaling only ever adds to it.
 */

/** A scheduled raise of the minimum, as the props give it. */
export interface PrewarmIntent {
  /** The schedule's expression: it names the window in messages and construct ids. */
  readonly schedule: string;
  readonly minCapacity: number;
  /** Whether an end schedule returns the minimum to the floor. */
  readonly hasEnd: boolean;
}

/** A fleet's scaling as its props describe it; `undefined` where the user gave nothing or a token. */
export interface ScalingIntent {
  /** AZs the fleet runs in: queue steps add whole AZs' worth so the group stays balanced. */
  readonly zoneCount: number;
  /** The fleet plan's minimum: what static stability keeps running. */
  readonly floorCapacity: number;
  readonly maxCapacity: number;
  /** A standby does not pre-warm: its runbook raises it on failover. */
  readonly serving: boolean;
  readonly targetRequestsPerMinute?: number;
  /** Whether a queue to scale on was given. */
  readonly queue: boolean;
  readonly backlogPerInstance?: number;
  /** The instances' warm-up; predictive scaling launches this early by default. */
  readonly warmupSeconds: number;
  /** @default - warmupSeconds */
  readonly predictiveBufferSeconds?: number;
  /** @default - none */
  readonly prewarm?: readonly PrewarmIntent[];
}

/** Step scaling on a queue's backlog per in-service instance (thresholds and bounds in messages per instance). */
export interface QueueScalingPlan {
  /** Scale in by one below this backlog per instance (half the target). */
  readonly lowerThreshold: number;
  readonly lowerAdjustment: number;
  /** Scale out by one instance per AZ from the target, by two per AZ from twice it. */
  readonly upperThreshold: number;
  readonly upperAdjustments: readonly {
    readonly adjustment: number;
    readonly lowerBound: number;
    readonly upperBound?: number;
  }[];
  /** The backlog metric's period: a queue that fills in minutes is seen within one. */
  readonly periodSeconds: number;
}

/** What the engines render. */
export interface ScalingPlan {
  /** Target tracking on requests per target, when asked. */
  readonly targetRequestsPerMinute?: number;
  /** How early predictive scaling launches ahead of the forecast. */
  readonly predictiveBufferSeconds: number;
  /** Step scaling on the queue's backlog, when a queue was given. */
  readonly queueSteps?: QueueScalingPlan;
  /** Scheduled minimums; none on a standby. */
  readonly prewarm: readonly {
    readonly schedule: string;
    readonly minCapacity: number;
    readonly endCapacity?: number;
  }[];
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const QUEUE_METRIC_PERIOD_SECONDS = 60;

/**
 * Plans a fleet's scaling.
 *
 * Request tracking holds `targetRequestsPerMinute` (> 0) per target; predictive scaling launches
 * `predictiveBufferSeconds` (default the warm-up, at most an hour) ahead of the forecast; a queue
 * scales out by one instance per AZ at `backlogPerInstance` messages per instance and by two per AZ
 * at twice it, in by one below half of it; a pre-warm raises the minimum to a value from the floor
 * to the maximum (never below: that would undo static stability) and its end returns it to the floor.
 *
 * Example: 3 AZs, floor 6, max 12, backlog 100 per instance, warm-up 300 s, a pre-warm to 9 at
 * 07:30 ending at 20:00: in by 1 below 50; out by 3 from 100, by 6 from 200; predictive buffer
 * 300 s; minimum 9 from 07:30, 6 from 20:00.
 */
export function planScaling(intent: ScalingIntent): ScalingPlan {
  const problems: PlanProblem[] = [];
  const fail = (prop: string, message: string) => problems.push({ prop, message });
  const requestProblem = requestTrackingProblem(intent.targetRequestsPerMinute);
  if (requestProblem) {
    fail('targetRequestsPerMinute', requestProblem);
  }
  const buffer = intent.predictiveBufferSeconds ?? intent.warmupSeconds;
  if (buffer > PREDICTIVE_SCALING_MAX_BUFFER_SECONDS) {
    fail(
      'predictiveSchedulingBuffer',
      'predictiveSchedulingBuffer must be at most 1 hour (the longest buffer predictive scaling accepts), ' +
        `got: ${humanSeconds(buffer)}`,
    );
  }
  if (intent.queue !== (intent.backlogPerInstance !== undefined)) {
    fail(
      intent.queue ? 'backlogPerInstance' : 'queue',
      `queue and backlogPerInstance must be given together, got: ${intent.queue ? 'queue' : 'backlogPerInstance'} alone`,
    );
  } else if (intent.backlogPerInstance !== undefined && !(intent.backlogPerInstance > 0)) {
    fail('backlogPerInstance', `backlogPerInstance must be greater than 0, got: ${intent.backlogPerInstance}`);
  }
  const prewarm = intent.prewarm ?? [];
  const { floorCapacity: floor, maxCapacity: max } = intent;
  for (const window of prewarm) {
    if (!Number.isInteger(window.minCapacity) || window.minCapacity < floor || window.minCapacity > max) {
      fail(
        'prewarm',
        `prewarm minCapacity must be an integer from the fleet's capacity (${floor}) to maxCapacity (${max}), ` +
          `got: ${window.minCapacity} for ${window.schedule}`,
      );
    }
  }
  const schedules = prewarm.map((p) => p.schedule);
  const repeated = schedules.find((s, i) => schedules.indexOf(s) !== i);
  if (repeated !== undefined) {
    fail('prewarm', `prewarm must not repeat a schedule, got: ${repeated} more than once`);
  }
  const backlog = intent.backlogPerInstance;
  return {
    targetRequestsPerMinute: intent.targetRequestsPerMinute,
    predictiveBufferSeconds: buffer,
    queueSteps: intent.queue && backlog !== undefined ? planQueueScaling(backlog, intent.zoneCount) : undefined,
    prewarm: intent.serving
      ? prewarm.map((p) => ({
          schedule: p.schedule,
          minCapacity: p.minCapacity,
          endCapacity: p.hasEnd ? floor : undefined,
        }))
      : [],
    problems,
    warnings: [],
  };
}

/** Request tracking scales out when requests per target pass the target: it must be above zero. */
export function requestTrackingProblem(targetRequestsPerMinute: number | undefined): string | undefined {
  return targetRequestsPerMinute !== undefined && !(targetRequestsPerMinute > 0)
    ? `targetRequestsPerMinute must be greater than 0, got: ${targetRequestsPerMinute}`
    : undefined;
}

/**
 * Step scaling on a queue's backlog per in-service instance: out by one instance per AZ (the group
 * stays balanced) at `backlogPerInstance`, by two per AZ at twice it; in by one below half of it.
 * Example: target 100 over 3 AZs → in by 1 below 50; out by 3 from 100, by 6 from 200.
 */
export function planQueueScaling(backlogPerInstance: number, zoneCount: number): QueueScalingPlan {
  return {
    lowerThreshold: backlogPerInstance / 2,
    lowerAdjustment: -1,
    upperThreshold: backlogPerInstance,
    // Bounds are relative to the upper threshold.
    upperAdjustments: [
      { adjustment: zoneCount, lowerBound: 0, upperBound: backlogPerInstance },
      { adjustment: 2 * zoneCount, lowerBound: backlogPerInstance },
    ],
    periodSeconds: QUEUE_METRIC_PERIOD_SECONDS,
  };
}

/** Seconds as aws-cdk-lib's `Duration.toHumanString()` writes them (`1 hour 30 minutes`). */
function humanSeconds(seconds: number): string {
  const parts: string[] = [];
  let left = seconds;
  for (const [unit, size] of [
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ] as const) {
    const count = Math.floor(left / size);
    if (count > 0) {
      parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
      left -= count * size;
    }
  }
  return parts.join(' ') || '0 seconds';
}
