import { ArnFormat, Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  ENHANCED_MONITORING_SECONDS,
  FailureDomain,
  globalDatabaseManagedRpo,
  HA_METADATA_KEY,
  HaRole,
  planAuroraSecondary,
  planGlobalDatabase,
  PlanProblem,
} from '../core';
import { BACKUP_TAG_KEY, BACKUP_TAG_VALUE } from './backup';
import { ReplicatedDatabase, ReplicatedDatabaseProps } from './database';
import {
  DEFAULT_AURORA_POSTGRES_VERSION,
  DEFAULT_DATABASE_INSTANCE_TYPE,
  GLOBAL_PRIMARY_SCOPES,
  clusterSettings,
  databaseAlarm,
  newClusterParameterGroup,
  newPostgresLogGroup,
  zoneOf,
} from './database-common';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { allowCloudWatchLogs, newCustomerManagedKey } from './private/keys';
import { acknowledgeFindings } from './private/nag';

/**
 * Identifier of the member cluster of `globalClusterIdentifier` in `region`: `<global id>-<region>`.
 * Both {@link GlobalDatabase} and {@link GlobalDatabaseSecondary} name their clusters so by default,
 * so that the primary stack can state every member's ARN without a cross-region reference.
 */
export function globalDatabaseMemberIdentifier(globalClusterIdentifier: string, region: string): string {
  return `${globalClusterIdentifier}-${region}`;
}

function concreteRegion(scope: Construct, construct: string): string {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    throw validationError(
      `${construct} needs a stack with a concrete region (env.region): member clusters are named and checked by region, got an environment-agnostic stack`,
      scope,
    );
  }
  return region;
}

/** Props of {@link GlobalDatabase}. */
export interface GlobalDatabaseProps extends ReplicatedDatabaseProps {
  /**
   * Identifier of the global cluster, which the secondaries join by: lowercase letters, digits and
   * hyphens, at most 48 characters.
   */
  readonly globalClusterIdentifier: string;
  /**
   * Regions that hold a {@link GlobalDatabaseSecondary}: at least `tier.minRegions − 1`, none the
   * primary's, all within `allowedRegions`. The credentials secret is replicated to them too.
   */
  readonly secondaryRegions: string[];
  /**
   * This data set's own region RPO, looser than the tier's, for data the service can afford to lose
   * more of. It is what `rds.global_db_rpo` blocks commits beyond; at least 20 s (Aurora's minimum),
   * so a tier with a tighter region RPO (TIER_0) is refused without it. Recorded in the HA metadata.
   * It is also how long the primary keeps committing while no secondary can keep up (a secondary
   * region down, or the path to it): a looser objective lets writes run through a longer outage of
   * the secondary regions, and loses as much more in an unplanned failover.
   * @default - the tier's region RPO
   */
  readonly rpoObjective?: Duration;
}

/**
 * An Aurora PostgreSQL global database: the primary cluster (a {@link ReplicatedDatabase}) and the
 * `AWS::RDS::GlobalCluster` that secondary clusters in other regions join
 * ({@link GlobalDatabaseSecondary}, one per region in a stack of that region).
 *
 * Storage replicates to the secondaries asynchronously (typically under a second, with no bound);
 * `rds.global_db_rpo` in the primary's cluster parameter group bounds it: the primary blocks commits
 * while every secondary lags more than the region RPO. A managed failover or switchover promotes a
 * secondary in about a minute.
 *
 * The bound couples the regions. Aurora blocks the commits only while every secondary lags more
 * than the RPO, so with one secondary region, an outage of that region, or of the path between the
 * two, stops the primary's commits once it has lasted the RPO (60 s for TIER_1), until the secondary
 * catches up: the serving region's writes depend on the standby region in series. The HA report
 * counts it: with one secondary region, the availability is unproven (the path between regions has
 * no published figure). What takes it out of series: a secondary with a reader in each of two
 * regions (list both in `secondaryRegions`, a {@link GlobalDatabaseSecondary} in each; one within
 * the RPO is enough), at the price of another storage copy, its replicated writes and an instance.
 * A headless secondary (`readers: 0`) does not count: AWS does not say that the managed RPO
 * measures a secondary without an instance, and the report does not count one. What weakens it:
 * a looser `rpoObjective` (a longer outage before writes stop, as much more lost in an unplanned
 * failover). On the day, resetting `rds.global_db_rpo` in the primary's cluster parameter group
 * (its region is healthy) lets commits through with no bound on the loss; the next deployment sets
 * it again. A region drill that cuts the standby's subnets does not show the pause: the replication
 * runs in Aurora's storage layer, outside the VPCs. The credentials secret is replicated to every
 * secondary region by default (each with its own key: see {@link EncryptedSecret} and
 * {@link SecretReplicaKey}), so that the promoted cluster's master password can still be read after
 * the primary region is lost.
 *
 * Deploy order: the replica-key stacks of the secondary regions, then this stack, then the
 * secondary stacks (`secondaryStack.addStackDependency(primaryStack)`).
 *
 * After losing the primary region: fail over with `aws rds failover-global-cluster
 * --global-cluster-identifier <globalClusterIdentifier> --target-db-cluster-identifier <member ARN>
 * --allow-data-loss`, then promote the secret's replica in that region to a standalone secret
 * (`aws secretsmanager stop-replication-to-replica`) before rotating it there.
 *
 * Construct ids (public API): `Resource` (the global cluster), `Primary` (the primary cluster; see
 * {@link ReplicatedDatabase} for its own ids).
 */
export class GlobalDatabase extends Construct {
  /** The primary cluster, its proxy, secret and alarms. */
  public readonly primary: ReplicatedDatabase;
  /** The global cluster. */
  public readonly globalCluster: rds.CfnGlobalCluster;
  /** Identifier of the global cluster (what a failover or switchover names). */
  public readonly globalClusterIdentifier: string;
  /** Region of the primary cluster. */
  public readonly primaryRegion: string;
  /** Regions of the secondary clusters. */
  public readonly secondaryRegions: string[];
  /**
   * ARNs of every member cluster, primary first, secondaries in the order of `secondaryRegions`
   * (the secondaries' by their default identifier, {@link globalDatabaseMemberIdentifier}): what
   * `aws rds failover-global-cluster --target-db-cluster-identifier` takes.
   */
  public readonly memberClusterArns: string[];

  /** Where clients of the primary connect from (see {@link ReplicatedDatabase.connections}). */
  public get connections(): ec2.Connections {
    return this.primary.connections;
  }

  /** Host name clients of the primary connect to (see {@link ReplicatedDatabase.endpoint}). */
  public get endpoint(): string {
    return this.primary.endpoint;
  }

  constructor(scope: Construct, id: string, props: GlobalDatabaseProps) {
    super(scope, id);
    const { tier } = props;
    this.primaryRegion = concreteRegion(this, 'GlobalDatabase');
    this.globalClusterIdentifier = props.globalClusterIdentifier;
    this.secondaryRegions = [...props.secondaryRegions];

    const instanceType = props.instanceType ?? DEFAULT_DATABASE_INSTANCE_TYPE;
    const rpoObjective = props.rpoObjective;
    const dataRpoSeconds =
      rpoObjective === undefined || rpoObjective.isUnresolved()
        ? undefined
        : rpoObjective.toSeconds({ integral: false });
    // The global database's own rules (identifier, regions, class) and the primary's reader limit; the
    // primary ReplicatedDatabase checks the rest of its props itself.
    const plan = planGlobalDatabase(tier, {
      primary: { readers: props.readers, instanceClass: instanceType.toString() },
      globalClusterIdentifier: Token.isUnresolved(props.globalClusterIdentifier)
        ? undefined
        : props.globalClusterIdentifier,
      primaryRegion: this.primaryRegion,
      secondaryRegions: this.secondaryRegions,
      allowedRegions: props.allowedRegions,
      rpoObjectiveSeconds: dataRpoSeconds,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'GlobalDatabase', plan.warnings);

    GLOBAL_PRIMARY_SCOPES.set(this, this.secondaryRegions.length);
    this.primary = new ReplicatedDatabase(this, 'Primary', {
      ...props,
      instanceType,
      clusterIdentifier:
        props.clusterIdentifier ?? globalDatabaseMemberIdentifier(props.globalClusterIdentifier, this.primaryRegion),
      secretReplicaRegions: props.secretReplicaRegions ?? this.secondaryRegions,
    });
    // Only the serving region's group: a promoted secondary with no secondary of its own would block every
    // commit. After a failover (role STANDBY here) the serving GlobalDatabaseSecondary carries it.
    if ((props.role ?? HaRole.PRIMARY) === HaRole.PRIMARY) {
      const parameterGroup = this.primary.node.findChild('ParameterGroup') as rds.ParameterGroup;
      parameterGroup.addParameter(plan.managedRpo.parameter, String(plan.managedRpo.seconds));
    }
    this.globalCluster = new rds.CfnGlobalCluster(this, 'Resource', {
      globalClusterIdentifier: props.globalClusterIdentifier,
      sourceDbClusterIdentifier: this.primary.cluster.clusterArn,
      deletionProtection: plan.globalClusterDeletionProtection,
    });
    // A global cluster has no snapshot of its own (its members do): keep it.
    this.globalCluster.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const stack = Stack.of(this);
    this.memberClusterArns = [
      this.primary.cluster.clusterArn,
      ...this.secondaryRegions.map((region) =>
        stack.formatArn({
          service: 'rds',
          region,
          resource: 'cluster',
          resourceName: globalDatabaseMemberIdentifier(props.globalClusterIdentifier, region),
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    ];

    attachHaMetadata(this, props, {
      component: 'GlobalDatabase',
      failureDomain: FailureDomain.GLOBAL,
      role: HaRole.GLOBAL,
    });
    if (dataRpoSeconds !== undefined) {
      // The report reads the store by the primary cluster's own record (its nested construct's): it carries it.
      const cluster = this.primary.cluster.node.defaultChild as rds.CfnDBCluster;
      cluster.addMetadata(HA_METADATA_KEY, { ...cluster.getMetadata(HA_METADATA_KEY), dataRpoSeconds });
    }
  }

  /** Grants connecting to the primary as `dbUser` with IAM authentication (see {@link ReplicatedDatabase.grantConnect}). */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return this.primary.grantConnect(grantee, dbUser);
  }
}

/** Props of {@link GlobalDatabaseSecondary}. */
export interface GlobalDatabaseSecondaryProps extends HaProps {
  /** The VPC of the secondary cluster. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the cluster: they must span at least `tier.minAzs` zones.
   * @default - the isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Identifier of the global cluster to join (the primary's `globalClusterIdentifier`). */
  readonly globalClusterIdentifier: string;
  /** Region of the primary cluster; the secondary must be in another one. */
  readonly primaryRegion: string;
  /**
   * Aurora PostgreSQL version: the primary's.
   * @default rds.AuroraPostgresEngineVersion.VER_16_8
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;
  /**
   * Instance class of the readers (the size the cluster runs at when promoted).
   * @default ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE)
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Number of reader instances.
   * @default - by strategy: ACTIVE_ACTIVE tier.minAzs (serves reads in every zone and keeps full
   * capacity when promoted), WARM_STANDBY 1 (scaled down), PILOT_LIGHT and BACKUP_RESTORE 0
   * (headless: storage only, instances are added on failover). A headless secondary does not take a
   * managed RPO's coupling out of series (see {@link GlobalDatabase}).
   */
  readonly readers?: number;
  /**
   * Key that encrypts the secondary's storage, Performance Insights and log group (a key of this
   * region). A key you pass must let CloudWatch Logs use it.
   * @default - a new customer-managed key with rotation, retained on delete
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Topic the alarms notify.
   * @default - a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * How long automated backups of the secondary are kept (used once it is promoted).
   * @default - Duration.days(tier.backupRetentionDays)
   */
  readonly backupRetention?: Duration;
  /**
   * Days the exported PostgreSQL log is kept.
   * @default - tier.logRetentionDays
   */
  readonly logRetentionDays?: number;
  /**
   * Whether to tag the cluster `ha:backup` = `true`, so the `BackupPolicy` of its stack backs it up.
   * Off by default: the secondary holds the primary's data, which the primary's policy already backs
   * up and copies; turn it on when this cluster is promoted.
   * @default false
   */
  readonly backupTag?: boolean;
  /**
   * Identifier of the secondary cluster.
   * @default - globalDatabaseMemberIdentifier(globalClusterIdentifier, region)
   */
  readonly clusterIdentifier?: string;
  /**
   * What happens to the cluster when it leaves the stack or is replaced. Anything but SNAPSHOT or
   * RETAIN deletes the copy without a final snapshot, and warns.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * This data set's own region RPO (as on {@link GlobalDatabase}): once this region serves
   * (`role: HaRole.PRIMARY`, after a failover), its cluster carries `rds.global_db_rpo` instead of
   * the former primary's.
   * @default - the tier's region RPO
   */
  readonly rpoObjective?: Duration;
}

/**
 * A secondary cluster of an Aurora global database, in a stack of its own region.
 *
 * Joins the global cluster by identifier, without master credentials (they come from the primary);
 * storage encrypted with a key of this region; deletion protection and a final snapshot; readers by
 * strategy (headless for pilot light); TLS required; IAM authentication; the PostgreSQL log exported
 * to an encrypted log group; an `AuroraGlobalDBReplicationLag` alarm at the tier's region RPO.
 *
 * Construct ids (public API): `Key`, `SecurityGroup`, `SubnetGroup`, `ParameterGroup`, `Logs`,
 * `Resource` (the cluster), `MonitoringRole`, `Reader1`…, `AlarmTopic`, `ReplicationLagAlarm`.
 */
export class GlobalDatabaseSecondary extends Construct {
  /** The secondary cluster. */
  public readonly cluster: rds.CfnDBCluster;
  /** Identifier of the secondary cluster. */
  public readonly clusterIdentifier: string;
  /** ARN of the secondary cluster (the target of a failover or switchover). */
  public readonly clusterArn: string;
  /** Reader endpoint of the secondary cluster (reads in this region). */
  public readonly readerEndpoint: string;
  /** Identifier of the global cluster. */
  public readonly globalClusterIdentifier: string;
  /** The key that encrypts the secondary's storage. */
  public readonly encryptionKey: kms.IKey;
  /** The cluster's security group, with the PostgreSQL port as default. */
  public readonly connections: ec2.Connections;
  /** Number of reader instances (0: headless). */
  public readonly readerCount: number;
  /** Alarm on replication lag above the tier's region RPO. */
  public readonly replicationLagAlarm: cloudwatch.Alarm;
  /** The topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: GlobalDatabaseSecondaryProps) {
    super(scope, id);
    const { tier, vpc } = props;
    const region = concreteRegion(this, 'GlobalDatabaseSecondary');
    this.globalClusterIdentifier = props.globalClusterIdentifier;
    const instanceType = props.instanceType ?? DEFAULT_DATABASE_INSTANCE_TYPE;
    const settings = clusterSettings(this, {
      ...props,
      clusterIdentifier:
        props.clusterIdentifier ?? globalDatabaseMemberIdentifier(props.globalClusterIdentifier, region),
    });
    const plan = planAuroraSecondary(tier, {
      ...settings.intent,
      readers: props.readers,
      instanceClass: instanceType.toString(),
      region,
      primaryRegion: Token.isUnresolved(props.primaryRegion) ? undefined : props.primaryRegion,
      allowedRegions: props.allowedRegions,
      globalClusterIdentifier: Token.isUnresolved(props.globalClusterIdentifier)
        ? undefined
        : props.globalClusterIdentifier,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'GlobalDatabaseSecondary', plan.warnings);
    this.readerCount = plan.readers;
    this.clusterIdentifier = settings.clusterIdentifier;
    const version = props.engineVersion ?? DEFAULT_AURORA_POSTGRES_VERSION;

    this.encryptionKey =
      props.encryptionKey ??
      newCustomerManagedKey(
        this,
        'Key',
        `Encrypts the secondary database ${this.node.path}: storage, Performance Insights and logs`,
      );
    if (!props.encryptionKey) {
      allowCloudWatchLogs(this.encryptionKey, this);
    }
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `Secondary database ${this.node.path}`,
      // A database opens no connections of its own: nothing leaves the group.
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(plan.port) });
    const subnetGroup = new rds.SubnetGroup(this, 'SubnetGroup', {
      vpc,
      vpcSubnets: settings.subnets,
      description: `Subnets of the secondary database ${this.node.path}`,
    });
    const parameterGroup = newClusterParameterGroup(this, 'ParameterGroup', version);
    if (props.role === HaRole.PRIMARY) {
      // The serving region's cluster bounds the data a failover would lose; the same decision as GlobalDatabase's.
      const rpoProblems: PlanProblem[] = [];
      const own =
        props.rpoObjective === undefined || props.rpoObjective.isUnresolved()
          ? undefined
          : props.rpoObjective.toSeconds({ integral: false });
      const managedRpo = globalDatabaseManagedRpo(tier, { rpoObjectiveSeconds: own }, rpoProblems);
      throwProblems(rpoProblems, this);
      parameterGroup.addParameter(managedRpo.parameter, String(managedRpo.seconds));
    }
    const logGroup = newPostgresLogGroup(
      this,
      'Logs',
      settings.clusterIdentifier,
      this.encryptionKey,
      plan.logRetentionDays,
    );

    // No MasterUsername / MasterUserPassword: a secondary takes the primary's users with its storage.
    this.cluster = new rds.CfnDBCluster(this, 'Resource', {
      engine: plan.engine,
      engineVersion: version.auroraPostgresFullVersion,
      globalClusterIdentifier: props.globalClusterIdentifier,
      dbClusterIdentifier: settings.clusterIdentifier,
      dbSubnetGroupName: subnetGroup.subnetGroupName,
      vpcSecurityGroupIds: [securityGroup.securityGroupId],
      dbClusterParameterGroupName: parameterGroup.bindToCluster({}).parameterGroupName,
      port: plan.port,
      storageEncrypted: plan.storageEncrypted,
      kmsKeyId: this.encryptionKey.keyArn,
      deletionProtection: plan.deletionProtection,
      // A token retention is rendered as given (in days, which is what the API takes).
      backupRetentionPeriod: settings.unresolvedBackupRetention?.toDays() ?? plan.backupRetentionDays,
      copyTagsToSnapshot: plan.copyTagsToSnapshot,
      enableIamDatabaseAuthentication: plan.iamAuthentication,
      enableCloudwatchLogsExports: [...plan.logExports],
    });
    this.cluster.applyRemovalPolicy(plan.removalPolicy as RemovalPolicy);
    if (props.backupTag) {
      Tags.of(this.cluster).add(BACKUP_TAG_KEY, BACKUP_TAG_VALUE);
    }
    this.cluster.node.addDependency(logGroup);
    this.clusterArn = Stack.of(this).formatArn({
      service: 'rds',
      resource: 'cluster',
      resourceName: this.cluster.ref,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.readerEndpoint = this.cluster.attrReadEndpointAddress;

    if (plan.instances.length > 0) {
      const monitoringRole = new iam.Role(this, 'MonitoringRole', {
        assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
      });
      acknowledgeFindings(monitoringRole, {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason:
          'Enhanced Monitoring requires the AWS-managed AmazonRDSEnhancedMonitoringRole policy, which AWS keeps in step with what the monitoring agent needs',
      });
      plan.instances.forEach((planned, i) => {
        const reader = new rds.CfnDBInstance(this, `Reader${i + 1}`, {
          dbClusterIdentifier: this.cluster.ref,
          dbInstanceClass: `db.${instanceType.toString()}`,
          engine: plan.engine,
          availabilityZone: zoneOf(planned.zone, settings.zones, i),
          promotionTier: planned.promotionTier,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: true,
          enablePerformanceInsights: true,
          performanceInsightsKmsKeyId: this.encryptionKey.keyArn,
          monitoringInterval: ENHANCED_MONITORING_SECONDS,
          monitoringRoleArn: monitoringRole.roleArn,
        });
        acknowledgeFindings(reader, {
          id: 'NIST.800.53.R5-RDSInBackupPlan',
          reason:
            "an Aurora instance holds no data of its own: the cluster volume is backed up continuously (automated backups with point-in-time recovery for the tier's retention)",
        });
      });
    }

    this.alarmTopic =
      props.alarmTopic ?? newAlarmTopic(this, 'AlarmTopic', `Alarms of the secondary database ${this.node.path}`);
    const lag = plan.replicationLagAlarm;
    // Aurora publishes the lag under the secondary's identifier and the primary's region together.
    this.replicationLagAlarm = databaseAlarm(this, 'ReplicationLagAlarm', {
      metric: {
        namespace: lag.namespace,
        metricName: lag.metricName,
        dimensionsMap: { DBClusterIdentifier: this.cluster.ref, SourceRegion: props.primaryRegion },
      },
      plan: lag,
      description: `Replication from ${props.primaryRegion} to ${this.node.path} lags more than ${lag.rpoSeconds} s, ${tier.name}'s region RPO: a region loss now would lose more writes than the tier allows`,
    });
    notifyOn(this.replicationLagAlarm, this.alarmTopic);

    attachHaMetadata(this, props, {
      component: 'GlobalDatabaseSecondary',
      failureDomain: FailureDomain.REGION,
      role: props.role ?? HaRole.REPLICA,
    });
  }

  /**
   * Grants connecting to this secondary as `dbUser` with IAM authentication (`rds-db:connect`): reads
   * here now, writes once it is promoted.
   */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    if (!Token.isUnresolved(dbUser) && dbUser.trim() === '') {
      throw validationError('dbUser must be a non-empty database user name, got: an empty string', this);
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['rds-db:connect'],
      resourceArns: [
        Stack.of(this).formatArn({
          service: 'rds-db',
          resource: 'dbuser',
          resourceName: `${this.cluster.attrDbClusterResourceId}/${dbUser}`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    });
  }
}
