import * as fs from 'fs';
import * as path from 'path';
import type { UnreadInput } from '../model';
import { CloudFormationStackInput, readCloudFormation } from './cloudformation';
import { DeclaredTier, withDeclaredTier } from './declared-tier';
import { HaInputError } from './errors';
import { isDirectory, readable, readJson, readTemplate } from './files';
import { ResourceGraph } from './graph';
import { GraphInputs, mergeInputs } from './inputs';
import { GraphResource, GraphStack } from './model';
import { cloudFormationInput, KNOWN_FORMATS, templateFileInputs, terraformConfiguration } from './template-file';
import { readTerraform } from './terraform';
import { isTerraformShowJson } from './terraform-plan';
import { isObject } from './values';

export type { GraphInputs } from './inputs';

/**
 * Builds the graph from in-memory templates of either engine (or both); with `declared`, resources
 * that carry no HA record get that tier's ({@link withDeclaredTier}).
 */
export function buildGraph(inputs: GraphInputs, declared?: DeclaredTier): ResourceGraph {
  const parts: { stacks: GraphStack[]; resources: GraphResource[] }[] = [];
  if (inputs.cloudFormation?.length) {
    parts.push(readCloudFormation(inputs.cloudFormation));
  }
  if (inputs.terraform?.length) {
    parts.push(readTerraform(inputs.terraform));
  }
  const resources = parts.flatMap((p) => p.resources);
  return new ResourceGraph(
    parts.flatMap((p) => p.stacks),
    declared ? withDeclaredTier(resources, declared) : resources,
  );
}

/**
 * Reads a path into graph inputs: a CDK cloud assembly (`cdk.out`, stages and nested stacks
 * included), a cdktf output directory (`cdktf.out`, or its `stacks/` folder), one stack's
 * directory holding `cdk.tf.json`, a directory of templates, or a single file: a CloudFormation
 * template, Terraform JSON (object or array form, local modules followed) or `terraform show -json`
 * output. Throws {@link HaInputError} with a message that says what was expected, also when the
 * path holds no resource at all.
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
    .map((name) => cdktfStack(name, path.join(stacksDir, name, 'cdk.tf.json')));
  if (fs.existsSync(path.join(target, 'cdk.tf.json'))) {
    terraform.push(cdktfStack(path.basename(path.resolve(target)), path.join(target, 'cdk.tf.json')));
  }
  if (terraform.length > 0) {
    return mergeInputs(terraform);
  }
  return readTemplateDirectory(target);
}

/** Why a directory is none of the synthesized outputs ha-report knows, for the messages about it. */
const NOT_SYNTHESIZED =
  'is neither a CDK cloud assembly (no manifest.json with artifacts) ' + 'nor a cdktf output (no stacks/*/cdk.tf.json)';

/** The files a directory of templates is read from (not its subdirectories: modules are followed from their calls). */
const TEMPLATE_FILE = /\.(json|ya?ml|template)$/i;

/**
 * A directory of templates: every `*.json`, `*.yaml`, `*.yml` and `*.template` file in it that is a
 * CloudFormation template, Terraform JSON or `terraform show -json` output. Its `*.tf.json` files
 * are one Terraform configuration, as Terraform reads a directory; files of no known format are
 * listed as not read; a file that cannot be parsed is an input error.
 */
function readTemplateDirectory(target: string): GraphInputs {
  const directory = path.basename(path.resolve(target));
  const files = readable(target, () => fs.readdirSync(target))
    .sort()
    .filter((name) => TEMPLATE_FILE.test(name) && !isDirectory(path.join(target, name)));
  const inDirectory = <T>(read: () => T): T => {
    try {
      return read();
    } catch (e) {
      if (e instanceof HaInputError) {
        throw new HaInputError(`${target} ${NOT_SYNTHESIZED}, and as a directory of templates: ${e.message}`);
      }
      throw e;
    }
  };
  const terraformFiles = files.filter((name) => /\.tf\.json$/i.test(name));
  const parts: GraphInputs[] = [];
  if (terraformFiles.length > 0) {
    const documents = terraformFiles
      .map((name) => path.join(target, name))
      .map((file) => ({ json: inDirectory(() => readJson(file)), file }));
    parts.push(inDirectory(() => terraformConfiguration(directory, documents, target)));
  }
  const unread: UnreadInput[] = [];
  for (const name of files.filter((n) => !terraformFiles.includes(n))) {
    const file = path.join(target, name);
    const inputs = inDirectory(() => templateFileInputs(file, readTemplate(file)));
    if (inputs) {
      parts.push(inputs);
    } else {
      unread.push({ stack: directory, what: name, why: `it is neither ${KNOWN_FORMATS}` });
    }
  }
  if (parts.length === 0) {
    const notRead = unread.length > 0 ? `; not read: ${unread.map((u) => u.what).join(', ')}` : '';
    throw new HaInputError(
      `${target} ${NOT_SYNTHESIZED}, nor a directory of templates ` +
        '(no *.json, *.yaml, *.yml or *.template file in it is a CloudFormation template, Terraform JSON ' +
        `or terraform show -json output)${notRead}`,
    );
  }
  return mergeInputs([...parts, { unread }]);
}

/**
 * `inputs` unchanged when they hold at least one resource: a file or directory read as holding
 * nothing would otherwise be reported as "No findings" after checking nothing.
 */
function requireResources(target: string, inputs: GraphInputs): GraphInputs {
  const declares = (template: unknown) =>
    isObject(template) && isObject(template.Resources) && Object.values(template.Resources).some(isObject);
  const cloudFormation = (inputs.cloudFormation ?? []).some((s) => declares(s.template));
  if (cloudFormation || readTerraform(inputs.terraform ?? []).resources.length > 0) {
    return inputs;
  }
  const terraform = inputs.terraform ?? [];
  const expected = terraform.some((t) => isTerraformShowJson(t.json))
    ? "a resource in planned_values (a state: values), in root_module.resources or a child module's"
    : terraform.length > 0
      ? 'a resource or data block (as objects, or arrays of objects, by type and name)'
      : 'a resource under Resources';
  const unread = (inputs.unread ?? []).map((u) => `${u.what}: ${u.why}`);
  const notRead = unread.length > 0 ? `; not read: ${unread.join('; ')}` : '';
  throw new HaInputError(`${target} declares nothing to check: expected ${expected}${notRead}`);
}

/** Reads templates by path, as the CDK validation plugin receives them, with optional regions by path. */
export function readTemplateFiles(
  files: readonly string[],
  regions: ReadonlyMap<string, string | undefined> = new Map(),
): GraphInputs {
  return {
    cloudFormation: files.map((file) =>
      cloudFormationInput(path.basename(file).replace(/\.template\.json$/, ''), file, regions.get(file)),
    ),
  };
}

function readFile(file: string): GraphInputs {
  const inputs = templateFileInputs(file, readTemplate(file));
  if (!inputs) {
    throw new HaInputError(`${file} is neither ${KNOWN_FORMATS}`);
  }
  return inputs;
}

function readAssembly(dir: string, artifacts: Record<string, unknown>, prefix: string): CloudFormationStackInput[] {
  const inputs: CloudFormationStackInput[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isObject(artifact) || !isObject(artifact.properties)) {
      continue;
    }
    if (artifact.type === 'aws:cloudformation:stack' && typeof artifact.properties.templateFile === 'string') {
      const region = typeof artifact.environment === 'string' ? artifact.environment.split('/').pop() : undefined;
      inputs.push(
        cloudFormationInput(
          `${prefix}${id}`,
          path.join(dir, artifact.properties.templateFile),
          region === 'unknown-region' ? undefined : region,
        ),
      );
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
    const file =
      isObject(stack) && typeof stack.synthesizedStackPath === 'string'
        ? path.join(dir, stack.synthesizedStackPath)
        : undefined;
    return file ? [cdktfStack(name, file)] : [];
  });
}

/** A cdktf stack's `cdk.tf.json`. */
function cdktfStack(name: string, file: string): GraphInputs {
  return terraformConfiguration(name, [{ json: readJson(file), file }], path.dirname(file));
}
