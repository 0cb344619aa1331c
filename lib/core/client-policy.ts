import { HaValidationError } from './errors';
import { requireAtLeast, requireInteger } from './numbers';
import { RetryBudget, RetryPolicy, retryBudget } from './retry';

/**
 * Client resilience policy of a service: per-hop timeouts and retries (exponential backoff with
 * full jitter), a retry budget and circuit-breaker thresholds, checked against the time the
 * service's own caller waits.
 *
 * The model: a request to the service calls its dependencies (hops) one after another on the
 * critical path. Each hop may spend its retry policy's worst case (every try times out, every wait
 * is drawn at its cap); the sum must end before the upstream caller gives up, or the service does
 * work for a caller that has already left (and retries of it multiply load during an outage).
 */

/**
 * Most tries of one request, the first included: the SRE book's "limit retries per request".
 * @see https://sre.google/sre-book/handling-overload/ ("Deciding to Retry")
 */
export const SRE_MAX_ATTEMPTS_PER_REQUEST = 3;

/**
 * Per-client retry budget: retries may be at most 10% of requests, so an overloaded dependency
 * sees at most 1.1× its normal load from this client instead of attempts×.
 * @see https://sre.google/sre-book/handling-overload/ ("per-client retry budget")
 */
export const SRE_RETRY_BUDGET_RATIO = 0.1;

/**
 * Default circuit-breaker thresholds (resilience4j's documented defaults): open at a 50% failure
 * rate once at least 100 calls were seen, stay open 60 s, then let 10 probe calls through.
 * @see https://resilience4j.readme.io/docs/circuitbreaker (Create and configure a CircuitBreaker)
 */
export const CIRCUIT_BREAKER_DEFAULTS: CircuitBreakerPolicy = {
  failureRateThreshold: 0.5,
  minimumRequests: 100,
  openStateMs: 60_000,
  halfOpenProbes: 10,
};

/** When a client stops calling a failing dependency, and how it tries again. */
export interface CircuitBreakerPolicy {
  /** Share of failed calls (0–1, exclusive of 0) in the sliding window that opens the breaker. */
  readonly failureRateThreshold: number;
  /** Calls the window must hold before the failure rate counts (avoids opening on 1 of 1). */
  readonly minimumRequests: number;
  /** How long the breaker stays open (fails fast) before it lets probes through. */
  readonly openStateMs: number;
  /** Calls let through while half-open; their outcome closes or re-opens the breaker. */
  readonly halfOpenProbes: number;
}

/** One dependency call on the service's critical path. */
export interface HopPolicyInput extends Omit<RetryPolicy, 'attempts'> {
  /** Name of the dependency (`orders-db`, `payments-api`), unique within the policy. */
  readonly name: string;
  /** Total tries, the first included. @default SRE_MAX_ATTEMPTS_PER_REQUEST */
  readonly attempts?: number;
}

/** What {@link clientResiliencePolicy} computes a policy from. */
export interface ClientPolicyInput {
  /** How long the service's own caller waits for it (its timeout towards this service). */
  readonly upstreamTimeoutMs: number;
  /** The dependency calls a request makes one after another. At least one. */
  readonly hops: readonly HopPolicyInput[];
  /** Retries as a share of requests (0–1). @default SRE_RETRY_BUDGET_RATIO */
  readonly retryBudgetRatio?: number;
  /** Circuit-breaker thresholds; fields left out take {@link CIRCUIT_BREAKER_DEFAULTS}. */
  readonly circuitBreaker?: Partial<CircuitBreakerPolicy>;
}

/** One hop with its retry policy and what it can cost. */
export interface HopBudget extends RetryPolicy {
  readonly name: string;
  /** attempts × perTryTimeout + longest total backoff. */
  readonly worstCaseMs: number;
  /** Longest total backoff (each full-jitter wait drawn at its cap). */
  readonly maxBackoffMs: number;
  /** Mean total backoff (full jitter draws uniformly below each cap). */
  readonly expectedBackoffMs: number;
}

/** The policy clients read: what the AWS construct publishes as JSON. */
export interface ClientPolicyDocument {
  readonly upstreamTimeoutMs: number;
  /** Backoff formula every hop uses: the wait before retry i is uniform in [0, min(maxDelay, baseDelay × 2^(i−1))]. */
  readonly backoff: 'exponential-full-jitter';
  readonly hops: readonly HopBudget[];
  /** Sum of the hops' worst cases: the longest a request can take when every dependency misbehaves. */
  readonly worstCaseMs: number;
  /** upstreamTimeoutMs − worstCaseMs: negative when the policy does not fit. */
  readonly slackMs: number;
  readonly retryBudgetRatio: number;
  readonly circuitBreaker: CircuitBreakerPolicy;
}

/**
 * Computes each hop's retry budget (core `retryBudget`) and the policy's total worst case.
 * Throws a RangeError for malformed numbers; whether the policy fits its upstream timeout is
 * {@link clientPolicyProblem}'s question, so callers can phrase that error in their own terms.
 * @see https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
export function clientResiliencePolicy(input: ClientPolicyInput): ClientPolicyDocument {
  requireInteger('upstreamTimeoutMs', input.upstreamTimeoutMs, 1);
  if (!Array.isArray(input.hops) || input.hops.length === 0) {
    throw new HaValidationError('hops must list at least one dependency call, got: none');
  }
  const names = input.hops.map((hop) => hop.name);
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0) {
    throw new HaValidationError(
      `hops must have unique names, got: ${[...new Set(repeated)].join(', ')} more than once`,
    );
  }
  const retryBudgetRatio = input.retryBudgetRatio ?? SRE_RETRY_BUDGET_RATIO;
  requireAtLeast('retryBudgetRatio', retryBudgetRatio, 0);
  if (retryBudgetRatio > 1) {
    throw new HaValidationError(
      `retryBudgetRatio must be between 0 and 1 (retries as a share of requests), got: ${retryBudgetRatio}`,
    );
  }
  const circuitBreaker = { ...CIRCUIT_BREAKER_DEFAULTS, ...definedOnly(input.circuitBreaker ?? {}) };
  requireAtLeast('circuitBreaker.failureRateThreshold', circuitBreaker.failureRateThreshold, 0);
  if (circuitBreaker.failureRateThreshold === 0 || circuitBreaker.failureRateThreshold > 1) {
    throw new HaValidationError(
      `circuitBreaker.failureRateThreshold must be above 0 and at most 1, got: ${circuitBreaker.failureRateThreshold}`,
    );
  }
  requireInteger('circuitBreaker.minimumRequests', circuitBreaker.minimumRequests, 1);
  requireInteger('circuitBreaker.openStateMs', circuitBreaker.openStateMs, 1);
  requireInteger('circuitBreaker.halfOpenProbes', circuitBreaker.halfOpenProbes, 1);

  const hops = input.hops.map((hop): HopBudget => {
    if (typeof hop.name !== 'string' || hop.name.trim() === '') {
      throw new HaValidationError(`hop name must be a non-empty string, got: ${JSON.stringify(hop.name)}`);
    }
    const policy: RetryPolicy = {
      attempts: hop.attempts ?? SRE_MAX_ATTEMPTS_PER_REQUEST,
      baseDelayMs: hop.baseDelayMs,
      maxDelayMs: hop.maxDelayMs,
      perTryTimeoutMs: hop.perTryTimeoutMs,
    };
    const budget: RetryBudget = retryBudget(policy);
    return {
      name: hop.name,
      ...policy,
      worstCaseMs: budget.worstCaseMs,
      maxBackoffMs: budget.maxBackoffMs,
      expectedBackoffMs: budget.expectedBackoffMs,
    };
  });
  const worstCaseMs = hops.reduce((sum, hop) => sum + hop.worstCaseMs, 0);
  return {
    upstreamTimeoutMs: input.upstreamTimeoutMs,
    backoff: 'exponential-full-jitter',
    hops,
    worstCaseMs,
    slackMs: input.upstreamTimeoutMs - worstCaseMs,
    retryBudgetRatio,
    circuitBreaker,
  };
}

/**
 * Why the policy cannot work, or undefined when it fits: a hop whose own worst case outlasts the
 * upstream timeout (checked with `retryBudget(...).fitsWithin`), or hops that together do.
 * `timeoutProp` names the timeout as the caller's props spell it, for the message.
 */
export function clientPolicyProblem(
  policy: ClientPolicyDocument,
  timeoutProp = 'upstreamTimeoutMs',
): string | undefined {
  const overlong = policy.hops.filter((hop) => !retryBudget(hop).fitsWithin(policy.upstreamTimeoutMs));
  if (overlong.length > 0) {
    return `hops must each fit within ${timeoutProp} (${policy.upstreamTimeoutMs} ms) at their worst case, got: ${overlong.map(describeHop).join('; ')}`;
  }
  if (policy.worstCaseMs > policy.upstreamTimeoutMs) {
    return `hops must together fit within ${timeoutProp} (${policy.upstreamTimeoutMs} ms) at their worst case, got: ${policy.worstCaseMs} ms (${policy.hops.map(describeHop).join('; ')})`;
  }
  return undefined;
}

function describeHop(hop: HopBudget): string {
  return `${hop.name} ${hop.attempts} × ${hop.perTryTimeoutMs} ms + ${hop.maxBackoffMs} ms backoff = ${hop.worstCaseMs} ms`;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
