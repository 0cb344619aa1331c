import { Duration, Fn, Names, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import {
  AURORA_CLUSTER_IDENTIFIER_MAX_LENGTH,
  AURORA_DEFAULT_INSTANCE_CLASS,
  DatabaseAlarmPlan,
  POSTGRES_LOG_EXPORT,
} from '../core';
import { newEncryptedLogGroup } from './private/keys';

export { ENHANCED_MONITORING_SECONDS, POSTGRES_LOG_EXPORT, POSTGRES_PORT } from '../core';

/**
 * Aurora PostgreSQL version a new cluster runs unless told otherwise: a 16.x release that Aurora
 * Global Database, RDS Proxy and hosted rotation all support.
 */
export const DEFAULT_AURORA_POSTGRES_VERSION = rds.AuroraPostgresEngineVersion.VER_16_8;

/** Instance class a new cluster runs unless told otherwise (see core's AURORA_DEFAULT_INSTANCE_CLASS). */
export const DEFAULT_DATABASE_INSTANCE_TYPE = new ec2.InstanceType(AURORA_DEFAULT_INSTANCE_CLASS);

/**
 * The GlobalDatabase constructs whose primary cluster is being built, with their number of secondary
 * regions: that ReplicatedDatabase is one region of a multi-region database, may serve a
 * multi-region tier, and shares Aurora's reader limit with the secondaries.
 */
export const GLOBAL_PRIMARY_SCOPES = new WeakMap<Construct, number>();

/** Options shared by the constructs that build Aurora clusters. */
export interface ClusterSettingsInput {
  readonly backupRetention?: Duration;
  readonly logRetentionDays?: number;
  readonly removalPolicy?: RemovalPolicy;
  readonly clusterIdentifier?: string;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** What every Aurora cluster's props say, in a planner's terms, and what only the engine needs. */
export interface ClusterSettings {
  /** The planner's intent (core's AuroraClusterIntent fields). */
  readonly intent: {
    readonly backupRetentionDays?: number;
    readonly logRetentionDays?: number;
    readonly removalPolicy?: string;
    readonly clusterIdentifier?: string;
    readonly zones?: readonly string[];
  };
  /** The user's retention when it is a token (the plan cannot know it: it is rendered as given). */
  readonly unresolvedBackupRetention?: Duration;
  readonly clusterIdentifier: string;
  readonly subnets: ec2.SubnetSelection;
  /** Distinct zones of the database subnets, in order (tokens when the VPC's zones are). */
  readonly zones: string[];
}

/**
 * Translates what every Aurora cluster of this library shares into a planner's intent: the backup
 * retention in days (unless a token), the cluster identifier (derived from the construct path when
 * not given), and the distinct zones of the database subnets (isolated unless told; undefined
 * while the VPC's zones are tokens).
 */
export function clusterSettings(scope: Construct, input: ClusterSettingsInput): ClusterSettings {
  const retention = input.backupRetention;
  const unresolved = retention !== undefined && retention.isUnresolved();
  const clusterIdentifier =
    input.clusterIdentifier ??
    Names.uniqueResourceName(scope, {
      maxLength: AURORA_CLUSTER_IDENTIFIER_MAX_LENGTH,
      separator: '-',
    })
      .toLowerCase()
      .replace(/^[^a-z]+/, '')
      .replace(/-+/g, '-');
  const subnets = input.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  const zones = [...new Set(input.vpc.selectSubnets(subnets).availabilityZones)];
  return {
    intent: {
      backupRetentionDays: retention === undefined || unresolved ? undefined : retention.toDays({ integral: false }),
      logRetentionDays: input.logRetentionDays,
      removalPolicy: input.removalPolicy,
      clusterIdentifier: Token.isUnresolved(clusterIdentifier) ? undefined : clusterIdentifier,
      zones: zones.some((zone) => Token.isUnresolved(zone)) ? undefined : zones,
    },
    unresolvedBackupRetention: unresolved ? retention : undefined,
    clusterIdentifier,
    subnets,
    zones,
  };
}

/** The backup retention to render: the plan's, or the user's token. */
export function backupRetentionOf(settings: ClusterSettings, planDays: number): Duration {
  return settings.unresolvedBackupRetention ?? Duration.days(planDays);
}

/**
 * The log group Aurora exports the PostgreSQL log to, created by us before the cluster so that it is
 * encrypted with our key, has the tier's retention and is retained (rather than created by RDS without
 * either, or through a log-retention Lambda function).
 */
export function newPostgresLogGroup(
  scope: Construct,
  id: string,
  clusterIdentifier: string,
  key: kms.IKey,
  retentionDays: number,
): logs.LogGroup {
  const group = newEncryptedLogGroup(scope, id, { retentionDays, encryptionKey: key });
  (group.node.defaultChild as logs.CfnLogGroup).logGroupName = Fn.join('', [
    '/aws/rds/cluster/',
    clusterIdentifier,
    `/${POSTGRES_LOG_EXPORT}`,
  ]);
  return group;
}

/** The cluster parameter group: TLS required for every connection. */
export function newClusterParameterGroup(
  scope: Construct,
  id: string,
  version: rds.AuroraPostgresEngineVersion,
): rds.ParameterGroup {
  return new rds.ParameterGroup(scope, id, {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version }),
    description: 'TLS required for every connection (rds.force_ssl)',
    parameters: { 'rds.force_ssl': '1' },
  });
}

/** The zones of a plan's instances as CloudFormation takes them: an unknown zone is the zones of the VPC's subnets by index. */
export function zoneOf(planned: string | undefined, vpcZones: readonly string[], index: number): string | undefined {
  return planned ?? (vpcZones.length > 0 ? vpcZones[index % vpcZones.length] : undefined);
}

/** A CloudWatch alarm as a database plan describes it. */
export function databaseAlarm(
  scope: Construct,
  id: string,
  options: {
    readonly metric: Omit<cloudwatch.MetricProps, 'statistic' | 'period'>;
    readonly plan: DatabaseAlarmPlan;
    readonly description: string;
  },
): cloudwatch.Alarm {
  const { plan } = options;
  return new cloudwatch.Alarm(scope, id, {
    metric: new cloudwatch.Metric({
      ...options.metric,
      statistic: plan.statistic,
      period: Duration.seconds(plan.periodSeconds),
    }),
    threshold: plan.threshold,
    evaluationPeriods: plan.evaluationPeriods,
    datapointsToAlarm: plan.datapointsToAlarm,
    comparisonOperator: plan.comparison as cloudwatch.ComparisonOperator,
    treatMissingData: plan.treatMissingData as cloudwatch.TreatMissingData,
    alarmDescription: options.description,
  });
}
