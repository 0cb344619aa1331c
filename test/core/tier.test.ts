import { DrStrategy, ServiceTier, ServiceTierProps } from '../../lib/core';

describe('ServiceTier built-ins', () => {
  test.each([
    // name, strategy, target, minAzs, minRegions, azRto, azRpo, regionRto, regionRpo
    [ServiceTier.TIER_0, 'TIER_0', DrStrategy.ACTIVE_ACTIVE, 0.9999, 3, 2, 30, 0, 120, 1],
    [ServiceTier.TIER_1, 'TIER_1', DrStrategy.WARM_STANDBY, 0.9995, 3, 2, 120, 0, 900, 60],
    [ServiceTier.TIER_2, 'TIER_2', DrStrategy.PILOT_LIGHT, 0.999, 2, 2, 300, 0, 3600, 900],
    [ServiceTier.TIER_3, 'TIER_3', DrStrategy.BACKUP_RESTORE, 0.995, 2, 1, 900, 0, 86400, 86400],
  ])('%#: %s has the objectives of the DESIGN.md tier table', (tier, name, strategy, target, minAzs, minRegions, azRto, azRpo, regionRto, regionRpo) => {
    expect(tier.name).toBe(name);
    expect(tier.strategy).toBe(strategy);
    expect(tier.availabilityTarget).toBe(target);
    expect(tier.minAzs).toBe(minAzs);
    expect(tier.minRegions).toBe(minRegions);
    expect(tier.azRtoSeconds).toBe(azRto);
    expect(tier.azRpoSeconds).toBe(azRpo);
    expect(tier.regionRtoSeconds).toBe(regionRto);
    expect(tier.regionRpoSeconds).toBe(regionRpo);
  });

  test.each([
    // tier, staticallyStable, hcInterval, threshold, ttl, retention, backupHours, logDays, probeMinutes
    [ServiceTier.TIER_0, true, 10, 3, 60, 35, 1, 365, 1],
    [ServiceTier.TIER_1, true, 10, 3, 60, 35, 1, 365, 1],
    [ServiceTier.TIER_2, false, 30, 3, 60, 14, 1, 365, 5],
    [ServiceTier.TIER_3, false, 30, 3, 300, 7, 12, 90, 15],
  ])('%#: operating defaults derived from the objectives', (tier, stable, interval, threshold, ttl, retention, hours, logDays, probe) => {
    expect(tier.staticallyStable).toBe(stable);
    expect(tier.healthCheckIntervalSeconds).toBe(interval);
    expect(tier.healthCheckFailureThreshold).toBe(threshold);
    expect(tier.dnsTtlSeconds).toBe(ttl);
    expect(tier.backupRetentionDays).toBe(retention);
    expect(tier.backupIntervalHours).toBe(hours);
    expect(tier.logRetentionDays).toBe(logDays);
    expect(tier.probeIntervalMinutes).toBe(probe);
  });

  test('multi-region and serving flags follow the strategy', () => {
    expect(ServiceTier.BUILT_IN.map((t) => [t.isMultiRegion, t.allRegionsServe])).toEqual([
      [true, true], [true, false], [true, false], [false, false],
    ]);
  });

  test('fromName finds built-ins and rejects others', () => {
    expect(ServiceTier.fromName('TIER_2')).toBe(ServiceTier.TIER_2);
    expect(() => ServiceTier.fromName('GOLD')).toThrow('tier must be one of TIER_0, TIER_1, TIER_2, TIER_3, got: GOLD');
  });
});

describe('ServiceTier.custom', () => {
  const valid: ServiceTierProps = {
    name: 'payments', strategy: DrStrategy.WARM_STANDBY, availabilityTarget: 0.9995, minAzs: 3, minRegions: 2,
    azRtoSeconds: 60, azRpoSeconds: 0, regionRtoSeconds: 600, regionRpoSeconds: 30,
  };

  test('keeps the objectives and derives the defaults', () => {
    const tier = ServiceTier.custom(valid);
    expect(tier.toObjectives()).toEqual({
      availabilityTarget: 0.9995, minAzs: 3, minRegions: 2, azRtoSeconds: 60, azRpoSeconds: 0, regionRtoSeconds: 600, regionRpoSeconds: 30,
    });
    expect(tier.staticallyStable).toBe(true);
    expect(tier.healthCheckIntervalSeconds).toBe(10);
    expect(tier.backupRetentionDays).toBe(35);
  });

  test('explicit operating defaults win', () => {
    const tier = ServiceTier.custom({ ...valid, healthCheckIntervalSeconds: 30, dnsTtlSeconds: 30, logRetentionDays: 731 });
    expect([tier.healthCheckIntervalSeconds, tier.dnsTtlSeconds, tier.logRetentionDays]).toEqual([30, 30, 731]);
  });

  test('a single-region BACKUP_RESTORE tier is allowed', () => {
    expect(ServiceTier.custom({ ...valid, strategy: DrStrategy.BACKUP_RESTORE, minRegions: 1 }).isMultiRegion).toBe(false);
  });

  test.each<[Partial<ServiceTierProps>, string]>([
    [{ availabilityTarget: 1 }, 'availabilityTarget must be strictly between 0 and 1 (e.g. 0.999), got: 1'],
    [{ availabilityTarget: 0 }, 'availabilityTarget must be strictly between 0 and 1 (e.g. 0.999), got: 0'],
    [{ availabilityTarget: 99.9 }, 'availabilityTarget must be strictly between 0 and 1 (e.g. 0.999), got: 99.9'],
    [{ availabilityTarget: NaN }, 'availabilityTarget must be a finite number, got: NaN'],
    [{ minAzs: 0 }, 'minAzs must be an integer of at least 1, got: 0'],
    [{ minAzs: 2.5 }, 'minAzs must be an integer of at least 1, got: 2.5'],
    [{ minRegions: 0 }, 'minRegions must be an integer of at least 1, got: 0'],
    [{ minRegions: 1 }, 'minRegions must be at least 2 for strategy WARM_STANDBY (only BACKUP_RESTORE may use one region), got: 1'],
    [{ azRtoSeconds: -1 }, 'azRtoSeconds must be at least 0, got: -1'],
    [{ azRpoSeconds: -5 }, 'azRpoSeconds must be at least 0, got: -5'],
    [{ regionRtoSeconds: -1 }, 'regionRtoSeconds must be at least 0, got: -1'],
    [{ regionRpoSeconds: Infinity }, 'regionRpoSeconds must be a finite number, got: Infinity'],
    [{ name: ' ' }, 'name must be a non-empty string, got: " "'],
    [{ strategy: 'HOT' as DrStrategy }, 'strategy must be one of ACTIVE_ACTIVE, WARM_STANDBY, PILOT_LIGHT, BACKUP_RESTORE, got: HOT'],
    [{ healthCheckIntervalSeconds: 15 }, 'healthCheckIntervalSeconds must be one of 10, 30, got: 15'],
    [{ healthCheckFailureThreshold: 11 }, 'healthCheckFailureThreshold must be an integer from 1 to 10, got: 11'],
    [{ logRetentionDays: 100 }, 'logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got: 100'],
    [{ backupIntervalHours: 48 }, 'backupIntervalHours must be at most 24, got: 48'],
  ])('%#: rejects %j', (override, message) => {
    expect(() => ServiceTier.custom({ ...valid, ...override })).toThrow(new RangeError(message));
  });
});
