import { ServiceTier, fleetTargetHealth } from '../../../lib/core';
import { GRAY_FAILURE_DOCUMENT, planGrayFailureDrill } from '../../../lib/core/plans/gray-failure-drill';
import { planZonalOutlier } from '../../../lib/core/plans/zonal-outlier';

const TIERS = [ServiceTier.TIER_0, ServiceTier.TIER_1, ServiceTier.TIER_2, ServiceTier.TIER_3];

describe('planGrayFailureDrill', () => {
  test.each([
    ['TIER_0', ServiceTier.TIER_0, 1000],
    ['TIER_1', ServiceTier.TIER_1, 1250],
  ])('%s: latency from the AZ node for 5 min, within the health check', (_name, tier, delay) => {
    const plan = planGrayFailureDrill(tier, { impairedAlarm: true, latencyThresholdSeconds: 0.5 });
    expect(plan).toMatchObject({
      enabled: true,
      documentName: GRAY_FAILURE_DOCUMENT,
      delayMilliseconds: delay,
      jitterMilliseconds: 0,
      trafficType: 'ingress',
      durationSeconds: 300,
      duration: 'PT5M',
      problems: [],
      warnings: [],
    });
  });

  test.each(TIERS.map((tier) => [tier.name, tier] as const))(
    '%s: every health check survives the delay, and the fault outlasts detection',
    (_name, tier) => {
      const plan = planGrayFailureDrill(tier, { impairedAlarm: true });
      const health = fleetTargetHealth(tier.azRtoSeconds);
      expect(plan.healthCheckTimeoutSeconds).toBe(health.timeoutSeconds);
      // Two delayed packets (SYN, request) within half the timeout the fleet's target group uses.
      expect(2 * plan.delayMilliseconds).toBeLessThanOrEqual((health.timeoutSeconds * 1000) / 2);
      // The Impaired alarm's whole evaluation window, plus a minute for the last datapoint to land.
      const evaluation = planZonalOutlier(tier, { zoneCount: 3, zonesKnown: true }).evaluation;
      expect(plan.durationSeconds).toBeGreaterThanOrEqual(
        (evaluation.evaluationPeriods + 1) * evaluation.periodSeconds,
      );
      expect(plan.durationSeconds % 60).toBe(0);
    },
  );

  test('on by default only with the AZ alarm; off on request', () => {
    expect(planGrayFailureDrill(ServiceTier.TIER_1, { impairedAlarm: false }).enabled).toBe(false);
    expect(planGrayFailureDrill(ServiceTier.TIER_1, { impairedAlarm: true, enabled: false }).enabled).toBe(false);
  });

  test('asked for without the AZ alarm is a problem', () => {
    const plan = planGrayFailureDrill(ServiceTier.TIER_1, { impairedAlarm: false, enabled: true });
    expect(plan.enabled).toBe(false);
    expect(plan.problems).toEqual([
      {
        prop: 'grayFailure',
        message:
          "grayFailure needs the Impaired alarm of the drilled AZ (zoneImpairedAlarms, the fleet's): the drill " +
          'fails when that alarm does not fire, got: no Impaired alarm for the AZ',
      },
    ]);
  });

  test.each([
    [1.25, 'latencyThreshold must be below the 1250 ms the gray failure adds'],
    [-1, 'latencyThreshold must be greater than 0, got: -1 seconds'],
  ])('a latency threshold of %s s the drill cannot breach is a problem', (threshold, start) => {
    const plan = planGrayFailureDrill(ServiceTier.TIER_1, { impairedAlarm: true, latencyThresholdSeconds: threshold });
    expect(plan.enabled).toBe(false);
    expect(plan.problems).toHaveLength(1);
    expect(plan.problems[0].prop).toBe('latencyThreshold');
    expect(plan.problems[0].message.startsWith(start)).toBe(true);
  });

  test('without the threshold the drill warns that only a Latency alarm below the delay can fire', () => {
    const plan = planGrayFailureDrill(ServiceTier.TIER_0, { impairedAlarm: true });
    expect(plan.enabled).toBe(true);
    expect(plan.warnings.map((w) => w.id)).toEqual(['latencyThreshold']);
    expect(plan.warnings[0].message).toContain('below that');
    expect(planGrayFailureDrill(ServiceTier.TIER_0, { impairedAlarm: false }).warnings).toEqual([]);
  });

  test("an engine's prop names go into its problems and warnings (Terraform's are in seconds)", () => {
    const propNames = { latencyThreshold: 'latencyThresholdSeconds', impairedAlarm: 'zoneImpairedAlarm' };
    const refused = planGrayFailureDrill(ServiceTier.TIER_1, {
      impairedAlarm: true,
      latencyThresholdSeconds: -1,
      propNames,
    });
    expect(refused.problems).toEqual([
      { prop: 'latencyThresholdSeconds', message: 'latencyThresholdSeconds must be greater than 0, got: -1 seconds' },
    ]);
    const warned = planGrayFailureDrill(ServiceTier.TIER_1, { impairedAlarm: true, propNames });
    expect(warned.warnings.map((w) => w.id)).toEqual(['latencyThresholdSeconds']);
    expect(warned.warnings[0].message).toContain('give the fleet a latencyThresholdSeconds below that');
    const alarmless = planGrayFailureDrill(ServiceTier.TIER_1, { impairedAlarm: false, enabled: true, propNames });
    expect(alarmless.problems[0].message).toMatch(
      /^grayFailure needs the Impaired alarm of the drilled AZ \(zoneImpairedAlarm,/,
    );
  });

  test('a threshold below the delay passes', () => {
    const plan = planGrayFailureDrill(ServiceTier.TIER_0, { impairedAlarm: true, latencyThresholdSeconds: 0.5 });
    expect(plan.enabled).toBe(true);
    expect(plan.delayMilliseconds).toBeGreaterThan(500);
  });
});
