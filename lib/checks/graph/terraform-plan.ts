import { HaInputError } from './errors';
import { DeclaredResource, DeclaredStack } from './terraform-model';
import { cloudOf, ownRegion } from './terraform-region';
import { isObject, JsonObject, list, str, strings } from './values';

/*
 * `terraform show -json` output, of a plan (`planned_values`, with `configuration` and
 * `resource_changes`) or of a state (`values`): every module's resources with their values
 * resolved, which is what a Terraform user has when the configuration calls registry modules.
 */

/**
 * What a value Terraform knows only after apply reads as: an interpolation, like an unresolved
 * expression in Terraform JSON, so every value reader takes it as unknown rather than as absent.
 */
export const KNOWN_AFTER_APPLY = '${known after apply}';

/** Whether `json` is `terraform show -json` output of a plan or a state. */
export function isTerraformShowJson(json: unknown): json is JsonObject {
  return (
    isObject(json) &&
    typeof json.format_version === 'string' &&
    ['planned_values', 'values', 'prior_state', 'configuration'].some((key) => isObject(json[key]))
  );
}

/**
 * Reads a plan's planned values (a state's values) into declared resources, by absolute address
 * (`module.db.aws_db_instance.main`, `aws_instance.web[0]`): values Terraform knows only after
 * apply (`after_unknown`) read as {@link KNOWN_AFTER_APPLY}; references from the configuration's
 * expressions and `depends_on`; the region from the resource's own values, else its provider
 * configuration's constant `region` (or a root variable's value), else its ARN.
 */
export function readTerraformShow(json: JsonObject, source: string): DeclaredStack {
  const version = String(json.format_version);
  if (!/^[01]\./.test(version)) {
    throw new HaInputError(`${source} is terraform show -json format ${version}; ha-report reads formats 0.x and 1.x`);
  }
  const values = isObject(json.planned_values) ? json.planned_values : isObject(json.values) ? json.values : {};
  const configuration = isObject(json.configuration) ? json.configuration : {};
  const providers = providerConfigRegions(configuration.provider_config, json.variables);
  const unknown = afterUnknownByAddress(json.resource_changes);
  const planned = moduleResources(values.root_module, '').filter(
    ({ resource }) => typeof resource.address === 'string' && typeof resource.type === 'string',
  );
  const references = new PlanReferences(
    configuration,
    planned.map(({ resource }) => resource.address as string),
  );
  const resources = planned.map(({ module, resource }): DeclaredResource => {
    const address = resource.address as string;
    const type = resource.type as string;
    const isData = resource.mode === 'data';
    const body = withUnknowns(isObject(resource.values) ? resource.values : {}, unknown.get(address)) as JsonObject;
    const config = list(configModule(configuration, module)?.resources)
      .filter(isObject)
      .find((r) => r.address === `${isData ? 'data.' : ''}${type}.${String(resource.name)}`);
    const region =
      ownRegion(cloudOf(type), body) ??
      providerRegion(providers, config?.provider_config_key, resource.provider_name) ??
      arnRegion(body.arn);
    return {
      address,
      type,
      body,
      isData,
      region,
      lifecycleKnown: false,
      references: [
        ...[...expressionReferences(config?.expressions), ...strings(config?.depends_on)].flatMap((ref) =>
          references.resolve(ref, module),
        ),
        // A state's resources list what they depend on by absolute address.
        ...strings(resource.depends_on).flatMap((ref) => references.instances(ref)),
      ],
    };
  });
  const region = providers.regions.get('aws') ?? providers.regions.get('google') ?? soleRegion(resources);
  return { region, resources };
}

/** The resources of a module and, recursively, of its child modules, each with its module's address (root: `''`). */
function moduleResources(module: unknown, address: string): { module: string; resource: JsonObject }[] {
  if (!isObject(module)) {
    return [];
  }
  return [
    ...list(module.resources)
      .filter(isObject)
      .map((resource) => ({ module: address, resource })),
    ...list(module.child_modules)
      .filter(isObject)
      .flatMap((child) => moduleResources(child, str(child.address) ?? address)),
  ];
}

/** `after_unknown` of each resource change, by address. */
function afterUnknownByAddress(changes: unknown): Map<string, unknown> {
  const unknown = new Map<string, unknown>();
  for (const change of list(changes).filter(isObject)) {
    if (typeof change.address === 'string' && isObject(change.change) && change.change.after_unknown !== undefined) {
      unknown.set(change.address, change.change.after_unknown);
    }
  }
  return unknown;
}

/** `value` with every leaf `after_unknown` marks `true` replaced by {@link KNOWN_AFTER_APPLY}. */
function withUnknowns(value: unknown, unknown: unknown): unknown {
  if (unknown === true) {
    return KNOWN_AFTER_APPLY;
  }
  if (!hasUnknown(unknown)) {
    return value;
  }
  if (Array.isArray(unknown)) {
    const items = Array.isArray(value) ? [...value] : [];
    unknown.forEach((u, i) => {
      items[i] = withUnknowns(items[i], u);
    });
    return items;
  }
  const object: JsonObject = isObject(value) ? { ...value } : {};
  for (const [key, u] of Object.entries(unknown as JsonObject)) {
    object[key] = withUnknowns(object[key], u);
  }
  return object;
}

function hasUnknown(unknown: unknown): boolean {
  if (unknown === true) {
    return true;
  }
  if (Array.isArray(unknown)) {
    return unknown.some(hasUnknown);
  }
  return isObject(unknown) && Object.values(unknown).some(hasUnknown);
}

/** The configuration of the module at `module` (`module.app[0].module.db`; instance keys ignored). */
function configModule(configuration: JsonObject, module: string): JsonObject | undefined {
  let current: unknown = configuration.root_module;
  for (const name of moduleNames(module)) {
    const call = isObject(current) && isObject(current.module_calls) ? current.module_calls[name] : undefined;
    current = isObject(call) ? call.module : undefined;
  }
  return isObject(current) ? current : undefined;
}

/** The call names of a module address: `module.app[0].module.db` → `app`, `db`. */
function moduleNames(module: string): string[] {
  return [...withoutInstanceKeys(module).matchAll(/(?:^|\.)module\.([^.]+)/g)].map((m) => m[1]);
}

const INSTANCE_KEY = /\[(?:"(?:[^"\\]|\\.)*"|\d+)\]/g;

function withoutInstanceKeys(address: string): string {
  return address.replace(INSTANCE_KEY, '');
}

const MAX_DEPTH = 20;

/** The resource address a reference starts with (`module.db.aws_db_instance.main` of `….main.arn`). */
const RESOURCE_ADDRESS = /^((?:module\.[^.]+\.)*(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)/;

/**
 * Resolves the references of a module's expressions to planned resources: a resource's to its
 * instances, an input variable's (`var.x`) to what the module call passes, a module output's
 * (`module.vpc.private_subnets`) to what the output is made of.
 */
class PlanReferences {
  /** Planned addresses by their configuration address (instance keys removed). */
  private readonly byConfigAddress = new Map<string, string[]>();

  constructor(
    private readonly configuration: JsonObject,
    addresses: readonly string[],
  ) {
    for (const address of addresses) {
      const key = withoutInstanceKeys(address);
      this.byConfigAddress.set(key, [...(this.byConfigAddress.get(key) ?? []), address]);
    }
  }

  /** The planned resources `reference`, made in the module at `module` (`''` for the root), stands for. */
  public resolve(reference: string, module: string, depth = 0): string[] {
    if (depth > MAX_DEPTH) {
      return [];
    }
    const prefix = module === '' ? '' : `${module}.`;
    const variable = /^var\.([\w-]+)/.exec(reference);
    if (variable) {
      const called = /^(.*?)\.?module\.([^.[]+)(\[[^\]]*\])?$/.exec(module);
      if (!called) {
        return [];
      }
      const [, parent, name] = called;
      const calls = configModule(this.configuration, parent)?.module_calls;
      const call = isObject(calls) ? calls[name] : undefined;
      const passed = isObject(call) && isObject(call.expressions) ? call.expressions[variable[1]] : undefined;
      return expressionReferences(passed).flatMap((ref) => this.resolve(ref, parent, depth + 1));
    }
    const output = /^module\.([^.[]+)(\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\.([\w-]+)/.exec(reference);
    if (output) {
      const child = `${prefix}module.${output[1]}${output[2] ?? ''}`;
      const outputs = configModule(this.configuration, child)?.outputs;
      const declared = isObject(outputs) ? outputs[output[3]] : undefined;
      const made = isObject(declared) ? declared.expression : undefined;
      return expressionReferences(made).flatMap((ref) => this.resolve(ref, child, depth + 1));
    }
    return this.instances(`${prefix}${reference}`, prefix);
  }

  /**
   * The planned instances of the resource an absolute reference (`module.db.aws_db_instance.main.arn`)
   * starts with; in a module called with count or for_each, those of the module instance `prefix` first.
   */
  public instances(reference: string, prefix = ''): string[] {
    const resource = RESOURCE_ADDRESS.exec(withoutInstanceKeys(reference));
    const candidates = resource ? (this.byConfigAddress.get(resource[1]) ?? []) : [];
    const own = candidates.filter((c) => c.startsWith(prefix));
    return own.length > 0 ? own : candidates;
  }
}

/** Every reference an expression (or block of expressions) holds, except those inside constant values. */
function expressionReferences(expressions: unknown, into: string[] = []): string[] {
  if (Array.isArray(expressions)) {
    expressions.forEach((e) => expressionReferences(e, into));
  } else if (isObject(expressions)) {
    for (const [key, value] of Object.entries(expressions)) {
      if (key === 'references') {
        into.push(...list(value).filter((ref): ref is string => typeof ref === 'string'));
      } else if (key !== 'constant_value') {
        expressionReferences(value, into);
      }
    }
  }
  return into;
}

/** Provider configurations by key, with the region each sets when it is a constant or a root variable's value. */
interface ProviderConfigs {
  readonly keys: ReadonlySet<string>;
  readonly regions: ReadonlyMap<string, string>;
}

function providerConfigRegions(providerConfig: unknown, variables: unknown): ProviderConfigs {
  const keys = new Set<string>();
  const regions = new Map<string, string>();
  for (const [key, config] of Object.entries(isObject(providerConfig) ? providerConfig : {})) {
    keys.add(key);
    const expression = isObject(config) && isObject(config.expressions) ? config.expressions.region : undefined;
    const inRoot = isObject(config) && config.module_address === undefined;
    const constant = isObject(expression) ? str(expression.constant_value) : undefined;
    const region = constant ?? (inRoot && isObject(expression) ? variableValue(expression, variables) : undefined);
    if (region) {
      regions.set(key, region);
    }
  }
  return { keys, regions };
}

/** The value of the root variable an expression is made of alone (`region = var.region`). */
function variableValue(expression: JsonObject, variables: unknown): string | undefined {
  const references = list(expression.references);
  const only = references.length === 1 && typeof references[0] === 'string' ? references[0] : undefined;
  const name = only ? /^var\.([\w-]+)$/.exec(only)?.[1] : undefined;
  const variable = name && isObject(variables) ? variables[name] : undefined;
  return isObject(variable) ? str(variable.value) : undefined;
}

/**
 * The region of a resource's provider configuration. A key the configuration does not list is a
 * provider inherited from the root module (older Terraform wrote `module.db:aws` for it): the
 * root's default configuration of that provider.
 */
function providerRegion(providers: ProviderConfigs, key: unknown, providerName: unknown): string | undefined {
  if (typeof key === 'string' && providers.keys.has(key)) {
    return providers.regions.get(key);
  }
  const name =
    typeof key === 'string'
      ? key.split(':').pop()
      : typeof providerName === 'string'
        ? providerName.split('/').pop()
        : undefined;
  return name ? providers.regions.get(name) : undefined;
}

/** The region in a regional AWS ARN (`arn:aws:rds:eu-west-1:…`); undefined for global ones (`arn:aws:iam::…`). */
function arnRegion(arn: unknown): string | undefined {
  return typeof arn === 'string' ? /^arn:aws[\w-]*:[^:]+:([a-z]{2}(?:-[a-z]+)+-\d+):/.exec(arn)?.[1] : undefined;
}

/** The one region every resource that has one is in, else undefined. */
function soleRegion(resources: readonly DeclaredResource[]): string | undefined {
  const regions = new Set(resources.map((r) => r.region).filter((r) => r !== undefined));
  return regions.size === 1 ? [...regions][0] : undefined;
}
