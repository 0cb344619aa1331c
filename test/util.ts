import { App, AppProps, Errors } from 'aws-cdk-lib';
import * as cdkJson from '../cdk.json';

/**
 * An App for unit tests: the feature flags of `cdk.json` (so a test synthesizes what `cdk synth`
 * does), the built-in CloudFormation validation off (~3 s and ~350 MB per process; one test
 * synthesizes every example with it on), and none of the bookkeeping that no template contains:
 * creation stack traces (under jest's source maps, a sixth of a synthesis), tree.json, analytics.
 */
export function testApp(props: AppProps = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    treeMetadata: false,
    analyticsReporting: false,
    ...props,
    context: { ...cdkJson.context, 'aws:cdk:disable-creation-stack-traces': true, ...props.context },
  });
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
  expect((error as Error).message).toBe(message);
}
