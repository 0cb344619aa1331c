import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { RdsGlobalCluster } from '@cdktf/provider-aws/lib/rds-global-cluster';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing } from 'cdktf';
import { DrStrategy, HA_METADATA_KEY, ServiceTier } from '../../../lib/core';
import { haSnapshot } from '../../../lib/testing/snapshot';
import { GlobalDatabase as DeprecatedPath } from '../../../lib/tf/aws/database';
import { GlobalDatabase, GlobalDatabaseProps } from '../../../lib/tf/aws/global-database';
import { awsStack, fullResourcesOf, refTo, resourcesOf, warningsOf } from './util';

Testing.setupJest();

function synth(props: Partial<Omit<GlobalDatabaseProps, 'secondaryProvider'>> & { secondaryRegion?: string } = {}) {
  const { stack, west } = awsStack();
  const secondaryProvider = props.secondaryRegion
    ? new AwsProvider(stack, 'other', { region: props.secondaryRegion, alias: 'other' })
    : west;
  const database = new GlobalDatabase(stack, 'Database', {
    tier: ServiceTier.TIER_1,
    secondaryProvider,
    engineVersion: '16.6',
    primaryVpcId: 'vpc-east',
    primarySubnetIds: ['s-1a', 's-1b', 's-1c'],
    secondaryVpcId: 'vpc-west',
    secondarySubnetIds: ['s-2a', 's-2b', 's-2c'],
    masterPassword: '${var.db_master_password}',
    ...props,
  });
  return { stack, database, synthesized: Testing.synth(stack) };
}

describe('GlobalDatabase (Terraform)', () => {
  test('THEN a global cluster with deletion protection, encryption and prevent_destroy', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(RdsGlobalCluster, {
      engine: 'aurora-postgresql',
      engine_version: '16.6',
      storage_encrypted: true,
      deletion_protection: true,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('THEN the primary in the default region and the secondary through the alias, each with its own key', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(RdsCluster, {
      global_cluster_identifier: refTo(RdsGlobalCluster, 'Database_GlobalCluster', 'id'),
      kms_key_id: refTo(KmsKey, 'Database_PrimaryKey', 'arn'),
      master_password_wo: '${var.db_master_password}',
      master_password_wo_version: 1,
      deletion_protection: true,
      skip_final_snapshot: false,
      backup_retention_period: 35,
      iam_database_authentication_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(synthesized).toHaveResourceWithProperties(RdsCluster, {
      provider: 'aws.west',
      kms_key_id: refTo(KmsKey, 'Database_SecondaryKey', 'arn'),
      deletion_protection: true,
      lifecycle: {
        prevent_destroy: true,
        ignore_changes: ['replication_source_identifier', 'global_cluster_identifier'],
      },
    });
    expect(synthesized).toHaveResourceWithProperties(KmsKey, {
      provider: 'aws.west',
      enable_key_rotation: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('GIVEN TIER_1 THEN three primary instances and one warm secondary instance; PILOT_LIGHT a headless secondary', () => {
    const instances = (tier: ServiceTier) =>
      Object.values(resourcesOf(synth({ tier }).synthesized, RdsClusterInstance));
    const tier1 = instances(ServiceTier.TIER_1);
    expect(tier1.filter((i) => i.provider === 'aws.west')).toHaveLength(1);
    expect(tier1.filter((i) => i.provider === undefined)).toHaveLength(3);
    expect(tier1.every((i) => i.publicly_accessible === false && i.performance_insights_enabled === true)).toBe(true);
    const tier2 = instances(ServiceTier.TIER_2);
    expect(tier2.filter((i) => i.provider === 'aws.west')).toHaveLength(0);
  });

  test("THEN each cluster uses a parameter group of its region that requires TLS (rds.force_ssl = 1); the primary's bounds the lag at the region RPO", () => {
    const { synthesized } = synth();
    const groups = Object.values(resourcesOf(synthesized, RdsClusterParameterGroup));
    // rds.global_db_rpo in the primary's only: a promoted secondary with no secondary would block every commit.
    expect(groups.map((g) => [g.provider, g.family, g.parameter])).toEqual([
      [
        undefined,
        'aurora-postgresql16',
        [
          { name: 'rds.force_ssl', value: '1' },
          { name: 'rds.global_db_rpo', value: '60' },
        ],
      ],
      ['aws.west', 'aurora-postgresql16', [{ name: 'rds.force_ssl', value: '1' }]],
    ]);
    expect(synthesized).toHaveResourceWithProperties(RdsCluster, {
      db_cluster_parameter_group_name: refTo(RdsClusterParameterGroup, 'Database_PrimaryParameterGroup', 'name'),
    });
    expect(synthesized).toHaveResourceWithProperties(RdsCluster, {
      provider: 'aws.west',
      db_cluster_parameter_group_name: refTo(RdsClusterParameterGroup, 'Database_SecondaryParameterGroup', 'name'),
    });
  });

  test('THEN the replication-lag alarm fires above the region RPO, on the dimensions Aurora publishes it under, and notifies', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      provider: 'aws.west',
      metric_name: 'AuroraGlobalDBReplicationLag',
      threshold: 60000,
      alarm_actions: [expect.stringContaining('aws_sns_topic.Database_SecondaryAlarmTopic_')],
      dimensions: {
        DBClusterIdentifier: expect.stringContaining('aws_rds_cluster.Database_Secondary_'),
        SourceRegion: 'us-east-1',
      },
      comparison_operator: 'GreaterThanThreshold',
      treat_missing_data: 'missing',
      period: 60,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
    });
  });

  test('WHEN readers and secondaryReaders are given THEN the clusters run them; the deprecated instance counts still work', () => {
    const counts = (props: Partial<GlobalDatabaseProps>) => {
      const instances = Object.values(resourcesOf(synth(props).synthesized, RdsClusterInstance));
      return [
        instances.filter((i) => i.provider === undefined).length,
        instances.filter((i) => i.provider === 'aws.west').length,
      ];
    };
    expect(counts({ readers: 4, secondaryReaders: 2 })).toEqual([5, 2]);
    expect(counts({ instances: 4, secondaryInstances: 2 })).toEqual([4, 2]);
    const tiers = Object.values(
      resourcesOf(synth({ readers: 2, secondaryReaders: 2 }).synthesized, RdsClusterInstance),
    ).map((i) => i.promotion_tier);
    expect(tiers).toEqual([0, 1, 1, 0, 1]);
  });

  test('GIVEN a tier of three regions THEN its one secondary is refused, naming the prop', () => {
    const tier = ServiceTier.custom({
      name: 'three',
      strategy: DrStrategy.WARM_STANDBY,
      availabilityTarget: 0.9995,
      minAzs: 3,
      minRegions: 3,
      azRtoSeconds: 120,
      azRpoSeconds: 0,
      regionRtoSeconds: 900,
      regionRpoSeconds: 60,
    });
    expect(() => synth({ tier })).toThrow(
      new Error(
        'secondaryProvider.region must list at least 2 regions for three (minRegions 3 counts the primary), got: 1',
      ),
    );
  });

  test('THEN allowPrimaryFrom admits a client security group to the PostgreSQL port', () => {
    const { stack, database } = synth();
    database.allowPrimaryFrom('App', 'sg-app');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      referenced_security_group_id: 'sg-app',
      from_port: 5432,
      to_port: 5432,
    });
  });

  test('THEN the secondary-region resources are recorded as replicas, the global cluster as global', () => {
    const { stack } = synth({ service: 'orders' });
    const clusters = Object.values(fullResourcesOf(stack, RdsCluster));
    expect(clusters.map((c) => c['//'][HA_METADATA_KEY].role).sort()).toEqual(['primary', 'replica']);
    const global = Object.values(fullResourcesOf(stack, RdsGlobalCluster))[0];
    expect(global['//'][HA_METADATA_KEY]).toEqual(
      expect.objectContaining({ role: 'global', failureDomain: 'global', service: 'orders' }),
    );
    expect(global.tags).toEqual(expect.objectContaining({ 'ha:role': 'global', 'ha:component': 'GlobalDatabase' }));
  });

  test('WHEN preventDestroy is false THEN lifecycle is left alone and it warns; deletion protection stays', () => {
    const { stack, synthesized } = synth({ preventDestroy: false });
    const global = Object.values(resourcesOf(synthesized, RdsGlobalCluster))[0];
    expect(global.lifecycle).toBeUndefined();
    expect(global.deletion_protection).toBe(true);
    expect(warningsOf(stack)).toContainEqual(
      expect.stringContaining('[ha-constructs:GlobalDatabase.preventDestroy] preventDestroy is false'),
    );
  });

  test.each<[Partial<GlobalDatabaseProps>, string]>([
    [{ tier: ServiceTier.TIER_2 }, '900'],
    [{ rpoObjectiveSeconds: 300 }, '300'],
    [{ tier: ServiceTier.TIER_0, rpoObjectiveSeconds: 20 }, '20'],
  ])("GIVEN %j THEN rds.global_db_rpo %s in the primary's parameter group", (props, seconds) => {
    const groups = Object.values(resourcesOf(synth(props).synthesized, RdsClusterParameterGroup));
    expect(groups.filter((g) => g.provider === undefined).map((g) => g.parameter)).toEqual([
      [
        { name: 'rds.force_ssl', value: '1' },
        { name: 'rds.global_db_rpo', value: seconds },
      ],
    ]);
  });

  test("GIVEN rpoObjectiveSeconds THEN the primary cluster's HA record carries it", () => {
    const { stack } = synth({ tier: ServiceTier.TIER_0, rpoObjectiveSeconds: 20 });
    const primary = Object.values(fullResourcesOf(stack, RdsCluster)).find((c) => c.provider === undefined)!;
    expect((primary['//'] as Record<string, Record<string, unknown>>)[HA_METADATA_KEY]).toMatchObject({
      tier: 'TIER_0',
      dataRpoSeconds: 20,
    });
  });

  test.each([
    [
      { tier: ServiceTier.TIER_0 },
      'rpoObjectiveSeconds must be at least 20 s for an Aurora global database: rds.global_db_rpo, the only bound on ' +
        'the data an unplanned failover loses (typical lag under 1 s is not a bound), takes no less. Keep data that needs a tighter RPO in a ' +
        "GlobalTable with consistency STRONG, or state this data set's own rpoObjectiveSeconds if the service can lose 20 s of its writes, " +
        "got: none, so TIER_0's region RPO of 1 s applies",
    ],
    [
      { rpoObjectiveSeconds: 30 },
      "rpoObjectiveSeconds must be whole seconds from TIER_1's region RPO (60 s) to 2147483647: it states a looser " +
        'objective for this data set, got: 30 s',
    ],
    [
      { secondaryRegion: 'us-east-1' },
      'secondaryProvider.region must not include the primary region us-east-1, got: us-east-1',
    ],
    [
      { allowedRegions: ['us-east-1', 'eu-west-1'] },
      'secondaryProvider.region must stay within allowedRegions (us-east-1, eu-west-1), got: us-west-2',
    ],
    [
      { primarySubnetIds: ['s-1a', 's-1b'] },
      'primarySubnetIds must list at least 3 subnets (one per AZ) for TIER_1, got: 2',
    ],
    [{ instances: 0 }, 'instances must be an integer of at least 1, got: 0'],
    [
      { backupRetentionDays: 40 },
      'backupRetentionDays must be whole days from 35 (the minimum of TIER_1) to 35 (the most Aurora keeps), got: 40 days',
    ],
    [
      { readers: 15 },
      "readers must be an integer from 0 to 14 (15 less one per secondary region: a global database's primary readers and its secondary clusters share Aurora's limit), got: 15",
    ],
    [{ secondaryReaders: 17 }, 'secondaryReaders must be an integer from 0 to 16, got: 17'],
    [{ secondaryInstances: -1 }, 'secondaryInstances must be an integer from 0 to 16, got: -1'],
    [
      { instanceClass: 'db.t4g.medium' },
      'instanceClass must be a memory-optimized class for an Aurora global database (burstable classes are not supported), got: db.t4g.medium',
    ],
    [
      { engineVersion: '${var.engine_version}' },
      'parameterGroupFamily must be set when engineVersion is not a literal Aurora PostgreSQL version (e.g. 16.6), got: ${var.engine_version}',
    ],
  ])('GIVEN %j THEN a clear Error', (extra, message) => {
    expect(() => synth(extra)).toThrow(new Error(message));
  });

  test('GIVEN a secondary provider without a region THEN a clear Error', () => {
    const { stack } = awsStack();
    const noRegion = new AwsProvider(stack, 'noregion', { alias: 'noregion' });
    expect(
      () =>
        new GlobalDatabase(stack, 'Database', {
          tier: ServiceTier.TIER_1,
          secondaryProvider: noRegion,
          engineVersion: '16.6',
          primaryVpcId: 'v',
          primarySubnetIds: ['a', 'b', 'c'],
          secondaryVpcId: 'w',
          secondarySubnetIds: ['d', 'e', 'f'],
          masterPassword: 'p',
        }),
    ).toThrow(new Error('secondaryProvider must set a region, got: a provider without one (alias noregion)'));
  });

  test('the module it moved from still exports it', () => {
    expect(DeprecatedPath).toBe(GlobalDatabase);
  });

  test('THEN the secondary joins once every primary instance exists, and each cluster leaves a final snapshot', () => {
    const clusters = Object.values(resourcesOf(synth().synthesized, RdsCluster));
    const primary = clusters.find((c) => c.provider === undefined)!;
    const secondary = clusters.find((c) => c.provider === 'aws.west')!;
    const instance = (n: number) =>
      expect.stringMatching(new RegExp(`^aws_rds_cluster_instance\\.Database_PrimaryInstance${n}_`));
    expect(secondary.depends_on).toEqual([instance(1), instance(2), instance(3)]);
    expect(primary.final_snapshot_identifier).toMatch(/^ha-[0-9a-f]{20}-primary-final$/);
    expect(secondary.final_snapshot_identifier).toMatch(/^ha-[0-9a-f]{20}-secondary-final$/);
    for (const cluster of [primary, secondary]) {
      expect(cluster).toMatchObject({
        copy_tags_to_snapshot: true,
        enabled_cloudwatch_logs_exports: ['postgresql'],
        port: 5432,
      });
    }
    expect(primary).toMatchObject({ master_username: 'ha_admin', database_name: 'app' });
  });

  test('THEN each cluster has a security group of its VPC that admits no one until allowPrimaryFrom', () => {
    const groups = Object.values(resourcesOf(synth().synthesized, SecurityGroup));
    expect(groups.map((g) => [g.provider, g.vpc_id])).toEqual([
      [undefined, 'vpc-east'],
      ['aws.west', 'vpc-west'],
    ]);
    for (const group of groups) {
      expect(group.ingress).toBeUndefined();
    }
  });

  test('THEN CloudWatch alarms of this account may publish to the replication topic, over TLS only', () => {
    const [topic] = Object.values(resourcesOf(synth().synthesized, SnsTopicPolicy));
    expect(topic.provider).toBe('aws.west');
    const statements = JSON.parse(topic.policy).Statement as { Sid: string; Effect: string }[];
    expect(statements.map((st) => [st.Sid, st.Effect])).toEqual([
      ['AllowCloudWatchAlarmsOfThisAccount', 'Allow'],
      ['DenyPublishWithoutTls', 'Deny'],
    ]);
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('HA snapshot', () => {
    expect(haSnapshot(synth().stack.toTerraform())).toMatchSnapshot();
  });
});
