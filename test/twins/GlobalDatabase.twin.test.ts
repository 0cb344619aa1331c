import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import * as fc from 'fast-check';
import { GlobalDatabase, GlobalDatabaseSecondary } from '../../lib/aws/global-database';
import { DrStrategy, ServiceTier } from '../../lib/core';
import { GlobalDatabase as TfGlobalDatabase } from '../../lib/tf/aws/global-database';
import { CfnResource, cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * GlobalDatabase on CloudFormation (a GlobalDatabase in the primary's stack and a
 * GlobalDatabaseSecondary in the secondary's) and on Terraform (one GlobalDatabase over two
 * providers), from one intent: the same instances per cluster and their promotion tiers, the same
 * backup retention, encryption, deletion protection, IAM authentication, port and log exports on
 * both clusters, the same protected global cluster, and the same replication-lag alarm (metric,
 * dimensions, statistic, period, evaluation, threshold, comparison, missing data). All come from
 * core's planGlobalDatabase.
 */

/** A tier that keeps backups longer than Aurora does (90 days): both engines keep 35 and warn. */
const LONG_BACKUPS = ServiceTier.custom({
  name: 'ARCHIVE',
  strategy: DrStrategy.PILOT_LIGHT,
  availabilityTarget: 0.999,
  minAzs: 2,
  minRegions: 2,
  azRtoSeconds: 300,
  azRpoSeconds: 0,
  regionRtoSeconds: 3600,
  regionRpoSeconds: 900,
  backupRetentionDays: 90,
});

const intent = fc
  .constantFrom(...ServiceTier.BUILT_IN.filter((t) => t.isMultiRegion), LONG_BACKUPS)
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      readers: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      secondaryReaders: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      backupRetentionDays: fc.option(fc.integer({ min: Math.min(tier.backupRetentionDays, 35), max: 35 }), {
        nil: undefined,
      }),
    }),
  )
  .map((p) => ({
    ...p,
    // The CDK secondary, in a stack of its own region, cannot see the primary's readers that an
    // active/active secondary matches by default: an intent that sets them sets the secondary's too.
    secondaryReaders:
      p.secondaryReaders ?? (p.tier.allRegionsServe && p.readers !== undefined ? p.readers + 1 : undefined),
  }));
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of a global database, read from either output. */
interface GlobalDatabaseValues {
  /** Promotion tiers of the primary's instances, then of the secondary's, each sorted. */
  readonly instances: { readonly primary: number[]; readonly secondary: number[] };
  /** Per cluster (primary, secondary): backup days, encrypted, deletion protection, IAM auth, port, log exports. */
  readonly clusters: readonly unknown[][];
  readonly globalClusterDeletionProtection: unknown;
  /** Namespace, metric, dimension names, statistic, period, evaluation periods, datapoints, threshold, comparison, missing data. */
  readonly lagAlarm: readonly unknown[];
  /** rds.global_db_rpo of the primary's parameter group, then of the secondary's. */
  readonly managedRpo: readonly unknown[];
}

/** TIER_0's 1 s is below rds.global_db_rpo's 20 s: the data set states the objective Aurora can hold. */
const ownRpoSeconds = (p: Intent) => (p.tier.regionRpoSeconds < 20 ? 20 : undefined);

function vpcIn(stack: Stack): ec2.IVpc {
  return new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['a', 'b', 'c'].map((z) => `${stack.region}${z}`),
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}

const backup = (p: Intent) => (p.backupRetentionDays === undefined ? undefined : Duration.days(p.backupRetentionDays));

function cdkValues(p: Intent): GlobalDatabaseValues {
  const primary = cdkResources((stack) => {
    new GlobalDatabase(stack, 'Db', {
      tier: p.tier,
      service: 'orders',
      vpc: vpcIn(stack),
      globalClusterIdentifier: 'orders',
      secondaryRegions: ['us-west-2'],
      readers: p.readers,
      backupRetention: backup(p),
      rpoObjective: ownRpoSeconds(p) === undefined ? undefined : Duration.seconds(20),
    });
  });
  const secondary = cdkResources((stack) => {
    new GlobalDatabaseSecondary(stack, 'Db', {
      tier: p.tier,
      service: 'orders',
      vpc: vpcIn(stack),
      globalClusterIdentifier: 'orders',
      primaryRegion: 'us-east-1',
      readers: p.secondaryReaders,
      backupRetention: backup(p),
    });
  }, 'us-west-2');
  const tiers = (resources: Record<string, CfnResource>) =>
    cfnOfType(resources, 'AWS::RDS::DBInstance')
      .map((i) => Number(i.PromotionTier))
      .sort();
  const cluster = (c: Record<string, unknown>) => [
    c.BackupRetentionPeriod,
    c.StorageEncrypted,
    c.DeletionProtection,
    c.EnableIAMDatabaseAuthentication,
    Number(c.Port),
    c.EnableCloudwatchLogsExports,
  ];
  const [alarm] = cfnOfType(secondary, 'AWS::CloudWatch::Alarm').filter(
    (a) => a.MetricName === 'AuroraGlobalDBReplicationLag',
  );
  return {
    instances: { primary: tiers(primary), secondary: tiers(secondary) },
    clusters: [...cfnOfType(primary, 'AWS::RDS::DBCluster'), ...cfnOfType(secondary, 'AWS::RDS::DBCluster')].map(
      cluster,
    ),
    globalClusterDeletionProtection: cfnOfType(primary, 'AWS::RDS::GlobalCluster')[0].DeletionProtection,
    managedRpo: [primary, secondary].map(
      (r) =>
        cfnOfType(r, 'AWS::RDS::DBClusterParameterGroup').map(
          (g) => (g.Parameters as Record<string, unknown>)['rds.global_db_rpo'],
        )[0],
    ),
    lagAlarm: [
      alarm.Namespace,
      alarm.MetricName,
      (alarm.Dimensions as { Name: string }[]).map((d) => d.Name).sort(),
      alarm.Statistic,
      alarm.Period,
      alarm.EvaluationPeriods,
      alarm.DatapointsToAlarm,
      alarm.Threshold,
      alarm.ComparisonOperator,
      alarm.TreatMissingData,
    ],
  };
}

function tfValues(p: Intent): GlobalDatabaseValues {
  const json = tfJson((stack) => {
    new TfGlobalDatabase(stack, 'Db', {
      tier: p.tier,
      service: 'orders',
      secondaryProvider: new AwsProvider(stack, 'west', { region: 'us-west-2', alias: 'west' }),
      engineVersion: '16.6',
      primaryVpcId: 'vpc-east',
      primarySubnetIds: ['s-1a', 's-1b', 's-1c'],
      secondaryVpcId: 'vpc-west',
      secondarySubnetIds: ['s-2a', 's-2b', 's-2c'],
      masterPassword: 'from-a-variable-in-real-use',
      readers: p.readers,
      secondaryReaders: p.secondaryReaders,
      backupRetentionDays: p.backupRetentionDays,
      rpoObjectiveSeconds: ownRpoSeconds(p),
    });
  });
  const instances = tfOfType(json, 'aws_rds_cluster_instance');
  const tiers = (west: boolean) =>
    instances
      .filter((i) => (i.provider === 'aws.west') === west)
      .map((i) => Number(i.promotion_tier))
      .sort();
  const clusters = tfOfType(json, 'aws_rds_cluster').sort(
    (a, b) => Number(a.provider === 'aws.west') - Number(b.provider === 'aws.west'),
  );
  const [alarm] = tfOfType(json, 'aws_cloudwatch_metric_alarm').filter(
    (a) => a.metric_name === 'AuroraGlobalDBReplicationLag',
  );
  return {
    instances: { primary: tiers(false), secondary: tiers(true) },
    clusters: clusters.map((c) => [
      c.backup_retention_period,
      c.storage_encrypted,
      c.deletion_protection,
      c.iam_database_authentication_enabled,
      Number(c.port),
      c.enabled_cloudwatch_logs_exports,
    ]),
    globalClusterDeletionProtection: tfOfType(json, 'aws_rds_global_cluster')[0].deletion_protection,
    managedRpo: tfOfType(json, 'aws_rds_cluster_parameter_group')
      .sort((a, b) => Number(a.provider === 'aws.west') - Number(b.provider === 'aws.west'))
      .map(
        (g) => (g.parameter as { name: string; value: string }[]).find((x) => x.name === 'rds.global_db_rpo')?.value,
      ),
    lagAlarm: [
      alarm.namespace,
      alarm.metric_name,
      Object.keys(alarm.dimensions as object).sort(),
      alarm.statistic,
      alarm.period,
      alarm.evaluation_periods,
      alarm.datapoints_to_alarm,
      alarm.threshold,
      alarm.comparison_operator,
      alarm.treat_missing_data,
    ],
  };
}

describe('GlobalDatabase twins', () => {
  const drawn = intents(intent);

  test.each(drawn.map((p, i) => [i, p] as const))(
    'intent %i: the CDK and Terraform global databases render the same HA values',
    (_, p) => {
      const cdk = cdkValues(p);
      expect(tfValues(p)).toEqual(cdk);
      // What is compared is what the plan fixes: a writer first, then the readers.
      expect(cdk.instances.primary[0]).toBe(0);
    },
  );

  test('the sample covers every tier, defaults and explicit counts, and a headless secondary', () => {
    expect(new Set(drawn.map((p) => p.tier.name)).size).toBe(4);
    expect(drawn.some((p) => p.readers === undefined) && drawn.some((p) => p.readers !== undefined)).toBe(true);
    expect(
      drawn.some((p) => p.backupRetentionDays === undefined) && drawn.some((p) => p.backupRetentionDays !== undefined),
    ).toBe(true);
    expect(drawn.some((p) => cdkValues(p).instances.secondary.length === 0)).toBe(true);
  });
});
