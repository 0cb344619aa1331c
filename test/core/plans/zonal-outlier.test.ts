import { planZonalOutlier, ServiceTier, ZonalOutlierIntent } from '../../../lib/core';

const THREE: ZonalOutlierIntent = { zoneCount: 3, zonesKnown: true };

describe('planZonalOutlier by table', () => {
  test('TIER_1 in 3 AZs: 0.72 % per AZ (14.4x), outlier 3x the others and 5 errors, 2 of 3 minutes', () => {
    expect(planZonalOutlier(ServiceTier.TIER_1, THREE)).toEqual({
      enabled: true,
      errorRateThreshold: 0.0072,
      burnRate: 14.4,
      latencyThresholdSeconds: undefined,
      outlier: { factor: 3, minErrors: 5 },
      evaluation: {
        periodSeconds: 60,
        datapointsToAlarm: 2,
        evaluationPeriods: 3,
        detectionSeconds: 120,
        withinAzRto: true,
      },
      outlierMetricCount: 6,
      problems: [],
      warnings: [],
    });
  });

  test.each([
    ['TIER_0', ServiceTier.TIER_0, true, 0.00144],
    ['TIER_1', ServiceTier.TIER_1, true, 0.0072],
    ['TIER_2', ServiceTier.TIER_2, false, 0.0144],
    ['TIER_3', ServiceTier.TIER_3, false, undefined],
  ])('%s: on by default %s, threshold %s', (_name, tier, enabled, threshold) => {
    const plan = planZonalOutlier(tier, THREE);
    expect(plan.enabled).toBe(enabled);
    if (threshold !== undefined) expect(plan.errorRateThreshold).toBe(threshold);
  });

  test('TIER_0: 120 s of detection does not fit its 30 s AZ RTO', () => {
    expect(planZonalOutlier(ServiceTier.TIER_0, THREE).evaluation.withinAzRto).toBe(false);
  });

  test.each<[string, Partial<ZonalOutlierIntent>, boolean, string | undefined]>([
    ['a STANDBY serves nothing', { serving: false }, false, undefined],
    ['asked for on TIER_2', { enabled: true }, true, undefined],
    ['switched off', { enabled: false }, false, undefined],
    ['AZs unknown', { zoneCount: undefined, zonesKnown: false }, false, 'zones'],
    ['6 AZs exceed the alarm metrics', { zoneCount: 6 }, false, 'zones'],
  ])('%s', (_name, intent, enabled, warning) => {
    const tier = intent.enabled ? ServiceTier.TIER_2 : ServiceTier.TIER_1;
    const plan = planZonalOutlier(tier, { ...THREE, ...intent });
    expect(plan.enabled).toBe(enabled);
    expect(plan.problems).toEqual([]);
    expect(plan.warnings.map((w) => w.id)).toEqual(warning ? [warning] : []);
  });

  test.each<[Partial<ZonalOutlierIntent>, string, string]>([
    [{ latencyThresholdSeconds: 0 }, 'latencyThreshold', 'latencyThreshold must be greater than 0, got: 0 seconds'],
    [
      { enabled: true, zoneCount: 1 },
      'zonalDetection',
      'zonalDetection needs 2 to 5 AZs (an outlier is measured against the other AZs), got: 1',
    ],
    [
      { enabled: true, zoneCount: 6 },
      'zonalDetection',
      'zonalDetection needs 2 to 5 AZs (its outlier alarm reads two 5xx ' +
        'counts per AZ, and a CloudWatch alarm at most 10 metrics), got: 6',
    ],
  ])('problem %j', (intent, prop, message) => {
    expect(planZonalOutlier(ServiceTier.TIER_1, { ...THREE, ...intent }).problems).toEqual([{ prop, message }]);
  });

  test('a latency threshold is carried to the plan', () => {
    expect(
      planZonalOutlier(ServiceTier.TIER_1, { ...THREE, latencyThresholdSeconds: 0.25 }).latencyThresholdSeconds,
    ).toBe(0.25);
  });
});
