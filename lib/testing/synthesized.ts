/**
 * What the testing kit accepts, turned into the synthesized templates it reads: a CDK app, stage or
 * stack, a cdktf app or stack, a synthesized directory or template file, a template already parsed,
 * or a list of these. Recognised by the symbols aws-cdk-lib and cdktf mark their constructs with,
 * so the kit imports neither: cdktf is loaded only when a cdktf construct is given (to run its aspects).
 */
import { HaInputError } from '../checks/graph/errors';
import { GraphInputs, readInputs } from '../checks/graph/load';

/**
 * A CDK `App`, `Stage` or `Stack`, a cdktf `App` or `TerraformStack`, the path of a `cdk.out`,
 * `cdktf.out`, stack directory or template file, a synthesized template (CloudFormation or
 * Terraform JSON, as an object or as cdktf's `Testing.synth` string), or a list of these.
 */
export type SynthesizedInput = object | string | readonly SynthesizedInput[];

/** One synthesized stack: its name, its engine and its template. */
export interface SynthesizedStack {
  readonly name: string;
  readonly engine: 'cloudformation' | 'terraform';
  readonly template: unknown;
}

const CDK_STAGE = Symbol.for('@aws-cdk/core.Stage');
const CDK_STACK = Symbol.for('@aws-cdk/core.Stack');
const CDKTF_APP = Symbol.for('cdktf/App');
const CDKTF_STACK = Symbol.for('cdktf/TerraformStack');

interface CdkStage {
  synth(): { readonly directory: string };
}
interface CdkStack {
  readonly artifactId: string;
  readonly node: { readonly scopes: readonly object[] };
}
interface Node {
  readonly node: { readonly id: string; findAll(): readonly object[] };
}
type TerraformStack = Node & { toTerraform(): unknown };

/** The graph inputs of `input`: what the checks read (regions of CDK stacks included). */
export function graphInputsOf(input: SynthesizedInput): GraphInputs {
  if (isList(input)) {
    const parts = input.map(graphInputsOf);
    return {
      cloudFormation: parts.flatMap((p) => p.cloudFormation ?? []),
      terraform: parts.flatMap((p) => p.terraform ?? []),
    };
  }
  if (typeof input === 'string') {
    return input.trimStart().startsWith('{') ? parsedTemplate('template', parseJson(input)) : readInputs(input);
  }
  const construct = input as Partial<CdkStage & CdkStack & TerraformStack>;
  if (CDK_STAGE in input) {
    return readInputs((construct as CdkStage).synth().directory);
  }
  if (CDK_STACK in input) {
    return cdkStack(construct as CdkStack);
  }
  if (CDKTF_STACK in input) {
    return { terraform: [cdktfStack(construct as TerraformStack)] };
  }
  if (CDKTF_APP in input) {
    const stacks = (construct as Node).node.findAll().filter((c) => CDKTF_STACK in c);
    return { terraform: (stacks as unknown as TerraformStack[]).map(cdktfStack) };
  }
  return parsedTemplate('template', input);
}

function isList(input: SynthesizedInput): input is readonly SynthesizedInput[] {
  return Array.isArray(input);
}

/** Whether `input` is a template already synthesized (an object, not a construct), rather than what makes one. */
export function isTemplate(input: unknown): input is object {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return false;
  }
  if ([CDK_STAGE, CDK_STACK, CDKTF_APP, CDKTF_STACK].some((symbol) => symbol in input)) {
    return false;
  }
  return ['Resources', 'AWSTemplateFormatVersion', 'resource', 'terraform', 'data'].some((key) => key in input);
}

/** The templates of `input`, one per stack, in the order they were synthesized. */
export function synthesizedStacks(input: SynthesizedInput): SynthesizedStack[] {
  const inputs = graphInputsOf(input);
  return [
    ...(inputs.cloudFormation ?? []).map((s) => ({
      name: s.name,
      engine: 'cloudformation' as const,
      template: s.template,
    })),
    ...(inputs.terraform ?? []).map((s) => ({ name: s.name, engine: 'terraform' as const, template: s.json })),
  ];
}

/** A CDK stack: its stage's assembly (synthesized as `cdk synth` would), only that stack kept. */
function cdkStack(stack: CdkStack): GraphInputs {
  const stage = [...stack.node.scopes].reverse().find((scope) => CDK_STAGE in scope) as CdkStage | undefined;
  if (!stage) {
    throw new HaInputError(`stack ${stack.artifactId} is in no App or Stage, so it cannot be synthesized`);
  }
  const all = readInputs(stage.synth().directory).cloudFormation ?? [];
  return { cloudFormation: all.filter((s) => s.name === stack.artifactId) };
}

/**
 * A cdktf stack synthesized as cdktf's `Testing.synth` does it (its aspects run first, so
 * acknowledgements are written), but with the `//` blocks kept: they hold the HA records.
 */
function cdktfStack(stack: TerraformStack): { name: string; json: unknown } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { invokeAspects } = require('cdktf/lib/synthesize/synthesizer') as { invokeAspects(root: object): void };
  invokeAspects(stack);
  return { name: stack.node.id, json: stack.toTerraform() };
}

function parsedTemplate(name: string, template: unknown): GraphInputs {
  if (typeof template !== 'object' || template === null) {
    throw new HaInputError(`expected a CDK or cdktf app or stack, a path, or a template; got ${String(template)}`);
  }
  const isCloudFormation = 'Resources' in template || 'AWSTemplateFormatVersion' in template;
  if (isCloudFormation) {
    return { cloudFormation: [{ name, template }] };
  }
  if ('resource' in template || 'terraform' in template || 'data' in template) {
    return { terraform: [{ name, json: template }] };
  }
  throw new HaInputError(
    'expected a CDK or cdktf app or stack, a path, or a template (an object with Resources, ' +
      `or Terraform JSON with resource, data or terraform); got an object with keys ${Object.keys(template).join(', ')}`,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HaInputError(`expected a path or a JSON template; got text that is not JSON: ${(e as Error).message}`);
  }
}
