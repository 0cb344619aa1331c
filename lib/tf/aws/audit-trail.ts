import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS, FailureDomain } from '../../core';
import { AuditCompliance, planAuditTrail } from '../../core/plans/audit-trail';
import { emitWarnings, throwProblems } from '../diagnostics';
import { HaProps, RegionalProps } from './ha-props';
import { AccountContext, cloudWatchLogsStatement, newCustomerManagedKey } from './private/keys';
import { attachHaMetadata } from './private/metadata';

/** Props of {@link AuditTrail}. */
export interface AuditTrailProps extends HaProps, RegionalProps {
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
   * ARNs of buckets whose object-level operations (data events) are recorded.
   * @default - none
   */
  readonly s3DataEventBucketArns?: string[];
  /**
   * ARNs of functions whose invocations (data events) are recorded.
   * @default - none
   */
  readonly lambdaDataEventFunctionArns?: string[];
  /**
   * ARNs of tables whose item-level operations (data events) are recorded.
   * @default - none
   */
  readonly dynamoDbDataEventTableArns?: string[];
}

export type { AuditCompliance };

/**
 * The account's audit record (Terraform twin of the CDK `AuditTrail`): a multi-region CloudTrail
 * trail with log file validation (a digest proves no file was edited), global service events,
 * encrypted with a customer-managed key, writing to a bucket with S3 Object Lock in compliance mode
 * for the retention (no file can be deleted, even by the account that wrote it), versioned,
 * private, TLS-only, `prevent_destroy`. A copy goes to an encrypted CloudWatch Logs group kept
 * `logRetentionDays`; data events are recorded for the buckets, functions and tables given.
 *
 * Construct ids (public API): `Resource` (the trail), **`Bucket`**, **`Key`**, **`Logs`**, `LogsRole`,
 * `BucketPolicy`, `ObjectLock`.
 */
export class AuditTrail extends Construct {
  public readonly trail: Cloudtrail;
  public readonly bucket: S3Bucket;
  /** The CloudWatch Logs copy of the trail. */
  public readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { tier, provider } = props;
    const plan = planAuditTrail(tier, {
      compliance: props.compliance,
      infrequentAccessAfterDays: props.infrequentAccessAfterDays,
      glacierAfterDays: props.glacierAfterDays,
      logRetentionDays: props.logRetentionDays,
      dataEvents: {
        bucketArns: props.s3DataEventBucketArns,
        functionArns: props.lambdaDataEventFunctionArns,
        tableArns: props.dynamoDbDataEventTableArns,
      },
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'AuditTrail', plan.warnings);
    const context = new AccountContext(this, 'Account', provider);
    const trailName = `ha-${this.node.addr.slice(0, 20)}-audit`;
    const trailArn = context.arn('cloudtrail', `trail/${trailName}`);

    const key = newCustomerManagedKey(this, 'Key', {
      description: `Encrypts the audit trail ${this.node.path}`,
      context,
      statements: [
        {
          Sid: 'AllowCloudTrailToEncryptLogs',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:GenerateDataKey',
          // A key policy statement applies to the key it is attached to: `*` here means "this key".
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceArn': trailArn },
            StringLike: {
              'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${context.partition}:cloudtrail:*:${context.accountId}:trail/*`,
            },
          },
        },
        {
          Sid: 'AllowCloudTrailToDescribeKey',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:DescribeKey',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': context.accountId } },
        },
        cloudWatchLogsStatement(context),
      ],
    });

    this.bucket = new S3Bucket(this, 'Bucket', {
      provider,
      bucketPrefix: 'audit-trail-',
      objectLockEnabled: true,
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    const bucketId = this.bucket.id;
    new S3BucketOwnershipControls(this, 'Ownership', {
      provider,
      bucket: bucketId,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPublicAccessBlock(this, 'PublicAccess', {
      provider,
      bucket: bucketId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, 'Versioning', {
      provider,
      bucket: bucketId,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      provider,
      bucket: bucketId,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketObjectLockConfigurationA(this, 'ObjectLock', {
      provider,
      bucket: bucketId,
      rule: { defaultRetention: { mode: 'COMPLIANCE', days: plan.objectLockDays } },
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      provider,
      bucket: bucketId,
      rule: [
        {
          id: 'audit-files',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          // Audit files are read rarely, in an investigation: cheaper classes as they age.
          transition: [
            { days: plan.infrequentAccessAfterDays, storageClass: 'STANDARD_IA' },
            { days: plan.glacierAfterDays, storageClass: 'GLACIER' },
          ],
          ...(plan.expireAfterDays !== undefined ? { expiration: [{ days: plan.expireAfterDays }] } : {}),
          noncurrentVersionExpiration: [{ noncurrentDays: plan.noncurrentVersionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS }],
        },
      ],
    });
    const policy = new S3BucketPolicy(this, 'BucketPolicy', {
      provider,
      bucket: bucketId,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CloudTrailChecksAcl',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: this.bucket.arn,
            Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
          },
          {
            Sid: 'CloudTrailWritesLogs',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${this.bucket.arn}/AWSLogs/${context.accountId}/*`,
            Condition: { StringEquals: { 'aws:SourceArn': trailArn, 's3:x-amz-acl': 'bucket-owner-full-control' } },
          },
          {
            Sid: 'DenyWithoutTls',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });

    this.logGroup = new CloudwatchLogGroup(this, 'Logs', {
      provider,
      namePrefix: 'audit-trail-',
      retentionInDays: plan.logRetentionDays,
      kmsKeyId: key.arn,
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });
    // CloudTrail writes the copy through a role that may only add events to this group's streams.
    const logsRole = new IamRole(this, 'LogsRole', {
      provider,
      namePrefix: 'audit-trail-logs-',
      description: `Lets the trail ${trailName} copy its events to its log group`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
          },
        ],
      }),
      inlinePolicy: [
        {
          name: 'WriteTrailEvents',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: `${this.logGroup.arn}:log-stream:*`,
              },
            ],
          }),
        },
      ],
    });

    this.trail = new Cloudtrail(this, 'Resource', {
      provider,
      name: trailName,
      s3BucketName: this.bucket.bucket,
      kmsKeyId: key.arn,
      isMultiRegionTrail: plan.trail.multiRegion,
      includeGlobalServiceEvents: plan.trail.globalServiceEvents,
      enableLogFileValidation: plan.trail.fileValidation,
      enableLogging: true,
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: logsRole.arn,
      advancedEventSelector: plan.eventSelectors.map(({ name, fieldSelectors }) => ({
        name,
        fieldSelector: fieldSelectors.map(({ field, equals, startsWith }) => ({ field, equalTo: equals, startsWith })),
      })),
      dependsOn: [policy],
    });

    attachHaMetadata(this, props, { component: 'AuditTrail', failureDomain: FailureDomain.REGION });
  }
}
