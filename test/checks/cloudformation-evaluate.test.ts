import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkInputs, main } from '../../lib/checks';
import { buildGraph } from '../../lib/checks/graph/load';

/** A hand-written template's pieces: what a team without CDK writes. */
const PARAMETERS = {
  MaxParam: { Type: 'Number', Default: 6 },
  MultiAZ: { Type: 'String', Default: 'true', AllowedValues: ['true', 'false'] },
  Environment: { Type: 'String', Default: 'prod' },
  Subnets: { Type: 'List<AWS::EC2::Subnet::Id>', Default: 'subnet-a,subnet-b' },
  InstanceType: { Type: 'String' },
  ImageId: {
    Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
    Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  },
};
const MAPPINGS = { Sizes: { prod: { Min: '3', Retention: 14 }, dev: { Min: '1', Retention: 1 } } };
const CONDITIONS = {
  IsProd: { 'Fn::Equals': [{ Ref: 'Environment' }, 'prod'] },
  InPrimaryRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
  ProdInPrimary: { 'Fn::And': [{ Condition: 'IsProd' }, { Condition: 'InPrimaryRegion' }] },
  Unknowable: { 'Fn::Equals': [{ Ref: 'InstanceType' }, 'm7g.large'] },
};
const RESOURCES = {
  Group: {
    Type: 'AWS::AutoScaling::AutoScalingGroup',
    Properties: {
      MinSize: { 'Fn::FindInMap': ['Sizes', { Ref: 'Environment' }, 'Min'] },
      MaxSize: { Ref: 'MaxParam' },
      VPCZoneIdentifier: { Ref: 'Subnets' },
      LaunchTemplate: {
        LaunchTemplateId: { Ref: 'Template' },
        Version: { 'Fn::GetAtt': ['Template', 'LatestVersionNumber'] },
      },
      HealthCheckGracePeriod: { 'Fn::If': ['IsProd', 300, { Ref: 'AWS::NoValue' }] },
      Tags: [
        { Key: 'Name', Value: { 'Fn::Sub': '${AWS::StackName}-${Environment}-${!Literal}' }, PropagateAtLaunch: true },
      ],
    },
  },
  Template: {
    Type: 'AWS::EC2::LaunchTemplate',
    Properties: { LaunchTemplateData: { ImageId: { Ref: 'ImageId' }, InstanceType: { Ref: 'InstanceType' } } },
  },
  Database: {
    Type: 'AWS::RDS::DBInstance',
    Properties: {
      MultiAZ: { Ref: 'MultiAZ' },
      BackupRetentionPeriod: { 'Fn::FindInMap': ['Sizes', { Ref: 'Environment' }, 'Retention'] },
    },
  },
  PrimaryOnlyQueue: { Type: 'AWS::SQS::Queue', Condition: 'ProdInPrimary', Properties: {} },
  MaybeQueue: {
    Type: 'AWS::SQS::Queue',
    Condition: 'Unknowable',
    Properties: { DelaySeconds: { 'Fn::If': ['Unknowable', 5, 0] } },
  },
};
const TEMPLATE = {
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: PARAMETERS,
  Mappings: MAPPINGS,
  Conditions: CONDITIONS,
  Resources: RESOURCES,
};

function read(region: string | undefined, parameters?: Record<string, string>) {
  const graph = buildGraph({ cloudFormation: [{ name: 'web', template: TEMPLATE, region, parameters }] });
  const props = (id: string) => graph.get(`web/${id}`)?.properties;
  return { graph, props };
}

describe('CloudFormation parameters, mappings and conditions', () => {
  test('GIVEN defaults THEN Ref, Fn::FindInMap, Fn::If and Fn::Sub read as CloudFormation would create them', () => {
    const { props } = read('us-east-1');
    expect(props('Group')).toMatchObject({
      MinSize: '3',
      MaxSize: '6',
      VPCZoneIdentifier: ['subnet-a', 'subnet-b'],
      HealthCheckGracePeriod: 300,
      Tags: [{ Key: 'Name', Value: 'web-prod-${Literal}' }],
    });
    expect(props('Database')).toEqual({ MultiAZ: 'true', BackupRetentionPeriod: 14 });
  });

  test('GIVEN --parameters THEN they win over the defaults, and Fn::If takes the other branch (AWS::NoValue drops it)', () => {
    const { props } = read('us-east-1', { Environment: 'dev', MultiAZ: 'false', MaxParam: '2' });
    expect(props('Group')).toMatchObject({ MinSize: '1', MaxSize: '2' });
    expect(props('Group')).not.toHaveProperty('HealthCheckGracePeriod');
    expect(props('Database')).toEqual({ MultiAZ: 'false', BackupRetentionPeriod: 1 });
  });

  test('GIVEN a region THEN a resource its Condition excludes there is not read; an undecidable Condition keeps it', () => {
    expect(read('us-east-1').props('PrimaryOnlyQueue')).toEqual({});
    expect(read('us-west-2').props('PrimaryOnlyQueue')).toBeUndefined();
    // Environment=dev decides the And alone, whatever the region.
    expect(
      buildGraph({ cloudFormation: [{ name: 'web', template: TEMPLATE, parameters: { Environment: 'dev' } }] }).get(
        'web/PrimaryOnlyQueue',
      ),
    ).toBeUndefined();
    expect(read(undefined).props('PrimaryOnlyQueue')).toEqual({});
    expect(read('us-west-2').props('MaybeQueue')).toEqual({ DelaySeconds: { 'Fn::If': ['Unknowable', 5, 0] } });
  });

  test('GIVEN what the template cannot know THEN it stays the intrinsic it was: no parameter value, SSM, resource attributes', () => {
    const { props } = read('us-east-1');
    expect(props('Template')).toEqual({
      LaunchTemplateData: { ImageId: { Ref: 'ImageId' }, InstanceType: { Ref: 'InstanceType' } },
    });
    expect(props('Group')?.LaunchTemplate).toEqual({
      LaunchTemplateId: { Ref: 'Template' },
      Version: { 'Fn::GetAtt': ['Template', 'LatestVersionNumber'] },
    });
  });

  test('GIVEN AWS::Region as a parameter THEN a template with no stack region gets it', () => {
    const { graph } = read(undefined, { 'AWS::Region': 'us-west-2' });
    expect(graph.get('web/Group')?.region).toBe('us-west-2');
    expect(graph.get('web/PrimaryOnlyQueue')).toBeUndefined();
  });

  test('GIVEN the defaults THEN the rules see a maximum of 6 and a Multi-AZ database, not "no literal maximum" or "single-AZ"', () => {
    const report = checkInputs({ cloudFormation: [{ name: 'web', template: TEMPLATE, region: 'us-east-1' }] });
    const rules = report.findings.map((f) => `${f.rule} ${f.resource}`);
    expect(rules).not.toContain('HA-SCL1 Group');
    expect(rules).not.toContain('HA-DB1 Database');
    const single = checkInputs({
      cloudFormation: [{ name: 'web', template: TEMPLATE, region: 'us-east-1', parameters: { MultiAZ: 'false' } }],
    });
    expect(single.findings.map((f) => `${f.rule} ${f.resource}`)).toContain('HA-DB1 Database');
  });
});

describe('ha-report --parameters', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-parameters-'));
  const template = path.join(dir, 'web.json');
  fs.writeFileSync(template, JSON.stringify(TEMPLATE));

  function report(...argv: string[]): { code: number; stdout: string; stderr: string } {
    let stdout = '';
    let stderr = '';
    const code = main([...argv, '--json'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      isTty: false,
    });
    return { code, stdout, stderr };
  }
  const findings = (...argv: string[]) =>
    (JSON.parse(report(...argv).stdout).findings as { rule: string; resource: string }[]).map(
      (f) => `${f.rule} ${f.resource}`,
    );

  test('GIVEN Key=Value pairs THEN they replace the defaults', () => {
    expect(findings(template)).not.toContain('HA-DB1 Database');
    expect(findings(template, '--parameters', 'MultiAZ=false,Environment=dev')).toContain('HA-DB1 Database');
    expect(findings(template, '--parameters=MultiAZ=false')).toContain('HA-DB1 Database');
  });

  test.each([
    ['a map', { MultiAZ: 'false' }],
    ["the AWS CLI's list", [{ ParameterKey: 'MultiAZ', ParameterValue: 'false' }]],
    ['a CodePipeline template configuration', { Parameters: { MultiAZ: 'false' } }],
  ])('GIVEN a JSON file holding %s THEN its values are used', (_, content) => {
    const file = path.join(dir, 'parameters.json');
    fs.writeFileSync(file, JSON.stringify(content));
    expect(findings(template, '--parameters', file)).toContain('HA-DB1 Database');
  });

  test.each([
    ['=false', '--parameters takes Key=Value pairs separated by commas, or a JSON file; got "=false"'],
    ['missing.json', '--parameters missing.json is neither Key=Value pairs nor a readable JSON file'],
  ])('GIVEN --parameters %s THEN it exits 2 saying what it takes', (value, message) => {
    const result = report(template, '--parameters', value);
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(2);
  });
});
