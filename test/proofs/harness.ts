import { App, Errors, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { checkInputs } from '../../lib/checks/check';
import { Finding } from '../../lib/checks/rules/rule';
import { HaValidationError, ServiceTier } from '../../lib/core';
import { testApp } from '../util';
import { namesProp } from './invalid';

/**
 * fast-check parameters of every property: a fixed seed (override with FC_SEED to explore, and
 * paste a failure's seed and path to replay it) and 200 runs (FC_RUNS to change).
 */
export function fcParams<T>(): fc.Parameters<T> {
  return {
    seed: Number(process.env.FC_SEED ?? 20261127),
    numRuns: Number(process.env.FC_RUNS ?? 200),
    endOnFailure: true,
  };
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

/** Runs `fn` with the console's warnings and errors muted: synthesis prints each warning annotation (the tier advice a loosened prop earns), and 200 printed reports per property only cost time. */
function quietly<T>(fn: () => T): T {
  const { error, warn } = console;
  console.error = console.warn = () => undefined;
  try {
    return fn();
  } finally {
    console.error = error;
    console.warn = warn;
  }
}

/**
 * Builds one construct in a fresh stack of a fresh app and reads its template the fast way:
 * `Template.fromStack` without the cyclic-dependency walk, built-in CloudFormation validation off
 * (`testApp()`), nothing written beyond the stack's own assembly.
 */
export function synthesize(build: (stack: Stack) => void, region = 'us-east-1'): Synthesized {
  const stack = new Stack(proofApp(), 'Proof', { env: { region } });
  build(stack);
  const template = quietly(() => Template.fromStack(stack, { skipCyclicalDependenciesCheck: true }).toJSON());
  return { stack, template, text: JSON.stringify(template) };
}

/**
 * Builds each construct in a stack of its own, all in one app, and synthesizes the app once: the
 * same templates as {@link synthesize} one by one (each stack stands alone), at about three
 * quarters of the cost, since an app's synthesis has a fixed part (the assembly directory, the
 * manifest, staging the assets again).
 */
export function synthesizeEach(builds: readonly ((stack: Stack) => void)[], region = 'us-east-1'): Synthesized[] {
  const app = proofApp();
  const stacks = builds.map((build, i) => {
    const stack = new Stack(app, `Proof${i}`, { env: { region } });
    build(stack);
    return stack;
  });
  const assembly = quietly(() => app.synth());
  return stacks.map((stack) => {
    const template = assembly.getStackArtifact(stack.artifactId).template as Record<string, unknown>;
    return { stack, template, text: JSON.stringify(template) };
  });
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
  return checkInputs({ cloudFormation: [{ name: 'Proof', template: synthesized.template, region }] }).findings.filter(
    (f) => f.level === 'error',
  );
}

/**
 * What a construct must do with invalid props: throw aws-cdk-lib's ValidationError marked as core's
 * HaValidationError (or core's own) whose message names the prop, never a TypeError or anything else. Returns a problem,
 * or undefined when the error is the right one.
 */
export function wrongError(error: unknown, prop: string): string | undefined {
  if (!(error instanceof Error)) {
    return `threw a non-error: ${String(error)}`;
  }
  // aws-cdk-lib's ValidationError marked as core's HaValidationError, or core's own (from a core function).
  const kind = Errors.isValidationError(error) ? 'ValidationError' : error.constructor.name;
  if (!HaValidationError.isHaValidationError(error)) {
    return `threw ${kind} (${error.message}), expected a ValidationError naming ${prop}`;
  }
  return namesProp(error.message, prop)
    ? undefined
    : `threw ${kind} whose message does not name ${prop}: ${error.message}`;
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

/**
 * Error annotations in a synthesized stack (what makes `cdk synth` fail, though `app.synth()`
 * does not throw for them), as `path: message`.
 */
export function errorAnnotations(stack: Stack): string[] {
  return stack.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === cxschema.ArtifactMetadataEntryType.ERROR)
        .map((entry) => `${construct.node.path}: ${String(entry.data)}`),
    );
}

/** How many valid prop sets one app synthesizes at once. */
const PROOF_BATCH = 25;

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
  return haErrors(synthesized, region)
    .filter((f) => !f.resource.startsWith('service:'))
    .map((f) => `${f.rule} ${f.resource}: ${f.message}`);
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
      // The fixed-seed sample is synthesized in batches, one app each; only when a batch finds a
      // problem (or throws) does fast-check run the property one app per run, to report a shrunk
      // counterexample with its seed and path.
      const params = fcParams<[P]>();
      const samples = fc.sample(proof.valid, { seed: params.seed, numRuns: params.numRuns });
      const problems = (synthesized: Synthesized) =>
        [
          leakIn(synthesized.text),
          ...resourceErrors(synthesized, region),
          ...errorAnnotations(synthesized.stack),
        ].filter((p) => p !== undefined);
      for (let start = 0; start < samples.length; start += PROOF_BATCH) {
        const batch = samples.slice(start, start + PROOF_BATCH);
        let found: string[];
        try {
          found = synthesizeEach(
            batch.map((props) => (stack: Stack) => proof.build(stack, props, fixture(stack))),
            region,
          ).flatMap((synthesized, i) =>
            problems(synthesized).map((problem) => `sample ${start + i} ${fc.stringify(batch[i])}: ${problem}`),
          );
        } catch (error) {
          // A valid prop set that throws: the replay below names it.
          found = [`a sample of ${start} to ${start + batch.length - 1} threw: ${String(error)}`];
        }
        if (found.length > 0) {
          // Shrinking on, unlike the batch: the report gives the smallest failing props, with seed and path.
          fc.assert(
            fc.property(proof.valid, (props) => {
              expect(problems(synthesize((stack) => proof.build(stack, props, fixture(stack)), region))).toEqual([]);
            }),
            { ...params, endOnFailure: false },
          );
        }
        expect(found).toEqual([]);
      }
    });
    for (const { prop, props: invalid } of proof.invalid) {
      test(`GIVEN a random invalid ${prop} THEN it throws a ValidationError (or RangeError) naming ${prop}, never a TypeError`, () => {
        const stack = new Stack(proofApp(), 'Proof', { env: { region } });
        const shared = fixture(stack);
        let run = 0;
        fc.assert(
          fc.property(invalid, (props) => {
            const scope = new Construct(stack, `Run${run++}`);
            expect(rejection(() => proof.build(scope, props, shared), prop)).toBeUndefined();
          }),
          fcParams(),
        );
      });
    }
  });
}
