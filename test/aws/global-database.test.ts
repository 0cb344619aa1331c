import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HA_METADATA_KEY, HaRole, ServiceTier } from '../../lib';
import {
  GlobalDatabase,
  GlobalDatabaseProps,
  GlobalDatabaseSecondary,
  GlobalDatabaseSecondaryProps,
} from '../../lib/aws/global-database';
import { ReplicatedDatabase } from '../../lib/aws/database';
import { SecretReplicaKey } from '../../lib/aws/secret';
import { haSnapshot } from '../../lib/testing/snapshot';
import { ALARM_TOPIC_STATEMENTS, expectValidationError, recommendedApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

const ZONES: Record<string, string[]> = {
  'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  'us-west-2': ['us-west-2a', 'us-west-2b', 'us-west-2c'],
  'eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
};

/** A VPC with private and isolated subnets in the region's three zones. */
function testVpc(stack: Stack): ec2.IVpc {
  return new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ZONES[stack.region],
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

/**
 * The multi-region app a global database lives in: the secret's replica key in the secondary
 * region (deployed first), the primary stack, and the secondary stack (deployed last).
 */
function multiRegionApp(
  tier: ServiceTier,
  primaryProps: Partial<GlobalDatabaseProps> = {},
  secondaryProps: Partial<GlobalDatabaseSecondaryProps> = {},
) {
  const app: App = recommendedApp();
  const keys = new Stack(app, 'StandbyKeys', { env: { region: 'us-west-2' } });
  new SecretReplicaKey(keys, 'SecretReplicaKey', { tier, service: 'orders' });
  const primaryStack = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
  const primary = new GlobalDatabase(primaryStack, 'Db', {
    tier,
    service: 'orders',
    vpc: testVpc(primaryStack),
    globalClusterIdentifier: 'orders',
    secondaryRegions: ['us-west-2'],
    ...primaryProps,
  });
  primaryStack.addStackDependency(keys);
  const secondaryStack = new Stack(app, 'Secondary', { env: { region: 'us-west-2' } });
  const secondary = new GlobalDatabaseSecondary(secondaryStack, 'Db', {
    tier,
    service: 'orders',
    vpc: testVpc(secondaryStack),
    globalClusterIdentifier: 'orders',
    primaryRegion: 'us-east-1',
    ...secondaryProps,
  });
  secondaryStack.addStackDependency(primaryStack);
  return { app, keys, primaryStack, primary, secondaryStack, secondary };
}

describe('GlobalDatabase and GlobalDatabaseSecondary (a primary and a secondary stack in one app)', () => {
  let tier1: ReturnType<typeof multiRegionApp> & { primaryTemplate: Template; secondaryTemplate: Template };
  beforeAll(() => {
    const built = multiRegionApp(ServiceTier.TIER_1);
    tier1 = {
      ...built,
      primaryTemplate: Template.fromStack(built.primaryStack),
      secondaryTemplate: Template.fromStack(built.secondaryStack),
    };
  });

  test('THEN the primary stack holds a retained, deletion-protected global cluster sourced from the primary cluster', () => {
    tier1.primaryTemplate.hasResource('AWS::RDS::GlobalCluster', {
      Properties: {
        GlobalClusterIdentifier: 'orders',
        DeletionProtection: true,
        SourceDBClusterIdentifier: {
          'Fn::Join': [
            '',
            [
              'arn:aws:rds:us-east-1:',
              { Ref: 'AWS::AccountId' },
              ':cluster:',
              { Ref: Match.stringLikeRegexp('^DbPrimaryCluster') },
            ],
          ],
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    tier1.primaryTemplate.hasResourceProperties('AWS::RDS::DBCluster', {
      DBClusterIdentifier: 'orders-us-east-1',
      DeletionProtection: true,
      StorageEncrypted: true,
    });
  });

  test("THEN the credentials secret is replicated to the secondary region under that region's replica key", () => {
    tier1.primaryTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [{ Region: 'us-west-2', KmsKeyId: 'alias/orders-secrets' }],
    });
    Template.fromStack(tier1.keys).hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/orders-secrets' });
  });

  test('THEN the failover runbook gets the global cluster id and every member ARN, primary first', () => {
    expect(tier1.primary.globalClusterIdentifier).toBe('orders');
    expect(tier1.primary.primaryRegion).toBe('us-east-1');
    expect(tier1.primaryStack.resolve(tier1.primary.memberClusterArns)).toEqual([
      {
        'Fn::Join': [
          '',
          [
            'arn:aws:rds:us-east-1:',
            { Ref: 'AWS::AccountId' },
            ':cluster:',
            { Ref: expect.stringMatching(/^DbPrimaryCluster/) },
          ],
        ],
      },
      { 'Fn::Join': ['', ['arn:aws:rds:us-west-2:', { Ref: 'AWS::AccountId' }, ':cluster:orders-us-west-2']] },
    ]);
    expect(tier1.secondaryStack.resolve(tier1.secondary.clusterArn)).toEqual({
      'Fn::Join': [
        '',
        ['arn:aws:rds:us-west-2:', { Ref: 'AWS::AccountId' }, ':cluster:', { Ref: expect.stringMatching(/^Db/) }],
      ],
    });
  });

  test('THEN the secondary joins the global cluster by identifier, without master credentials, encrypted with a key of its own region', () => {
    tier1.secondaryTemplate.hasResource('AWS::RDS::DBCluster', {
      Properties: {
        GlobalClusterIdentifier: 'orders',
        DBClusterIdentifier: 'orders-us-west-2',
        Engine: 'aurora-postgresql',
        EngineVersion: '16.8',
        MasterUsername: Match.absent(),
        MasterUserPassword: Match.absent(),
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbKey'), 'Arn'] },
        DeletionProtection: true,
        BackupRetentionPeriod: 35,
        EnableIAMDatabaseAuthentication: true,
        EnableCloudwatchLogsExports: ['postgresql'],
      },
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
    tier1.secondaryTemplate.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
    tier1.secondaryTemplate.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Parameters: { 'rds.force_ssl': '1' },
    });
    tier1.secondaryTemplate.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/aws/rds/cluster/orders-us-west-2/postgresql', RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
  });

  test("THEN the secondary is not tagged for backup unless asked (the primary's policy backs up the same data)", () => {
    tier1.secondaryTemplate.hasResourceProperties('AWS::RDS::DBCluster', {
      Tags: Match.not(Match.arrayWith([{ Key: 'ha:backup', Value: 'true' }])),
    });
    tier1.primaryTemplate.hasResourceProperties('AWS::RDS::DBCluster', {
      Tags: Match.arrayWith([{ Key: 'ha:backup', Value: 'true' }]),
    });
    const { secondaryStack } = multiRegionApp(ServiceTier.TIER_1, {}, { backupTag: true });
    Template.fromStack(secondaryStack).hasResourceProperties('AWS::RDS::DBCluster', {
      Tags: Match.arrayWith([{ Key: 'ha:backup', Value: 'true' }]),
    });
  });

  test('GIVEN TIER_1 (warm standby) THEN the secondary runs one reader', () => {
    tier1.secondaryTemplate.resourceCountIs('AWS::RDS::DBInstance', 1);
    tier1.secondaryTemplate.hasResourceProperties('AWS::RDS::DBInstance', {
      DBClusterIdentifier: { Ref: Match.stringLikeRegexp('^Db') },
      DBInstanceClass: 'db.r6g.large',
      AvailabilityZone: 'us-west-2a',
      PubliclyAccessible: false,
    });
  });

  test('GIVEN TIER_1 THEN the replication-lag alarm fires at the 60 s region RPO and notifies the topic', () => {
    // Aurora publishes the lag under the secondary's identifier and the primary's region, together.
    tier1.secondaryTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/RDS',
      MetricName: 'AuroraGlobalDBReplicationLag',
      Statistic: 'Maximum',
      Threshold: 60000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
      Dimensions: [
        { Name: 'DBClusterIdentifier', Value: { Ref: Match.stringLikeRegexp('^Db') } },
        { Name: 'SourceRegion', Value: 'us-east-1' },
      ],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^DbAlarmTopic') }],
    });
  });

  test('THEN the secondary is recorded as a replica and the global cluster as global', () => {
    tier1.secondaryTemplate.hasResource('AWS::RDS::DBCluster', {
      Metadata: {
        [HA_METADATA_KEY]: Match.objectLike({
          role: 'replica',
          component: 'GlobalDatabaseSecondary',
          service: 'orders',
        }),
      },
    });
    tier1.primaryTemplate.hasResource('AWS::RDS::GlobalCluster', {
      Metadata: {
        [HA_METADATA_KEY]: Match.objectLike({ role: 'global', failureDomain: 'global', component: 'GlobalDatabase' }),
      },
    });
    tier1.primaryTemplate.hasResource('AWS::RDS::DBCluster', {
      Metadata: { [HA_METADATA_KEY]: Match.objectLike({ role: 'primary', component: 'ReplicatedDatabase' }) },
    });
  });

  test('THEN clients of the primary connect through its proxy, and grantConnect on a secondary names its cluster resource id', () => {
    expect(tier1.primary.connections).toBe(tier1.primary.primary.connections);
    expect(tier1.primary.endpoint).toBe(tier1.primary.primary.proxy!.endpoint);
    const { secondaryStack, secondary } = multiRegionApp(ServiceTier.TIER_1);
    const role = new iam.Role(secondaryStack, 'App', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    secondary.grantConnect(role, 'app');
    const [policy] = Object.values(Template.fromStack(secondaryStack).findResources('AWS::IAM::Policy'));
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'rds-db:connect',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:aws:rds-db:us-west-2:',
              { Ref: 'AWS::AccountId' },
              ':dbuser:',
              { 'Fn::GetAtt': [expect.stringMatching(/^Db/), 'DBClusterResourceId'] },
              '/app',
            ],
          ],
        },
      },
    ]);
  });

  test('no stateful resource of any stack can be deleted or replaced without a snapshot, and deletion protection is on wherever offered', () => {
    const problems: string[] = [];
    for (const stack of [tier1.keys, tier1.primaryStack, tier1.secondaryStack]) {
      for (const [logicalId, resource] of Object.entries(
        Template.fromStack(stack).toJSON().Resources as Record<string, StatefulCandidate>,
      )) {
        const problem = statefulProblem(resource);
        if (problem) problems.push(`${stack.stackName}/${logicalId}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test.each<[string, number, number]>([
    ['TIER_0', 3, 1000],
    ['TIER_2', 0, 900000],
  ])(
    'GIVEN %s THEN the secondary runs %i readers and its lag alarm fires at %i ms',
    (tierName, readers, thresholdMs) => {
      // TIER_0's 1 s is below rds.global_db_rpo's 20 s minimum: the data set states the objective Aurora can hold.
      const rpoObjective = tierName === 'TIER_0' ? Duration.seconds(20) : undefined;
      const { secondaryStack, secondary } = multiRegionApp(ServiceTier.fromName(tierName), { rpoObjective });
      const template = Template.fromStack(secondaryStack);
      expect(secondary.readerCount).toBe(readers);
      template.resourceCountIs('AWS::RDS::DBInstance', readers);
      const monitoringRoles = Object.values(template.findResources('AWS::IAM::Role')).filter((role) =>
        JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('monitoring.rds.amazonaws.com'),
      );
      expect(monitoringRoles).toHaveLength(readers > 0 ? 1 : 0);
      expect(
        Object.values(template.findResources('AWS::RDS::DBInstance')).map((i) => i.Properties.AvailabilityZone),
      ).toEqual(ZONES['us-west-2'].slice(0, readers));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'AuroraGlobalDBReplicationLag',
        Threshold: thresholdMs,
      });
    },
  );

  test('THEN it builds its primary from a ReplicatedDatabase, which a ReplicatedDatabase alone on the tier refuses', () => {
    const { primaryStack, primary } = multiRegionApp(ServiceTier.TIER_1);
    expect(primary.primary.node.path).toBe('Primary/Db/Primary');
    expect(Annotations.fromStack(primaryStack).findError('*', Match.anyValue())).toEqual([]);
    // The same props on a ReplicatedDatabase of its own are refused: the primary is GlobalDatabase's.
    const alone = new Stack(recommendedApp(), 'Alone', { env: { region: 'us-east-1' } });
    expect(
      () => new ReplicatedDatabase(alone, 'Db', { tier: ServiceTier.TIER_1, service: 'orders', vpc: testVpc(alone) }),
    ).toThrow(/^tier TIER_1 keeps the data in 2 regions .*use GlobalDatabase/);
  });

  test.each<[string, Partial<GlobalDatabaseProps>, string]>([
    ['TIER_1', {}, '60'],
    ['TIER_2', {}, '900'],
    ['TIER_1', { rpoObjective: Duration.minutes(5) }, '300'],
    ['TIER_0', { rpoObjective: Duration.seconds(20) }, '20'],
  ])(
    "GIVEN %s and %j THEN the primary's parameter group sets rds.global_db_rpo %s; the secondary's does not",
    (tierName, props, seconds) => {
      const { primaryStack, secondaryStack } = multiRegionApp(ServiceTier.fromName(tierName), props);
      Template.fromStack(primaryStack).hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
        Parameters: { 'rds.force_ssl': '1', 'rds.global_db_rpo': seconds },
      });
      // A promoted secondary has no secondary of its own: the parameter there would block every commit.
      const secondaryGroups = Template.fromStack(secondaryStack).findResources('AWS::RDS::DBClusterParameterGroup');
      expect(Object.values(secondaryGroups).map((g) => g.Properties.Parameters)).toEqual([{ 'rds.force_ssl': '1' }]);
    },
  );

  test('GIVEN the roles swapped after a failover THEN the serving secondary carries rds.global_db_rpo, the former primary not', () => {
    const { primaryStack, secondaryStack } = multiRegionApp(
      ServiceTier.TIER_1,
      { role: HaRole.STANDBY },
      { role: HaRole.PRIMARY },
    );
    const params = (stack: Stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::RDS::DBClusterParameterGroup')).map(
        (g) => g.Properties.Parameters,
      );
    expect(params(secondaryStack)).toEqual([{ 'rds.force_ssl': '1', 'rds.global_db_rpo': '60' }]);
    expect(params(primaryStack)).toEqual([{ 'rds.force_ssl': '1' }]);
  });

  test("GIVEN rpoObjective THEN the primary cluster's HA record carries it, so the report holds the data set to it", () => {
    const { primaryStack } = multiRegionApp(ServiceTier.TIER_0, { rpoObjective: Duration.seconds(20) });
    const [cluster] = Object.values(Template.fromStack(primaryStack).findResources('AWS::RDS::DBCluster'));
    expect(cluster.Metadata[HA_METADATA_KEY]).toMatchObject({ tier: 'TIER_0', role: 'primary', dataRpoSeconds: 20 });
  });

  test("GIVEN TIER_0 (region RPO 1 s) without rpoObjective THEN a ValidationError naming rpoObjective and Aurora's 20 s minimum", () => {
    expectValidationError(
      () => multiRegionApp(ServiceTier.TIER_0),
      'rpoObjective must be at least 20 s for an Aurora global database: ' +
        'rds.global_db_rpo, the only bound on the data an unplanned failover loses (typical lag under 1 s is not a bound), takes no less. ' +
        "Keep data that needs a tighter RPO in a GlobalTable with consistency STRONG, or state this data set's own rpoObjective if the " +
        "service can lose 20 s of its writes, got: none, so TIER_0's region RPO of 1 s applies",
    );
  });

  test.each<[Partial<GlobalDatabaseProps>, string]>([
    [
      { secondaryRegions: ['us-east-1'] },
      'secondaryRegions must not include the primary region us-east-1, got: us-east-1',
    ],
    [
      { secondaryRegions: ['us-west-2', 'us-west-2'] },
      'secondaryRegions must not repeat a region, got: us-west-2 more than once',
    ],
    [
      { secondaryRegions: ['ap-south-1'], allowedRegions: ['us-east-1', 'us-west-2'] },
      'secondaryRegions must stay within allowedRegions (us-east-1, us-west-2), got: ap-south-1',
    ],
    [
      { secondaryRegions: [] },
      'secondaryRegions must list at least 1 regions for TIER_1 (minRegions 2 counts the primary), got: 0',
    ],
    [
      { globalClusterIdentifier: 'Orders' },
      'globalClusterIdentifier must be 1 to 48 lowercase letters, digits or hyphens, start with a letter, and neither end with a hyphen nor hold two in a row, got: Orders',
    ],
    [
      { globalClusterIdentifier: 'o'.repeat(49) },
      `globalClusterIdentifier must be 1 to 48 lowercase letters, digits or hyphens, start with a letter, and neither end with a hyphen nor hold two in a row, got: ${'o'.repeat(49)}`,
    ],
    [
      { instanceType: new ec2.InstanceType('t4g.medium') },
      'instanceType must be a memory-optimized class for an Aurora global database (burstable classes are not supported), got: t4g.medium',
    ],
    [
      { readers: 14, secondaryRegions: ['us-west-2', 'eu-west-1'] },
      "readers must be an integer from 0 to 13 (15 less one per secondary region: a global database's primary readers and its secondary clusters share Aurora's limit), got: 14",
    ],
  ])('%#: bad primary input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => multiRegionApp(ServiceTier.TIER_1, override), message);
  });

  test.each<[Partial<GlobalDatabaseSecondaryProps>, string]>([
    [
      { primaryRegion: 'us-west-2' },
      "primaryRegion must differ from the secondary's region us-west-2 (a secondary survives the loss of the primary's region), got: us-west-2",
    ],
    [
      { allowedRegions: ['us-east-1', 'eu-west-1'] },
      'the secondary region must stay within allowedRegions (us-east-1, eu-west-1), got: us-west-2',
    ],
    [{ readers: -1 }, 'readers must be an integer from 0 to 16, got: -1'],
  ])('%#: bad secondary input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => multiRegionApp(ServiceTier.TIER_1, {}, override), message);
  });

  test('GIVEN an environment-agnostic stack THEN a GlobalDatabase is a ValidationError (members are named by region)', () => {
    const stack = new Stack(recommendedApp(), 'Agnostic');
    expectValidationError(
      () =>
        new GlobalDatabase(stack, 'Db', {
          tier: ServiceTier.TIER_1,
          vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
            vpcId: 'vpc-1',
            availabilityZones: ZONES['us-east-1'],
            isolatedSubnetIds: ['s-1', 's-2', 's-3'],
          }),
          globalClusterIdentifier: 'orders',
          secondaryRegions: ['us-west-2'],
        }),
      'GlobalDatabase needs a stack with a concrete region (env.region): member clusters are named and checked by region, got an environment-agnostic stack',
    );
  });

  test('THEN the secondary has no egress, runs in isolated subnets, and its reader is monitored', () => {
    const { secondaryTemplate } = tier1;
    secondaryTemplate.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Secondary database Secondary/Db',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
    secondaryTemplate.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: [0, 1, 2].map(() => ({ Ref: Match.stringLikeRegexp('^VpcIsolatedSubnet') })),
    });
    secondaryTemplate.hasResourceProperties('AWS::RDS::DBInstance', {
      PromotionTier: 0,
      MonitoringInterval: 60,
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbKey'), 'Arn'] },
    });
  });

  test("THEN each region's database key lets its CloudWatch Logs use it, and both alarm topics take only TLS", () => {
    const regions = [
      [tier1.primaryTemplate, 'us-east-1'],
      [tier1.secondaryTemplate, 'us-west-2'],
    ] as const;
    for (const [template, region] of regions) {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'AllowCloudWatchLogsOfThisAccount',
              Principal: { Service: `logs.${region}.amazonaws.com` },
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: ALARM_TOPIC_STATEMENTS },
      });
    }
  });

  test('THEN the primary is a ReplicatedDatabase: an undeletable secret, a TLS-only proxy with its own role', () => {
    const { primaryTemplate } = tier1;
    primaryTemplate.hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      ResourcePolicy: { Statement: [Match.objectLike({ Effect: 'Deny', Action: 'secretsmanager:DeleteSecret' })] },
    });
    primaryTemplate.hasResourceProperties('AWS::RDS::DBProxy', {
      RequireTLS: true,
      DefaultAuthScheme: 'IAM_AUTH',
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbPrimaryProxyRole'), 'Arn'] },
    });
  });

  // The HA view (lib/testing) of the database's own resources in each stack (the VPCs are the fixture's).
  test('HA snapshots of the primary and the secondary (beside the targeted assertions above)', () => {
    expect(haSnapshot(ownResources(tier1.primaryTemplate))).toMatchSnapshot('primary');
    expect(haSnapshot(ownResources(tier1.secondaryTemplate))).toMatchSnapshot('secondary');
  });
});

interface StatefulCandidate {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** Resource types that hold data (or the keys and credentials to read it), and whether they offer deletion protection. */
const STATEFUL_TYPES: Record<string, { readonly deletionProtection: boolean }> = {
  'AWS::RDS::DBCluster': { deletionProtection: true },
  'AWS::RDS::GlobalCluster': { deletionProtection: true },
  'AWS::KMS::Key': { deletionProtection: false },
  'AWS::KMS::Alias': { deletionProtection: false },
  'AWS::SecretsManager::Secret': { deletionProtection: false },
  'AWS::Logs::LogGroup': { deletionProtection: false },
};

function statefulProblem(resource: StatefulCandidate): string | undefined {
  const kind = STATEFUL_TYPES[resource.Type];
  if (!kind) {
    // An Aurora instance holds no data of its own: the cluster volume does.
    return undefined;
  }
  const kept = ['Retain', 'Snapshot'];
  if (!kept.includes(resource.DeletionPolicy ?? 'Delete') || !kept.includes(resource.UpdateReplacePolicy ?? 'Delete')) {
    return `${resource.Type} is deleted on delete (${resource.DeletionPolicy}) or replace (${resource.UpdateReplacePolicy})`;
  }
  if (kind.deletionProtection && resource.Properties?.DeletionProtection !== true) {
    return `${resource.Type} has no deletion protection`;
  }
  return undefined;
}

/** A template of the database's own resources (ids starting Db): the database's snapshot, not the network's. */
function ownResources(template: Template): unknown {
  const resources = Object.entries(template.toJSON().Resources as Record<string, unknown>);
  return { Resources: Object.fromEntries(resources.filter(([id]) => id.startsWith('Db'))) };
}
