import * as fc from 'fast-check';
import {
  burnRateAlerts,
  composeKOfN,
  composeParallel,
  composeSerial,
  DrStrategy,
  errorBudgetMinutes,
  primaryFleetCapacity,
  ServiceTier,
  staticallyStableCapacity,
  tierContradiction,
} from '../../lib/core';
import { fcParams, wrongError } from './harness';

/**
 * Property-based proofs of core: every construct takes its defaults from here, so its functions
 * must hold their stated invariants for any valid input and reject any invalid one with a RangeError
 * naming the argument, never a TypeError and never a NaN result.
 */

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const target = fc.double({ min: 0.5, max: 0.99999, noNaN: true });
const notFinite = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);

function rejects(call: () => unknown, prop: string): string | undefined {
  try {
    call();
  } catch (error) {
    return wrongError(error, prop);
  }
  return `accepted an invalid ${prop}`;
}

const objectives = fc
  .record({
    name: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/),
    strategy: fc.constantFrom(...Object.values(DrStrategy)),
    availabilityTarget: target,
    minAzs: fc.integer({ min: 1, max: 6 }),
    extraRegions: fc.integer({ min: 0, max: 3 }),
    azRtoSeconds: fc.integer({ min: 0, max: 86_400 }),
    azRpoSeconds: fc.integer({ min: 0, max: 86_400 }),
    regionRtoSeconds: fc.integer({ min: 0, max: 7 * 86_400 }),
    regionRpoSeconds: fc.integer({ min: 0, max: 7 * 86_400 }),
  })
  .map(({ extraRegions, ...p }) => ({
    ...p,
    minRegions: (p.strategy === DrStrategy.BACKUP_RESTORE ? 1 : 2) + extraRegions,
  }))
  // Objectives that contradict each other (tierContradiction) are refused by ServiceTier.custom: not valid input.
  .filter((p) => tierContradiction(p) === undefined);

describe('ServiceTier.custom', () => {
  test('GIVEN random valid objectives THEN the tier keeps them and derives operating defaults that are themselves valid', () => {
    fc.assert(
      fc.property(objectives, (props) => {
        const tier = ServiceTier.custom(props);
        expect(tier.toObjectives()).toEqual({
          availabilityTarget: props.availabilityTarget,
          minAzs: props.minAzs,
          minRegions: props.minRegions,
          azRtoSeconds: props.azRtoSeconds,
          azRpoSeconds: props.azRpoSeconds,
          regionRtoSeconds: props.regionRtoSeconds,
          regionRpoSeconds: props.regionRpoSeconds,
        });
        // Re-stating the derived defaults explicitly gives the same tier: they pass the same validation.
        expect(
          ServiceTier.custom({
            ...props,
            healthCheckIntervalSeconds: tier.healthCheckIntervalSeconds,
            backupIntervalHours: tier.backupIntervalHours,
            backupRetentionDays: tier.backupRetentionDays,
            logRetentionDays: tier.logRetentionDays,
            dnsTtlSeconds: tier.dnsTtlSeconds,
            probeIntervalMinutes: tier.probeIntervalMinutes,
            healthCheckFailureThreshold: tier.healthCheckFailureThreshold,
          }),
        ).toEqual(tier);
        expect(tier.isMultiRegion).toBe(props.strategy !== DrStrategy.BACKUP_RESTORE);
      }),
      fcParams(),
    );
  });

  const broken: [string, fc.Arbitrary<number>][] = [
    [
      'availabilityTarget',
      fc.oneof(fc.double({ min: -10, max: 0, noNaN: true }), fc.double({ min: 1, max: 10, noNaN: true }), notFinite),
    ],
    [
      'minAzs',
      fc.oneof(
        fc.integer({ min: -10, max: 0 }),
        fc.double({ min: 1.01, max: 5.99, noNaN: true }).filter((d) => !Number.isInteger(d)),
        notFinite,
      ),
    ],
    ['azRtoSeconds', fc.oneof(fc.double({ min: -1e6, max: -0.001, noNaN: true }), fc.constant(Number.NaN))],
    ['regionRpoSeconds', fc.oneof(fc.double({ min: -1e6, max: -0.001, noNaN: true }), fc.constant(Number.NaN))],
    ['healthCheckIntervalSeconds', fc.integer({ min: -100, max: 1000 }).filter((s) => s !== 10 && s !== 30)],
    ['backupIntervalHours', fc.oneof(fc.integer({ min: 25, max: 1000 }), fc.integer({ min: -10, max: 0 }))],
  ];
  test.each(broken)('GIVEN a random invalid %s THEN a RangeError names it', (prop, values) => {
    fc.assert(
      fc.property(objectives, values, (props, value) => {
        expect(rejects(() => ServiceTier.custom({ ...props, [prop]: value }), prop)).toBeUndefined();
      }),
      fcParams(),
    );
  });
});

describe('availability algebra', () => {
  test('GIVEN random availabilities THEN serial ≤ each ≤ parallel, all within [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(probability, { minLength: 1, maxLength: 8 }), (parts) => {
        const serial = composeSerial(parts);
        const parallel = composeParallel(parts);
        expect(serial).toBeGreaterThanOrEqual(0);
        expect(parallel).toBeLessThanOrEqual(1);
        expect(serial).toBeLessThanOrEqual(Math.min(...parts) + 1e-12);
        expect(parallel).toBeGreaterThanOrEqual(Math.max(...parts) - 1e-12);
      }),
      fcParams(),
    );
  });

  test('GIVEN k of n replicas THEN needing fewer never lowers availability, and 1 of n is the parallel composition', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.nat(), probability, (n, kSeed, a) => {
        const k = 1 + (kSeed % n);
        const value = composeKOfN(k, n, a);
        expect(Number.isFinite(value) && value >= 0 && value <= 1).toBe(true);
        if (k > 1) {
          expect(composeKOfN(k - 1, n, a)).toBeGreaterThanOrEqual(value - 1e-12);
        }
        expect(composeKOfN(1, n, a)).toBeCloseTo(composeParallel(Array(n).fill(a)), 10);
      }),
      fcParams(),
    );
  });

  test('GIVEN k above n or a probability outside [0, 1] THEN a RangeError names it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 5 }), probability, (n, over, a) => {
        expect(rejects(() => composeKOfN(n + over, n, a), 'k')).toBeUndefined();
      }),
      fcParams(),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 1.0001, max: 10, noNaN: true }),
          fc.double({ min: -10, max: -0.0001, noNaN: true }),
          notFinite,
        ),
        (a) => {
          expect(rejects(() => composeKOfN(1, 2, a), 'availability')).toBeUndefined();
        },
      ),
      fcParams(),
    );
  });
});

describe('error budgets and burn-rate alerts', () => {
  test('GIVEN a random target and window THEN the budget is (1 − target) of the window, and every alert is finite, positive, and its short window is shorter', () => {
    fc.assert(
      fc.property(target, fc.integer({ min: 1, max: 90 }), (t, days) => {
        expect(errorBudgetMinutes(t, days)).toBeCloseTo((1 - t) * days * 1440, 6);
        for (const alert of burnRateAlerts(t, days)) {
          expect(
            [alert.burnRate, alert.errorRateThreshold, alert.longWindowSeconds, alert.shortWindowSeconds].every(
              (v) => Number.isFinite(v) && v > 0,
            ),
          ).toBe(true);
          expect(alert.shortWindowSeconds).toBeLessThan(alert.longWindowSeconds);
          // core rounds its results to 10 decimals (clean), so compare to 9.
          expect(alert.errorRateThreshold).toBeCloseTo(alert.burnRate * (1 - t), 9);
        }
      }),
      fcParams(),
    );
  });

  test('GIVEN a target outside (0, 1) or a window that is not positive THEN a RangeError names it', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: 1, max: 10, noNaN: true }), fc.double({ min: -10, max: 0, noNaN: true }), notFinite),
        (t) => {
          expect(rejects(() => burnRateAlerts(t, 30), 'target')).toBeUndefined();
        },
      ),
      fcParams(),
    );
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -100, max: 0, noNaN: true }), notFinite), (days) => {
        expect(rejects(() => errorBudgetMinutes(0.999, days), 'windowDays')).toBeUndefined();
      }),
      fcParams(),
    );
  });
});

describe('static stability', () => {
  test('GIVEN a random requirement over 2 to 6 AZs THEN losing any one AZ still leaves the requirement, with no more than one AZ of slack', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 2, max: 6 }), (required, azs) => {
        const capacity = staticallyStableCapacity(required, azs);
        expect(capacity.afterAzLoss).toBeGreaterThanOrEqual(required);
        expect(capacity.afterAzLoss - required).toBeLessThan(azs - 1);
        expect(capacity.total).toBe(capacity.perAz * azs);
        const fleet = primaryFleetCapacity(required, capacity.total, azs, true);
        expect(fleet.min).toBe(capacity.total);
      }),
      fcParams(),
    );
  });

  test('GIVEN fewer than 2 AZs or a requirement that is not a positive integer THEN a RangeError names it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.oneof(
          fc.integer({ min: -5, max: 1 }),
          fc.double({ min: 2.01, max: 5.99, noNaN: true }).filter((d) => !Number.isInteger(d)),
        ),
        (required, azs) => {
          expect(rejects(() => staticallyStableCapacity(required, azs), 'azCount')).toBeUndefined();
        },
      ),
      fcParams(),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -100, max: 0 }),
          fc.double({ min: 0.01, max: 99.9, noNaN: true }).filter((d) => !Number.isInteger(d)),
          notFinite,
        ),
        (required) => {
          expect(rejects(() => staticallyStableCapacity(required, 3), 'required')).toBeUndefined();
        },
      ),
      fcParams(),
    );
  });
});
