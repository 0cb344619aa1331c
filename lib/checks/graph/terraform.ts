import {
  FAILOVER_STEP_METADATA_KEY, HA_ACKNOWLEDGED_KEY, HA_METADATA_KEY, parseFailoverStep, regionOfZone,
} from '../../core';
import { Cloud, GraphResource, GraphStack, HaRecord } from './model';
import { HaInputError } from './errors';
import { haFromMetadata, haFromTags, tagMap } from './metadata';
import { labelledBlocks } from './terraform-json';
import { acknowledgementsOf, block, isObject, JsonObject, str } from './values';

/** One Terraform JSON document (a cdktf `cdk.tf.json`, a `.tf.json` file in object or array form) to read. */
export interface TerraformStackInput {
  /** Stack name (the cdktf stack's directory name). */
  readonly name: string;
  readonly json: unknown;
  readonly file?: string;
}

/**
 * Reads Terraform JSON into graph resources: managed resources and data sources by address (blocks
 * in object or array form), region from the resource's own `region`/`location`/`zone` or from its
 * (aliased) provider block,
 * the HA record from the `//` block key `ha-constructs` (else `ha:*` tags or `ha-*` labels),
 * `lifecycle.prevent_destroy`, and references from `${type.name.attr}` interpolations.
 * Nested blocks keep their written shape; rules read them with `blocks()`/`block()`.
 */
export function readTerraform(inputs: readonly TerraformStackInput[]): { stacks: GraphStack[]; resources: GraphResource[] } {
  const stacks: GraphStack[] = [];
  const resources: GraphResource[] = [];
  for (const input of inputs) {
    const json = isObject(input.json) ? input.json : {};
    const providers = providerRegions(json.provider);
    const stackComment = isObject(json['//']) ? json['//'] : {};
    stacks.push({
      name: input.name, engine: 'terraform', region: providers.get('aws') ?? providers.get('google'), file: input.file,
      acknowledged: acknowledgementsOf(stackComment[HA_ACKNOWLEDGED_KEY]),
    });
    const entries = declaredResources(json, input);
    const addresses = new Set(entries.map((e) => e.address));
    for (const { address, type, body, isData } of entries) {
      const cloud: Cloud = type.startsWith('google') ? 'google' : 'aws';
      const comment = isObject(body['//']) ? body['//'] : {};
      const properties: JsonObject = { ...body };
      delete properties['//'];
      const references = new Set<string>();
      collectInterpolations(properties, addresses, references);
      references.delete(address);
      resources.push({
        key: `${input.name}/${address}`,
        stack: input.name,
        address,
        type,
        engine: 'terraform',
        cloud,
        properties,
        region: regionOf(cloud, body, providers),
        ha: haOf(comment, body),
        preventDestroy: block(body.lifecycle)?.prevent_destroy === true,
        references: [...references].map((a) => `${input.name}/${a}`),
        constructPath: isObject(comment.metadata) && typeof comment.metadata.path === 'string' ? comment.metadata.path : undefined,
        isData,
        acknowledged: acknowledgementsOf(comment[HA_ACKNOWLEDGED_KEY]),
        failoverStep: parseFailoverStep(comment[FAILOVER_STEP_METADATA_KEY]),
      });
    }
  }
  return { stacks, resources };
}

/** A `resource` or `data` block of a Terraform JSON document. */
interface DeclaredResource {
  readonly address: string;
  readonly type: string;
  readonly body: JsonObject;
  readonly isData: boolean;
}

/**
 * The managed resources and data sources a document declares, in object or array form. Terraform
 * refuses two blocks with one address, so a document that has them cannot be checked.
 */
function declaredResources(json: JsonObject, input: TerraformStackInput): DeclaredResource[] {
  const declared = new Map<string, DeclaredResource>();
  for (const [section, isData] of [['resource', false], ['data', true]] as const) {
    for (const { labels: [type, name], body } of labelledBlocks(json[section], 2)) {
      const address = `${isData ? 'data.' : ''}${type}.${name}`;
      if (declared.has(address)) {
        throw new HaInputError(`${input.file ?? input.name} declares ${address} more than once; Terraform allows one block per address`);
      }
      declared.set(address, { address, type, body, isData });
    }
  }
  return [...declared.values()];
}

/** Region of each provider configuration, keyed `aws`, `aws.<alias>`, `google`, `google.<alias>`. */
function providerRegions(value: unknown): Map<string, string> {
  const regions = new Map<string, string>();
  for (const { labels: [name], body: config } of labelledBlocks(value, 1)) {
    const region = str(config.region);
    if (region) {
      regions.set(typeof config.alias === 'string' ? `${name}.${config.alias}` : name, region);
    }
  }
  return regions;
}

function regionOf(cloud: Cloud, body: JsonObject, providers: Map<string, string>): string | undefined {
  const own = str(body.region) ?? (cloud === 'google' ? googleLocationRegion(body) : undefined);
  if (own) {
    return own;
  }
  const provider = typeof body.provider === 'string' ? body.provider.replace(/^\$\{(.*)\}$/, '$1') : cloud;
  return providers.get(provider) ?? providers.get(cloud);
}

/** A Google resource's region from `zone` or a regional `location` (`us-central1`, not `US` or `us-central1-a`). */
function googleLocationRegion(body: JsonObject): string | undefined {
  const zone = str(body.zone);
  if (zone) {
    return regionOfZone(zone);
  }
  const location = str(body.location);
  if (location && /^[a-z]+-[a-z]+\d+$/.test(location)) {
    return location;
  }
  if (location && /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location)) {
    return regionOfZone(location);
  }
  return undefined;
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
