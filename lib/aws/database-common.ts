import { Annotations, Duration, Fn, Names, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { CLOUDWATCH_LOG_RETENTION_DAYS, ServiceTier, zonePlacementProblem } from '../core';
import { validationError } from './private/errors';
import { newEncryptedLogGroup } from './private/keys';

/**
 * Aurora PostgreSQL version a new cluster runs unless told otherwise: a 16.x release that Aurora
 * Global Database, RDS Proxy and hosted rotation all support.
 */
export const DEFAULT_AURORA_POSTGRES_VERSION = rds.AuroraPostgresEngineVersion.VER_16_8;

/** Instance class a new cluster runs unless told otherwise: memory-optimized, supported by Global Database. */
export const DEFAULT_DATABASE_INSTANCE_TYPE = ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE);

/** Longest automated backup retention Aurora accepts. */
const AURORA_MAX_BACKUP_RETENTION_DAYS = 35;

/**
 * The GlobalDatabase constructs whose primary cluster is being built: that ReplicatedDatabase is
 * one region of a multi-region database, and may serve a multi-region tier.
 */
export const GLOBAL_PRIMARY_SCOPES = new WeakSet<Construct>();

/** PostgreSQL's port, stated so that security group rules name it (a token port hides what is opened). */
export const POSTGRES_PORT = 5432;

/**
 * Enhanced Monitoring granularity: operating-system metrics (memory, swap, per-process CPU) of each
 * instance every minute, which Performance Insights does not give.
 */
export const ENHANCED_MONITORING_SECONDS = 60;

/** The log Aurora PostgreSQL exports to CloudWatch Logs. */
export const POSTGRES_LOG_EXPORT = 'postgresql';

/** Options shared by the constructs that build Aurora clusters. */
export interface ClusterSettingsInput {
  readonly tier: ServiceTier;
  readonly backupRetention?: Duration;
  readonly logRetentionDays?: number;
  readonly removalPolicy?: RemovalPolicy;
  readonly clusterIdentifier?: string;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** What {@link clusterSettings} decides. */
export interface ClusterSettings {
  readonly backupRetentionDays: number;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
  readonly clusterIdentifier: string;
  readonly subnets: ec2.SubnetSelection;
  /** Distinct zones of the database subnets, in order (tokens when the VPC's zones are). */
  readonly zones: string[];
}

/**
 * Validates and defaults what every Aurora cluster of this library shares: backup retention at
 * least the tier's, a log retention CloudWatch accepts, SNAPSHOT on delete unless loosened (with a
 * warning), a valid cluster identifier, and isolated subnets in at least `tier.minAzs` zones.
 */
export function clusterSettings(scope: Construct, component: string, input: ClusterSettingsInput): ClusterSettings {
  const { tier } = input;
  const retention = input.backupRetention ?? Duration.days(tier.backupRetentionDays);
  let backupRetentionDays = tier.backupRetentionDays;
  if (!retention.isUnresolved()) {
    backupRetentionDays = retention.toDays({ integral: false });
    if (!Number.isInteger(backupRetentionDays) || backupRetentionDays < tier.backupRetentionDays || backupRetentionDays > AURORA_MAX_BACKUP_RETENTION_DAYS) {
      throw validationError(`backupRetention must be whole days from ${tier.backupRetentionDays} (the minimum of ${tier.name}) to ${AURORA_MAX_BACKUP_RETENTION_DAYS} (the most Aurora keeps), got: ${retention.toHumanString()}`, scope);
    }
  }
  const logRetentionDays = input.logRetentionDays ?? tier.logRetentionDays;
  if (!CLOUDWATCH_LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw validationError(`logRetentionDays must be one of ${CLOUDWATCH_LOG_RETENTION_DAYS.join(', ')}, got: ${logRetentionDays}`, scope);
  }
  const removalPolicy = input.removalPolicy ?? RemovalPolicy.SNAPSHOT;
  if (removalPolicy !== RemovalPolicy.SNAPSHOT && removalPolicy !== RemovalPolicy.RETAIN) {
    Annotations.of(scope).addWarningV2(`ha-constructs:${component}.removalPolicy`,
      `removalPolicy is ${removalPolicy}: deleting the stack or replacing the cluster deletes the database without a final snapshot`);
  }
  const clusterIdentifier = input.clusterIdentifier
    ?? Names.uniqueResourceName(scope, { maxLength: 63, separator: '-' }).toLowerCase().replace(/^[^a-z]+/, '').replace(/-+/g, '-');
  if (!Token.isUnresolved(clusterIdentifier) && (!/^[a-z](?!.*--)[a-z0-9-]{0,62}$/.test(clusterIdentifier) || clusterIdentifier.endsWith('-'))) {
    throw validationError(`clusterIdentifier must be 1 to 63 lowercase letters, digits or hyphens, start with a letter, and neither end with a hyphen nor hold two in a row, got: ${clusterIdentifier}`, scope);
  }

  const subnets = input.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  const zones = [...new Set(input.vpc.selectSubnets(subnets).availabilityZones)];
  if (!zones.some((zone) => Token.isUnresolved(zone))) {
    const problem = zonePlacementProblem({ prop: 'vpcSubnets', zones, minZones: tier.minAzs, tierName: tier.name });
    if (problem) {
      throw validationError(problem, scope);
    }
  }
  return { backupRetentionDays, logRetentionDays, removalPolicy, clusterIdentifier, subnets, zones };
}

/**
 * The log group Aurora exports the PostgreSQL log to, created by us before the cluster so that it is
 * encrypted with our key, has the tier's retention and is retained (rather than created by RDS without
 * either, or through a log-retention Lambda function).
 */
export function newPostgresLogGroup(scope: Construct, id: string, clusterIdentifier: string, key: kms.IKey, retentionDays: number): logs.LogGroup {
  const group = newEncryptedLogGroup(scope, id, { retentionDays, encryptionKey: key });
  (group.node.defaultChild as logs.CfnLogGroup).logGroupName = Fn.join('', ['/aws/rds/cluster/', clusterIdentifier, `/${POSTGRES_LOG_EXPORT}`]);
  return group;
}

/** The cluster parameter group: TLS required for every connection. */
export function newClusterParameterGroup(scope: Construct, id: string, version: rds.AuroraPostgresEngineVersion): rds.ParameterGroup {
  return new rds.ParameterGroup(scope, id, {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version }),
    description: 'TLS required for every connection (rds.force_ssl)',
    parameters: { 'rds.force_ssl': '1' },
  });
}

/** Zone of the instance at `index`: the writer in the first zone, then one reader per further zone, round robin. */
export function zoneFor(zones: readonly string[], index: number): string | undefined {
  return zones.length > 0 ? zones[index % zones.length] : undefined;
}

/** A one-minute alarm that fires after `periods` breaching minutes in a row. */
export function minuteAlarm(scope: Construct, id: string, options: {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly periods: number;
  readonly description: string;
  /** @default cloudwatch.TreatMissingData.NOT_BREACHING */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    metric: options.metric,
    threshold: options.threshold,
    evaluationPeriods: options.periods,
    datapointsToAlarm: options.periods,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: options.description,
  });
}
