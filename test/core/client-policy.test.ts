import {
  CIRCUIT_BREAKER_DEFAULTS,
  SRE_MAX_ATTEMPTS_PER_REQUEST,
  SRE_RETRY_BUDGET_RATIO,
  clientPolicyProblem,
  clientResiliencePolicy,
} from '../../lib/core/client-policy';
import { retryBudget } from '../../lib/core/retry';

describe('clientResiliencePolicy', () => {
  test('each hop carries its retry budget from core retryBudget and the worst cases add up', () => {
    const policy = clientResiliencePolicy({
      upstreamTimeoutMs: 2000,
      hops: [
        { name: 'orders-db', perTryTimeoutMs: 200, baseDelayMs: 50, maxDelayMs: 200 },
        { name: 'cache', attempts: 2, perTryTimeoutMs: 50, baseDelayMs: 10, maxDelayMs: 10 },
      ],
    });
    expect(policy.hops).toEqual([
      {
        name: 'orders-db',
        attempts: 3,
        baseDelayMs: 50,
        maxDelayMs: 200,
        perTryTimeoutMs: 200,
        worstCaseMs: 750,
        maxBackoffMs: 150,
        expectedBackoffMs: 75,
      },
      {
        name: 'cache',
        attempts: 2,
        baseDelayMs: 10,
        maxDelayMs: 10,
        perTryTimeoutMs: 50,
        worstCaseMs: 110,
        maxBackoffMs: 10,
        expectedBackoffMs: 5,
      },
    ]);
    expect(policy.hops[0].worstCaseMs).toBe(
      retryBudget({ attempts: 3, baseDelayMs: 50, maxDelayMs: 200, perTryTimeoutMs: 200 }).worstCaseMs,
    );
    expect(policy.worstCaseMs).toBe(860);
    expect(policy.slackMs).toBe(1140);
    expect(policy.backoff).toBe('exponential-full-jitter');
    expect(clientPolicyProblem(policy)).toBeUndefined();
  });

  test('defaults: the SRE book attempts and retry budget, resilience4j breaker thresholds', () => {
    const policy = clientResiliencePolicy({
      upstreamTimeoutMs: 1000,
      hops: [{ name: 'a', perTryTimeoutMs: 100, baseDelayMs: 10, maxDelayMs: 40 }],
    });
    expect(SRE_MAX_ATTEMPTS_PER_REQUEST).toBe(3);
    expect(policy.hops[0].attempts).toBe(3);
    expect(policy.retryBudgetRatio).toBe(SRE_RETRY_BUDGET_RATIO);
    expect(policy.circuitBreaker).toEqual({
      failureRateThreshold: 0.5,
      minimumRequests: 100,
      openStateMs: 60000,
      halfOpenProbes: 10,
    });
    expect(policy.circuitBreaker).toEqual(CIRCUIT_BREAKER_DEFAULTS);
  });

  test('a partial circuit breaker keeps the other defaults', () => {
    const policy = clientResiliencePolicy({
      upstreamTimeoutMs: 1000,
      hops: [{ name: 'a', perTryTimeoutMs: 100, baseDelayMs: 10, maxDelayMs: 40 }],
      circuitBreaker: { failureRateThreshold: 0.25, openStateMs: undefined },
    });
    expect(policy.circuitBreaker).toEqual({ ...CIRCUIT_BREAKER_DEFAULTS, failureRateThreshold: 0.25 });
  });

  test.each([
    [
      { upstreamTimeoutMs: 1000, hops: [{ name: 'db', perTryTimeoutMs: 300, baseDelayMs: 100, maxDelayMs: 1000 }] },
      'hops must each fit within upstreamTimeoutMs (1000 ms) at their worst case, got: db 3 × 300 ms + 300 ms backoff = 1200 ms',
    ],
    [
      {
        upstreamTimeoutMs: 1000,
        hops: [
          { name: 'a', attempts: 2, perTryTimeoutMs: 200, baseDelayMs: 50, maxDelayMs: 50 },
          { name: 'b', attempts: 2, perTryTimeoutMs: 200, baseDelayMs: 50, maxDelayMs: 50 },
          { name: 'c', attempts: 1, perTryTimeoutMs: 200, baseDelayMs: 0, maxDelayMs: 0 },
        ],
      },
      'hops must together fit within upstreamTimeoutMs (1000 ms) at their worst case, got: 1100 ms (a 2 × 200 ms + 50 ms backoff = 450 ms; b 2 × 200 ms + 50 ms backoff = 450 ms; c 1 × 200 ms + 0 ms backoff = 200 ms)',
    ],
  ])('%#: a policy that outlasts its caller is a problem', (input, message) => {
    expect(clientPolicyProblem(clientResiliencePolicy(input))).toBe(message);
  });

  test.each([
    [{ upstreamTimeoutMs: 0, hops: [] }, 'upstreamTimeoutMs must be an integer of at least 1, got: 0'],
    [{ upstreamTimeoutMs: 1000, hops: [] }, 'hops must list at least one dependency call, got: none'],
    [
      {
        upstreamTimeoutMs: 1000,
        hops: [
          { name: 'a', perTryTimeoutMs: 1, baseDelayMs: 0, maxDelayMs: 0 },
          { name: 'a', perTryTimeoutMs: 1, baseDelayMs: 0, maxDelayMs: 0 },
        ],
      },
      'hops must have unique names, got: a more than once',
    ],
    [
      {
        upstreamTimeoutMs: 1000,
        retryBudgetRatio: 1.5,
        hops: [{ name: 'a', perTryTimeoutMs: 1, baseDelayMs: 0, maxDelayMs: 0 }],
      },
      'retryBudgetRatio must be between 0 and 1 (retries as a share of requests), got: 1.5',
    ],
    [
      {
        upstreamTimeoutMs: 1000,
        circuitBreaker: { failureRateThreshold: 0 },
        hops: [{ name: 'a', perTryTimeoutMs: 1, baseDelayMs: 0, maxDelayMs: 0 }],
      },
      'circuitBreaker.failureRateThreshold must be above 0 and at most 1, got: 0',
    ],
    [
      {
        upstreamTimeoutMs: 1000,
        circuitBreaker: { minimumRequests: 0 },
        hops: [{ name: 'a', perTryTimeoutMs: 1, baseDelayMs: 0, maxDelayMs: 0 }],
      },
      'circuitBreaker.minimumRequests must be an integer of at least 1, got: 0',
    ],
    [
      { upstreamTimeoutMs: 1000, hops: [{ name: '', perTryTimeoutMs: 1, baseDelayMs: 0, maxDelayMs: 0 }] },
      'hop name must be a non-empty string, got: ""',
    ],
    [
      { upstreamTimeoutMs: 1000, hops: [{ name: 'a', perTryTimeoutMs: 1, baseDelayMs: 20, maxDelayMs: 10 }] },
      'maxDelayMs must be at least baseDelayMs (20), got: 10',
    ],
  ])('%#: malformed input is a RangeError', (input, message) => {
    expect(() => clientResiliencePolicy(input)).toThrow(new RangeError(message));
  });
});
