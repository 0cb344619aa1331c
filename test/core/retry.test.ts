import { retryBudget } from '../../lib/core';

describe('retryBudget', () => {
  test.each([
    // attempts, base, max, perTry, maxBackoff, worstCase
    [1, 100, 1000, 500, 0, 500],
    [3, 100, 1000, 500, 300, 1800],
    [5, 100, 1000, 200, 1500, 2500],
    [6, 50, 300, 100, 950, 1550],
  ])(
    '%d attempts, base %d, cap %d, %d ms per try: backoff ≤ %d, worst %d',
    (attempts, baseDelayMs, maxDelayMs, perTryTimeoutMs, maxBackoff, worst) => {
      const budget = retryBudget({ attempts, baseDelayMs, maxDelayMs, perTryTimeoutMs });
      expect(budget.maxBackoffMs).toBe(maxBackoff);
      expect(budget.expectedBackoffMs).toBe(maxBackoff / 2);
      expect(budget.worstCaseMs).toBe(worst);
    },
  );

  test('fitsWithin compares the worst case with the caller timeout', () => {
    const budget = retryBudget({ attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, perTryTimeoutMs: 500 });
    expect(budget.fitsWithin(1800)).toBe(true);
    expect(budget.fitsWithin(1799)).toBe(false);
    expect(() => budget.fitsWithin(0)).toThrow(
      new RangeError('upstreamTimeoutMs must be an integer of at least 1, got: 0'),
    );
  });

  test.each([
    [
      { attempts: 0, baseDelayMs: 100, maxDelayMs: 1000, perTryTimeoutMs: 500 },
      'attempts must be an integer of at least 1, got: 0',
    ],
    [
      { attempts: 3, baseDelayMs: -1, maxDelayMs: 1000, perTryTimeoutMs: 500 },
      'baseDelayMs must be an integer of at least 0, got: -1',
    ],
    [
      { attempts: 3, baseDelayMs: 100, maxDelayMs: 50, perTryTimeoutMs: 500 },
      'maxDelayMs must be at least baseDelayMs (100), got: 50',
    ],
    [
      { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, perTryTimeoutMs: 0 },
      'perTryTimeoutMs must be an integer of at least 1, got: 0',
    ],
  ])('%#: rejects bad policies', (policy, message) => {
    expect(() => retryBudget(policy)).toThrow(new RangeError(message));
  });
});
