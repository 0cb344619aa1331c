import { HaValidationError } from './errors';
/**
 * Small numeric helpers shared by the core models: input checks that produce the house-style
 * message (`<name> must ..., got: <value>`), and rounding that strips floating-point noise.
 */

/** Seconds in a day: the unit Terraform providers take for retention periods given in days. */
export const SECONDS_PER_DAY = 86_400;

/** Throws a RangeError unless `value` is a finite number. */
export function requireFinite(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new HaValidationError(`${name} must be a finite number, got: ${String(value)}`, { prop: name });
  }
}

/**
 * Throws a RangeError unless `value` is an integer of at least `min` (and at most `max`, when given).
 * The library's one integer check: core and every engine call it.
 */
export function requireInteger(name: string, value: number, min: number, max?: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new HaValidationError(`${name} must be an integer ${range}, got: ${String(value)}`, { prop: name });
  }
}

/** Throws a RangeError unless `value` is a finite number of at least `min`. */
export function requireAtLeast(name: string, value: number, min: number): void {
  requireFinite(name, value);
  if (value < min) {
    throw new HaValidationError(`${name} must be at least ${min}, got: ${value}`, { prop: name });
  }
}

/** Throws a RangeError unless `value` lies in the closed interval [0, 1]. */
export function requireProbability(name: string, value: number): void {
  requireFinite(name, value);
  if (value < 0 || value > 1) {
    throw new HaValidationError(`${name} must be between 0 and 1 inclusive, got: ${value}`, { prop: name });
  }
}

/** Throws a RangeError unless `value` lies strictly between 0 and 1 (an SLO target). */
export function requireTarget(name: string, value: number): void {
  requireFinite(name, value);
  if (value <= 0 || value >= 1) {
    throw new HaValidationError(`${name} must be strictly between 0 and 1 (e.g. 0.999), got: ${value}`, { prop: name });
  }
}

/**
 * Rounds to 12 significant digits: `1 - 0.999` is 0.0010000000000000009 in binary floating point,
 * and a figure that users compare with a tier table should read 0.001.
 */
export function clean(value: number): number {
  return Number(value.toPrecision(12));
}
