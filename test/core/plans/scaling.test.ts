import { planScaling, PrewarmIntent, ScalingIntent } from '../../../lib/core';

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

  describe('GIVEN Google scaling schedules: a second floor the autoscaler keeps beside its minimum', () => {
    const GOOGLE: Partial<ScalingIntent> = {
      prewarmIsSecondFloor: true,
      prewarmNames: { prop: 'prewarmSchedules', minCapacity: 'minInstances' },
    };
    const morning = (change: Record<string, unknown> = {}) => ({
      name: 'morning',
      schedule: '0 8 * * MON-FRI',
      minCapacity: 9,
      durationSeconds: 3600,
      hasEnd: false,
      timeZone: 'Europe/Paris',
      ...change,
    });

    test('THEN a window below the floor is kept (the floor still holds), with its name, duration and zone', () => {
      const plan = planScaling({ ...BASE, ...GOOGLE, prewarm: [morning({ minCapacity: 5 })] });
      expect([plan.prewarm, plan.problems]).toEqual([
        [
          {
            name: 'morning',
            schedule: '0 8 * * MON-FRI',
            minCapacity: 5,
            endCapacity: undefined,
            durationSeconds: 3600,
            timeZone: 'Europe/Paris',
          },
        ],
        [],
      ]);
    });

    test('THEN a standby keeps its windows: they cannot lower the minimum its runbook raised', () => {
      const plan = planScaling({ ...BASE, ...GOOGLE, floorCapacity: 0, serving: false, prewarm: [morning()] });
      expect(plan.prewarm.map((w) => [w.name, w.minCapacity])).toEqual([['morning', 9]]);
    });

    test.each<[string, PrewarmIntent[], string, string]>([
      [
        'a window shorter than the autoscaler takes',
        [morning({ durationSeconds: 60 })],
        'prewarmSchedules[morning].durationSeconds',
        'prewarmSchedules[morning].durationSeconds must be an integer of at least 300, got: 60',
      ],
      [
        'a fractional duration',
        [morning({ durationSeconds: 300.5 })],
        'prewarmSchedules[morning].durationSeconds',
        'prewarmSchedules[morning].durationSeconds must be an integer of at least 300, got: 300.5',
      ],
      [
        'a minimum above the maximum',
        [morning({ minCapacity: 13 })],
        'prewarmSchedules[morning].minInstances',
        'prewarmSchedules[morning].minInstances must be an integer from 0 to 12, got: 13',
      ],
      [
        'a negative minimum',
        [morning({ minCapacity: -1 })],
        'prewarmSchedules[morning].minInstances',
        'prewarmSchedules[morning].minInstances must be an integer from 0 to 12, got: -1',
      ],
      [
        'a name twice, though the schedules differ',
        [morning(), morning({ schedule: '0 18 * * MON-FRI' })],
        'prewarmSchedules',
        'prewarmSchedules must have unique names, got: morning more than once',
      ],
    ])('WHEN %s THEN the problem names the window, the prop and the value', (_case, prewarm, prop, message) => {
      expect(planScaling({ ...BASE, ...GOOGLE, prewarm }).problems).toEqual([{ prop, message }]);
    });
  });
});
