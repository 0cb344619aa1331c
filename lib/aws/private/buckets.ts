import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

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
  /** Object Lock default retention in compliance mode, in days; undefined leaves Object Lock off. */
  readonly objectLockComplianceDays?: number;
  /** Bucket that receives this bucket's server access logs; undefined writes none. */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /** Prefix of this bucket's server access logs in `serverAccessLogsBucket`. */
  readonly serverAccessLogsPrefix?: string;
}

/**
 * An S3 bucket as every construct of this library makes one: versioned, encrypted, public access
 * blocked, TLS-only (with TLS 1.2 minimum), object ownership enforced, retained on delete, with a
 * lifecycle for noncurrent versions so versioning does not grow without bound.
 */
export function newSecureBucket(scope: Construct, id: string, options: SecureBucketOptions): s3.Bucket {
  const transitions: s3.Transition[] = [];
  if (options.infrequentAccessAfterDays !== undefined) {
    transitions.push({ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(options.infrequentAccessAfterDays) });
  }
  if (options.glacierAfterDays !== undefined) {
    transitions.push({ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(options.glacierAfterDays) });
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
    objectLockEnabled: options.objectLockComplianceDays !== undefined ? true : undefined,
    objectLockDefaultRetention: options.objectLockComplianceDays !== undefined
      ? s3.ObjectLockRetention.compliance(Duration.days(options.objectLockComplianceDays))
      : undefined,
    lifecycleRules: [{
      id: 'Lifecycle',
      abortIncompleteMultipartUploadAfter: Duration.days(7),
      noncurrentVersionExpiration: Duration.days(options.noncurrentVersionDays),
      transitions: transitions.length > 0 ? transitions : undefined,
      expiration: options.expireAfterDays !== undefined ? Duration.days(options.expireAfterDays) : undefined,
    }],
  });
  if (options.serverAccessLogsBucket) {
    logAccessTo(bucket, options.serverAccessLogsBucket, options.serverAccessLogsPrefix ?? '');
  }
  return bucket;
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
  target.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [target.arnForObjects(`${prefix}*`)],
    // Naming the source from another stack's policy would make that stack depend on this one.
    conditions: Stack.of(target) === Stack.of(bucket)
      ? { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account } }
      : undefined,
  }));
}
