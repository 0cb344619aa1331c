import * as path from 'path';
import { CloudFormationStackInput } from './cloudformation';
import { readJson } from './files';
import { GraphInputs } from './inputs';
import { isTerraformJson } from './terraform-json';
import { TerraformDocument } from './terraform-model';
import { readCalledModules } from './terraform-modules';
import { isTerraformShowJson } from './terraform-plan';
import { isObject } from './values';

/*
 * What one template file holds, recognised by its content: a CloudFormation template, Terraform
 * JSON (with the local modules it calls), or `terraform show -json` output of a plan or a state.
 */

/** What a file of none of the known formats is not, for messages that say what was expected. */
export const KNOWN_FORMATS =
  'a CloudFormation template (no Resources) ' +
  'nor Terraform JSON (no resource, data or terraform block), ' +
  'nor terraform show -json output of a plan or a state (no format_version with planned_values or values)';

/** The graph inputs `json` (parsed from `file`, JSON or YAML) holds; undefined when none of the known formats. */
export function templateFileInputs(file: string, json: unknown): GraphInputs | undefined {
  if (isObject(json) && (isObject(json.Resources) || 'AWSTemplateFormatVersion' in json)) {
    const name = path.basename(file).replace(/(\.template)?\.(json|ya?ml)$|\.template$/i, '');
    return { cloudFormation: [cloudFormationInput(name, file, undefined, json)] };
  }
  if (isTerraformShowJson(json)) {
    return { terraform: [{ name: path.basename(file).replace(/\.json$/, ''), json, file }] };
  }
  if (isTerraformJson(json)) {
    const name =
      path.basename(file) === 'cdk.tf.json'
        ? path.basename(path.dirname(path.resolve(file)))
        : path.basename(file).replace(/(\.tf)?\.json$/, '');
    return terraformConfiguration(name, [{ json, file }], path.dirname(file));
  }
  return undefined;
}

/** A CloudFormation template, its nested stacks read from beside it. */
export function cloudFormationInput(
  name: string,
  file: string,
  region: string | undefined,
  template: unknown = readJson(file),
): CloudFormationStackInput {
  const dir = path.dirname(file);
  return { name, template, region, file, readNested: (assetPath) => readJson(path.join(dir, assetPath)) };
}

/** A Terraform JSON configuration (its root module's files) and the modules it calls from local sources beside it. */
export function terraformConfiguration(
  name: string,
  documents: readonly TerraformDocument[],
  directory: string,
): GraphInputs {
  const { modules, unread } = readCalledModules(documents, directory, name);
  const [first, ...otherFiles] = documents;
  return { terraform: [{ name, json: first.json, file: first.file, otherFiles, modules }], unread };
}
