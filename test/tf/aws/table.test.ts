import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing } from 'cdktf';
import { HA_METADATA_KEY, ServiceTier } from '../../../lib/core';
import { GlobalTable, GlobalTableProps, TableConsistency } from '../../../lib/tf/aws/table';
import { awsStack, fullResourcesOf, refTo, resourcesOf } from './util';

Testing.setupJest();

function synth(props: Partial<GlobalTableProps> = {}, replicaRegions?: string[]) {
  const { stack, west } = awsStack();
  const replicaProviders = replicaRegions
    ? replicaRegions.map((region, i) => new AwsProvider(stack, `replica${i}`, { region, alias: `replica${i}` }))
    : [west];
  const table = new GlobalTable(stack, 'Sessions', {
    tier: ServiceTier.TIER_1, tableName: 'sessions', partitionKey: { name: 'pk', type: 'S' }, replicaProviders, ...props,
  });
  return { stack, table, synthesized: Testing.synth(stack) };
}

describe('GlobalTable (Terraform)', () => {
  test('THEN one table with a replica per replica region, each with PITR, deletion protection and its own key', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(DynamodbTable, {
      name: 'sessions',
      billing_mode: 'PAY_PER_REQUEST',
      stream_enabled: true,
      stream_view_type: 'NEW_AND_OLD_IMAGES',
      deletion_protection_enabled: true,
      point_in_time_recovery: { enabled: true, recovery_period_in_days: 35 },
      server_side_encryption: { enabled: true, kms_key_arn: refTo(KmsKey, 'Sessions_Key', 'arn') },
      replica: [{
        region_name: 'us-west-2', kms_key_arn: refTo(KmsKey, 'Sessions_ReplicaKey-west', 'arn'), point_in_time_recovery: true,
        deletion_protection_enabled: true, propagate_tags: true, consistency_mode: 'EVENTUAL',
      }],
      lifecycle: { prevent_destroy: true },
    });
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { provider: 'aws.west', deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
  });

  test('THEN replication latency above the region RPO alarms, per receiving region', () => {
    const { synthesized } = synth();
    const alarm = Object.values(resourcesOf(synthesized, CloudwatchMetricAlarm))[0];
    expect(alarm.threshold).toBe(60000);
    expect(alarm.alarm_actions).toHaveLength(1);
    expect(alarm.metric_query[1].metric).toEqual(expect.objectContaining({ metric_name: 'ReplicationLatency', dimensions: { TableName: refTo(DynamodbTable, 'Sessions', 'name'), ReceivingRegion: 'us-west-2' } }));
  });

  test('THEN the table is recorded as global and the replica keys as replicas', () => {
    const { stack } = synth();
    const table = Object.values(fullResourcesOf(stack, DynamodbTable))[0];
    expect(table['//'][HA_METADATA_KEY]).toEqual(expect.objectContaining({ role: 'global', failureDomain: 'global', component: 'GlobalTable' }));
    const keys = Object.values(fullResourcesOf(stack, KmsKey));
    expect(keys.filter((k) => k.provider === 'aws.west').map((k) => k['//'][HA_METADATA_KEY].role)).toEqual(['replica']);
  });

  test('GIVEN STRONG consistency over three regions THEN every replica is STRONG', () => {
    const { table, synthesized } = synth({ consistency: TableConsistency.STRONG }, ['us-west-2', 'us-east-2']);
    expect(table.consistency).toBe(TableConsistency.STRONG);
    const replicas = Object.values(resourcesOf(synthesized, DynamodbTable))[0].replica;
    expect(replicas.map((r: { consistency_mode: string }) => r.consistency_mode)).toEqual(['STRONG', 'STRONG']);
  });

  test.each([
    [{ replicaProviders: [] }, undefined, 'replicaProviders must list at least 1 region for TIER_1 (minRegions 2), got: 0'],
    [{}, ['us-east-1'], 'replicaProviders must not include the primary region us-east-1, got: us-east-1'],
    [{}, ['us-west-2', 'us-west-2'], 'replicaProviders must not repeat a region, got: us-west-2 more than once'],
    [{ allowedRegions: ['us-east-1', 'eu-west-1'] }, undefined, 'replicaProviders must stay within allowedRegions (us-east-1, eu-west-1), got: us-west-2'],
    [{ consistency: TableConsistency.STRONG }, undefined, 'replicaProviders must list exactly 2 regions for consistency STRONG (multi-region strong consistency spans three regions), got: 1'],
    [{ pointInTimeRecoveryDays: 36 }, undefined, "pointInTimeRecoveryDays must be an integer from 35 (TIER_1's backup retention, at most 35) to 35, got: 36"],
    [{ pointInTimeRecoveryDays: 7 }, undefined, "pointInTimeRecoveryDays must be an integer from 35 (TIER_1's backup retention, at most 35) to 35, got: 7"],
    [{ replicationLatencyThresholdMs: 0 }, undefined, 'replicationLatencyThresholdMs must be a positive number of milliseconds, got: 0'],
    [{ replicationLatencyThresholdMs: -500 }, undefined, 'replicationLatencyThresholdMs must be a positive number of milliseconds, got: -500'],
    [{ replicationLatencyThresholdMs: Number.NaN }, undefined, 'replicationLatencyThresholdMs must be a positive number of milliseconds, got: NaN'],
    [{ replicationLatencyThresholdMs: Number.POSITIVE_INFINITY }, undefined, 'replicationLatencyThresholdMs must be a positive number of milliseconds, got: Infinity'],
  ])('GIVEN %j and replicas %j THEN a clear Error', (extra, regions, message) => {
    expect(() => synth(extra, regions)).toThrow(new Error(message));
  });

  test('snapshot', () => {
    expect(synth().synthesized).toMatchSnapshot();
  });
});
