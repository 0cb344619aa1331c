import { HaRole, ServiceTier } from '../../../lib/core';
import { ClusterIntent, planCluster, planClusterNodes } from '../../../lib/core/plans/cluster';

const ZONES = ['us-central1-a', 'us-central1-b', 'us-central1-c'];
const INTENT: ClusterIntent = { region: 'us-central1', zones: ZONES, requiredNodes: 6, maxNodes: 18 };

describe('planCluster', () => {
  test('GIVEN TIER_1, 3 zones, 6 nodes THEN the worked example of the doc', () => {
    const plan = planCluster(ServiceTier.TIER_1, INTENT);
    expect(plan.problems).toEqual([]);
    expect(plan).toMatchObject({
      zones: 3,
      nodes: { min: 9, desired: 9, max: 18, perAz: 3 },
      failoverMinNodes: 9,
      minNodesPerZone: 3,
      maxNodesPerZone: 6,
      maxSurgePerZone: 1,
      maxUnavailablePerZone: 0,
      releaseChannel: 'STABLE',
      maintenance: {
        startTime: '2025-01-06T03:00:00Z',
        endTime: '2025-01-06T07:00:00Z',
        recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH',
      },
      exclusions: [],
    });
  });

  test('GIVEN any statically stable tier and zone count THEN losing a zone leaves the required nodes', () => {
    for (const tier of [ServiceTier.TIER_0, ServiceTier.TIER_1]) {
      for (const zones of [3, 4, 5]) {
        for (const required of [1, 2, 5, 7, 12]) {
          const names = ZONES.concat(['us-central1-f', 'us-central1-d']).slice(0, zones);
          const plan = planCluster(tier, {
            region: 'us-central1',
            zones: names,
            requiredNodes: required,
            maxNodes: 100,
          });
          expect(plan.problems).toEqual([]);
          expect(plan.minNodesPerZone * (zones - 1)).toBeGreaterThanOrEqual(required);
          expect(plan.nodes.min).toBe(plan.minNodesPerZone * zones);
        }
      }
    }
  });

  test('GIVEN a multi-region tier and the default window THEN a warning to give each region its own', () => {
    expect(planCluster(ServiceTier.TIER_1, INTENT).warnings.map((w) => w.id)).toEqual(['maintenanceWindow']);
    const own = { startTimeUtc: '09:00', durationHours: 4, days: ['MO', 'TU', 'WE', 'TH'] as const };
    expect(
      planCluster(ServiceTier.TIER_1, { ...INTENT, maintenanceWindow: { ...own, days: [...own.days] } }).warnings,
    ).toEqual([]);
    expect(planCluster(ServiceTier.TIER_3, { ...INTENT, zones: ZONES.slice(0, 2), requiredNodes: 2 }).warnings).toEqual(
      [],
    );
  });

  test('GIVEN a WARM_STANDBY standby cluster THEN one node per zone, and the serving size for failover', () => {
    const plan = planCluster(ServiceTier.TIER_1, { ...INTENT, role: HaRole.STANDBY });
    expect(plan.nodes.min).toBe(3);
    expect(plan.failoverMinNodes).toBe(9);
  });

  test('GIVEN TIER_2 and 5 nodes over 2 zones THEN rounded up per zone, REGULAR channel, and a warning', () => {
    const plan = planCluster(ServiceTier.TIER_2, {
      region: 'us-central1',
      zones: ZONES.slice(0, 2),
      requiredNodes: 5,
      maxNodes: 10,
    });
    expect(plan.problems).toEqual([]);
    expect(plan.nodes.min).toBe(6);
    expect(plan.releaseChannel).toBe('REGULAR');
    expect(plan.warnings.map((w) => w.id)).toEqual(['requiredNodes', 'maintenanceWindow']);
  });

  test('GIVEN a freeze THEN a "no upgrades" exclusion of the same period', () => {
    const plan = planCluster(ServiceTier.TIER_1, {
      ...INTENT,
      freezes: [
        { name: 'black-friday', start: new Date('2026-11-25T00:00:00Z'), end: new Date('2026-12-02T00:00:00Z') },
      ],
    });
    expect(plan.exclusions).toEqual([
      {
        name: 'black-friday',
        startTime: '2026-11-25T00:00:00Z',
        endTime: '2026-12-02T00:00:00Z',
        scope: 'NO_UPGRADES',
      },
    ]);
  });

  test.each<[string, ServiceTier, Partial<ClusterIntent>, string, string]>([
    ['two zones for TIER_1', ServiceTier.TIER_1, { zones: ZONES.slice(0, 2) }, 'zones', 'at least 3 zones for TIER_1'],
    [
      'a zone of another region',
      ServiceTier.TIER_1,
      { zones: [...ZONES.slice(0, 2), 'us-east1-b'] },
      'zones',
      "in the cluster's region us-central1, got: us-east1-b",
    ],
    ['a repeated zone', ServiceTier.TIER_2, { zones: [ZONES[0], ZONES[0]] }, 'zones', 'must not repeat'],
    ['a maximum below the statically stable floor', ServiceTier.TIER_1, { maxNodes: 8 }, 'maxNodes', 'at least 9'],
    ['no surge', ServiceTier.TIER_1, { maxSurgePerZone: 0 }, 'maxSurgePerZone', 'at least 1, got: 0'],
    ['an unknown channel', ServiceTier.TIER_1, { releaseChannel: 'BETA' }, 'releaseChannel', 'got: BETA'],
    [
      'a window of 2 hours',
      ServiceTier.TIER_1,
      { maintenanceWindow: { startTimeUtc: '03:00', durationHours: 2, days: ['MO', 'TU', 'WE', 'TH', 'FR'] } },
      'maintenanceWindow.durationHours',
      'from 4 to 24',
    ],
    [
      'a window of 4 hours once a week',
      ServiceTier.TIER_1,
      { maintenanceWindow: { startTimeUtc: '03:00', durationHours: 4, days: ['SA'] } },
      'maintenanceWindow',
      'at least 12 hours a week (GKE requires 48 hours in any 32 days), got: 4',
    ],
    [
      'a start that is not HH:MM',
      ServiceTier.TIER_1,
      { maintenanceWindow: { startTimeUtc: '3am', durationHours: 4, days: ['MO', 'TU', 'WE'] } },
      'maintenanceWindow.startTimeUtc',
      'got: 3am',
    ],
    [
      'a freeze of 45 days',
      ServiceTier.TIER_1,
      { freezes: [{ name: 'q4', start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-16T00:00:00Z') }] },
      'deploymentFreezes[q4]',
      'at most 30 days',
    ],
    [
      'a freeze that ends before it starts',
      ServiceTier.TIER_1,
      { freezes: [{ name: 'q4', start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z') }] },
      'deploymentFreezes[q4]',
      'end must be after its start',
    ],
  ])('GIVEN %s THEN a problem on the prop', (_, tier, change, prop, message) => {
    const plan = planCluster(tier, { ...INTENT, ...change });
    expect(plan.problems.map((p) => p.prop)).toContain(prop);
    expect(plan.problems.find((p) => p.prop === prop)!.message).toContain(message);
  });

  test('GIVEN unknown zones THEN sized over the tier minimum without a zone problem', () => {
    const plan = planCluster(ServiceTier.TIER_0, { requiredNodes: 4, maxNodes: 12 });
    expect(plan.problems).toEqual([]);
    expect(plan.nodes.min).toBe(6);
  });

  test('GIVEN zones unknown at synthesis but counted THEN sized over their count, and too few refused', () => {
    expect(planClusterNodes(ServiceTier.TIER_1, { zoneCount: 4, requiredNodes: 6 }).minNodesPerZone).toBe(2);
    expect(planClusterNodes(ServiceTier.TIER_1, { zoneCount: 2 }).problems.map((p) => p.message)).toEqual([
      'zones must list at least 3 zones for TIER_1, got: 2',
    ]);
  });
});
