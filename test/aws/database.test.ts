import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DrStrategy, HA_METADATA_KEY, MultiAzNetwork, ServiceTier } from '../../lib';
import { ReplicatedDatabase, ReplicatedDatabaseProps } from '../../lib/aws/database';
import { haSnapshot } from '../../lib/testing/snapshot';
import { ALARM_TOPIC_STATEMENTS, expectValidationError, testApp } from '../util';

const US_EAST_1 = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/**
 * TIER_0's zone objectives in one region: what a ReplicatedDatabase on its own may serve (a
 * multi-region tier needs GlobalDatabase, and the construct refuses one).
 */
const REGIONAL = ServiceTier.custom({
  name: 'REGIONAL',
  strategy: DrStrategy.BACKUP_RESTORE,
  availabilityTarget: 0.9995,
  minAzs: 3,
  minRegions: 1,
  azRtoSeconds: 30,
  azRpoSeconds: 0,
  regionRtoSeconds: 86400,
  regionRpoSeconds: 60,
  staticallyStable: true,
});

function build(props: Partial<ReplicatedDatabaseProps> = {}, zones = US_EAST_1) {
  const stack = new Stack(testApp(), 'Data', { env: { region: 'us-east-1' } });
  const tier = props.tier ?? REGIONAL;
  const db = new ReplicatedDatabase(stack, 'Db', { tier, service: 'orders', vpc: testVpc(stack, zones), ...props });
  return { stack, db };
}

/** A VPC with private and isolated subnets in `zones` (the database's own tests need no more of a network). */
function testVpc(stack: Stack, zones: string[]): ec2.IVpc {
  return new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: zones,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

function synth(props: Partial<ReplicatedDatabaseProps> = {}, zones = US_EAST_1) {
  const { stack, db } = build(props, zones);
  return { stack, db, template: Template.fromStack(stack) };
}

function instances(template: Template): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::RDS::DBInstance')).map((r) => r.Properties);
}

describe('ReplicatedDatabase', () => {
  // The default REGIONAL database, synthesized once for the tests that only read it.
  let regional: ReturnType<typeof synth>;
  beforeAll(() => {
    regional = synth();
  });

  test('GIVEN three zones THEN a writer and two readers run in three distinct zones', () => {
    const { template, db } = regional;
    expect(db.readerCount).toBe(2);
    const all = instances(template);
    expect(all.map((i) => i.AvailabilityZone)).toEqual(US_EAST_1);
    // The writer first back after a failover, every reader equally preferred (Aurora then promotes the largest).
    expect(all.map((i) => i.PromotionTier)).toEqual([0, 1, 1]);
    for (const instance of all) {
      expect(instance).toMatchObject({
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-postgresql',
        PubliclyAccessible: false,
      });
    }
  });

  test('GIVEN TIER_3 on two zones THEN a writer and one reader in the other zone, and no proxy', () => {
    const { template, db } = synth({ tier: ServiceTier.TIER_3 }, ['us-east-1a', 'us-east-1b']);
    expect(instances(template).map((i) => i.AvailabilityZone)).toEqual(['us-east-1a', 'us-east-1b']);
    expect(db.proxy).toBeUndefined();
    template.resourceCountIs('AWS::RDS::DBProxy', 0);
  });

  test('GIVEN a tier THEN automated backups are kept its backup retention', () => {
    regional.template.hasResourceProperties('AWS::RDS::DBCluster', { BackupRetentionPeriod: 35 });
    synth({ tier: ServiceTier.TIER_3 }, ['us-east-1a', 'us-east-1b']).template.hasResourceProperties(
      'AWS::RDS::DBCluster',
      { BackupRetentionPeriod: 7 },
    );
  });

  test('THEN storage is encrypted with the CMK, deletion is protected, and delete or replace takes a snapshot', () => {
    const { template } = regional;
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: {
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbKey'), 'Arn'] },
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        EnableIAMDatabaseAuthentication: true,
        EnableCloudwatchLogsExports: ['postgresql'],
        PerformanceInsightsEnabled: true,
        PerformanceInsightsKmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbKey'), 'Arn'] },
        Engine: 'aurora-postgresql',
        EngineVersion: '16.8',
      },
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  test('THEN the cluster, and only the cluster, is tagged for the BackupPolicy of its stack', () => {
    const { template } = regional;
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Tags: Match.arrayWith([{ Key: 'ha:backup', Value: 'true' }]),
    });
    for (const instance of instances(template)) {
      expect(instance.Tags).not.toContainEqual({ Key: 'ha:backup', Value: 'true' });
    }
  });

  test('THEN the cluster parameter group forces TLS', () => {
    const { template } = regional;
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Family: 'aurora-postgresql16',
      Parameters: { 'rds.force_ssl': '1' },
    });
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      DBClusterParameterGroupName: { Ref: Match.stringLikeRegexp('^DbParameterGroup') },
    });
  });

  test('THEN the PostgreSQL log goes to a log group created first, encrypted with the CMK, with the tier retention, retained', () => {
    const { template } = synth({ clusterIdentifier: 'orders-db' });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: '/aws/rds/cluster/orders-db/postgresql',
        RetentionInDays: 365,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbKey'), 'Arn'] },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: { DBClusterIdentifier: 'orders-db' },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^DbLogs')]),
    });
    template.resourceCountIs('Custom::LogRetention', 0);
  });

  test('THEN the master credentials live in an EncryptedSecret with hosted rotation from the private subnets, after the instances exist', () => {
    const { template } = regional;
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      MasterUsername: {
        'Fn::Join': [
          '',
          [
            '{{resolve:secretsmanager:',
            { Ref: Match.stringLikeRegexp('^DbCredentials') },
            ':SecretString:username::}}',
          ],
        ],
      },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbCredentialsKey'), 'Arn'] },
      GenerateSecretString: { SecretStringTemplate: '{"username":"postgres"}', GenerateStringKey: 'password' },
    });
    const [schedule] = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule'));
    expect(schedule.Properties.HostedRotationLambda).toMatchObject({ RotationType: 'PostgreSQLSingleUser' });
    expect(JSON.stringify(schedule.Properties.HostedRotationLambda.VpcSubnetIds)).toContain('PrivateSubnet');
    expect(schedule.DependsOn).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DbClusterWriter/),
        expect.stringMatching(/^DbClusterReader1/),
        expect.stringMatching(/^DbClusterReader2/),
        expect.stringMatching(/^DbCredentialsAttachment/),
      ]),
    );
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432,
      ToPort: 5432,
      SourceSecurityGroupId: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^DbCredentialsRotationScheduleSecurityGroup'), 'GroupId'],
      },
    });
  });

  test('GIVEN a statically stable tier THEN an RDS Proxy requires TLS and IAM authentication, and clients connect through it', () => {
    const { template, db } = regional;
    // End-to-end IAM: the proxy logs in as the user the client names, not only as the master user of the secret.
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      RequireTLS: true,
      EngineFamily: 'POSTGRESQL',
      DefaultAuthScheme: 'IAM_AUTH',
      Auth: [Match.objectLike({ IAMAuth: 'REQUIRED' })],
    });
    expect(db.proxy).toBeDefined();
    expect(db.connections.securityGroups).toEqual(db.proxy!.connections.securityGroups);
    expect(db.endpoint).toBe(db.proxy!.endpoint);
  });

  test('THEN read-only queries go through a read-only proxy endpoint spread over the readers', () => {
    const { template, db, stack } = regional;
    template.hasResourceProperties('AWS::RDS::DBProxyEndpoint', {
      DBProxyName: { Ref: Match.stringLikeRegexp('^DbProxy') },
      TargetRole: 'READ_ONLY',
      DBProxyEndpointName: Match.stringLikeRegexp('^[a-z][a-z0-9-]*-ro$'),
      VpcSecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^DbProxyProxySecurityGroup'), 'GroupId'] }],
    });
    expect(stack.resolve(db.readerEndpoint)).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^DbProxyReaderEndpoint/), 'Endpoint'],
    });
  });

  test('WHEN proxy is false THEN clients connect to the cluster on port 5432', () => {
    const { template, db } = synth({ proxy: false });
    template.resourceCountIs('AWS::RDS::DBProxy', 0);
    expect(db.connections.securityGroups).toEqual(db.cluster.connections.securityGroups);
    expect(db.connections.defaultPort?.toString()).toBe('5432');
    template.resourceCountIs('AWS::RDS::DBProxyEndpoint', 0);
    expect(Stack.of(db).resolve(db.readerEndpoint)).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^DbCluster/), 'ReadEndpoint.Address'],
    });
  });

  test('THEN connection alarms fire at 80% of the instance class limit and proxy borrow latency at 100 ms, all notifying the topic', () => {
    const { template, db } = regional;
    expect(db.maxConnections).toBe(1679);
    for (const role of ['WRITER', 'READER']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'DatabaseConnections',
        Namespace: 'AWS/RDS',
        Threshold: 1343,
        Statistic: 'Maximum',
        Dimensions: Match.arrayWith([{ Name: 'Role', Value: role }]),
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DatabaseConnectionsBorrowLatency',
      Threshold: 100000,
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^DbAlarmTopic/) }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^DbAlarmTopic/) }]);
    }
  });

  test('WHEN maxConnections is set and there are no readers THEN only the writer and proxy alarms exist, at 80% of it', () => {
    const { template } = synth({ maxConnections: 500, readers: 0 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DatabaseConnections', Threshold: 400 });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });

  test('WHEN readers is 0 on three zones THEN a warning with a stable id says failover waits for a new instance', () => {
    const { stack } = synth({ readers: 0 });
    Annotations.fromStack(stack).hasWarning(
      '/Data/Db',
      Match.stringLikeRegexp(
        '^readers is 0, fewer than one per further zone \\(2\\) for REGIONAL: .*ha-constructs:ReplicatedDatabase.readers',
      ),
    );
  });

  test.each(['TIER_0', 'TIER_1', 'TIER_2'])(
    'GIVEN %s, a multi-region tier, THEN it is a ValidationError naming GlobalDatabase',
    (name) => {
      const tier = ServiceTier.fromName(name);
      expectValidationError(
        () => synth({ tier }),
        `tier ${name} keeps the data in 2 regions (${tier.strategy}), but a ReplicatedDatabase is ` +
          "one region's cluster: use GlobalDatabase, which builds this cluster as its primary and adds secondaries in other regions " +
          '(GlobalDatabaseSecondary), or a single-region tier such as TIER_3',
      );
    },
  );

  test('GIVEN a single-region tier (TIER_3) THEN there is no warning', () => {
    const { stack } = synth({ tier: ServiceTier.TIER_3 }, ['us-east-1a', 'us-east-1b']);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('WHEN removalPolicy is DESTROY THEN a warning with a stable id is emitted', () => {
    const { stack, template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Delete' });
    Annotations.fromStack(stack).hasWarning(
      '/Data/Db',
      Match.stringLikeRegexp('^removalPolicy is destroy: .*ha-constructs:ReplicatedDatabase.removalPolicy'),
    );
  });

  test('grantConnect grants rds-db:connect through the proxy', () => {
    const { stack, db } = build();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    db.grantConnect(role, 'app');
    const statements = Object.values(
      Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^App') }] },
      }),
    ).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('rds-db:connect');
    expect(JSON.stringify(statements[0].Resource)).toContain(':dbuser:');
    // ... and the proxy may log in to the cluster as that user (by the cluster's resource id), or it refuses the client.
    const proxyRole = (db.proxyRole as iam.Role).node.defaultChild as iam.CfnRole;
    const proxyStatements = Object.values(
      Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: stack.getLogicalId(proxyRole) }] },
      }),
    ).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const connect = proxyStatements.filter((st) => st.Action === 'rds-db:connect');
    expect(connect).toHaveLength(1);
    expect(JSON.stringify(connect[0].Resource)).toMatch(/:dbuser:.*ClusterResourceId.*\/app/);
  });

  test('WHEN dbUser is empty THEN grantConnect is a ValidationError', () => {
    const { stack, db } = build({ proxy: false });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    expectValidationError(
      () => db.grantConnect(role, ' '),
      'dbUser must be a non-empty database user name, got: an empty string',
    );
  });

  test('GIVEN a VPC with isolated subnets only THEN rotation runs in them and a warning with a stable id asks for a Secrets Manager endpoint', () => {
    const stack = new Stack(testApp(), 'Data', { env: { region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      availabilityZones: US_EAST_1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    new ReplicatedDatabase(stack, 'Db', { tier: REGIONAL, vpc });
    const template = Template.fromStack(stack);
    const [schedule] = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule'));
    expect(JSON.stringify(schedule.Properties.HostedRotationLambda.VpcSubnetIds)).toContain('IsolatedSubnet');
    Annotations.fromStack(stack).hasWarning(
      '/Data/Db',
      Match.stringLikeRegexp(
        '^the VPC has no private subnets with egress: .*secretsmanager interface endpoint.*ha-constructs:ReplicatedDatabase.rotation',
      ),
    );
  });

  test('THEN every resource of the construct carries the HA metadata record', () => {
    const { template } = regional;
    const resources = Object.entries(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    ).filter(([logicalId]) => logicalId.startsWith('Db'));
    expect(resources.length).toBeGreaterThan(20);
    for (const [, resource] of resources) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'orders',
        tier: 'REGIONAL',
        role: 'primary',
      });
    }
    template.hasResource('AWS::RDS::DBCluster', {
      Metadata: { [HA_METADATA_KEY]: Match.objectLike({ component: 'ReplicatedDatabase', failureDomain: 'region' }) },
    });
  });

  // The rules are the planner's (test/core/plans/database.test.ts); these prove the engine translates
  // its props (durations, instance types, regions) and throws the plan's problem naming the prop.
  test.each<[Partial<ReplicatedDatabaseProps>, string]>([
    [
      { backupRetention: Duration.days(7) },
      'backupRetention must be whole days from 35 (the minimum of REGIONAL) to 35 (the most Aurora keeps), got: 7 days',
    ],
    [
      { tier: ServiceTier.TIER_3, backupRetention: Duration.days(36) },
      'backupRetention must be whole days from 7 (the minimum of TIER_3) to 35 (the most Aurora keeps), got: 36 days',
    ],
    [{ readers: 16 }, 'readers must be an integer from 0 to 15, got: 16'],
    [
      { instanceType: new ec2.InstanceType('m6g.large') },
      'maxConnections must be given for instance class m6g.large, whose default max_connections this library does not know',
    ],
    [
      { proxyBorrowLatencyThreshold: Duration.millis(0) },
      'proxyBorrowLatencyThreshold must be longer than 0 ms, got: 0 millis',
    ],
    [
      { secretReplicaRegions: ['us-east-1'] },
      'secretReplicaRegions must not include the primary region us-east-1, got: us-east-1',
    ],
    [
      { secretReplicaRegions: ['eu-west-1'], allowedRegions: ['us-east-1', 'us-west-2'] },
      'secretReplicaRegions must stay within allowedRegions (us-east-1, us-west-2), got: eu-west-1',
    ],
    [{ allowedRegions: ['eu-west-1'] }, 'the primary region must be one of allowedRegions (eu-west-1), got: us-east-1'],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('GIVEN a three-zone tier on a two-zone VPC THEN it is a ValidationError', () => {
    expectValidationError(
      () => synth({}, ['us-east-1a', 'us-east-1b']),
      'vpcSubnets must list at least 3 zones for REGIONAL, got: 2 (us-east-1a, us-east-1b)',
    );
  });

  test('GIVEN an environment-agnostic stack THEN instances take the zones CloudFormation resolves (Fn::GetAZs)', () => {
    const stack = new Stack(testApp(), 'Agnostic');
    const network = new MultiAzNetwork(stack, 'Network', { tier: ServiceTier.TIER_3 });
    new ReplicatedDatabase(stack, 'Db', { tier: ServiceTier.TIER_3, service: 'orders', vpc: network.vpc });
    const zones = instances(Template.fromStack(stack)).map((i) => i.AvailabilityZone);
    expect(zones).toEqual([{ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }]);
  });

  test('THEN the proxy has its own role, which reads only the credentials, and runs in the isolated subnets', () => {
    const { template } = regional;
    const trust = { Statement: [Match.objectLike({ Principal: { Service: 'rds.amazonaws.com' } })] };
    const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: trust } });
    const [roleId] = Object.keys(roles);
    expect(roleId).toMatch(/^DbProxyRole/);
    const secret = { Ref: Match.stringLikeRegexp('^DbCredentialsAttachment') };
    const credentialsKey = Match.stringLikeRegexp('^DbCredentialsKey');
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      DebugLogging: false,
      Auth: [Match.objectLike({ AuthScheme: 'SECRETS', SecretArn: secret })],
      VpcSubnetIds: [0, 1, 2].map(() => ({ Ref: Match.stringLikeRegexp('^VpcIsolatedSubnet') })),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: secret,
          },
          { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [credentialsKey, 'Arn'] } },
        ],
      },
    });
    // The credentials key lets the proxy role decrypt, through Secrets Manager only.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Principal: { AWS: { 'Fn::GetAtt': [roleId, 'Arn'] } },
            Resource: '*',
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
          },
        ]),
      },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbClusterSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbProxyProxySecurityGroup'), 'GroupId'] },
      FromPort: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbCluster'), 'Endpoint.Port'] },
    });
  });

  test('THEN the master secret refuses deletion, and its generated password is 30 characters', () => {
    const { template } = regional;
    template.hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      SecretId: { Ref: Match.stringLikeRegexp('^DbCredentials') },
      ResourcePolicy: { Statement: [Match.objectLike({ Effect: 'Deny', Action: 'secretsmanager:DeleteSecret' })] },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 30 }),
    });
  });

  test('THEN instances report enhanced monitoring every 60 s, and Performance Insights for 7 days', () => {
    const { template } = regional;
    for (const instance of instances(template)) {
      expect(instance).toMatchObject({
        MonitoringInterval: 60,
        MonitoringRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^DbClusterMonitoringRole/), 'Arn'] },
        EnablePerformanceInsights: true,
        PerformanceInsightsRetentionPeriod: 7,
        PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DbKey/), 'Arn'] },
      });
    }
  });

  test('THEN the database key lets CloudWatch Logs of this account use it, and the alarm topic takes only TLS', () => {
    const { template } = regional;
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the database Data/Db: storage, Performance Insights and logs',
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsOfThisAccount',
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: ALARM_TOPIC_STATEMENTS },
    });
  });

  // The HA view (lib/testing) of the construct's own resources: the snapshot is about the database, not the network.
  test('HA snapshot of the three-zone, statically stable database (beside the targeted assertions above)', () => {
    expect(haSnapshot(ownResources(regional.template))).toMatchSnapshot();
  });
});

/** A template of the construct's own resources (their ids start with Db). */
function ownResources(template: Template): unknown {
  const resources = Object.entries(template.toJSON().Resources as Record<string, unknown>);
  return { Resources: Object.fromEntries(resources.filter(([id]) => id.startsWith('Db'))) };
}
