import * as fs from 'fs';
import * as path from 'path';
import { format, stripVTControlCharacters } from 'util';
import { App, AppProps, Errors } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cdkJson from '../cdk.json';
import { HaValidationError } from '../lib/core/errors';
import { replaceAssetHashes } from '../lib/testing';

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
  const file = path.join(
    path.dirname(require.resolve('aws-cdk/package.json')),
    'lib',
    'init-templates',
    '.recommended-feature-flags.json',
  );
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
 * release, and a snapshot is about the resources this library writes. (The testing kit's
 * `normaliseTemplate` also drops CDK metadata and sorts keys; `haSnapshot` keeps only what HA reads.)
 */
export function normaliseAssets<T>(template: T): T {
  return replaceAssetHashes(template);
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

/** What {@link quietly} captured. */
export interface Quietly<T> {
  /** What `fn` returned. */
  readonly result: T;
  /**
   * The entries printed, in order: each finding block of a validation report ("WARNING … (Annotation)"
   * with its construct path and acknowledgement id), each deprecation notice, each other message.
   */
  readonly printed: readonly string[];
}

/** Text a pattern of {@link quietly} must be found in: a substring or a regular expression. */
export type PrintedPattern = string | RegExp;

/**
 * Runs `fn` with console.error and console.warn captured instead of printed, and checks what was
 * printed. aws-cdk-lib prints every warning annotation (as a validation report) on each synthesis:
 * `app.synth()`, the first `Template.fromStack` and every `Annotations.fromStack`; it prints
 * deprecation notices through console.warn.
 *
 * Every entry printed must match one of `expected`, and every one of `expected` must match an
 * entry: a test states what its setup prints, and anything else it prints fails it, with the
 * text. The report's "A copy of this report can be found in" lines are not entries. When `fn`
 * throws, what it printed is printed after all and the error rethrown.
 */
export function quietly<T>(fn: () => T, ...expected: PrintedPattern[]): Quietly<T> {
  const original = { error: console.error, warn: console.warn };
  const calls: string[] = [];
  const capture = (...args: unknown[]) => {
    calls.push(format(...args));
  };
  console.error = capture;
  console.warn = capture;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    console.error = original.error;
    console.warn = original.warn;
    for (const text of calls) {
      original.error(text);
    }
    throw e;
  } finally {
    console.error = original.error;
    console.warn = original.warn;
  }
  const printed = printedEntries(calls);
  const matches = (entry: string, pattern: PrintedPattern) =>
    typeof pattern === 'string' ? entry.includes(pattern) : pattern.test(entry);
  const unexpected = printed.filter((entry) => !expected.some((pattern) => matches(entry, pattern)));
  const missing = expected.filter((pattern) => !printed.some((entry) => matches(entry, pattern)));
  if (unexpected.length > 0 || missing.length > 0) {
    throw new Error(
      [
        ...unexpected.map((entry) => `printed and not expected:\n${entry}`),
        ...missing.map((pattern) => `expected and not printed: ${String(pattern)}`),
        `everything printed:\n${calls.join('\n')}`,
      ].join('\n\n'),
    );
  }
  return { result, printed };
}

/** The entries of console output: blocks separated by blank lines, without colours or report-file notes. */
function printedEntries(calls: readonly string[]): string[] {
  return calls
    .flatMap((text) => stripVTControlCharacters(text).split(/\n[ \t]*\n/))
    .map((block) => block.trim())
    .filter((block) => block !== '' && !/^A copy of this report can be found in: /.test(block));
}

/**
 * A {@link quietly} pattern for a warning annotation as aws-cdk-lib prints it on synthesis: the
 * message (its literal start, or all of it), the construct path and the id to acknowledge it with,
 * e.g. `printedWarning('Dns/Dns', 'ha-constructs:FailoverDns.ttl', 'ttl of 300 s is above')`.
 */
export function printedWarning(constructPath: string, id: string, message = ''): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^WARNING ${literal(message)}[^\\n]* \\(Annotation\\)\\n\\s+${literal(constructPath)} [^\\n]*\\n\\s+Acknowledge with 'Annotation::${literal(id)}'$`,
  );
}

/**
 * The statements of an alarm topic's policy (lib/aws/private/alarms.ts), in order: publishes only
 * over TLS, and this account's CloudWatch alarms may publish (the policy replaces SNS's default one).
 */
export const ALARM_TOPIC_STATEMENTS = [
  Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
  Match.objectLike({
    Sid: 'AllowCloudWatchAlarmsOfThisAccount',
    Effect: 'Allow',
    Action: 'sns:Publish',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
  }),
];

/** Asserts an alarm topic of lib/aws/private/alarms.ts: its policy, and a key this account's CloudWatch may use. */
export function expectAlarmTopic(template: Template): void {
  template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: ALARM_TOPIC_STATEMENTS } });
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Sid: 'AllowCloudWatchAlarmsToPublish',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        }),
      ]),
    },
  });
}
