import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ReplicaBucket, ReplicatedBucket } from '../../lib/aws/bucket';
import { checkInputs } from '../../lib/checks/check';
import { HA_METADATA_KEY, S3_RTC_REPLICATION_SECONDS, ServiceTier } from '../../lib/core';
import { expectValidationError, testApp } from '../util';
import { activeActiveReceipts } from './rules/cases-data';

/**
 * A TIER_0 service whose only data store is a replicated bucket with its own RPO objective. The
 * construct refuses an objective S3 RTC cannot meet, so the templates the report must judge with a
 * missing (`null`) or too tight objective are the synthesized ones with the record edited: what a
 * hand-written or older template could say.
 */
function tier0Buckets(rpoObjective = Duration.hours(1), recorded?: number | null) {
  const app = testApp();
  const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
  const standby = new Stack(app, 'Standby', { env: { region: 'us-west-2' } });
  new ReplicaBucket(standby, 'Receipts', {
    tier: ServiceTier.TIER_0,
    service: 'shop',
    bucketName: 'shop-receipts-us-west-2',
  });
  const bucket = new ReplicatedBucket(primary, 'Receipts', {
    tier: ServiceTier.TIER_0,
    service: 'shop',
    replicaRegion: 'us-west-2',
    replicaBucketName: 'shop-receipts-us-west-2',
    rpoObjective,
  });
  const template = Template.fromStack(primary).toJSON();
  if (recorded !== undefined) {
    for (const resource of Object.values(
      template.Resources as Record<string, { Metadata?: Record<string, Record<string, unknown>> }>,
    )) {
      const record = resource.Metadata?.[HA_METADATA_KEY];
      if (record?.dataRpoSeconds !== undefined) {
        if (recorded === null) {
          delete record.dataRpoSeconds;
        } else {
          record.dataRpoSeconds = recorded;
        }
      }
    }
  }
  const report = checkInputs({
    cloudFormation: [
      { name: 'Primary', region: 'us-east-1', template },
      { name: 'Standby', region: 'us-west-2', template: Template.fromStack(standby).toJSON() },
    ],
  });
  return { primary, bucket, report: report.services.find((s) => s.stack === 'Primary')!, findings: report.findings };
}

describe('a data set with its own region RPO objective', () => {
  test('GIVEN a TIER_0 bucket without one THEN S3 RTC bounds the service region RPO at 15 min: not met', () => {
    const { report } = tier0Buckets(undefined, null);
    expect(report.regionRpoSeconds).toBe(S3_RTC_REPLICATION_SECONDS);
    expect(report.status.regionRpo).toBe('not-met');
  });

  test('GIVEN TIER_0 and no objective THEN the construct refuses the bucket, naming rpoObjective and the stores that can', () => {
    const stack = new Stack(testApp(), 'Primary', { env: { region: 'us-east-1' } });
    expect(
      () =>
        new ReplicatedBucket(stack, 'Receipts', {
          tier: ServiceTier.TIER_0,
          service: 'shop',
          replicaRegion: 'us-west-2',
          replicaBucketName: 'shop-receipts-us-west-2',
        }),
    ).toThrow(/^rpoObjective must be at least 900 s for a ReplicatedBucket: .*GlobalTable or GlobalDatabase/);
  });

  test('GIVEN rpoObjective 1 h THEN the record carries it, the bucket is held to it, and it no longer bounds the service', () => {
    const { report, primary } = tier0Buckets(Duration.hours(1));
    const buckets = Template.fromStack(primary).findResources('AWS::S3::Bucket', {
      Properties: { ReplicationConfiguration: Match.anyValue() },
    });
    expect(Object.values(buckets).map((b) => b.Metadata[HA_METADATA_KEY].dataRpoSeconds)).toEqual([3600]);
    // The bucket is the service's only store and meets its own objective: the tier's RPO holds.
    expect(report.regionRpoSeconds).toBe(0);
    expect(report.status.regionRpo).toBe('met');
    expect(report.derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRpo',
        value: S3_RTC_REPLICATION_SECONDS,
        basis: expect.stringContaining('held to its own data-set objective of 3600 s (met)'),
      }),
    );
    Annotations.fromStack(primary).hasNoWarning('*', Match.anyValue());
  });

  test('THEN HA-DR3 holds the bucket to its own objective: silent when met, naming the objective when not', () => {
    expect(tier0Buckets(Duration.hours(1)).findings.filter((f) => f.rule === 'HA-DR3')).toEqual([]);
    expect(tier0Buckets(undefined, 300).findings.filter((f) => f.rule === 'HA-DR3')).toEqual([
      expect.objectContaining({
        stack: 'Primary',
        message: expect.stringContaining('more than its own recorded RPO objective of 300 s'),
      }),
    ]);
    expect(tier0Buckets(undefined, null).findings.filter((f) => f.rule === 'HA-DR3')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("more than TIER_0's region RPO of 1 s"),
      }),
    ]);
  });

  test('GIVEN an objective the replication cannot meet THEN it still bounds the service RPO', () => {
    const { report } = tier0Buckets(undefined, 300);
    expect(report.regionRpoSeconds).toBe(S3_RTC_REPLICATION_SECONDS);
    expect(report.status.regionRpo).toBe('not-met');
  });

  test('GIVEN an objective tighter than the tier THEN it is a ValidationError naming the prop', () => {
    expectValidationError(
      () => tier0Buckets(Duration.millis(500)),
      "rpoObjective must be whole seconds of at least TIER_0's region RPO (1 s): it states a looser objective for this data set, got: 0.5 s",
    );
  });
});

describe('GIVEN an active/active service whose us-west-2 compute may use the replica of us-east-1 receipts', () => {
  const serviceOf = (westActions: string[]) => checkInputs(activeActiveReceipts(westActions)).services[0];

  test('WHEN it may write the replica THEN the region RPO is unbounded, naming the role and the replica', () => {
    const service = serviceOf(['s3:GetObject', 's3:PutObject']);
    expect(service.regionRpoSeconds).toBeNull();
    expect(service.status.regionRpo).toBe('not-met');
    expect(service.derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRpo',
        stack: 'West',
        resource: 'Receipts',
        basis: 'West/AppRole writes it while us-west-2 serves, and it copies nothing to another region',
      }),
    );
  });

  test('WHEN it may only read the replica THEN the replica does not bound the region RPO', () => {
    const service = serviceOf(['s3:GetObject']);
    expect(service.derivation.filter((s) => s.quantity === 'regionRpo').map((s) => s.resource)).toEqual(['Receipts']);
    expect(service.derivation.find((s) => s.quantity === 'regionRpo')?.stack).toBe('East');
  });
});
