// Brings cdktf's jest matcher types (toHaveResourceWithProperties, ...) into the type check;
// Testing.setupJest() registers them at run time.
import 'cdktf/lib/testing/adapters/jest';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { App, TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';

/** A stack with a default AWS provider in `region` (and a `west` alias in us-west-2) for construct tests. */
export function awsStack(region = 'us-east-1'): {
  app: App;
  stack: TerraformStack;
  provider: AwsProvider;
  west: AwsProvider;
} {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const provider = new AwsProvider(stack, 'aws', { region });
  const west = new AwsProvider(stack, 'west', { region: 'us-west-2', alias: 'west' });
  return { app, stack, provider, west };
}

/** Synthesized Terraform JSON as tests read it: free-form, checked by the assertions themselves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** The resources of one type in `Testing.synth` output, by logical name. */
export function resourcesOf(synthesized: string, type: { readonly tfResourceType: string }): Record<string, Json> {
  return (JSON.parse(synthesized).resource ?? {})[type.tfResourceType] ?? {};
}

/**
 * The resources of one type as the stack writes them into `cdktf.out`, including the `//` block
 * (`Testing.synth` strips it), by logical name.
 */
export function fullResourcesOf(
  stack: TerraformStack,
  type: { readonly tfResourceType: string },
): Record<string, Json> {
  return ((stack.toTerraform() as Json).resource ?? {})[type.tfResourceType] ?? {};
}

/** The warning messages cdktf recorded below a scope. */
export function warningsOf(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === '@cdktf/warn')
    .map((m) => String(m.data));
}

/** Matches a Terraform reference to an attribute of a resource by its construct path (`Database_PrimaryKey`), whatever its hash. */
export function refTo(type: { readonly tfResourceType: string }, path: string, attribute: string): unknown {
  return expect.stringMatching(new RegExp(`^\\$\\{${type.tfResourceType}\\.${path}_[0-9A-F]{8}\\.${attribute}\\}$`));
}

/** Asserts an alarm topic policy of lib/tf/aws/private/alarms.ts: this account's alarms may publish, over TLS only. */
export function expectAlarmTopicPolicy(synthesized: string): void {
  const [topic] = Object.values(resourcesOf(synthesized, SnsTopicPolicy));
  const statements = JSON.parse(topic.policy).Statement as { Sid: string; Effect: string }[];
  expect(statements.map((st) => [st.Sid, st.Effect])).toEqual([
    ['AllowCloudWatchAlarmsOfThisAccount', 'Allow'],
    ['DenyPublishWithoutTls', 'Deny'],
  ]);
}
