import * as fc from 'fast-check';
import { AuditTrail } from '../../lib/aws/audit-trail';
import { ServiceTier } from '../../lib/core';
import { AuditTrail as TfAuditTrail } from '../../lib/tf/aws/audit-trail';
import { cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * AuditTrail on CloudFormation and on Terraform, from one intent: the same trail (every region,
 * global service events, log-file validation), the same Object Lock retention, and the same
 * lifecycle of the log files (Standard-IA, Glacier, expiry, noncurrent versions). All come from
 * core's planAuditTrail. The CDK trail also keeps a CloudWatch Logs copy, which the Terraform twin
 * does not have (the README's engine table says so).
 */

const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    retentionDays: fc.option(fc.integer({ min: 181, max: 3650 }), { nil: undefined }),
    expire: fc.boolean(),
    infrequentAccessAfterDays: fc.option(fc.integer({ min: 30, max: 60 }), { nil: undefined }),
    glacierExtra: fc.option(fc.integer({ min: 30, max: 90 }), { nil: undefined }),
  })
  .map((p) => ({
    ...p,
    glacierAfterDays: p.glacierExtra === undefined ? undefined : (p.infrequentAccessAfterDays ?? 30) + p.glacierExtra,
  }));
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of one audit trail, read from either output. */
interface AuditValues {
  readonly trail: unknown[];
  readonly lock: unknown;
  readonly transitions: string[];
  readonly expiryDays: unknown;
  readonly noncurrentDays: unknown;
}

function props(p: Intent) {
  return {
    tier: p.tier,
    service: 'orders',
    compliance:
      p.retentionDays === undefined ? undefined : { retentionDays: p.retentionDays, expireAfterRetention: p.expire },
    infrequentAccessAfterDays: p.infrequentAccessAfterDays,
    glacierAfterDays: p.glacierAfterDays,
  };
}

function cdkValues(p: Intent): AuditValues {
  const resources = cdkResources((stack) => new AuditTrail(stack, 'Audit', props(p)));
  const [trail] = cfnOfType(resources, 'AWS::CloudTrail::Trail');
  const [bucket] = cfnOfType(resources, 'AWS::S3::Bucket').filter((b) => b.ObjectLockConfiguration !== undefined);
  const rules = (bucket.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
  const lock = bucket.ObjectLockConfiguration as { Rule: { DefaultRetention: { Mode: string; Days: number } } };
  return {
    trail: [trail.IsMultiRegionTrail, trail.IncludeGlobalServiceEvents, trail.EnableLogFileValidation],
    lock: [lock.Rule.DefaultRetention.Mode, lock.Rule.DefaultRetention.Days],
    transitions: rules
      .flatMap((r) => (r.Transitions ?? []) as { StorageClass: string; TransitionInDays: number }[])
      .map((t) => `${t.StorageClass}@${t.TransitionInDays}`)
      .sort(),
    expiryDays: rules.find((r) => r.ExpirationInDays !== undefined)?.ExpirationInDays,
    noncurrentDays: (
      rules.find((r) => r.NoncurrentVersionExpiration !== undefined)?.NoncurrentVersionExpiration as
        { NoncurrentDays: number } | undefined
    )?.NoncurrentDays,
  };
}

function tfValues(p: Intent): AuditValues {
  const json = tfJson((stack) => new TfAuditTrail(stack, 'Audit', props(p)));
  const [trail] = tfOfType(json, 'aws_cloudtrail');
  const [lock] = tfOfType(json, 'aws_s3_bucket_object_lock_configuration') as {
    rule: { default_retention: { mode: string; days: number } };
  }[];
  const rules = tfOfType(json, 'aws_s3_bucket_lifecycle_configuration').flatMap(
    (c) => c.rule as Record<string, { days?: number; storage_class?: string; noncurrent_days?: number }[]>[],
  );
  return {
    trail: [trail.is_multi_region_trail, trail.include_global_service_events, trail.enable_log_file_validation],
    lock: [lock.rule.default_retention.mode, lock.rule.default_retention.days],
    transitions: rules
      .flatMap((r) => r.transition ?? [])
      .map((t) => `${t.storage_class}@${t.days}`)
      .sort(),
    expiryDays: rules.map((r) => r.expiration?.[0]?.days).find((d) => d !== undefined),
    noncurrentDays: rules.map((r) => r.noncurrent_version_expiration?.[0]?.noncurrent_days).find((d) => d),
  };
}

describe('AuditTrail twins', () => {
  const drawn = intents(intent);

  test('the sample covers default and given retentions, expiring and kept files, default and given transitions', () => {
    expect(drawn.some((p) => p.retentionDays === undefined) && drawn.some((p) => p.retentionDays)).toBe(true);
    expect(drawn.some((p) => p.retentionDays && p.expire)).toBe(true);
    expect(drawn.some((p) => p.glacierAfterDays === undefined) && drawn.some((p) => p.glacierAfterDays)).toBe(true);
  });

  test.each(drawn.map((p, i) => [i, p] as const))('intent %d: both engines render the same plan', (_i, p) => {
    const cdk = cdkValues(p);
    expect(tfValues(p)).toEqual(cdk);
    const retention = p.retentionDays ?? p.tier.logRetentionDays;
    expect(cdk.lock).toEqual(['COMPLIANCE', retention]);
    expect(cdk.trail).toEqual([true, true, true]);
    expect(cdk.expiryDays).toBe(p.retentionDays !== undefined && p.expire ? retention : undefined);
  });
});
