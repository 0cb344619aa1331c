import { PlanProblem, PlanWarning } from '../errors';
import { ServiceTier } from '../tier';

/**
 * The plan of a queue worker (`QueueWorker`): SQS queues drained by a Lambda function through event
 * source mappings or by an ECS service that scales on its backlog per task, a dead-letter queue for
 * messages that keep failing, and a priority lane that core work survives a flood of the rest through:
 * a share of the function's concurrency the normal lane can never take, or the service's tasks draining
 * it first.
 */

/**
 * SQS: a message is kept 60 s to 14 days; visibility timeout 0 to 12 h; a redrive policy moves a message
 * to the dead-letter queue after 1 to 1,000 receives. The dead-letter queue keeps a standard queue's
 * message by its original enqueue time, so it must keep messages longer than the source queue does.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
export const SQS_RETENTION_SECONDS = { min: 60, max: 14 * 24 * 3600 } as const;
export const SQS_VISIBILITY_TIMEOUT_MAX_SECONDS = 12 * 3600;
export const SQS_MAX_RECEIVE_COUNT = { min: 1, max: 1000 } as const;
/**
 * A queue's name: at most 80 characters. How long SQS may reuse a data key before it asks KMS again: 60 s
 * to 24 h (5 min by default); a longer reuse means fewer KMS calls, which a KMS throttle would stop.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
 */
export const SQS_QUEUE_NAME_MAX_LENGTH = 80;
export const SQS_DATA_KEY_REUSE_SECONDS = 300;

/**
 * Lambda's SQS event source: a batch of 1 to 10,000 messages (above 10 only with a batching window of
 * at least 1 s), a window of 0 to 300 s, a maximum concurrency of 2 to 1,000 per mapping; the queue's
 * visibility timeout should be at least six times the function's timeout plus the batching window, so
 * that a batch Lambda retries after a throttle is not received again while the first try still runs;
 * and the redrive policy's maxReceiveCount at least 5 under load: a batch returned after a throttle
 * counts as a receive, so fewer would dead-letter messages no invocation failed on.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/sqs-retries.html
 */
export const SQS_EVENT_SOURCE = {
  batchSize: { min: 1, max: 10_000, withoutWindow: 10 },
  batchingWindowMaxSeconds: 300,
  maxConcurrency: { min: 2, max: 1000 },
  visibilityTimeoutPerFunctionTimeout: 6,
  maxReceiveCountUnderLoad: 5,
} as const;

/**
 * An ECS consumer receives at most 10 messages per ReceiveMessage call (`MaxNumberOfMessages`).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */
export const SQS_RECEIVE_MAX_MESSAGES = 10;

/**
 * An Application Auto Scaling policy's name: at most 256 characters.
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
 */
export const SCALING_POLICY_NAME_MAX_LENGTH = 256;

/**
 * ECS gives a stopping task's containers 30 s after SIGTERM (the default `stopTimeout`) before it kills
 * them; a task stopped by scale-in or a deployment abandons the messages it has not deleted by then.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
 */
export const ECS_DEFAULT_STOP_TIMEOUT_SECONDS = 30;

/**
 * Defaults: Lambda's batch of 10 without a window, 4 days kept; a service's tasks dead-letter a message after
 * three receives (a receive counts only when a task failed it or stopped with it), a function's after Lambda's
 * advised five (`SQS_EVENT_SOURCE.maxReceiveCountUnderLoad`).
 */
export const QUEUE_WORKER_DEFAULTS = {
  batchSize: 10,
  batchingWindowSeconds: 0,
  maxReceiveCount: 3,
  retentionSeconds: 4 * 24 * 3600,
} as const;

/** An ECS service that drains the lanes, in core's terms. */
export interface QueueServiceConsumerIntent {
  /**
   * Seconds a task takes to process one message: a high percentile (p90 or above) measured under load.
   * A shorter figure sets a backlog target the tasks cannot drain within `maxMessageAge`.
   */
  readonly processingSeconds: number;
  /** Messages a task processes at once. @default 1 */
  readonly messagesPerTask?: number;
  /** The service's scaling minimum: its statically stable count, which scale-in never goes below. */
  readonly minCount: number;
  /** The service's literal maximum. */
  readonly maxCount: number;
  /**
   * Whether the service's cluster publishes Container Insights' RunningTaskCount (ENABLED or ENHANCED);
   * undefined when the engine cannot tell (an imported cluster, or the account's default setting).
   */
  readonly runningTaskCountPublished?: boolean;
}

/** A queue worker as its props describe it, in core's terms: exactly one of `handler` and `service`. */
export interface QueueWorkerIntent {
  /** The consuming function's timeout and reserved concurrency (its bulkhead, shared by the lanes). */
  readonly handler?: { readonly timeoutSeconds: number; readonly reservedConcurrency: number };
  /** The consuming ECS service. */
  readonly service?: QueueServiceConsumerIntent;
  /**
   * Whether there is a priority lane.
   * @default - with a handler, whether priorityConcurrency is given; with a consumerService, false
   */
  readonly priorityLane?: boolean;
  /** How long a message may wait before its work is late: the age alarm of each lane. */
  readonly maxMessageAgeSeconds: number;
  /** Executions only the priority lane may use; undefined: no priority lane. */
  readonly priorityConcurrency?: number;
  readonly batchSize?: number;
  readonly batchingWindowSeconds?: number;
  readonly maxReceiveCount?: number;
  /** How long the lanes keep a message. */
  readonly retentionSeconds?: number;
  /** The queues' visibility timeout. @default - six times the handler's timeout plus the batching window */
  readonly visibilityTimeoutSeconds?: number;
}

/** One lane: a queue and the event source mapping that drains it. */
export interface QueueLanePlan {
  /** The Lambda event source mapping's maximum concurrency; undefined for a service consumer. */
  readonly maxConcurrency?: number;
  /** Age of the oldest message above which the lane alarms. */
  readonly maxMessageAgeSeconds: number;
}

/**
 * Target tracking of an ECS consumer's task count on the lanes' backlog per running task.
 * The metric-math ids are `normal`, `priority` (absent without a priority lane) and `tasks`.
 */
export interface QueueBacklogScalingPlan {
  /** Messages per running task the policy holds. */
  readonly targetBacklogPerTask: number;
  /** The expression over the lanes' visible messages and the running tasks (both lanes count alike). */
  readonly expression: string;
  /** Period of the metrics (SQS and Container Insights publish every minute). */
  readonly periodSeconds: number;
  /** Scale out again after a minute: a growing backlog adds tasks every period. */
  readonly scaleOutCooldownSeconds: number;
  /** Scale in after five: the tail of a burst does not remove the tasks the next one needs. */
  readonly scaleInCooldownSeconds: number;
  /** The scalable target's minimum, the service's statically stable count: scale-in stops there. */
  readonly minCount: number;
  /** The literal maximum. */
  readonly maxCount: number;
  /** Messages per minute `maxCount` tasks process: above it the backlog grows whatever scaling does. */
  readonly maxMessagesPerMinute: number;
}

/** The plan. */
export interface QueueWorkerPlan {
  /** What drains the lanes. */
  readonly consumer: 'function' | 'service';
  /** Messages per batch: an event source's batch, or what a task receives per call. */
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  readonly maxReceiveCount: number;
  /** The dead-letter queue keeps messages SQS's longest, 14 days (longer than any source queue). */
  readonly deadLetterRetentionSeconds: number;
  /** How long SQS reuses a data key of the queues' key. */
  readonly dataKeyReuseSeconds: number;
  readonly normal: QueueLanePlan;
  /** Undefined without a priority lane. */
  readonly priority?: QueueLanePlan;
  /** Any message in the dead-letter queue, over one minute: a ticket (someone reads and redrives it). */
  readonly deadLetterAlarm: { readonly periodSeconds: number; readonly threshold: number };
  /** The oldest dead letter is halfway to expiring: redrive or keep it before SQS deletes it. */
  readonly deadLetterAgeAlarm: { readonly periodSeconds: number; readonly thresholdSeconds: number };
  /** Period of the lanes' age alarms (SQS publishes its metrics every minute). */
  readonly ageAlarmPeriodSeconds: number;
  /** The service consumer's scaling; undefined for a function. */
  readonly backlogScaling?: QueueBacklogScalingPlan;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const MINUTE = 60;
/** SQS's own default visibility timeout: the least a service consumer's lanes get. */
const SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
/** A scaled-in task's messages come back after the visibility timeout: scale in slowly. */
const BACKLOG_SCALE_IN_COOLDOWN_SECONDS = 5 * MINUTE;

/**
 * Plans a queue worker.
 *
 * - **Lanes**: with `priorityConcurrency` p, the normal lane's mapping may run at most reserved − p
 *   executions, so p always remain for the priority lane, whose mapping may run up to all of them (it
 *   takes the normal lane's share when the normal lane is idle or throttled); both at least 2 (Lambda's
 *   minimum), at most 1,000. Without a priority lane the normal lane may run `reserved`.
 * - **Visibility timeout**: at least 6 × the handler's timeout + the batching window (Lambda's advice).
 * - **Dead letters**: after `maxReceiveCount` receives (5: Lambda's advice, as a throttle counts as one; fewer
 *   warns); kept 14 days, longer than the lanes keep them;
 *   alarm on any dead letter, and when the oldest is halfway to expiring. A message that keeps failing
 *   reaches the dead-letter queue about `maxReceiveCount` × the visibility timeout after its first
 *   receive, which must be shorter than the lanes' retention (it would expire unseen otherwise).
 * - **Age**: each lane alarms when its oldest message is older than `maxMessageAge`; it must be shorter
 *   than the retention (a message expires before it alarms otherwise).
 *
 * Example: reserved 100, p 20, timeout 30 s, no window → normal lane ≤ 80, priority ≤ 100, visibility
 * 180 s, dead letters after 5 receives, kept 14 days, an alarm once the oldest is 7 days old.
 *
 * **An ECS service consumer** (`consumerService`) receives up to `batchSize` (≤ 10) messages a call, processes
 * `messagesPerTask` (m) at a time, each in `processingSeconds` (t), and drains the priority lane first:
 * - **Visibility timeout**: a batch takes ⌈batch / m⌉ × t, the least allowed; by default twice that
 *   (t is a percentile: a slower batch still finishes before its messages reappear), at least SQS's 30 s,
 *   but no longer than the tier's AZ RTO unless one batch is: the messages a lost AZ's tasks held
 *   reappear only when it ends (a warning says so when it is longer).
 * - **Backlog per task** (AWS's pattern: acceptable latency / processing time per message): a task must
 *   drain its backlog in half of `maxMessageAge`, the other half left to scaling out (the policy's alarm
 *   and the new task's start, which no provider publishes: a load drill measures them), so the target
 *   is ⌊m × (maxMessageAge / 2) / t⌋, at least 1. Both lanes count alike: every message costs a task t
 *   whichever lane it is in, and weighting the priority lane would not make it faster, since the tasks
 *   drain it first; at the maximum only the normal lane waits, as long as priority work alone arrives
 *   slower than `maxCount` tasks drain it.
 * - **Bounds**: the scalable target's own, the service's statically stable minimum and literal maximum;
 *   out again after 60 s, in after 300 s.
 *
 * Example (service, TIER_1): batch 10, m 1, t 2 s, maxMessageAge 10 min, 6 to 30 tasks → visibility 40 s,
 * target 150 messages per task (a task drains 150 in 300 s), at most 900 messages a minute at 30 tasks.
 * @see https://sre.google/sre-book/handling-overload/ (criticality: shed the least critical work first)
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
 */
export function planQueueWorker(tier: ServiceTier, intent: QueueWorkerIntent): QueueWorkerPlan {
  // A queue's objectives are the message age its owner sets; the tier bounds only how long a lost AZ's
  // messages stay hidden (a service consumer's visibility timeout).
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });
  const integer = (prop: string, value: number | undefined, min: number, max: number, unit = '') => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      problem(prop, `${prop} must be an integer from ${min} to ${max}${unit}, got: ${String(value)}`);
      return false;
    }
    return true;
  };
  const source = SQS_EVENT_SOURCE;
  const { handler, service } = intent;
  if ((handler === undefined) === (service === undefined)) {
    problem(
      'handler',
      `exactly one of handler and consumerService must be given, got: ${handler ? 'both' : 'neither'}`,
    );
  }

  // ---- Batches -------------------------------------------------------------------------------
  const batchSize = intent.batchSize ?? QUEUE_WORKER_DEFAULTS.batchSize;
  const window = intent.batchingWindowSeconds ?? QUEUE_WORKER_DEFAULTS.batchingWindowSeconds;
  if (service) {
    integer('batchSize', intent.batchSize, 1, SQS_RECEIVE_MAX_MESSAGES);
    if (intent.batchingWindowSeconds !== undefined) {
      problem(
        'maxBatchingWindow',
        "maxBatchingWindow applies to a handler's event source, not to a service's tasks, got: " +
          `${intent.batchingWindowSeconds} s with a consumerService`,
      );
    }
  } else {
    integer('batchSize', intent.batchSize, source.batchSize.min, source.batchSize.max);
    integer('maxBatchingWindow', intent.batchingWindowSeconds, 0, source.batchingWindowMaxSeconds, ' seconds');
    if (batchSize > source.batchSize.withoutWindow && window < 1) {
      problem(
        'maxBatchingWindow',
        `maxBatchingWindow must be at least 1 second when batchSize is above ${source.batchSize.withoutWindow} ` +
          `(Lambda's rule), got: ${window} s with batchSize ${batchSize}`,
      );
    }
  }

  // ---- Lanes ---------------------------------------------------------------------------------
  const p = intent.priorityConcurrency;
  let lanes: { normal?: number; priority?: number; hasPriority: boolean } = {
    hasPriority: intent.priorityLane ?? false,
  };
  if (handler) {
    lanes = planFunctionLanes(handler.reservedConcurrency, p, intent.priorityLane, problem);
  } else if (p !== undefined) {
    problem(
      'priorityConcurrency',
      "priorityConcurrency shares a handler's executions; a service's tasks drain the priority lane first " +
        `instead (set priorityLane), got: ${p} with a consumerService`,
    );
  }

  // ---- Queues --------------------------------------------------------------------------------
  const retentionSeconds = intent.retentionSeconds ?? QUEUE_WORKER_DEFAULTS.retentionSeconds;
  integer('retentionPeriod', intent.retentionSeconds, SQS_RETENTION_SECONDS.min, SQS_RETENTION_SECONDS.max, ' s');
  const advisedReceives = SQS_EVENT_SOURCE.maxReceiveCountUnderLoad;
  const maxReceiveCount = intent.maxReceiveCount ?? (handler ? advisedReceives : QUEUE_WORKER_DEFAULTS.maxReceiveCount);
  if (handler && maxReceiveCount < advisedReceives) {
    warnings.push({
      id: 'maxReceiveCount',
      message:
        `maxReceiveCount ${maxReceiveCount} is below the ${advisedReceives} Lambda advises under load: a batch ` +
        'returned after a throttle counts as a receive, so messages no invocation failed on reach the ' +
        'dead-letter queue',
    });
  }
  const receivesValid = integer(
    'maxReceiveCount',
    intent.maxReceiveCount,
    SQS_MAX_RECEIVE_COUNT.min,
    SQS_MAX_RECEIVE_COUNT.max,
  );
  const visibility = handler
    ? functionVisibility(handler.timeoutSeconds, window, intent.visibilityTimeoutSeconds, problem)
    : service
      ? serviceVisibility(service, batchSize, intent.visibilityTimeoutSeconds, tier, problem, warnings)
      : { advised: 0, seconds: intent.visibilityTimeoutSeconds ?? 0 };
  integer('visibilityTimeout', intent.visibilityTimeoutSeconds, 0, SQS_VISIBILITY_TIMEOUT_MAX_SECONDS, ' s');
  const visibilityTimeoutSeconds = visibility.seconds;
  const untilDeadLetter = maxReceiveCount * visibilityTimeoutSeconds;
  if (receivesValid && untilDeadLetter >= retentionSeconds) {
    problem(
      'maxReceiveCount',
      `maxReceiveCount × visibilityTimeout must be shorter than the retentionPeriod (${retentionSeconds} s), or a ` +
        'message that keeps failing expires before it reaches the dead-letter queue, got: ' +
        `${maxReceiveCount} × ${visibilityTimeoutSeconds} s = ${untilDeadLetter} s`,
    );
  }

  // ---- Alarms --------------------------------------------------------------------------------
  const age = intent.maxMessageAgeSeconds;
  if (typeof age !== 'number' || !Number.isFinite(age) || age < MINUTE || age >= retentionSeconds) {
    problem(
      'maxMessageAge',
      `maxMessageAge must be at least 60 s (SQS's metric period) and shorter than the retentionPeriod ` +
        `(${retentionSeconds} s): a message would expire before its lane alarms, got: ${age} s`,
    );
  }
  const retrySeconds = Math.max(visibility.advised, visibilityTimeoutSeconds);
  if (age < retrySeconds) {
    warnings.push({
      id: 'maxMessageAge',
      message:
        `maxMessageAge ${age} s is shorter than one retry of a batch (the visibility timeout, ${retrySeconds} s): ` +
        'a single failed message makes the lane alarm',
    });
  }
  const deadLetterRetentionSeconds = SQS_RETENTION_SECONDS.max;
  const backlogScaling = service
    ? planBacklogScaling(service, { age, batchSize, hasPriority: lanes.hasPriority }, problem, warnings)
    : undefined;

  return {
    consumer: service ? 'service' : 'function',
    batchSize,
    batchingWindowSeconds: service ? 0 : window,
    visibilityTimeoutSeconds,
    retentionSeconds,
    maxReceiveCount,
    deadLetterRetentionSeconds,
    dataKeyReuseSeconds: SQS_DATA_KEY_REUSE_SECONDS,
    normal: { maxConcurrency: lanes.normal, maxMessageAgeSeconds: age },
    priority: lanes.hasPriority ? { maxConcurrency: lanes.priority, maxMessageAgeSeconds: age } : undefined,
    deadLetterAlarm: { periodSeconds: MINUTE, threshold: 0 },
    deadLetterAgeAlarm: { periodSeconds: MINUTE, thresholdSeconds: deadLetterRetentionSeconds / 2 },
    ageAlarmPeriodSeconds: MINUTE,
    backlogScaling,
    problems,
    warnings,
  };
}

type Problem = (prop: string, message: string) => void;

/** The event source mappings' maximum concurrency of each lane, from the handler's bulkhead. */
function planFunctionLanes(
  reserved: number,
  p: number | undefined,
  priorityLane: boolean | undefined,
  problem: Problem,
): { normal: number; priority?: number; hasPriority: boolean } {
  const limits = SQS_EVENT_SOURCE.maxConcurrency;
  let normal = Math.min(reserved, limits.max);
  let priority: number | undefined;
  if (priorityLane !== undefined && priorityLane !== (p !== undefined)) {
    problem(
      'priorityLane',
      "priorityLane with a handler follows priorityConcurrency (the lane's share of the handler), got: " +
        `priorityLane ${priorityLane} with priorityConcurrency ${p === undefined ? 'unset' : p}`,
    );
  }
  if (p !== undefined) {
    const most = Math.min(reserved - limits.min, limits.max);
    if (!Number.isInteger(p) || p < limits.min || p > most) {
      problem(
        'priorityConcurrency',
        `priorityConcurrency must be an integer from ${limits.min} to ${most} (the handler's reservedConcurrency ` +
          `${reserved} − ${limits.min}, so that the normal lane's event source may run Lambda's minimum of ` +
          `${limits.min}; at most an event source's ${limits.max}), got: ${p}`,
      );
    } else {
      normal = Math.min(reserved - p, limits.max);
      priority = Math.min(reserved, limits.max);
    }
  } else if (reserved < limits.min) {
    problem(
      'handler',
      `handler's reservedConcurrency must be at least ${limits.min}, the least an SQS event source may run, ` +
        `got: ${reserved}`,
    );
  }
  return { normal: Math.max(normal, limits.min), priority, hasPriority: priority !== undefined };
}

/** A function consumer's visibility timeout: 6 × its timeout + the batching window, or more. */
function functionVisibility(
  timeoutSeconds: number,
  window: number,
  given: number | undefined,
  problem: Problem,
): { advised: number; seconds: number } {
  const factor = SQS_EVENT_SOURCE.visibilityTimeoutPerFunctionTimeout;
  const advised = factor * timeoutSeconds + window;
  const seconds = given ?? advised;
  if (
    given !== undefined &&
    Number.isInteger(given) &&
    given <= SQS_VISIBILITY_TIMEOUT_MAX_SECONDS &&
    given < advised
  ) {
    problem(
      'visibilityTimeout',
      `visibilityTimeout must be at least ${factor} × the handler's timeout ` +
        `(${timeoutSeconds} s) + maxBatchingWindow (${window} s) = ${advised} s, or a batch is ` +
        `received again while it still runs, got: ${seconds} s`,
    );
  }
  if (advised > SQS_VISIBILITY_TIMEOUT_MAX_SECONDS) {
    problem(
      'handler',
      `handler's timeout must be short enough that 6 × it + maxBatchingWindow fits SQS's ` +
        `${SQS_VISIBILITY_TIMEOUT_MAX_SECONDS} s visibility timeout, got: ${timeoutSeconds} s`,
    );
  }
  return { advised, seconds };
}

/**
 * A service consumer's visibility timeout: at least one batch's processing; by default twice it (at least
 * SQS's 30 s), that margin capped at the tier's AZ RTO: the messages a lost AZ's tasks were processing
 * reappear only when it ends.
 */
function serviceVisibility(
  service: QueueServiceConsumerIntent,
  batchSize: number,
  given: number | undefined,
  tier: ServiceTier,
  problem: Problem,
  warnings: PlanWarning[],
): { advised: number; seconds: number } {
  const t = service.processingSeconds;
  const m = service.messagesPerTask ?? 1;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
    problem('processingTime', `processingTime must be a duration greater than 0, got: ${t} s`);
    return { advised: 0, seconds: given ?? SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS };
  }
  if (!Number.isInteger(m) || m < 1) {
    problem('messagesPerTask', `messagesPerTask must be an integer of at least 1, got: ${m}`);
    return { advised: 0, seconds: given ?? SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS };
  }
  const rounds = Math.ceil(batchSize / m);
  const batchSeconds = Math.ceil(rounds * t);
  const margin = Math.max(2 * batchSeconds, SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS);
  const advised = Math.max(batchSeconds, Math.min(margin, tier.azRtoSeconds));
  const seconds = given ?? advised;
  if (seconds > tier.azRtoSeconds) {
    warnings.push({
      id: 'visibilityTimeout',
      message:
        `the visibility timeout (${seconds} s) is longer than ${tier.name}'s AZ RTO (${tier.azRtoSeconds} s): the ` +
        "messages a lost AZ's tasks were processing reappear only after it; a smaller batchSize or more " +
        'messagesPerTask shortens a batch',
    });
  }
  if (given !== undefined && given < batchSeconds) {
    problem(
      'visibilityTimeout',
      `visibilityTimeout must be at least ⌈batchSize (${batchSize}) / messagesPerTask (${m})⌉ × processingTime ` +
        `(${t} s) = ${batchSeconds} s, or a message is received again while its batch still runs, got: ${given} s`,
    );
  }
  if (batchSeconds > SQS_VISIBILITY_TIMEOUT_MAX_SECONDS) {
    problem(
      'processingTime',
      `processingTime must let a batch finish within SQS's ${SQS_VISIBILITY_TIMEOUT_MAX_SECONDS} s visibility ` +
        `timeout (⌈batchSize / messagesPerTask⌉ × processingTime), got: ${t} s for ${rounds} rounds`,
    );
  }
  return { advised: batchSeconds, seconds };
}

/** Target tracking of a service consumer on its backlog per running task. */
function planBacklogScaling(
  service: QueueServiceConsumerIntent,
  lanes: { age: number; batchSize: number; hasPriority: boolean },
  problem: Problem,
  warnings: PlanWarning[],
): QueueBacklogScalingPlan | undefined {
  const t = service.processingSeconds;
  const m = service.messagesPerTask ?? 1;
  if (!(t > 0) || !Number.isInteger(m) || m < 1 || !(lanes.age >= MINUTE)) {
    return undefined; // Already a problem.
  }
  const drainSeconds = lanes.age / 2;
  const target = Math.floor((m * drainSeconds) / t);
  if (target < 1) {
    problem(
      'processingTime',
      `processingTime must let a task drain at least one message in half of maxMessageAge (${drainSeconds} s; ` +
        `the other half is left to scaling out), got: ${t} s with messagesPerTask ${m}`,
    );
  }
  if (service.runningTaskCountPublished === false) {
    problem(
      'consumerService',
      "consumerService's cluster must publish Container Insights (containerInsights ENABLED or ENHANCED): " +
        'the backlog per task divides by its RunningTaskCount, and target tracking does not scale on a metric ' +
        'without data, got: a cluster without Container Insights',
    );
  } else if (service.runningTaskCountPublished === undefined) {
    warnings.push({
      id: 'runningTaskCount',
      message:
        "consumerService's cluster may not publish Container Insights' RunningTaskCount (it was not created with " +
        'containerInsights ENABLED or ENHANCED): without it the backlog per task has no data and the worker ' +
        'scales on CPU only; enable Container Insights on the cluster',
    });
  }
  if (service.minCount === 0) {
    warnings.push({
      id: 'minCount',
      message:
        'the service runs no task at its minimum (a pilot-light standby): that target tracking starts the first ' +
        "task from zero on a backlog is not proven by the template; the standby's failover runbook raises it",
    });
  }
  const rounds = Math.ceil(lanes.batchSize / m);
  if (rounds * t > ECS_DEFAULT_STOP_TIMEOUT_SECONDS) {
    warnings.push({
      id: 'processingTime',
      message:
        `a batch takes ${rounds} × ${t} s, longer than the ${ECS_DEFAULT_STOP_TIMEOUT_SECONDS} s ECS gives a ` +
        'stopping task: messages a task scaled in or replaced has not finished are received again after the ' +
        'visibility timeout (late, and twice: make processing idempotent)',
    });
  }
  const backlog = lanes.hasPriority ? 'FILL(normal, 0) + FILL(priority, 0)' : 'FILL(normal, 0)';
  return {
    targetBacklogPerTask: Math.max(target, 1),
    expression: `IF(tasks > 0, (${backlog}) / tasks, ${backlog})`,
    periodSeconds: MINUTE,
    scaleOutCooldownSeconds: MINUTE,
    scaleInCooldownSeconds: BACKLOG_SCALE_IN_COOLDOWN_SECONDS,
    minCount: service.minCount,
    maxCount: service.maxCount,
    maxMessagesPerMinute: Math.floor((service.maxCount * m * MINUTE) / t),
  };
}
