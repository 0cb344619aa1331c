import * as fc from 'fast-check';
import {
  DataLocationConstraint,
  DrStrategy,
  planResilienceHub,
  RESILIENCE_HUB_DISRUPTIONS,
  RESILIENCE_HUB_MIN_OBJECTIVE_SECONDS,
  ResilienceHubTier,
  ServiceTier,
  tierContradiction,
} from '../../../lib/core';

describe('planResilienceHub by table', () => {
  test.each([
    // tier, Resilience Hub tier, AZ (also Software and Hardware), Region
    [
      'TIER_0',
      ServiceTier.TIER_0,
      'MissionCritical',
      { rtoInSecs: 30, rpoInSecs: 1 },
      { rtoInSecs: 120, rpoInSecs: 1 },
    ],
    ['TIER_1', ServiceTier.TIER_1, 'Critical', { rtoInSecs: 120, rpoInSecs: 1 }, { rtoInSecs: 900, rpoInSecs: 60 }],
    ['TIER_2', ServiceTier.TIER_2, 'Important', { rtoInSecs: 300, rpoInSecs: 1 }, { rtoInSecs: 3600, rpoInSecs: 900 }],
    [
      'TIER_3',
      ServiceTier.TIER_3,
      'NonCritical',
      { rtoInSecs: 900, rpoInSecs: 1 },
      { rtoInSecs: 86400, rpoInSecs: 86400 },
    ],
  ])('%s: its objectives per disruption type, daily, no constraint', (_name, tier, hubTier, az, region) => {
    expect(planResilienceHub(tier)).toEqual({
      resilienceHubTier: hubTier,
      policy: { Software: az, Hardware: az, AZ: az, Region: region },
      dataLocationConstraint: undefined,
      assessmentSchedule: 'Daily',
      problems: [],
      warnings: [],
    });
  });

  test('a custom tier takes the Resilience Hub tier of the most available built-in tier whose target it meets', () => {
    const tierOf = (availabilityTarget: number) =>
      planResilienceHub(
        ServiceTier.custom({
          name: 'custom',
          strategy: DrStrategy.BACKUP_RESTORE,
          availabilityTarget,
          minAzs: 2,
          minRegions: 1,
          azRtoSeconds: 900,
          azRpoSeconds: 0,
          regionRtoSeconds: 86400,
          regionRpoSeconds: 86400,
        }),
      ).resilienceHubTier;
    expect([0.9999, 0.9997, 0.9995, 0.9993, 0.999, 0.998, 0.99].map(tierOf)).toEqual([
      'MissionCritical',
      'Critical',
      'Critical',
      'Important',
      'Important',
      'NonCritical',
      'NonCritical',
    ]);
  });

  test('a given tier and constraint win; CoreServices only when given', () => {
    const plan = planResilienceHub(ServiceTier.TIER_2, {
      resilienceHubTier: ResilienceHubTier.CORE_SERVICES,
      dataLocationConstraint: DataLocationConstraint.ANY_LOCATION,
      allowedRegions: ['eu-west-1'],
      dailyAssessment: false,
    });
    expect(plan.resilienceHubTier).toBe('CoreServices');
    expect(plan.dataLocationConstraint).toBe('AnyLocation');
    expect(plan.assessmentSchedule).toBe('Disabled');
    expect(plan.warnings).toEqual([]);
  });

  test('allowedRegions: one region is SameCountry; several (repeats counted once) warn', () => {
    expect(
      planResilienceHub(ServiceTier.TIER_3, { allowedRegions: ['eu-central-1', 'eu-central-1'] })
        .dataLocationConstraint,
    ).toBe('SameCountry');
    const plan = planResilienceHub(ServiceTier.TIER_1, { allowedRegions: ['eu-west-1', 'eu-central-1'] });
    expect(plan.dataLocationConstraint).toBeUndefined();
    expect(plan.warnings.map((w) => w.id)).toEqual(['dataLocationConstraint']);
    expect(plan.warnings[0].message).toMatch(
      /^allowedRegions lists eu-west-1, eu-central-1 and no dataLocationConstraint was given/,
    );
  });

  test("values that are not Resilience Hub's are problems naming the prop", () => {
    expect(
      planResilienceHub(ServiceTier.TIER_1, { resilienceHubTier: 'Gold', dataLocationConstraint: 'SameRegion' })
        .problems,
    ).toEqual([
      {
        prop: 'resilienceHubTier',
        message:
          'resilienceHubTier must be one of MissionCritical, Critical, Important, CoreServices, NonCritical, got: Gold',
      },
      {
        prop: 'dataLocationConstraint',
        message: 'dataLocationConstraint must be one of AnyLocation, SameContinent, SameCountry, got: SameRegion',
      },
    ]);
  });
});

describe('planResilienceHub by property', () => {
  /** Any tier ServiceTier.custom accepts. */
  const tiers = fc
    .record({
      strategy: fc.constantFrom(...Object.values(DrStrategy)),
      availabilityTarget: fc.constantFrom(0.99, 0.995, 0.999, 0.9995, 0.9999),
      minAzs: fc.integer({ min: 2, max: 3 }),
      azRtoSeconds: fc.double({ min: 30, max: 86400, noNaN: true }),
      azRpoSeconds: fc.double({ min: 0, max: 86400, noNaN: true }),
      regionRtoSeconds: fc.double({ min: 120, max: 7 * 86400, noNaN: true }),
      regionRpoSeconds: fc.double({ min: 0, max: 7 * 86400, noNaN: true }),
    })
    .map((p) => ({ ...p, name: 'custom', minRegions: p.strategy === DrStrategy.BACKUP_RESTORE ? 1 : 2 }))
    .filter((p) => tierContradiction(p) === undefined)
    .map((p) => ServiceTier.custom(p));

  test("every objective is the tier's in whole seconds, rounded down and at least 1; Software and Hardware are the AZ's", () => {
    fc.assert(
      fc.property(tiers, (tier) => {
        const { policy, problems } = planResilienceHub(tier);
        expect(problems).toEqual([]);
        const given = {
          AZ: [tier.azRtoSeconds, tier.azRpoSeconds],
          Region: [tier.regionRtoSeconds, tier.regionRpoSeconds],
        };
        for (const disruption of RESILIENCE_HUB_DISRUPTIONS) {
          const { rtoInSecs, rpoInSecs } = policy[disruption];
          const [rto, rpo] = given[disruption === 'Region' ? 'Region' : 'AZ'];
          for (const [written, objective] of [
            [rtoInSecs, rto],
            [rpoInSecs, rpo],
          ]) {
            expect(Number.isInteger(written)).toBe(true);
            expect(written).toBeGreaterThanOrEqual(RESILIENCE_HUB_MIN_OBJECTIVE_SECONDS);
            // Rounded down, so a policy met is a tier met; only an objective under 1 s is raised to 1 s.
            expect(written).toBe(
              objective >= RESILIENCE_HUB_MIN_OBJECTIVE_SECONDS
                ? Math.floor(objective)
                : RESILIENCE_HUB_MIN_OBJECTIVE_SECONDS,
            );
          }
        }
        expect(policy.Software).toEqual(policy.AZ);
        expect(policy.Hardware).toEqual(policy.AZ);
      }),
    );
  });
});
