import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TerraformStack } from 'cdktf';
import * as fc from 'fast-check';
import { forgettingTokens, proofTfStack, terraformOf, withoutCreationStacks } from '../proofs/tf-harness';
import { testApp } from '../util';

/**
 * The twin-equivalence harness: one intent, built with a CDK construct and with its Terraform twin,
 * and the HA values read back from both synthesized outputs. A family's twin test draws intents,
 * maps each to both constructs' props, reads the same HA values (capacities, health-check settings,
 * alarm thresholds and periods, TTLs, retention, schedules) from the CloudFormation template and
 * from the Terraform JSON, and requires them equal: a drift between the engines fails `npm test`.
 */

/** Resources of a synthesized CloudFormation template (region `us-east-1` unless told). */
export function cdkResources(build: (stack: Stack) => void, region = 'us-east-1'): Record<string, CfnResource> {
  const stack = new Stack(testApp(), 'Twin', { env: { region } });
  build(stack);
  return Template.fromStack(stack, { skipCyclicalDependenciesCheck: true }).toJSON().Resources as Record<
    string,
    CfnResource
  >;
}

/** A CloudFormation resource as a template holds it. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

/** The properties of every resource of `type`, in template order. */
export function cfnOfType(resources: Record<string, CfnResource>, type: string): Record<string, unknown>[] {
  return Object.values(resources)
    .filter((r) => r.Type === type)
    .map((r) => r.Properties ?? {});
}

/** The Terraform JSON of a stack with an AWS provider in `us-east-1` (and whatever `build` adds). */
export function tfJson(build: (stack: TerraformStack) => void): Record<string, unknown> {
  return forgettingTokens(() => {
    const stack = proofTfStack('aws');
    withoutCreationStacks(() => build(stack));
    return withoutCreationStacks(() => terraformOf(stack));
  });
}

/** The bodies of every resource of `type` in Terraform JSON. */
export function tfOfType(json: Record<string, unknown>, type: string): Record<string, unknown>[] {
  const resources = (json.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  return Object.values(resources[type] ?? {});
}

/** A fixed sample of intents (25 by default, fixed seed): the twin tests compare each. */
export function intents<T>(arbitrary: fc.Arbitrary<T>, runs = 25): T[] {
  return fc.sample(arbitrary, { seed: 20261206, numRuns: runs });
}
