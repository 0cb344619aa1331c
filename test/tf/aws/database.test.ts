import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { RdsGlobalCluster } from '@cdktf/provider-aws/lib/rds-global-cluster';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing } from 'cdktf';
import { HA_METADATA_KEY, ServiceTier } from '../../../lib/core';
import { GlobalDatabase, GlobalDatabaseProps } from '../../../lib/tf/aws/database';
import { awsStack, fullResourcesOf, refTo, resourcesOf, warningsOf } from './util';

Testing.setupJest();

function synth(props: Partial<Omit<GlobalDatabaseProps, 'secondaryProvider'>> & { secondaryRegion?: string } = {}) {
  const { stack, west } = awsStack();
  const secondaryProvider = props.secondaryRegion ? new AwsProvider(stack, 'other', { region: props.secondaryRegion, alias: 'other' }) : west;
  const database = new GlobalDatabase(stack, 'Database', {
    tier: ServiceTier.TIER_1,
    secondaryProvider,
    engineVersion: '16.6',
    primaryVpcId: 'vpc-east', primarySubnetIds: ['s-1a', 's-1b', 's-1c'],
    secondaryVpcId: 'vpc-west', secondarySubnetIds: ['s-2a', 's-2b', 's-2c'],
    masterPassword: '${var.db_master_password}',
    ...props,
  });
  return { stack, database, synthesized: Testing.synth(stack) };
}

describe('GlobalDatabase (Terraform)', () => {
  test('THEN a global cluster with deletion protection, encryption and prevent_destroy', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(RdsGlobalCluster, {
      engine: 'aurora-postgresql', engine_version: '16.6', storage_encrypted: true, deletion_protection: true, force_destroy: false,
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
      lifecycle: { prevent_destroy: true, ignore_changes: ['replication_source_identifier', 'global_cluster_identifier'] },
    });
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { provider: 'aws.west', enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
  });

  test('GIVEN TIER_1 THEN three primary instances and one warm secondary instance; PILOT_LIGHT a headless secondary', () => {
    const instances = (tier: ServiceTier) => Object.values(resourcesOf(synth({ tier }).synthesized, RdsClusterInstance));
    const tier1 = instances(ServiceTier.TIER_1);
    expect(tier1.filter((i) => i.provider === 'aws.west')).toHaveLength(1);
    expect(tier1.filter((i) => i.provider === undefined)).toHaveLength(3);
    expect(tier1.every((i) => i.publicly_accessible === false && i.performance_insights_enabled === true)).toBe(true);
    const tier2 = instances(ServiceTier.TIER_2);
    expect(tier2.filter((i) => i.provider === 'aws.west')).toHaveLength(0);
  });

  test('THEN each cluster uses a parameter group of its region that requires TLS (rds.force_ssl = 1)', () => {
    const { synthesized } = synth();
    const groups = Object.values(resourcesOf(synthesized, RdsClusterParameterGroup));
    expect(groups.map((g) => [g.provider, g.family, g.parameter])).toEqual([
      [undefined, 'aurora-postgresql16', [{ name: 'rds.force_ssl', value: '1' }]],
      ['aws.west', 'aurora-postgresql16', [{ name: 'rds.force_ssl', value: '1' }]],
    ]);
    expect(synthesized).toHaveResourceWithProperties(RdsCluster, { db_cluster_parameter_group_name: refTo(RdsClusterParameterGroup, 'Database_PrimaryParameterGroup', 'name') });
    expect(synthesized).toHaveResourceWithProperties(RdsCluster, {
      provider: 'aws.west', db_cluster_parameter_group_name: refTo(RdsClusterParameterGroup, 'Database_SecondaryParameterGroup', 'name'),
    });
  });

  test('THEN the replication-lag alarm fires above the region RPO and notifies', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      provider: 'aws.west', metric_name: 'AuroraGlobalDBReplicationLag', threshold: 60000, alarm_actions: [expect.stringContaining('aws_sns_topic.Database_SecondaryAlarmTopic_')],
    });
  });

  test('THEN allowPrimaryFrom admits a client security group to the PostgreSQL port', () => {
    const { stack, database } = synth();
    database.allowPrimaryFrom('App', 'sg-app');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { referenced_security_group_id: 'sg-app', from_port: 5432, to_port: 5432 });
  });

  test('THEN the secondary-region resources are recorded as replicas, the global cluster as global', () => {
    const { stack } = synth({ service: 'orders' });
    const clusters = Object.values(fullResourcesOf(stack, RdsCluster));
    expect(clusters.map((c) => c['//'][HA_METADATA_KEY].role).sort()).toEqual(['primary', 'replica']);
    const global = Object.values(fullResourcesOf(stack, RdsGlobalCluster))[0];
    expect(global['//'][HA_METADATA_KEY]).toEqual(expect.objectContaining({ role: 'global', failureDomain: 'global', service: 'orders' }));
    expect(global.tags).toEqual(expect.objectContaining({ 'ha:role': 'global', 'ha:component': 'GlobalDatabase' }));
  });

  test('WHEN preventDestroy is false THEN lifecycle is left alone and it warns; deletion protection stays', () => {
    const { stack, synthesized } = synth({ preventDestroy: false });
    const global = Object.values(resourcesOf(synthesized, RdsGlobalCluster))[0];
    expect(global.lifecycle).toBeUndefined();
    expect(global.deletion_protection).toBe(true);
    expect(warningsOf(stack)).toContainEqual(expect.stringContaining('[ha-constructs:GlobalDatabase.preventDestroy] preventDestroy is false'));
  });

  test.each([
    [{ secondaryRegion: 'us-east-1' }, 'secondaryProvider.region must not include the primary region us-east-1, got: us-east-1'],
    [{ allowedRegions: ['us-east-1', 'eu-west-1'] }, 'secondaryProvider.region must stay within allowedRegions (us-east-1, eu-west-1), got: us-west-2'],
    [{ primarySubnetIds: ['s-1a', 's-1b'] }, 'primarySubnetIds must list at least 3 subnets (one per AZ) for TIER_1, got: 2'],
    [{ instances: 0 }, 'instances must be an integer of at least 1, got: 0'],
    [{ backupRetentionDays: 40 }, 'backupRetentionDays must be an integer from 1 to 35, got: 40'],
    [{ engineVersion: '${var.engine_version}' }, 'parameterGroupFamily must be set when engineVersion is not a literal Aurora PostgreSQL version (e.g. 16.6), got: ${var.engine_version}'],
  ])('GIVEN %j THEN a clear Error', (extra, message) => {
    expect(() => synth(extra)).toThrow(new Error(message));
  });

  test('GIVEN a secondary provider without a region THEN a clear Error', () => {
    const { stack } = awsStack();
    const noRegion = new AwsProvider(stack, 'noregion', { alias: 'noregion' });
    expect(() => new GlobalDatabase(stack, 'Database', {
      tier: ServiceTier.TIER_1, secondaryProvider: noRegion, engineVersion: '16.6', primaryVpcId: 'v', primarySubnetIds: ['a', 'b', 'c'],
      secondaryVpcId: 'w', secondarySubnetIds: ['d', 'e', 'f'], masterPassword: 'p',
    })).toThrow(new Error('secondaryProvider must set a region, got: a provider without one (alias noregion)'));
  });

  test('snapshot', () => {
    expect(synth().synthesized).toMatchSnapshot();
  });
});
