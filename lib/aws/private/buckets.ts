import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS } from '../../core/buckets';
import { acknowledgeFindings } from './nag';

/** Options of {@link newSecureBucket}. */
export interface SecureBucketOptions {
  /** Physical name; undefined lets CloudFormation generate one. */
  readonly bucketName?: string;
  /**
   * Customer-managed key for SSE-KMS. Leave it out only where the writer cannot use KMS
   * (ALB access logs accept SSE-S3 only); the bucket is then SSE-S3 encrypted.
   */
  readonly encryptionKey?: kms.IKey;
  /** Days after which current objects move to Standard-IA (telemetry kept long). */
  readonly infrequentAccessAfterDays?: number;
  /** Days after which current objects move to Glacier Flexible Retrieval. */
  readonly glacierAfterDays?: number;
  /** Days after which current objects expire; undefined keeps them. */
  readonly expireAfterDays?: number;
  /** Days noncurrent versions are kept before they expire. */
  readonly noncurrentVersionDays: number;
  /**
   * Object Lock default retention in compliance mode, in days; undefined turns Object Lock on with
   * no default retention (nothing is locked until someone sets a retention or a legal hold).
   */
  readonly objectLockComplianceDays?: number;
  /**
   * The bucket receives S3 server access logs: S3 delivers them only to a bucket encrypted with
   * SSE-S3 (so `encryptionKey` must be left out) and without Object Lock, which stays off.
   */
  readonly receivesServerAccessLogs?: boolean;
  /** Bucket that receives this bucket's server access logs; undefined writes none. */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /** Prefix of this bucket's server access logs in `serverAccessLogsBucket`. */
  readonly serverAccessLogsPrefix?: string;
}

/**
 * An S3 bucket as every construct of this library makes one: versioned, encrypted, public access
 * blocked, TLS-only (with TLS 1.2 minimum), object ownership enforced, retained on delete, with a
 * lifecycle for noncurrent versions so versioning does not grow without bound, Object Lock on
 * (except where server access logs are delivered) so that an operator can put a legal hold on
 * objects during an incident, and object events sent to Amazon EventBridge.
 */
export function newSecureBucket(scope: Construct, id: string, options: SecureBucketOptions): s3.Bucket {
  const transitions: s3.Transition[] = [];
  if (options.infrequentAccessAfterDays !== undefined) {
    transitions.push({
      storageClass: s3.StorageClass.INFREQUENT_ACCESS,
      transitionAfter: Duration.days(options.infrequentAccessAfterDays),
    });
  }
  if (options.glacierAfterDays !== undefined) {
    transitions.push({
      storageClass: s3.StorageClass.GLACIER,
      transitionAfter: Duration.days(options.glacierAfterDays),
    });
  }
  const bucket = new s3.Bucket(scope, id, {
    bucketName: options.bucketName,
    encryption: options.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: options.encryptionKey,
    bucketKeyEnabled: options.encryptionKey ? true : undefined,
    versioned: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    objectLockEnabled: options.receivesServerAccessLogs ? undefined : true,
    objectLockDefaultRetention:
      options.objectLockComplianceDays !== undefined
        ? s3.ObjectLockRetention.compliance(Duration.days(options.objectLockComplianceDays))
        : undefined,
    lifecycleRules: [
      {
        id: 'Lifecycle',
        abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS),
        noncurrentVersionExpiration: Duration.days(options.noncurrentVersionDays),
        transitions: transitions.length > 0 ? transitions : undefined,
        expiration: options.expireAfterDays !== undefined ? Duration.days(options.expireAfterDays) : undefined,
      },
    ],
  });
  // Set on the bucket itself: aws-cdk-lib's `eventBridgeEnabled` adds a custom resource and its
  // Lambda function. (A notification added with `addEventNotification` replaces this one.)
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
    eventBridgeConfiguration: { eventBridgeEnabled: true },
  };
  if (options.serverAccessLogsBucket) {
    logAccessTo(bucket, options.serverAccessLogsBucket, options.serverAccessLogsPrefix ?? '');
  }
  return bucket;
}

/**
 * A bucket that receives S3 server access logs (the end of a chain of logs: SSE-S3, no Object
 * Lock, no logs of its own) and expires them after `expireAfterDays`.
 */
export function newServerAccessLogsBucket(scope: Construct, id: string, expireAfterDays: number): s3.Bucket {
  const logs = newSecureBucket(scope, id, {
    receivesServerAccessLogs: true,
    noncurrentVersionDays: 1,
    expireAfterDays,
  });
  for (const [ackId, reason] of [
    ['AwsSolutions-S1', 'this bucket receives server access logs; logging its own access would log the log delivery'],
    [
      'NIST.800.53.R5-S3BucketLoggingEnabled',
      'this bucket receives server access logs; logging its own access would log the log delivery',
    ],
    [
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'S3 server access logging delivers only to buckets encrypted with SSE-S3',
    ],
    [
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      "access logs describe this region's bucket and are kept for the log retention, not replicated as data",
    ],
  ] as const) {
    acknowledgeFindings(logs, { id: ackId, reason });
  }
  return logs;
}

/**
 * Server access logging by bucket policy, the only delivery an ownership-enforced target accepts.
 * aws-cdk-lib does this only under the `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` flag and
 * otherwise sets the `LogDeliveryWrite` ACL, which fails in an app without that flag.
 */
function logAccessTo(bucket: s3.Bucket, target: s3.IBucket, prefix: string): void {
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  cfnBucket.loggingConfiguration = { destinationBucketName: target.bucketName, logFilePrefix: prefix || undefined };
  // An imported target's policy is its owner's to write; addToResourcePolicy leaves it alone.
  target.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.ALLOW,
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [target.arnForObjects(`${prefix}*`)],
      // Naming the source from another stack's policy would make that stack depend on this one.
      conditions:
        Stack.of(target) === Stack.of(bucket)
          ? {
              ArnLike: { 'aws:SourceArn': bucket.bucketArn },
              StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account },
            }
          : undefined,
    }),
  );
}
