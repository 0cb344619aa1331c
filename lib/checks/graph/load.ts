import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationStackInput, readCloudFormation } from './cloudformation';
import { HaInputError } from './errors';
import { ResourceGraph } from './graph';
import { GraphResource, GraphStack } from './model';
import { readTerraform, TerraformStackInput } from './terraform';
import { isTerraformJson } from './terraform-json';
import { isTerraformShowJson } from './terraform-plan';
import { isObject } from './values';

/** What was read, before it becomes a graph. */
export interface GraphInputs {
  readonly cloudFormation?: readonly CloudFormationStackInput[];
  readonly terraform?: readonly TerraformStackInput[];
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
      return { terraform: readCdktfManifest(target, manifest.stacks) };
    }
  }
  const stacksDir = fs.existsSync(path.join(target, 'stacks')) ? path.join(target, 'stacks') : target;
  const terraform = readable(stacksDir, () => fs.readdirSync(stacksDir))
    .filter((name) => fs.existsSync(path.join(stacksDir, name, 'cdk.tf.json')))
    .sort()
    .map((name) => terraformInput(name, path.join(stacksDir, name, 'cdk.tf.json')));
  if (fs.existsSync(path.join(target, 'cdk.tf.json'))) {
    terraform.push(terraformInput(path.basename(path.resolve(target)), path.join(target, 'cdk.tf.json')));
  }
  if (terraform.length > 0) {
    return { terraform };
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
  throw new HaInputError(`${target} declares nothing to check: expected ${expected}`);
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
    return { terraform: [{ name: path.basename(file).replace(/\.json$/, ''), json, file }] };
  }
  if (isTerraformJson(json)) {
    const dir = path.basename(path.dirname(path.resolve(file)));
    return { terraform: [{ name: path.basename(file) === 'cdk.tf.json' ? dir : path.basename(file).replace(/(\.tf)?\.json$/, ''), json, file }] };
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

function readCdktfManifest(dir: string, stacks: Record<string, unknown>): TerraformStackInput[] {
  return Object.entries(stacks).flatMap(([name, stack]) => {
    const file = isObject(stack) && typeof stack.synthesizedStackPath === 'string' ? path.join(dir, stack.synthesizedStackPath) : undefined;
    return file ? [terraformInput(name, file)] : [];
  });
}

function cloudFormationInput(name: string, file: string, region: string | undefined, template: unknown = readJson(file)): CloudFormationStackInput {
  const dir = path.dirname(file);
  return { name, template, region, file, readNested: (assetPath) => readJson(path.join(dir, assetPath)) };
}

function terraformInput(name: string, file: string): TerraformStackInput {
  return { name, json: readJson(file), file };
}

/** Runs a file-system call on `target`, reporting a failure (permissions, not a directory) as input that cannot be read. */
function readable<T>(target: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw new HaInputError(`cannot read ${target}: ${(e as Error).message}`);
  }
}

function readJson(file: string): unknown {
  const text = readable(file, () => fs.readFileSync(file, 'utf8'));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HaInputError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}
