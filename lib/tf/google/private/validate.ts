import { HaValidationError } from '../../../core/errors';
/** Throws a plain Error naming the prop, the allowed range and the value when `value` is not an integer in range. */
export function requireInteger(prop: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new HaValidationError(`${prop} must be an integer ${range}, got: ${value}`);
  }
}
