import * as path from 'path';
import { checkInputs } from '../../../lib/checks/check';
import { main } from '../../../lib/checks/cli';
import { formatText } from '../../../lib/checks/format';
import { parseCloudFormationYaml } from '../../../lib/checks/graph/cloudformation-yaml';
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
  const code = main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTty: false,
  });
  return { code, stdout, stderr };
}

/** Findings as `rule stack/resource`, the way the text report names them. */
function findingsOf(argv: string[]): string[] {
  const { code, stdout, stderr } = run([...argv, '--json']);
  expect(stderr).toBe('');
  expect(code).toBe(1);
  const findings = JSON.parse(stdout).findings as { rule: string; stack: string; resource: string }[];
  return findings.map((f) => `${f.rule} ${f.stack}/${f.resource}`);
}

describe('Terraform JSON in array form', () => {
  test("GIVEN a converter's array-form file THEN its single-AZ database is read, in its region", () => {
    expect(findingsOf([fixture('array-form.tf.json')])).toEqual([
      'HA-BAK1 array-form/aws_db_instance.orders',
      'HA-DB1 array-form/aws_db_instance.orders',
      'HA-DEL1 array-form/aws_db_instance.orders',
      'HA-DEL2 array-form/aws_db_instance.orders',
      'HA-ENC1 array-form/aws_db_instance.orders',
    ]);
    const graph = buildGraph(readInputs(fixture('array-form.tf.json')));
    const db = graph.get('array-form/aws_db_instance.orders')!;
    expect(db).toMatchObject({ region: 'eu-west-1', isData: false });
    expect(db.properties).toMatchObject({ multi_az: false, skip_final_snapshot: true });
    expect(db.references).toEqual(['array-form/aws_db_subnet_group.orders']);
    expect(graph.stacks).toEqual([
      expect.objectContaining({ name: 'array-form', engine: 'terraform', region: 'eu-west-1' }),
    ]);
  });

  test('GIVEN arrays at the resource, type and name levels THEN the resource is read, in its region', () => {
    const file = fixture('array-form-outer.tf.json');
    const graph = buildGraph(readInputs(file));
    expect(graph.resources.map((r) => [r.key, r.region])).toEqual([
      ['array-form-outer/aws_db_instance.reports', 'us-east-2'],
    ]);
    expect(findingsOf([file])).toContain('HA-DB1 array-form-outer/aws_db_instance.reports');
  });

  test('GIVEN the same resources in object and array form THEN the findings are the same', () => {
    const body = { engine: 'postgres', multi_az: false, backup_retention_period: 0 };
    const objectForm = checkInputs({
      terraform: [{ name: 's', json: { resource: { aws_db_instance: { db: body } } } }],
    });
    const arrayForm = checkInputs({
      terraform: [{ name: 's', json: { resource: [{ aws_db_instance: [{ db: [body] }] }] } }],
    });
    expect(arrayForm.findings).toEqual(objectForm.findings);
    expect(objectForm.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['HA-DB1', 'HA-BAK1']));
  });

  test('GIVEN one address declared twice THEN an input error naming it', () => {
    const body = { engine: 'postgres' };
    const json = { resource: { aws_db_instance: { db: [body, body] } } };
    expect(() => checkInputs({ terraform: [{ name: 's', file: 'twice.tf.json', json }] })).toThrow(
      new HaInputError(
        'twice.tf.json declares aws_db_instance.db more than once; ' + 'Terraform allows one block per address',
      ),
    );
  });

  test('GIVEN Terraform JSON that declares no resource THEN exit 2, saying what was expected', () => {
    const { code, stdout, stderr } = run([fixture('no-resources.tf.json')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `ha-report: ${fixture('no-resources.tf.json')} declares nothing to check: ` +
        'expected a resource or data block (as objects, or arrays of objects, by type and name)\n',
    );
  });
});

describe('terraform show -json of a plan or a state', () => {
  const PLAN = fixture('plan', 'plan.json');

  test('GIVEN a plan with a child module THEN findings name resources inside it by module address', () => {
    const findings = findingsOf([PLAN]);
    expect(findings).toEqual(
      expect.arrayContaining([
        'HA-DB1 plan/module.db.aws_db_instance.main',
        'HA-DEL2 plan/module.db.aws_db_instance.main',
      ]),
    );
    // A read replica (replicate_source_db known after apply) is not a single-AZ primary.
    expect(findings).not.toContain('HA-DB1 plan/module.db.module.replica[0].aws_db_instance.replica');
    const { stdout } = run([PLAN]);
    expect(stdout).toContain(
      'ERROR   HA-DB1 plan/module.db.aws_db_instance.main: ' +
        'module.db.aws_db_instance.main is a single-AZ database instance: set multi_az to true\n',
    );
  });

  test('GIVEN values known only after apply THEN they stay unknown, never read as absent or failing', () => {
    const graph = buildGraph(readInputs(PLAN));
    const db = graph.get('plan/module.db.aws_db_instance.main')!;
    expect(db.properties).toMatchObject({
      multi_az: false,
      backup_retention_period: 1,
      kms_key_id: '${known after apply}',
      storage_encrypted: true,
    });
    // Unknown list elements are marked, known ones kept.
    expect(graph.get('plan/module.db.aws_db_subnet_group.main')!.properties.subnet_ids).toEqual([
      'subnet-0a1b2c3d4e5f60718',
      'subnet-0b2c3d4e5f6071829',
    ]);
    // The key the database is encrypted with is created by the same plan: not an AWS managed key.
    expect(findingsOf([PLAN])).not.toContain('HA-ENC1 plan/module.db.aws_db_instance.main');
  });

  test('GIVEN provider configurations THEN regions of a root variable and an alias; references across modules', () => {
    const graph = buildGraph(readInputs(PLAN));
    expect(graph.stacks).toEqual([expect.objectContaining({ name: 'plan', engine: 'terraform', region: 'eu-west-1' })]);
    expect(graph.resources.map((r) => [r.address, r.region])).toEqual([
      ['aws_s3_bucket.assets', 'eu-west-1'],
      ['module.db.aws_db_instance.main', 'eu-west-1'],
      ['module.db.aws_db_subnet_group.main', 'eu-west-1'],
      ['module.db.aws_kms_key.db', 'eu-west-1'],
      ['module.db.module.replica[0].aws_db_instance.replica', 'eu-central-1'],
    ]);
    expect(graph.get('plan/module.db.aws_db_instance.main')!.references).toEqual([
      'plan/module.db.aws_kms_key.db',
      'plan/module.db.aws_db_subnet_group.main',
    ]);
    // var.source_arn in the replica module is what module.db passes: its primary.
    expect(graph.get('plan/module.db.module.replica[0].aws_db_instance.replica')!.references).toEqual([
      'plan/module.db.aws_db_instance.main',
    ]);
  });

  test('GIVEN a state THEN its values are read, regions from ARNs and references from depends_on', () => {
    const graph = buildGraph(readInputs(fixture('plan', 'state.json')));
    expect(graph.stacks[0]).toMatchObject({ name: 'state', region: 'ap-southeast-2' });
    expect(graph.get('state/module.db.aws_db_instance.main')).toMatchObject({
      region: 'ap-southeast-2',
      references: ['state/module.db.aws_db_subnet_group.main', 'state/module.db.aws_kms_key.db'],
    });
    expect(graph.get('state/aws_iam_role.app')!.region).toBeUndefined();
    expect(findingsOf([fixture('plan', 'state.json')])).toEqual(
      expect.arrayContaining([
        'HA-BAK1 state/module.db.aws_db_instance.main',
        'HA-DB1 state/module.db.aws_db_instance.main',
      ]),
    );
  });

  test("GIVEN a provider key the configuration does not list THEN the root provider's region", () => {
    const resource = { mode: 'managed', type: 'aws_db_instance', name: 'x' };
    const plan = {
      format_version: '0.1',
      planned_values: {
        root_module: {
          child_modules: [
            { address: 'module.db', resources: [{ ...resource, address: 'module.db.aws_db_instance.x' }] },
          ],
        },
      },
      configuration: {
        provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'sa-east-1' } } } },
        root_module: {
          module_calls: {
            db: {
              module: { resources: [{ ...resource, address: 'aws_db_instance.x', provider_config_key: 'db:aws' }] },
            },
          },
        },
      },
    };
    const graph = buildGraph({ terraform: [{ name: 'p', json: plan }] });
    expect(graph.get('p/module.db.aws_db_instance.x')!.region).toBe('sa-east-1');
  });

  test('GIVEN another major format version, or a plan with no resource THEN exit 2, saying what was expected', () => {
    const json = { format_version: '2.0', planned_values: {} };
    expect(() => buildGraph({ terraform: [{ name: 'p', file: 'p.json', json }] })).toThrow(
      new HaInputError('p.json is terraform show -json format 2.0; ha-report reads formats 0.x and 1.x'),
    );
    const { code, stderr } = run([fixture('plan', 'empty-plan.json')]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `ha-report: ${fixture('plan', 'empty-plan.json')} declares nothing to check: ` +
        "expected a resource in planned_values (a state: values), in root_module.resources or a child module's\n",
    );
  });
});

describe('module blocks in Terraform JSON', () => {
  const LOCAL = fixture('local-module', 'main.tf.json');
  const REGISTRY = fixture('registry-module', 'main.tf.json');
  const PASS_A_PLAN = "pass terraform show -json of a plan instead, which holds every module's resources";

  test('GIVEN a module with a local source THEN its files are read as its resources, nested modules too', () => {
    const findings = findingsOf([LOCAL]);
    expect(findings).toEqual(
      expect.arrayContaining([
        'HA-DB1 main/module.db.aws_db_instance.main',
        'HA-BAK1 main/module.db.aws_db_instance.main',
        'HA-DEL1 main/module.db.aws_db_instance.main',
      ]),
    );
    // The nested replica module sets prevent_destroy, and a read replica is not a single-AZ primary.
    expect(findings).not.toContain('HA-DEL1 main/module.db.module.replica.aws_db_instance.replica');
    expect(findings).not.toContain('HA-DB1 main/module.db.module.replica.aws_db_instance.replica');
    const { stdout } = run([LOCAL]);
    expect(stdout).not.toContain('Not read');
  });

  test('GIVEN providers passed to modules THEN regions follow them; references follow inputs and outputs', () => {
    const inputs = readInputs(LOCAL);
    expect(inputs.unread).toEqual([]);
    const graph = buildGraph(inputs);
    expect(graph.resources.map((r) => [r.address, r.region, r.references])).toEqual([
      ['aws_cloudwatch_metric_alarm.db_cpu', 'us-west-2', ['main/module.db.aws_db_instance.main']],
      ['module.db.aws_db_subnet_group.main', 'us-west-2', []],
      ['module.db.aws_db_instance.main', 'us-west-2', ['main/module.db.aws_db_subnet_group.main']],
      ['module.db.module.replica.aws_db_instance.replica', 'us-east-2', ['main/module.db.aws_db_instance.main']],
    ]);
  });

  test('GIVEN registry and git modules THEN the rest is checked; every format lists them as not read', () => {
    const unread = [
      {
        stack: 'main',
        what: 'module.vpc (terraform-aws-modules/vpc/aws 5.13.0)',
        why: `a registry module is not fetched: ${PASS_A_PLAN}`,
      },
      {
        stack: 'main',
        what: 'module.rds (git::https://github.com/terraform-aws-modules/terraform-aws-rds.git?ref=v6.10.0)',
        why: `a remote module is not fetched: ${PASS_A_PLAN}`,
      },
    ];
    const json = run([REGISTRY, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).unread).toEqual(unread);
    expect(JSON.parse(json.stdout).findings).toContainEqual(
      expect.objectContaining({ rule: 'HA-DEL2', resource: 'aws_s3_bucket.uploads' }),
    );
    const text = run([REGISTRY]).stdout;
    expect(text).toContain(
      '\nNot read (2; nothing in them was checked):\n' +
        '  module.vpc (terraform-aws-modules/vpc/aws 5.13.0) in main: ' +
        `a registry module is not fetched: ${PASS_A_PLAN}\n`,
    );
    const markdown = run([REGISTRY, '--markdown']).stdout;
    expect(markdown).toContain(
      '### Not read (2, not checked)\n\n| stack | what | why |\n|---|---|---|\n' +
        '| main | module.vpc (terraform-aws-modules/vpc/aws 5.13.0) | ' +
        `a registry module is not fetched: ${PASS_A_PLAN} |\n`,
    );
  });

  test('GIVEN a module in HCL and a missing one THEN both listed as not read, and no plain "No findings"', () => {
    const { stdout } = run([fixture('hcl-module', 'main.tf.json'), '--fail-on', 'warning']);
    expect(stdout).toContain(
      '  module.network (./network) in main: main.tf in ./network is HCL, ' +
        `which ha-report does not read: convert it to .tf.json, or ${PASS_A_PLAN}\n`,
    );
    expect(stdout).toContain(
      '  module.queue (../queue-module-not-checked-out) in main: there is no directory ' +
        `../queue-module-not-checked-out beside the module that calls it: ${PASS_A_PLAN}\n`,
    );
  });

  test('GIVEN only a registry module THEN exit 2: nothing was checked, and the message says what was not read', () => {
    const file = fixture('registry-module', 'only-modules.tf.json');
    const { code, stdout, stderr } = run([file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `ha-report: ${file} declares nothing to check: expected a resource or data block ` +
        '(as objects, or arrays of objects, by type and name); not read: ' +
        `module.rds (terraform-aws-modules/rds/aws 6.10.0): a registry module is not fetched: ${PASS_A_PLAN}\n`,
    );
  });

  test('GIVEN nothing found in what was read THEN the report never says "No findings." as if all were read', () => {
    const unread = [{ stack: 's', what: 'module.x (a/b/c)', why: 'a registry module' }];
    const report = { services: [], findings: [], unread };
    expect(formatText(report, false)).toContain('No findings in what was read.\n');
    expect(formatText(report, false)).not.toContain('No findings.\n');
    expect(formatText({ services: [], findings: [] }, false)).toContain('No findings.\n');
  });

  test('GIVEN a plan THEN prevent_destroy, which it does not record, is reported not checked, resource by resource', () => {
    const report = JSON.parse(run([fixture('plan', 'plan.json'), '--json']).stdout);
    const why =
      'a plan or a state does not record lifecycle.prevent_destroy: run ha-report on the configuration (Terraform JSON) to check it';
    expect(report.unchecked).toEqual(
      expect.arrayContaining([
        { rule: 'HA-DEL1', stack: 'plan', resource: 'aws_s3_bucket.assets', why },
        { rule: 'HA-DEL1', stack: 'plan', resource: 'module.db.module.replica[0].aws_db_instance.replica', why },
      ]),
    );
    expect(report.findings.map((f: { rule: string; resource: string }) => `${f.rule} ${f.resource}`)).not.toContain(
      'HA-DEL1 aws_s3_bucket.assets',
    );
    expect(run([fixture('plan', 'plan.json')]).stdout).toContain('\nNot checked (');
  });
});

describe('a directory of templates', () => {
  const MIXED = fixture('mixed');
  const NOT_SYNTHESIZED =
    'is neither a CDK cloud assembly (no manifest.json with artifacts) ' +
    'nor a cdktf output (no stacks/*/cdk.tf.json)';

  test('GIVEN templates of every kind THEN each is read; the *.tf.json files as one configuration', () => {
    const findings = findingsOf([MIXED]);
    expect(findings).toEqual(
      expect.arrayContaining([
        'HA-DB1 orders/OrdersDb',
        'HA-DB1 reports-plan/module.reports.aws_db_instance.this',
        'HA-DEL1 mixed/aws_elasticache_replication_group.sessions',
        'HA-DEL1 web/Sessions',
      ]),
    );
    // scripts/ is not read: a directory of templates is read one level deep.
    expect(findings.filter((f) => f.includes('Ignored'))).toEqual([]);
    const graph = buildGraph(readInputs(MIXED));
    expect(graph.stacks.map((s) => [s.name, s.engine, s.region ?? null])).toEqual([
      ['orders', 'cloudformation', null],
      ['web', 'cloudformation', null],
      ['mixed', 'terraform', 'ca-central-1'],
      ['reports-plan', 'terraform', 'sa-east-1'],
    ]);
    // web.yaml, with a short-form !Sub, is read like a JSON template.
    const web = readInputs(MIXED).cloudFormation!.find((s) => s.name === 'web')!;
    expect(web.template).toMatchObject({
      Resources: { Sessions: { Properties: { TableName: { 'Fn::Sub': '${AWS::StackName}-sessions' } } } },
    });
    // The provider block is in providers.tf.json, the resource in cache.tf.json: one configuration.
    expect(graph.get('mixed/aws_elasticache_replication_group.sessions')!.region).toBe('ca-central-1');
  });

  test('GIVEN files of no known format in the directory THEN they are listed as not read, by name', () => {
    const { stdout } = run([MIXED]);
    expect(stdout).toContain(
      '  package.json in mixed: it is neither a CloudFormation template (no Resources) ' +
        'nor Terraform JSON (no resource, data or terraform block), nor terraform show -json output',
    );
    expect(stdout).not.toContain('NOTES.txt');
    const unread = JSON.parse(run([MIXED, '--json']).stdout).unread as { stack: string; what: string }[];
    expect(unread.map((u) => `${u.stack}: ${u.what}`)).toEqual(['mixed: package.json']);
  });

  test('GIVEN a directory with no template in it THEN exit 2, saying what was expected and what was not read', () => {
    const { code, stdout, stderr } = run([fixture('no-templates')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `ha-report: ${fixture('no-templates')} ${NOT_SYNTHESIZED}, nor a directory of templates ` +
        '(no *.json, *.yaml, *.yml or *.template file in it is a CloudFormation template, Terraform JSON or ' +
        'terraform show -json output); not read: tsconfig.json\n',
    );
  });

  test('GIVEN a template in the directory that cannot be parsed THEN exit 2 naming it, no report', () => {
    const { code, stdout, stderr } = run([fixture('broken-dir')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `ha-report: ${fixture('broken-dir')} ${NOT_SYNTHESIZED}, ` +
        'and as a directory of templates: ' +
        `${fixture('broken-dir', 'b-broken.template.json')} is not valid JSON: `,
    );
  });

  test('GIVEN the directory of a Terraform configuration with a local module THEN the module is followed', () => {
    expect(findingsOf([fixture('local-module')])).toContain('HA-DB1 local-module/module.db.aws_db_instance.main');
  });
});

describe('CloudFormation YAML with short-form intrinsic functions', () => {
  const TEMPLATE = fixture('yaml', 'web-db.yaml');

  test('GIVEN a hand-written YAML template THEN every short form is read as its JSON long form', () => {
    const [input] = readInputs(TEMPLATE).cloudFormation!;
    expect(input.name).toBe('web-db');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const template = input.template as Record<string, any>;
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(template.Conditions).toEqual({
      IsProd: { 'Fn::Equals': [{ Ref: 'Environment' }, 'prod'] },
      IsNotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] },
    });
    expect(template.Resources.Database.Properties).toMatchObject({
      DBInstanceClass: { 'Fn::FindInMap': ['SizeByEnvironment', { Ref: 'Environment' }, 'InstanceClass'] },
      MultiAZ: false,
      DBSubnetGroupName: { Ref: 'DatabaseSubnetGroup' },
      VPCSecurityGroups: [{ 'Fn::GetAtt': ['DatabaseSecurityGroup', 'GroupId'] }],
      AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      Tags: [{ Key: 'Name', Value: { 'Fn::Sub': ['${Stack}-db', { Stack: { Ref: 'AWS::StackName' } }] } }],
    });
    expect(template.Resources.DatabaseSecurityGroup.Properties.SecurityGroupIngress[0].SourceSecurityGroupId).toEqual({
      'Fn::GetAtt': ['LoadBalancerSecurityGroup', 'GroupId'],
    });
    expect(template.Resources.LoadBalancer.Properties.LoadBalancerAttributes[0].Value).toEqual({
      'Fn::If': ['IsProd', 'true', 'false'],
    });
    expect(template.Resources.LogBucket.Properties.BucketName).toEqual({
      'Fn::Join': ['-', [{ 'Fn::Select': [0, { 'Fn::Split': ['-', { Ref: 'AWS::StackName' }] }] }, 'logs']],
    });
    expect(template.Outputs.DatabaseEndpoint).toEqual({
      Value: { 'Fn::GetAtt': ['Database', 'Endpoint.Address'] },
      Export: { Name: { 'Fn::Sub': '${AWS::StackName}-DatabaseEndpoint' } },
    });
  });

  test('GIVEN the YAML template THEN its single-AZ database is found and references follow !Ref and !GetAtt', () => {
    expect(findingsOf([TEMPLATE])).toEqual(
      expect.arrayContaining([
        'HA-BAK1 web-db/Database',
        'HA-DB1 web-db/Database',
        'HA-DEL1 web-db/Database',
        'HA-DEL2 web-db/Database',
      ]),
    );
    const graph = buildGraph(readInputs(TEMPLATE));
    expect(graph.get('web-db/Database')!.references).toEqual([
      'web-db/DatabaseSubnetGroup',
      'web-db/DatabaseSecurityGroup',
    ]);
    expect(graph.get('web-db/DatabaseSecurityGroup')!.references).toEqual(['web-db/LoadBalancerSecurityGroup']);
  });

  test.each([
    ['!Base64 !Sub', 'A: !Base64 { "Fn::Sub": "echo ${X}" }', { 'Fn::Base64': { 'Fn::Sub': 'echo ${X}' } }],
    ['!Base64 scalar', 'A: !Base64 hello', { 'Fn::Base64': 'hello' }],
    ['!ImportValue', 'A: !ImportValue shared-vpc-id', { 'Fn::ImportValue': 'shared-vpc-id' }],
    [
      '!ImportValue of a !Sub',
      'A: !ImportValue { "Fn::Sub": "${Net}-vpc" }',
      { 'Fn::ImportValue': { 'Fn::Sub': '${Net}-vpc' } },
    ],
    ['!Cidr', 'A: !Cidr [!GetAtt Vpc.CidrBlock, 6, 5]', { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 6, 5] }],
    [
      '!And / !Or',
      'A: !And [!Condition P, !Or [!Condition Q, !Equals [a, b]]]',
      { 'Fn::And': [{ Condition: 'P' }, { 'Fn::Or': [{ Condition: 'Q' }, { 'Fn::Equals': ['a', 'b'] }] }] },
    ],
    [
      '!Transform',
      'A: !Transform { Name: AWS::Include, Parameters: { Location: s3://b/k } }',
      { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } },
    ],
    ['!GetAZs of a !Ref', 'A: !GetAZs { Ref: "AWS::Region" }', { 'Fn::GetAZs': { Ref: 'AWS::Region' } }],
    ['!GetAtt without attribute dots', 'A: !GetAtt Queue.Arn', { 'Fn::GetAtt': ['Queue', 'Arn'] }],
  ])('GIVEN %s THEN its long form', (_, yaml, expected) => {
    expect(parseCloudFormationYaml(yaml, 't.yaml')).toEqual({ A: expected });
  });

  test.each([
    [
      'an unknown tag',
      fixture('yaml', 'unknown-tag.yaml'),
      ': !Concat at line 6, column 18 is not a CloudFormation short form; allowed: !Ref, !Condition, !GetAtt, ' +
        '!Sub, !Base64, !GetAZs, !ImportValue, !Join, !Select, !Split, !If, !Equals, !Not, !And, !Or, !FindInMap, ' +
        '!Cidr, !Transform\n',
    ],
    [
      'YAML that is not a template',
      fixture('yaml', 'not-a-template.yml'),
      ' is neither a CloudFormation template (no Resources) nor Terraform JSON',
    ],
  ])('GIVEN %s THEN exit 2 naming the file and what is allowed', (_, file, message) => {
    const { code, stdout, stderr } = run([file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`ha-report: ${file}${message}`);
  });

  test.each([
    ['A: !Ref [a, b]', 't.yaml: !Ref at line 1, column 4: !Ref takes a scalar'],
    ['A: !Join x', 't.yaml: !Join at line 1, column 4: !Join takes a list'],
    [
      'A: [1, 2',
      't.yaml is not valid YAML: ' +
        'Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 9',
    ],
    ['A: 1\nA: 2', 't.yaml is not valid YAML: Map keys must be unique at line 2, column 1'],
    ['A: 1\n---\nB: 2', 't.yaml is not valid YAML: it holds more than one YAML document; a template is one'],
  ])('GIVEN %j THEN an input error', (yaml, message) => {
    expect(() => parseCloudFormationYaml(yaml, 't.yaml')).toThrow(new HaInputError(message));
  });
});
