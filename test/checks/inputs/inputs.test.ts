import * as path from 'path';
import { checkInputs } from '../../../lib/checks/check';
import { main } from '../../../lib/checks/cli';
import { HaInputError } from '../../../lib/checks/graph/errors';
import { buildGraph, readInputs } from '../../../lib/checks/graph/load';

/*
 * Inputs written in the shapes public projects use (not by this library): Terraform JSON in the
 * array form HCL-to-JSON converters write, `terraform show -json` plans with child modules,
 * `module` blocks, directories of templates and CloudFormation YAML with short-form intrinsics.
 */

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (...parts: string[]) => path.join(FIXTURES, ...parts);

function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTty: false });
  return { code, stdout, stderr };
}

/** Findings as `rule stack/resource`, the way the text report names them. */
function findingsOf(argv: string[]): string[] {
  const { code, stdout, stderr } = run([...argv, '--json']);
  expect(stderr).toBe('');
  expect(code).toBe(1);
  return (JSON.parse(stdout).findings as { rule: string; stack: string; resource: string }[]).map((f) => `${f.rule} ${f.stack}/${f.resource}`);
}

describe('Terraform JSON in array form', () => {
  test('GIVEN a converter\'s array-form file THEN its single-AZ database is read like the object form, with its provider\'s region', () => {
    expect(findingsOf([fixture('array-form.tf.json')])).toEqual([
      'HA-BAK1 array-form/aws_db_instance.orders',
      'HA-DB1 array-form/aws_db_instance.orders',
      'HA-DEL1 array-form/aws_db_instance.orders',
      'HA-DEL2 array-form/aws_db_instance.orders',
      'HA-ENC1 array-form/aws_db_instance.orders',
      'HA-TLS1 array-form/aws_db_instance.orders',
    ]);
    const graph = buildGraph(readInputs(fixture('array-form.tf.json')));
    const db = graph.get('array-form/aws_db_instance.orders')!;
    expect(db).toMatchObject({ region: 'eu-west-1', isData: false });
    expect(db.properties).toMatchObject({ multi_az: false, skip_final_snapshot: true });
    expect(db.references).toEqual(['array-form/aws_db_subnet_group.orders']);
    expect(graph.stacks).toEqual([expect.objectContaining({ name: 'array-form', engine: 'terraform', region: 'eu-west-1' })]);
  });

  test('GIVEN arrays at the resource, type and name levels THEN the resource is read, with the region of a provider given as an array', () => {
    const graph = buildGraph(readInputs(fixture('array-form-outer.tf.json')));
    expect(graph.resources.map((r) => [r.key, r.region])).toEqual([['array-form-outer/aws_db_instance.reports', 'us-east-2']]);
    expect(findingsOf([fixture('array-form-outer.tf.json')])).toContain('HA-DB1 array-form-outer/aws_db_instance.reports');
  });

  test('GIVEN the same resources in object and array form THEN the findings are the same', () => {
    const body = { engine: 'postgres', multi_az: false, backup_retention_period: 0 };
    const objectForm = checkInputs({ terraform: [{ name: 's', json: { resource: { aws_db_instance: { db: body } } } }] });
    const arrayForm = checkInputs({ terraform: [{ name: 's', json: { resource: [{ aws_db_instance: [{ db: [body] }] }] } }] });
    expect(arrayForm.findings).toEqual(objectForm.findings);
    expect(objectForm.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['HA-DB1', 'HA-BAK1']));
  });

  test('GIVEN one address declared twice THEN an input error naming it', () => {
    const body = { engine: 'postgres' };
    expect(() => checkInputs({ terraform: [{ name: 's', file: 'twice.tf.json', json: { resource: { aws_db_instance: { db: [body, body] } } } }] }))
      .toThrow(new HaInputError('twice.tf.json declares aws_db_instance.db more than once; Terraform allows one block per address'));
  });

  test('GIVEN Terraform JSON that declares no resource THEN exit 2 saying what was expected, never "No findings"', () => {
    const { code, stdout, stderr } = run([fixture('no-resources.tf.json')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`ha-report: ${fixture('no-resources.tf.json')} declares nothing to check: `
      + 'expected a resource or data block (as objects, or arrays of objects, by type and name)\n');
  });
});
