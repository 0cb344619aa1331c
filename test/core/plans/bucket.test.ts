import { BucketIntent, planBucket, ServiceTier } from '../../../lib/core';

const { TIER_0, TIER_1, TIER_2 } = ServiceTier;

function custom(name: string, backupRetentionDays: number): ServiceTier {
  return ServiceTier.custom({ ...TIER_2, name, backupRetentionDays });
}

describe('planBucket', () => {
  test('GIVEN TIER_2 on S3 with defaults THEN the worked example of its doc', () => {
    const plan = planBucket(TIER_2, { store: 'S3', replication: {} });
    expect(plan).toEqual({
      noncurrentVersionDays: 14,
      softDeleteDays: 14,
      abortIncompleteUploadsDays: 7,
      retentionDays: undefined,
      accessLogRetentionDays: TIER_2.logRetentionDays,
      replication: {
        boundSeconds: 900,
        dataRpoSeconds: undefined,
        failedAlarm: { threshold: 0, periodSeconds: 300, evaluationPeriods: 1 },
        latencyAlarm: { threshold: 900, periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 3 },
      },
      problems: [],
      warnings: [],
    });
  });

  test.each([
    ['TIER_3', ServiceTier.TIER_3, 7, 7],
    ['TIER_1', TIER_1, 35, 35],
    ['3 days', custom('ARCHIVE', 3), 3, 7],
    ['400 days', custom('LEDGER', 400), 400, 90],
  ])(
    'GIVEN backups kept as %s says THEN noncurrent versions %p days, soft delete within 7-90 (%p)',
    (_name, tier, noncurrent, soft) => {
      const plan = planBucket(tier, { store: 'CLOUD_STORAGE' });
      expect([plan.noncurrentVersionDays, plan.softDeleteDays, plan.replication]).toEqual([
        noncurrent,
        soft,
        undefined,
      ]);
    },
  );

  test.each<[string, ServiceTier, BucketIntent, string, string]>([
    [
      'S3 name with underscore',
      TIER_2,
      { store: 'S3', names: { bucketName: 'my_bucket' } },
      'bucketName',
      'bucketName must be 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, got: my_bucket',
    ],
    [
      'GCS name in capitals',
      TIER_2,
      { store: 'CLOUD_STORAGE', names: { bucketName: 'Shop' } },
      'bucketName',
      'bucketName must be 3 to 63 lowercase letters, digits, dots, hyphens or underscores, starting and ending with a letter or digit, got: Shop',
    ],
    [
      'replica name',
      TIER_2,
      { store: 'S3', names: { replicaBucketName: 'x' } },
      'replicaBucketName',
      'replicaBucketName must be 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, got: x',
    ],
    [
      'data set',
      TIER_2,
      { store: 'S3', dataSet: 'Receipts' },
      'dataSet',
      'dataSet must be 1-64 lowercase letters, digits and hyphens, starting and ending with a letter or digit, got: "Receipts"',
    ],
    [
      'short noncurrent window',
      TIER_2,
      { store: 'S3', noncurrentVersionRetentionDays: 7 },
      'noncurrentVersionRetention',
      "noncurrentVersionRetention must be whole days of at least 14 (TIER_2's backup retention), got: 7 days",
    ],
    [
      'S3 lock of half a day',
      TIER_2,
      { store: 'S3', retentionDays: 0.5 },
      'objectLockRetention',
      'objectLockRetention must be whole days of at least 1, got: 0.5 days',
    ],
    [
      'GCS lock with no retention',
      TIER_2,
      { store: 'CLOUD_STORAGE', lockRetentionPolicy: true },
      'lockRetentionPolicy',
      'lockRetentionPolicy needs retentionDays: there is no retention policy to lock, got: retentionDays undefined',
    ],
    [
      'S3 for TIER_1',
      TIER_1,
      { store: 'S3', replication: {} },
      'rpoObjective',
      "rpoObjective must be at least 900 s for a ReplicatedBucket: S3 Replication Time Control bounds its replica's lag at 900 s. Keep data that needs a tighter RPO in a GlobalTable or GlobalDatabase, and state this data set's own rpoObjective if the service can rebuild it, got: none, so TIER_1's region RPO of 60 s applies",
    ],
    [
      'GCS objective tighter than the tier',
      TIER_2,
      { store: 'CLOUD_STORAGE', replication: { rpoObjectiveSeconds: 60 } },
      'rpoObjectiveSeconds',
      "rpoObjectiveSeconds must be whole seconds of at least TIER_2's region RPO (900 s): it states a looser objective for this data set, got: 60",
    ],
    [
      'latency threshold of 0',
      TIER_2,
      { store: 'S3', replication: { latencyAlarmSeconds: 0 } },
      'replicationLatencyThreshold',
      'replicationLatencyThreshold must be whole seconds of at least 1, got: 0 s',
    ],
  ])('WHEN %s THEN the problem names the prop and the value', (_case, tier, intent, prop, message) => {
    expect(planBucket(tier, intent).problems).toEqual([{ prop, message }]);
  });

  test('GIVEN TIER_0 data that can be rebuilt THEN a stated 900 s objective passes and is recorded', () => {
    const plan = planBucket(TIER_0, { store: 'S3', replication: { rpoObjectiveSeconds: 900 } });
    expect([plan.problems, plan.replication?.dataRpoSeconds]).toEqual([[], 900]);
  });

  test('WHEN the latency alarm is looser than the objective THEN a warning says it pages too late', () => {
    const plan = planBucket(TIER_2, { store: 'S3', replication: { latencyAlarmSeconds: 1800 } });
    expect(plan.warnings.map((w) => w.id)).toEqual(['replicationLatencyThreshold']);
    expect(plan.replication?.latencyAlarm.threshold).toBe(1800);
  });

  test('WHEN Cloud Storage turns turbo replication off THEN the copy has no bound and a warning says so', () => {
    const plan = planBucket(TIER_2, { store: 'CLOUD_STORAGE', replication: { turbo: false } });
    expect([plan.problems, plan.replication?.boundSeconds, plan.warnings.map((w) => w.id)]).toEqual([
      [],
      undefined,
      ['turboReplication'],
    ]);
  });
});
