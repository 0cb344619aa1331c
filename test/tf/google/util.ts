// The cdktf jest matchers (toHaveResourceWithProperties, ...) are declared in this module's global augmentation.
import type {} from 'cdktf/lib/testing/adapters/jest';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';

/** A stack for one test, in a test app (cdktf version stubbed, stack traces off). */
export function testStack(id = 'stack'): TerraformStack {
  return new TerraformStack(Testing.app(), id);
}

/** Synthesized Terraform JSON of a stack as an object, with cdktf's `//` blocks kept (Testing.synth drops them). */
export function terraformJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
}

/** The parts of Terraform JSON the tests read. */
export interface TerraformJson {
  readonly resource: Record<
    string,
    Record<
      string,
      Record<string, unknown> & { '//'?: Record<string, unknown>; lifecycle?: { prevent_destroy?: boolean } }
    >
  >;
  readonly data?: Record<string, Record<string, unknown>>;
}

/** Resources of one Terraform type, by logical id. */
export function resourcesOf(
  json: TerraformJson,
  type: string,
): Record<string, Record<string, unknown> & { lifecycle?: { prevent_destroy?: boolean } }> {
  return json.resource[type] ?? {};
}

/** Runs a construct factory in a fresh stack and returns the synthesized JSON string for the cdktf matchers. */
export function synthScope(fn: (scope: Construct) => void): string {
  return Testing.synthScope(fn);
}

/** Warnings cdktf's Annotations recorded on a construct. */
export function warningsOf(scope: Construct): string[] {
  return scope.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
}

/** The only resource of a type in the JSON (fails the test when there is not exactly one). */
export function onlyResource(
  json: TerraformJson,
  type: string,
): Record<string, unknown> & { '//'?: Record<string, unknown>; lifecycle?: { prevent_destroy?: boolean } } {
  const all = Object.values(json.resource[type] ?? {});
  if (all.length !== 1) {
    throw new Error(`expected exactly one ${type}, got: ${all.length}`);
  }
  return all[0];
}
