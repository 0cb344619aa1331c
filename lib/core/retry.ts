import { HaValidationError } from './errors';
import { requireInteger } from './numbers';

/** A client's retry policy for one hop. */
export interface RetryPolicy {
  /** Total tries, the first included (1 = no retry). */
  readonly attempts: number;
  /** Backoff cap before the first retry; doubles for each further retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any one backoff. */
  readonly maxDelayMs: number;
  /** Timeout of each try. */
  readonly perTryTimeoutMs: number;
}

/** Worst and expected time a retry policy can spend, and whether it fits its caller's timeout. */
export interface RetryBudget {
  readonly attempts: number;
  /** Longest total backoff: full jitter can draw each wait at its cap. */
  readonly maxBackoffMs: number;
  /** Mean total backoff: full jitter draws uniformly below each cap. */
  readonly expectedBackoffMs: number;
  /** attempts × perTryTimeout + maxBackoff: every try times out and every wait is at its cap. */
  readonly worstCaseMs: number;
  /** Whether the worst case ends before the caller gives up (so no work is done for nobody). */
  fitsWithin(upstreamTimeoutMs: number): boolean;
}

/**
 * Worst-case time of exponential backoff with full jitter: the wait before retry i (1-based) is
 * uniform in [0, min(maxDelay, baseDelay × 2^(i−1))].
 * @see https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
export function retryBudget(policy: RetryPolicy): RetryBudget {
  requireInteger('attempts', policy.attempts, 1);
  requireInteger('baseDelayMs', policy.baseDelayMs, 0);
  requireInteger('maxDelayMs', policy.maxDelayMs, 0);
  requireInteger('perTryTimeoutMs', policy.perTryTimeoutMs, 1);
  if (policy.maxDelayMs < policy.baseDelayMs) {
    throw new HaValidationError(
      `maxDelayMs must be at least baseDelayMs (${policy.baseDelayMs}), got: ${policy.maxDelayMs}`,
    );
  }
  let maxBackoffMs = 0;
  for (let retry = 1; retry < policy.attempts; retry++) {
    maxBackoffMs += Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  }
  const worstCaseMs = policy.attempts * policy.perTryTimeoutMs + maxBackoffMs;
  return {
    attempts: policy.attempts,
    maxBackoffMs,
    expectedBackoffMs: maxBackoffMs / 2,
    worstCaseMs,
    fitsWithin(upstreamTimeoutMs: number): boolean {
      requireInteger('upstreamTimeoutMs', upstreamTimeoutMs, 1);
      return worstCaseMs <= upstreamTimeoutMs;
    },
  };
}
