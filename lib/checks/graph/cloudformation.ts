import { DrillMeasurement, FAILOVER_STEP_METADATA_KEY, HA_ACKNOWLEDGED_KEY, parseFailoverStep } from '../../core';
import { drillMeasurementsIn } from './drill-measurements';
import { HaRecord, GraphResource, GraphStack } from './model';
import { evaluateTemplate } from './cloudformation-evaluate';
import { haFromMetadata, haFromTags, tagMap } from './metadata';
import { acknowledgementsOf, isObject, JsonObject } from './values';

/** One CloudFormation template to read. */
export interface CloudFormationStackInput {
  /** Stack name (the cloud-assembly artifact id). */
  readonly name: string;
  readonly template: unknown;
  /** Region of the stack environment, when concrete. */
  readonly region?: string;
  /** Where the template was read from. */
  readonly file?: string;
  /**
   * Reads a nested stack's template by its `aws:asset:path` (relative to the template's directory).
   * @default - nested stacks are not followed
   */
  readonly readNested?: (assetPath: string) => unknown;
  /**
   * Values of the template's parameters by name (`AWS::Region` and `AWS::AccountId` set those pseudo parameters).
   * @default - each parameter's `Default`
   */
  readonly parameters?: Readonly<Record<string, string>>;
}

interface TemplateContext {
  readonly name: string;
  readonly region?: string;
  readonly file?: string;
  readonly resources: Record<string, JsonObject>;
  readonly parameters: Set<string>;
  readonly outputs: Record<string, JsonObject>;
  /** Findings accepted for the whole template (its top-level `Metadata`). */
  readonly acknowledged?: Record<string, string>;
  /** What drills measured of service-wide steps, recorded on the whole template. */
  readonly drillMeasurements?: readonly DrillMeasurement[];
  /** For a nested stack: the parent stack and the `AWS::CloudFormation::Stack` resource that creates it. */
  readonly parent?: { readonly stack: string; readonly logicalId: string };
}

const MAX_DEPTH = 20;

/**
 * Reads CloudFormation templates into graph resources, with parameters, mappings and conditions
 * evaluated first (cloudformation-evaluate.ts): properties, region (from the stack environment), HA
 * record (`Metadata["ha-constructs"]`, else `ha:*` tags), deletion policies, and
 * references from `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::ImportValue` of another stack's export,
 * `Fn::GetStackOutput` of another stack's output, nested stack parameters and outputs.
 */
export function readCloudFormation(inputs: readonly CloudFormationStackInput[]): {
  stacks: GraphStack[];
  resources: GraphResource[];
} {
  const contexts = new Map<string, TemplateContext>();
  const queue: { input: CloudFormationStackInput; parent?: TemplateContext['parent'] }[] = inputs.map((input) => ({
    input,
  }));
  while (queue.length > 0) {
    const { input, parent } = queue.shift()!;
    const template = isObject(input.template) ? input.template : {};
    // Entries that are not objects declare nothing to check (the Terraform reader skips them too).
    const declared = Object.fromEntries(
      Object.entries(isObject(template.Resources) ? template.Resources : {}).filter(([, r]) => isObject(r)),
    ) as Record<string, JsonObject>;
    // What the template's parameters, mappings and conditions decide, as CloudFormation would create it.
    const { resources, region } = evaluateTemplate(template, declared, {
      stackName: input.name,
      region: input.region,
      parameters: input.parameters,
    });
    const context: TemplateContext = {
      name: input.name,
      region,
      file: input.file,
      resources,
      parameters: new Set(isObject(template.Parameters) ? Object.keys(template.Parameters) : []),
      outputs: isObject(template.Outputs) ? (template.Outputs as Record<string, JsonObject>) : {},
      acknowledged: acknowledgementsOf(
        isObject(template.Metadata) ? template.Metadata[HA_ACKNOWLEDGED_KEY] : undefined,
      ),
      drillMeasurements: drillMeasurementsIn(isObject(template.Metadata) ? template.Metadata : {}, input.name),
      parent,
    };
    contexts.set(input.name, context);
    for (const [logicalId, resource] of Object.entries(resources)) {
      const assetPath = isObject(resource.Metadata) ? resource.Metadata['aws:asset:path'] : undefined;
      if (resource.Type === 'AWS::CloudFormation::Stack' && typeof assetPath === 'string' && input.readNested) {
        const given =
          isObject(resource.Properties) && isObject(resource.Properties.Parameters)
            ? resource.Properties.Parameters
            : {};
        const parameters = Object.fromEntries(
          Object.entries(given).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
        );
        queue.push({
          input: {
            name: `${input.name}/${logicalId}`,
            template: input.readNested(assetPath),
            region,
            file: assetPath,
            readNested: input.readNested,
            parameters,
          },
          parent: { stack: input.name, logicalId },
        });
      }
    }
  }

  const exportsByName = new Map<string, { stack: string; value: unknown }>();
  for (const context of contexts.values()) {
    for (const output of Object.values(context.outputs)) {
      const name = isObject(output.Export) ? output.Export.Name : undefined;
      if (typeof name === 'string') {
        exportsByName.set(name, { stack: context.name, value: output.Value });
      }
    }
  }

  const resolver = new ReferenceResolver(contexts, exportsByName);
  const stacks: GraphStack[] = [];
  const resources: GraphResource[] = [];
  for (const context of contexts.values()) {
    const outputs = Object.fromEntries(
      Object.entries(context.outputs).map(([name, output]) => [
        name,
        {
          value: output.Value,
          exportName:
            isObject(output.Export) && typeof output.Export.Name === 'string' ? output.Export.Name : undefined,
        },
      ]),
    );
    stacks.push({
      name: context.name,
      engine: 'cloudformation',
      region: context.region,
      file: context.file,
      outputs,
      acknowledged: context.acknowledged,
      drillMeasurements: context.drillMeasurements,
    });
    for (const [logicalId, resource] of Object.entries(context.resources)) {
      const type = typeof resource.Type === 'string' ? resource.Type : 'Unknown';
      const properties = isObject(resource.Properties) ? resource.Properties : {};
      const metadata = isObject(resource.Metadata) ? resource.Metadata : {};
      const references = new Set<string>();
      resolver.collect(properties, context.name, references, 0);
      references.delete(`${context.name}/${logicalId}`);
      resources.push({
        key: `${context.name}/${logicalId}`,
        stack: context.name,
        address: logicalId,
        type,
        engine: 'cloudformation',
        cloud: 'aws',
        properties,
        region: context.region,
        ha: haOf(metadata, properties),
        deletionPolicy: typeof resource.DeletionPolicy === 'string' ? resource.DeletionPolicy : undefined,
        updateReplacePolicy:
          typeof resource.UpdateReplacePolicy === 'string' ? resource.UpdateReplacePolicy : undefined,
        preventDestroy: false,
        references: [...references],
        constructPath: typeof metadata['aws:cdk:path'] === 'string' ? metadata['aws:cdk:path'] : undefined,
        isData: false,
        acknowledged: acknowledgementsOf(metadata[HA_ACKNOWLEDGED_KEY]),
        failoverStep: parseFailoverStep(metadata[FAILOVER_STEP_METADATA_KEY]),
        drillMeasurements: drillMeasurementsIn(metadata, `${context.name}/${logicalId}`),
      });
    }
  }
  return { stacks, resources };
}

function haOf(metadata: JsonObject, properties: JsonObject): HaRecord | undefined {
  return haFromMetadata(metadata) ?? haFromTags(tagMap(properties.Tags), 'tags');
}

class ReferenceResolver {
  constructor(
    private readonly contexts: Map<string, TemplateContext>,
    private readonly exportsByName: Map<string, { stack: string; value: unknown }>,
  ) {}

  /** Adds to `into` the keys of every resource that `value` (evaluated in `stack`) refers to. */
  public collect(value: unknown, stack: string, into: Set<string>, depth: number): void {
    if (depth > MAX_DEPTH) {
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v) => this.collect(v, stack, into, depth));
      return;
    }
    if (!isObject(value)) {
      return;
    }
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = value[fn];
      if (fn === 'Ref' && typeof arg === 'string') {
        this.name(arg, undefined, stack, into, depth);
        return;
      }
      if (fn === 'Fn::GetAtt') {
        const [id, attr] = Array.isArray(arg) ? arg : typeof arg === 'string' ? splitOnce(arg) : [];
        if (typeof id === 'string') {
          this.name(id, typeof attr === 'string' ? attr : undefined, stack, into, depth);
        }
        return;
      }
      if (fn === 'Fn::Sub') {
        const [text, variables] = Array.isArray(arg) ? arg : [arg, undefined];
        const local = isObject(variables) ? variables : {};
        this.collect(local, stack, into, depth);
        if (typeof text === 'string') {
          for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const [id, attr] = splitOnce(match[1]);
            if (!(id in local) && !id.startsWith('AWS::')) {
              this.name(id, attr, stack, into, depth);
            }
          }
        }
        return;
      }
      // A weak or cross-region reference: another stack's output, read from that stack.
      if (
        fn === 'Fn::GetStackOutput' &&
        isObject(arg) &&
        typeof arg.StackName === 'string' &&
        typeof arg.OutputName === 'string'
      ) {
        const output = this.contexts.get(arg.StackName)?.outputs[arg.OutputName];
        if (output) {
          this.collect(output.Value, arg.StackName, into, depth + 1);
        }
        return;
      }
      if (fn === 'Fn::ImportValue' && typeof arg === 'string') {
        const exported = this.exportsByName.get(arg);
        if (exported) {
          this.collect(exported.value, exported.stack, into, depth + 1);
        }
        return;
      }
    }
    for (const v of Object.values(value)) {
      this.collect(v, stack, into, depth);
    }
  }

  private name(id: string, attr: string | undefined, stack: string, into: Set<string>, depth: number): void {
    const context = this.contexts.get(stack);
    if (!context) {
      return;
    }
    if (id in context.resources) {
      const nested = this.contexts.get(`${stack}/${id}`);
      const outputName = attr?.startsWith('Outputs.') ? attr.slice('Outputs.'.length) : undefined;
      if (nested && outputName && nested.outputs[outputName]) {
        this.collect(nested.outputs[outputName].Value, nested.name, into, depth + 1);
      } else {
        into.add(`${stack}/${id}`);
      }
      return;
    }
    if (context.parameters.has(id) && context.parent) {
      const creator = this.contexts.get(context.parent.stack)?.resources[context.parent.logicalId];
      const parameters =
        isObject(creator?.Properties) && isObject(creator.Properties.Parameters) ? creator.Properties.Parameters : {};
      if (id in parameters) {
        this.collect(parameters[id], context.parent.stack, into, depth + 1);
      }
    }
  }
}

function splitOnce(text: string): [string, string | undefined] {
  const dot = text.indexOf('.');
  return dot === -1 ? [text, undefined] : [text.slice(0, dot), text.slice(dot + 1)];
}
