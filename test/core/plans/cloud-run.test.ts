import { HaRole, ServiceTier } from '../../../lib/core';
import { CloudRunIntent, planCloudRun } from '../../../lib/core/plans/cloud-run';

const DIGEST = `europe-docker.pkg.dev/p/r/web@sha256:${'a'.repeat(64)}`;
const TWO_REGIONS: CloudRunIntent = {
  image: DIGEST,
  regions: [{ region: 'us-central1' }, { region: 'us-east1' }],
  requiredInstances: 4,
};

describe('planCloudRun', () => {
  test('GIVEN TIER_0 in two regions, 4 instances THEN the worked example of the doc', () => {
    const plan = planCloudRun(ServiceTier.TIER_0, TWO_REGIONS);
    expect(plan.problems).toEqual([]);
    expect(plan.regions).toEqual([
      { region: 'us-central1', role: HaRole.PRIMARY, min: 6, max: 12 },
      { region: 'us-east1', role: HaRole.PRIMARY, min: 6, max: 12 },
    ]);
    expect(plan.traffic).toEqual([{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }]);
    expect(plan.startupProbe).toEqual({
      path: '/health/live',
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 12,
    });
    expect(plan.livenessProbe).toEqual({
      path: '/health/live',
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
  });

  test('GIVEN statically stable tiers THEN a serving region keeps the required instances after a zone loss', () => {
    for (const tier of [ServiceTier.TIER_0, ServiceTier.TIER_1]) {
      for (const required of [1, 2, 3, 7, 20]) {
        const min = planCloudRun(tier, { ...TWO_REGIONS, requiredInstances: required }).regions[0].min;
        expect((min / tier.minAzs) * (tier.minAzs - 1)).toBeGreaterThanOrEqual(required);
      }
    }
  });

  test('GIVEN TIER_1 with a standby region THEN it keeps the one instance service health needs', () => {
    const plan = planCloudRun(ServiceTier.TIER_1, {
      ...TWO_REGIONS,
      regions: [{ region: 'us-central1' }, { region: 'us-east1', role: HaRole.STANDBY }],
    });
    expect(plan.regions.map((r) => r.min)).toEqual([6, 1]);
    expect(plan.failoverMinInstances).toBe(6);
  });

  test('GIVEN a canary of 10% THEN 90% stays on the stable revision and the latest is tagged', () => {
    const plan = planCloudRun(ServiceTier.TIER_0, { ...TWO_REGIONS, stableRevision: 'web-00042', canaryPercent: 10 });
    expect(plan.traffic).toEqual([
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'web-00042', percent: 90 },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 10, tag: 'canary' },
    ]);
  });

  test('GIVEN TIER_2 and a tag THEN a warning, not a problem', () => {
    const plan = planCloudRun(ServiceTier.TIER_2, { ...TWO_REGIONS, image: 'gcr.io/p/web:1.2' });
    expect(plan.problems).toEqual([]);
    expect(plan.warnings.map((w) => w.id)).toEqual(['image']);
    expect(plan.regions[0].min).toBe(4);
  });

  test.each<[string, ServiceTier, Partial<CloudRunIntent>, string, string]>([
    ['one region for TIER_0', ServiceTier.TIER_0, { regions: [{ region: 'us-central1' }] }, 'regions', 'at least 2'],
    [
      'a standby region for ACTIVE_ACTIVE',
      ServiceTier.TIER_0,
      { regions: [{ region: 'us-central1' }, { region: 'us-east1', role: HaRole.STANDBY }] },
      'regions',
      'must all serve for TIER_0',
    ],
    ['a tag for TIER_0', ServiceTier.TIER_0, { image: 'gcr.io/p/web:latest' }, 'image', 'must name a digest'],
    ['no standby instance', ServiceTier.TIER_1, { standbyInstances: 0 }, 'standbyInstances', 'at least 1'],
    ['a maximum under the floor', ServiceTier.TIER_0, { maxInstances: 5 }, 'maxInstances', 'at least 6'],
    ['zero required instances', ServiceTier.TIER_0, { requiredInstances: 0 }, 'requiredInstances', 'at least 1'],
    ['a canary without its stable revision', ServiceTier.TIER_0, { canaryPercent: 10 }, 'stableRevision', 'got: none'],
    ['a canary of 100%', ServiceTier.TIER_0, { stableRevision: 'r1', canaryPercent: 100 }, 'canaryPercent', '1 to 99'],
    ['a startup of 10 minutes', ServiceTier.TIER_0, { startupSeconds: 600 }, 'startupSeconds', 'from 5 to 240'],
    ['a liveness path with a space', ServiceTier.TIER_0, { livenessPath: '/a b' }, 'livenessPath', 'livenessPath'],
    ['concurrency 0', ServiceTier.TIER_0, { concurrency: 0 }, 'concurrency', 'from 1 to 1000'],
    ['port 0', ServiceTier.TIER_0, { containerPort: 0 }, 'containerPort', 'from 1 to 65535, got: 0'],
    ['64 MiB', ServiceTier.TIER_0, { memoryMiB: 64 }, 'memoryMiB', 'at least 128, got: 64'],
  ])('GIVEN %s THEN a problem on the prop', (_, tier, change, prop, message) => {
    const plan = planCloudRun(tier, { ...TWO_REGIONS, ...change });
    expect(plan.problems.find((p) => p.prop === prop)?.message).toContain(message);
  });
});
