import * as fc from 'fast-check';
import { DrStrategy, GlobalTableIntent, GlobalTablePlan, planGlobalTable, ServiceTier } from '../../../lib/core';

const BASE: GlobalTableIntent = {
  replicaRegionsProp: 'replicaRegions',
  primaryRegion: 'us-east-1',
  replicaRegions: ['us-west-2'],
};

function plan(intent: Partial<GlobalTableIntent> = {}, tier = ServiceTier.TIER_1): GlobalTablePlan {
  return planGlobalTable(tier, { ...BASE, ...intent });
}

const RPO_ZERO = ServiceTier.custom({
  name: 'LEDGER',
  strategy: DrStrategy.ACTIVE_ACTIVE,
  availabilityTarget: 0.9999,
  minAzs: 3,
  minRegions: 2,
  azRtoSeconds: 30,
  azRpoSeconds: 0,
  regionRtoSeconds: 120,
  regionRpoSeconds: 0,
});

describe('planGlobalTable by table', () => {
  test('TIER_1 with one replica: EVENTUAL, PITR 35 days, protected, insights on, the alarm at the 60 s RPO', () => {
    expect(plan()).toEqual({
      replicaRegions: ['us-west-2'],
      consistency: 'EVENTUAL',
      witnessRegion: undefined,
      pointInTimeRecoveryDays: 35,
      deletionProtection: true,
      contributorInsights: true,
      timeToLiveAttribute: undefined,
      replicationLatencyAlarm: {
        thresholdMs: 60000,
        thresholdText: '60 s (the TIER_1 region RPO)',
        statistic: 'Maximum',
        periodSeconds: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: 'notBreaching',
      },
      problems: [],
      warnings: [],
    });
  });

  test.each([
    // tier, backup retention → default PITR days, alarm threshold (ms)
    ['TIER_0', 35, 1000],
    ['TIER_1', 35, 60000],
    ['TIER_2', 14, 900000],
    ['TIER_3', 7, 86400000],
  ])('%s: PITR %d days, threshold %d ms', (name, days, thresholdMs) => {
    const p = plan({}, ServiceTier.fromName(name));
    expect(p.pointInTimeRecoveryDays).toBe(days);
    expect(p.replicationLatencyAlarm.thresholdMs).toBe(thresholdMs);
  });

  test('a tier whose RPO is shorter than the replication lag defaults to STRONG over three regions', () => {
    const p = plan({ replicaRegions: ['us-east-2', 'us-west-2'] }, RPO_ZERO);
    expect(p).toMatchObject({ consistency: 'STRONG', problems: [], warnings: [] });
  });

  test('STRONG over two regions and a witness, and over three regions of the EU set', () => {
    expect(
      plan({ consistency: 'STRONG', replicaRegions: ['us-east-2'], witness: { region: 'us-west-2' } }),
    ).toMatchObject({ consistency: 'STRONG', witnessRegion: 'us-west-2', problems: [] });
    expect(
      plan({ consistency: 'STRONG', primaryRegion: 'eu-west-1', replicaRegions: ['eu-central-1', 'eu-west-3'] })
        .problems,
    ).toEqual([]);
  });

  test('EVENTUAL forced on an RPO of 0 warns', () => {
    expect(plan({ consistency: 'EVENTUAL' }, RPO_ZERO).warnings).toEqual([
      {
        id: 'consistency',
        message:
          "consistency EVENTUAL replicates in about 1 s, longer than LEDGER's region RPO of 0 s: use TableConsistency.STRONG",
      },
    ]);
  });

  test('a threshold of the user: in milliseconds, described in seconds', () => {
    const p = plan({
      replicationLatencyThreshold: { prop: 'replicationLatencyThreshold', milliseconds: 1500, text: '1.5 seconds' },
    });
    expect(p.replicationLatencyAlarm).toMatchObject({
      thresholdMs: 1500,
      thresholdText: "1.5 s (TIER_1's region RPO is 60 s)",
    });
  });

  test('a threshold unknown at synthesis is left to the engine', () => {
    const p = plan({ replicationLatencyThreshold: { prop: 'replicationLatencyThresholdMs', text: '${var.lag}' } });
    expect(p.replicationLatencyAlarm).toMatchObject({
      thresholdMs: undefined,
      thresholdText: "${var.lag} (TIER_1's region RPO is 60 s)",
    });
    expect(p.problems).toEqual([]);
  });

  test('removalPolicy destroy turns deletion protection off and warns; snapshot warns only', () => {
    expect(plan({ removalPolicy: 'destroy' })).toMatchObject({
      deletionProtection: false,
      warnings: [
        {
          id: 'removalPolicy',
          message:
            'removalPolicy is destroy: deleting the stack or replacing the table deletes every replica and its data',
        },
      ],
    });
    expect(plan({ removalPolicy: 'snapshot' })).toMatchObject({
      deletionProtection: true,
      warnings: [{ id: 'removalPolicy' }],
    });
  });

  test('contributor insights off and a TTL attribute pass through', () => {
    expect(plan({ contributorInsights: false, timeToLiveAttribute: 'expires' })).toMatchObject({
      contributorInsights: false,
      timeToLiveAttribute: 'expires',
    });
  });

  test('regions unknown at synthesis count, and are not placed', () => {
    expect(plan({ primaryRegion: undefined, replicaRegions: [undefined] }).problems).toEqual([]);
    expect(
      plan({ primaryRegion: undefined, replicaRegions: [undefined], consistency: 'STRONG' }).problems[0].message,
    ).toBe(
      'consistency STRONG needs three regions, or two and a witnessRegion, got: 2 region(s) (the primary region, a region unknown at synthesis) and no witnessRegion',
    );
  });

  test.each<[Partial<GlobalTableIntent>, string, string]>([
    [
      { replicaRegions: ['us-east-1'] },
      'replicaRegions',
      'replicaRegions must not include the primary region us-east-1, got: us-east-1',
    ],
    [
      { replicaRegions: ['us-west-2', 'us-west-2'] },
      'replicaRegions',
      'replicaRegions must not repeat a region, got: us-west-2 more than once',
    ],
    [
      { replicaRegions: ['eu-west-1'], allowedRegions: ['us-east-1', 'us-west-2'] },
      'replicaRegions',
      'replicaRegions must stay within allowedRegions (us-east-1, us-west-2), got: eu-west-1',
    ],
    [
      { allowedRegions: ['us-west-2', 'eu-west-1'] },
      'allowedRegions',
      'the primary region must be one of allowedRegions (us-west-2, eu-west-1), got: us-east-1',
    ],
    [
      { replicaRegions: [] },
      'replicaRegions',
      'replicaRegions must list at least 1 region for TIER_1 (minRegions 2 including us-east-1), got: 0',
    ],
    [
      { replicaRegionsProp: 'replicaProviders', replicaRegions: [] },
      'replicaProviders',
      'replicaProviders must list at least 1 region for TIER_1 (minRegions 2 including us-east-1), got: 0',
    ],
    [
      { consistency: 'STRONG' },
      'consistency',
      'consistency STRONG needs three regions, or two and a witnessRegion, got: 2 region(s) (us-east-1, us-west-2) and no witnessRegion',
    ],
    [
      { consistency: 'STRONG', replicaRegions: ['us-east-2', 'us-west-2'], witness: { region: 'us-west-1' } },
      'consistency',
      'consistency STRONG needs three regions, or two and a witnessRegion, got: 3 region(s) (us-east-1, us-east-2, us-west-2) and witnessRegion us-west-1',
    ],
    [
      { witness: { region: 'us-east-2' } },
      'witnessRegion',
      'witnessRegion only applies to consistency STRONG, got: us-east-2 with consistency EVENTUAL',
    ],
    [
      { consistency: 'STRONG', replicaRegions: ['us-east-2'], witness: { region: 'us-east-2' } },
      'witnessRegion',
      'witnessRegion must not repeat a region, got: us-east-2 more than once',
    ],
    [
      {
        consistency: 'STRONG',
        replicaRegions: ['us-east-2'],
        witness: { region: 'us-west-2' },
        allowedRegions: ['us-east-1', 'us-east-2'],
      },
      'witnessRegion',
      'witnessRegion must stay within allowedRegions (us-east-1, us-east-2), got: us-west-2',
    ],
    [
      { pointInTimeRecoveryDays: 7 },
      'pointInTimeRecoveryDays',
      "pointInTimeRecoveryDays must be an integer from 35 (TIER_1's backup retention, at most 35) to 35, got: 7",
    ],
    [
      { pointInTimeRecoveryDays: 36 },
      'pointInTimeRecoveryDays',
      "pointInTimeRecoveryDays must be an integer from 35 (TIER_1's backup retention, at most 35) to 35, got: 36",
    ],
    [
      { replicationLatencyThreshold: { prop: 'replicationLatencyThreshold', milliseconds: 0, text: '0 millis' } },
      'replicationLatencyThreshold',
      'replicationLatencyThreshold must be longer than 0 ms, got: 0 millis',
    ],
    [
      {
        replicationLatencyThreshold: {
          prop: 'replicationLatencyThresholdMs',
          milliseconds: Number.POSITIVE_INFINITY,
          text: 'Infinity',
        },
      },
      'replicationLatencyThresholdMs',
      'replicationLatencyThresholdMs must be longer than 0 ms, got: Infinity',
    ],
    [
      { consistency: 'STRONG', replicaRegions: ['us-east-2', 'us-west-1'] },
      'replicaRegions',
      'replicaRegions must be in the US region set (us-east-1, us-east-2, us-west-2) for consistency STRONG, got: us-west-1',
    ],
    [
      { consistency: 'STRONG', replicaRegions: ['us-east-2'], witness: { region: 'eu-west-1' } },
      'witnessRegion',
      'witnessRegion must be in the US region set (us-east-1, us-east-2, us-west-2) for consistency STRONG, got: eu-west-1',
    ],
    [
      { consistency: 'STRONG', primaryRegion: 'sa-east-1', replicaRegions: ['us-east-2', 'us-west-2'] },
      'consistency',
      'consistency STRONG needs regions of one MRSC region set (US: us-east-1, us-east-2, us-west-2; EU: eu-west-1, eu-west-2, eu-west-3, eu-central-1; AP: ap-northeast-1, ap-northeast-2, ap-northeast-3), got: sa-east-1 (the primary region)',
    ],
  ])('%#: refuses %j as %s', (intent, prop, message) => {
    expect(plan(intent).problems[0]).toEqual({ prop, message });
  });

  test('TIER_2 accepts any whole PITR period from its 14-day retention to 35', () => {
    expect(plan({ pointInTimeRecoveryDays: 14 }, ServiceTier.TIER_2).problems).toEqual([]);
    expect(plan({ pointInTimeRecoveryDays: 13 }, ServiceTier.TIER_2).problems[0].message).toBe(
      "pointInTimeRecoveryDays must be an integer from 14 (TIER_2's backup retention, at most 35) to 35, got: 13",
    );
  });
});

const REGIONS = ['us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];

describe('planGlobalTable by property', () => {
  const anyTier = fc.constantFrom(...ServiceTier.BUILT_IN);

  test("a sound intent plans without problems; the plan holds the tier's floor on PITR and its RPO as threshold", () => {
    fc.assert(
      fc.property(
        anyTier,
        fc.shuffledSubarray(REGIONS, { minLength: 1, maxLength: 2 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (tier, replicaRegions, slack) => {
          const floor = Math.min(35, tier.backupRetentionDays);
          const days = Math.round(floor + slack * (35 - floor));
          const p = planGlobalTable(tier, {
            ...BASE,
            replicaRegions,
            pointInTimeRecoveryDays: days,
            consistency: replicaRegions.length === 2 ? undefined : 'EVENTUAL',
          });
          expect(p.problems).toEqual([]);
          expect(p.pointInTimeRecoveryDays).toBe(days);
          expect(p.replicationLatencyAlarm.thresholdMs).toBe(tier.regionRpoSeconds * 1000);
          expect(p.deletionProtection).toBe(true);
        },
      ),
    );
  });

  test('STRONG is accepted exactly for three regions, or two and a witness, of one region set', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(['us-east-2', 'us-west-2'], { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        (regions, withWitness) => {
          const [witness, ...replicaRegions] = withWitness ? regions : [undefined, ...regions];
          const p = plan({
            consistency: 'STRONG',
            replicaRegions,
            witness: witness === undefined ? undefined : { region: witness },
          });
          const ok = witness === undefined ? replicaRegions.length === 2 : replicaRegions.length === 1;
          expect(p.problems.length === 0).toBe(ok);
        },
      ),
    );
  });

  test('every PITR period outside [floor, 35] or not whole is refused, naming the prop and the value', () => {
    fc.assert(
      fc.property(anyTier, fc.oneof(fc.integer({ min: -100, max: 100 }), fc.double({ noNaN: false })), (tier, days) => {
        const floor = Math.min(35, tier.backupRetentionDays);
        const p = plan({ pointInTimeRecoveryDays: days }, tier);
        const ok = Number.isInteger(days) && days >= floor && days <= 35;
        expect(p.problems.length === 0).toBe(ok);
        if (!ok) {
          expect(p.problems[0].prop).toBe('pointInTimeRecoveryDays');
          expect(p.problems[0].message).toContain(`got: ${days}`);
        }
      }),
    );
  });
});
