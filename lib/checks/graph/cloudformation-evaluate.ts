import { isObject, JsonObject } from './values';

/**
 * What a template's intrinsic functions are evaluated with: the stack's region and name, and the
 * parameter values given for it (`--parameters`); a parameter not given takes its `Default`.
 */
export interface EvaluationContext {
  readonly stackName: string;
  readonly region?: string;
  /** Parameter values by name; `AWS::Region` and `AWS::AccountId` set those pseudo parameters. */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** A template's resources as CloudFormation would create them in that context. */
export interface EvaluatedTemplate {
  /** The resources whose `Condition` is not false, with their `Properties` evaluated. */
  readonly resources: Record<string, JsonObject>;
  /** Logical ids of the resources a false `Condition` leaves out. */
  readonly excluded: string[];
  /** The region, when a `--parameters AWS::Region=...` gave it and the stack had none. */
  readonly region?: string;
}

/** `AWS::NoValue`: the property it is the value of is removed. */
const NO_VALUE = Symbol('AWS::NoValue');
type Value = unknown;

/**
 * Evaluates what the template's own declarations decide: `Ref` to a parameter (its value or
 * default) or a pseudo parameter, `Fn::FindInMap`, `Conditions` with `Fn::If` and resource
 * `Condition`s, `Fn::Select`, `Fn::Join`, `Fn::Split` and `Fn::Sub` over what is known. What depends
 * on anything else (a resource's attribute, an SSM parameter, a parameter without a value) is left
 * as the intrinsic it was, so a rule reads it as unknown rather than as failing.
 *
 * Example: with `MaxSize: !Ref MaxParam` and `MaxParam`'s default `6`, the group's `MaxSize` reads `"6"`.
 */
export function evaluateTemplate(
  template: JsonObject,
  resources: Record<string, JsonObject>,
  context: EvaluationContext,
): EvaluatedTemplate {
  const evaluator = new Evaluator(template, context);
  const kept: Record<string, JsonObject> = {};
  const excluded: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (typeof resource.Condition === 'string' && evaluator.condition(resource.Condition) === false) {
      excluded.push(id);
      continue;
    }
    kept[id] = isObject(resource.Properties)
      ? { ...resource, Properties: evaluator.evaluate(resource.Properties) as JsonObject }
      : resource;
  }
  return { resources: kept, excluded, region: context.region ?? context.parameters?.['AWS::Region'] };
}

class Evaluator {
  private readonly parameters = new Map<string, Value>();
  private readonly mappings: JsonObject;
  private readonly conditions: JsonObject;
  private readonly conditionValues = new Map<string, boolean | undefined>();

  constructor(template: JsonObject, context: EvaluationContext) {
    this.mappings = isObject(template.Mappings) ? template.Mappings : {};
    this.conditions = isObject(template.Conditions) ? template.Conditions : {};
    const given = context.parameters ?? {};
    const region = context.region ?? given['AWS::Region'];
    const pseudo: Record<string, string | undefined> = {
      'AWS::Region': region,
      'AWS::AccountId': given['AWS::AccountId'],
      'AWS::StackName': context.stackName,
      'AWS::Partition':
        region === undefined
          ? undefined
          : region.startsWith('cn-')
            ? 'aws-cn'
            : region.startsWith('us-gov-')
              ? 'aws-us-gov'
              : 'aws',
      'AWS::URLSuffix':
        region === undefined ? undefined : region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com',
    };
    for (const [name, value] of Object.entries(pseudo)) {
      if (value !== undefined) {
        this.parameters.set(name, value);
      }
    }
    for (const [name, declaration] of Object.entries(isObject(template.Parameters) ? template.Parameters : {})) {
      const value = parameterValue(isObject(declaration) ? declaration : {}, given[name]);
      if (value !== undefined) {
        this.parameters.set(name, value);
      }
    }
  }

  /** A condition's value: true, false, or undefined when it depends on something unknown. */
  public condition(name: string): boolean | undefined {
    if (!this.conditionValues.has(name)) {
      this.conditionValues.set(name, undefined); // a cycle reads as unknown
      this.conditionValues.set(name, this.truth(this.conditions[name]));
    }
    return this.conditionValues.get(name);
  }

  /** `value` with every intrinsic that can be decided replaced by its result. */
  public evaluate(value: Value): Value {
    if (Array.isArray(value)) {
      return value.map((v) => this.evaluate(v)).filter((v) => v !== NO_VALUE);
    }
    if (!isObject(value)) {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return this.intrinsic(keys[0], value[keys[0]], value);
    }
    const result: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      const evaluated = this.evaluate(v);
      if (evaluated !== NO_VALUE) {
        result[key] = evaluated;
      }
    }
    return result;
  }

  private intrinsic(fn: string, arg: Value, original: JsonObject): Value {
    if (fn === 'Ref') {
      if (arg === 'AWS::NoValue') {
        return NO_VALUE;
      }
      return typeof arg === 'string' && this.parameters.has(arg) ? this.parameters.get(arg) : original;
    }
    if (fn === 'Fn::If' && Array.isArray(arg) && arg.length === 3 && typeof arg[0] === 'string') {
      const chosen = this.condition(arg[0]);
      return chosen === undefined
        ? { 'Fn::If': [arg[0], this.evaluate(arg[1]), this.evaluate(arg[2])] }
        : this.evaluate(chosen ? arg[1] : arg[2]);
    }
    const args = this.evaluate(arg);
    const literal = evaluateLiteral(fn, args, this.mappings);
    if (literal !== undefined) {
      return literal;
    }
    if (fn === 'Fn::Sub') {
      return this.substitute(args);
    }
    return { [fn]: args };
  }

  /** `Fn::Sub` with the parameters and local variables that are known put in; a plain string once nothing is left. */
  private substitute(args: Value): Value {
    const [text, variables] = Array.isArray(args) ? args : [args, undefined];
    if (typeof text !== 'string') {
      return { 'Fn::Sub': args };
    }
    const local = isObject(variables) ? variables : {};
    const replaced = text.replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => {
      const value = name in local ? local[name] : this.parameters.get(name);
      return typeof value === 'string' || typeof value === 'number' ? String(value) : whole;
    });
    if (!/\$\{[^!}]/.test(replaced)) {
      return replaced.replace(/\$\{!/g, '${');
    }
    return { 'Fn::Sub': Array.isArray(args) ? [replaced, variables] : replaced };
  }

  private truth(expression: Value): boolean | undefined {
    if (!isObject(expression)) {
      return typeof expression === 'boolean' ? expression : undefined;
    }
    const [fn] = Object.keys(expression);
    const arg = expression[fn];
    const operands = Array.isArray(arg) ? arg : [];
    switch (fn) {
      case 'Condition':
        return typeof arg === 'string' ? this.condition(arg) : undefined;
      case 'Fn::Equals': {
        const [a, b] = operands.map((o) => this.evaluate(o));
        return isPrimitive(a) && isPrimitive(b) ? String(a) === String(b) : undefined;
      }
      case 'Fn::Not': {
        const value = this.truth(operands[0]);
        return value === undefined ? undefined : !value;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const values = operands.map((o) => this.truth(o));
        const decisive = fn === 'Fn::And' ? false : true;
        if (values.includes(decisive)) {
          return decisive;
        }
        return values.includes(undefined) ? undefined : !decisive;
      }
      default:
        return undefined;
    }
  }
}

/** A parameter's value: the one given, else its default; lists split; SSM parameters stay unknown (their value is not in the template). */
function parameterValue(declaration: JsonObject, given: string | undefined): Value {
  const type = typeof declaration.Type === 'string' ? declaration.Type : 'String';
  if (type.startsWith('AWS::SSM::Parameter::Value<')) {
    return undefined;
  }
  const raw = given ?? (typeof declaration.Default === 'number' ? String(declaration.Default) : declaration.Default);
  if (typeof raw !== 'string') {
    return undefined;
  }
  return type === 'CommaDelimitedList' || type.startsWith('List<') ? raw.split(',').map((s) => s.trim()) : raw;
}

/** The functions whose arguments, once evaluated, are all literal; undefined when they are not. */
function evaluateLiteral(fn: string, args: Value, mappings: JsonObject): Value {
  const list = Array.isArray(args) ? args : undefined;
  switch (fn) {
    case 'Fn::FindInMap': {
      const [map, top, second] = list ?? [];
      const found =
        typeof map === 'string' && typeof top === 'string' && typeof second === 'string' && isObject(mappings[map])
          ? (mappings[map] as JsonObject)[top]
          : undefined;
      return isObject(found) && typeof second === 'string' ? found[second] : undefined;
    }
    case 'Fn::Select': {
      const [index, from] = list ?? [];
      const i =
        typeof index === 'number'
          ? index
          : typeof index === 'string' && /^\d+$/.test(index)
            ? Number(index)
            : undefined;
      return i !== undefined && Array.isArray(from) && i < from.length && isPrimitive(from[i]) ? from[i] : undefined;
    }
    case 'Fn::Join': {
      const [separator, parts] = list ?? [];
      return typeof separator === 'string' && Array.isArray(parts) && parts.every(isPrimitive)
        ? parts.map(String).join(separator)
        : undefined;
    }
    case 'Fn::Split': {
      const [separator, text] = list ?? [];
      return typeof separator === 'string' && typeof text === 'string' ? text.split(separator) : undefined;
    }
    default:
      return undefined;
  }
}

function isPrimitive(value: Value): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
