import * as fs from 'fs';
import { HaInputError } from './graph/errors';
import { isObject } from './graph/values';

/**
 * CloudFormation parameter values as `ha-report --parameters` takes them: `Key=Value` pairs separated
 * by commas, or a JSON file in one of the shapes deployments keep them in: `{ "Key": "Value" }`,
 * the AWS CLI's `[{ "ParameterKey": "Key", "ParameterValue": "Value" }]`, or a CodePipeline template
 * configuration `{ "Parameters": { "Key": "Value" } }`. `AWS::Region` sets the region of templates
 * that have none. Throws {@link HaInputError} naming what is wrong.
 */
export function parseParameters(argument: string): Record<string, string> {
  if (argument.includes('=')) {
    return Object.fromEntries(
      argument.split(',').map((pair) => {
        const at = pair.indexOf('=');
        const key = pair.slice(0, at).trim();
        if (at <= 0 || key === '') {
          throw new HaInputError(
            `--parameters takes Key=Value pairs separated by commas, or a JSON file; got ${JSON.stringify(pair)}`,
          );
        }
        return [key, pair.slice(at + 1)];
      }),
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(argument, 'utf8'));
  } catch (e) {
    throw new HaInputError(
      `--parameters ${argument} is neither Key=Value pairs nor a readable JSON file: ${(e as Error).message}`,
    );
  }
  const values = Array.isArray(parsed)
    ? parsed.map((p) => (isObject(p) ? [p.ParameterKey, p.ParameterValue] : []))
    : Object.entries(
        isObject(parsed) && isObject(parsed.Parameters) ? parsed.Parameters : isObject(parsed) ? parsed : {},
      );
  const valid =
    values.length > 0 &&
    values.every(([k, v]) => typeof k === 'string' && (typeof v === 'string' || typeof v === 'number'));
  if (!valid) {
    throw new HaInputError(
      `--parameters ${argument} holds no parameters in a known shape: { "Key": "Value" }, ` +
        '[{ "ParameterKey": "Key", "ParameterValue": "Value" }] or { "Parameters": { "Key": "Value" } }',
    );
  }
  return Object.fromEntries(values.map(([k, v]) => [k as string, String(v)]));
}
