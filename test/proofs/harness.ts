import { App, Errors, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { checkInputs } from '../../lib/checks/check';
import { Finding } from '../../lib/checks/rules/rule';
import { ServiceTier } from '../../lib/core';
import { testApp } from '../util';

/**
 * fast-check parameters of every property: a fixed seed (override with FC_SEED to explore, and
 * paste a failure's seed and path to replay it) and 200 runs (FC_RUNS to change).
 */
export function fcParams<T>(): fc.Parameters<T> {
  return { seed: Number(process.env.FC_SEED ?? 20261127), numRuns: Number(process.env.FC_RUNS ?? 200), endOnFailure: true };
}

/** The built-in tiers. */
export const anyTier: fc.Arbitrary<ServiceTier> = fc.constantFrom(...ServiceTier.BUILT_IN);

/** A service name as users write them: lowercase words joined by dashes. */
export const anyServiceName: fc.Arbitrary<string> = fc.stringMatching(/^[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,8}){0,2}$/);

/** The app of one proof: `testApp()`, which already leaves out the bookkeeping no proof reads. */
export function proofApp(): App {
  return testApp();
}

export interface Synthesized {
  readonly stack: Stack;
  readonly template: Record<string, unknown>;
  readonly text: string;
}

/**
 * Builds one construct in a fresh stack of a fresh app and reads its template the fast way:
 * `Template.fromStack` without the cyclic-dependency walk, built-in CloudFormation validation off
 * (`testApp()`), nothing written beyond the stack's own assembly.
 */
export function synthesize(build: (stack: Stack) => void, region = 'us-east-1'): Synthesized {
  const stack = new Stack(proofApp(), 'Proof', { env: { region } });
  build(stack);
  // Synthesis prints each warning annotation (the tier advice a loosened prop earns) to the
  // console; the proofs assert on the template, and 200 printed reports per property only cost time.
  const { error, warn } = console;
  console.error = console.warn = () => undefined;
  try {
    const template = Template.fromStack(stack, { skipCyclicalDependenciesCheck: true }).toJSON();
    return { stack, template, text: JSON.stringify(template) };
  } finally {
    console.error = error;
    console.warn = warn;
  }
}

/** Values that only reach a template by mistake: an unset field, a failed computation, an object printed as text. */
const LEAKS = /\bundefined\b|\bNaN\b|\bInfinity\b|\[object Object\]|:null\b/;

/** The first leaked value of a template with some context around it, or undefined when clean. */
export function leakIn(text: string): string | undefined {
  const match = LEAKS.exec(text);
  return match ? text.slice(Math.max(0, match.index - 120), match.index + 40) : undefined;
}

/** The HA rules' findings of level error over one synthesized stack. */
export function haErrors(synthesized: Synthesized, region = 'us-east-1'): Finding[] {
  return checkInputs({ cloudFormation: [{ name: 'Proof', template: synthesized.template, region }] }).findings.filter((f) => f.level === 'error');
}

/**
 * What a construct must do with invalid props: throw aws-cdk-lib's ValidationError (or core's
 * RangeError) whose message names the prop, never a TypeError or anything else. Returns a problem,
 * or undefined when the error is the right one.
 */
export function wrongError(error: unknown, prop: string): string | undefined {
  if (!(error instanceof Error)) {
    return `threw a non-error: ${String(error)}`;
  }
  const kind = Errors.isValidationError(error) ? 'ValidationError' : error instanceof RangeError ? 'RangeError' : error.constructor.name;
  if (kind !== 'ValidationError' && kind !== 'RangeError') {
    return `threw ${kind} (${error.message}), expected a ValidationError naming ${prop}`;
  }
  return error.message.includes(prop) ? undefined : `threw ${kind} whose message does not name ${prop}: ${error.message}`;
}

/** Runs `build` and returns how it failed to reject the invalid props, or undefined if it rejected them rightly. */
export function rejection(build: () => void, prop: string): string | undefined {
  try {
    build();
  } catch (error) {
    return wrongError(error, prop);
  }
  return `accepted an invalid ${prop}`;
}

/** A construct's proof: how to draw valid props, how to build it, and how to break each checked prop. */
export interface ConstructProof<P, F = undefined> {
  /** The construct's class name. */
  readonly name: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Valid props that keep the tier, as plain data the builder turns into the construct's props. */
  readonly valid: fc.Arbitrary<P>;
  /**
   * What the construct needs from its stack (a VPC, a load balancer), built once per stack.
   * @default - nothing
   */
  readonly fixture?: (stack: Stack) => F;
  /** Builds the construct in `scope`. */
  readonly build: (scope: Construct, props: P, fixture: F) => void;
  /** For each prop the construct validates: props whose only fault is that prop. */
  readonly invalid: readonly { readonly prop: string; readonly props: fc.Arbitrary<P> }[];
}

/**
 * Findings a construct on its own must not raise: every error-level finding about one of its
 * resources. Service-level findings (`service:<name>`, e.g. "no second region takes over") judge the
 * whole topology a construct is only part of.
 */
export function resourceErrors(synthesized: Synthesized, region = 'us-east-1'): string[] {
  return haErrors(synthesized, region).filter((f) => !f.resource.startsWith('service:')).map((f) => `${f.rule} ${f.resource}: ${f.message}`);
}

/**
 * Declares the property tests of one construct: valid props synthesize cleanly (a fresh stack
 * each); each invalid prop is rejected rightly (all runs in one stack, each in its own scope,
 * since nothing is synthesized).
 */
export function proveConstruct<P, F = undefined>(proof: ConstructProof<P, F>): void {
  const region = proof.region ?? 'us-east-1';
  const fixture = (stack: Stack) => (proof.fixture ? proof.fixture(stack) : undefined) as F;
  describe(proof.name, () => {
    test('GIVEN random valid props THEN it synthesizes with no undefined, NaN or null in the template and no HA error on its resources', () => {
      fc.assert(fc.property(proof.valid, (props) => {
        const synthesized = synthesize((stack) => proof.build(stack, props, fixture(stack)), region);
        expect(leakIn(synthesized.text)).toBeUndefined();
        expect(resourceErrors(synthesized, region)).toEqual([]);
      }), fcParams());
    });
    for (const { prop, props: invalid } of proof.invalid) {
      test(`GIVEN a random invalid ${prop} THEN it throws a ValidationError (or RangeError) naming ${prop}, never a TypeError`, () => {
        const stack = new Stack(proofApp(), 'Proof', { env: { region } });
        const shared = fixture(stack);
        let run = 0;
        fc.assert(fc.property(invalid, (props) => {
          const scope = new Construct(stack, `Run${run++}`);
          expect(rejection(() => proof.build(scope, props, shared), prop)).toBeUndefined();
        }), fcParams());
      });
    }
  });
}
