import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ReplicaBucket, ReplicatedBucket } from '../../lib/aws/bucket';
import { checkInputs } from '../../lib/checks/check';
import { HA_METADATA_KEY, S3_RTC_REPLICATION_SECONDS, ServiceTier } from '../../lib/core';
import { expectValidationError, testApp } from '../util';

/** A TIER_0 service whose only data store is a replicated bucket, with or without its own RPO objective. */
function tier0Buckets(rpoObjective?: Duration) {
  const app = testApp();
  const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
  const standby = new Stack(app, 'Standby', { env: { region: 'us-west-2' } });
  new ReplicaBucket(standby, 'Receipts', { tier: ServiceTier.TIER_0, service: 'shop', bucketName: 'shop-receipts-us-west-2' });
  const bucket = new ReplicatedBucket(primary, 'Receipts', {
    tier: ServiceTier.TIER_0, service: 'shop', replicaRegion: 'us-west-2', replicaBucketName: 'shop-receipts-us-west-2', rpoObjective,
  });
  const report = checkInputs({
    cloudFormation: [
      { name: 'Primary', region: 'us-east-1', template: Template.fromStack(primary).toJSON() },
      { name: 'Standby', region: 'us-west-2', template: Template.fromStack(standby).toJSON() },
    ],
  });
  return { primary, bucket, report: report.services.find((s) => s.stack === 'Primary')!, findings: report.findings };
}

describe('a data set with its own region RPO objective', () => {
  test('GIVEN a TIER_0 bucket without one THEN S3 RTC bounds the service region RPO at 15 min: not met', () => {
    const { report, primary } = tier0Buckets();
    expect(report.regionRpoSeconds).toBe(S3_RTC_REPLICATION_SECONDS);
    expect(report.status.regionRpo).toBe('not-met');
    Annotations.fromStack(primary).hasWarning('/Primary/Receipts', Match.stringLikeRegexp('ha-constructs:ReplicatedBucket.rpo'));
  });

  test('GIVEN rpoObjective 1 h THEN the record carries it, the bucket is held to it, and it no longer bounds the service', () => {
    const { report, primary } = tier0Buckets(Duration.hours(1));
    const buckets = Template.fromStack(primary).findResources('AWS::S3::Bucket', { Properties: { ReplicationConfiguration: Match.anyValue() } });
    expect(Object.values(buckets).map((b) => b.Metadata[HA_METADATA_KEY].dataRpoSeconds)).toEqual([3600]);
    // The bucket is the service's only store and meets its own objective: the tier's RPO holds.
    expect(report.regionRpoSeconds).toBe(0);
    expect(report.status.regionRpo).toBe('met');
    expect(report.derivation).toContainEqual(expect.objectContaining({
      quantity: 'regionRpo', value: S3_RTC_REPLICATION_SECONDS, basis: expect.stringContaining('held to its own data-set objective of 3600 s (met)'),
    }));
    Annotations.fromStack(primary).hasNoWarning('*', Match.stringLikeRegexp('ha-constructs:ReplicatedBucket.rpo'));
  });

  test('THEN HA-DR3 holds the bucket to its own objective: silent when met, naming the objective when not', () => {
    expect(tier0Buckets(Duration.hours(1)).findings.filter((f) => f.rule === 'HA-DR3')).toEqual([]);
    expect(tier0Buckets(Duration.minutes(5)).findings.filter((f) => f.rule === 'HA-DR3')).toEqual([expect.objectContaining({
      stack: 'Primary', message: expect.stringContaining('more than its own recorded RPO objective of 300 s'),
    })]);
    expect(tier0Buckets().findings.filter((f) => f.rule === 'HA-DR3')).toEqual([expect.objectContaining({
      message: expect.stringContaining("more than TIER_0's region RPO of 1 s"),
    })]);
  });

  test('GIVEN an objective the replication cannot meet THEN it still bounds the service RPO', () => {
    const { report } = tier0Buckets(Duration.minutes(5));
    expect(report.regionRpoSeconds).toBe(S3_RTC_REPLICATION_SECONDS);
    expect(report.status.regionRpo).toBe('not-met');
  });

  test('GIVEN an objective tighter than the tier THEN it is a ValidationError naming the prop', () => {
    expectValidationError(() => tier0Buckets(Duration.millis(500)), "rpoObjective must be whole seconds of at least TIER_0's region RPO (1 s): it states a looser objective for this data set, got: 0.5 s");
  });
});
