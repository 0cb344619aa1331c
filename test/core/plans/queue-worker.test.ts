import * as fc from 'fast-check';
import { ServiceTier } from '../../../lib/core';
import { planQueueWorker, QueueWorkerIntent, QueueWorkerPlan } from '../../../lib/core/plans/queue-worker';

const BASE: QueueWorkerIntent = {
  handler: { timeoutSeconds: 30, reservedConcurrency: 100 },
  maxMessageAgeSeconds: 600,
};

function plan(intent: Partial<QueueWorkerIntent> = {}): QueueWorkerPlan {
  return planQueueWorker(ServiceTier.TIER_0, { ...BASE, ...intent });
}

describe('planQueueWorker by table', () => {
  test('the worked example of the doc comment', () => {
    expect(plan({ priorityConcurrency: 20 })).toMatchObject({
      batchSize: 10,
      batchingWindowSeconds: 0,
      visibilityTimeoutSeconds: 180,
      retentionSeconds: 345_600,
      maxReceiveCount: 5,
      deadLetterRetentionSeconds: 1_209_600,
      normal: { maxConcurrency: 80, maxMessageAgeSeconds: 600 },
      priority: { maxConcurrency: 100, maxMessageAgeSeconds: 600 },
      deadLetterAlarm: { periodSeconds: 60, threshold: 0 },
      deadLetterAgeAlarm: { periodSeconds: 60, thresholdSeconds: 604_800 },
      problems: [],
      warnings: [],
    });
  });

  test('without a priority lane the normal lane may run the whole bulkhead', () => {
    const p = plan();
    expect(p.priority).toBeUndefined();
    expect(p.normal.maxConcurrency).toBe(100);
  });

  test.each<[string, Partial<QueueWorkerIntent>, string, string]>([
    ['a priority share leaving the normal lane under 2', { priorityConcurrency: 99 }, 'priorityConcurrency', 'got: 99'],
    ['a priority share under 2', { priorityConcurrency: 1 }, 'priorityConcurrency', 'from 2 to'],
    ['a visibility timeout under 6 × the timeout', { visibilityTimeoutSeconds: 60 }, 'visibilityTimeout', '= 180 s'],
    ['a large batch without a window', { batchSize: 100 }, 'maxBatchingWindow', 'at least 1 second'],
    ['a message age beyond the retention', { maxMessageAgeSeconds: 400_000 }, 'maxMessageAge', 'shorter than'],
    ['no receive', { maxReceiveCount: 0 }, 'maxReceiveCount', 'from 1 to 1000'],
    [
      'a function too slow for SQS',
      { handler: { timeoutSeconds: 9000, reservedConcurrency: 100 } },
      'handler',
      '43200',
    ],
    ['a bulkhead of one', { handler: { timeoutSeconds: 30, reservedConcurrency: 1 } }, 'handler', 'at least 2'],
  ])('%s is refused, naming the prop', (_, intent, prop, message) => {
    const found = plan(intent).problems.find((p) => p.prop === prop);
    expect(found?.message).toContain(message);
  });

  test('fewer receives than Lambda advises under load warn: a throttled batch counts as one', () => {
    expect(plan({ maxReceiveCount: 3 }).warnings.map((w) => w.id)).toEqual(['maxReceiveCount']);
    expect(plan({ maxReceiveCount: 5 }).warnings).toEqual([]);
  });

  test('an age objective shorter than one retry warns', () => {
    expect(plan({ maxMessageAgeSeconds: 120 }).warnings.map((w) => w.id)).toEqual(['maxMessageAge']);
  });
});

describe('planQueueWorker by property', () => {
  test('the normal lane never takes the priority share, and each lane may run at least 2', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 3000 }), fc.integer({ min: 2, max: 3000 }), (reserved, priority) => {
        const p = plan({
          handler: { timeoutSeconds: 30, reservedConcurrency: reserved },
          priorityConcurrency: priority,
        });
        if (p.problems.length === 0) {
          expect(p.normal.maxConcurrency! + priority).toBeLessThanOrEqual(reserved);
          expect(p.normal.maxConcurrency).toBeGreaterThanOrEqual(2);
          expect(p.priority!.maxConcurrency).toBeGreaterThanOrEqual(priority);
        } else {
          expect(priority > Math.min(reserved - 2, 1000)).toBe(true);
        }
      }),
    );
  });
});

/** An ECS consumer: 2 s a message, one at a time, 6 to 30 tasks, Container Insights on. */
const SERVICE: QueueWorkerIntent = {
  service: { processingSeconds: 2, minCount: 6, maxCount: 30, runningTaskCountPublished: true },
  maxMessageAgeSeconds: 600,
};

function servicePlan(intent: Partial<QueueWorkerIntent> = {}, service: Partial<QueueWorkerIntent['service']> = {}) {
  return planQueueWorker(ServiceTier.TIER_1, {
    ...SERVICE,
    ...intent,
    service: { ...SERVICE.service!, ...service },
  });
}

describe('planQueueWorker with a service consumer, by table', () => {
  test('the worked example of the doc comment', () => {
    expect(servicePlan({ priorityLane: true })).toMatchObject({
      consumer: 'service',
      batchSize: 10,
      batchingWindowSeconds: 0,
      visibilityTimeoutSeconds: 40,
      normal: { maxConcurrency: undefined, maxMessageAgeSeconds: 600 },
      priority: { maxConcurrency: undefined, maxMessageAgeSeconds: 600 },
      backlogScaling: {
        targetBacklogPerTask: 150,
        expression: 'IF(tasks > 0, (FILL(normal, 0) + FILL(priority, 0)) / tasks, FILL(normal, 0) + FILL(priority, 0))',
        periodSeconds: 60,
        scaleOutCooldownSeconds: 60,
        scaleInCooldownSeconds: 300,
        minCount: 6,
        maxCount: 30,
        maxMessagesPerMinute: 900,
      },
      problems: [],
      warnings: [],
    });
  });

  test.each<[string, Partial<QueueWorkerIntent>, Partial<QueueWorkerIntent['service']>, number, number]>([
    // [case, intent, service, visibility timeout, backlog per task]
    ['no priority lane: one lane counted', {}, {}, 40, 150],
    ['four at a time: a batch in 3 rounds, four times the backlog', {}, { messagesPerTask: 4 }, 30, 600],
    ['a batch of one at 0.5 s: SQS default visibility', { batchSize: 1 }, { processingSeconds: 0.5 }, 30, 600],
    ['20 s a message: a 200 s batch, past the AZ RTO', {}, { processingSeconds: 20 }, 200, 15],
    ['an hour of age allowed', { maxMessageAgeSeconds: 3600 }, {}, 40, 900],
    ['a visibility timeout given above the batch', { visibilityTimeoutSeconds: 25 }, {}, 25, 150],
  ])('%s', (_, intent, service, visibility, backlog) => {
    const p = servicePlan(intent, service);
    expect(p.problems).toEqual([]);
    expect(p.visibilityTimeoutSeconds).toBe(visibility);
    expect(p.backlogScaling?.targetBacklogPerTask).toBe(backlog);
  });

  test.each<[string, Partial<QueueWorkerIntent>, Partial<QueueWorkerIntent['service']>, string, string]>([
    ['a visibility timeout a batch outlives', { visibilityTimeoutSeconds: 15 }, {}, 'visibilityTimeout', '= 20 s'],
    ['more than SQS receives at once', { batchSize: 11 }, {}, 'batchSize', 'from 1 to 10, got: 11'],
    ['a batching window', { batchingWindowSeconds: 5 }, {}, 'maxBatchingWindow', 'with a consumerService'],
    ['a priority share', { priorityConcurrency: 5 }, {}, 'priorityConcurrency', 'set priorityLane'],
    ['no processing time', {}, { processingSeconds: 0 }, 'processingTime', 'greater than 0, got: 0 s'],
    ['processing slower than half the age', {}, { processingSeconds: 301 }, 'processingTime', 'half of maxMessageAge'],
    ['half a message per task', {}, { messagesPerTask: 0.5 }, 'messagesPerTask', 'at least 1, got: 0.5'],
    ['a cluster without Container Insights', {}, { runningTaskCountPublished: false }, 'consumerService', 'Insights'],
    [
      'dead letters only after the retention',
      { maxReceiveCount: 1000, retentionSeconds: 3600 },
      {},
      'maxReceiveCount',
      '1000 × 40 s = 40000 s',
    ],
  ])('%s is refused, naming the prop', (_, intent, service, prop, message) => {
    const found = servicePlan(intent, service).problems.find((p) => p.prop === prop);
    expect(found?.message).toContain(message);
  });

  test("the margin over a batch stops at the tier's AZ RTO: a lost AZ's messages reappear within it", () => {
    const tier0 = planQueueWorker(ServiceTier.TIER_0, SERVICE);
    expect(tier0.visibilityTimeoutSeconds).toBe(30);
    expect(tier0.warnings).toEqual([]);
    const long = servicePlan({}, { processingSeconds: 20 });
    expect(long.warnings.map((w) => w.id).sort()).toEqual(['processingTime', 'visibilityTimeout']);
    expect(long.warnings.find((w) => w.id === 'visibilityTimeout')?.message).toContain(
      "the visibility timeout (200 s) is longer than TIER_1's AZ RTO (120 s)",
    );
  });

  test('both consumers, or neither, are refused', () => {
    const both = planQueueWorker(ServiceTier.TIER_1, { ...SERVICE, handler: BASE.handler });
    const neither = planQueueWorker(ServiceTier.TIER_1, { maxMessageAgeSeconds: 600 });
    expect(both.problems[0].message).toBe('exactly one of handler and consumerService must be given, got: both');
    expect(neither.problems[0].message).toBe('exactly one of handler and consumerService must be given, got: neither');
  });

  test.each<[string, Partial<QueueWorkerIntent['service']>, string]>([
    ['a cluster whose Container Insights is not known', { runningTaskCountPublished: undefined }, 'runningTaskCount'],
    ['a pilot light at zero tasks', { minCount: 0 }, 'minCount'],
    ['a batch longer than ECS lets a task stop', { processingSeconds: 4 }, 'processingTime'],
  ])('%s warns', (_, service, id) => {
    const p = servicePlan({}, service);
    expect(p.problems).toEqual([]);
    expect(p.warnings.map((w) => w.id)).toEqual([id]);
  });
});

describe('planQueueWorker with a service consumer, by property', () => {
  test('the target backlog is drained in half the age, and a batch ends before its messages reappear', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 120, noNaN: true }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 60, max: 86_400 }),
        (processingSeconds, messagesPerTask, batchSize, age) => {
          const p = servicePlan({ batchSize, maxMessageAgeSeconds: age }, { processingSeconds, messagesPerTask });
          if (p.problems.length > 0) {
            return;
          }
          const scaling = p.backlogScaling!;
          // A task holding the target drains it within half the age: the other half is scaling's.
          expect((scaling.targetBacklogPerTask / messagesPerTask) * processingSeconds).toBeLessThanOrEqual(age / 2);
          expect(p.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
            Math.ceil(batchSize / messagesPerTask) * processingSeconds,
          );
          expect(p.maxReceiveCount * p.visibilityTimeoutSeconds).toBeLessThan(p.retentionSeconds);
          // No longer than the AZ RTO unless one batch is.
          const batch = Math.ceil(Math.ceil(batchSize / messagesPerTask) * processingSeconds);
          expect(p.visibilityTimeoutSeconds).toBeLessThanOrEqual(Math.max(batch, ServiceTier.TIER_1.azRtoSeconds));
          expect(scaling.scaleOutCooldownSeconds).toBeLessThan(scaling.scaleInCooldownSeconds);
          expect(scaling.minCount).toBe(6);
        },
      ),
    );
  });
});
