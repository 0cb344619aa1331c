import { Token } from 'aws-cdk-lib';

/** A prop's value for a planner, or undefined when it is a token (the service checks it at deploy time). */
export function skipToken<T>(value: T | undefined): T | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}
