import { HaValidationError } from './errors';
import { clean, requireInteger, requireProbability } from './numbers';

/**
 * Availability algebra under independent failures.
 *
 * Components in series all have to work: A = Π aᵢ. Redundant components in parallel fail only
 * together: A = 1 − Π (1 − aᵢ). A quorum of k out of n identical replicas works while at least k
 * do: A = Σ_{i=k..n} C(n, i) aⁱ (1 − a)ⁿ⁻ⁱ. Independence is the model's assumption, and the
 * reason the library spreads replicas over AZs and regions: correlated failures break it.
 * @see https://sre.google/sre-book/embracing-risk/
 */

/** Availability of components that must all work (a request path through each of them). */
export function composeSerial(availabilities: readonly number[]): number {
  requireNonEmpty(availabilities);
  return clean(availabilities.reduce((product, a) => product * a, 1));
}

/** Availability of redundant components of which any one suffices (AZs behind a balancer). */
export function composeParallel(availabilities: readonly number[]): number {
  requireNonEmpty(availabilities);
  return clean(1 - availabilities.reduce((product, a) => product * (1 - a), 1));
}

/** Availability of a quorum: at least `k` of `n` identical replicas, each available `a`, must work. */
export function composeKOfN(k: number, n: number, availability: number): number {
  requireInteger('n', n, 1);
  requireInteger('k', k, 1);
  if (k > n) {
    throw new HaValidationError(`k must not exceed n (${n}), got: ${k}`);
  }
  requireProbability('availability', availability);
  let total = 0;
  for (let up = k; up <= n; up++) {
    total += binomial(n, up) * availability ** up * (1 - availability) ** (n - up);
  }
  return clean(Math.min(1, total));
}

/** Expected minutes of unavailability in a window for an availability (0.999 over 30 days: 43.2). */
export function downtimeMinutes(availability: number, windowDays = 30): number {
  requireProbability('availability', availability);
  if (!Number.isFinite(windowDays) || windowDays <= 0) {
    throw new HaValidationError(`windowDays must be a positive number, got: ${windowDays}`);
  }
  return clean((1 - availability) * windowDays * 24 * 60);
}

function requireNonEmpty(availabilities: readonly number[]): void {
  if (!Array.isArray(availabilities) || availabilities.length === 0) {
    throw new HaValidationError('availabilities must list at least one value, got: []');
  }
  availabilities.forEach((a, i) => requireProbability(`availabilities[${i}]`, a));
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) {
    result = (result * (n - k + i)) / i;
  }
  return result;
}
