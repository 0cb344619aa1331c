import { Token } from 'cdktf';

/** A prop's value for a planner, or undefined when it is a token (checked at plan or apply time). */
export function skipToken<T>(value: T | undefined): T | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}
