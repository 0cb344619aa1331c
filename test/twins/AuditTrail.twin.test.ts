import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { AuditTrail } from '../../lib/aws/audit-trail';
import { ServiceTier } from '../../lib/core';
import { AuditTrail as TfAuditTrail } from '../../lib/tf/aws/audit-trail';
import { cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * AuditTrail on CloudFormation and on Terraform, from one intent: the same trail (every region,
 * global service events, log-file validation), the same Object Lock retention, and the same
 * lifecycle of the log files (Standard-IA, Glacier, expiry, noncurrent versions). All come from
 * core's planAuditTrail, as do the CloudWatch Logs copy's retention and the data events recorded.
 */

const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    retentionDays: fc.option(fc.integer({ min: 181, max: 3650 }), { nil: undefined }),
    expire: fc.boolean(),
    infrequentAccessAfterDays: fc.option(fc.integer({ min: 30, max: 60 }), { nil: undefined }),
    glacierExtra: fc.option(fc.integer({ min: 30, max: 90 }), { nil: undefined }),
    logRetentionDays: fc.option(fc.constantFrom(90, 365, 731), { nil: undefined }),
    dataEvents: fc.subarray(['bucket', 'table'] as const),
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
  readonly logRetentionDays: unknown;
  /** Each selector as `name: field=values;...`, ARNs reduced to the resource's kind. */
  readonly selectors: string[];
}

const BUCKET = 'arn:aws:s3:::orders-data';
const TABLE = 'arn:aws:dynamodb:us-east-1:111111111111:table/orders';

function selectorText(name: string, fields: { field: string; values: string[] }[]): string {
  return `${name}: ${fields.map((f) => `${f.field}=${f.values.join(',')}`).join(';')}`;
}

function props(p: Intent) {
  return {
    tier: p.tier,
    service: 'orders',
    compliance:
      p.retentionDays === undefined ? undefined : { retentionDays: p.retentionDays, expireAfterRetention: p.expire },
    infrequentAccessAfterDays: p.infrequentAccessAfterDays,
    glacierAfterDays: p.glacierAfterDays,
    logRetentionDays: p.logRetentionDays,
  };
}

function cdkValues(p: Intent): AuditValues {
  const resources = cdkResources(
    (stack) =>
      new AuditTrail(stack, 'Audit', {
        ...props(p),
        s3DataEventBuckets: p.dataEvents.includes('bucket') ? [s3.Bucket.fromBucketArn(stack, 'B', BUCKET)] : [],
        dynamoDbDataEventTables: p.dataEvents.includes('table')
          ? [dynamodb.Table.fromTableArn(stack, 'T', TABLE)]
          : undefined,
      }),
  );
  const [logGroup] = cfnOfType(resources, 'AWS::Logs::LogGroup');
  const [trail] = cfnOfType(resources, 'AWS::CloudTrail::Trail');
  const cfnSelectors = (trail.AdvancedEventSelectors ?? []) as {
    Name: string;
    FieldSelectors: { Field: string; Equals?: string[]; StartsWith?: string[] }[];
  }[];
  const [bucket] = cfnOfType(resources, 'AWS::S3::Bucket').filter((b) => b.ObjectLockConfiguration !== undefined);
  const rules = (bucket.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
  const lock = bucket.ObjectLockConfiguration as { Rule: { DefaultRetention: { Mode: string; Days: number } } };
  return {
    trail: [trail.IsMultiRegionTrail, trail.IncludeGlobalServiceEvents, trail.EnableLogFileValidation],
    lock: [lock.Rule.DefaultRetention.Mode, lock.Rule.DefaultRetention.Days],
    logRetentionDays: logGroup.RetentionInDays,
    selectors: cfnSelectors.map((sel) =>
      selectorText(
        sel.Name,
        sel.FieldSelectors.map((f) => ({ field: f.Field, values: f.Equals ?? (f.StartsWith ?? []).map(arnKind) })),
      ),
    ),
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
  const json = tfJson(
    (stack) =>
      new TfAuditTrail(stack, 'Audit', {
        ...props(p),
        s3DataEventBucketArns: p.dataEvents.includes('bucket') ? [BUCKET] : [],
        dynamoDbDataEventTableArns: p.dataEvents.includes('table') ? [TABLE] : undefined,
      }),
  );
  const [logGroup] = tfOfType(json, 'aws_cloudwatch_log_group');
  const [trail] = tfOfType(json, 'aws_cloudtrail');
  const tfSelectors = (trail.advanced_event_selector ?? []) as {
    name: string;
    field_selector: { field: string; equals?: string[]; starts_with?: string[] }[];
  }[];
  const [lock] = tfOfType(json, 'aws_s3_bucket_object_lock_configuration') as {
    rule: { default_retention: { mode: string; days: number } };
  }[];
  const rules = tfOfType(json, 'aws_s3_bucket_lifecycle_configuration').flatMap(
    (c) => c.rule as Record<string, { days?: number; storage_class?: string; noncurrent_days?: number }[]>[],
  );
  return {
    trail: [trail.is_multi_region_trail, trail.include_global_service_events, trail.enable_log_file_validation],
    lock: [lock.rule.default_retention.mode, lock.rule.default_retention.days],
    logRetentionDays: logGroup.retention_in_days,
    selectors: tfSelectors.map((sel) =>
      selectorText(
        sel.name,
        sel.field_selector.map((f) => ({ field: f.field, values: f.equals ?? (f.starts_with ?? []).map(arnKind) })),
      ),
    ),
    transitions: rules
      .flatMap((r) => r.transition ?? [])
      .map((t) => `${t.storage_class}@${t.days}`)
      .sort(),
    expiryDays: rules.map((r) => r.expiration?.[0]?.days).find((d) => d !== undefined),
    noncurrentDays: rules.map((r) => r.noncurrent_version_expiration?.[0]?.noncurrent_days).find((d) => d),
  };
}

/** A CDK bucket's object ARN prefix is an expression; both engines' prefix is the bucket's ARN and `/`. */
function arnKind(prefix: unknown): string {
  return JSON.stringify(prefix).includes(BUCKET) ? 'bucket/' : String(prefix);
}

describe('AuditTrail twins', () => {
  const drawn = intents(intent);

  test('the sample covers default and given retentions, expiring and kept files, default and given transitions', () => {
    expect(drawn.some((p) => p.retentionDays === undefined) && drawn.some((p) => p.retentionDays)).toBe(true);
    expect(drawn.some((p) => p.retentionDays && p.expire)).toBe(true);
    expect(drawn.some((p) => p.glacierAfterDays === undefined) && drawn.some((p) => p.glacierAfterDays)).toBe(true);
    expect(drawn.some((p) => p.dataEvents.length === 0) && drawn.some((p) => p.dataEvents.length === 2)).toBe(true);
  });

  test.each(drawn.map((p, i) => [i, p] as const))('intent %d: both engines render the same plan', (_i, p) => {
    const cdk = cdkValues(p);
    expect(tfValues(p)).toEqual(cdk);
    const retention = p.retentionDays ?? p.tier.logRetentionDays;
    expect(cdk.lock).toEqual(['COMPLIANCE', retention]);
    expect(cdk.trail).toEqual([true, true, true]);
    expect(cdk.expiryDays).toBe(p.retentionDays !== undefined && p.expire ? retention : undefined);
    expect(cdk.logRetentionDays).toBe(p.logRetentionDays ?? p.tier.logRetentionDays);
    expect(cdk.selectors).toHaveLength(p.dataEvents.length === 0 ? 0 : p.dataEvents.length + 1);
  });
});
