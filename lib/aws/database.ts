import { Duration, Names, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  AuroraInstancePlan,
  ENHANCED_MONITORING_SECONDS,
  FailureDomain,
  PlanProblem,
  planAuroraCluster,
  regionPlacementProblem,
} from '../core';
import { BACKUP_TAG_KEY, BACKUP_TAG_VALUE } from './backup';
import {
  DEFAULT_AURORA_POSTGRES_VERSION,
  DEFAULT_DATABASE_INSTANCE_TYPE,
  GLOBAL_PRIMARY_SCOPES,
  backupRetentionOf,
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
import { EncryptedSecret } from './secret';
import { acknowledgeFindings } from './private/nag';

/**
 * Characters the generated master password leaves out: those PostgreSQL connection strings, shells
 * and the RDS API treat specially (the set aws-cdk-lib's DatabaseSecret uses).
 */
const PASSWORD_EXCLUDE_CHARACTERS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';

/** Props of {@link ReplicatedDatabase}. */
export interface ReplicatedDatabaseProps extends HaProps {
  /** The VPC the cluster lives in. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the cluster and the proxy: they must span at least `tier.minAzs` zones.
   * @default - the isolated subnets (no route to or from the internet)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Aurora PostgreSQL version.
   * @default rds.AuroraPostgresEngineVersion.VER_16_8
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;
  /**
   * Instance class of the writer and the readers (readers are failover targets: same size).
   * @default ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE)
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Number of readers, each in another zone than the writer where zones allow. A failover to a
   * reader takes about 30 s; without one Aurora must create a new instance, which takes minutes.
   * @default - tier.minAzs − 1 (two for TIER_0 and TIER_1, one for TIER_2 and TIER_3)
   */
  readonly readers?: number;
  /**
   * Name of the database created in the cluster.
   * @default - none (only the `postgres` database)
   */
  readonly databaseName?: string;
  /**
   * Master user name.
   * @default 'postgres'
   */
  readonly masterUsername?: string;
  /**
   * RDS Proxy in front of the cluster: connection pooling, and failovers that clients do not see
   * through DNS (the proxy follows the writer itself).
   * @default - true for tiers that promise static stability (TIER_0, TIER_1)
   */
  readonly proxy?: boolean;
  /**
   * Topic the alarms notify.
   * @default - a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * How long automated backups (point-in-time recovery) are kept: at least the tier's, at most 35 days.
   * @default - Duration.days(tier.backupRetentionDays)
   */
  readonly backupRetention?: Duration;
  /**
   * Days the exported PostgreSQL log is kept.
   * @default - tier.logRetentionDays
   */
  readonly logRetentionDays?: number;
  /**
   * Key that encrypts storage, Performance Insights and the log group. A key you pass must let
   * CloudWatch Logs use it.
   * @default - a new customer-managed key with rotation, retained on delete
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The instances' `max_connections`, when you set it in a parameter group or use an instance class
   * whose memory this library does not know; the connection alarms fire at 80% of it.
   * @default - Aurora PostgreSQL's default for the instance class
   */
  readonly maxConnections?: number;
  /**
   * Average time the proxy may take to hand out a pooled connection before it alarms (a pool that
   * makes clients wait is exhausted).
   * @default Duration.millis(100)
   */
  readonly proxyBorrowLatencyThreshold?: Duration;
  /**
   * Regions the credentials secret is replicated to (see {@link EncryptedSecret}).
   * @default - none
   */
  readonly secretReplicaRegions?: string[];
  /**
   * Keys of the secret's replica regions (see {@link EncryptedSecretProps.replicaKeys}).
   * @default - the key aliased `secretReplicaKeyAlias(service)` in each replica region
   */
  readonly secretReplicaKeys?: Record<string, kms.IKey>;
  /**
   * How often the master password rotates.
   * @default Duration.days(30)
   */
  readonly rotateAfter?: Duration;
  /**
   * Whether to tag the cluster `ha:backup` = `true`, so the stack's `BackupPolicy` backs it up
   * (copies to another region, restore tests). Only the cluster is tagged: AWS Backup protects an
   * Aurora cluster, not its instances.
   * @default true
   */
  readonly backupTag?: boolean;
  /**
   * Identifier of the cluster (also names its log group `/aws/rds/cluster/<id>/postgresql`).
   * @default - derived from the construct path
   */
  readonly clusterIdentifier?: string;
  /**
   * What happens to the cluster when it leaves the stack or is replaced. Anything but SNAPSHOT or
   * RETAIN deletes the data without a final snapshot, and warns.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An Aurora PostgreSQL cluster that survives the loss of an availability zone without losing a
 * committed write.
 *
 * A writer and `readers` readers in distinct zones of isolated subnets; storage, Performance
 * Insights and logs encrypted with a customer-managed key; deletion protection and a final snapshot
 * on delete or replacement; backups kept as long as the tier says; TLS required (`rds.force_ssl`);
 * IAM authentication; the PostgreSQL log exported to an encrypted log group with a retention;
 * master credentials in an {@link EncryptedSecret} that rotates (hosted rotation); RDS Proxy in front
 * for tiers that promise static stability; alarms on connection-pool exhaustion.
 *
 * One region's cluster: for a tier whose strategy keeps more than one region use
 * {@link GlobalDatabase}, which builds this cluster as its primary. On such a tier a
 * ReplicatedDatabase of its own is refused: it would fail HA-DR1 (no copy outside the region).
 *
 * Construct ids (public API): `Key`, `Credentials`, `ParameterGroup`, `Logs`, `Cluster` (the
 * cluster, its `Writer` and `Reader1`…), `Proxy`, `ProxyReaderEndpoint`, `AlarmTopic`, `WriterConnectionsAlarm`,
 * `ReaderConnectionsAlarm`, `ProxyBorrowLatencyAlarm`. Reader instances are numbered: they hold no
 * data of their own (Aurora keeps it in the cluster volume), so renumbering only replaces a reader.
 */
export class ReplicatedDatabase extends Construct {
  /** The cluster. */
  public readonly cluster: rds.DatabaseCluster;
  /** The proxy, when there is one: connect to it rather than to the cluster. */
  public readonly proxy?: rds.DatabaseProxy;
  /** The proxy's role, when there is a proxy. */
  public readonly proxyRole?: iam.IRole;
  /** The master credentials. */
  public readonly secret: EncryptedSecret;
  /** The key that encrypts storage, Performance Insights and the log group. */
  public readonly encryptionKey: kms.IKey;
  /** Where clients connect from: the proxy's security group when there is a proxy, else the cluster's. */
  public readonly connections: ec2.Connections;
  /** Host name clients connect to: the proxy's endpoint when there is one, else the writer endpoint. */
  public readonly endpoint: string;
  /**
   * Host name for read-only queries, spread over the readers: the proxy's read-only endpoint when
   * there is a proxy and readers, else the cluster's reader endpoint.
   */
  public readonly readerEndpoint: string;
  /** Port of the cluster and the proxy. */
  public readonly port: number;
  /** Number of reader instances. */
  public readonly readerCount: number;
  /** The `max_connections` the connection alarms are computed from. */
  public readonly maxConnections: number;
  /** The alarms (all notify `alarmTopic`). */
  public readonly alarms: cloudwatch.Alarm[];
  /** The topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: ReplicatedDatabaseProps) {
    super(scope, id);
    const { tier, vpc } = props;
    const settings = clusterSettings(this, props);
    const version = props.engineVersion ?? DEFAULT_AURORA_POSTGRES_VERSION;
    const instanceType = props.instanceType ?? DEFAULT_DATABASE_INSTANCE_TYPE;
    const borrow = props.proxyBorrowLatencyThreshold;
    const plan = planAuroraCluster(tier, {
      ...settings.intent,
      readers: props.readers,
      instanceClass: instanceType.toString(),
      maxConnections: props.maxConnections,
      alarmsOnConnections: true,
      proxy: props.proxy,
      proxyBorrowLatencyMillis:
        borrow === undefined || borrow.isUnresolved() ? undefined : borrow.toMilliseconds({ integral: false }),
      globalSecondaryRegions: GLOBAL_PRIMARY_SCOPES.get(scope),
    });
    // Where the credentials secret is copied is the secret's own placement rule (core's), checked here
    // so that the database refuses it before building anything.
    const stackRegion = Stack.of(this).region;
    const secretPlacement = regionPlacementProblem({
      prop: 'secretReplicaRegions',
      primaryRegion: Token.isUnresolved(stackRegion) ? undefined : stackRegion,
      replicaRegions: (props.secretReplicaRegions ?? []).filter((r) => !Token.isUnresolved(r)),
      allowedRegions: props.allowedRegions,
    });
    const secretProblems: PlanProblem[] = secretPlacement
      ? [{ prop: 'secretReplicaRegions', message: secretPlacement }]
      : [];
    throwProblems([...plan.problems, ...secretProblems], this);
    emitWarnings(this, 'ReplicatedDatabase', plan.warnings);
    this.readerCount = plan.readers;
    this.maxConnections = plan.maxConnections!;

    this.encryptionKey =
      props.encryptionKey ??
      newCustomerManagedKey(
        this,
        'Key',
        `Encrypts the database ${this.node.path}: storage, Performance Insights and logs`,
      );
    if (!props.encryptionKey) {
      allowCloudWatchLogs(this.encryptionKey, this);
    }

    // The rotation function calls the Secrets Manager API: it runs where there is egress (private
    // subnets) and reaches the cluster inside the VPC; isolated subnets need an interface endpoint.
    const rotationSubnets =
      vpc.privateSubnets.length > 0 ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : settings.subnets;
    if (vpc.privateSubnets.length === 0) {
      emitWarnings(this, 'ReplicatedDatabase', [
        {
          id: 'rotation',
          message:
            'the VPC has no private subnets with egress: the rotation function runs in the database subnets and reaches Secrets Manager only through a secretsmanager interface endpoint',
        },
      ]);
    }
    const hostedRotation = secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc, vpcSubnets: rotationSubnets });
    this.secret = new EncryptedSecret(this, 'Credentials', {
      tier,
      service: props.service,
      role: props.role,
      allowedRegions: props.allowedRegions,
      description: `Master credentials of the database ${this.node.path}`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: props.masterUsername ?? 'postgres' }),
        generateStringKey: 'password',
        excludeCharacters: PASSWORD_EXCLUDE_CHARACTERS,
        passwordLength: 30,
      },
      replicaRegions: props.secretReplicaRegions,
      replicaKeys: props.secretReplicaKeys,
      hostedRotation,
      rotateAfter: props.rotateAfter,
    });

    const parameterGroup = newClusterParameterGroup(this, 'ParameterGroup', version);
    const logGroup = newPostgresLogGroup(
      this,
      'Logs',
      settings.clusterIdentifier,
      this.encryptionKey,
      plan.logRetentionDays,
    );
    const instance = (instanceId: string, planned: AuroraInstancePlan, index: number) =>
      rds.ClusterInstance.provisioned(instanceId, {
        instanceType,
        availabilityZone: zoneOf(planned.zone, settings.zones, index),
        promotionTier: planned.promotionTier,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        enablePerformanceInsights: true,
        performanceInsightEncryptionKey: this.encryptionKey,
      });
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version }),
      clusterIdentifier: settings.clusterIdentifier,
      credentials: rds.Credentials.fromSecret(this.secret.secret),
      defaultDatabaseName: props.databaseName,
      writer: instance('Writer', plan.instances[0], 0),
      readers: plan.instances.slice(1).map((planned, i) => instance(`Reader${i + 1}`, planned, i + 1)),
      vpc,
      vpcSubnets: settings.subnets,
      parameterGroup,
      storageEncrypted: plan.storageEncrypted,
      storageEncryptionKey: this.encryptionKey,
      iamAuthentication: plan.iamAuthentication,
      deletionProtection: plan.deletionProtection,
      removalPolicy: plan.removalPolicy as RemovalPolicy,
      backup: { retention: backupRetentionOf(settings, plan.backupRetentionDays) },
      copyTagsToSnapshot: plan.copyTagsToSnapshot,
      port: plan.port,
      monitoringInterval: Duration.seconds(ENHANCED_MONITORING_SECONDS),
      cloudwatchLogsExports: [...plan.logExports],
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.encryptionKey,
    });
    this.cluster.node.addDependency(logGroup);
    if (props.backupTag ?? true) {
      Tags.of(this.cluster.node.defaultChild!).add(BACKUP_TAG_KEY, BACKUP_TAG_VALUE);
    }
    const monitoringRole = this.cluster.node.tryFindChild('MonitoringRole');
    if (monitoringRole) {
      acknowledgeFindings(monitoringRole, {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason:
          'Enhanced Monitoring requires the AWS-managed AmazonRDSEnhancedMonitoringRole policy, which AWS keeps in step with what the monitoring agent needs',
      });
    }
    this.port = plan.port;

    // Rotate only once the credentials are attached to the cluster (host, port) and the instances are
    // up. Between the two L1 resources only: the rotation's security group is referenced by a rule of
    // the cluster's, so a dependency between the whole constructs would be a cycle.
    const schedule = this.secret.rotationSchedule!.node.defaultChild!;
    for (const child of this.cluster.node.findAll()) {
      if (child instanceof rds.CfnDBInstance) {
        schedule.node.addDependency(child);
        acknowledgeFindings(child, {
          id: 'NIST.800.53.R5-RDSInBackupPlan',
          reason:
            "an Aurora instance holds no data of its own: the cluster volume is backed up continuously (automated backups with point-in-time recovery for the tier's retention); copies to another region are BackupPolicy's job",
        });
      }
    }
    schedule.node.addDependency(this.cluster.secret!.node.defaultChild!);
    this.cluster.connections.allowFrom(
      hostedRotation,
      ec2.Port.tcp(plan.port),
      'Secrets Manager rotation of the master password',
    );

    if (plan.proxy) {
      // The proxy's own role: grantConnect lets it log in as each granted user (end-to-end IAM).
      this.proxyRole = new iam.Role(this, 'ProxyRole', {
        assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'),
        description: `Role of the RDS Proxy of ${this.node.path}: reads its secret, connects as the users granted`,
      });
      this.proxy = new rds.DatabaseProxy(this, 'Proxy', {
        role: this.proxyRole,
        proxyTarget: rds.ProxyTarget.fromCluster(this.cluster),
        secrets: [this.cluster.secret!],
        vpc,
        vpcSubnets: settings.subnets,
        requireTLS: true,
        iamAuth: true,
        // End-to-end IAM: the proxy logs in to the database as the user the client names, with its own
        // role (`grantConnect`); the master secret alone would refuse every other user.
        // @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-connecting.html
        defaultAuthScheme: rds.DefaultAuthScheme.IAM_AUTH,
        debugLogging: false,
      });
      // DatabaseProxy opens the cluster's port to the proxy itself, naming the port by a token
      // (Endpoint.Port) that the nag rules cannot read: it is POSTGRES_PORT, and only to the proxy.
      const proxyGroupId = Names.nodeUniqueId(this.proxy.connections.securityGroups[0].node);
      for (const rule of this.cluster.node.findAll().filter((c) => c.node.id.startsWith(`from ${proxyGroupId}:`))) {
        for (const id of ['NIST.800.53.R5-EC2RestrictedCommonPorts', 'NIST.800.53.R5-EC2RestrictedSSH']) {
          acknowledgeFindings(rule, {
            id,
            reason: `the rule opens the cluster's PostgreSQL port (${plan.port}, resolved from Endpoint.Port at deploy time) to the RDS Proxy's security group only`,
          });
        }
      }
      acknowledgeFindings(this.proxyRole, {
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason:
          'the role is used by this proxy alone; its inline policy grants reading this one secret ' +
          'and decrypting it with its key, and connecting as the users granted (end-to-end IAM), and dies with the proxy',
      });
    }
    // With the port stated, rules users add through `connections` name it rather than a token.
    this.connections = new ec2.Connections({
      securityGroups: (this.proxy ?? this.cluster).connections.securityGroups,
      defaultPort: ec2.Port.tcp(plan.port),
    });
    this.endpoint = this.proxy ? this.proxy.endpoint : this.cluster.clusterEndpoint.hostname;
    this.readerEndpoint = this.cluster.clusterReadEndpoint.hostname;
    if (this.proxy && this.readerCount > 0) {
      const readOnly = new rds.CfnDBProxyEndpoint(this, 'ProxyReaderEndpoint', {
        dbProxyName: this.proxy.dbProxyName,
        dbProxyEndpointName: `${Names.uniqueResourceName(this, { maxLength: 40, separator: '-' })
          .toLowerCase()
          .replace(/^[^a-z]+/, '')
          .replace(/-+/g, '-')}-ro`,
        targetRole: 'READ_ONLY',
        vpcSubnetIds: vpc.selectSubnets(settings.subnets).subnetIds,
        vpcSecurityGroupIds: this.proxy.connections.securityGroups.map((group) => group.securityGroupId),
      });
      this.readerEndpoint = readOnly.attrEndpoint;
    }

    this.alarmTopic = props.alarmTopic ?? newAlarmTopic(this, 'AlarmTopic', `Alarms of the database ${this.node.path}`);
    this.alarms = [];
    const connections = plan.connectionAlarm!;
    const roles: [string, string, boolean][] = [
      ['Writer', 'WRITER', true],
      ['Reader', 'READER', this.readerCount > 0],
    ];
    for (const [name, role, present] of roles) {
      if (!present) continue;
      this.alarms.push(
        databaseAlarm(this, `${name}ConnectionsAlarm`, {
          metric: {
            namespace: 'AWS/RDS',
            metricName: 'DatabaseConnections',
            dimensionsMap: { DBClusterIdentifier: this.cluster.clusterIdentifier, Role: role },
          },
          plan: connections,
          description: `${name} connections of ${this.node.path} at ${connections.threshold} of max_connections ${this.maxConnections}: new connections will soon be refused`,
        }),
      );
    }
    if (this.proxy && plan.proxyBorrowLatencyAlarm) {
      this.alarms.push(
        databaseAlarm(this, 'ProxyBorrowLatencyAlarm', {
          metric: {
            namespace: 'AWS/RDS',
            metricName: 'DatabaseConnectionsBorrowLatency',
            dimensionsMap: { ProxyName: this.proxy.dbProxyName },
          },
          plan: plan.proxyBorrowLatencyAlarm,
          description: `RDS Proxy of ${this.node.path} takes over ${plan.proxyBorrowLatencyMillis} ms on average to hand out a database connection: the pool is exhausted`,
        }),
      );
    }
    for (const alarm of this.alarms) {
      notifyOn(alarm, this.alarmTopic);
    }

    attachHaMetadata(this, props, { component: 'ReplicatedDatabase', failureDomain: FailureDomain.REGION });
  }

  /**
   * Grants connecting as `dbUser` with IAM authentication (`rds-db:connect`), through the proxy
   * when there is one.
   */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    if (!Token.isUnresolved(dbUser) && dbUser.trim() === '') {
      throw validationError('dbUser must be a non-empty database user name, got: an empty string', this);
    }
    if (!this.proxy) {
      return this.cluster.grantConnect(grantee, dbUser);
    }
    // The proxy connects onward as the same user, so its role needs the same right on the cluster.
    this.cluster.grantConnect(this.proxyRole!, dbUser);
    return this.proxy.grantConnect(grantee, dbUser);
  }
}
