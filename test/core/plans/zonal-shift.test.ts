import { ServiceTier } from '../../../lib/core';
import { planZonalShift, ZonalShiftIntent } from '../../../lib/core/plans/zonal-shift';

/** TIER_1's fleet of 6 needed over 3 AZs: 3 per AZ. */
const FLEET: ZonalShiftIntent = { detection: true, zoneCount: 3, requiredCapacity: 6, perAzCapacity: 3 };

describe('planZonalShift by table', () => {
  test('TIER_1 in 3 AZs: on, 3 hours, the 6 instances needed left in the other AZs, one shift at a time', () => {
    expect(planZonalShift(ServiceTier.TIER_1, FLEET)).toEqual({
      enabled: true,
      expirySeconds: 10800,
      expiresIn: '180m',
      minInstancesLeft: 6,
      maxActiveShifts: 1,
      autoScalingGroup: { zonalShiftEnabled: true, impairedZoneHealthCheckBehavior: 'IgnoreUnhealthy' },
      problems: [],
      warnings: [],
    });
  });

  test.each<[string, ServiceTier, Partial<ZonalShiftIntent>, unknown]>([
    // The other AZs already run the peak: the shifted AZ's instances are left to serve when it ends.
    ['TIER_0', ServiceTier.TIER_0, {}, { zonalShiftEnabled: true, impairedZoneHealthCheckBehavior: 'IgnoreUnhealthy' }],
    // No AZ's headroom: a replacement launches where the traffic went.
    [
      'TIER_2',
      ServiceTier.TIER_2,
      {},
      { zonalShiftEnabled: true, impairedZoneHealthCheckBehavior: 'ReplaceUnhealthy' },
    ],
    // A person may shift a fleet without detection: its group moves too.
    ['TIER_1 without detection', ServiceTier.TIER_1, { detection: false }, { zonalShiftEnabled: true }],
    ['a STANDBY', ServiceTier.TIER_1, { serving: false }, { zonalShiftEnabled: false }],
  ])("%s: the group's zonal shift", (_name, tier, intent, group) => {
    expect(planZonalShift(tier, { ...FLEET, ...intent }).autoScalingGroup).toMatchObject(group as object);
  });

  test('an engine that cannot enable zonal shift on the group: a warning, wherever the runbook shifts', () => {
    const groupPolicyUnsupported = 'the provider cannot set it';
    expect(planZonalShift(ServiceTier.TIER_1, { ...FLEET, groupPolicyUnsupported }).warnings).toEqual([
      {
        id: 'automaticZonalShift.group',
        message:
          'the runbook can shift the load balancer but not its Auto Scaling group: the provider cannot set it. ' +
          'Until zonal shift is enabled on the group (ZonalShiftEnabled=true, ' +
          "ImpairedZoneHealthCheckBehavior=IgnoreUnhealthy), the runbook's shift of the group fails (its execution " +
          'fails, after the notice) and the group keeps launching into the shifted AZ',
      },
    ]);
    for (const intent of [{ enabled: false }, { serving: false }, { detection: false }]) {
      expect(planZonalShift(ServiceTier.TIER_1, { ...FLEET, ...intent, groupPolicyUnsupported }).warnings).toEqual([]);
    }
  });

  test.each<[string, ServiceTier, Partial<ZonalShiftIntent>, boolean]>([
    ['TIER_0', ServiceTier.TIER_0, {}, true],
    ['TIER_2 (not statically stable)', ServiceTier.TIER_2, {}, false],
    ['no detection: nothing starts it', ServiceTier.TIER_1, { detection: false }, false],
    ['a STANDBY serves nothing', ServiceTier.TIER_1, { serving: false }, false],
    ['switched off', ServiceTier.TIER_1, { enabled: false }, false],
    ['asked for on TIER_2', ServiceTier.TIER_2, { enabled: true, perAzCapacity: 3 }, true],
  ])('%s', (_name, tier, intent, enabled) => {
    const plan = planZonalShift(tier, { ...FLEET, ...intent });
    expect(plan.enabled).toBe(enabled);
    expect(plan.problems).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  test.each([
    [60, '1m'],
    [45 * 60, '45m'],
    [72 * 3600, '4320m'],
  ])('an expiry of %s s is ARC expiresIn %s', (expirySeconds, expiresIn) => {
    expect(planZonalShift(ServiceTier.TIER_1, { ...FLEET, expirySeconds })).toMatchObject({ expirySeconds, expiresIn });
  });

  test.each<[Partial<ZonalShiftIntent>, string, string]>([
    [
      { expirySeconds: 30 },
      'zonalShiftExpiry',
      "zonalShiftExpiry must be whole minutes from 1 minute to 72 hours (ARC's expiry), got: 30 seconds",
    ],
    [
      { expirySeconds: 90 },
      'zonalShiftExpiry',
      "zonalShiftExpiry must be whole minutes from 1 minute to 72 hours (ARC's expiry), got: 90 seconds",
    ],
    [
      { expirySeconds: 72 * 3600 + 60 },
      'zonalShiftExpiry',
      "zonalShiftExpiry must be whole minutes from 1 minute to 72 hours (ARC's expiry), got: 259260 seconds",
    ],
    [
      { enabled: true, detection: false },
      'automaticZonalShift',
      'automaticZonalShift needs per-AZ impairment detection (zonalDetection, with AZs known at synthesis): its ' +
        'Impaired alarm is what starts the shift, got: no detection',
    ],
  ])('problem %j', (intent, prop, message) => {
    const plan = planZonalShift(ServiceTier.TIER_1, { ...FLEET, ...intent });
    expect(plan.problems).toEqual([{ prop, message }]);
    expect(plan.enabled).toBe(false);
  });

  test('asked for on a fleet that cannot lose an AZ: every shift would be refused, and it says so', () => {
    // TIER_2 runs max(6, 3) = 6 over 3 AZs: 2 per AZ, 4 after one is shifted away.
    const plan = planZonalShift(ServiceTier.TIER_2, { ...FLEET, enabled: true, perAzCapacity: 2 });
    expect(plan.enabled).toBe(true);
    expect(plan.warnings).toEqual([
      {
        id: 'automaticZonalShift',
        message:
          'the runbook will refuse every zonal shift: the fleet runs 2 instance(s) per AZ, so 4 after shifting away ' +
          'from one of its 3 AZs, fewer than the 6 required (TIER_2 is not statically stable); run 3 per AZ, or ' +
          'turn automaticZonalShift off',
      },
    ]);
  });
});

describe('planZonalShift by property', () => {
  test('a statically stable fleet (perAz = ceil(required / (N - 1))) never warns; the guard asks for the peak', () => {
    for (let zones = 2; zones <= 6; zones++) {
      for (let required = 1; required <= 40; required++) {
        const perAzCapacity = Math.ceil(required / (zones - 1));
        const plan = planZonalShift(ServiceTier.TIER_1, {
          ...FLEET,
          zoneCount: zones,
          requiredCapacity: required,
          perAzCapacity,
        });
        expect(plan.warnings).toEqual([]);
        expect(plan.minInstancesLeft).toBe(required);
        expect(perAzCapacity * (zones - 1)).toBeGreaterThanOrEqual(plan.minInstancesLeft);
      }
    }
  });
});
