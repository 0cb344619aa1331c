import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import {
  EVENTBRIDGE_MAX_EVENT_AGE_SECONDS,
  EVENTBRIDGE_MAX_RETRY_ATTEMPTS,
  FailureDomain,
  HaRole,
  PlanProblem,
  PlanWarning,
  regionPlacementProblem,
  ServiceTier,
  SQS_MAX_RETENTION_SECONDS,
} from '../core';
import { BackupPlan, planBackup, planVaultLock, VaultLockIntent, VaultLockPlan } from '../core/plans/backup';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { newCustomerManagedKey } from './private/keys';
import { acknowledgeFindings } from './private/nag';

/**
 * Tag that selects a resource for the `BackupPolicy` of its stack (`ha:backup` = `true`).
 * The data constructs of this library set it on what they store unless told not to.
 */
export const BACKUP_TAG_KEY = 'ha:backup';
/** Value of {@link BACKUP_TAG_KEY} that selects a resource. */
export const BACKUP_TAG_VALUE = 'true';

const EVENTBRIDGE_MAX_EVENT_AGE = Duration.seconds(EVENTBRIDGE_MAX_EVENT_AGE_SECONDS);
const SQS_MAX_RETENTION = Duration.seconds(SQS_MAX_RETENTION_SECONDS);
/**
 * What AWS Backup publishes on restores: counts of restore jobs by state (`NumberOfRestoreJobsRunning`
 * in `AWS/Backup`, by `BackupVaultName`, every 5 minutes and only while nonzero), no duration. The
 * duration is only in the `Restore Job State Change` event (`creationDate`, `completionDate`), after
 * the job ends.
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/cloudwatch.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html
 */
const RESTORE_JOBS_RUNNING = { namespace: 'AWS/Backup', metricName: 'NumberOfRestoreJobsRunning' };

/** Resource types a restore test restores (`ProtectedResourceType` of a restore testing selection). */
export class RestoreTestResourceType {
  /** Aurora clusters (`ReplicatedDatabase`, `GlobalDatabase`). */
  public static readonly AURORA = new RestoreTestResourceType('Aurora');
  /** DynamoDB tables (`GlobalTable`). */
  public static readonly DYNAMODB = new RestoreTestResourceType('DynamoDB');
  /** EFS file systems (`ReplicatedFileSystem`). */
  public static readonly EFS = new RestoreTestResourceType('EFS');
  /** S3 buckets (`ReplicatedBucket`). */
  public static readonly S3 = new RestoreTestResourceType('S3');
  /** RDS DB instances. */
  public static readonly RDS = new RestoreTestResourceType('RDS');
  /** EBS volumes. */
  public static readonly EBS = new RestoreTestResourceType('EBS');

  private constructor(
    /** The type as AWS Backup names it. */
    public readonly name: string,
  ) {}
}

/** Vault-lock settings both vaults take. */
interface VaultLockProps {
  /**
   * Whether to lock the vault in compliance mode: after `lockChangeableFor`, nobody (root
   * included) can delete a recovery point before `lockMinRetention`, shorten retention, or remove
   * the lock. That is the point: a compromised account cannot erase the backups.
   * @default true
   */
  readonly vaultLock?: boolean;
  /**
   * Shortest retention the lock enforces on every recovery point.
   * @default - the shortest retention of the plan's rules
   */
  readonly lockMinRetention?: Duration;
  /**
   * Longest retention the lock allows.
   * @default - no maximum (a maximum cannot be raised once the lock is fixed)
   */
  readonly lockMaxRetention?: Duration;
  /**
   * Grace period in which the lock can still be changed or removed (at least 3 days).
   * @default Duration.days(3)
   */
  readonly lockChangeableFor?: Duration;
  /**
   * Key of the vault.
   * @default - a new customer-managed key (rotation on, retained on delete)
   */
  readonly encryptionKey?: kms.IKey;
}

/** Props of {@link BackupCopyVault}. */
export interface BackupCopyVaultProps extends HaProps, VaultLockProps {
  /**
   * Name of the vault. Deterministic on purpose: the `BackupPolicy` in the primary region's stack
   * names it as its copy target (`BackupCopyVault.vaultArn`).
   */
  readonly backupVaultName: string;
}

/**
 * The vault in the DR region that a {@link BackupPolicy} copies every recovery point to, so that
 * the backups survive the loss of the primary region. Encrypted with its own key, locked in
 * compliance mode with the tier's retention as the minimum, retained.
 *
 * ```ts
 * const dr = new Stack(app, 'Dr', { env: { region: 'us-west-2' } });
 * new BackupCopyVault(dr, 'Backups', { tier, backupVaultName: 'orders-dr' });
 * const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
 * new BackupPolicy(primary, 'Backups', { tier, copyToVaultArn: BackupCopyVault.vaultArn(primary, 'us-west-2', 'orders-dr') });
 * primary.addStackDependency(dr);
 * ```
 *
 * Construct ids (public API): `Resource` (the vault, retained), `Key` (unless `encryptionKey` is given, retained).
 */
export class BackupCopyVault extends Construct {
  /** ARN of the vault `backupVaultName` in `region` of the account of `scope`'s stack. */
  public static vaultArn(scope: IConstruct, region: string, backupVaultName: string): string {
    return Stack.of(scope).formatArn({
      service: 'backup',
      region,
      resource: 'backup-vault',
      resourceName: backupVaultName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** The vault. */
  public readonly vault: backup.BackupVault;
  /** The vault's key. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: BackupCopyVaultProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const problem = Token.isUnresolved(region)
      ? undefined
      : regionPlacementProblem({
          prop: 'the region of this copy vault',
          replicaRegions: [region],
          allowedRegions: props.allowedRegions,
        });
    if (problem) {
      throw validationError(problem, this);
    }
    const problems: PlanProblem[] = [];
    const warnings: PlanWarning[] = [];
    const lock = planVaultLock(
      props.tier.backupRetentionDays,
      vaultLockIntent(props),
      (prop, message) => problems.push({ prop, message }),
      warnings,
    );
    throwProblems(problems, this);
    emitWarnings(this, 'BackupVault', warnings);
    this.encryptionKey =
      props.encryptionKey ??
      newCustomerManagedKey(this, 'Key', `Encrypts the backup copies in ${props.backupVaultName}`);
    this.vault = new backup.BackupVault(this, 'Resource', {
      backupVaultName: props.backupVaultName,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: lockConfiguration(lock),
    });
    attachHaMetadata(this, props, {
      component: 'BackupCopyVault',
      failureDomain: FailureDomain.REGION,
      role: props.role ?? HaRole.REPLICA,
    });
  }
}

/** Props of {@link BackupPolicy}. */
export interface BackupPolicyProps extends HaProps, VaultLockProps {
  /**
   * ARN of the vault in the DR region that receives a copy of every recovery point
   * (`BackupCopyVault.vaultArn(...)`). Must be in another region than this stack, within
   * `allowedRegions`.
   * @default - no copy: warns (`ha-constructs:BackupPolicy.copyToVaultArn`), since a region loss then takes the backups with it
   */
  readonly copyToVaultArn?: string;
  /**
   * Name of the vault in this region.
   * @default - generated
   */
  readonly backupVaultName?: string;
  /**
   * How long recovery points (and their copies) are kept; at least the tier's backup retention.
   * @default - tier.backupRetentionDays
   */
  readonly retention?: Duration;
  /**
   * Time between scheduled backups, in whole hours from 1 to 24. Longer than the tier's interval warns.
   * @default - tier.backupIntervalHours
   */
  readonly backupInterval?: Duration;
  /**
   * Whether to take continuous backups too (point-in-time recovery for Aurora/RDS and S3, kept at
   * most 35 days).
   * @default - true when the backup interval is longer than the tier's region RPO
   */
  readonly continuousBackup?: boolean;
  /**
   * Whether to back up every resource tagged `ha:backup` = `true` (the data constructs of this
   * library tag what they store).
   * @default true
   */
  readonly selectByTag?: boolean;
  /**
   * Resources to back up besides the tagged ones.
   * @default - none
   */
  readonly resources?: backup.BackupResource[];
  /**
   * Topic notified when a backup, copy or restore job fails, and (backup and restore) when a
   * restore runs longer than the region RTO. EventBridge and CloudWatch publish to it: if it is
   * encrypted, its key must let `events.amazonaws.com` and `cloudwatch.amazonaws.com` use it.
   * What EventBridge still cannot deliver after its retries lands in the construct's dead-letter queue.
   * @default - a new encrypted topic whose key lets EventBridge and CloudWatch publish
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Resource types the restore test restores (each in a selection of the resources tagged
   * `ha:backup` = `true`). An empty list turns restore testing off, and warns.
   * @default - Aurora, DynamoDB, EFS and S3: what the data constructs of this library store
   */
  readonly restoreTestResourceTypes?: RestoreTestResourceType[];
  /**
   * When the restore test runs.
   * @default - weekly, Mondays 05:00 UTC
   */
  readonly restoreTestSchedule?: RestoreTestSchedule;
  /**
   * Function that validates each restored resource (a query, a checksum) and reports the result
   * with `backup:PutRestoreValidationResult`. It is invoked by an EventBridge rule for every
   * completed restore of this test plan.
   * @default - a restore test passes when the restore job completes
   */
  readonly restoreValidationFunction?: lambda.IFunction;
  /**
   * Hours the restored resource is kept for validation before AWS Backup deletes it (0–168).
   * @default - 1 with a `restoreValidationFunction`, otherwise 0
   */
  readonly restoreValidationWindowHours?: number;
}

/** When a restore test runs: a cron expression of AWS Backup. */
export class RestoreTestSchedule {
  /** Every week on `weekDay` (`MON` … `SUN`) at `hour` UTC. */
  public static weekly(weekDay: string, hour: number): RestoreTestSchedule {
    return new RestoreTestSchedule(`cron(0 ${hour} ? * ${weekDay} *)`);
  }

  /** Every month on `day` (1–28) at `hour` UTC. */
  public static monthly(day: number, hour: number): RestoreTestSchedule {
    return new RestoreTestSchedule(`cron(0 ${hour} ${day} * ? *)`);
  }

  private constructor(
    /** The cron expression. */
    public readonly expression: string,
  ) {}
}

/**
 * Backups of a service with AWS Backup, from the tier, that are copied out of the region and
 * restored on a schedule.
 *
 * - A vault encrypted with a customer-managed key and locked in compliance mode (minimum
 *   retention; optional maximum), retained.
 * - A plan that backs up every `tier.backupIntervalHours` and keeps recovery points
 *   `tier.backupRetentionDays`: a `Continuous` rule (point-in-time recovery, at most 35 days) where
 *   the interval exceeds the region RPO, a `Scheduled` rule otherwise or for longer retention.
 *   Every rule copies its recovery points to the DR region's vault.
 * - Selections of the resources tagged `ha:backup` = `true` and of explicit resources.
 * - EventBridge rules that notify a topic when a backup, copy or restore job fails. Each target
 *   retries for as long as EventBridge allows (24 hours, 185 attempts), then sends the event to a
 *   retained, encrypted SQS dead-letter queue, so a failure notification that could not be
 *   delivered (a deleted topic, a key EventBridge may not use) is kept for 14 days, not dropped.
 * - A restore testing plan that restores the latest recovery point of each protected resource
 *   type on a schedule and (optionally) validates it: a backup nobody has restored is a hope,
 *   not an RPO.
 * - For a backup-and-restore tier, whose region RTO is the restore time: an alarm that notifies the
 *   topic when a restore from the vault (a restore test, or the real one) has run for the tier's
 *   region RTO.
 *
 * Copying DynamoDB backups to another region needs AWS Backup's advanced features for DynamoDB
 * turned on in the account (an account setting, not a stack resource).
 *
 * Construct ids (public API): `Vault` (retained), `Key` (unless `encryptionKey` is given,
 * retained), `Plan`, `BackupRole`, `TaggedSelection`, `ResourceSelection`, `AlarmTopic` (unless
 * `alarmTopic` is given), `DeadLetterQueue` (retained, encrypted with the `AlarmTopic`'s key, or
 * with `DeadLetterQueueKey` when `alarmTopic` is given), `JobFailedRule`, `RestoreFailedRule`,
 * `RestoreTestingPlan`, `RestoreTestingRole`, `RestoreTest-<type>` per restore-tested resource type,
 * `RestoreValidationRule`, `RestoreTimeAlarm`.
 */
export class BackupPolicy extends Construct {
  /** The vault in this region. */
  public readonly vault: backup.BackupVault;
  /** The vault's key. */
  public readonly encryptionKey: kms.IKey;
  /** The backup plan. */
  public readonly plan: backup.BackupPlan;
  /** Days recovery points are kept. */
  public readonly retentionDays: number;
  /** Hours between scheduled backups. */
  public readonly backupIntervalHours: number;
  /** Whether continuous backups are on. */
  public readonly continuousBackup: boolean;
  /** The topic job failures notify. */
  public readonly alarmTopic: sns.ITopic;
  /** Where EventBridge puts the events its rules could not deliver after their retries. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The restore testing plan, unless restore testing is off. */
  public readonly restoreTestingPlan?: backup.CfnRestoreTestingPlan;
  /** The alarm on restores running longer than the region RTO: backup-and-restore tiers with restore testing on. */
  public readonly restoreTimeAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: BackupPolicyProps) {
    super(scope, id);
    const { tier } = props;
    const stack = Stack.of(this);

    const restoreTypes = props.restoreTestResourceTypes ?? [
      RestoreTestResourceType.AURORA,
      RestoreTestResourceType.DYNAMODB,
      RestoreTestResourceType.EFS,
      RestoreTestResourceType.S3,
    ];
    const plan = planBackup(tier, {
      ...vaultLockIntent(props),
      retentionDays: props.retention?.toDays({ integral: false }),
      backupIntervalHours: props.backupInterval?.toHours({ integral: false }),
      continuousBackup: props.continuousBackup,
      copied: props.copyToVaultArn !== undefined,
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      restoreTestTypes: restoreTypes.map((t) => t.name),
      restoreValidationWindowHours: props.restoreValidationWindowHours,
      restoreValidation: props.restoreValidationFunction !== undefined,
    });
    throwProblems(plan.problems, this);
    emitWarnings(
      this,
      'BackupPolicy',
      plan.warnings.filter((w) => w.id !== 'vaultLock'),
    );
    emitWarnings(
      this,
      'BackupVault',
      plan.warnings.filter((w) => w.id === 'vaultLock'),
    );
    this.retentionDays = plan.retentionDays;
    this.backupIntervalHours = plan.backupIntervalHours;
    this.continuousBackup = plan.continuousBackup;
    const copyTarget = this.copyTarget(props, stack);

    this.encryptionKey =
      props.encryptionKey ?? newCustomerManagedKey(this, 'Key', `Encrypts the backups of ${this.node.path}`);
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.backupVaultName,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: lockConfiguration(plan.vaultLock),
    });

    const rules = plan.rules.map(
      (rule) =>
        new backup.BackupPlanRule({
          ruleName: rule.name,
          scheduleExpression: events.Schedule.cron({ minute: '0', hour: rule.cronHour }),
          startWindow: Duration.hours(rule.startWindowHours),
          enableContinuousBackup: rule.continuous || undefined,
          deleteAfter: Duration.days(rule.deleteAfterDays),
          copyActions:
            copyTarget && rule.copyDeleteAfterDays !== undefined
              ? [{ destinationBackupVault: copyTarget, deleteAfter: Duration.days(rule.copyDeleteAfterDays) }]
              : undefined,
        }),
    );
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: Names.uniqueResourceName(this, { maxLength: 50 }),
      backupVault: this.vault,
      backupPlanRules: rules,
    });

    const backupRole = newBackupServiceRole(
      this,
      'BackupRole',
      `AWS Backup backs up the resources of ${this.node.path} as this role`,
      ['service-role/AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForS3Backup'],
    );
    if (props.selectByTag ?? true) {
      this.plan.addSelection('TaggedSelection', {
        role: backupRole,
        resources: [backup.BackupResource.fromTag(BACKUP_TAG_KEY, BACKUP_TAG_VALUE)],
      });
    }
    if (props.resources && props.resources.length > 0) {
      this.plan.addSelection('ResourceSelection', { role: backupRole, resources: props.resources });
    }

    let topicKey: kms.Key | undefined;
    if (props.alarmTopic) {
      this.alarmTopic = props.alarmTopic;
    } else {
      topicKey = newCustomerManagedKey(this, 'AlarmTopicKey', `Encrypts the backup notifications of ${this.node.path}`);
      this.alarmTopic = this.newTopic(topicKey);
    }
    this.deadLetterQueue = this.newDeadLetterQueue(topicKey);
    new events.Rule(this, 'JobFailedRule', {
      description: `Backup or copy job of ${this.node.path} failed: the RPO the backups promise does not hold`,
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Backup Job State Change', 'Copy Job State Change'],
        detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      },
      targets: [new targets.SnsTopic(this.alarmTopic, this.deliveryOptions())],
    });
    new events.Rule(this, 'RestoreFailedRule', {
      description: `Restore job (a restore test) of ${this.node.path} failed: the backups may not be restorable`,
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: { status: ['FAILED', 'ABORTED'] },
      },
      targets: [new targets.SnsTopic(this.alarmTopic, this.deliveryOptions())],
    });

    this.restoreTestingPlan = plan.restoreTest && this.restoreTesting(props, plan.restoreTest, restoreTypes);
    if (plan.restoreTimeAlarm) {
      this.restoreTimeAlarm = this.newRestoreTimeAlarm(tier, plan.restoreTimeAlarm);
    }

    attachHaMetadata(this, props, { component: 'BackupPolicy', failureDomain: FailureDomain.REGION });
  }

  private copyTarget(props: BackupPolicyProps, stack: Stack): backup.IBackupVault | undefined {
    const arn = props.copyToVaultArn;
    if (arn === undefined) {
      return undefined;
    }
    const copyRegion = /^arn:[^:]+:backup:([^:]+):[^:]*:backup-vault:.+$/.exec(arn)?.[1];
    if (copyRegion === undefined && !Token.isUnresolved(arn)) {
      throw validationError(
        `copyToVaultArn must be a backup vault ARN (arn:<partition>:backup:<region>:<account>:backup-vault:<name>), got: ${arn}`,
        this,
      );
    }
    if (copyRegion !== undefined && !Token.isUnresolved(copyRegion) && !Token.isUnresolved(stack.region)) {
      if (copyRegion === stack.region) {
        throw validationError(
          `copyToVaultArn must name a vault in another region than the source region ${stack.region}, got: ${copyRegion}`,
          this,
        );
      }
      const problem = regionPlacementProblem({
        prop: 'copyToVaultArn',
        primaryRegion: stack.region,
        replicaRegions: [copyRegion],
        allowedRegions: props.allowedRegions,
      });
      if (problem) {
        throw validationError(problem, this);
      }
    }
    return backup.BackupVault.fromBackupVaultArn(this, 'CopyTarget', arn);
  }

  /**
   * How EventBridge delivers to each target: retries for as long as it allows, then the dead-letter
   * queue. A late notification of a failed backup is still worth sending.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
   */
  private deliveryOptions(maxEventAge: Duration = EVENTBRIDGE_MAX_EVENT_AGE): targets.TargetBaseProps {
    return { deadLetterQueue: this.deadLetterQueue, retryAttempts: EVENTBRIDGE_MAX_RETRY_ATTEMPTS, maxEventAge };
  }

  /**
   * The dead-letter queue of the rules' targets: SSE-KMS, TLS only, retained, messages kept as long
   * as SQS allows. The topic's key already lets EventBridge use it; without one, a key of its own.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   */
  private newDeadLetterQueue(topicKey: kms.IKey | undefined): sqs.IQueue {
    let key = topicKey;
    if (!key) {
      const description = `Encrypts the undelivered backup notifications of ${this.node.path}`;
      const own = newCustomerManagedKey(this, 'DeadLetterQueueKey', description);
      own.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowEventBridgeToSendDeadLetters',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          // A key policy statement applies to the key it is attached to: `*` here means "this key".
          resources: ['*'],
          // Not the rules' ARNs: the rules name the queue, which names this key, which would name them.
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
      key = own;
    }
    const queue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: SQS_MAX_RETENTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFindings(queue, {
      id: 'AwsSolutions-SQS3',
      reason:
        'this queue is the dead-letter queue of the EventBridge targets of the backup notification rules, ' +
        'which cdk-nag does not see',
    });
    return queue;
  }

  /** A topic whose key lets both CloudWatch alarms and EventBridge rules publish. */
  private newTopic(key: kms.Key): sns.ITopic {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAndEventBridgeToPublish',
        principals: [
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
          new iam.ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        // A key policy statement applies to the key it is attached to: `*` here means "this key".
        resources: ['*'],
      }),
    );
    return newAlarmTopic(this, 'AlarmTopic', `Backup job failures of ${this.node.path}`, key);
  }

  /**
   * Alarm when restores from the vault have run for the tier's region RTO: backup and restore
   * recovers a region by restoring, so a restore test that outlasts the RTO shows the RTO is not
   * met, before the day it is needed. AWS Backup publishes no restore duration as a metric
   * ({@link RESTORE_JOBS_RUNNING}), so the alarm counts the hours in which a restore of the vault
   * was running: all of the last `regionRtoSeconds` (whole hours, at most the 7 days an alarm
   * evaluates). It also fires for a restore that never completes, and for the real restore.
   */
  private newRestoreTimeAlarm(
    tier: ServiceTier,
    alarmPlan: NonNullable<BackupPlan['restoreTimeAlarm']>,
  ): cloudwatch.Alarm {
    const { periods } = alarmPlan;
    const alarm = new cloudwatch.Alarm(this, 'RestoreTimeAlarm', {
      alarmDescription:
        `A restore from the vault of ${this.node.path} has run for ${periods} h, ${tier.name}'s region RTO: ` +
        'recovering a region by restoring takes longer than the tier allows (restore tests measure the restore time)',
      metric: new cloudwatch.Metric({
        ...RESTORE_JOBS_RUNNING,
        dimensionsMap: { BackupVaultName: this.vault.backupVaultName },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.seconds(alarmPlan.periodSeconds),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      // AWS Backup publishes the count only while a restore runs: no data is no restore.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyOn(alarm, this.alarmTopic);
    return alarm;
  }

  private restoreTesting(
    props: BackupPolicyProps,
    test: NonNullable<BackupPlan['restoreTest']>,
    types: readonly RestoreTestResourceType[],
  ): backup.CfnRestoreTestingPlan {
    const windowHours = test.validationWindowHours;
    const plan = new backup.CfnRestoreTestingPlan(this, 'RestoreTestingPlan', {
      restoreTestingPlanName: Names.uniqueResourceName(this, {
        maxLength: 50,
        separator: '_',
        allowedSpecialCharacters: '_',
      }),
      scheduleExpression: (
        props.restoreTestSchedule ?? RestoreTestSchedule.weekly(test.defaultWeekday, test.defaultHourUtc)
      ).expression,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: [this.vault.backupVaultArn],
        recoveryPointTypes: [...test.recoveryPointTypes],
        selectionWindowDays: test.selectionWindowDays,
      },
    });
    const role = newBackupServiceRole(
      this,
      'RestoreTestingRole',
      `AWS Backup restores the recovery points of ${this.node.path} for restore tests as this role`,
      ['service-role/AWSBackupServiceRolePolicyForRestores', 'AWSBackupServiceRolePolicyForS3Restore'],
    );
    for (const type of types) {
      const selection = new backup.CfnRestoreTestingSelection(this, `RestoreTest-${type.name}`, {
        restoreTestingPlanName: plan.restoreTestingPlanName,
        restoreTestingSelectionName: type.name,
        protectedResourceType: type.name,
        iamRoleArn: role.roleArn,
        protectedResourceArns: ['*'],
        protectedResourceConditions: {
          stringEquals: [{ key: `aws:ResourceTag/${BACKUP_TAG_KEY}`, value: BACKUP_TAG_VALUE }],
        },
        validationWindowHours: windowHours > 0 ? windowHours : undefined,
      });
      selection.node.addDependency(plan);
    }

    if (props.restoreValidationFunction) {
      new events.Rule(this, 'RestoreValidationRule', {
        description: `Hands every completed restore test of ${this.node.path} to its validation function`,
        eventPattern: {
          source: ['aws.backup'],
          detailType: ['Restore Job State Change'],
          detail: { status: ['COMPLETED'], restoreTestingPlanArn: [plan.attrRestoreTestingPlanArn] },
        },
        // Retrying past the validation window is pointless: AWS Backup deletes the restored resource then.
        targets: [
          new targets.LambdaFunction(
            props.restoreValidationFunction,
            this.deliveryOptions(Duration.hours(Math.max(windowHours, 1))),
          ),
        ],
      });
      props.restoreValidationFunction.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['backup:PutRestoreValidationResult'],
          // The action names no resource type: it applies to a restore job, which exists only once the test runs.
          resources: ['*'],
        }),
      );
    }
    return plan;
  }
}

/** The props both vaults take for their lock, in the planner's terms. */
function vaultLockIntent(props: VaultLockProps): VaultLockIntent {
  return {
    vaultLock: props.vaultLock,
    lockMinRetentionDays: props.lockMinRetention?.toDays({ integral: false }),
    lockMaxRetentionDays: props.lockMaxRetention?.toDays({ integral: false }),
    lockChangeableForDays: props.lockChangeableFor?.toDays({ integral: false }),
  };
}

function lockConfiguration(lock: VaultLockPlan | undefined): backup.LockConfiguration | undefined {
  return (
    lock && {
      minRetention: Duration.days(lock.minDays),
      maxRetention: lock.maxDays !== undefined ? Duration.days(lock.maxDays) : undefined,
      changeableFor: Duration.days(lock.changeableDays),
    }
  );
}

function acknowledgeManagedPolicies(role: iam.Role, policyNames: string[]): void {
  for (const name of policyNames) {
    acknowledgeFindings(role, {
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
      reason:
        "AWS Backup's service-role policies follow every resource type Backup supports; a hand-written copy would silently stop covering new ones",
    });
  }
}

/** A role AWS Backup assumes, with AWS Backup's managed service-role policies. */
function newBackupServiceRole(scope: Construct, id: string, description: string, policyNames: string[]): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    description,
    managedPolicies: policyNames.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
  });
  acknowledgeManagedPolicies(role, policyNames);
  return role;
}
