import { Duration, Fn, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { FailureDomain, regionPlacementProblem, zonePlacementProblem } from '../core';
import { EFS_SYNC_METRIC_PERIOD_SECONDS, planFileSystem } from '../core/plans/file-system';
import { BACKUP_TAG_KEY, BACKUP_TAG_VALUE } from './backup';
import { ReplicaKey } from './replica-key';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { newCustomerManagedKey } from './private/keys';
import { acknowledgeFindings } from './private/nag';

/** Props of {@link ReplicatedFileSystem}. */
export interface ReplicatedFileSystemProps extends HaProps {
  /** VPC of the mount targets. */
  readonly vpc: ec2.IVpc;
  /**
   * Name of the file system (its `Name` tag). Deterministic on purpose: the replica key's default
   * alias derives from it, and operators find the replica by it after a failover.
   */
  readonly fileSystemName: string;
  /**
   * Subnets of the mount targets: one per availability zone, at least `tier.minAzs` zones.
   * @default - the VPC's isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Region EFS replicates the file system to. Required for tiers with a standby region; optional
   * for BACKUP_RESTORE, where the `BackupPolicy` copies backups to the DR region instead.
   * @default - no replication
   */
  readonly replicaRegion?: string;
  /**
   * Key (or alias) ARN in `replicaRegion` that encrypts the replica.
   * @default - the alias `ReplicatedFileSystem.replicaKeyAliasName(fileSystemName)` in `replicaRegion`:
   * create it there with `new ReplicaKey(standbyStack, 'FilesKey', { aliasName: ReplicatedFileSystem.replicaKeyAliasName('shared') })`
   */
  readonly replicaKeyArn?: string;
  /**
   * Key of the file system in this region.
   * @default - a new customer-managed key (rotation on, retained on delete)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Throughput mode.
   * @default efs.ThroughputMode.ELASTIC
   */
  readonly throughputMode?: efs.ThroughputMode;
  /**
   * Time since the last completed sync to the replica above which the file system alarms.
   * @default - `rpoObjective` (or the tier's region RPO), but not below the 15 minutes EFS replication is designed for
   */
  readonly replicationLagThreshold?: Duration;
  /**
   * This data set's own region RPO objective, when the service deliberately accepts a looser one
   * for these files than the tier's (files it can rebuild). EFS replication is designed for 15
   * minutes, so a tier with a tighter region RPO must state it here or is refused (core's
   * `replicationRpoProblem`). Recorded in the HA metadata; the report holds the replica's lag to it.
   * @default - the tier's region RPO
   */
  readonly rpoObjective?: Duration;
  /**
   * Topic the replication alarm notifies.
   * @default - a new encrypted topic (only when there is a replica)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Whether to tag the file system `ha:backup` = `true`, so the stack's `BackupPolicy` backs it up
   * on the tier's schedule and copies the backups to its DR vault.
   * @default true
   */
  readonly backupTag?: boolean;
  /**
   * What happens to the file system when it leaves the stack. Anything but RETAIN warns
   * (`ha-constructs:ReplicatedFileSystem.removalPolicy`).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A regional EFS file system that survives an AZ loss (a mount target in every AZ) and, for tiers
 * with a standby region, a region loss (EFS replication to a read-only replica there).
 *
 * Encrypted with a customer-managed key; the file system policy refuses every request that does
 * not use TLS and admits only IAM-authorized clients of this account through a mount target
 * (mount with `-o tls,iam`; grant with {@link grantReadWrite}). Automatic backups on, retained.
 *
 * With a replica, an alarm fires when the replica has not completed a sync for longer than the
 * tier's region RPO (CloudWatch `TimeSinceLastSync`, read with a Metrics Insights query because
 * EFS names the replica only once it exists).
 *
 * Construct ids (public API): `Resource` (the file system, retained), `Key` (unless
 * `encryptionKey` is given, retained), `AlarmTopic` (with a replica, unless `alarmTopic` is
 * given), `ReplicationLagAlarm` (with a replica).
 */
export class ReplicatedFileSystem extends Construct implements ec2.IConnectable {
  /** The alias a replica's key has by default (see {@link ReplicaKey}). */
  public static replicaKeyAliasName(fileSystemName: string): string {
    return `alias/ha-constructs/efs/${fileSystemName}`;
  }

  /** The file system. */
  public readonly fileSystem: efs.FileSystem;
  /** The file system's key. */
  public readonly encryptionKey: kms.IKey;
  /** Security group of the mount targets: allow NFS from the clients with `connections.allowDefaultPortFrom`. */
  public readonly connections: ec2.Connections;
  /** Region of the replica, if any. */
  public readonly replicaRegion?: string;
  /** Alarms when the replica falls behind, if there is a replica. */
  public readonly replicationLagAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ReplicatedFileSystemProps) {
    super(scope, id);
    const { tier } = props;
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? undefined : stack.region;

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const plan = planFileSystem(tier, {
      replicated: props.replicaRegion !== undefined,
      rpoObjectiveSeconds: props.rpoObjective?.toSeconds({ integral: false }),
      lagAlarmSeconds: props.replicationLagThreshold?.toSeconds(),
      retained: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'ReplicatedFileSystem', plan.warnings);
    if (props.replicaRegion !== undefined && !Token.isUnresolved(props.replicaRegion)) {
      const problem = regionPlacementProblem({
        prop: 'replicaRegion',
        primaryRegion: region,
        replicaRegions: [props.replicaRegion],
        allowedRegions: props.allowedRegions,
      });
      if (problem) {
        throw validationError(problem, this);
      }
    }
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const zones = props.vpc.selectSubnets(vpcSubnets).availabilityZones;
    if (!zones.some((zone) => Token.isUnresolved(zone))) {
      // Several subnets may share a zone; the mount targets span the distinct zones.
      const problem = zonePlacementProblem({
        prop: 'vpcSubnets',
        zones: [...new Set(zones)],
        region,
        minZones: plan.minZones,
        tierName: tier.name,
      });
      if (problem) {
        throw validationError(problem, this);
      }
    }

    this.encryptionKey =
      props.encryptionKey ?? newCustomerManagedKey(this, 'Key', `Encrypts the ${props.fileSystemName} file system`);
    this.fileSystem = new efs.FileSystem(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: { ...vpcSubnets, onePerAz: true },
      fileSystemName: props.fileSystemName,
      encrypted: true,
      kmsKey: this.encryptionKey,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      throughputMode: props.throughputMode ?? efs.ThroughputMode.ELASTIC,
      enableAutomaticBackups: true,
      removalPolicy,
      // Only skips aws-cdk-lib's own statement, which would admit any AWS principal that reaches a
      // mount target; the policy below already refuses anonymous clients (they match no Allow).
      allowAnonymousAccess: true,
      fileSystemPolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'DenyWithoutTls',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: ['*'],
            // A resource policy statement applies to the file system it is attached to: `*` here means "this file system".
            resources: ['*'],
            conditions: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          new iam.PolicyStatement({
            sid: 'AllowIamClientsOfThisAccountThroughMountTargets',
            principals: [new iam.AccountRootPrincipal()],
            actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
            resources: ['*'],
            conditions: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
          }),
        ],
      }),
    });
    this.connections = this.fileSystem.connections;

    const dataRpoSeconds = plan.replication?.dataRpoSeconds;
    if (props.replicaRegion !== undefined && plan.replication) {
      const lag = plan.replication.lagAlarm;
      this.replicaRegion = props.replicaRegion;
      const replicaKeyArn =
        props.replicaKeyArn ??
        ReplicaKey.aliasArn(this, props.replicaRegion, ReplicatedFileSystem.replicaKeyAliasName(props.fileSystemName));
      const cfn = this.fileSystem.node.defaultChild as efs.CfnFileSystem;
      cfn.replicationConfiguration = { destinations: [{ region: props.replicaRegion, kmsKeyId: replicaKeyArn }] };

      const lagSeconds = lag.threshold;
      const alarmTopic =
        props.alarmTopic ??
        newAlarmTopic(this, 'AlarmTopic', `Replication alarms of the ${props.fileSystemName} file system`);
      this.replicationLagAlarm = this.metricTimeSinceLastSync({
        period: Duration.seconds(lag.periodSeconds),
      }).createAlarm(this, 'ReplicationLagAlarm', {
        alarmDescription: `The ${props.fileSystemName} replica in ${props.replicaRegion} has not completed a sync for more than ${lagSeconds} s: files changed since then are not in the standby region, and a region loss now loses them`,
        threshold: lagSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: lag.evaluationPeriods,
        datapointsToAlarm: lag.datapointsToAlarm,
        // A gap in the metric keeps the alarm where it is: a lagging replica keeps reporting a growing value.
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      });
      notifyOn(this.replicationLagAlarm, alarmTopic);
    }
    if (props.backupTag ?? true) {
      Tags.of(this.fileSystem).add(BACKUP_TAG_KEY, BACKUP_TAG_VALUE);
    }
    acknowledgeFindings(this.fileSystem, {
      id: 'NIST.800.53.R5-EFSInBackupPlan',
      reason:
        'automatic backups are on (the AWS Backup default plan), and the ha:backup tag puts the file system in the BackupPolicy of the stack, a selection by tag that cdk-nag cannot follow',
    });

    attachHaMetadata(this, props, {
      component: 'ReplicatedFileSystem',
      failureDomain: FailureDomain.REGION,
      dataRpoSeconds,
    });
  }

  /**
   * Seconds since the last completed sync to the replica (maximum over the replica per 5 minutes).
   * A Metrics Insights query: the metric's `DestinationFileSystemId` dimension names a file system
   * that EFS creates, unknown at synthesis.
   */
  public metricTimeSinceLastSync(props: { readonly period?: Duration } = {}): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: Fn.join('', [
        'SELECT MAX(TimeSinceLastSync) FROM SCHEMA("AWS/EFS", DestinationFileSystemId, FileSystemId) WHERE FileSystemId = \'',
        this.fileSystem.fileSystemId,
        "'",
      ]),
      usingMetrics: {},
      label: 'TimeSinceLastSync',
      period: props.period ?? Duration.seconds(EFS_SYNC_METRIC_PERIOD_SECONDS),
    });
  }

  /** Grants mounting and writing (through a mount target, with TLS). */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return this.fileSystem.grantReadWrite(grantee);
  }

  /** Grants mounting read-only (through a mount target, with TLS). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.fileSystem.grantRead(grantee);
  }
}
