import {
  dnsFailoverSeconds,
  ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS,
  ServiceTier,
  targetFailoverSeconds,
} from '../../lib/core';

describe('dnsFailoverSeconds', () => {
  test.each([
    // interval, threshold, ttl, seconds
    [10, 3, 60, 96],
    [30, 3, 60, 156],
    [10, 1, 0, 16],
    [30, 10, 300, 606],
  ])(
    'interval %d × threshold %d + 6 s check timeout + TTL %d = %d',
    (intervalSeconds, failureThreshold, ttlSeconds, expected) => {
      expect(dnsFailoverSeconds({ intervalSeconds, failureThreshold, ttlSeconds })).toBe(expected);
    },
  );

  test('the timeout term is the Route 53 figure', () => {
    expect(ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS).toBe(6);
  });

  test.each(ServiceTier.BUILT_IN)('$name: the tier defaults fail over within its region RTO', (tier) => {
    const seconds = dnsFailoverSeconds({
      intervalSeconds: tier.healthCheckIntervalSeconds,
      failureThreshold: tier.healthCheckFailureThreshold,
      ttlSeconds: tier.dnsTtlSeconds,
    });
    expect(seconds).toBeLessThanOrEqual(tier.regionRtoSeconds);
  });

  test.each([
    [{ intervalSeconds: 15, failureThreshold: 3, ttlSeconds: 60 }, 'intervalSeconds must be one of 10, 30, got: 15'],
    [
      { intervalSeconds: 10, failureThreshold: 0, ttlSeconds: 60 },
      'failureThreshold must be an integer from 1 to 10, got: 0',
    ],
    [
      { intervalSeconds: 10, failureThreshold: 11, ttlSeconds: 60 },
      'failureThreshold must be an integer from 1 to 10, got: 11',
    ],
    [
      { intervalSeconds: 10, failureThreshold: 3, ttlSeconds: -1 },
      'ttlSeconds must be an integer of at least 0, got: -1',
    ],
  ])('%#: rejects bad settings', (settings, message) => {
    expect(() => dnsFailoverSeconds(settings)).toThrow(new RangeError(message));
  });
});

describe('targetFailoverSeconds', () => {
  test.each([
    [5, 2, 2, 12],
    [10, 4, 3, 34],
    [30, 5, 5, 155],
  ])(
    'interval %d, timeout %d, threshold %d: %d s',
    (intervalSeconds, timeoutSeconds, unhealthyThresholdCount, expected) => {
      expect(targetFailoverSeconds({ intervalSeconds, timeoutSeconds, unhealthyThresholdCount })).toBe(expected);
    },
  );

  test.each([
    [
      { intervalSeconds: 4, timeoutSeconds: 2, unhealthyThresholdCount: 2 },
      'intervalSeconds must be an integer of at least 5, got: 4',
    ],
    [
      { intervalSeconds: 5, timeoutSeconds: 5, unhealthyThresholdCount: 2 },
      'timeoutSeconds must be less than intervalSeconds (5), got: 5',
    ],
    [
      { intervalSeconds: 5, timeoutSeconds: 1, unhealthyThresholdCount: 2 },
      'timeoutSeconds must be an integer of at least 2, got: 1',
    ],
    [
      { intervalSeconds: 5, timeoutSeconds: 2, unhealthyThresholdCount: 1 },
      'unhealthyThresholdCount must be an integer from 2 to 10, got: 1',
    ],
  ])('%#: rejects bad settings', (settings, message) => {
    expect(() => targetFailoverSeconds(settings)).toThrow(new RangeError(message));
  });
});
