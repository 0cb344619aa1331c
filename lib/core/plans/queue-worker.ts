import { PlanProblem, PlanWarning } from '../errors';
import { ServiceTier } from '../tier';

/**
 * The plan of a queue worker (`QueueWorker`): SQS queues drained by a Lambda function through event
 * source mappings, a dead-letter queue for messages that keep failing, and a priority lane whose share
 * of the function's concurrency the normal lane can never take, so core work survives a flood of the rest.
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
 * that a batch Lambda retries after a throttle is not received again while the first try still runs.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export const SQS_EVENT_SOURCE = {
  batchSize: { min: 1, max: 10_000, withoutWindow: 10 },
  batchingWindowMaxSeconds: 300,
  maxConcurrency: { min: 2, max: 1000 },
  visibilityTimeoutPerFunctionTimeout: 6,
} as const;

/** Defaults: Lambda's batch of 10 without a window, three receives before the dead-letter queue, 4 days kept. */
export const QUEUE_WORKER_DEFAULTS = {
  batchSize: 10,
  batchingWindowSeconds: 0,
  maxReceiveCount: 3,
  retentionSeconds: 4 * 24 * 3600,
} as const;

/** A queue worker as its props describe it, in core's terms. */
export interface QueueWorkerIntent {
  /** The consuming function's timeout and reserved concurrency (its bulkhead, shared by the lanes). */
  readonly handler: { readonly timeoutSeconds: number; readonly reservedConcurrency: number };
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
  /** The mapping's maximum concurrency. */
  readonly maxConcurrency: number;
  /** Age of the oldest message above which the lane alarms. */
  readonly maxMessageAgeSeconds: number;
}

/** The plan. */
export interface QueueWorkerPlan {
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
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const MINUTE = 60;

/**
 * Plans a queue worker.
 *
 * - **Lanes**: with `priorityConcurrency` p, the normal lane's mapping may run at most reserved − p
 *   executions, so p always remain for the priority lane, whose mapping may run up to all of them (it
 *   takes the normal lane's share when the normal lane is idle or throttled); both at least 2 (Lambda's
 *   minimum), at most 1,000. Without a priority lane the normal lane may run `reserved`.
 * - **Visibility timeout**: at least 6 × the handler's timeout + the batching window (Lambda's advice).
 * - **Dead letters**: after `maxReceiveCount` receives (3); kept 14 days, longer than the lanes keep them;
 *   alarm on any dead letter, and when the oldest is halfway to expiring.
 * - **Age**: each lane alarms when its oldest message is older than `maxMessageAge`; it must be shorter
 *   than the retention (a message expires before it alarms otherwise).
 *
 * Example: reserved 100, p 20, timeout 30 s, no window → normal lane ≤ 80, priority ≤ 100, visibility
 * 180 s, dead letters after 3 receives, kept 14 days, an alarm once the oldest is 7 days old.
 * @see https://sre.google/sre-book/handling-overload/ (criticality: shed the least critical work first)
 */
export function planQueueWorker(tier: ServiceTier, intent: QueueWorkerIntent): QueueWorkerPlan {
  // Every tier gets the same shape: a queue's objectives are the message age its owner sets, not the tier's.
  void tier;
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

  // ---- Batches -------------------------------------------------------------------------------
  const batchSize = intent.batchSize ?? QUEUE_WORKER_DEFAULTS.batchSize;
  const window = intent.batchingWindowSeconds ?? QUEUE_WORKER_DEFAULTS.batchingWindowSeconds;
  integer('batchSize', intent.batchSize, source.batchSize.min, source.batchSize.max);
  integer('maxBatchingWindow', intent.batchingWindowSeconds, 0, source.batchingWindowMaxSeconds, ' seconds');
  if (batchSize > source.batchSize.withoutWindow && window < 1) {
    problem(
      'maxBatchingWindow',
      `maxBatchingWindow must be at least 1 second when batchSize is above ${source.batchSize.withoutWindow} ` +
        `(Lambda's rule), got: ${window} s with batchSize ${batchSize}`,
    );
  }

  // ---- Lanes ---------------------------------------------------------------------------------
  const reserved = intent.handler.reservedConcurrency;
  const limits = source.maxConcurrency;
  const p = intent.priorityConcurrency;
  let normalConcurrency = Math.min(reserved, limits.max);
  let priorityConcurrency: number | undefined;
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
      normalConcurrency = Math.min(reserved - p, limits.max);
      priorityConcurrency = Math.min(reserved, limits.max);
    }
  } else if (reserved < limits.min) {
    problem(
      'handler',
      `handler's reservedConcurrency must be at least ${limits.min}, the least an SQS event source may run, ` +
        `got: ${reserved}`,
    );
  }

  // ---- Queues --------------------------------------------------------------------------------
  const retentionSeconds = intent.retentionSeconds ?? QUEUE_WORKER_DEFAULTS.retentionSeconds;
  integer('retentionPeriod', intent.retentionSeconds, SQS_RETENTION_SECONDS.min, SQS_RETENTION_SECONDS.max, ' s');
  const maxReceiveCount = intent.maxReceiveCount ?? QUEUE_WORKER_DEFAULTS.maxReceiveCount;
  integer('maxReceiveCount', intent.maxReceiveCount, SQS_MAX_RECEIVE_COUNT.min, SQS_MAX_RECEIVE_COUNT.max);
  const advised = source.visibilityTimeoutPerFunctionTimeout * intent.handler.timeoutSeconds + window;
  const visibilityTimeoutSeconds = intent.visibilityTimeoutSeconds ?? advised;
  if (
    integer('visibilityTimeout', intent.visibilityTimeoutSeconds, 0, SQS_VISIBILITY_TIMEOUT_MAX_SECONDS, ' s') &&
    visibilityTimeoutSeconds < advised
  ) {
    problem(
      'visibilityTimeout',
      `visibilityTimeout must be at least ${source.visibilityTimeoutPerFunctionTimeout} × the handler's timeout ` +
        `(${intent.handler.timeoutSeconds} s) + maxBatchingWindow (${window} s) = ${advised} s, or a batch is ` +
        `received again while it still runs, got: ${visibilityTimeoutSeconds} s`,
    );
  }
  if (advised > SQS_VISIBILITY_TIMEOUT_MAX_SECONDS) {
    problem(
      'handler',
      `handler's timeout must be short enough that 6 × it + maxBatchingWindow fits SQS's ` +
        `${SQS_VISIBILITY_TIMEOUT_MAX_SECONDS} s visibility timeout, got: ${intent.handler.timeoutSeconds} s`,
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
  if (age < advised) {
    warnings.push({
      id: 'maxMessageAge',
      message:
        `maxMessageAge ${age} s is shorter than one retry of a batch (the visibility timeout, ${advised} s): a ` +
        'single failed message makes the lane alarm',
    });
  }
  const deadLetterRetentionSeconds = SQS_RETENTION_SECONDS.max;

  return {
    batchSize,
    batchingWindowSeconds: window,
    visibilityTimeoutSeconds,
    retentionSeconds,
    maxReceiveCount,
    deadLetterRetentionSeconds,
    dataKeyReuseSeconds: SQS_DATA_KEY_REUSE_SECONDS,
    normal: { maxConcurrency: Math.max(normalConcurrency, limits.min), maxMessageAgeSeconds: age },
    priority:
      priorityConcurrency === undefined
        ? undefined
        : { maxConcurrency: priorityConcurrency, maxMessageAgeSeconds: age },
    deadLetterAlarm: { periodSeconds: MINUTE, threshold: 0 },
    deadLetterAgeAlarm: { periodSeconds: MINUTE, thresholdSeconds: deadLetterRetentionSeconds / 2 },
    ageAlarmPeriodSeconds: MINUTE,
    problems,
    warnings,
  };
}
