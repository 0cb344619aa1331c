import {
  ASSET_HASH,
  formatHaView,
  HA_PROPERTIES,
  haSnapshot,
  haView,
  normaliseTemplate,
  replaceAssetHashes,
  sortKeys,
} from '../../lib/testing';

// Templates are read at any depth here: typing each path would only restate it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const HASH = 'a'.repeat(38) + '0123456789abcdef0123456789';
const RECORD = {
  version: 2,
  service: 'orders',
  tier: 'TIER_1',
  strategy: 'WARM_STANDBY',
  role: 'primary',
  failureDomain: 'region',
  component: 'ReplicatedDatabase',
};

/** A template as aws-cdk-lib writes one: an asset, CDK metadata, the bootstrap check, one database and one role. */
function cloudFormation() {
  return {
    Description: 'a stack',
    Metadata: { 'ha-constructs:acknowledged': { 'HA-RES2': 'the standby grows on failover' } },
    Parameters: {
      BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
      Subnet: { Type: 'String' },
    },
    Rules: {
      CheckBootstrapVersion: {
        Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Contains': [['1'], { Ref: 'BootstrapVersion' }] }] } }],
      },
    },
    Conditions: { CDKMetadataAvailable: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } },
    Resources: {
      Cluster: {
        Type: 'AWS::RDS::DBCluster',
        Properties: {
          Engine: 'aurora-postgresql',
          Port: 5432,
          DeletionProtection: true,
          KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] },
          Tags: [{ Key: 'ha:service', Value: 'orders' }],
          BackupRetentionPeriod: 35,
        },
        DeletionPolicy: 'Snapshot',
        UpdateReplacePolicy: 'Snapshot',
        DependsOn: ['Role'],
        Metadata: { 'aws:cdk:path': 'Stack/Cluster/Resource', 'ha-constructs': RECORD },
      },
      Handler: {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: 'cdk-assets', S3Key: `${HASH}.zip` }, Runtime: 'nodejs22.x' },
        Metadata: {
          'aws:cdk:path': 'Stack/Handler/Resource',
          'aws:asset:path': `asset.${HASH}`,
          'aws:asset:property': 'Code',
        },
      },
      Alarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmDescription: 'lag',
          MetricName: 'AuroraGlobalDBReplicationLag',
          Threshold: 60000,
          Period: 60,
          EvaluationPeriods: 3,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [{ Ref: 'Topic' }],
        },
        Metadata: {
          'ha-constructs': { ...RECORD, role: 'replica' },
          'ha-constructs:acknowledged': { 'HA-OBS1': 'a reason' },
        },
      },
      Balancer: {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Properties: {
          Scheme: 'internet-facing',
          Subnets: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }],
          LoadBalancerAttributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }],
          SecurityGroups: [{ 'Fn::GetAtt': ['Group', 'GroupId'] }],
        },
        Metadata: { 'ha-constructs': RECORD },
      },
      CDKMetadata: {
        Type: 'AWS::CDK::Metadata',
        Properties: { Analytics: 'v2:deflate64:H4sIAAAAAAAA' },
        Metadata: { 'aws:cdk:path': 'Stack/CDKMetadata/Default' },
        Condition: 'CDKMetadataAvailable',
      },
    },
  };
}

/** A Terraform document as cdktf writes one (`stack.toTerraform()`): cdktf metadata in the `//` blocks. */
function terraform() {
  return {
    '//': {
      metadata: { backend: 'local', stackName: 'tf', version: '0.21.0' },
      'ha-constructs:acknowledged': { 'HA-RES1': 'by hand' },
    },
    provider: {
      aws: [
        { region: 'us-east-1', default_tags: [{ tags: { team: 'x' } }] },
        { alias: 'standby', region: 'us-west-2' },
      ],
    },
    terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
    resource: {
      aws_rds_cluster: {
        Database_1B138CD9: {
          '//': { metadata: { path: 'tf/Database', uniqueId: 'Database_1B138CD9' }, 'ha-constructs': RECORD },
          provider: 'aws.standby',
          lifecycle: { prevent_destroy: true },
          engine: 'aurora-postgresql',
          deletion_protection: true,
          master_password_wo: '${var.password}',
          tags: { 'ha:service': 'orders' },
        },
      },
      aws_iam_role: { Role_1: { '//': { 'ha-constructs': RECORD }, assume_role_policy: '{}' } },
    },
  };
}

describe('normaliseTemplate', () => {
  test('replaces asset hashes, keeping the extension', () => {
    const normalised = normaliseTemplate(cloudFormation());
    expect(normalised.Resources.Handler.Properties.Code.S3Key).toBe(`${ASSET_HASH}.zip`);
    expect(JSON.stringify(normalised)).not.toContain(HASH);
    expect(replaceAssetHashes({ key: `assets/${HASH}.json`, short: 'abc123' })).toEqual({
      key: `assets/${ASSET_HASH}.json`,
      short: 'abc123',
    });
  });

  test('drops CDKMetadata, the bootstrap check, construct paths and asset metadata; keeps the rest', () => {
    const normalised = normaliseTemplate(cloudFormation()) as ReturnType<typeof cloudFormation> & {
      Rules?: unknown;
      Conditions?: unknown;
    };
    expect(Object.keys(normalised.Resources)).toEqual(['Alarm', 'Balancer', 'Cluster', 'Handler']);
    expect(normalised.Parameters).toEqual({ Subnet: { Type: 'String' } });
    expect(normalised.Rules).toBeUndefined();
    expect(normalised.Conditions).toBeUndefined();
    expect(normalised.Resources.Cluster.Metadata).toEqual({ 'ha-constructs': RECORD });
    expect(normalised.Resources.Handler).not.toHaveProperty('Metadata');
    expect(normalised.Resources.Cluster.DependsOn).toEqual(['Role']);
    expect(normalised.Metadata).toEqual(cloudFormation().Metadata);
  });

  test('sorts keys at every level and keeps the order of lists', () => {
    const normalised = normaliseTemplate(cloudFormation());
    expect(Object.keys(normalised)).toEqual(['Description', 'Metadata', 'Parameters', 'Resources']);
    expect(Object.keys(normalised.Resources.Cluster.Properties)).toEqual([
      'BackupRetentionPeriod',
      'DeletionProtection',
      'Engine',
      'KmsKeyId',
      'Port',
      'Tags',
    ]);
    expect(normalised.Resources.Balancer.Properties.Subnets).toEqual([{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }]);
    expect(sortKeys({ b: [{ d: 1, c: 2 }], a: 0 })).toEqual({ a: 0, b: [{ c: 2, d: 1 }] });
    expect(JSON.stringify(sortKeys({ b: [{ d: 1, c: 2 }], a: 0 }))).toBe('{"a":0,"b":[{"c":2,"d":1}]}');
  });

  test('drops cdktf metadata from the document and each resource; keeps HA records, acknowledgements and provider versions', () => {
    const normalised = normaliseTemplate(terraform()) as Json;
    expect(normalised['//']).toEqual({ 'ha-constructs:acknowledged': { 'HA-RES1': 'by hand' } });
    expect(normalised.resource.aws_rds_cluster.Database_1B138CD9['//']).toEqual({ 'ha-constructs': RECORD });
    expect(normalised.terraform).toEqual(terraform().terraform);
  });

  test('does not change its argument', () => {
    const template = cloudFormation();
    normaliseTemplate(template);
    expect(template).toEqual(cloudFormation());
  });
});

describe('haView', () => {
  test('keeps per resource its type, HA record, policies and exactly the listed properties', () => {
    const view = haView(cloudFormation());
    expect(view).toEqual({
      haEntries: { 'ha-constructs:acknowledged': { 'HA-RES2': 'the standby grows on failover' } },
      resources: {
        Alarm: {
          type: 'AWS::CloudWatch::Alarm',
          ha: { ...RECORD, role: 'replica' },
          haEntries: { 'ha-constructs:acknowledged': { 'HA-OBS1': 'a reason' } },
          properties: {
            MetricName: 'AuroraGlobalDBReplicationLag',
            ComparisonOperator: 'GreaterThanThreshold',
            Threshold: 60000,
            Period: 60,
            EvaluationPeriods: 3,
            AlarmActions: [{ Ref: 'Topic' }],
          },
        },
        Balancer: {
          type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          ha: RECORD,
          properties: {
            Scheme: 'internet-facing',
            Subnets: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }],
            LoadBalancerAttributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }],
          },
        },
        Cluster: {
          type: 'AWS::RDS::DBCluster',
          ha: RECORD,
          attributes: { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' },
          properties: {
            Engine: 'aurora-postgresql',
            BackupRetentionPeriod: 35,
            DeletionProtection: true,
            KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] },
          },
        },
        // Not in the table: type (and HA record) only.
        Handler: { type: 'AWS::Lambda::Function' },
      },
    });
    for (const resource of Object.values(view.resources)) {
      expect(Object.keys(resource.properties ?? {}).every((key) => HA_PROPERTIES[resource.type].includes(key))).toBe(
        true,
      );
    }
  });

  test('selects nested paths, in each element of a list, keeping the indexes of the others', () => {
    const template = {
      Resources: {
        Table: {
          Type: 'AWS::DynamoDB::GlobalTable',
          Properties: {
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            Replicas: [
              { Region: 'us-east-1', TableClass: 'STANDARD' },
              { Region: 'us-west-2', DeletionProtectionEnabled: true },
            ],
          },
        },
        Alarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            Metrics: [
              { Id: 'm0', MetricStat: { Period: 60, Stat: 'Sum' } },
              { Id: 'e1', Expression: 'm0 * 2' },
            ],
          },
        },
      },
    };
    expect(haView(template).resources).toEqual({
      Alarm: {
        type: 'AWS::CloudWatch::Alarm',
        properties: { Metrics: [{ MetricStat: { Period: 60 } }, { Expression: 'm0 * 2' }] },
      },
      Table: {
        type: 'AWS::DynamoDB::GlobalTable',
        properties: { Replicas: [{ Region: 'us-east-1' }, { Region: 'us-west-2', DeletionProtectionEnabled: true }] },
      },
    });
  });

  test("reads Terraform: the // block's record, provider and lifecycle, the providers' regions", () => {
    expect(haView(terraform())).toEqual({
      haEntries: { 'ha-constructs:acknowledged': { 'HA-RES1': 'by hand' } },
      providers: { aws: { region: 'us-east-1' }, 'aws.standby': { region: 'us-west-2' } },
      resources: {
        'aws_iam_role.Role_1': { type: 'aws_iam_role', ha: RECORD },
        'aws_rds_cluster.Database_1B138CD9': {
          type: 'aws_rds_cluster',
          ha: RECORD,
          attributes: { provider: 'aws.standby', lifecycle: { prevent_destroy: true } },
          properties: { engine: 'aurora-postgresql', deletion_protection: true },
        },
      },
    });
  });

  test("every table entry is a known engine's type with distinct, non-empty paths", () => {
    for (const [type, paths] of Object.entries(HA_PROPERTIES)) {
      expect(type).toMatch(/^(AWS::\w+::\w+|aws_\w+|google_\w+)$/);
      expect(paths.length).toBeGreaterThan(0);
      expect(new Set(paths).size).toBe(paths.length);
    }
  });
});

describe('haSnapshot', () => {
  test("prints one line per fact, the records' shared fields once, references as !Ref and !GetAtt", () => {
    expect(haSnapshot(cloudFormation())).toBe(
      [
        'every record: version=2 service=orders tier=TIER_1 strategy=WARM_STANDBY',
        'ha-constructs:acknowledged.HA-RES2: "the standby grows on failover"',
        'Alarm AWS::CloudWatch::Alarm',
        '  ha: role=replica failureDomain=region component=ReplicatedDatabase',
        '  ha-constructs:acknowledged.HA-OBS1: "a reason"',
        '  MetricName: "AuroraGlobalDBReplicationLag"',
        '  ComparisonOperator: "GreaterThanThreshold"',
        '  Threshold: 60000',
        '  Period: 60',
        '  EvaluationPeriods: 3',
        '  AlarmActions: [!Ref Topic]',
        'Balancer AWS::ElasticLoadBalancingV2::LoadBalancer',
        '  ha: role=primary failureDomain=region component=ReplicatedDatabase',
        '  Scheme: "internet-facing"',
        '  Subnets: [!Ref SubnetA, !Ref SubnetB]',
        '  LoadBalancerAttributes[deletion_protection.enabled]: "true"',
        'Handler AWS::Lambda::Function',
        'Cluster AWS::RDS::DBCluster',
        '  ha: role=primary failureDomain=region component=ReplicatedDatabase',
        '  DeletionPolicy: "Snapshot"',
        '  UpdateReplacePolicy: "Snapshot"',
        '  Engine: "aurora-postgresql"',
        '  BackupRetentionPeriod: 35',
        '  DeletionProtection: true',
        '  KmsKeyId: !GetAtt Key.Arn',
        '',
      ].join('\n'),
    );
  });

  test('prints Terraform addresses alone, the providers, and other intrinsics in short form', () => {
    expect(haSnapshot(terraform())).toBe(
      [
        'every record: version=2 service=orders tier=TIER_1 strategy=WARM_STANDBY',
        'ha-constructs:acknowledged.HA-RES1: "by hand"',
        'provider aws: {"region": "us-east-1"}',
        'provider aws.standby: {"region": "us-west-2"}',
        'aws_iam_role.Role_1',
        '  ha: role=primary failureDomain=region component=ReplicatedDatabase',
        'aws_rds_cluster.Database_1B138CD9',
        '  ha: role=primary failureDomain=region component=ReplicatedDatabase',
        '  provider: "aws.standby"',
        '  lifecycle.prevent_destroy: true',
        '  engine: "aurora-postgresql"',
        '  deletion_protection: true',
        '',
      ].join('\n'),
    );
    expect(
      formatHaView({
        resources: {
          Name: {
            type: 'AWS::S3::Bucket',
            properties: { BucketName: { 'Fn::Join': ['-', ['logs', { Ref: 'AWS::AccountId' }]] } },
          },
        },
      }),
    ).toBe('Name AWS::S3::Bucket\n  BucketName: !Join ["-", ["logs", !Ref AWS::AccountId]]\n');
  });

  test('prints each record in full when the records differ in service, tier or strategy', () => {
    const template = cloudFormation();
    template.Resources.Alarm.Metadata['ha-constructs'] = { ...RECORD, role: 'replica', service: 'payments' };
    const snapshot = haSnapshot(template);
    expect(snapshot.split('\n')[0]).toBe('every record: version=2 tier=TIER_1 strategy=WARM_STANDBY');
    expect(snapshot).toContain(
      '  ha: service=payments role=replica failureDomain=region component=ReplicatedDatabase\n',
    );
  });
});
