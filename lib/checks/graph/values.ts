/**
 * Readers for property values that CloudFormation and Terraform JSON write in more than one way:
 * nested blocks as an object or a one-element list, numbers and booleans as strings, intrinsic
 * functions where a literal is expected. A reader returns undefined when the value is not known
 * at synthesis, so a rule can tell "unknown" from "wrong".
 */

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a plain object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A nested block written as an object or a list of objects, always as a list. */
export function blocks(value: unknown): JsonObject[] {
  if (Array.isArray(value)) {
    return value.filter(isObject);
  }
  return isObject(value) ? [value] : [];
}

/** The first (or only) nested block, or undefined. */
export function block(value: unknown): JsonObject | undefined {
  return blocks(value)[0];
}

/** A literal string, or undefined for anything else (tokens, intrinsic functions). */
export function str(value: unknown): string | undefined {
  if (typeof value !== 'string' || isInterpolation(value)) {
    return undefined;
  }
  return value;
}

/** A literal number, also from a numeric string (CloudFormation writes some numbers as strings). */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
}

/** A literal boolean, also from `"true"`/`"false"`. */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') {
    return value;
  }
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  return undefined;
}

/** A list, or the empty list for anything else. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Whether a string is (or contains) a Terraform interpolation `${...}`. */
export function isInterpolation(value: string): boolean {
  return value.includes('${');
}

/** Whether a value is set at all (present and not null). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * A policy document that Terraform holds as a JSON string (`policy = jsonencode(...)`) or
 * CloudFormation as an object; undefined when it is not literal JSON.
 */
export function policyDocument(value: unknown): JsonObject | undefined {
  if (isObject(value)) {
    return value;
  }
  // Terraform writes `jsonencode(...)` output as a string whose values may hold `${...}`: still JSON.
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return isObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The `Statement` (or `statement` block) entries of a policy document. */
export function statements(document: JsonObject | undefined): JsonObject[] {
  if (!document) {
    return [];
  }
  return blocks(document.Statement ?? document.statement);
}

/** A string or a list of strings, as a list of the literal strings in it. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  return list(value).filter((v): v is string => typeof v === 'string');
}

/** Acknowledgements as written into synthesized output (`{ "<rule>": "<reason>" }`); undefined when absent or malformed. */
export function acknowledgementsOf(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * A value as a message shows it to a person: a literal as JSON, a CloudFormation reference in its
 * short form (`!Ref MaxParam`, `!GetAtt Db.Endpoint`), another intrinsic as `!FindInMap [...]`.
 */
export function shown(value: unknown): string {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Ref') {
      return `!Ref ${String(value.Ref)}`;
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const arg = value['Fn::GetAtt'];
      return `!GetAtt ${Array.isArray(arg) ? arg.join('.') : String(arg)}`;
    }
    if (keys.length === 1 && keys[0].startsWith('Fn::')) {
      return `!${keys[0].slice(4)} ${JSON.stringify(value[keys[0]])}`;
    }
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Whether a value is set but not a literal the checks can read: an intrinsic, a reference, a value known after apply. */
export function isUnresolved(value: unknown): boolean {
  return isObject(value) || (typeof value === 'string' && isInterpolation(value));
}
