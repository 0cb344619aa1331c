import { ServiceTier, SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT } from '../../../lib/core';
import { planSpanner, SPANNER_MULTI_REGION_CONFIGURATIONS, SpannerIntent } from '../../../lib/core/plans/spanner';

const NAM3: SpannerIntent = { configuration: 'nam3', servingRegions: ['us-east1', 'us-east4'] };

describe('planSpanner', () => {
  test('GIVEN TIER_0 on nam3 THEN the worked example of the doc: Enterprise Plus, a key per region, 45% CPU', () => {
    const plan = planSpanner(ServiceTier.TIER_0, NAM3);
    expect(plan.problems).toEqual([]);
    expect(plan).toMatchObject({
      multiRegion: true,
      edition: 'ENTERPRISE_PLUS',
      keyRegions: ['us-east4', 'us-east1', 'us-central1'],
      minProcessingUnits: 1000,
      maxProcessingUnits: 4000,
      highPriorityCpuPercent: SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT.MULTI_REGION,
      versionRetentionSeconds: 7 * 86400,
      backup: { cron: '0 2/12 * * *', retentionSeconds: ServiceTier.TIER_0.backupRetentionDays * 86400 },
      deletionProtection: true,
      cpuAlert: { threshold: 0.45, periodSeconds: 60, durationSeconds: 900 },
    });
  });

  test.each<[string, ServiceTier, Partial<SpannerIntent>, string, string]>([
    [
      'a regional configuration for TIER_0',
      ServiceTier.TIER_0,
      { configuration: 'regional-us-east1', servingRegions: ['us-east1'] },
      'configuration',
      'configuration must have two read-write regions (a multi-region configuration such as nam3) for TIER_0',
    ],
    [
      'fleets in the witness region',
      ServiceTier.TIER_0,
      { servingRegions: ['us-central1', 'us-east1'] },
      'servingRegions',
      'servingRegions must be the read-write regions of nam3 (us-east4, us-east1)',
    ],
    [
      'one serving region of two',
      ServiceTier.TIER_0,
      { servingRegions: ['us-east4'] },
      'servingRegions',
      'got: us-east4',
    ],
    [
      'an unknown configuration',
      ServiceTier.TIER_0,
      { configuration: 'nam99' },
      'configuration',
      'configuration must be one of nam3, eur3, eur6, asia1 or regional-<region>, ' +
        'or come with configurationRegions, got: nam99',
    ],
    [
      'a witness outside the allowed regions',
      ServiceTier.TIER_0,
      { allowedRegions: ['us-east1', 'us-east4'] },
      'allowedRegions',
      'allowedRegions must include every region of nam3 (us-east4, us-east1, us-central1), which holds its replicas',
    ],
    [
      'Enterprise on a multi-region configuration',
      ServiceTier.TIER_0,
      { edition: 'ENTERPRISE' },
      'edition',
      'edition must be ENTERPRISE_PLUS for a configuration with two read-write regions, got: ENTERPRISE',
    ],
    [
      'Standard on a regional one',
      ServiceTier.TIER_3,
      { configuration: 'regional-us-east1', servingRegions: ['us-east1'], edition: 'STANDARD' },
      'edition',
      'the managed autoscaler needs one, got: STANDARD',
    ],
    [
      'a partial node',
      ServiceTier.TIER_0,
      { minProcessingUnits: 500 },
      'minProcessingUnits',
      'minProcessingUnits must be a multiple of 1000 (whole nodes), got: 500',
    ],
    [
      'a maximum below the minimum',
      ServiceTier.TIER_0,
      { minProcessingUnits: 3000, maxProcessingUnits: 2000 },
      'maxProcessingUnits',
      'of at least minProcessingUnits (3000), got: 2000',
    ],
  ])('GIVEN %s THEN the problem names the prop, the value and what is allowed', (_, tier, change, prop, message) => {
    const plan = planSpanner(tier, { ...NAM3, ...change });
    expect(plan.problems).toEqual([{ prop, message: expect.stringContaining(message) }]);
  });

  test('GIVEN TIER_3 on a regional configuration THEN it is planned: Enterprise, 65% CPU, one key', () => {
    const plan = planSpanner(ServiceTier.TIER_3, { configuration: 'regional-us-east1', servingRegions: ['us-east1'] });
    expect(plan.problems).toEqual([]);
    expect(plan).toMatchObject({
      multiRegion: false,
      edition: 'ENTERPRISE',
      keyRegions: ['us-east1'],
      highPriorityCpuPercent: SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT.REGIONAL,
      // TIER_3 asks for a backup every 12 h: Spanner's most frequent schedule.
      backup: { cron: '0 2/12 * * *' },
    });
  });

  test('GIVEN a configuration with its regions THEN read-only and witness regions get keys too', () => {
    const plan = planSpanner(ServiceTier.TIER_0, {
      configuration: 'nam-custom',
      configurationRegions: { readWrite: ['us-central1', 'us-east1'], readOnly: ['us-west1'], witness: 'us-east4' },
      servingRegions: ['us-central1', 'us-east1'],
    });
    expect(plan.problems).toEqual([]);
    expect(plan.keyRegions).toEqual(['us-central1', 'us-east1', 'us-west1', 'us-east4']);
  });

  test('GIVEN a serving region unknown at synthesis THEN the check waits for it', () => {
    expect(planSpanner(ServiceTier.TIER_0, { ...NAM3, servingRegions: [undefined, 'us-east1'] }).problems).toEqual([]);
  });

  test('PROPERTY: every listed configuration has two read-write regions and a witness apart from them', () => {
    for (const [name, regions] of Object.entries(SPANNER_MULTI_REGION_CONFIGURATIONS)) {
      expect([name, regions.readWrite.length]).toEqual([name, 2]);
      expect(regions.readWrite).not.toContain(regions.witness);
      const plan = planSpanner(ServiceTier.TIER_0, { configuration: name, servingRegions: [...regions.readWrite] });
      expect([name, plan.problems]).toEqual([name, []]);
      expect(plan.keyRegions).toHaveLength(3);
    }
  });

  test('PROPERTY: backups never come less often than the tier asks, nor more often than Spanner allows', () => {
    for (const tier of ServiceTier.BUILT_IN) {
      const configuration = tier.minRegions >= 2 ? 'nam3' : 'regional-us-east1';
      const servingRegions = tier.minRegions >= 2 ? NAM3.servingRegions : ['us-east1'];
      const { backup } = planSpanner(tier, { configuration, servingRegions });
      const hours = backup.cron === '0 2 * * *' ? 24 : 12;
      expect(hours <= Math.max(12, tier.backupIntervalHours)).toBe(true);
      expect(backup.retentionSeconds).toBe(Math.min(tier.backupRetentionDays, 366) * 86400);
    }
  });
});
