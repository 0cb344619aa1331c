import * as fs from 'fs';
import * as path from 'path';
import type { UnreadInput } from '../model';
import { CloudFormationStackInput, readCloudFormation } from './cloudformation';
import { HaInputError } from './errors';
import { readable, readJson } from './files';
import { ResourceGraph } from './graph';
import { GraphResource, GraphStack } from './model';
import { readTerraform, TerraformStackInput } from './terraform';
import { isTerraformJson } from './terraform-json';
import { readCalledModules } from './terraform-modules';
import { isTerraformShowJson } from './terraform-plan';
import { isObject } from './values';

/** What was read, before it becomes a graph. */
export interface GraphInputs {
  readonly cloudFormation?: readonly CloudFormationStackInput[];
  readonly terraform?: readonly TerraformStackInput[];
  /** What the inputs hold that could not be read (a registry module), so the report can say it was not checked. */
  readonly unread?: readonly UnreadInput[];
}

/** Several inputs as one. */
function mergeInputs(parts: readonly GraphInputs[]): GraphInputs {
  return {
    cloudFormation: parts.flatMap((p) => p.cloudFormation ?? []),
    terraform: parts.flatMap((p) => p.terraform ?? []),
    unread: parts.flatMap((p) => p.unread ?? []),
  };
}

/** Builds the graph from in-memory templates of either engine (or both). */
export function buildGraph(inputs: GraphInputs): ResourceGraph {
  const parts: { stacks: GraphStack[]; resources: GraphResource[] }[] = [];
  if (inputs.cloudFormation?.length) {
    parts.push(readCloudFormation(inputs.cloudFormation));
  }
  if (inputs.terraform?.length) {
    parts.push(readTerraform(inputs.terraform));
  }
  return new ResourceGraph(parts.flatMap((p) => p.stacks), parts.flatMap((p) => p.resources));
}

/**
 * Reads a path into graph inputs: a CDK cloud assembly (`cdk.out`, stages and nested stacks
 * included), a cdktf output directory (`cdktf.out`, or its `stacks/` folder), one stack's
 * directory holding `cdk.tf.json`, or a single template / Terraform JSON file.
 * Throws {@link HaInputError} with a message that says what was expected.
 */
export function readInputs(target: string): GraphInputs {
  return requireResources(target, readPath(target));
}

function readPath(target: string): GraphInputs {
  if (!fs.existsSync(target)) {
    throw new HaInputError(`path does not exist: ${target}`);
  }
  const stat = readable(target, () => fs.statSync(target));
  if (stat.isFile()) {
    return readFile(target);
  }
  if (!stat.isDirectory()) {
    throw new HaInputError(`${target} is neither a file nor a directory`);
  }
  const manifestPath = path.join(target, 'manifest.json');
  if (fs.existsSync(manifestPath)) {
    const manifest = readJson(manifestPath);
    if (isObject(manifest) && isObject(manifest.artifacts)) {
      return { cloudFormation: readAssembly(target, manifest.artifacts, '') };
    }
    if (isObject(manifest) && isObject(manifest.stacks)) {
      return mergeInputs(readCdktfManifest(target, manifest.stacks));
    }
  }
  const stacksDir = fs.existsSync(path.join(target, 'stacks')) ? path.join(target, 'stacks') : target;
  const terraform = readable(stacksDir, () => fs.readdirSync(stacksDir))
    .filter((name) => fs.existsSync(path.join(stacksDir, name, 'cdk.tf.json')))
    .sort()
    .map((name) => terraformConfiguration(name, path.join(stacksDir, name, 'cdk.tf.json')));
  if (fs.existsSync(path.join(target, 'cdk.tf.json'))) {
    terraform.push(terraformConfiguration(path.basename(path.resolve(target)), path.join(target, 'cdk.tf.json')));
  }
  if (terraform.length > 0) {
    return mergeInputs(terraform);
  }
  throw new HaInputError(`${target} is neither a CDK cloud assembly (no manifest.json with artifacts) nor a cdktf output (no stacks/*/cdk.tf.json)`);
}

/**
 * `inputs` unchanged when they hold at least one resource: a file or directory read as holding
 * nothing would otherwise be reported as "No findings" after checking nothing.
 */
function requireResources(target: string, inputs: GraphInputs): GraphInputs {
  const cloudFormation = (inputs.cloudFormation ?? []).some((s) => isObject(s.template) && isObject(s.template.Resources)
    && Object.values(s.template.Resources).some(isObject));
  if (cloudFormation || readTerraform(inputs.terraform ?? []).resources.length > 0) {
    return inputs;
  }
  const terraform = inputs.terraform ?? [];
  const expected = terraform.some((t) => isTerraformShowJson(t.json))
    ? 'a resource in planned_values (a state: values), in root_module.resources or a child module\'s'
    : terraform.length > 0 ? 'a resource or data block (as objects, or arrays of objects, by type and name)'
      : 'a resource under Resources';
  const unread = (inputs.unread ?? []).map((u) => `${u.what}: ${u.why}`);
  const notRead = unread.length > 0 ? `; not read: ${unread.join('; ')}` : '';
  throw new HaInputError(`${target} declares nothing to check: expected ${expected}${notRead}`);
}

/** Reads templates by path, as the CDK validation plugin receives them, with optional regions by path. */
export function readTemplateFiles(files: readonly string[], regions: ReadonlyMap<string, string | undefined> = new Map()): GraphInputs {
  return {
    cloudFormation: files.map((file) => cloudFormationInput(path.basename(file).replace(/\.template\.json$/, ''), file, regions.get(file))),
  };
}

function readFile(file: string): GraphInputs {
  const json = readJson(file);
  if (isObject(json) && (isObject(json.Resources) || 'AWSTemplateFormatVersion' in json)) {
    return { cloudFormation: [cloudFormationInput(path.basename(file).replace(/\.template\.json$|\.json$/, ''), file, undefined, json)] };
  }
  if (isTerraformShowJson(json)) {
    const plan = { name: path.basename(file).replace(/\.json$/, ''), json, file };
    const manages = readTerraform([plan]).resources.some((r) => !r.isData);
    return { terraform: [plan], unread: manages ? [lifecycleNotInPlans(plan.name)] : [] };
  }
  if (isTerraformJson(json)) {
    const dir = path.basename(path.dirname(path.resolve(file)));
    const name = path.basename(file) === 'cdk.tf.json' ? dir : path.basename(file).replace(/(\.tf)?\.json$/, '');
    return terraformConfiguration(name, file, json);
  }
  throw new HaInputError(`${file} is neither a CloudFormation template (no Resources) nor Terraform JSON (no resource, data or terraform block)`
    + ', nor terraform show -json output of a plan or a state (no format_version with planned_values or values)');
}

function readAssembly(dir: string, artifacts: Record<string, unknown>, prefix: string): CloudFormationStackInput[] {
  const inputs: CloudFormationStackInput[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isObject(artifact) || !isObject(artifact.properties)) {
      continue;
    }
    if (artifact.type === 'aws:cloudformation:stack' && typeof artifact.properties.templateFile === 'string') {
      const region = typeof artifact.environment === 'string' ? artifact.environment.split('/').pop() : undefined;
      inputs.push(cloudFormationInput(`${prefix}${id}`, path.join(dir, artifact.properties.templateFile), region === 'unknown-region' ? undefined : region));
    } else if (artifact.type === 'cdk:cloud-assembly' && typeof artifact.properties.directoryName === 'string') {
      const nestedDir = path.join(dir, artifact.properties.directoryName);
      const manifest = readJson(path.join(nestedDir, 'manifest.json'));
      if (isObject(manifest) && isObject(manifest.artifacts)) {
        inputs.push(...readAssembly(nestedDir, manifest.artifacts, prefix));
      }
    }
  }
  return inputs;
}

function readCdktfManifest(dir: string, stacks: Record<string, unknown>): GraphInputs[] {
  return Object.entries(stacks).flatMap(([name, stack]) => {
    const file = isObject(stack) && typeof stack.synthesizedStackPath === 'string' ? path.join(dir, stack.synthesizedStackPath) : undefined;
    return file ? [terraformConfiguration(name, file)] : [];
  });
}

function cloudFormationInput(name: string, file: string, region: string | undefined, template: unknown = readJson(file)): CloudFormationStackInput {
  const dir = path.dirname(file);
  return { name, template, region, file, readNested: (assetPath) => readJson(path.join(dir, assetPath)) };
}

/** A Terraform JSON configuration and the modules it calls from local sources beside it. */
function terraformConfiguration(name: string, file: string, json: unknown = readJson(file)): GraphInputs {
  const { modules, unread } = readCalledModules([{ json, file }], path.dirname(file), name);
  return { terraform: [{ name, json, file, modules }], unread };
}

/** A plan records no `lifecycle` block: HA-DEL1 cannot see `prevent_destroy` in it, and the report says so. */
function lifecycleNotInPlans(stack: string): UnreadInput {
  return {
    stack,
    what: 'lifecycle.prevent_destroy',
    why: 'terraform show -json does not record lifecycle arguments, so HA-DEL1 takes prevent_destroy as unset',
  };
}
