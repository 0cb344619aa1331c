import { FAILOVER_STEP_METADATA_KEY, HA_ACKNOWLEDGED_KEY, HA_METADATA_KEY, parseFailoverStep } from '../../core';
import { drillMeasurementsIn } from './drill-measurements';
import { haFromMetadata, haFromTags, tagMap } from './metadata';
import { GraphResource, GraphStack, HaRecord } from './model';
import { readConfiguration } from './terraform-configuration';
import { DeclaredResource, TerraformDocument, TerraformModuleInput } from './terraform-model';
import { isTerraformShowJson, readTerraformShow } from './terraform-plan';
import { cloudOf } from './terraform-region';
import { acknowledgementsOf, block, isObject, JsonObject } from './values';

/** One Terraform input to read as a stack. */
export interface TerraformStackInput {
  /** Stack name (the cdktf stack's directory name, the file's name). */
  readonly name: string;
  /**
   * Terraform JSON (cdktf's `cdk.tf.json`, a `.tf.json` file; blocks in object or array form), or
   * `terraform show -json` output of a plan or a state.
   */
  readonly json: unknown;
  readonly file?: string;
  /** The root module's other `.tf.json` files, when it is a directory of them. */
  readonly otherFiles?: readonly TerraformDocument[];
  /** The modules its `module` blocks call, read from their local sources. */
  readonly modules?: readonly TerraformModuleInput[];
}

/**
 * Reads Terraform inputs into graph resources: Terraform JSON as {@link readConfiguration} reads it,
 * `terraform show -json` output as {@link readTerraformShow} does; for both, the HA record from the
 * `//` block key `ha-constructs` (else `ha:*` tags or `ha-*` labels) and `lifecycle.prevent_destroy`.
 * Nested blocks keep their written shape; rules read them with `blocks()`/`block()`.
 */
export function readTerraform(inputs: readonly TerraformStackInput[]): {
  stacks: GraphStack[];
  resources: GraphResource[];
} {
  const stacks: GraphStack[] = [];
  const resources: GraphResource[] = [];
  for (const input of inputs) {
    const declared = isTerraformShowJson(input.json)
      ? readTerraformShow(input.json, input.file ?? input.name)
      : readConfiguration([{ json: input.json, file: input.file }, ...(input.otherFiles ?? [])], input.modules);
    const { region, acknowledged } = declared;
    // The stack's own `//` block (Terraform JSON only: a plan or a state has none).
    const stackComment = isObject(input.json) && isObject(input.json['//']) ? input.json['//'] : {};
    const drillMeasurements = drillMeasurementsIn(stackComment, input.name);
    stacks.push({ name: input.name, engine: 'terraform', region, file: input.file, acknowledged, drillMeasurements });
    const own = declared.resources.map((r) => graphResource(input.name, r));
    // A utility provider's resource (time_sleep, random_id) runs in no cloud: it takes its stack's.
    const clouds = new Set(own.filter((r) => isCloudType(r.type)).map((r) => r.cloud));
    const stackCloud = clouds.size === 1 ? [...clouds][0] : undefined;
    resources.push(...own.map((r) => (stackCloud && !isCloudType(r.type) ? { ...r, cloud: stackCloud } : r)));
  }
  return { stacks, resources };
}

/** Whether a type is an AWS or Google resource (not a utility provider's: `time_`, `random_`, `null_`). */
function isCloudType(type: string): boolean {
  return type.startsWith('aws_') || type.startsWith('google');
}

function graphResource(stack: string, declared: DeclaredResource): GraphResource {
  const { address, type, body, isData } = declared;
  const comment = isObject(body['//']) ? body['//'] : {};
  const properties: JsonObject = { ...body };
  delete properties['//'];
  return {
    key: `${stack}/${address}`,
    stack,
    address,
    type,
    engine: 'terraform',
    cloud: cloudOf(type),
    properties,
    region: declared.region,
    ha: haOf(comment, body),
    preventDestroy: declared.lifecycleKnown === false ? undefined : block(body.lifecycle)?.prevent_destroy === true,
    references: [...new Set(declared.references)].filter((a) => a !== address).map((a) => `${stack}/${a}`),
    constructPath:
      isObject(comment.metadata) && typeof comment.metadata.path === 'string' ? comment.metadata.path : undefined,
    isData,
    acknowledged: acknowledgementsOf(comment[HA_ACKNOWLEDGED_KEY]),
    failoverStep: parseFailoverStep(comment[FAILOVER_STEP_METADATA_KEY]),
    drillMeasurements: drillMeasurementsIn(comment, `${stack}/${address}`),
  };
}

function haOf(comment: JsonObject, body: JsonObject): HaRecord | undefined {
  if (HA_METADATA_KEY in comment) {
    const record = haFromMetadata(comment);
    if (record) {
      return record;
    }
  }
  const settings = block(body.settings);
  return (
    haFromTags(tagMap(body.tags ?? body.tag), 'tags') ??
    haFromTags(tagMap(body.labels), 'labels') ??
    haFromTags(tagMap(settings?.user_labels), 'labels')
  );
}
