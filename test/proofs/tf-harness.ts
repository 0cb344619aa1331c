import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { AnnotationMetadataEntryType, TerraformStack, Testing } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { checkInputs } from '../../lib/checks/check';
import { HaValidationError, ServiceTier } from '../../lib/core';
import { fcParams, leakIn } from './harness';
import { namesProp } from './invalid';

/**
 * The property harness of the cdktf constructs: bad input throws core's HaValidationError naming
 * the prop, never a TypeError or a plain Error.
 */

process.env.CHECKPOINT_DISABLE ??= '1';

/** One output directory for every app of a test file (`Testing.app()` makes a new one per app, and nothing is written to it). */
const OUTDIR = mkdtempSync(join(tmpdir(), 'ha-proofs-tf.'));

/** The cloud of a proof stack: its alias-less default provider. */
export type Cloud = 'aws' | 'google';

/** The region of the AWS proof stacks' default provider; the Google provider's project. */
export const AWS_DEFAULT_REGION = 'us-east-1';
export const GOOGLE_PROJECT = 'proof-project';

/** A fresh stack of a fresh test app (version stubbed, no stack traces) with the cloud's default provider. */
export function proofTfStack(cloud: Cloud): TerraformStack {
  const stack = new TerraformStack(Testing.app({ outdir: OUTDIR }), 'proof');
  if (cloud === 'aws') {
    new AwsProvider(stack, 'aws', { region: AWS_DEFAULT_REGION });
  } else {
    new GoogleProvider(stack, 'google', { project: GOOGLE_PROJECT });
  }
  return stack;
}

/**
 * Runs `fn` without the creation stack traces cdktf's tokens take: every `Lazy` and intrinsic
 * captures one, of unbounded depth, and jest's source-map support rewrites each (measured: building
 * a network took 24 ms with them, 5 ms without; capturing alone was still a tenth of a run). The
 * traces only ever reach an error about an unresolvable token; errors thrown meanwhile keep their
 * message.
 */
export function withoutCreationStacks<T>(fn: () => T): T {
  const { captureStackTrace, prepareStackTrace } = Error;
  Error.captureStackTrace = () => undefined;
  Error.prepareStackTrace = () => '';
  try {
    return fn();
  } finally {
    Error.captureStackTrace = captureStackTrace;
    Error.prepareStackTrace = prepareStackTrace;
  }
}

/** cdktf's global token map: every token ever made, and through the tokens every construct tree that made one. */
interface TokenMapStorage {
  readonly stringTokenMap: Map<string, unknown>;
  readonly numberTokenMap: Map<number, unknown>;
}

/**
 * Runs `fn` and then forgets the tokens it made. cdktf registers every token in a process-wide map
 * it never clears, so each proof run's stack stayed reachable: the heap grew by 15 MB per 100 runs
 * of a network, and garbage collection over it cost more the longer a file ran. A run's tokens are
 * never resolved again once it is synthesized (a token made earlier and reused would fail the next
 * resolution loudly: unrecognized token key). Measured on 600 network runs: the heap stays at 39 MB
 * instead of growing to 107 MB, and a run takes a tenth less.
 */
export function forgettingTokens<T>(fn: () => T): T {
  const storage = (globalThis as { __cdktfTokenMap?: TokenMapStorage }).__cdktfTokenMap;
  if (!storage) {
    return fn();
  }
  const marks = [storage.stringTokenMap.size, storage.numberTokenMap.size] as const;
  try {
    return fn();
  } finally {
    forgetAfter(storage.stringTokenMap, marks[0]);
    forgetAfter(storage.numberTokenMap, marks[1]);
  }
}

/** Deletes a map's entries after the first `keep` (a Map iterates in insertion order). */
function forgetAfter<K>(map: Map<K, unknown>, keep: number): void {
  let index = 0;
  for (const key of [...map.keys()]) {
    if (index++ >= keep) {
      map.delete(key);
    }
  }
}

/** Fails the property run with `problem` (cheaper than `expect`, which captures a stack trace per call). */
export function check(problem: string | undefined): void {
  if (problem !== undefined) {
    throw new Error(problem);
  }
}

/**
 * The stack's Terraform JSON as `cdktf synth` writes it (aspects applied, validations run, `//`
 * blocks kept) for one serialization. `Testing.synth(stack)` is `invokeAspects` plus a `toTerraform()` whose result
 * it strips of the `//` blocks the checks read, so calling `toTerraform()` after it serialized the
 * stack twice (each ~15 ms for a construct of 40 resources). tf.property.test.ts proves both give
 * the same JSON.
 */
export function terraformOf(stack: TerraformStack): Record<string, unknown> {
  invokeAspects(stack);
  // What `cdktf synth` refuses besides: a failed construct validation (this throws) or an error annotation.
  stack.runAllValidations();
  const errors = stack.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === AnnotationMetadataEntryType.ERROR)
        .map((entry) => `${construct.node.path}: ${String(entry.data)}`),
    );
  if (errors.length > 0) {
    throw new Error(`error annotations: ${errors.join('; ')}`);
  }
  return stack.toTerraform() as Record<string, unknown>;
}

/** What a proof reads from one synthesized stack. */
export interface TfSynthesized {
  readonly json: Record<string, unknown>;
  readonly text: string;
  /** Error-level findings about resources (service-level `service:` findings judge a whole topology). */
  readonly errors: string[];
}

/** Synthesizes a stack once and runs the HA checks over its JSON. */
export function synthesizeTf(stack: TerraformStack): TfSynthesized {
  const json = withoutCreationStacks(() => terraformOf(stack));
  const report = checkInputs({ terraform: [{ name: stack.node.id, json }] });
  return {
    json,
    text: JSON.stringify(json),
    errors: report.findings
      .filter((f) => f.level === 'error' && !f.resource.startsWith('service:'))
      .map((f) => `${f.rule} ${f.resource}: ${f.message}`),
  };
}

/**
 * Runs `build` and returns how it failed to reject the invalid props: accepted them, threw
 * something other than a plain Error or RangeError, or a message that does not name `prop`.
 * Undefined when it rejected them rightly.
 */
export function tfRejection(build: () => void, prop: string): string | undefined {
  try {
    withoutCreationStacks(build);
  } catch (error) {
    if (!(error instanceof Error)) {
      return `threw a non-error: ${String(error)}, expected an Error naming ${prop}`;
    }
    if (!HaValidationError.isHaValidationError(error)) {
      return `threw ${error.constructor.name} (${error.message}), expected an HaValidationError naming ${prop}`;
    }
    return namesProp(error.message, prop)
      ? undefined
      : `threw an error whose message does not name ${prop}: ${error.message}`;
  }
  return `accepted an invalid ${prop}`;
}

/** A cdktf construct's proof: how to draw valid props, what it needs from its stack, how to build it and break each checked prop. */
export interface TfConstructProof<P, F> {
  /** The construct's class name (and cloud). */
  readonly name: string;
  readonly cloud: Cloud;
  /** Valid props that keep the tier. */
  readonly valid: fc.Arbitrary<P>;
  /** What the construct needs from its stack (providers of other regions, a network), built once per stack. */
  readonly fixture: (stack: TerraformStack) => F;
  /** Builds the construct in `scope`. */
  readonly build: (scope: Construct, props: P, fixture: F) => void;
  /** For each prop the construct validates: props whose only fault is that prop. */
  readonly invalid: readonly { readonly prop: string; readonly props: fc.Arbitrary<P> }[];
}

/**
 * Declares the property tests of one cdktf construct: valid props synthesize cleanly (a fresh stack
 * each, synthesized once); each invalid prop is rejected rightly (all runs in one stack, each in
 * its own scope, nothing synthesized).
 */
export function proveTfConstruct<P, F>(proof: TfConstructProof<P, F>): void {
  describe(proof.name, () => {
    test('GIVEN random valid props THEN it synthesizes with no undefined, NaN, null or [object Object] and no HA error on its resources', () => {
      fc.assert(
        fc.property(proof.valid, (props) => {
          const { text, errors } = forgettingTokens(() => {
            const stack = proofTfStack(proof.cloud);
            withoutCreationStacks(() => proof.build(stack, props, proof.fixture(stack)));
            return synthesizeTf(stack);
          });
          const leak = leakIn(text);
          check(leak === undefined ? undefined : `leaked a value into the Terraform JSON: ${leak}`);
          check(errors.length === 0 ? undefined : `HA errors on its resources:\n${errors.join('\n')}`);
        }),
        fcParams(),
      );
    });
    for (const { prop, props: invalid } of proof.invalid) {
      test(`GIVEN a random invalid ${prop} THEN it throws an Error naming ${prop}, never a TypeError`, () =>
        forgettingTokens(() => {
          const stack = proofTfStack(proof.cloud);
          const shared = withoutCreationStacks(() => proof.fixture(stack));
          let run = 0;
          fc.assert(
            fc.property(invalid, (props) => {
              const scope = new Construct(stack, `Run${run++}`);
              check(tfRejection(() => proof.build(scope, props, shared), prop));
            }),
            fcParams(),
          );
        }));
    }
  });
}

/** A custom tier like `tier` whose synthetic probes run every `minutes` (built-in tiers probe every 1, 5 or 15). */
export function withProbeInterval(tier: ServiceTier, minutes: number): ServiceTier {
  return ServiceTier.custom({
    name: `${tier.name}_PROBE_${minutes}`,
    strategy: tier.strategy,
    availabilityTarget: tier.availabilityTarget,
    minAzs: tier.minAzs,
    minRegions: tier.minRegions,
    azRtoSeconds: tier.azRtoSeconds,
    azRpoSeconds: tier.azRpoSeconds,
    regionRtoSeconds: tier.regionRtoSeconds,
    regionRpoSeconds: tier.regionRpoSeconds,
    probeIntervalMinutes: minutes,
  });
}

/** An optional prop: undefined, or a value of `arb`. */
export const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** Not an integer of at least `min`: below it, fractional, NaN or infinite. */
export const notIntegerFrom = (min: number): fc.Arbitrary<number> =>
  fc.oneof(
    fc.integer({ min: min - 1_000_000, max: min - 1 }),
    fc.double({ min, max: min + 1e6, noNaN: true }).filter((d) => !Number.isInteger(d)),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  );

/** Not an integer from `min` to `max`. */
export const notIntegerIn = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(notIntegerFrom(min), fc.integer({ min: max + 1, max: max + 1_000_000 }));

// Built once: building a `stringMatching` arbitrary costs ~15 ms, too much to do inside `chain`.
/** A DNS name (`api.example.com`). */
export const anyHost = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9](\.[a-z][a-z0-9-]{0,10}[a-z0-9]){1,3}$/);
/** An absolute URL path (`/health`, `/v1/status`). */
export const anyPath = fc.stringMatching(/^\/[a-zA-Z0-9._~-]{0,20}(\/[a-zA-Z0-9._~-]{1,20}){0,2}$/);
