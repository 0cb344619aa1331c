import { PlanProblem, PlanWarning } from '../errors';
import { GOOGLE_SCALING_SCHEDULE_MIN_SECONDS, PREDICTIVE_SCALING_MAX_BUFFER_SECONDS } from '../figures';

/**
 * The plan of a fleet's scaling beyond its CPU target: request tracking, predictive scaling's
 * buffer, step scaling on a queue's backlog and scheduled pre-warming. The floor it never goes
 * below is the fleet plan's statically stable capacity: scaling only ever adds to it.
 */

/** A scheduled raise of the minimum, as the props give it. */
export interface PrewarmIntent {
  /** The schedule's expression: it names an unnamed window in messages and construct ids. */
  readonly schedule: string;
  readonly minCapacity: number;
  /** Whether an end schedule returns the minimum to the floor. */
  readonly hasEnd: boolean;
  /** The window's name, where the engine names its windows (Google's scaling schedules): unique in the fleet. */
  readonly name?: string;
  /** How long the window holds, where the engine states it instead of an end (Google's scaling schedules). */
  readonly durationSeconds?: number;
  /** Time zone of the schedule, passed through to the plan. */
  readonly timeZone?: string;
}

/** How the engine's props name the pre-warm windows, for messages. */
export interface PrewarmPropNames {
  /** The prop that lists the windows (`prewarm`, `prewarmSchedules`). */
  readonly prop: string;
  /** A window's minimum (`minCapacity`, `minInstances`). */
  readonly minCapacity: string;
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
  /**
   * Whether a window is a second minimum the autoscaler keeps beside the fleet's own, holding the
   * larger (Google's scaling schedules), rather than a new value of the group's minimum (AWS
   * scheduled actions). A second floor can neither undo static stability nor, on a standby, undo
   * the minimum its runbook raised: any minimum up to the maximum is safe, and a standby keeps it.
   * @default false
   */
  readonly prewarmIsSecondFloor?: boolean;
  /** @default - `prewarm` and `minCapacity` (the AWS fleets' props) */
  readonly prewarmNames?: PrewarmPropNames;
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
  /** Scheduled minimums; none on a standby whose windows would set its minimum. */
  readonly prewarm: readonly PrewarmWindowPlan[];
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** A pre-warm window the engine renders. */
export interface PrewarmWindowPlan {
  readonly schedule: string;
  readonly minCapacity: number;
  /** The minimum its end schedule sets: the floor; undefined when it has none or holds for a duration. */
  readonly endCapacity?: number;
  /** Name, duration and time zone, where the intent gave them. */
  readonly name?: string;
  readonly durationSeconds?: number;
  readonly timeZone?: string;
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
 * A pre-warm that is a second floor (Google's scaling schedules: the autoscaler keeps the larger of
 * it and the fleet's minimum) may be anything from 0 to the maximum, lasts at least 300 s, and
 * stays on a standby, where it cannot lower the minimum the runbook raised (see `prewarmProblems`).
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
  problems.push(...prewarmProblems(intent));
  const prewarm = intent.prewarm ?? [];
  const floor = intent.floorCapacity;
  const backlog = intent.backlogPerInstance;
  return {
    targetRequestsPerMinute: intent.targetRequestsPerMinute,
    predictiveBufferSeconds: buffer,
    queueSteps: intent.queue && backlog !== undefined ? planQueueScaling(backlog, intent.zoneCount) : undefined,
    prewarm:
      intent.serving || intent.prewarmIsSecondFloor
        ? prewarm.map((p) => ({
            schedule: p.schedule,
            minCapacity: p.minCapacity,
            endCapacity: p.hasEnd ? floor : undefined,
            ...(p.name === undefined ? {} : { name: p.name }),
            ...(p.durationSeconds === undefined ? {} : { durationSeconds: p.durationSeconds }),
            ...(p.timeZone === undefined ? {} : { timeZone: p.timeZone }),
          }))
        : [],
    problems,
    warnings: [],
  };
}

/**
 * The problems of the pre-warm windows. A window that sets the group's minimum (AWS) holds from the
 * floor to the maximum: below the floor it would undo static stability. A second floor (Google)
 * holds from 0 to the maximum and lasts at least the autoscaler's shortest schedule. Named windows
 * are named once; unnamed ones are told apart by their schedule.
 *
 * Example: floor 6, max 12: AWS `cron(0 8 * * ? *)` to 5 is refused, to 9 is kept; Google
 * `morning` to 5 for 3600 s is kept (the floor of 6 still holds), for 60 s refused.
 */
function prewarmProblems(intent: ScalingIntent): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const { prop, minCapacity: minName } = intent.prewarmNames ?? { prop: 'prewarm', minCapacity: 'minCapacity' };
  const { floorCapacity: floor, maxCapacity: max } = intent;
  const lowest = intent.prewarmIsSecondFloor ? 0 : floor;
  const windows = intent.prewarm ?? [];
  for (const window of windows) {
    const at = window.name === undefined ? undefined : `${prop}[${window.name}]`;
    const duration = window.durationSeconds;
    if (duration !== undefined && (!Number.isInteger(duration) || duration < GOOGLE_SCALING_SCHEDULE_MIN_SECONDS)) {
      problems.push({
        prop: `${at ?? prop}.durationSeconds`,
        message:
          `${at ?? prop}.durationSeconds must be an integer of at least ${GOOGLE_SCALING_SCHEDULE_MIN_SECONDS}, ` +
          `got: ${duration}`,
      });
    }
    const min = window.minCapacity;
    if (!Number.isInteger(min) || min < lowest || min > max) {
      problems.push({
        prop: at === undefined ? prop : `${at}.${minName}`,
        message:
          at === undefined
            ? `${prop} ${minName} must be an integer from the fleet's capacity (${floor}) to maxCapacity (${max}), ` +
              `got: ${min} for ${window.schedule}`
            : `${at}.${minName} must be an integer from ${lowest} to ${max}, got: ${min}`,
      });
    }
  }
  const named = windows.some((w) => w.name !== undefined);
  const keys = windows.map((w) => (named ? w.name : w.schedule));
  const repeated = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
  if (repeated.length > 0) {
    problems.push({
      prop,
      message: named
        ? `${prop} must have unique names, got: ${repeated.join(', ')} more than once`
        : `${prop} must not repeat a schedule, got: ${repeated[0]} more than once`,
    });
  }
  return problems;
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
