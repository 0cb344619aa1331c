import * as fc from 'fast-check';
import {
  DrStrategy,
  EncryptedSecretIntent,
  EncryptedSecretPlan,
  planEncryptedSecret,
  ServiceTier,
} from '../../../lib/core';

/** The CDK engine's intent: hosted rotation or a function, or rotatedExternally. */
const CDK: EncryptedSecretIntent = {
  store: 'SECRETS_MANAGER',
  replicaRegionsProp: 'replicaRegions',
  primaryRegion: 'us-east-1',
  replicaRegions: ['us-west-2'],
  rotations: [
    { prop: 'hostedRotation', purpose: 'database credentials', chosen: false },
    { prop: 'rotationLambda', chosen: true },
  ],
};

/** The Google engine's intent: every region in `regions`, notifications unless rotatedExternally. */
const GOOGLE: EncryptedSecretIntent = {
  store: 'SECRET_MANAGER',
  replicaRegionsProp: 'regions',
  regionsIncludePrimary: true,
  primaryRegion: 'us-central1',
  replicaRegions: ['us-east1'],
  rotations: [{ prop: 'rotationTopicId', purpose: 'the topic a rotator subscribes to', chosen: false }],
  defaultRotation: 'rotationTopicId',
};

const REASON = 'issued by the payment provider, rotated in its console';

function plan(intent: Partial<EncryptedSecretIntent> = {}, tier = ServiceTier.TIER_1, base = CDK): EncryptedSecretPlan {
  return planEncryptedSecret(tier, { ...base, ...intent });
}

const noRotator = CDK.rotations.map((r) => ({ ...r, chosen: false }));

const THREE_REGIONS = ServiceTier.custom({
  name: 'GLOBAL',
  strategy: DrStrategy.ACTIVE_ACTIVE,
  availabilityTarget: 0.9999,
  minAzs: 3,
  minRegions: 3,
  azRtoSeconds: 30,
  azRpoSeconds: 0,
  regionRtoSeconds: 120,
  regionRpoSeconds: 1,
});

describe('planEncryptedSecret by table', () => {
  test('TIER_1, a rotation function, no interval: every 30 days, the longest recovery window, versions kept 35 days', () => {
    expect(plan()).toEqual({
      replicaRegions: ['us-west-2'],
      rotatedBy: 'rotationLambda',
      rotatesHere: true,
      rotationIntervalSeconds: 2592000,
      rotationIntervalDays: 30,
      generatedValueLength: 32,
      recoveryWindowDays: 30,
      versionDestroyTtlSeconds: 3024000,
      rotationTopicRetentionSeconds: 604800,
      deletionProtection: true,
      problems: [],
      warnings: [],
    });
  });

  test.each([
    // tier, backup retention days → seconds a destroyed version stays restorable
    ['TIER_0', 35 * 86400],
    ['TIER_2', 14 * 86400],
    ['TIER_3', 7 * 86400],
  ])('%s keeps destroyed versions %d s', (name, seconds) => {
    expect(
      plan({ replicaRegions: name === 'TIER_3' ? [] : ['us-west-2'] }, ServiceTier.fromName(name))
        .versionDestroyTtlSeconds,
    ).toBe(seconds);
  });

  test('an interval in hours is kept in seconds, with no whole-days form', () => {
    expect(
      plan({ rotationInterval: { prop: 'rotateAfter', unit: 'seconds', value: 7 * 3600, text: '7 hours' } }),
    ).toMatchObject({ rotationIntervalSeconds: 25200, rotationIntervalDays: undefined, problems: [] });
  });

  test('an interval in days', () => {
    expect(plan({ rotationInterval: { prop: 'rotateAfterDays', unit: 'days', value: 7, text: '7' } })).toMatchObject({
      rotationIntervalSeconds: 604800,
      rotationIntervalDays: 7,
      problems: [],
    });
  });

  test('an interval unknown at synthesis is left to the engine', () => {
    expect(plan({ rotationInterval: { prop: 'rotateAfter', unit: 'seconds', text: 'Token' } })).toMatchObject({
      rotationIntervalSeconds: undefined,
      problems: [],
    });
  });

  test('rotatedExternally: nothing rotates here, and an interval given with it warns', () => {
    const p = plan({
      rotations: noRotator,
      rotatedExternally: REASON,
      rotationInterval: { prop: 'rotateAfter', unit: 'seconds', value: 86400, text: '1 day' },
    });
    expect(p).toMatchObject({
      rotatedBy: 'rotatedExternally',
      rotatesHere: false,
      rotationIntervalSeconds: undefined,
      problems: [],
    });
    expect(p.warnings).toEqual([
      {
        id: 'rotateAfter',
        message:
          "rotateAfter has no effect with rotatedExternally: the value rotates on its issuer's schedule, not on 1 day",
      },
    ]);
  });

  test('Google: notifications by default, every 30 days; rotatedExternally turns them off', () => {
    expect(plan({}, ServiceTier.TIER_1, GOOGLE)).toMatchObject({
      rotatedBy: 'rotationTopicId',
      rotatesHere: true,
      rotationIntervalSeconds: 2592000,
      problems: [],
    });
    expect(plan({ rotatedExternally: REASON }, ServiceTier.TIER_1, GOOGLE)).toMatchObject({
      rotatedBy: 'rotatedExternally',
      rotatesHere: false,
      problems: [],
    });
  });

  test('removalPolicy other than retain warns; destroy turns deletion protection off', () => {
    expect(plan({ removalPolicy: 'destroy' })).toMatchObject({
      deletionProtection: false,
      warnings: [
        {
          id: 'removalPolicy',
          message:
            'removalPolicy is destroy: deleting the stack or replacing the secret deletes credentials that data encrypted or protected by them may still need',
        },
      ],
    });
  });

  test('a region unknown at synthesis counts as a replica', () => {
    expect(plan({ replicaRegions: [undefined] }).problems).toEqual([]);
  });

  test.each<[string, Partial<EncryptedSecretIntent>, ServiceTier, EncryptedSecretIntent, string, string]>([
    [
      'no replica on TIER_1',
      { replicaRegions: [] },
      ServiceTier.TIER_1,
      CDK,
      'replicaRegions',
      'replicaRegions must list at least 1 region for TIER_1 (minRegions 2 including us-east-1), so that the value survives the loss of a region (HA-SEC2), got: 0',
    ],
    [
      'one replica on a three-region tier (the CDK engine took one)',
      {},
      THREE_REGIONS,
      CDK,
      'replicaRegions',
      'replicaRegions must list at least 2 regions for GLOBAL (minRegions 3 including us-east-1), so that the value survives the loss of a region (HA-SEC2), got: 1',
    ],
    [
      'Google: one region on TIER_1',
      { replicaRegions: [] },
      ServiceTier.TIER_1,
      GOOGLE,
      'regions',
      'regions must list at least 2 regions for TIER_1 (minRegions 2), so that the value survives the loss of a region (HA-SEC2), got: 1',
    ],
    [
      'a replica in the primary region',
      { replicaRegions: ['us-east-1'] },
      ServiceTier.TIER_1,
      CDK,
      'replicaRegions',
      'replicaRegions must not include the primary region us-east-1, got: us-east-1',
    ],
    [
      'a replica outside allowedRegions',
      { allowedRegions: ['us-east-1'] },
      ServiceTier.TIER_1,
      CDK,
      'replicaRegions',
      'replicaRegions must stay within allowedRegions (us-east-1), got: us-west-2',
    ],
    [
      'no way of rotating (CDK)',
      { rotations: noRotator },
      ServiceTier.TIER_1,
      CDK,
      'hostedRotation',
      'hostedRotation (database credentials), rotationLambda or rotatedExternally (why the value rotates elsewhere) must be given: a secret that never rotates keeps working for whoever leaked it (HA-SEC1), got: none',
    ],
    [
      'two ways of rotating',
      { rotations: CDK.rotations.map((r) => ({ ...r, chosen: true })) },
      ServiceTier.TIER_1,
      CDK,
      'hostedRotation',
      'hostedRotation, rotationLambda and rotatedExternally are alternatives: give one of them, got: hostedRotation, rotationLambda',
    ],
    [
      'a function and rotatedExternally',
      { rotatedExternally: REASON },
      ServiceTier.TIER_1,
      CDK,
      'rotationLambda',
      'hostedRotation, rotationLambda and rotatedExternally are alternatives: give one of them, got: rotationLambda, rotatedExternally',
    ],
    [
      'Google: a topic and rotatedExternally',
      { rotations: [{ ...GOOGLE.rotations[0], chosen: true }], rotatedExternally: REASON },
      ServiceTier.TIER_1,
      GOOGLE,
      'rotationTopicId',
      'rotationTopicId and rotatedExternally are alternatives: give one of them, got: rotationTopicId, rotatedExternally',
    ],
    [
      'a reason too short',
      { rotations: noRotator, rotatedExternally: 'elsewhere' },
      ServiceTier.TIER_1,
      CDK,
      'rotatedExternally',
      "rotatedExternally must say why the value rotates outside Secrets Manager (at least 20 characters), got: 'elsewhere'",
    ],
    [
      'Google: a reason too short',
      { rotatedExternally: 'by hand' },
      ServiceTier.TIER_1,
      GOOGLE,
      'rotatedExternally',
      "rotatedExternally must say why the value rotates outside Secret Manager (at least 20 characters), got: 'by hand'",
    ],
    [
      'an hour',
      { rotationInterval: { prop: 'rotateAfter', unit: 'seconds', value: 3600, text: '1 hour' } },
      ServiceTier.TIER_1,
      CDK,
      'rotateAfter',
      'rotateAfter must be from 4 hours to 1000 days, got: 1 hour',
    ],
    [
      '1001 days',
      { rotationInterval: { prop: 'rotateAfter', unit: 'seconds', value: 1001 * 86400, text: '1001 days' } },
      ServiceTier.TIER_1,
      CDK,
      'rotateAfter',
      'rotateAfter must be from 4 hours to 1000 days, got: 1001 days',
    ],
    [
      '0 days',
      { rotationInterval: { prop: 'rotateAfterDays', unit: 'days', value: 0, text: '0' } },
      ServiceTier.TIER_1,
      CDK,
      'rotateAfterDays',
      'rotateAfterDays must be an integer from 1 to 1000, got: 0',
    ],
    [
      '1.5 days',
      { rotationInterval: { prop: 'rotateAfterDays', unit: 'days', value: 1.5, text: '1.5' } },
      ServiceTier.TIER_1,
      CDK,
      'rotateAfterDays',
      'rotateAfterDays must be an integer from 1 to 1000, got: 1.5',
    ],
    [
      'Google: 101 years',
      { rotationInterval: { prop: 'rotationDays', unit: 'days', value: 36865, text: '36865' } },
      ServiceTier.TIER_1,
      GOOGLE,
      'rotationDays',
      'rotationDays must be an integer from 1 to 36500, got: 36865',
    ],
    [
      'a generated value of 8',
      { generatedValueLength: 8 },
      ServiceTier.TIER_1,
      CDK,
      'generatedValueLength',
      'generatedValueLength must be an integer from 16 to 4096, got: 8',
    ],
  ])('%s is refused', (_, intent, tier, base, prop, message) => {
    expect(plan(intent, tier, base).problems[0]).toEqual({ prop, message });
  });
});

describe('planEncryptedSecret by property', () => {
  const store = fc.constantFrom<EncryptedSecretIntent['store']>('SECRETS_MANAGER', 'SECRET_MANAGER');
  const [SM_MIN, SM_MAX, GSM_MIN, GSM_MAX] = [4 * 3600, 1000 * 86400, 3600, 3153600000];

  test("an interval in seconds is accepted exactly within the store's bounds, and rendered as given", () => {
    fc.assert(
      fc.property(store, fc.integer({ min: 1, max: 4_000_000_000 }), (s, seconds) => {
        const [min, max] = s === 'SECRETS_MANAGER' ? [SM_MIN, SM_MAX] : [GSM_MIN, GSM_MAX];
        const p = plan({
          store: s,
          rotationInterval: { prop: 'rotateAfter', unit: 'seconds', value: seconds, text: `${seconds} s` },
        });
        expect(p.problems.length === 0).toBe(seconds >= min && seconds <= max);
        if (p.problems.length === 0) {
          expect(p.rotationIntervalSeconds).toBe(seconds);
        }
      }),
    );
  });

  test('exactly one way of rotating plans; none or more than one is refused naming a prop of the choice', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), (hosted, fn, external) => {
        const p = plan({
          rotations: [
            { ...CDK.rotations[0], chosen: hosted },
            { ...CDK.rotations[1], chosen: fn },
          ],
          rotatedExternally: external ? REASON : undefined,
        });
        const count = [hosted, fn, external].filter(Boolean).length;
        expect(p.problems.length === 0).toBe(count === 1);
        if (count !== 1) {
          expect(['hostedRotation', 'rotationLambda', 'rotatedExternally']).toContain(p.problems[0].prop);
        } else {
          expect(p.rotatesHere).toBe(!external);
        }
      }),
    );
  });

  test('every built-in tier: replicas are required exactly when it keeps more than one region', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ServiceTier.BUILT_IN), fc.integer({ min: 0, max: 3 }), (tier, count) => {
        const replicaRegions = ['us-west-2', 'eu-west-1', 'ap-southeast-2'].slice(0, count);
        expect(plan({ replicaRegions }, tier).problems.length === 0).toBe(count + 1 >= tier.minRegions);
      }),
    );
  });
});
