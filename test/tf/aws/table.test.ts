import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbContributorInsights } from '@cdktf/provider-aws/lib/dynamodb-contributor-insights';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing } from 'cdktf';
import { HA_METADATA_KEY, ServiceTier } from '../../../lib/core';
import { haSnapshot } from '../../../lib/testing/snapshot';
import { GlobalTable, GlobalTableProps, TableConsistency } from '../../../lib/tf/aws/global-table';
import { awsStack, expectAlarmTopicPolicy, fullResourcesOf, refTo, resourcesOf } from './util';

Testing.setupJest();

function synth(props: Partial<GlobalTableProps> = {}, replicaRegions?: string[]) {
  const { stack, west } = awsStack();
  const replicaProviders = replicaRegions
    ? replicaRegions.map((region, i) => new AwsProvider(stack, `replica${i}`, { region, alias: `replica${i}` }))
    : [west];
  const table = new GlobalTable(stack, 'Sessions', {
    tier: ServiceTier.TIER_1,
    tableName: 'sessions',
    partitionKey: { name: 'pk', type: 'S' },
    replicaProviders,
    ...props,
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
      replica: [
        {
          region_name: 'us-west-2',
          kms_key_arn: refTo(KmsKey, 'Sessions_ReplicaKey-west', 'arn'),
          point_in_time_recovery: true,
          deletion_protection_enabled: true,
          propagate_tags: true,
          consistency_mode: 'EVENTUAL',
        },
      ],
      lifecycle: { prevent_destroy: true },
    });
    expect(synthesized).toHaveResourceWithProperties(KmsKey, {
      provider: 'aws.west',
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('THEN replication latency above the region RPO alarms, per receiving region', () => {
    const { synthesized } = synth();
    const alarm = Object.values(resourcesOf(synthesized, CloudwatchMetricAlarm))[0];
    expect(alarm.threshold).toBe(60000);
    expect(alarm.alarm_actions).toHaveLength(1);
    expect(alarm.metric_query[1].metric).toEqual(
      expect.objectContaining({
        metric_name: 'ReplicationLatency',
        dimensions: { TableName: refTo(DynamodbTable, 'Sessions', 'name'), ReceivingRegion: 'us-west-2' },
      }),
    );
  });

  test('THEN the table is recorded as global and the replica keys as replicas', () => {
    const { stack } = synth();
    const table = Object.values(fullResourcesOf(stack, DynamodbTable))[0];
    expect(table['//'][HA_METADATA_KEY]).toEqual(
      expect.objectContaining({ role: 'global', failureDomain: 'global', component: 'GlobalTable' }),
    );
    const keys = Object.values(fullResourcesOf(stack, KmsKey));
    expect(keys.filter((k) => k.provider === 'aws.west').map((k) => k['//'][HA_METADATA_KEY].role)).toEqual([
      'replica',
    ]);
  });

  test('GIVEN STRONG consistency over three regions THEN every replica is STRONG', () => {
    const { table, synthesized } = synth({ consistency: TableConsistency.STRONG }, ['us-west-2', 'us-east-2']);
    expect(table.consistency).toBe(TableConsistency.STRONG);
    const replicas = Object.values(resourcesOf(synthesized, DynamodbTable))[0].replica;
    expect(replicas.map((r: { consistency_mode: string }) => r.consistency_mode)).toEqual(['STRONG', 'STRONG']);
  });

  test('GIVEN STRONG consistency over two regions and a witness THEN the witness is on the table', () => {
    const { synthesized } = synth({ consistency: TableConsistency.STRONG, witnessRegion: 'us-east-2' });
    expect(synthesized).toHaveResourceWithProperties(DynamodbTable, {
      global_table_witness: { region_name: 'us-east-2' },
    });
  });

  test('THEN Contributor Insights is on in every region, and a TTL attribute passes through', () => {
    const { synthesized } = synth({ timeToLiveAttribute: 'expires' });
    expect(synthesized).toHaveResourceWithProperties(DynamodbTable, {
      ttl: { attribute_name: 'expires', enabled: true },
    });
    const insights = Object.values(resourcesOf(synthesized, DynamodbContributorInsights));
    expect(insights.map((i) => i.provider ?? 'default').sort()).toEqual(['aws.west', 'default']);
    expect(
      Object.values(resourcesOf(synth({ contributorInsights: false }).synthesized, DynamodbContributorInsights)),
    ).toEqual([]);
  });

  test('THEN the alarm reads the maximum per minute, three minutes in a row', () => {
    const alarm = Object.values(resourcesOf(synth().synthesized, CloudwatchMetricAlarm))[0];
    expect(alarm).toMatchObject({ evaluation_periods: 3, datapoints_to_alarm: 3, treat_missing_data: 'notBreaching' });
    expect(alarm.metric_query[1].metric).toMatchObject({ stat: 'Maximum', period: 60 });
    expect(alarm.alarm_description).toContain('lags more than 60 s (the TIER_1 region RPO)');
  });

  // The rules are core's planGlobalTable (test/core/plans/table.test.ts); these prove the engine throws them.
  test.each([
    [
      { replicaProviders: [] },
      undefined,
      'replicaProviders must list at least 1 region for TIER_1 (minRegions 2 including us-east-1), got: 0',
    ],
    [{}, ['us-east-1'], 'replicaProviders must not include the primary region us-east-1, got: us-east-1'],
    [
      { consistency: TableConsistency.STRONG },
      undefined,
      'consistency STRONG needs three regions, or two and a witnessRegion, got: 2 region(s) (us-east-1, us-west-2) and no witnessRegion',
    ],
    [
      { pointInTimeRecoveryDays: 7 },
      undefined,
      "pointInTimeRecoveryDays must be an integer from 35 (TIER_1's backup retention, at most 35) to 35, got: 7",
    ],
    [
      { replicationLatencyThresholdMs: Number.NaN },
      undefined,
      'replicationLatencyThresholdMs must be longer than 0 ms, got: NaN',
    ],
  ])('GIVEN %j and replicas %j THEN a clear Error', (extra, regions, message) => {
    expect(() => synth(extra, regions)).toThrow(new Error(message));
  });

  test("THEN the table is keyed by pk, the replica's insights wait for it, and the alarm takes the worst", () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(DynamodbTable, {
      hash_key: 'pk',
      attribute: [{ name: 'pk', type: 'S' }],
    });
    const insights = Object.values(resourcesOf(synthesized, DynamodbContributorInsights));
    const replica = insights.find((i) => i.provider === 'aws.west')!;
    expect(replica.depends_on).toEqual([expect.stringMatching(/^aws_dynamodb_table\.Sessions_/)]);
    const alarm = Object.values(resourcesOf(synthesized, CloudwatchMetricAlarm))[0];
    expect(alarm.metric_query[0]).toMatchObject({ id: 'worst', return_data: true });
  });

  test('THEN CloudWatch alarms of this account may publish to the topic, over TLS only', () => {
    expectAlarmTopicPolicy(synth().synthesized);
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('HA snapshot', () => {
    expect(haSnapshot(synth().stack.toTerraform())).toMatchSnapshot();
  });
});
