import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { Testing } from 'cdktf';
import { ServiceTier } from '../../../lib/core';
import { haSnapshot } from '../../../lib/testing/snapshot';
import { AuditTrail, AuditTrailProps } from '../../../lib/tf/aws/audit-trail';
import { awsStack, refTo, resourcesOf } from './util';

Testing.setupJest();

function synth(props: Partial<AuditTrailProps> = {}) {
  const { stack } = awsStack();
  const trail = new AuditTrail(stack, 'Audit', { tier: ServiceTier.TIER_1, service: 'orders', ...props });
  return { stack, trail, synthesized: Testing.synth(stack) };
}

describe('AuditTrail (Terraform)', () => {
  test('THEN a multi-region, validated, encrypted trail writes to an Object Lock bucket in compliance mode', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(Cloudtrail, {
      is_multi_region_trail: true,
      enable_log_file_validation: true,
      include_global_service_events: true,
      kms_key_id: refTo(KmsKey, 'Audit_Key', 'arn'),
      s3_bucket_name: refTo(S3Bucket, 'Audit_Bucket', 'bucket'),
    });
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, {
      object_lock_enabled: true,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(synthesized).toHaveResourceWithProperties(S3BucketObjectLockConfigurationA, {
      rule: { default_retention: { mode: 'COMPLIANCE', days: 365 } },
    });
  });

  test('THEN only this trail may write, and only over TLS', () => {
    const { synthesized } = synth();
    const policy = JSON.parse(Object.values(resourcesOf(synthesized, S3BucketPolicy))[0].policy);
    const bySid = Object.fromEntries(policy.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    expect(bySid.CloudTrailWritesLogs.Condition.StringEquals['aws:SourceArn']).toMatch(
      /:cloudtrail:.*:trail\/ha-[0-9a-f]{20}-audit$/,
    );
    expect(bySid.DenyWithoutTls).toEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  test('GIVEN a retention of 0 days, or Glacier too soon after Standard-IA THEN a clear Error naming the prop', () => {
    expect(() => synth({ compliance: { retentionDays: 0 } })).toThrow(
      new Error('compliance.retentionDays must be a whole number of days of at least 1, got: 0'),
    );
    expect(() => synth({ infrequentAccessAfterDays: 60, glacierAfterDays: 80 })).toThrow(
      new Error(
        'glacierAfterDays must be a whole number at least 30 days after infrequentAccessAfterDays (60), got: 80',
      ),
    );
  });

  test('GIVEN a retention that expires THEN the lifecycle moves files to Standard-IA, Glacier, then expires them', () => {
    const { synthesized } = synth({ compliance: { retentionDays: 400, expireAfterRetention: true } });
    const [config] = Object.values(resourcesOf(synthesized, S3BucketLifecycleConfiguration));
    expect(config.rule).toEqual([
      expect.objectContaining({
        transition: [
          { days: 30, storage_class: 'STANDARD_IA' },
          { days: 90, storage_class: 'GLACIER' },
        ],
        expiration: [{ days: 400 }],
        noncurrent_version_expiration: [{ noncurrent_days: 400 }],
      }),
    ]);
    const [lock] = Object.values(resourcesOf(synthesized, S3BucketObjectLockConfigurationA));
    expect(lock.rule).toEqual({ default_retention: { mode: 'COMPLIANCE', days: 400 } });
  });

  test('THEN CloudTrail may check the ACL and write under AWSLogs of this account, for this trail only', () => {
    const { synthesized } = synth();
    const policy = JSON.parse(Object.values(resourcesOf(synthesized, S3BucketPolicy))[0].policy);
    const bySid = Object.fromEntries(policy.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual(['CloudTrailChecksAcl', 'CloudTrailWritesLogs', 'DenyWithoutTls']);
    const trail = bySid.CloudTrailWritesLogs.Condition.StringEquals['aws:SourceArn'];
    expect(bySid.CloudTrailChecksAcl).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Condition: { StringEquals: { 'aws:SourceArn': trail } },
    });
    expect(bySid.CloudTrailWritesLogs).toMatchObject({
      Action: 's3:PutObject',
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    });
    const bucket = String.raw`\$\{aws_s3_bucket\.Audit_Bucket_[0-9A-F]{8}\.arn\}`;
    const account = String.raw`\$\{data\.aws_caller_identity\.\w+\.account_id\}`;
    expect(bySid.CloudTrailWritesLogs.Resource).toMatch(new RegExp(`^${bucket}/AWSLogs/${account}/\\*$`));
  });

  test('THEN the key lets only this trail generate data keys, and CloudTrail describe it', () => {
    const { synthesized } = synth();
    const policy = JSON.parse(Object.values(resourcesOf(synthesized, KmsKey))[0].policy);
    const bySid = Object.fromEntries(policy.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual([
      'AllowAccountToGovernKey',
      'AllowCloudTrailToEncryptLogs',
      'AllowCloudTrailToDescribeKey',
      'AllowCloudWatchLogsOfThisAccount',
    ]);
    const anyTrail = expect.stringMatching(/:cloudtrail:\*:.*:trail\/\*$/);
    expect(bySid.AllowCloudTrailToEncryptLogs).toMatchObject({
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey',
      Condition: {
        StringEquals: { 'aws:SourceArn': expect.stringMatching(/:trail\/ha-[0-9a-f]{20}-audit$/) },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': anyTrail },
      },
    });
    expect(bySid.AllowCloudTrailToDescribeKey).toMatchObject({
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:DescribeKey',
    });
  });

  test('THEN a copy goes to a retained log group under the key, written through a role that may only add events', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      retention_in_days: 365,
      kms_key_id: expect.stringMatching(/aws_kms_key\.Audit_Key_/),
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    const [trail] = Object.values(resourcesOf(synthesized, Cloudtrail));
    expect(trail.cloud_watch_logs_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.Audit_Logs_\w+\.arn\}:\*$/);
    expect(trail.cloud_watch_logs_role_arn).toMatch(/^\$\{aws_iam_role\.Audit_LogsRole_\w+\.arn\}$/);
    expect(trail.advanced_event_selector).toEqual([]);
    const [role] = Object.values(resourcesOf(synthesized, IamRole));
    const trust = JSON.parse(role.assume_role_policy).Statement[0];
    expect(trust.Condition.StringEquals['aws:SourceArn']).toMatch(/:trail\/ha-[0-9a-f]{20}-audit$/);
    const [write] = JSON.parse(role.inline_policy[0].policy).Statement;
    expect(write.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(write.Resource).toMatch(/aws_cloudwatch_log_group\.Audit_Logs_\w+\.arn\}:log-stream:\*$/);
  });

  test('GIVEN data event resources THEN management events and one data selector per kind are recorded', () => {
    const { synthesized } = synth({
      s3DataEventBucketArns: ['arn:aws:s3:::orders-data'],
      dynamoDbDataEventTableArns: ['arn:aws:dynamodb:us-east-1:111111111111:table/orders'],
    });
    const [trail] = Object.values(resourcesOf(synthesized, Cloudtrail));
    expect(trail.advanced_event_selector).toEqual([
      { name: 'Management events', field_selector: [{ field: 'eventCategory', equals: ['Management'] }] },
      {
        name: 'S3 object operations',
        field_selector: [
          { field: 'eventCategory', equals: ['Data'] },
          { field: 'resources.type', equals: ['AWS::S3::Object'] },
          { field: 'resources.ARN', starts_with: ['arn:aws:s3:::orders-data/'] },
        ],
      },
      {
        name: 'DynamoDB item operations',
        field_selector: [
          { field: 'eventCategory', equals: ['Data'] },
          { field: 'resources.type', equals: ['AWS::DynamoDB::Table'] },
          { field: 'resources.ARN', equals: ['arn:aws:dynamodb:us-east-1:111111111111:table/orders'] },
        ],
      },
    ]);
  });

  test('THEN the bucket blocks public access, is owner-enforced, and moves logs to Standard-IA, then Glacier', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(synthesized).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
    const [lifecycle] = Object.values(resourcesOf(synthesized, S3BucketLifecycleConfiguration));
    expect(lifecycle.rule).toEqual([
      expect.objectContaining({
        status: 'Enabled',
        transition: [
          { days: 30, storage_class: 'STANDARD_IA' },
          { days: 90, storage_class: 'GLACIER' },
        ],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      }),
    ]);
    // The trail is created once the bucket policy lets it write.
    expect(synthesized).toHaveResourceWithProperties(Cloudtrail, {
      enable_logging: true,
      depends_on: [expect.stringMatching(/^aws_s3_bucket_policy\.Audit_BucketPolicy_/)],
    });
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('HA snapshot', () => {
    expect(haSnapshot(synth().stack.toTerraform())).toMatchSnapshot();
  });
});
