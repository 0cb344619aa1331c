import { FAILOVER_STEP_METADATA_KEY, HA_ACKNOWLEDGED_KEY, HA_METADATA_KEY, parseFailoverStep } from '../../core';
import { HaInputError } from './errors';
import { haFromMetadata, haFromTags, tagMap } from './metadata';
import { Cloud, GraphResource, GraphStack, HaRecord } from './model';
import { labelledBlocks } from './terraform-json';
import { DeclaredResource, DeclaredStack } from './terraform-model';
import { isTerraformShowJson, readTerraformShow } from './terraform-plan';
import { cloudOf, ownRegion, providerRegions } from './terraform-region';
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
}

/**
 * Reads Terraform inputs into graph resources: from Terraform JSON, managed resources and data
 * sources by address, region from the resource's own `region`/`location`/`zone` or from its
 * (aliased) provider block, the HA record from the `//` block key `ha-constructs` (else `ha:*` tags
 * or `ha-*` labels), `lifecycle.prevent_destroy`, and references from `${type.name.attr}`
 * interpolations; from `terraform show -json` output, what {@link readTerraformShow} reads.
 * Nested blocks keep their written shape; rules read them with `blocks()`/`block()`.
 */
export function readTerraform(inputs: readonly TerraformStackInput[]): { stacks: GraphStack[]; resources: GraphResource[] } {
  const stacks: GraphStack[] = [];
  const resources: GraphResource[] = [];
  for (const input of inputs) {
    const declared = isTerraformShowJson(input.json)
      ? readTerraformShow(input.json, input.file ?? input.name)
      : readConfiguration(input);
    const { region, acknowledged } = declared;
    stacks.push({ name: input.name, engine: 'terraform', region, file: input.file, acknowledged });
    resources.push(...declared.resources.map((r) => graphResource(input.name, r)));
  }
  return { stacks, resources };
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
    preventDestroy: block(body.lifecycle)?.prevent_destroy === true,
    references: [...new Set(declared.references)].filter((a) => a !== address).map((a) => `${stack}/${a}`),
    constructPath: isObject(comment.metadata) && typeof comment.metadata.path === 'string' ? comment.metadata.path : undefined,
    isData,
    acknowledged: acknowledgementsOf(comment[HA_ACKNOWLEDGED_KEY]),
    failoverStep: parseFailoverStep(comment[FAILOVER_STEP_METADATA_KEY]),
  };
}

/** A Terraform JSON document: its resources, their regions from their provider blocks, their references. */
function readConfiguration(input: TerraformStackInput): DeclaredStack {
  const json = isObject(input.json) ? input.json : {};
  const providers = providerRegions(json.provider);
  const stackComment = isObject(json['//']) ? json['//'] : {};
  const entries = declaredBlocks(json, input);
  const addresses = new Set(entries.map((e) => e.address));
  return {
    region: providers.get('aws') ?? providers.get('google'),
    acknowledged: acknowledgementsOf(stackComment[HA_ACKNOWLEDGED_KEY]),
    resources: entries.map((entry) => {
      const references = new Set<string>();
      collectInterpolations({ ...entry.body, '//': undefined }, addresses, references);
      return { ...entry, region: regionOf(cloudOf(entry.type), entry.body, providers), references: [...references] };
    }),
  };
}

/** A `resource` or `data` block, before its region and references are known. */
type DeclaredBlock = Omit<DeclaredResource, 'region' | 'references'>;

/**
 * The managed resources and data sources a document declares, in object or array form. Terraform
 * refuses two blocks with one address, so a document that has them cannot be checked.
 */
function declaredBlocks(json: JsonObject, input: TerraformStackInput): DeclaredBlock[] {
  const declared = new Map<string, DeclaredBlock>();
  for (const [section, isData] of [['resource', false], ['data', true]] as const) {
    for (const { labels: [type, name], body } of labelledBlocks(json[section], 2)) {
      const address = `${isData ? 'data.' : ''}${type}.${name}`;
      if (declared.has(address)) {
        throw new HaInputError(`${input.file ?? input.name} declares ${address} more than once; `
          + 'Terraform allows one block per address');
      }
      declared.set(address, { address, type, body, isData });
    }
  }
  return [...declared.values()];
}

function regionOf(cloud: Cloud, body: JsonObject, providers: Map<string, string>): string | undefined {
  const own = ownRegion(cloud, body);
  if (own) {
    return own;
  }
  const provider = typeof body.provider === 'string' ? body.provider.replace(/^\$\{(.*)\}$/, '$1') : cloud;
  return providers.get(provider) ?? providers.get(cloud);
}

function haOf(comment: JsonObject, body: JsonObject): HaRecord | undefined {
  if (HA_METADATA_KEY in comment) {
    const record = haFromMetadata(comment);
    if (record) {
      return record;
    }
  }
  const settings = block(body.settings);
  return haFromTags(tagMap(body.tags ?? body.tag), 'tags')
    ?? haFromTags(tagMap(body.labels), 'labels')
    ?? haFromTags(tagMap(settings?.user_labels), 'labels');
}

const INTERPOLATION = /\$\{([^}]*)\}/g;
const ADDRESS = /(?:^|[^\w.])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)/g;

function collectInterpolations(value: unknown, addresses: Set<string>, into: Set<string>): void {
  if (typeof value === 'string') {
    if (!value.includes('${')) {
      return;
    }
    for (const expression of value.matchAll(INTERPOLATION)) {
      for (const match of expression[1].matchAll(ADDRESS)) {
        if (addresses.has(match[1])) {
          into.add(match[1]);
        }
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v) => collectInterpolations(v, addresses, into));
  } else if (isObject(value)) {
    Object.values(value).forEach((v) => collectInterpolations(v, addresses, into));
  }
}
