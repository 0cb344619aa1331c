import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import * as fc from 'fast-check';
import { GlobalTable, TableConsistency } from '../../lib/aws/global-table';
import { ServiceTier } from '../../lib/core';
import { GlobalTable as TfGlobalTable, TableConsistency as TfTableConsistency } from '../../lib/tf/aws/global-table';
import { cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * GlobalTable on CloudFormation and on Terraform, from one intent: the same replica regions,
 * consistency and witness, point-in-time recovery, deletion protection, Contributor Insights, TTL
 * and replication-latency alarm, all from core's planGlobalTable.
 */

const PRIMARY = 'us-east-1';
const OTHERS = ['us-west-2', 'us-east-2', 'eu-west-1'];
/** The other regions of us-east-1's MRSC region set, where a STRONG table lives. */
const US_SET = ['us-east-2', 'us-west-2'];

const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    regions: fc.shuffledSubarray(OTHERS, { minLength: 2, maxLength: 3 }),
    usRegions: fc.shuffledSubarray(US_SET, { minLength: 2, maxLength: 2 }),
    // default, EVENTUAL, STRONG over three regions, STRONG over two and a witness
    mode: fc.constantFrom('default', 'EVENTUAL', 'STRONG', 'STRONG_WITNESS'),
    replicaCount: fc.integer({ min: 1, max: 2 }),
    pitrSlack: fc.double({ min: 0, max: 1, noNaN: true }),
    pitrGiven: fc.boolean(),
    latencyMs: fc.option(fc.integer({ min: 1, max: 3_600_000 }), { nil: undefined }),
    contributorInsights: fc.option(fc.boolean(), { nil: undefined }),
    ttl: fc.option(fc.constantFrom('expiresAt', 'ttl'), { nil: undefined }),
  })
  .map((p) => {
    const strong = p.mode.startsWith('STRONG');
    const replicaCount = p.mode === 'STRONG' ? 2 : p.mode === 'STRONG_WITNESS' ? 1 : p.replicaCount;
    const regions = strong ? p.usRegions : p.regions;
    const floor = Math.min(35, p.tier.backupRetentionDays);
    return {
      ...p,
      replicaRegions: regions.slice(0, replicaCount),
      witnessRegion: p.mode === 'STRONG_WITNESS' ? regions[regions.length - 1] : undefined,
      strong,
      pointInTimeRecoveryDays: p.pitrGiven ? Math.round(floor + p.pitrSlack * (35 - floor)) : undefined,
    };
  });
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of one global table, read from either output. */
interface TableValues {
  readonly replicaRegions: readonly string[];
  readonly consistency: unknown;
  readonly witness: unknown;
  readonly pointInTimeRecoveryDays: unknown;
  readonly deletionProtection: readonly unknown[];
  readonly contributorInsightsRegions: number;
  readonly ttl: unknown;
  readonly alarm: readonly unknown[];
  readonly alarmedRegions: readonly string[];
}

function consistencyOf(p: Intent): 'EVENTUAL' | 'STRONG' | undefined {
  return p.mode === 'default' ? undefined : p.strong ? 'STRONG' : 'EVENTUAL';
}

function unique(values: unknown[]): unknown[] {
  return [...new Set(values.map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v));
}

function cdkValues(p: Intent): TableValues {
  const mode = consistencyOf(p);
  const resources = cdkResources(
    (stack) =>
      new GlobalTable(stack, 'Table', {
        tier: p.tier,
        tableName: 'orders',
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        replicaRegions: p.replicaRegions,
        consistency: mode && TableConsistency[mode],
        witnessRegion: p.witnessRegion,
        pointInTimeRecoveryDays: p.pointInTimeRecoveryDays,
        contributorInsights: p.contributorInsights,
        timeToLiveAttribute: p.ttl,
        replicationLatencyThreshold: p.latencyMs === undefined ? undefined : Duration.millis(p.latencyMs),
      }),
    PRIMARY,
  );
  const [table] = cfnOfType(resources, 'AWS::DynamoDB::GlobalTable');
  const replicas = table.Replicas as Record<string, unknown>[];
  const primary = replicas.find((r) => r.Region === PRIMARY)!;
  const alarms = cfnOfType(resources, 'AWS::CloudWatch::Alarm');
  const witnesses = table.GlobalTableWitnesses as { Region: string }[] | undefined;
  return {
    replicaRegions: replicas
      .map((r) => String(r.Region))
      .filter((r) => r !== PRIMARY)
      .sort(),
    consistency: table.MultiRegionConsistency,
    witness: witnesses?.[0]?.Region,
    pointInTimeRecoveryDays: (primary.PointInTimeRecoverySpecification as Record<string, unknown>).RecoveryPeriodInDays,
    deletionProtection: unique(replicas.map((r) => r.DeletionProtectionEnabled)),
    contributorInsightsRegions: replicas.filter(
      (r) => (r.ContributorInsightsSpecification as { Enabled: boolean }).Enabled,
    ).length,
    ttl: (table.TimeToLiveSpecification as { AttributeName?: string } | undefined)?.AttributeName,
    alarm: unique(
      alarms.map((a) => [
        a.Threshold,
        a.ComparisonOperator,
        a.EvaluationPeriods,
        a.DatapointsToAlarm,
        a.Statistic,
        a.Period,
        a.TreatMissingData,
      ]),
    ),
    alarmedRegions: alarms
      .map((a) =>
        String((a.Dimensions as { Name: string; Value: string }[]).find((d) => d.Name === 'ReceivingRegion')!.Value),
      )
      .sort(),
  };
}

function tfValues(p: Intent): TableValues {
  const mode = consistencyOf(p);
  const json = tfJson(
    (stack) =>
      new TfGlobalTable(stack, 'Table', {
        tier: p.tier,
        tableName: 'orders',
        partitionKey: { name: 'pk', type: 'S' },
        replicaProviders: p.replicaRegions.map(
          (region) => new AwsProvider(stack, `aws-${region}`, { region, alias: region.replace(/-/g, '') }),
        ),
        consistency: mode && TfTableConsistency[mode],
        witnessRegion: p.witnessRegion,
        pointInTimeRecoveryDays: p.pointInTimeRecoveryDays,
        contributorInsights: p.contributorInsights,
        timeToLiveAttribute: p.ttl,
        replicationLatencyThresholdMs: p.latencyMs,
      }),
  );
  const [table] = tfOfType(json, 'aws_dynamodb_table');
  const replicas = table.replica as Record<string, unknown>[];
  const [alarm] = tfOfType(json, 'aws_cloudwatch_metric_alarm');
  const metrics = (alarm.metric_query as { metric?: Record<string, unknown> }[])
    .filter((q) => q.metric)
    .map((q) => q.metric!);
  return {
    replicaRegions: replicas.map((r) => String(r.region_name)).sort(),
    consistency: unique(replicas.map((r) => r.consistency_mode))[0],
    witness: (table.global_table_witness as { region_name: string } | undefined)?.region_name,
    pointInTimeRecoveryDays: (table.point_in_time_recovery as Record<string, unknown>).recovery_period_in_days,
    deletionProtection: unique([
      table.deletion_protection_enabled,
      ...replicas.map((r) => r.deletion_protection_enabled),
    ]),
    contributorInsightsRegions: tfOfType(json, 'aws_dynamodb_contributor_insights').length,
    ttl: (table.ttl as { attribute_name?: string } | undefined)?.attribute_name,
    alarm: unique(
      metrics.map((m) => [
        alarm.threshold,
        'GreaterThanThreshold',
        alarm.evaluation_periods,
        alarm.datapoints_to_alarm,
        m.stat,
        m.period,
        alarm.treat_missing_data,
      ]),
    ),
    alarmedRegions: metrics.map((m) => String((m.dimensions as Record<string, string>).ReceivingRegion)).sort(),
  };
}

test.each(intents(intent).map((p, i) => [i, p] as const))(
  'intent %i: the CDK global table and its Terraform twin render the same plan',
  (_, p) => {
    const cdk = cdkValues(p);
    expect(tfValues(p)).toEqual(cdk);
    // And the values are the plan's, not defaults that happen to agree.
    expect(cdk.replicaRegions).toEqual([...p.replicaRegions].sort());
    expect(cdk.consistency).toBe(p.strong ? 'STRONG' : 'EVENTUAL');
    expect(cdk.witness).toBe(p.witnessRegion);
    expect(cdk.pointInTimeRecoveryDays).toBe(p.pointInTimeRecoveryDays ?? Math.min(35, p.tier.backupRetentionDays));
    expect(cdk.alarm[0]).toEqual(expect.arrayContaining([p.latencyMs ?? p.tier.regionRpoSeconds * 1000, 'Maximum']));
    expect(cdk.contributorInsightsRegions).toBe(p.contributorInsights === false ? 0 : p.replicaRegions.length + 1);
  },
);

test('the sample covers every consistency mode, a witness, a TTL, a threshold of the user and insights off', () => {
  const sample = intents(intent);
  expect(new Set(sample.map((p) => p.mode))).toEqual(new Set(['default', 'EVENTUAL', 'STRONG', 'STRONG_WITNESS']));
  expect(
    sample.some((p) => p.ttl) && sample.some((p) => p.latencyMs) && sample.some((p) => p.contributorInsights === false),
  ).toBe(true);
});
