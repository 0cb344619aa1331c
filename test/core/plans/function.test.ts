import * as fc from 'fast-check';
import { HaRole, ServiceTier } from '../../../lib/core';
import { clientResiliencePolicy } from '../../../lib/core/client-policy';
import { FunctionIntent, FunctionPlan, planFunction, TrafficShifting } from '../../../lib/core/plans/function';

const BASE: FunctionIntent = { zoneCount: 3, role: HaRole.PRIMARY, requiredConcurrency: 40, reservedConcurrency: 100 };
const { TIER_0, TIER_1, TIER_2, TIER_3 } = ServiceTier;

function plan(intent: Partial<FunctionIntent> = {}, tier = TIER_1): FunctionPlan {
  return planFunction(tier, { ...BASE, ...intent });
}

/** A caller's policy with one hop to the function, of `perTryTimeoutMs` per try. */
function caller(perTryTimeoutMs: number) {
  const policy = clientResiliencePolicy({
    upstreamTimeoutMs: 3 * perTryTimeoutMs + 1000,
    hops: [{ name: 'orders-fn', perTryTimeoutMs, baseDelayMs: 50, maxDelayMs: 200 }],
  });
  return { policy, hop: 'orders-fn' };
}

const messages = (p: FunctionPlan) => p.problems.map((x) => `${x.prop}: ${x.message}`);

describe('planFunction by table', () => {
  test('TIER_1 over 3 AZs, 40 required, caller per-try 2500 ms: the worked example of the doc comment', () => {
    const p = plan({ caller: caller(2500) });
    expect(p).toMatchObject({
      minZones: 3,
      timeoutSeconds: 2,
      timeoutSource: 'callerHop',
      concurrency: {
        required: 40,
        reserved: 100,
        provisioned: 60,
        primaryProvisioned: 60,
        provisionedPerAz: 20,
        provisionedAfterAzLoss: 40,
      },
      deployment: {
        trafficShifting: TrafficShifting.CANARY,
        percent: 10,
        intervalMinutes: 10,
        totalMinutes: 10,
        rollbackOnAlarm: true,
      },
      errorAlarm: { periodSeconds: 300, thresholdPercent: 0.72, evaluationPeriods: 1, burnRate: 14.4 },
      throttleAlarm: { periodSeconds: 300, thresholdPercent: 0.72 },
      async: { retryAttempts: 2, maxEventAgeSeconds: 21600 },
      failureRetentionDays: 14,
      problems: [],
      warnings: [],
    });
  });

  const provisioning: [string, HaRole, number, ServiceTier][] = [
    // TIER_0/1 serving copies keep required warm after an AZ loss; others provision none
    ['TIER_0', HaRole.PRIMARY, 60, TIER_0],
    ['TIER_0', HaRole.STANDBY, 60, TIER_0], // active/active: the standby serves
    ['TIER_1', HaRole.PRIMARY, 60, TIER_1],
    ['TIER_1', HaRole.STANDBY, 0, TIER_1], // warm standby: raised to primaryProvisioned on failover
    ['TIER_2', HaRole.PRIMARY, 0, TIER_2],
    ['TIER_3', HaRole.PRIMARY, 0, TIER_3],
  ];
  test.each(provisioning)('%s %s provisions %d', (_name, role, provisioned, tier) => {
    const p = plan({ role, zoneCount: tier.minAzs }, tier);
    expect(p.problems).toEqual([]);
    expect(p.concurrency.provisioned).toBe(provisioned);
  });

  test('a TIER_1 standby records what its runbook raises it to', () => {
    expect(plan({ role: HaRole.STANDBY }).concurrency).toMatchObject({ provisioned: 0, primaryProvisioned: 60 });
  });

  test('provisioned above reserved fails, naming both props and values', () => {
    expect(messages(plan({ provisionedConcurrency: 120 }))).toEqual([
      'provisionedConcurrency: provisionedConcurrency must be at most reservedConcurrency (100): Lambda refuses ' +
        'more warm environments than the function may run, got: provisionedConcurrency 120',
    ]);
  });

  test("a reserved concurrency below the tier's planned provisioned concurrency fails, naming both", () => {
    expect(messages(plan({ reservedConcurrency: 50 }))).toEqual([
      'reservedConcurrency: reservedConcurrency must be at least the provisionedConcurrency TIER_1 plans (60: 20 per ' +
        'AZ × 3 AZs so that losing one AZ leaves requiredConcurrency 40 warm), got: reservedConcurrency 50',
    ]);
  });

  test('reserved below required fails', () => {
    expect(messages(plan({ reservedConcurrency: 30 }))[0]).toMatch(
      /^reservedConcurrency: reservedConcurrency must be at least requiredConcurrency \(40\).*got: 30$/,
    );
  });

  test('TIER_1 refuses provisioned below required, and warns between required and the AZ headroom', () => {
    expect(messages(plan({ provisionedConcurrency: 0 }))[0]).toMatch(
      /^provisionedConcurrency: provisionedConcurrency must be at least requiredConcurrency \(40\) for TIER_1.*got: 0$/,
    );
    const p = plan({ provisionedConcurrency: 45 });
    expect(p.problems).toEqual([]);
    expect(p.warnings.map((w) => w.id)).toEqual(['provisionedConcurrency']);
    expect(plan({ provisionedConcurrency: 0 }, TIER_2).problems).toEqual([]);
  });

  test('a timeout longer than the caller waits per try fails, naming the hop and both values', () => {
    expect(messages(plan({ caller: caller(2000), timeoutSeconds: 5 }))).toEqual([
      "timeout: timeout must be at most the caller's per-try timeout (callerHop orders-fn: 2000 ms): the function " +
        'would run on after its caller gave up and retried, got: timeout 5000 ms',
    ]);
    expect(plan({ caller: caller(2000), timeoutSeconds: 2 }).problems).toEqual([]);
  });

  test('caller hops: unknown name, and a per-try timeout below Lambda 1 s', () => {
    expect(messages(plan({ caller: { ...caller(2000), hop: 'nope' } }))).toEqual([
      'callerHop: callerHop must name a hop of callerPolicy (orders-fn), got: nope',
    ]);
    expect(messages(plan({ caller: caller(500) }))[0]).toMatch(/^callerHop: .*at least 1000 ms.*got: 500 ms$/);
  });

  test("the function's own dependency calls must fit its timeout", () => {
    const dependencies = clientResiliencePolicy({
      upstreamTimeoutMs: 10_000,
      hops: [{ name: 'db', perTryTimeoutMs: 1000, baseDelayMs: 100, maxDelayMs: 400 }],
    });
    expect(messages(plan({ dependencies, timeoutSeconds: 3 }))[0]).toMatch(
      /^timeout: timeout must be at least dependencyPolicy's worst case \(3300 ms\).*got: 3000 ms$/,
    );
    expect(plan({ dependencies, timeoutSeconds: 4 }).problems).toEqual([]);
  });

  test.each([
    [{ timeoutSeconds: 0 }, 'timeout must be an integer from 1 to 900 seconds, got: 0'],
    [{ timeoutSeconds: 901 }, 'timeout must be an integer from 1 to 900 seconds, got: 901'],
    [{ timeoutSeconds: 1.5 }, 'timeout must be an integer from 1 to 900 seconds, got: 1.5'],
    [{ requiredConcurrency: 0 }, 'requiredConcurrency must be an integer of at least 1, got: 0'],
    [{ trafficPercent: 100 }, 'trafficPercent must be an integer from 1 to 99 percent, got: 100'],
    [{ asyncRetryAttempts: 3 }, 'retryAttempts must be an integer from 0 to 2, got: 3'],
    [{ maxEventAgeSeconds: 30 }, 'maxEventAge must be an integer from 60 to 21600 seconds, got: 30'],
    [{ memorySize: 64 }, 'memorySize must be an integer from 128 to 10240 MiB, got: 64'],
    [
      { aliasName: '7' },
      'aliasName must be 1 to 128 letters, digits, - and _, not only digits (that names a version), got: 7',
    ],
    [{ zoneCount: 2 }, 'vpcSubnets must select subnets in at least 3 AZs for TIER_1, got: 2'],
    [
      { trafficShifting: 'ALL_AT_ONCE' as TrafficShifting },
      'trafficShifting must be one of CANARY, LINEAR, got: ALL_AT_ONCE',
    ],
  ])('refuses %j', (intent, message) => {
    expect(plan(intent).problems.map((x) => x.message)).toContain(message);
  });

  test('linear shifting moves 10 % every interval: 9 intervals to all traffic', () => {
    expect(plan({ trafficShifting: TrafficShifting.LINEAR }).deployment).toMatchObject({
      intervalMinutes: 10,
      totalMinutes: 90,
    });
  });

  test("without a caller or a timeout, Lambda's 3 s", () => {
    expect(plan()).toMatchObject({ timeoutSeconds: 3, timeoutSource: 'default' });
  });
});

describe('planFunction by property', () => {
  const tiers = fc.constantFrom(...ServiceTier.BUILT_IN);
  const intents = fc.record({
    zoneCount: fc.integer({ min: 3, max: 6 }),
    requiredConcurrency: fc.integer({ min: 1, max: 3000 }),
    role: fc.constantFrom(HaRole.PRIMARY, HaRole.STANDBY),
    perTryTimeoutMs: fc.integer({ min: 1000, max: 900_000 }),
  });

  test('with room, a serving TIER_0/1 copy keeps required warm after losing any one AZ; never above reserved', () => {
    fc.assert(
      fc.property(tiers, intents, (tier, { zoneCount, requiredConcurrency, role }) => {
        const reservedConcurrency = 2 * requiredConcurrency + zoneCount;
        const p = planFunction(tier, { zoneCount, role, requiredConcurrency, reservedConcurrency });
        expect(p.problems).toEqual([]);
        const c = p.concurrency;
        expect(c.provisioned).toBeLessThanOrEqual(c.reserved);
        const serving = role === HaRole.PRIMARY || tier === TIER_0;
        if (tier.staticallyStable && serving) {
          // Even spread: every AZ holds at most ⌈provisioned / zones⌉; the rest survives.
          expect(c.provisioned - Math.ceil(c.provisioned / zoneCount)).toBeGreaterThanOrEqual(requiredConcurrency);
          expect(c.provisionedAfterAzLoss).toBeGreaterThanOrEqual(requiredConcurrency);
        } else {
          expect(c.provisioned).toBe(0);
        }
      }),
    );
  });

  test("the timeout never outlasts the caller's try, and a longer one is refused", () => {
    fc.assert(
      fc.property(tiers, intents, fc.integer({ min: 1, max: 900 }), (tier, i, timeoutSeconds) => {
        const c = caller(i.perTryTimeoutMs);
        const derived = planFunction(tier, { ...BASE, zoneCount: i.zoneCount, caller: c });
        expect(derived.timeoutSeconds * 1000).toBeLessThanOrEqual(i.perTryTimeoutMs);
        expect(derived.timeoutSeconds).toBeGreaterThanOrEqual(1);
        const given = planFunction(tier, { ...BASE, zoneCount: i.zoneCount, caller: c, timeoutSeconds });
        expect(given.problems.some((x) => x.prop === 'timeout')).toBe(timeoutSeconds * 1000 > i.perTryTimeoutMs);
      }),
    );
  });

  test('a canary step always holds a whole period of the rollback alarms', () => {
    fc.assert(
      fc.property(tiers, (tier) => {
        const p = planFunction(tier, BASE);
        expect(p.deployment.intervalMinutes * 60).toBeGreaterThanOrEqual(
          2 * p.errorAlarm.periodSeconds * p.errorAlarm.evaluationPeriods,
        );
      }),
    );
  });
});
