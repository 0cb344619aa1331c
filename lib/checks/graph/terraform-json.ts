import { isObject, JsonObject } from './values';

/**
 * Terraform JSON's block syntax. A block type with labels (`resource "type" "name"`) is written as
 * objects nested by label, and every level may instead be an array of such objects: HCL-to-JSON
 * converters write `{ "aws_db_instance": { "x": [ { ... } ] } }`. Both forms are read alike.
 */

/** One block of a labelled block type: its labels (`["aws_db_instance", "main"]`) and its body. */
export interface LabelledBlock {
  readonly labels: readonly string[];
  readonly body: JsonObject;
}

/** The keys a Terraform JSON document may hold at its top level, one of which marks it as Terraform JSON. */
const TOP_LEVEL_BLOCKS = ['resource', 'data', 'module', 'provider', 'terraform', 'variable', 'output', 'locals'];

/** Whether `json` is a Terraform JSON configuration (a `.tf.json` file or cdktf's `cdk.tf.json`). */
export function isTerraformJson(json: unknown): json is JsonObject {
  return isObject(json) && TOP_LEVEL_BLOCKS.some((key) => isObject(json[key]) || Array.isArray(json[key]));
}

/**
 * The blocks of a block type with `labelCount` labels, in object or array form at any level.
 * `//` keys between the labels are comments; a body that is not an object declares nothing.
 */
export function labelledBlocks(value: unknown, labelCount: number): LabelledBlock[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => labelledBlocks(item, labelCount));
  }
  if (!isObject(value)) {
    return [];
  }
  if (labelCount === 0) {
    return [{ labels: [], body: value }];
  }
  return Object.entries(value)
    .filter(([label]) => label !== '//')
    .flatMap(([label, nested]) =>
      labelledBlocks(nested, labelCount - 1).map((b) => ({ labels: [label, ...b.labels], body: b.body })),
    );
}
