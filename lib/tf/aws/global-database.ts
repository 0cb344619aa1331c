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
import {
  AuroraInstancePlan,
  FailureDomain,
  HA_METADATA_KEY,
  HaRole,
  planGlobalDatabase,
  PlanWarning,
} from '../../core';
import { HaValidationError } from '../../core/errors';
import { requireInteger } from '../../core/numbers';
import { emitWarnings, throwProblems } from '../diagnostics';
import { HaProps, RegionalProps } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { AccountContext, newCustomerManagedKey } from './private/keys';
import { attachHaMetadata, attachHaMetadataTo, protectFromDestroy, resourcesOfProvider } from './private/metadata';
import { literals, regionOf, requireRegion } from './private/regions';

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
   * Readers of the primary cluster, besides its writer: the instances Aurora fails over to (in about
   * 30 s; without one it must create an instance, which takes minutes). At most 14: the primary's
   * readers and the secondary cluster share Aurora's limit of 15.
   * @default - tier.minAzs − 1 (one per further zone)
   */
  readonly readers?: number;
  /**
   * Instances of the primary cluster, writer included.
   * @default - readers + 1
   * @deprecated use `readers` (instances − 1), the CDK GlobalDatabase's name
   */
  readonly instances?: number;
  /**
   * Readers of the secondary cluster (all its instances are readers until it is promoted), 0 to 16.
   * @default - ACTIVE_ACTIVE: the primary's instances (full capacity once promoted); WARM_STANDBY: 1;
   * PILOT_LIGHT and BACKUP_RESTORE: 0 (a headless secondary: storage replicates, compute is added
   * when failing over)
   */
  readonly secondaryReaders?: number;
  /**
   * Instances of the secondary cluster.
   * @default - see `secondaryReaders`
   * @deprecated use `secondaryReaders` (the same number: a secondary's instances are all readers)
   */
  readonly secondaryInstances?: number;
  /**
   * Days automated backups (point-in-time restore) are kept: from the tier's (at most 35) to 35.
   * @default - tier.backupRetentionDays, at most 35 (a longer tier warns: keep longer copies in a vault)
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
  /**
   * This data set's own region RPO in seconds, looser than the tier's, for data the service can
   * afford to lose more of. It is what `rds.global_db_rpo` blocks commits beyond; at least 20
   * (Aurora's minimum), so a tier with a tighter region RPO (TIER_0) is refused without it. It is
   * also how long the primary keeps committing while the secondary cannot keep up (its region down,
   * or the path to it): looser, writes run through a longer outage, and a failover loses as much more.
   * @default - the tier's region RPO
   */
  readonly rpoObjectiveSeconds?: number;
}

/**
 * An Aurora PostgreSQL global database (Terraform): a primary cluster and a secondary cluster in
 * another region through provider aliases, storage-level replication (typically under 1 s, with no
 * bound) that `rds.global_db_rpo` bounds at the region RPO (the primary blocks commits while the
 * secondary lags more), managed failover or switchover in about a minute.
 *
 * The bound couples the regions: an outage of the secondary's region, or of the path between the
 * two, stops the primary's commits once it has lasted the RPO, until the secondary catches up; the
 * serving region's writes depend on the standby region in series. The HA report counts it: the
 * availability is unproven (the path between regions has no published figure). Aurora blocks the
 * commits only while every secondary lags more, so a second secondary with an instance in a third
 * region (an `aws_rds_cluster` that joins {@link globalCluster}, with an `aws_rds_cluster_instance`)
 * takes it out of series, and the report counts it; this construct builds one secondary, and a
 * headless one does not count (AWS does not say that the managed RPO measures it). A looser
 * `rpoObjectiveSeconds` lets writes run through a longer outage (and loses as much more in a
 * failover); resetting `rds.global_db_rpo` in the primary's parameter group lets commits through on
 * the day, with no bound on the loss, until the next apply.
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

  private readonly port: number;
  private readonly haProps: HaProps;

  constructor(scope: Construct, id: string, props: GlobalDatabaseProps) {
    super(scope, id);
    this.haProps = props;
    const { tier, provider, secondaryProvider } = props;
    this.primaryRegion = regionOf(this, provider);
    this.secondaryRegion = requireRegion('secondaryProvider', secondaryProvider);
    // The deprecated counts of instances, checked as they were; `readers` is what the plan takes.
    if (props.instances !== undefined && !Token.isUnresolved(props.instances)) {
      requireInteger('instances', props.instances, 1);
    }
    const known = (n: number | undefined) => (n === undefined || Token.isUnresolved(n) ? undefined : n);
    const subnetCount = (subnets: string[]) =>
      !Token.isUnresolved(subnets) && literals(subnets).length === subnets.length ? subnets.length : undefined;
    const instanceClass =
      props.instanceClass === undefined || Token.isUnresolved(props.instanceClass) ? undefined : props.instanceClass;
    const backupRetentionDays = known(props.backupRetentionDays);
    const plan = planGlobalDatabase(tier, {
      primary: {
        readers: known(props.readers) ?? (known(props.instances) === undefined ? undefined : props.instances! - 1),
        subnetCount: subnetCount(props.primarySubnetIds),
        backupRetentionDays,
        instanceClass,
        props: { subnets: 'primarySubnetIds', backupRetention: 'backupRetentionDays', instanceClass: 'instanceClass' },
      },
      secondary: {
        readers: known(props.secondaryReaders ?? props.secondaryInstances),
        subnetCount: subnetCount(props.secondarySubnetIds),
        backupRetentionDays,
        instanceClass,
        props: {
          readers:
            props.secondaryReaders === undefined && props.secondaryInstances !== undefined
              ? 'secondaryInstances'
              : 'secondaryReaders',
          subnets: 'secondarySubnetIds',
          backupRetention: 'backupRetentionDays',
          instanceClass: 'instanceClass',
        },
      },
      primaryRegion: this.primaryRegion,
      secondaryRegions: [this.secondaryRegion],
      secondaryRegionsProp: 'secondaryProvider.region',
      allowedRegions: props.allowedRegions,
      rpoObjectiveSeconds: known(props.rpoObjectiveSeconds),
      rpoObjectiveProp: 'rpoObjectiveSeconds',
    });
    throwProblems(plan.problems, this);
    const warnings = [...plan.warnings, ...plan.primary.warnings, ...plan.secondary.warnings];
    emitWarnings(
      this,
      'GlobalDatabase',
      warnings.filter((w: PlanWarning, i) => warnings.findIndex((v) => v.message === w.message) === i),
    );
    this.port = plan.primary.port;
    // A token retention is rendered as given (Terraform checks it at plan time).
    const retention =
      props.backupRetentionDays !== undefined && backupRetentionDays === undefined
        ? props.backupRetentionDays
        : undefined;

    const engine = plan.primary.engine;
    const family = props.parameterGroupFamily ?? parameterGroupFamilyOf(props.engineVersion);
    const dbInstanceClass = props.instanceClass ?? `db.${plan.primary.instanceClass}`;
    const name = `ha-${this.node.addr.slice(0, 20)}`;
    const primaryContext = new AccountContext(this, 'PrimaryAccount', provider);
    const secondaryContext = new AccountContext(this, 'SecondaryAccount', secondaryProvider);
    const primaryKey = newCustomerManagedKey(this, 'PrimaryKey', {
      description: `Encrypts the primary cluster of ${this.node.path}`,
      context: primaryContext,
    });
    const secondaryKey = newCustomerManagedKey(this, 'SecondaryKey', {
      description: `Encrypts the secondary cluster of ${this.node.path}`,
      context: secondaryContext,
    });

    this.globalCluster = new RdsGlobalCluster(this, 'GlobalCluster', {
      provider,
      globalClusterIdentifier: name,
      engine,
      engineVersion: props.engineVersion,
      databaseName: props.databaseName ?? 'app',
      storageEncrypted: plan.primary.storageEncrypted,
      deletionProtection: plan.globalClusterDeletionProtection,
      forceDestroy: false,
    });
    protectFromDestroy(this.globalCluster, props.preventDestroy, this, 'GlobalDatabase');

    const clusterBase = {
      engine,
      engineVersion: props.engineVersion,
      globalClusterIdentifier: this.globalCluster.id,
      storageEncrypted: plan.primary.storageEncrypted,
      deletionProtection: plan.primary.deletionProtection,
      skipFinalSnapshot: false,
      backupRetentionPeriod: retention ?? plan.primary.backupRetentionDays,
      copyTagsToSnapshot: plan.primary.copyTagsToSnapshot,
      iamDatabaseAuthenticationEnabled: plan.primary.iamAuthentication,
      enabledCloudwatchLogsExports: [...plan.primary.logExports],
      port: this.port,
    };

    // A parameter group is regional: each cluster gets one in its region, both refusing plain-text connections.
    // The managed RPO goes in the primary's only: a promoted secondary with no secondary would block every commit.
    const managedRpo = { name: plan.managedRpo.parameter, value: String(plan.managedRpo.seconds) };
    const parameterGroup = (prefix: string, regionProvider: AwsProvider | undefined) =>
      new RdsClusterParameterGroup(this, `${prefix}ParameterGroup`, {
        provider: regionProvider,
        namePrefix: `${name}-${prefix.toLowerCase()}-`,
        family,
        description: 'TLS required for every connection (rds.force_ssl)',
        parameter: [{ name: 'rds.force_ssl', value: '1' }, ...(prefix === 'Primary' ? [managedRpo] : [])],
        // A name prefix makes a replacement group possible before the cluster leaves the old one.
        lifecycle: { createBeforeDestroy: true },
      }).name;

    const primaryNet = this.regionNetwork('Primary', provider, props.primaryVpcId, props.primarySubnetIds);
    this.primarySecurityGroupId = primaryNet.securityGroupId;
    this.primary = new RdsCluster(this, 'Primary', {
      ...clusterBase,
      provider,
      clusterIdentifier: `${name}-primary`,
      databaseName: props.databaseName ?? 'app',
      masterUsername: props.masterUsername ?? 'ha_admin',
      masterPasswordWo: props.masterPassword,
      masterPasswordWoVersion: props.masterPasswordVersion ?? 1,
      dbSubnetGroupName: primaryNet.subnetGroupName,
      dbClusterParameterGroupName: parameterGroup('Primary', provider),
      vpcSecurityGroupIds: [primaryNet.securityGroupId],
      kmsKeyId: primaryKey.arn,
      finalSnapshotIdentifier: `${name}-primary-final`,
    });
    protectFromDestroy(this.primary, props.preventDestroy, this, 'GlobalDatabase');
    const primaryInstances = this.addInstances(
      'Primary',
      provider,
      this.primary,
      plan.primary.instances,
      dbInstanceClass,
      primaryNet.subnetGroupName,
      primaryKey.arn,
    );

    const secondaryNet = this.regionNetwork(
      'Secondary',
      secondaryProvider,
      props.secondaryVpcId,
      props.secondarySubnetIds,
    );
    this.secondarySecurityGroupId = secondaryNet.securityGroupId;
    this.secondary = new RdsCluster(this, 'Secondary', {
      ...clusterBase,
      provider: secondaryProvider,
      clusterIdentifier: `${name}-secondary`,
      dbSubnetGroupName: secondaryNet.subnetGroupName,
      dbClusterParameterGroupName: parameterGroup('Secondary', secondaryProvider),
      vpcSecurityGroupIds: [secondaryNet.securityGroupId],
      kmsKeyId: secondaryKey.arn,
      finalSnapshotIdentifier: `${name}-secondary-final`,
      // A secondary joins once the primary has a writer; after a switchover AWS sets the
      // replication source itself, which Terraform must not try to undo.
      dependsOn: primaryInstances,
      lifecycle: { ignoreChanges: ['replication_source_identifier', 'global_cluster_identifier'] },
    });
    protectFromDestroy(this.secondary, props.preventDestroy, this, 'GlobalDatabase');
    this.addInstances(
      'Secondary',
      secondaryProvider,
      this.secondary,
      plan.secondary.instances,
      dbInstanceClass,
      secondaryNet.subnetGroupName,
      secondaryKey.arn,
    );

    const topicArn =
      props.secondaryAlarmTopicArn ??
      newAlarmTopic(this, 'SecondaryAlarmTopic', `${this.node.path} replication alarms`, secondaryContext).arn;
    const lag = plan.secondary.replicationLagAlarm;
    this.replicationLagAlarm = new CloudwatchMetricAlarm(this, 'ReplicationLagAlarm', {
      provider: secondaryProvider,
      alarmName: `${name}-replication-lag`,
      alarmDescription: `Replication to the secondary of ${this.node.path} lags more than ${tier.name}'s region RPO of ${lag.rpoSeconds} s: a region failover now loses more data than the tier allows`,
      namespace: lag.namespace,
      metricName: lag.metricName,
      // Aurora publishes the lag under the secondary's identifier and the primary's region, together.
      dimensions: {
        DBClusterIdentifier: this.secondary.clusterIdentifier,
        SourceRegion: this.primaryRegion ?? primaryContext.region,
      },
      statistic: lag.statistic,
      period: lag.periodSeconds,
      evaluationPeriods: lag.evaluationPeriods,
      datapointsToAlarm: lag.datapointsToAlarm,
      comparisonOperator: lag.comparison,
      threshold: lag.threshold,
      treatMissingData: lag.treatMissingData,
      alarmActions: [topicArn],
      okActions: [topicArn],
    });

    attachHaMetadataTo([this.globalCluster], this, props, {
      component: 'GlobalDatabase',
      failureDomain: FailureDomain.GLOBAL,
      role: HaRole.GLOBAL,
    });
    attachHaMetadataTo(resourcesOfProvider(this, secondaryProvider), this, props, {
      component: 'GlobalDatabase',
      failureDomain: FailureDomain.REGION,
      role: HaRole.REPLICA,
    });
    attachHaMetadata(this, props, { component: 'GlobalDatabase', failureDomain: FailureDomain.REGION });
    const dataRpoSeconds = known(props.rpoObjectiveSeconds);
    if (dataRpoSeconds !== undefined) {
      // The primary is the store the report reads: its record carries the data set's own objective.
      this.primary.addOverride(`//.${HA_METADATA_KEY}.dataRpoSeconds`, dataRpoSeconds);
    }
  }

  /** Admits a security group of the primary region to the primary cluster's port. */
  public allowPrimaryFrom(id: string, sourceSecurityGroupId: string): void {
    this.allowFrom(
      id,
      this.primarySecurityGroupId,
      sourceSecurityGroupId,
      this.primary.provider as AwsProvider | undefined,
      HaRole.PRIMARY,
    );
  }

  /** Admits a security group of the secondary region to the secondary cluster's port. */
  public allowSecondaryFrom(id: string, sourceSecurityGroupId: string): void {
    this.allowFrom(
      id,
      this.secondarySecurityGroupId,
      sourceSecurityGroupId,
      this.secondary.provider as AwsProvider | undefined,
      HaRole.REPLICA,
    );
  }

  private allowFrom(
    id: string,
    securityGroupId: string,
    source: string,
    provider: AwsProvider | undefined,
    role: HaRole,
  ): void {
    const rule = new VpcSecurityGroupIngressRule(this, id, {
      provider,
      securityGroupId,
      referencedSecurityGroupId: source,
      ipProtocol: 'tcp',
      fromPort: this.port,
      toPort: this.port,
      description: 'PostgreSQL from an allowed client',
    });
    attachHaMetadataTo([rule], this, this.haProps, {
      component: 'GlobalDatabase',
      failureDomain: FailureDomain.REGION,
      role,
    });
  }

  private regionNetwork(prefix: string, provider: AwsProvider | undefined, vpcId: string, subnetIds: string[]) {
    const group = new SecurityGroup(this, `${prefix}SecurityGroup`, {
      provider,
      vpcId,
      description: `${prefix} cluster of ${this.node.path}: clients are admitted one by one`,
    });
    const subnets = new DbSubnetGroup(this, `${prefix}Subnets`, {
      provider,
      namePrefix: `ha-${prefix.toLowerCase()}-`,
      description: `${prefix} cluster of ${this.node.path}`,
      subnetIds,
    });
    return { securityGroupId: group.id, subnetGroupName: subnets.name };
  }

  private addInstances(
    prefix: string,
    provider: AwsProvider | undefined,
    cluster: RdsCluster,
    planned: readonly AuroraInstancePlan[],
    instanceClass: string,
    subnetGroupName: string,
    keyArn: string,
  ): RdsClusterInstance[] {
    return planned.map(
      (instance, i) =>
        new RdsClusterInstance(this, `${prefix}Instance${i + 1}`, {
          provider,
          clusterIdentifier: cluster.id,
          engine: cluster.engine,
          engineVersion: cluster.engineVersion,
          instanceClass,
          dbSubnetGroupName: subnetGroupName,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: true,
          availabilityZone: instance.zone,
          promotionTier: instance.promotionTier,
          performanceInsightsEnabled: true,
          performanceInsightsKmsKeyId: keyArn,
        }),
    );
  }
}

/** `aurora-postgresql16` for `16.6`. */
function parameterGroupFamilyOf(engineVersion: string): string {
  const major = Token.isUnresolved(engineVersion) ? undefined : /^(\d+)(\.\d+)*$/.exec(engineVersion)?.[1];
  if (major === undefined) {
    throw new HaValidationError(
      `parameterGroupFamily must be set when engineVersion is not a literal Aurora PostgreSQL version (e.g. 16.6), got: ${engineVersion}`,
    );
  }
  return `aurora-postgresql${major}`;
}
