import { FLEET_HEALTH_CHECK_CANDIDATES, fleetTargetHealth } from '../../lib/core/fleet-health';
import { targetFailoverSeconds } from '../../lib/core/failover';

describe('fleetTargetHealth', () => {
  test.each([
    // azRtoSeconds, interval, timeout, threshold, failover seconds
    [30, 5, 4, 2, 14],
    [40, 5, 4, 3, 19],
    [70, 15, 5, 2, 35],
    [120, 15, 5, 3, 50],
    [130, 30, 5, 2, 65],
    [190, 30, 5, 3, 95],
    [300, 30, 5, 3, 95],
    [900, 30, 5, 3, 95],
  ])(
    'an AZ RTO of %d s takes interval %d s, timeout %d s, threshold %d: %d s to stop routing',
    (rto, interval, timeout, threshold, failover) => {
      expect(fleetTargetHealth(rto)).toEqual({
        intervalSeconds: interval,
        timeoutSeconds: timeout,
        unhealthyThresholdCount: threshold,
        failoverSeconds: failover,
        budgetSeconds: rto / 2,
        withinBudget: true,
      });
    },
  );

  test('an AZ RTO under 28 s gets the fastest check ALB allows, flagged as outside the budget', () => {
    expect(fleetTargetHealth(20)).toEqual({
      intervalSeconds: 5,
      timeoutSeconds: 4,
      unhealthyThresholdCount: 2,
      failoverSeconds: 14,
      budgetSeconds: 10,
      withinBudget: false,
    });
  });

  test('the candidates run from the calmest to the fastest and are all valid ALB settings', () => {
    const seconds = FLEET_HEALTH_CHECK_CANDIDATES.map((c) => targetFailoverSeconds(c));
    expect([...seconds].sort((a, b) => b - a)).toEqual(seconds);
  });

  test.each([-1, Number.NaN])('rejects an AZ RTO of %p', (rto) => {
    expect(() => fleetTargetHealth(rto)).toThrow(RangeError);
  });
});
