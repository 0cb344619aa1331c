import { Aws, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import { AuditCompliance, planAuditTrail } from '../core/plans/audit-trail';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { emitWarnings, throwProblems } from './private/errors';
import { newSecureBucket } from './private/buckets';
import { allowCloudWatchLogs, newCustomerManagedKey, newEncryptedLogGroup } from './private/keys';
import { acknowledgeFindings } from './private/nag';

export type { AuditCompliance };

/** Props of {@link AuditTrail}. */
export interface AuditTrailProps extends HaProps {
  /**
   * The compliance policy: the retention of the immutable log files.
   * @default - locked for tier.logRetentionDays, never expired
   */
  readonly compliance?: AuditCompliance;
  /**
   * Days after which log files move to S3 Standard-IA (at least 30, S3's minimum for that class).
   * @default 30
   */
  readonly infrequentAccessAfterDays?: number;
  /**
   * Days after which log files move to S3 Glacier Flexible Retrieval (at least 30 days after the
   * Standard-IA transition, S3's minimum stay in Standard-IA).
   * @default 90
   */
  readonly glacierAfterDays?: number;
  /**
   * Days the CloudWatch Logs copy is kept (for queries and metric filters; the bucket is the record).
   * @default - tier.logRetentionDays
   */
  readonly logRetentionDays?: number;
  /**
   * Key that encrypts the log files, the digest files and the CloudWatch Logs copy. A key you pass
   * must let CloudTrail and CloudWatch Logs use it.
   * @default - a new customer-managed key with rotation, retained on delete
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Buckets whose object-level operations (data events) are recorded.
   * @default - none
   */
  readonly s3DataEventBuckets?: s3.IBucket[];
  /**
   * Functions whose invocations (data events) are recorded.
   * @default - none
   */
  readonly lambdaDataEventFunctions?: lambda.IFunction[];
  /**
   * Tables whose item-level operations (data events) are recorded.
   * @default - none
   */
  readonly dynamoDbDataEventTables?: dynamodb.ITable[];
}

/**
 * An audit log that cannot be altered: a multi-region CloudTrail trail (global service events
 * included) with log-file validation, encrypted with a customer-managed key, delivered to a
 * versioned, TLS-only bucket with S3 Object Lock in compliance mode for the compliance retention,
 * whose server access logs go to a second bucket; both move to cheaper storage classes by
 * lifecycle. A copy goes to an encrypted CloudWatch Logs group with a retention. Data events for
 * chosen S3 buckets, Lambda functions and DynamoDB tables are optional.
 *
 * Construct ids (public API): `Key`, `Bucket`, `AccessLogsBucket`, `Logs`, `Trail`.
 */
export class AuditTrail extends Construct {
  /** The trail. */
  public readonly trail: cloudtrail.Trail;
  /** The bucket that holds the log and digest files, under Object Lock. */
  public readonly bucket: s3.IBucket;
  /** The bucket that holds the trail bucket's server access logs. */
  public readonly accessLogsBucket: s3.IBucket;
  /** The CloudWatch Logs copy of the trail. */
  public readonly logGroup: logs.ILogGroup;
  /** The key that encrypts the log files and the log group. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const retention = props.compliance?.retentionDays;
    // A token retention reaches Object Lock as given: the plan cannot read it, so it checks the rest.
    const tokenRetention = retention !== undefined && Token.isUnresolved(retention);
    const plan = planAuditTrail(props.tier, {
      compliance: {
        retentionDays: tokenRetention ? undefined : retention,
        expireAfterRetention: tokenRetention ? false : props.compliance?.expireAfterRetention,
      },
      infrequentAccessAfterDays: props.infrequentAccessAfterDays,
      glacierAfterDays: props.glacierAfterDays,
      logRetentionDays: props.logRetentionDays,
      dataEvents: {
        bucketArns: props.s3DataEventBuckets?.map((b) => b.bucketArn),
        functionArns: props.lambdaDataEventFunctions?.map((f) => f.functionArn),
        tableArns: props.dynamoDbDataEventTables?.map((t) => t.tableArn),
      },
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'AuditTrail', plan.warnings);
    const retentionDays = tokenRetention ? retention : plan.objectLockDays;
    const expireAfterDays = tokenRetention
      ? props.compliance?.expireAfterRetention
        ? retention
        : undefined
      : plan.expireAfterDays;
    const { infrequentAccessAfterDays: iaDays, glacierAfterDays: glacierDays, logRetentionDays } = plan;

    const key =
      props.encryptionKey ?? newCustomerManagedKey(this, 'Key', `Encrypts the audit trail of ${this.node.path}`);
    if (!props.encryptionKey) {
      allowCloudWatchLogs(key, this);
      allowCloudTrail(key);
    }
    this.encryptionKey = key;

    // Server access logs can only be delivered to an SSE-S3 bucket without an Object Lock default retention.
    const accessLogsBucket = newSecureBucket(this, 'AccessLogsBucket', {
      receivesServerAccessLogs: true,
      infrequentAccessAfterDays: iaDays,
      glacierAfterDays: glacierDays,
      expireAfterDays,
      noncurrentVersionDays: retentionDays,
    });
    const bucket = newSecureBucket(this, 'Bucket', {
      encryptionKey: key,
      objectLockComplianceDays: retentionDays,
      infrequentAccessAfterDays: iaDays,
      glacierAfterDays: glacierDays,
      expireAfterDays,
      noncurrentVersionDays: retentionDays,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: 'trail-bucket/',
    });
    this.bucket = bucket;
    this.accessLogsBucket = accessLogsBucket;

    this.logGroup = newEncryptedLogGroup(this, 'Logs', { retentionDays: logRetentionDays, encryptionKey: key });
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket,
      encryptionKey: key,
      isMultiRegionTrail: plan.trail.multiRegion,
      includeGlobalServiceEvents: plan.trail.globalServiceEvents,
      enableFileValidation: plan.trail.fileValidation,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
    });
    if (plan.eventSelectors.length > 0) {
      const cfnTrail = this.trail.node.defaultChild as cloudtrail.CfnTrail;
      cfnTrail.advancedEventSelectors = plan.eventSelectors.map(({ name, fieldSelectors }) => ({
        name,
        fieldSelectors: fieldSelectors.map(({ field, equals, startsWith }) => ({ field, equalTo: equals, startsWith })),
      }));
      cfnTrail.addPropertyDeletionOverride('EventSelectors');
    }

    acknowledgeFindings(accessLogsBucket, {
      id: 'AwsSolutions-S1',
      reason: "this bucket receives the trail bucket's server access logs; logging it to itself would loop",
    });
    acknowledgeFindings(accessLogsBucket, {
      id: 'NIST.800.53.R5-S3BucketLoggingEnabled',
      reason: "this bucket receives the trail bucket's server access logs; logging it to itself would loop",
    });
    acknowledgeFindings(accessLogsBucket, {
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason: 'S3 server access logs can be delivered only to a bucket encrypted with SSE-S3',
    });
    for (const target of [bucket, accessLogsBucket]) {
      acknowledgeFindings(target, {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          'the trail records every region in this one bucket; its integrity comes from Object Lock compliance mode and log-file validation, and a cross-account copy is an organization decision outside this construct',
      });
    }
    const logsRole = this.trail.node.tryFindChild('LogsRole');
    if (logsRole) {
      acknowledgeFindings(logsRole, {
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason:
          'cloudtrail.Trail creates this role for the trail alone; its inline policy lets CloudTrail write to this one log group and dies with it',
      });
    }

    attachHaMetadata(this, props, { component: 'AuditTrail', failureDomain: FailureDomain.REGION });
  }
}

/** Lets CloudTrail of this account encrypt log files with `key` and read its description. */
function allowCloudTrail(key: kms.IKey): void {
  const principal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogsOfThisAccount',
      principals: [principal],
      actions: ['kms:GenerateDataKey*'],
      // A key policy statement applies to the key it is attached to: `*` here means "this key".
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        StringLike: {
          'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${Aws.PARTITION}:cloudtrail:*:${Aws.ACCOUNT_ID}:trail/*`,
        },
      },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKey',
      principals: [principal],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  );
}
