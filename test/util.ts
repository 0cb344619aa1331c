import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Errors } from 'aws-cdk-lib';
import * as cdkJson from '../cdk.json';
import { HaValidationError } from '../lib/core/errors';

/**
 * An App for unit tests as a user's jest test builds one: `new App()` with no context and no
 * feature flags. Built-in CloudFormation validation (~3 s and ~350 MB per process; one test
 * synthesizes every example with it on) and the bookkeeping no template contains (creation stack
 * traces, a sixth of a synthesis under jest's source maps; tree.json; analytics) are left out.
 */
export function testApp(props: AppProps = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    treeMetadata: false,
    analyticsReporting: false,
    ...props,
    context: { 'aws:cdk:disable-creation-stack-traces': true, ...props.context },
  });
}

/**
 * The feature flags `cdk init` writes into a new app's cdk.json: those of the aws-cdk CLI this
 * repository pins (read from its package, so a CLI upgrade brings its new flags here).
 */
export function recommendedFlags(): Record<string, unknown> {
  const file = path.join(path.dirname(require.resolve('aws-cdk/package.json')), 'lib', 'init-templates', '.recommended-feature-flags.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** {@link testApp} with every flag the CLI recommends: a newly initialised app. */
export function recommendedApp(props: AppProps = {}): App {
  return testApp({ ...props, context: { ...recommendedFlags(), ...props.context } });
}

/** {@link testApp} with this repository's cdk.json context: what `npx cdk synth` builds the examples with. */
export function cdkJsonApp(props: AppProps = {}): App {
  return testApp({ ...props, context: { ...cdkJson.context, ...props.context } });
}

/**
 * A template with asset hashes replaced by a placeholder: they change with every aws-cdk-lib
 * release, and a snapshot is about the resources this library writes.
 */
export function normaliseAssets<T>(template: T): T {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}(\.zip|\.json)?/g, 'ASSET_HASH$1'));
}

/**
 * Asserts that `fn` throws aws-cdk-lib's ValidationError with exactly `message` (the house style:
 * the prop, the value received and what is allowed).
 */
export function expectValidationError(fn: () => unknown, message: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(Errors.isValidationError(error)).toBe(true);
  expect(HaValidationError.isHaValidationError(error)).toBe(true);
  expect((error as Error).message).toBe(message);
}
