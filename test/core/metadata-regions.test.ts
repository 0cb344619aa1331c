import {
  DrStrategy,
  FailureDomain,
  HA_METADATA_KEY,
  haMetadata,
  haRecordOf,
  haMetadataLabels,
  haMetadataTags,
  HaRole,
  parseHaMetadata,
  ownRegionsProblem,
  regionOfZone,
  regionPlacementProblem,
  ServiceTier,
  zonePlacementProblem,
} from '../../lib/core';

describe('HA metadata record', () => {
  const record = haMetadata({
    service: 'Checkout',
    tier: ServiceTier.TIER_1,
    role: HaRole.STANDBY,
    failureDomain: FailureDomain.REGION,
    component: 'ResilientFleet',
  });

  const tier1Objectives = {
    availabilityTarget: 0.9995,
    minAzs: 3,
    minRegions: 2,
    azRtoSeconds: 120,
    azRpoSeconds: 0,
    regionRtoSeconds: 900,
    regionRpoSeconds: 60,
  };

  test('carries the tier, strategy, role and failure domain; a built-in tier is known by its name alone', () => {
    expect(HA_METADATA_KEY).toBe('ha-constructs');
    expect(record).toEqual({
      version: 2,
      service: 'Checkout',
      tier: 'TIER_1',
      strategy: DrStrategy.WARM_STANDBY,
      role: 'standby',
      failureDomain: 'region',
      component: 'ResilientFleet',
    });
  });

  test('carries the objectives of a custom tier, also of one that reuses a built-in name', () => {
    const custom = ServiceTier.custom({
      name: 'Payments',
      strategy: DrStrategy.WARM_STANDBY,
      ...tier1Objectives,
      regionRtoSeconds: 600,
    });
    expect(
      haMetadata({
        service: 'Pay',
        tier: custom,
        role: HaRole.PRIMARY,
        failureDomain: FailureDomain.REGION,
        component: 'X',
      }).objectives,
    ).toEqual({ ...tier1Objectives, regionRtoSeconds: 600 });
    const renamed = ServiceTier.custom({
      name: 'TIER_1',
      strategy: DrStrategy.WARM_STANDBY,
      ...tier1Objectives,
      regionRpoSeconds: 300,
    });
    expect(
      haMetadata({
        service: 'Pay',
        tier: renamed,
        role: HaRole.PRIMARY,
        failureDomain: FailureDomain.REGION,
        component: 'X',
      }).objectives,
    ).toEqual({ ...tier1Objectives, regionRpoSeconds: 300 });
  });

  test("round-trips through JSON, filling in a built-in tier's objectives, and rejects malformed records", () => {
    expect(parseHaMetadata(JSON.parse(JSON.stringify(record)))).toEqual({ ...record, objectives: tier1Objectives });
    const custom = haMetadata({
      service: 'Pay',
      tier: ServiceTier.custom({
        name: 'Payments',
        strategy: DrStrategy.PILOT_LIGHT,
        ...tier1Objectives,
        minRegions: 2,
      }),
      role: HaRole.PRIMARY,
      failureDomain: FailureDomain.REGION,
      component: 'X',
    });
    expect(parseHaMetadata(JSON.parse(JSON.stringify(custom)))).toEqual(custom);
    expect(parseHaMetadata({ ...record, version: 3 })).toBeUndefined();
    // Version 1 (written before built-in tiers left their objectives out) is read when it has them.
    expect(parseHaMetadata({ ...record, version: 1, objectives: tier1Objectives })).toEqual({
      ...record,
      version: 1,
      objectives: tier1Objectives,
    });
    expect(parseHaMetadata({ ...record, version: 1 })).toBeUndefined();
    expect(parseHaMetadata({ ...record, objectives: { minAzs: 3 } })).toBeUndefined();
    expect(parseHaMetadata({ ...record, tier: 'Payments' })).toBeUndefined();
    expect(parseHaMetadata('TIER_1')).toBeUndefined();
    expect(parseHaMetadata(null)).toBeUndefined();
  });

  test('as AWS tags and Google labels', () => {
    expect(haMetadataTags(record)).toEqual({
      'ha:service': 'Checkout',
      'ha:tier': 'TIER_1',
      'ha:strategy': 'WARM_STANDBY',
      'ha:role': 'standby',
      'ha:component': 'ResilientFleet',
    });
    expect(haMetadataLabels(record)).toEqual({
      'ha-service': 'checkout',
      'ha-tier': 'tier_1',
      'ha-strategy': 'warm_standby',
      'ha-role': 'standby',
      'ha-component': 'resilientfleet',
    });
  });

  test('haRecordOf: the options role wins over the props role, which defaults to primary', () => {
    const options = { component: 'X', failureDomain: FailureDomain.REGION };
    expect(haRecordOf('svc', { tier: ServiceTier.TIER_2 }, options).role).toBe('primary');
    expect(haRecordOf('svc', { tier: ServiceTier.TIER_2, role: HaRole.STANDBY }, options).role).toBe('standby');
    expect(
      haRecordOf('svc', { tier: ServiceTier.TIER_2, role: HaRole.STANDBY }, { ...options, role: HaRole.REPLICA }).role,
    ).toBe('replica');
    expect(
      haRecordOf('svc', { tier: ServiceTier.TIER_2, allowedRegions: ['eu-west-1'] }, options).allowedRegions,
    ).toEqual(['eu-west-1']);
  });

  test('rejects an empty service', () => {
    expect(() =>
      haMetadata({
        service: '',
        tier: ServiceTier.TIER_3,
        role: HaRole.PRIMARY,
        failureDomain: FailureDomain.ZONE,
        component: 'X',
      }),
    ).toThrow(new RangeError('service must be a non-empty string, got: ""'));
  });
});

describe('placement checks', () => {
  test.each([
    ['us-east-1a', 'us-east-1'],
    ['eu-central-1c', 'eu-central-1'],
    ['europe-west1-b', 'europe-west1'],
    ['us-central1-f', 'us-central1'],
  ])('regionOfZone(%s) = %s', (zone, region) => {
    expect(regionOfZone(zone)).toBe(region);
  });

  test.each([
    [
      ['us-east-1a', 'us-east-1b'],
      'availabilityZones must list at least 3 zones for TIER_1, got: 2 (us-east-1a, us-east-1b)',
    ],
    [
      ['us-east-1a', 'us-east-1b', 'us-east-1a'],
      'availabilityZones must not repeat a zone, got: us-east-1a more than once',
    ],
    [
      ['us-east-1a', 'us-east-1b', 'us-west-2c'],
      "availabilityZones must all be in the stack's region us-east-1, got: us-west-2c",
    ],
  ])('zonePlacementProblem(%j)', (zones, message) => {
    expect(
      zonePlacementProblem({ prop: 'availabilityZones', zones, region: 'us-east-1', minZones: 3, tierName: 'TIER_1' }),
    ).toBe(message);
  });

  test('sound zone and region placements have no problem', () => {
    expect(
      zonePlacementProblem({
        prop: 'z',
        zones: ['us-east-1a', 'us-east-1b'],
        region: 'us-east-1',
        minZones: 2,
        tierName: 'TIER_2',
      }),
    ).toBeUndefined();
    expect(
      regionPlacementProblem({
        prop: 'replicaRegions',
        primaryRegion: 'eu-west-1',
        replicaRegions: ['eu-central-1'],
        allowedRegions: ['eu-west-1', 'eu-central-1'],
      }),
    ).toBeUndefined();
  });

  test.each([
    [
      { primaryRegion: 'us-east-1', replicaRegions: ['us-east-1'] },
      'replicaRegions must not include the primary region us-east-1, got: us-east-1',
    ],
    [
      { primaryRegion: 'us-east-1', replicaRegions: ['us-west-2', 'us-west-2'] },
      'replicaRegions must not repeat a region, got: us-west-2 more than once',
    ],
    [
      { primaryRegion: 'eu-west-1', replicaRegions: ['us-east-1'], allowedRegions: ['eu-west-1', 'eu-central-1'] },
      'replicaRegions must stay within allowedRegions (eu-west-1, eu-central-1), got: us-east-1',
    ],
    [
      { primaryRegion: 'us-east-1', replicaRegions: ['eu-central-1'], allowedRegions: ['eu-west-1', 'eu-central-1'] },
      'the primary region must be one of allowedRegions (eu-west-1, eu-central-1), got: us-east-1',
    ],
  ])('%#: regionPlacementProblem', (placement, message) => {
    expect(regionPlacementProblem({ prop: 'replicaRegions', ...placement })).toBe(message);
  });

  test.each<[readonly string[] | undefined, string[], string | undefined]>([
    [undefined, ['us-east-1'], undefined],
    [['us-east-1', 'eu-west-1'], ['us-east-1'], undefined],
    [
      ['eu-west-1'],
      ['us-east-1', 'us-east-1', 'eu-west-1'],
      'allowedRegions must include the regions where the alarms are created, got: eu-west-1 without us-east-1',
    ],
    [
      ['eu-west-1'],
      ['us-east-1', 'us-west-2'],
      'allowedRegions must include the regions where the alarms are created, got: eu-west-1 without us-east-1, us-west-2',
    ],
  ])('%#: ownRegionsProblem(%j, %j)', (allowed, own, message) => {
    expect(ownRegionsProblem(allowed, own, 'where the alarms are created')).toBe(message);
  });
});
