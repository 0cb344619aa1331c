import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Testing } from 'cdktf';
import { ServiceTier } from '../../../lib/core';
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
      is_multi_region_trail: true, enable_log_file_validation: true, include_global_service_events: true,
      kms_key_id: refTo(KmsKey, 'Audit_Key', 'arn'), s3_bucket_name: refTo(S3Bucket, 'Audit_Bucket', 'bucket'),
    });
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, { object_lock_enabled: true, force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(synthesized).toHaveResourceWithProperties(S3BucketObjectLockConfigurationA, { rule: { default_retention: { mode: 'COMPLIANCE', days: 365 } } });
  });

  test('THEN only this trail may write, and only over TLS', () => {
    const { synthesized } = synth();
    const policy = JSON.parse(Object.values(resourcesOf(synthesized, S3BucketPolicy))[0].policy);
    const bySid = Object.fromEntries(policy.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    expect(bySid.CloudTrailWritesLogs.Condition.StringEquals['aws:SourceArn']).toMatch(/:cloudtrail:.*:trail\/ha-[0-9a-f]{20}-audit$/);
    expect(bySid.DenyWithoutTls).toEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  test('GIVEN retentionDays 0 THEN a clear Error', () => {
    expect(() => synth({ retentionDays: 0 })).toThrow(new Error('retentionDays must be an integer of at least 1, got: 0'));
  });

  test('snapshot', () => {
    expect(synth().synthesized).toMatchSnapshot();
  });
});
