import { ArnFormat, Duration, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, regionPlacementProblem } from '../core';
import { BucketIntent, BucketPlan, planBucket, S3_REPLICATION_METRIC_PERIOD_SECONDS } from '../core/plans/bucket';
import { BACKUP_TAG_KEY, BACKUP_TAG_VALUE } from './backup';
import { ReplicaKey } from './replica-key';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { newSecureBucket, newServerAccessLogsBucket } from './private/buckets';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { newCustomerManagedKey } from './private/keys';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';

/** Id of the replication rule; the replication metrics carry it as the `RuleId` dimension. */
const REPLICATION_RULE_ID = 'ReplicateEverything';

/** Props both buckets of a replicated pair take. */
interface BucketCommonProps {
  /**
   * How long noncurrent (overwritten or deleted) object versions are kept: the window in which
   * a bad write or delete can be undone. At least the tier's backup retention.
   * @default - tier.backupRetentionDays
   */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * Object Lock default retention, compliance mode (nobody, root included, can delete a locked
   * version before it expires). Both buckets of a pair must have it, or replication fails.
   * @default - Object Lock on with no default retention: nothing is locked until someone puts a
   * retention or a legal hold on an object
   */
  readonly objectLockRetention?: Duration;
  /**
   * Bucket that receives the server access logs.
   * @default - a new SSE-S3 bucket (`AccessLogs`) that keeps logs for tier.logRetentionDays
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /**
   * The data set this bucket holds a copy of, when several replicated pairs hold one: in an
   * active/active service each region writes its own `ReplicatedBucket`, which replicates to a
   * `ReplicaBucket` in the other regions, and every region reads the others' copies. Give all of
   * them the same name, and the HA checks treat them as one store: each region may write its own
   * pair (whose writes replicate) and read the others' copies.
   * @default - the pair is its own data set
   */
  readonly dataSet?: string;
}

/** Props of {@link ReplicaBucket}. */
export interface ReplicaBucketProps extends HaProps, BucketCommonProps {
  /**
   * Name of the bucket. Deterministic on purpose: the `ReplicatedBucket` in the primary region's
   * stack names it as its destination.
   */
  readonly bucketName: string;
}

/**
 * The destination of a {@link ReplicatedBucket}: a bucket in the standby region's stack, with its
 * own customer-managed key (alias `ReplicaBucket.keyAliasName(bucketName)`).
 *
 * A bucket lives in one region and a stack deploys to one region, so the pair spans two stacks:
 * ```ts
 * const standby = new Stack(app, 'Standby', { env: { region: 'us-west-2' } });
 * new ReplicaBucket(standby, 'Documents', { tier, bucketName: 'acme-documents-us-west-2' });
 * const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
 * new ReplicatedBucket(primary, 'Documents', { tier, replicaRegion: 'us-west-2', replicaBucketName: 'acme-documents-us-west-2' });
 * primary.addStackDependency(standby); // the destination must exist before replication is configured
 * ```
 *
 * Construct ids (public API): `Resource` (the bucket, retained), `Key` (a {@link ReplicaKey}),
 * `AccessLogs` (unless `serverAccessLogsBucket` is given, retained).
 */
export class ReplicaBucket extends Construct {
  /** The alias of a replica bucket's key. */
  public static keyAliasName(bucketName: string): string {
    return `alias/ha-constructs/s3/${bucketName}`;
  }

  /** The bucket. */
  public readonly bucket: s3.Bucket;
  /** The bucket's key. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: ReplicaBucketProps) {
    super(scope, id);
    const plan = planBucket(props.tier, { ...commonIntent(props), names: { bucketName: known(props.bucketName) } });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'ReplicaBucket', plan.warnings);
    const region = Stack.of(this).region;
    const problem = Token.isUnresolved(region)
      ? undefined
      : regionPlacementProblem({
          prop: 'the region of this replica',
          replicaRegions: [region],
          allowedRegions: props.allowedRegions,
        });
    if (problem) {
      throw validationError(problem, this);
    }
    const key = new ReplicaKey(this, 'Key', {
      aliasName: ReplicaBucket.keyAliasName(props.bucketName),
      description: `Encrypts the ${props.bucketName} replica bucket`,
    });
    this.encryptionKey = key.key;
    this.bucket = newPairBucket(this, props, plan, key.key, props.bucketName);
    acknowledgeFindings(this.bucket, {
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason:
        'this bucket is the destination of cross-region replication from the primary region; replicating the replica again would only add a third copy',
    });
    attachHaMetadata(this, props, {
      component: 'ReplicaBucket',
      failureDomain: FailureDomain.REGION,
      role: props.role ?? HaRole.REPLICA,
      dataSet: props.dataSet,
    });
  }

  /** Grants reading objects of this region's copy and decrypting them: a standby's compute reads its own region. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grantRead(grantee);
  }

  /** Grants reading and writing objects of this region's copy (and using its key), as the primary's compute does there. */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grantReadWrite(grantee);
  }
}

/** Props of {@link ReplicatedBucket}. */
export interface ReplicatedBucketProps extends HaProps, BucketCommonProps {
  /** Region of the destination bucket (a `ReplicaBucket` in that region's stack). */
  readonly replicaRegion: string;
  /** Name of the destination bucket. */
  readonly replicaBucketName: string;
  /**
   * Key (or alias) ARN of the destination bucket's key, in `replicaRegion`.
   * @default - the alias `ReplicaBucket.keyAliasName(replicaBucketName)` in `replicaRegion`
   */
  readonly replicaKeyArn?: string;
  /**
   * Name of the source bucket.
   * @default - generated by CloudFormation
   */
  readonly bucketName?: string;
  /**
   * Key of the source bucket.
   * @default - a new customer-managed key (rotation on, retained on delete)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * This data set's own region RPO objective, when the service deliberately accepts a looser one
   * for these objects than the tier's (objects it can regenerate or re-upload). Replication Time
   * Control bounds the copy at 15 minutes, so a tier with a tighter region RPO (TIER_0) either
   * keeps its critical data in a GlobalTable or GlobalDatabase and states the bucket's objective
   * here; without it, such a tier is refused (core's `replicationRpoProblem`). Recorded in the HA
   * metadata; the report holds the bucket's replication to it.
   * @default - the tier's region RPO
   */
  readonly rpoObjective?: Duration;
  /**
   * Replication latency above which the bucket alarms.
   * @default - 15 minutes, what Replication Time Control promises for 99.99% of objects
   */
  readonly replicationLatencyThreshold?: Duration;
  /**
   * Topic the alarms notify.
   * @default - a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Whether to tag the source bucket `ha:backup` = `true`, so the stack's `BackupPolicy` backs it up
   * (S3 backups restore a point in time even after a replicated delete).
   * @default true
   */
  readonly backupTag?: boolean;
}

/**
 * An S3 bucket replicated to a bucket in the standby region.
 *
 * Versioned, SSE-KMS with a customer-managed key, TLS-only, public access blocked, retained, a
 * lifecycle for noncurrent versions, optional Object Lock. One replication rule copies every
 * object, including delete markers, with Replication Time Control (99.99% within 15 minutes) and
 * replication metrics, re-encrypting with the destination's key. Alarms on failed replication and
 * on replication latency.
 *
 * The destination is a {@link ReplicaBucket} in the standby region's stack; see its example.
 * Replication runs one way, primary to standby: the replica is the copy to fail over to, not a
 * second place to write (for ACTIVE_ACTIVE writes in both regions, keep the data in a `GlobalTable`).
 *
 * Construct ids (public API): `Resource` (the bucket, retained), `Key` (unless `encryptionKey` is
 * given, retained), `AccessLogs` (unless `serverAccessLogsBucket` is given, retained),
 * `ReplicationRole`, `ReplicationPolicy`, `AlarmTopic` (unless `alarmTopic` is given),
 * `ReplicationFailedAlarm`, `ReplicationLatencyAlarm`.
 */
export class ReplicatedBucket extends Construct {
  /** The source bucket. */
  public readonly bucket: s3.Bucket;
  /** The source bucket's key. */
  public readonly encryptionKey: kms.IKey;
  /** ARN of the destination bucket. */
  public readonly replicaBucketArn: string;
  /** Name of the destination bucket. */
  public readonly replicaBucketName: string;
  /** The role S3 replicates as. */
  public readonly replicationRole: iam.Role;
  /** The topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** Alarms when an object fails to replicate. */
  public readonly replicationFailedAlarm: cloudwatch.Alarm;
  /** Alarms when replication lags beyond the threshold. */
  public readonly replicationLatencyAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ReplicatedBucketProps) {
    super(scope, id);
    const { tier } = props;
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
    if (!Token.isUnresolved(props.replicaRegion)) {
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
    const plan = planBucket(tier, {
      ...commonIntent(props),
      names: { bucketName: known(props.bucketName), replicaBucketName: known(props.replicaBucketName) },
      replication: {
        rpoObjectiveSeconds: props.rpoObjective?.toSeconds({ integral: false }),
        latencyAlarmSeconds: props.replicationLatencyThreshold?.toSeconds({ integral: false }),
      },
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'ReplicatedBucket', plan.warnings);
    const replication = plan.replication!;
    const latencySeconds = replication.latencyAlarm.threshold;
    const dataRpoSeconds = replication.dataRpoSeconds;

    this.encryptionKey =
      props.encryptionKey ?? newCustomerManagedKey(this, 'Key', `Encrypts the replicated bucket ${this.node.path}`);
    this.bucket = newPairBucket(this, props, plan, this.encryptionKey, props.bucketName);
    if (props.backupTag ?? true) {
      Tags.of(this.bucket).add(BACKUP_TAG_KEY, BACKUP_TAG_VALUE);
    }

    this.replicaBucketName = props.replicaBucketName;
    this.replicaBucketArn = stack.formatArn({
      service: 's3',
      region: '',
      account: '',
      resource: props.replicaBucketName,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    const replicaKeyArn =
      props.replicaKeyArn ??
      ReplicaKey.aliasArn(this, props.replicaRegion, ReplicaBucket.keyAliasName(props.replicaBucketName));

    this.replicationRole = new iam.Role(this, 'ReplicationRole', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: `S3 replicates ${this.node.path} to ${props.replicaBucketName} as this role`,
    });
    const replicaKeyAlias =
      props.replicaKeyArn === undefined
        ? ReplicaBucket.keyAliasName(props.replicaBucketName)
        : aliasOf(props.replicaKeyArn);
    const usesAliasCondition = replicaKeyAlias !== undefined;
    const policy = new iam.ManagedPolicy(this, 'ReplicationPolicy', {
      roles: [this.replicationRole],
      statements: this.replicationStatements(props, replicaKeyArn, replicaKeyAlias),
    });
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const sourceLogicalId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const replicationReason =
      'S3 replication reads every object version of the source and writes every object of the destination; the destination key is matched by its alias (kms:ResourceAliases), which IAM cannot name as a resource';
    for (const resource of [
      `<${sourceLogicalId}.Arn>/*`,
      ...(usesAliasCondition ? [`arn:${partition}:kms:${props.replicaRegion}:${account}:key/*`] : []),
    ]) {
      acknowledgeFindings(policy, { id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: replicationReason });
    }
    // The replica's name may hold a token (the account, for a globally unique name): rendered as cdk-nag names it.
    acknowledgeWildcard(policy, `${this.replicaBucketArn}/*`, replicationReason);

    // Replication Time Control has one setting, its published bound.
    const rtcMinutes = Duration.seconds(replication.boundSeconds!).toMinutes();
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.replicationConfiguration = {
      role: this.replicationRole.roleArn,
      rules: [
        {
          id: REPLICATION_RULE_ID,
          status: 'Enabled',
          priority: 0,
          filter: { prefix: '' },
          deleteMarkerReplication: { status: 'Enabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: {
            bucket: this.replicaBucketArn,
            encryptionConfiguration: { replicaKmsKeyId: replicaKeyArn },
            replicationTime: { status: 'Enabled', time: { minutes: rtcMinutes } },
            metrics: { status: 'Enabled', eventThreshold: { minutes: rtcMinutes } },
          },
        },
      ],
    };

    this.alarmTopic = props.alarmTopic ?? newAlarmTopic(this, 'AlarmTopic', `Replication alarms of ${this.node.path}`);
    const failed = replication.failedAlarm;
    this.replicationFailedAlarm = this.metricOperationsFailedReplication({
      period: Duration.seconds(failed.periodSeconds),
    }).createAlarm(this, 'ReplicationFailedAlarm', {
      alarmDescription: `Objects of ${this.node.path} failed to replicate to ${props.replicaBucketName} in ${props.replicaRegion}: the standby region is missing data`,
      threshold: failed.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: failed.evaluationPeriods,
      datapointsToAlarm: failed.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const lag = replication.latencyAlarm;
    this.replicationLatencyAlarm = this.metricReplicationLatency({
      period: Duration.seconds(lag.periodSeconds),
    }).createAlarm(this, 'ReplicationLatencyAlarm', {
      alarmDescription: `Replication of ${this.node.path} to ${props.replicaRegion} lags more than ${latencySeconds} s: objects written since then are not yet in the standby region, and a region loss now loses them`,
      threshold: lag.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: lag.evaluationPeriods,
      datapointsToAlarm: lag.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyOn(this.replicationFailedAlarm, this.alarmTopic);
    notifyOn(this.replicationLatencyAlarm, this.alarmTopic);

    attachHaMetadata(this, props, {
      component: 'ReplicatedBucket',
      failureDomain: FailureDomain.REGION,
      dataRpoSeconds,
      dataSet: props.dataSet,
    });
  }

  /** Objects that failed to replicate (sum per 5 minutes). */
  public metricOperationsFailedReplication(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.replicationMetric('OperationsFailedReplication', cloudwatch.Stats.SUM, props);
  }

  /** Seconds the destination is behind the source (maximum per 5 minutes). */
  public metricReplicationLatency(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.replicationMetric('ReplicationLatency', cloudwatch.Stats.MAXIMUM, props);
  }

  /** Grants reading objects (and decrypting them). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grantRead(grantee);
  }

  /** Grants reading and writing objects (and encrypting and decrypting them). */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grantReadWrite(grantee);
  }

  private replicationMetric(metricName: string, statistic: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName,
      dimensionsMap: {
        SourceBucket: this.bucket.bucketName,
        DestinationBucket: this.replicaBucketName,
        RuleId: REPLICATION_RULE_ID,
      },
      statistic,
      period: Duration.seconds(S3_REPLICATION_METRIC_PERIOD_SECONDS),
      ...props,
    });
  }

  private replicationStatements(
    props: ReplicatedBucketProps,
    replicaKeyArn: string,
    alias: string | undefined,
  ): iam.PolicyStatement[] {
    const stack = Stack.of(this);
    // Both buckets have Object Lock on: a version's retention and legal hold replicate with it.
    const objectReads = [
      's3:GetObjectVersionForReplication',
      's3:GetObjectVersionAcl',
      's3:GetObjectVersionTagging',
      's3:GetObjectRetention',
      's3:GetObjectLegalHold',
    ];
    const statements = [
      new iam.PolicyStatement({
        actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
      new iam.PolicyStatement({ actions: objectReads, resources: [this.bucket.arnForObjects('*')] }),
      new iam.PolicyStatement({
        actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        resources: [`${this.replicaBucketArn}/*`],
      }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [this.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
      }),
    ];
    const viaReplicaS3 = { 'kms:ViaService': `s3.${props.replicaRegion}.amazonaws.com` };
    if (alias) {
      // IAM matches a key, never an alias, against Resource: match any key of that region that carries the alias.
      statements.push(
        new iam.PolicyStatement({
          actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [
            stack.formatArn({ service: 'kms', region: props.replicaRegion, resource: 'key', resourceName: '*' }),
          ],
          conditions: { StringEquals: viaReplicaS3, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias } },
        }),
      );
    } else {
      statements.push(
        new iam.PolicyStatement({
          actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [replicaKeyArn],
          conditions: { StringEquals: viaReplicaS3 },
        }),
      );
    }
    return statements;
  }
}

/** The alias name in an alias ARN (`arn:aws:kms:r:a:alias/x` → `alias/x`), undefined for a key ARN or a token. */
function aliasOf(keyArn: string): string | undefined {
  if (Token.isUnresolved(keyArn)) {
    return undefined;
  }
  const match = /:(alias\/.+)$/.exec(keyArn);
  return match?.[1];
}

/** The intent both halves of a pair share. */
function commonIntent(props: BucketCommonProps): BucketIntent {
  return {
    store: 'S3',
    dataSet: props.dataSet,
    noncurrentVersionRetentionDays: props.noncurrentVersionRetention?.toDays({ integral: false }),
    retentionDays: props.objectLockRetention?.toDays({ integral: false }),
  };
}

/** A name the plan can check: undefined when it is a token (the account in a globally unique name). */
function known(name: string | undefined): string | undefined {
  return name === undefined || Token.isUnresolved(name) ? undefined : name;
}

/** The bucket both halves of a pair build: the library's secure bucket with access logs and the tier's retention. */
function newPairBucket(
  scope: Construct,
  props: HaProps & BucketCommonProps,
  plan: BucketPlan,
  key: kms.IKey,
  bucketName: string | undefined,
): s3.Bucket {
  const accessLogs =
    props.serverAccessLogsBucket ?? newServerAccessLogsBucket(scope, 'AccessLogs', plan.accessLogRetentionDays);
  return newSecureBucket(scope, 'Resource', {
    encryptionKey: key,
    noncurrentVersionDays: plan.noncurrentVersionDays,
    objectLockComplianceDays: plan.retentionDays,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: `${Stack.of(scope).stackName}/${scope.node.id}/`,
    bucketName,
  });
}
