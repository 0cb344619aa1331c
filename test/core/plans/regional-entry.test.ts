import { ServiceTier } from '../../../lib/core';
import { planRegionalEntry, RegionalEntryIntent } from '../../../lib/core/plans/regional-entry';

const INTENT: RegionalEntryIntent = {
  regions: ['us-east4', 'us-east1'],
  proxySubnetCidrs: { 'us-east4': '10.129.0.0/23', 'us-east1': '10.130.0.0/23' },
  dnsProbeRegions: ['us-east4', 'us-east1', 'us-central1'],
};

describe('planRegionalEntry', () => {
  test('GIVEN TIER_0 THEN the worked example of the doc: probes every 30 s, detection 95 s, TTL 25 s', () => {
    const plan = planRegionalEntry(ServiceTier.TIER_0, INTENT);
    expect(plan.problems).toEqual([]);
    expect(plan.dnsHealth).toEqual({
      intervalSeconds: 30,
      timeoutSeconds: 5,
      unhealthyThreshold: 3,
      detectionSeconds: 95,
    });
    expect(plan.ttlSeconds).toBe(25);
    expect(plan.backendHealth.failoverSeconds).toBe(14);
    expect(plan.healthCheckPath).toBe('/health/ready');
  });

  test.each<[string, Partial<RegionalEntryIntent>, string, string]>([
    ['one region', { regions: ['us-east4'] }, 'backends', 'backends must span at least 2 regions for TIER_0'],
    [
      'a /27 proxy subnet',
      { proxySubnetCidrs: { 'us-east4': '10.129.0.0/27', 'us-east1': '10.130.0.0/23' } },
      'proxySubnetCidrs',
      'proxySubnetCidrs must give us-east4 an IPv4 range of /26 or larger',
    ],
    [
      'no proxy subnet for a region',
      { proxySubnetCidrs: { 'us-east4': '10.129.0.0/23' } },
      'proxySubnetCidrs',
      'give us-east1 an IPv4 range of /26 or larger (the regional load balancer',
    ],
    [
      'two probe regions',
      { dnsProbeRegions: ['us-east4', 'us-east1'] },
      'dnsProbeRegions',
      'dnsProbeRegions must list exactly 3 different regions',
    ],
    ['a relative path', { healthCheckPath: 'ready' }, 'healthCheckPath', "healthCheckPath must start with '/'"],
  ])('GIVEN %s THEN the problem names the prop, the value and what is allowed', (_, change, prop, message) => {
    expect(planRegionalEntry(ServiceTier.TIER_0, { ...INTENT, ...change }).problems).toEqual([
      { prop, message: expect.stringContaining(message) },
    ]);
  });

  test('GIVEN a region RTO shorter than Cloud DNS can detect THEN the tier is refused', () => {
    const tier = ServiceTier.custom({
      name: 'FAST',
      strategy: ServiceTier.TIER_0.strategy,
      availabilityTarget: 0.9999,
      minAzs: 3,
      minRegions: 2,
      azRtoSeconds: 30,
      azRpoSeconds: 0,
      regionRtoSeconds: 60,
      regionRpoSeconds: 1,
    });
    expect(planRegionalEntry(tier, INTENT).problems).toEqual([
      { prop: 'tier', message: expect.stringContaining('within its region RTO, got: FAST (60 s)') },
    ]);
  });

  test('PROPERTY: for every built-in tier, detection + TTL fit the region RTO, probes 30 s apart or more', () => {
    for (const tier of ServiceTier.BUILT_IN) {
      const plan = planRegionalEntry(tier, INTENT);
      expect(plan.dnsHealth.intervalSeconds).toBeGreaterThanOrEqual(30);
      expect(plan.dnsHealth.detectionSeconds + plan.ttlSeconds).toBeLessThanOrEqual(tier.regionRtoSeconds);
      expect(plan.ttlSeconds).toBeLessThanOrEqual(tier.dnsTtlSeconds);
    }
  });
});
