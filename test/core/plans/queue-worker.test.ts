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
      maxReceiveCount: 3,
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
