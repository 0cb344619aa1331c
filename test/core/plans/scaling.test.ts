import { planScaling, ScalingIntent } from '../../../lib/core';

const BASE: ScalingIntent = {
  zoneCount: 3,
  floorCapacity: 6,
  maxCapacity: 12,
  serving: true,
  queue: false,
  warmupSeconds: 300,
};

describe('planScaling', () => {
  test('GIVEN the worked example of its doc THEN the steps, buffer and windows it shows', () => {
    const plan = planScaling({
      ...BASE,
      queue: true,
      backlogPerInstance: 100,
      prewarm: [{ schedule: 'cron(30 7 * * ? *)', minCapacity: 9, hasEnd: true }],
    });
    expect(plan).toEqual({
      targetRequestsPerMinute: undefined,
      predictiveBufferSeconds: 300,
      queueSteps: {
        lowerThreshold: 50,
        lowerAdjustment: -1,
        upperThreshold: 100,
        upperAdjustments: [
          { adjustment: 3, lowerBound: 0, upperBound: 100 },
          { adjustment: 6, lowerBound: 100 },
        ],
        periodSeconds: 60,
      },
      prewarm: [{ schedule: 'cron(30 7 * * ? *)', minCapacity: 9, endCapacity: 6 }],
      problems: [],
      warnings: [],
    });
  });

  test('GIVEN a standby THEN it keeps no pre-warm window: its runbook raises it on failover', () => {
    const plan = planScaling({
      ...BASE,
      serving: false,
      prewarm: [{ schedule: 'cron(0 8 * * ? *)', minCapacity: 9, hasEnd: false }],
    });
    expect([plan.prewarm, plan.problems]).toEqual([[], []]);
  });

  test.each<[string, Partial<ScalingIntent>, string, string]>([
    [
      'request target of 0',
      { targetRequestsPerMinute: 0 },
      'targetRequestsPerMinute',
      'targetRequestsPerMinute must be greater than 0, got: 0',
    ],
    [
      'buffer over an hour',
      { predictiveBufferSeconds: 5400 },
      'predictiveSchedulingBuffer',
      'predictiveSchedulingBuffer must be at most 1 hour (the longest buffer predictive scaling accepts), got: 1 hour 30 minutes',
    ],
    [
      'warm-up over an hour, no buffer',
      { warmupSeconds: 3601 },
      'predictiveSchedulingBuffer',
      'predictiveSchedulingBuffer must be at most 1 hour (the longest buffer predictive scaling accepts), got: 1 hour 1 second',
    ],
    [
      'queue alone',
      { queue: true },
      'backlogPerInstance',
      'queue and backlogPerInstance must be given together, got: queue alone',
    ],
    [
      'backlog alone',
      { backlogPerInstance: 10 },
      'queue',
      'queue and backlogPerInstance must be given together, got: backlogPerInstance alone',
    ],
    [
      'backlog of 0',
      { queue: true, backlogPerInstance: 0 },
      'backlogPerInstance',
      'backlogPerInstance must be greater than 0, got: 0',
    ],
    [
      'pre-warm below the floor',
      { prewarm: [{ schedule: 'cron(0 8 * * ? *)', minCapacity: 5, hasEnd: false }] },
      'prewarm',
      "prewarm minCapacity must be an integer from the fleet's capacity (6) to maxCapacity (12), got: 5 for cron(0 8 * * ? *)",
    ],
    [
      'pre-warm above the maximum',
      { prewarm: [{ schedule: 'cron(0 8 * * ? *)', minCapacity: 13, hasEnd: false }] },
      'prewarm',
      "prewarm minCapacity must be an integer from the fleet's capacity (6) to maxCapacity (12), got: 13 for cron(0 8 * * ? *)",
    ],
    [
      'a schedule twice',
      {
        prewarm: [
          { schedule: 'cron(0 8 * * ? *)', minCapacity: 8, hasEnd: false },
          { schedule: 'cron(0 8 * * ? *)', minCapacity: 9, hasEnd: false },
        ],
      },
      'prewarm',
      'prewarm must not repeat a schedule, got: cron(0 8 * * ? *) more than once',
    ],
  ])('WHEN %s THEN the problem names the prop and the value', (_case, change, prop, message) => {
    expect(planScaling({ ...BASE, ...change }).problems).toEqual([{ prop, message }]);
  });
});
