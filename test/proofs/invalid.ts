import * as fc from 'fast-check';

/**
 * How the proofs of both engines draw invalid props: valid props with exactly one fault. Kept free
 * of aws-cdk-lib and cdktf so that either engine's proofs load it without the other.
 */

/** Props whose one fault is `value` of one prop: valid props with `bad` put in by `put`. */
export function breaking<P, V>(
  valid: fc.Arbitrary<P>,
  bad: fc.Arbitrary<V>,
  put: (props: P, value: V) => P,
): fc.Arbitrary<P> {
  return fc.tuple(valid, bad).map(([props, value]) => put(props, value));
}

/**
 * An invalid-props case whose only fault is `prop`: valid props with `prop` replaced by a value
 * of `bad` (which need not have the prop's type: a wrong type is one of the faults to reject).
 */
export function invalidProp<P>(
  valid: fc.Arbitrary<P>,
  prop: keyof P & string,
  bad: fc.Arbitrary<unknown>,
): { readonly prop: string; readonly props: fc.Arbitrary<P> } {
  return { prop, props: breaking(valid, bad, (props, value) => ({ ...props, [prop]: value })) };
}

/**
 * Whether a message names `prop` as a whole word: not inside a longer name (`instances` is not
 * named by `secondaryInstances`), nor as the head of a path (`secondaryProvider` is not named by
 * `secondaryProvider.region`).
 */
export function namesProp(message: string, prop: string): boolean {
  const escaped = prop.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.])${escaped}(?!\\w|\\.\\w)`).test(message);
}
