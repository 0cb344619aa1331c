import { HA_ACKNOWLEDGED_KEY } from '../../core';
import { HaInputError } from './errors';
import { Cloud } from './model';
import { labelledBlocks } from './terraform-json';
import { DeclaredResource, DeclaredStack, TerraformDocument, TerraformModuleInput } from './terraform-model';
import { cloudOf, ownRegion, providerRegions } from './terraform-region';
import { acknowledgementsOf, isObject, JsonObject } from './values';

/*
 * A Terraform JSON configuration: the root module's files and the modules it calls (read from
 * their local sources beside it), as declared resources with module-prefixed addresses, regions
 * from the provider configurations each module has or inherits, and references followed through
 * module inputs and outputs.
 */

/** A `resource` or `data` block, by module-local address, before its region and references are known. */
type DeclaredBlock = Omit<DeclaredResource, 'region' | 'references'>;

/** One module of the configuration, with what its callers and the modules it calls look up in it. */
interface ModuleScope {
  /** `''` for the root module, else `module.db`, `module.app.module.db`. */
  readonly address: string;
  /** `''` for the root module, else its address and a dot. */
  readonly prefix: string;
  readonly blocks: readonly DeclaredBlock[];
  readonly localAddresses: ReadonlySet<string>;
  /** Output values by name. */
  readonly outputs: ReadonlyMap<string, unknown>;
  /** `module` blocks by call name. */
  readonly calls: ReadonlyMap<string, JsonObject>;
  /** Region of each provider configuration the module has or inherits (`aws`, `aws.<alias>`). */
  readonly providers: ReadonlyMap<string, string>;
}

/** The modules of a configuration by address. */
type Scopes = ReadonlyMap<string, ModuleScope>;

const MAX_DEPTH = 20;

/**
 * Reads a configuration: resources and data sources of the root module (`root`, its files) and of
 * the called `modules`, region from the resource's own `region`/`location`/`zone` or from its
 * (aliased) provider configuration, and references from `${type.name.attr}` interpolations.
 */
export function readConfiguration(
  root: readonly TerraformDocument[],
  modules: readonly TerraformModuleInput[] = [],
): DeclaredStack {
  const scopes = new Map<string, ModuleScope>();
  // Callers first: a module inherits its caller's provider configurations.
  const called = [...modules].sort((a, b) => depthOf(a.address) - depthOf(b.address));
  const byDepth = [{ address: '', documents: root }, ...called];
  for (const { address, documents } of byDepth) {
    scopes.set(address, moduleScope(address, documents, scopes));
  }
  const rootScope = scopes.get('')!;
  const stackComment = isObject(root[0]?.json) && isObject(root[0].json['//']) ? root[0].json['//'] : {};
  return {
    region: rootScope.providers.get('aws') ?? rootScope.providers.get('google'),
    acknowledged: acknowledgementsOf(stackComment[HA_ACKNOWLEDGED_KEY]),
    resources: [...scopes.values()].flatMap((scope) =>
      scope.blocks.map((block) => ({
        ...block,
        address: `${scope.prefix}${block.address}`,
        region: regionOf(cloudOf(block.type), block.body, scope.providers),
        references: referencesIn({ ...block.body, '//': undefined }, scope, scopes, 0),
      })),
    ),
  };
}

function depthOf(address: string): number {
  return address.split('.module.').length;
}

function moduleScope(address: string, documents: readonly TerraformDocument[], scopes: Scopes): ModuleScope {
  const jsons = documents.map((d) => (isObject(d.json) ? d.json : {}));
  const named = (section: string) =>
    new Map(
      jsons.flatMap((json) => labelledBlocks(json[section], 1)).map(({ labels, body }) => [labels[0], body] as const),
    );
  const blocks = declaredBlocks(documents);
  const own = new Map(jsons.flatMap((json) => [...providerRegions(json.provider)]));
  return {
    address,
    prefix: address === '' ? '' : `${address}.`,
    blocks,
    localAddresses: new Set(blocks.map((b) => b.address)),
    outputs: new Map([...named('output')].map(([name, body]) => [name, body.value])),
    calls: named('module'),
    providers: new Map([...inheritedProviders(address, scopes), ...own]),
  };
}

/**
 * The provider configurations a called module receives: those its `module` block passes in
 * `providers` (`{ "aws": "aws.replica" }`), else (Terraform's implicit inheritance) its caller's
 * default, unaliased ones.
 */
function inheritedProviders(address: string, scopes: Scopes): Map<string, string> {
  const call = callOf(address, scopes);
  if (!call) {
    return new Map();
  }
  const { parent, body } = call;
  if (!isObject(body.providers)) {
    return new Map([...parent.providers].filter(([key]) => !key.includes('.')));
  }
  const passed = new Map<string, string>();
  for (const [key, value] of Object.entries(body.providers)) {
    const region = typeof value === 'string' ? parent.providers.get(value.replace(/^\$\{(.*)\}$/, '$1')) : undefined;
    if (region) {
      passed.set(key, region);
    }
  }
  return passed;
}

/** The module that calls the module at `address`, and its `module` block. */
function callOf(address: string, scopes: Scopes): { parent: ModuleScope; body: JsonObject } | undefined {
  const call = /^(?:(.*)\.)?module\.([^.]+)$/.exec(address);
  const parent = call ? scopes.get(call[1] ?? '') : undefined;
  const body = call && parent ? parent.calls.get(call[2]) : undefined;
  return parent && body ? { parent, body } : undefined;
}

/**
 * The managed resources and data sources a module's files declare, in object or array form.
 * Terraform refuses two blocks with one address, so a module that has them cannot be checked.
 */
function declaredBlocks(documents: readonly TerraformDocument[]): DeclaredBlock[] {
  const declared = new Map<string, DeclaredBlock>();
  for (const { json, file } of documents) {
    for (const [section, isData] of [
      ['resource', false],
      ['data', true],
    ] as const) {
      for (const {
        labels: [type, name],
        body,
      } of labelledBlocks(isObject(json) ? json[section] : undefined, 2)) {
        const address = `${isData ? 'data.' : ''}${type}.${name}`;
        if (declared.has(address)) {
          throw new HaInputError(
            `${file ?? 'the Terraform JSON'} declares ${address} more than once; ` +
              'Terraform allows one block per address',
          );
        }
        declared.set(address, { address, type, body, isData });
      }
    }
  }
  return [...declared.values()];
}

function regionOf(cloud: Cloud, body: JsonObject, providers: ReadonlyMap<string, string>): string | undefined {
  const own = ownRegion(cloud, body);
  if (own) {
    return own;
  }
  const provider = typeof body.provider === 'string' ? body.provider.replace(/^\$\{(.*)\}$/, '$1') : cloud;
  return providers.get(provider) ?? providers.get(cloud);
}

const INTERPOLATION = /\$\{([^}]*)\}/g;
const ADDRESS = /(?:^|[^\w.])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)/g;
const VARIABLE = /(?:^|[^\w.])var\.([\w-]+)/g;
const MODULE_OUTPUT = /(?:^|[^\w.])module\.([\w-]+)(?:\[[^\]]*\])?\.([\w-]+)/g;

/**
 * Absolute addresses of the resources `value` (in `scope`) refers to through its interpolations:
 * a resource of the same module; an input variable, through what the caller passes for it; a
 * called module's output, through what the output is made of.
 */
function referencesIn(value: unknown, scope: ModuleScope, scopes: Scopes, depth: number): string[] {
  if (depth > MAX_DEPTH) {
    return [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v) => referencesIn(v, scope, scopes, depth));
  }
  if (isObject(value)) {
    return Object.values(value).flatMap((v) => referencesIn(v, scope, scopes, depth));
  }
  if (typeof value !== 'string' || !value.includes('${')) {
    return [];
  }
  const found: string[] = [];
  for (const [, expression] of value.matchAll(INTERPOLATION)) {
    for (const [, address] of expression.matchAll(ADDRESS)) {
      if (scope.localAddresses.has(address)) {
        found.push(`${scope.prefix}${address}`);
      }
    }
    for (const [, name] of expression.matchAll(VARIABLE)) {
      const call = callOf(scope.address, scopes);
      if (call && name in call.body) {
        found.push(...referencesIn(call.body[name], call.parent, scopes, depth + 1));
      }
    }
    for (const [, name, output] of expression.matchAll(MODULE_OUTPUT)) {
      const child = scopes.get(`${scope.prefix}module.${name}`);
      if (child?.outputs.has(output)) {
        found.push(...referencesIn(child.outputs.get(output), child, scopes, depth + 1));
      }
    }
  }
  return found;
}
