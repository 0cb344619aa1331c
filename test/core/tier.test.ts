import { DrStrategy, ServiceTier, ServiceTierProps, tierContradiction } from '../../lib/core';

describe('ServiceTier built-ins', () => {
  test.each([
    // name, strategy, target, minAzs, minRegions, azRto, azRpo, regionRto, regionRpo
    [ServiceTier.TIER_0, 'TIER_0', DrStrategy.ACTIVE_ACTIVE, 0.9999, 3, 2, 30, 0, 120, 1],
    [ServiceTier.TIER_1, 'TIER_1', DrStrategy.WARM_STANDBY, 0.9995, 3, 2, 120, 0, 900, 60],
    [ServiceTier.TIER_2, 'TIER_2', DrStrategy.PILOT_LIGHT, 0.999, 2, 2, 300, 0, 3600, 900],
    [ServiceTier.TIER_3, 'TIER_3', DrStrategy.BACKUP_RESTORE, 0.995, 2, 1, 900, 0, 86400, 86400],
  ])(
    '%#: %s has the objectives of the README tier table',
    (tier, name, strategy, target, minAzs, minRegions, azRto, azRpo, regionRto, regionRpo) => {
      expect(tier.name).toBe(name);
      expect(tier.strategy).toBe(strategy);
      expect(tier.availabilityTarget).toBe(target);
      expect(tier.minAzs).toBe(minAzs);
      expect(tier.minRegions).toBe(minRegions);
      expect(tier.azRtoSeconds).toBe(azRto);
      expect(tier.azRpoSeconds).toBe(azRpo);
      expect(tier.regionRtoSeconds).toBe(regionRto);
      expect(tier.regionRpoSeconds).toBe(regionRpo);
    },
  );

  test.each([
    // tier, staticallyStable, hcInterval, threshold, ttl, retention, backupHours, logDays, probeMinutes
    [ServiceTier.TIER_0, true, 10, 3, 60, 35, 1, 365, 1],
    [ServiceTier.TIER_1, true, 10, 3, 60, 35, 1, 365, 1],
    [ServiceTier.TIER_2, false, 30, 3, 60, 14, 1, 365, 5],
    [ServiceTier.TIER_3, false, 30, 3, 300, 7, 12, 365, 15],
  ])(
    '%#: operating defaults derived from the objectives',
    (tier, stable, interval, threshold, ttl, retention, hours, logDays, probe) => {
      expect(tier.staticallyStable).toBe(stable);
      expect(tier.healthCheckIntervalSeconds).toBe(interval);
      expect(tier.healthCheckFailureThreshold).toBe(threshold);
      expect(tier.dnsTtlSeconds).toBe(ttl);
      expect(tier.backupRetentionDays).toBe(retention);
      expect(tier.backupIntervalHours).toBe(hours);
      expect(tier.logRetentionDays).toBe(logDays);
      expect(tier.probeIntervalMinutes).toBe(probe);
    },
  );

  test('multi-region and serving flags follow the strategy', () => {
    expect(ServiceTier.BUILT_IN.map((t) => [t.isMultiRegion, t.allRegionsServe])).toEqual([
      [true, true],
      [true, false],
      [true, false],
      [false, false],
    ]);
  });

  test('fromName finds built-ins and rejects others', () => {
    expect(ServiceTier.fromName('TIER_2')).toBe(ServiceTier.TIER_2);
    expect(() => ServiceTier.fromName('GOLD')).toThrow('tier must be one of TIER_0, TIER_1, TIER_2, TIER_3, got: GOLD');
  });
});

describe('ServiceTier.custom', () => {
  const valid: ServiceTierProps = {
    name: 'payments',
    strategy: DrStrategy.WARM_STANDBY,
    availabilityTarget: 0.9995,
    minAzs: 3,
    minRegions: 2,
    azRtoSeconds: 60,
    azRpoSeconds: 0,
    regionRtoSeconds: 600,
    regionRpoSeconds: 30,
  };

  test('keeps the objectives and derives the defaults', () => {
    const tier = ServiceTier.custom(valid);
    expect(tier.toObjectives()).toEqual({
      availabilityTarget: 0.9995,
      minAzs: 3,
      minRegions: 2,
      azRtoSeconds: 60,
      azRpoSeconds: 0,
      regionRtoSeconds: 600,
      regionRpoSeconds: 30,
    });
    expect(tier.staticallyStable).toBe(true);
    expect(tier.healthCheckIntervalSeconds).toBe(10);
    expect(tier.backupRetentionDays).toBe(35);
  });

  test('explicit operating defaults win', () => {
    const tier = ServiceTier.custom({
      ...valid,
      healthCheckIntervalSeconds: 30,
      dnsTtlSeconds: 30,
      logRetentionDays: 731,
    });
    expect([tier.healthCheckIntervalSeconds, tier.dnsTtlSeconds, tier.logRetentionDays]).toEqual([30, 30, 731]);
  });

  test('a single-region BACKUP_RESTORE tier is allowed', () => {
    expect(ServiceTier.custom({ ...valid, strategy: DrStrategy.BACKUP_RESTORE, minRegions: 1 }).isMultiRegion).toBe(
      false,
    );
  });

  test.each<[Partial<ServiceTierProps>, string]>([
    [{ availabilityTarget: 1 }, 'availabilityTarget must be strictly between 0 and 1 (e.g. 0.999), got: 1'],
    [{ availabilityTarget: 0 }, 'availabilityTarget must be strictly between 0 and 1 (e.g. 0.999), got: 0'],
    [{ availabilityTarget: 99.9 }, 'availabilityTarget must be strictly between 0 and 1 (e.g. 0.999), got: 99.9'],
    [{ availabilityTarget: NaN }, 'availabilityTarget must be a finite number, got: NaN'],
    [{ minAzs: 0 }, 'minAzs must be an integer of at least 1, got: 0'],
    [{ minAzs: 2.5 }, 'minAzs must be an integer of at least 1, got: 2.5'],
    [{ minRegions: 0 }, 'minRegions must be an integer of at least 1, got: 0'],
    [
      { minRegions: 1 },
      'minRegions must be at least 2 for strategy WARM_STANDBY (only BACKUP_RESTORE may use one region), got: 1',
    ],
    [{ azRtoSeconds: -1 }, 'azRtoSeconds must be at least 0, got: -1'],
    [{ azRpoSeconds: -5 }, 'azRpoSeconds must be at least 0, got: -5'],
    [{ regionRtoSeconds: -1 }, 'regionRtoSeconds must be at least 0, got: -1'],
    [{ regionRpoSeconds: Infinity }, 'regionRpoSeconds must be a finite number, got: Infinity'],
    [{ name: ' ' }, 'name must be a non-empty string, got: " "'],
    [
      { strategy: 'HOT' as DrStrategy },
      'strategy must be one of ACTIVE_ACTIVE, WARM_STANDBY, PILOT_LIGHT, BACKUP_RESTORE, got: HOT',
    ],
    [{ healthCheckIntervalSeconds: 15 }, 'healthCheckIntervalSeconds must be one of 10, 30, got: 15'],
    [{ healthCheckFailureThreshold: 11 }, 'healthCheckFailureThreshold must be an integer from 1 to 10, got: 11'],
    [
      { logRetentionDays: 100 },
      'logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got: 100',
    ],
    [{ backupIntervalHours: 48 }, 'backupIntervalHours must be at most 24, got: 48'],
  ])('%#: rejects %j', (override, message) => {
    expect(() => ServiceTier.custom({ ...valid, ...override })).toThrow(new RangeError(message));
  });
});

describe('ServiceTier.custom: fields that contradict each other', () => {
  const valid: ServiceTierProps = {
    name: 'payments',
    strategy: DrStrategy.WARM_STANDBY,
    availabilityTarget: 0.9995,
    minAzs: 3,
    minRegions: 2,
    azRtoSeconds: 60,
    azRpoSeconds: 0,
    regionRtoSeconds: 600,
    regionRpoSeconds: 30,
  };
  const oneZone: Partial<ServiceTierProps> = { minAzs: 1, azRtoSeconds: 300 };

  test.each<[string, Partial<ServiceTierProps>, string]>([
    [
      'one zone cannot be credited with 99.99% (published single-zone SLAs stop at 99.9%)',
      { ...oneZone, availabilityTarget: 0.9999 },
      "availabilityTarget must be at most 0.999 with minAzs 1 under WARM_STANDBY (one region serves at a time, from a single zone: no published SLA for compute in one zone is above 99.9%, Compute Engine's single instance, EC2's being 99.5%; 99.99% needs instances in two or more zones, minAzs 2), got: 0.9999",
    ],
    [
      'one serving region cannot be credited with more than the 99.99% of a multi-zone SLA',
      { availabilityTarget: 0.99999 },
      'availabilityTarget must be at most 0.9999 under WARM_STANDBY (one region serves at a time: no published SLA for compute in one region is above 99.99%, for instances in two or more zones), got: 0.99999',
    ],
    [
      'ACTIVE_ACTIVE regions in parallel, each in one zone: 1 − 0.001² = 0.999999',
      { ...oneZone, strategy: DrStrategy.ACTIVE_ACTIVE, availabilityTarget: 0.9999999 },
      "availabilityTarget must be at most 0.999999 with minAzs 1 under ACTIVE_ACTIVE (2 regions serve in parallel, each from a single zone: no published SLA for compute in one zone is above 99.9%, Compute Engine's single instance, EC2's being 99.5%; 99.99% needs instances in two or more zones, minAzs 2), got: 0.9999999",
    ],
    [
      'static stability with one zone',
      { ...oneZone, staticallyStable: true },
      'minAzs must be at least 2 with staticallyStable true (peak capacity is kept after losing one AZ by the AZs that survive), got: 1',
    ],
    [
      'an AZ RTO of 120 s or less (which needs static stability) with one zone',
      { minAzs: 1, azRtoSeconds: 120 },
      'azRtoSeconds must be more than 120 with minAzs 1 (an AZ RTO of 120 s or less leaves no time to launch and warm replacement instances, so the capacity must already run in a second AZ: raise minAzs to 2), got: 120',
    ],
    [
      '... also when static stability is turned off explicitly',
      { minAzs: 1, azRtoSeconds: 60, staticallyStable: false },
      'azRtoSeconds must be more than 120 with minAzs 1 (an AZ RTO of 120 s or less leaves no time to launch and warm replacement instances, so the capacity must already run in a second AZ: raise minAzs to 2), got: 60',
    ],
    [
      'an AZ RTO below the fastest target health check (targetFailoverSeconds: 5 s × 2 + 4 s)',
      { azRtoSeconds: 13 },
      'azRtoSeconds must be at least 14 (the fastest target health check, every 5 s with a 4 s timeout and 2 failures, stops routing to a failed AZ after 14 s), got: 13',
    ],
    [
      'a DNS TTL that alone outlasts the region RTO (dnsFailoverSeconds: 10 s × 3 + 6 s + 300 s)',
      { regionRtoSeconds: 120, dnsTtlSeconds: 300 },
      'regionRtoSeconds must be at least 336 with dnsTtlSeconds 300 (DNS failover takes up to 10 s × 3 failed health checks + 6 s for the last to time out + 300 s of TTL), got: 120; lower dnsTtlSeconds',
    ],
    [
      'health checks that take longer than the region RTO to see the region fail (30 s × 5)',
      { regionRtoSeconds: 120, healthCheckIntervalSeconds: 30, healthCheckFailureThreshold: 5 },
      'regionRtoSeconds must be at least 216 with healthCheckIntervalSeconds 30 and healthCheckFailureThreshold 5 (DNS failover takes up to 30 s × 5 failed health checks + 6 s for the last to time out + 60 s of TTL), got: 120; lower healthCheckIntervalSeconds or healthCheckFailureThreshold',
    ],
  ])('%s', (_name, override, message) => {
    expect(() => ServiceTier.custom({ ...valid, ...override })).toThrow(new RangeError(message));
    expect(tierContradiction({ ...valid, ...override })).toBe(message);
  });

  test.each<[string, Partial<ServiceTierProps>]>([
    [
      'one zone at the highest single-zone SLA, with an AZ RTO long enough to launch replacements',
      { ...oneZone, availabilityTarget: 0.999 },
    ],
    [
      'ACTIVE_ACTIVE over two single-zone regions at 99.99% (1 − 0.001² ≥ 0.9999)',
      { ...oneZone, strategy: DrStrategy.ACTIVE_ACTIVE, availabilityTarget: 0.9999 },
    ],
    ['static stability turned off with several zones', { azRtoSeconds: 30, staticallyStable: false }],
    // Evacuating the region also serves an AZ loss; RPO and RTO measure different things.
    [
      'region objectives tighter than the AZ ones, and an RPO longer than the RTO',
      { azRtoSeconds: 900, regionRtoSeconds: 300, azRpoSeconds: 60, regionRpoSeconds: 5, availabilityTarget: 0.999 },
    ],
    // The derived settings are Route 53's; a global load balancer (Google) fails over without DNS.
    [
      'a region RTO shorter than DNS failover with the derived settings (restated or not)',
      { regionRtoSeconds: 60, healthCheckFailureThreshold: 3, dnsTtlSeconds: 60 },
    ],
    [
      'settings chosen to fit a short region RTO: 10 s × 1 + 6 s + 30 s = 46 s',
      { regionRtoSeconds: 60, healthCheckFailureThreshold: 1, dnsTtlSeconds: 30 },
    ],
    [
      'a long DNS TTL for BACKUP_RESTORE, which restores rather than fails over',
      { strategy: DrStrategy.BACKUP_RESTORE, minRegions: 1, regionRtoSeconds: 120, dnsTtlSeconds: 300 },
    ],
  ])('accepts %s', (_name, override) => {
    expect(() => ServiceTier.custom({ ...valid, ...override })).not.toThrow();
  });

  test('the built-in tiers contradict nothing', () => {
    expect(ServiceTier.BUILT_IN.map((t) => tierContradiction({ ...t, name: t.name }))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
