import { HaValidationError } from '../../core/errors';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsGlobalCluster } from '@cdktf/provider-aws/lib/rds-global-cluster';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DrStrategy, FailureDomain, HaRole, regionPlacementProblem } from '../../core';
import { HaProps, RegionalProps } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { AccountContext, newCustomerManagedKey } from './private/keys';
import { attachHaMetadata, attachHaMetadataTo, protectFromDestroy, resourcesOfProvider } from './private/metadata';
import { literals, regionOf, requireRegion } from './private/regions';

/** Longest automated-backup retention RDS accepts. */
const RDS_MAX_BACKUP_RETENTION_DAYS = 35;

/** Props of {@link GlobalDatabase}. */
export interface GlobalDatabaseProps extends HaProps, RegionalProps {
  /** Provider of the secondary region (an alias); its `region` must differ from the primary's. */
  readonly secondaryProvider: AwsProvider;
  /** Aurora PostgreSQL engine version (one that Aurora Global Database supports, e.g. `16.6`). */
  readonly engineVersion: string;
  /**
   * Family of the cluster parameter groups (`aurora-postgresql16`); required when `engineVersion`
   * is a Terraform expression.
   * @default - `aurora-postgresql<major>` of `engineVersion`
   */
  readonly parameterGroupFamily?: string;
  /**
   * Instance class of every instance.
   * @default 'db.r6g.large' (the smallest class Aurora Global Database supports)
   */
  readonly instanceClass?: string;
  /** VPC of the primary cluster (its security group lives there). */
  readonly primaryVpcId: string;
  /** Subnets of the primary cluster (isolated subnets), one per AZ; at least `tier.minAzs`. */
  readonly primarySubnetIds: string[];
  /** VPC of the secondary cluster. */
  readonly secondaryVpcId: string;
  /** Subnets of the secondary cluster, one per AZ; at least `tier.minAzs`. */
  readonly secondarySubnetIds: string[];
  /**
   * Name of the database created in the primary.
   * @default 'app'
   */
  readonly databaseName?: string;
  /**
   * Master user name.
   * @default 'ha_admin'
   */
  readonly masterUsername?: string;
  /**
   * Master password, sent through Terraform's write-only `master_password_wo` so it never lands in
   * the state (Aurora cannot manage the password in Secrets Manager for a global database). Pass a
   * sensitive `TerraformVariable`'s value. Write-only arguments need Terraform 1.11 or later.
   */
  readonly masterPassword: string;
  /**
   * Bump to send a new `masterPassword` (write-only arguments are sent only when this changes).
   * @default 1
   */
  readonly masterPasswordVersion?: number;
  /**
   * Instances of the primary cluster: one writer and readers Aurora promotes on failover.
   * @default - tier.minAzs (a reader in every other AZ)
   */
  readonly instances?: number;
  /**
   * Instances of the secondary cluster.
   * @default - ACTIVE_ACTIVE: `instances`; WARM_STANDBY: 1; PILOT_LIGHT and BACKUP_RESTORE: 0 (a headless
   * secondary: storage replicates, compute is added when failing over)
   */
  readonly secondaryInstances?: number;
  /**
   * Days automated backups (point-in-time restore) are kept, 1–35.
   * @default - tier.backupRetentionDays, at most 35
   */
  readonly backupRetentionDays?: number;
  /**
   * ARN of the topic, in the secondary region, the replication-lag alarm notifies.
   * @default - a new encrypted topic in the secondary region
   */
  readonly secondaryAlarmTopicArn?: string;
  /**
   * Whether Terraform refuses to destroy the clusters and the global cluster (`prevent_destroy`).
   * False warns; deletion protection stays on either way.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * An Aurora PostgreSQL global database (Terraform): a primary cluster and a secondary cluster in
 * another region through provider aliases, storage-level replication (typical lag under 1 s),
 * managed failover or switchover in about a minute.
 *
 * Both clusters: encrypted with a customer-managed key of their region, a cluster parameter group
 * per region that refuses connections without TLS (`rds.force_ssl = 1`), deletion protection,
 * `prevent_destroy`, automated backups for the tier's retention, a final snapshot, IAM database
 * authentication, logs exported to CloudWatch, Performance Insights, no public access, a security
 * group that admits only what {@link allowPrimaryFrom} / {@link allowSecondaryFrom} add. A
 * replication-lag alarm fires when lag exceeds the tier's region RPO.
 *
 * Construct ids (public API; stateful ones in bold): **`GlobalCluster`**, **`Primary`**,
 * **`Secondary`**, **`PrimaryKey`**, **`SecondaryKey`**, `PrimaryInstance<n>`, `SecondaryInstance<n>`,
 * `PrimaryParameterGroup`, `SecondaryParameterGroup`, `ReplicationLagAlarm`.
 */
export class GlobalDatabase extends Construct {
  public readonly globalCluster: RdsGlobalCluster;
  public readonly primary: RdsCluster;
  public readonly secondary: RdsCluster;
  public readonly primarySecurityGroupId: string;
  public readonly secondarySecurityGroupId: string;
  /** The primary region (undefined when its provider's region is not known at synthesis). */
  public readonly primaryRegion?: string;
  public readonly secondaryRegion?: string;
  /** Alarm on `AuroraGlobalDBReplicationLag` above the tier's region RPO. */
  public readonly replicationLagAlarm: CloudwatchMetricAlarm;

  private readonly port = 5432;
  private readonly haProps: HaProps;

  constructor(scope: Construct, id: string, props: GlobalDatabaseProps) {
    super(scope, id);
    this.haProps = props;
    const { tier, provider, secondaryProvider } = props;
    this.primaryRegion = regionOf(this, provider);
    this.secondaryRegion = requireRegion('secondaryProvider', secondaryProvider);
    const placement = regionPlacementProblem({
      prop: 'secondaryProvider.region',
      primaryRegion: this.primaryRegion,
      replicaRegions: this.secondaryRegion ? [this.secondaryRegion] : [],
      allowedRegions: props.allowedRegions,
    });
    if (placement) {
      throw new HaValidationError(placement);
    }
    for (const [prop, subnets] of [['primarySubnetIds', props.primarySubnetIds], ['secondarySubnetIds', props.secondarySubnetIds]] as const) {
      if (!Token.isUnresolved(subnets) && literals(subnets).length === subnets.length && subnets.length < tier.minAzs) {
        throw new HaValidationError(`${prop} must list at least ${tier.minAzs} subnets (one per AZ) for ${tier.name}, got: ${subnets.length}`);
      }
    }
    const instances = props.instances ?? tier.minAzs;
    requireCount('instances', instances, 1);
    const secondaryInstances = props.secondaryInstances ?? defaultSecondaryInstances(tier.strategy, instances);
    requireCount('secondaryInstances', secondaryInstances, 0);
    const backupRetentionDays = props.backupRetentionDays ?? Math.min(tier.backupRetentionDays, RDS_MAX_BACKUP_RETENTION_DAYS);
    if (!Number.isInteger(backupRetentionDays) || backupRetentionDays < 1 || backupRetentionDays > RDS_MAX_BACKUP_RETENTION_DAYS) {
      throw new HaValidationError(`backupRetentionDays must be an integer from 1 to ${RDS_MAX_BACKUP_RETENTION_DAYS}, got: ${backupRetentionDays}`);
    }

    const engine = 'aurora-postgresql';
    const family = props.parameterGroupFamily ?? parameterGroupFamilyOf(props.engineVersion);
    const instanceClass = props.instanceClass ?? 'db.r6g.large';
    const primaryContext = new AccountContext(this, 'PrimaryAccount', provider);
    const secondaryContext = new AccountContext(this, 'SecondaryAccount', secondaryProvider);
    const primaryKey = newCustomerManagedKey(this, 'PrimaryKey', { description: `Encrypts the primary cluster of ${this.node.path}`, context: primaryContext });
    const secondaryKey = newCustomerManagedKey(this, 'SecondaryKey', { description: `Encrypts the secondary cluster of ${this.node.path}`, context: secondaryContext });

    this.globalCluster = new RdsGlobalCluster(this, 'GlobalCluster', {
      provider,
      globalClusterIdentifier: `ha-${this.node.addr.slice(0, 20)}`,
      engine,
      engineVersion: props.engineVersion,
      databaseName: props.databaseName ?? 'app',
      storageEncrypted: true,
      deletionProtection: true,
      forceDestroy: false,
    });
    protectFromDestroy(this.globalCluster, props.preventDestroy, this, 'GlobalDatabase');

    const clusterBase = {
      engine,
      engineVersion: props.engineVersion,
      globalClusterIdentifier: this.globalCluster.id,
      storageEncrypted: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      backupRetentionPeriod: backupRetentionDays,
      copyTagsToSnapshot: true,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: ['postgresql'],
      port: this.port,
    };

    // A parameter group is regional: each cluster gets one in its region, both refusing plain-text connections.
    const parameterGroup = (prefix: string, regionProvider: AwsProvider | undefined) => new RdsClusterParameterGroup(this, `${prefix}ParameterGroup`, {
      provider: regionProvider,
      namePrefix: `ha-${this.node.addr.slice(0, 20)}-${prefix.toLowerCase()}-`,
      family,
      description: 'TLS required for every connection (rds.force_ssl)',
      parameter: [{ name: 'rds.force_ssl', value: '1' }],
      // A name prefix makes a replacement group possible before the cluster leaves the old one.
      lifecycle: { createBeforeDestroy: true },
    }).name;

    const primaryNet = this.regionNetwork('Primary', provider, props.primaryVpcId, props.primarySubnetIds);
    this.primarySecurityGroupId = primaryNet.securityGroupId;
    this.primary = new RdsCluster(this, 'Primary', {
      ...clusterBase,
      provider,
      clusterIdentifier: `ha-${this.node.addr.slice(0, 20)}-primary`,
      databaseName: props.databaseName ?? 'app',
      masterUsername: props.masterUsername ?? 'ha_admin',
      masterPasswordWo: props.masterPassword,
      masterPasswordWoVersion: props.masterPasswordVersion ?? 1,
      dbSubnetGroupName: primaryNet.subnetGroupName,
      dbClusterParameterGroupName: parameterGroup('Primary', provider),
      vpcSecurityGroupIds: [primaryNet.securityGroupId],
      kmsKeyId: primaryKey.arn,
      finalSnapshotIdentifier: `ha-${this.node.addr.slice(0, 20)}-primary-final`,
    });
    protectFromDestroy(this.primary, props.preventDestroy, this, 'GlobalDatabase');
    const primaryInstances = this.addInstances('Primary', provider, this.primary, instances, instanceClass, primaryNet.subnetGroupName, primaryKey.arn);

    const secondaryNet = this.regionNetwork('Secondary', secondaryProvider, props.secondaryVpcId, props.secondarySubnetIds);
    this.secondarySecurityGroupId = secondaryNet.securityGroupId;
    this.secondary = new RdsCluster(this, 'Secondary', {
      ...clusterBase,
      provider: secondaryProvider,
      clusterIdentifier: `ha-${this.node.addr.slice(0, 20)}-secondary`,
      dbSubnetGroupName: secondaryNet.subnetGroupName,
      dbClusterParameterGroupName: parameterGroup('Secondary', secondaryProvider),
      vpcSecurityGroupIds: [secondaryNet.securityGroupId],
      kmsKeyId: secondaryKey.arn,
      finalSnapshotIdentifier: `ha-${this.node.addr.slice(0, 20)}-secondary-final`,
      // A secondary joins once the primary has a writer; after a switchover AWS sets the
      // replication source itself, which Terraform must not try to undo.
      dependsOn: primaryInstances,
      lifecycle: { ignoreChanges: ['replication_source_identifier', 'global_cluster_identifier'] },
    });
    protectFromDestroy(this.secondary, props.preventDestroy, this, 'GlobalDatabase');
    this.addInstances('Secondary', secondaryProvider, this.secondary, secondaryInstances, instanceClass, secondaryNet.subnetGroupName, secondaryKey.arn);

    const topicArn = props.secondaryAlarmTopicArn ?? newAlarmTopic(this, 'SecondaryAlarmTopic', `${this.node.path} replication alarms`, secondaryContext).arn;
    this.replicationLagAlarm = new CloudwatchMetricAlarm(this, 'ReplicationLagAlarm', {
      provider: secondaryProvider,
      alarmName: `ha-${this.node.addr.slice(0, 20)}-replication-lag`,
      alarmDescription: `Replication to the secondary of ${this.node.path} lags more than ${tier.name}'s region RPO of ${tier.regionRpoSeconds} s: a region failover now loses more data than the tier allows`,
      namespace: 'AWS/RDS',
      metricName: 'AuroraGlobalDBReplicationLag',
      dimensions: { DBClusterIdentifier: this.secondary.clusterIdentifier },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: tier.regionRpoSeconds * 1000,
      treatMissingData: 'breaching',
      alarmActions: [topicArn],
      okActions: [topicArn],
    });

    attachHaMetadataTo([this.globalCluster], this, props, { component: 'GlobalDatabase', failureDomain: FailureDomain.GLOBAL, role: HaRole.GLOBAL });
    attachHaMetadataTo(resourcesOfProvider(this, secondaryProvider), this, props, { component: 'GlobalDatabase', failureDomain: FailureDomain.REGION, role: HaRole.REPLICA });
    attachHaMetadata(this, props, { component: 'GlobalDatabase', failureDomain: FailureDomain.REGION });
  }

  /** Admits a security group of the primary region to the primary cluster's port. */
  public allowPrimaryFrom(id: string, sourceSecurityGroupId: string): void {
    this.allowFrom(id, this.primarySecurityGroupId, sourceSecurityGroupId, this.primary.provider as AwsProvider | undefined, HaRole.PRIMARY);
  }

  /** Admits a security group of the secondary region to the secondary cluster's port. */
  public allowSecondaryFrom(id: string, sourceSecurityGroupId: string): void {
    this.allowFrom(id, this.secondarySecurityGroupId, sourceSecurityGroupId, this.secondary.provider as AwsProvider | undefined, HaRole.REPLICA);
  }

  private allowFrom(id: string, securityGroupId: string, source: string, provider: AwsProvider | undefined, role: HaRole): void {
    const rule = new VpcSecurityGroupIngressRule(this, id, {
      provider, securityGroupId, referencedSecurityGroupId: source, ipProtocol: 'tcp', fromPort: this.port, toPort: this.port,
      description: 'PostgreSQL from an allowed client',
    });
    attachHaMetadataTo([rule], this, this.haProps, { component: 'GlobalDatabase', failureDomain: FailureDomain.REGION, role });
  }

  private regionNetwork(prefix: string, provider: AwsProvider | undefined, vpcId: string, subnetIds: string[]) {
    const group = new SecurityGroup(this, `${prefix}SecurityGroup`, {
      provider, vpcId, description: `${prefix} cluster of ${this.node.path}: clients are admitted one by one`,
    });
    const subnets = new DbSubnetGroup(this, `${prefix}Subnets`, {
      provider, namePrefix: `ha-${prefix.toLowerCase()}-`, description: `${prefix} cluster of ${this.node.path}`, subnetIds,
    });
    return { securityGroupId: group.id, subnetGroupName: subnets.name };
  }

  private addInstances(prefix: string, provider: AwsProvider | undefined, cluster: RdsCluster, count: number, instanceClass: string, subnetGroupName: string, keyArn: string): RdsClusterInstance[] {
    return Array.from({ length: count }, (_, i) => new RdsClusterInstance(this, `${prefix}Instance${i + 1}`, {
      provider,
      clusterIdentifier: cluster.id,
      engine: cluster.engine,
      engineVersion: cluster.engineVersion,
      instanceClass,
      dbSubnetGroupName: subnetGroupName,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: true,
      // Readers share promotion tier 1 so Aurora fails over to the largest, equally preferred.
      promotionTier: i === 0 ? 0 : 1,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: keyArn,
    }));
  }
}

/** `aurora-postgresql16` for `16.6`. */
function parameterGroupFamilyOf(engineVersion: string): string {
  const major = Token.isUnresolved(engineVersion) ? undefined : /^(\d+)(\.\d+)*$/.exec(engineVersion)?.[1];
  if (major === undefined) {
    throw new HaValidationError(`parameterGroupFamily must be set when engineVersion is not a literal Aurora PostgreSQL version (e.g. 16.6), got: ${engineVersion}`);
  }
  return `aurora-postgresql${major}`;
}

function defaultSecondaryInstances(strategy: DrStrategy, instances: number): number {
  switch (strategy) {
    case DrStrategy.ACTIVE_ACTIVE:
      return instances;
    case DrStrategy.WARM_STANDBY:
      return 1;
    default:
      return 0;
  }
}

function requireCount(prop: string, value: number, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new HaValidationError(`${prop} must be an integer of at least ${min}, got: ${String(value)}`);
  }
}
