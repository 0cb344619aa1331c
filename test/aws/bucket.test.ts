import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HA_METADATA_KEY, ServiceTier } from '../../lib/core';
import { ReplicaBucket, ReplicaBucketProps, ReplicatedBucket, ReplicatedBucketProps } from '../../lib/aws/bucket';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectAlarmTopic, expectValidationError, recommendedApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

const REPLICA = 'acme-documents-us-west-2';

function synth(props: Partial<ReplicatedBucketProps> = {}) {
  const stack = new Stack(recommendedApp(), 'Primary', { env: { region: 'us-east-1' } });
  const bucket = new ReplicatedBucket(stack, 'Documents', {
    tier: ServiceTier.TIER_2,
    replicaRegion: 'us-west-2',
    replicaBucketName: REPLICA,
    ...props,
  });
  return { stack, bucket, template: Template.fromStack(stack) };
}

function synthReplica(props: Partial<ReplicaBucketProps> = {}) {
  const stack = new Stack(recommendedApp(), 'Standby', { env: { region: 'us-west-2' } });
  const bucket = new ReplicaBucket(stack, 'Documents', { tier: ServiceTier.TIER_2, bucketName: REPLICA, ...props });
  return { stack, bucket, template: Template.fromStack(stack) };
}

function sourceBucket(template: Template): {
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
} {
  const buckets = template.findResources('AWS::S3::Bucket', {
    Properties: { ReplicationConfiguration: Match.anyValue() },
  });
  expect(Object.keys(buckets)).toHaveLength(1);
  return Object.values(buckets)[0] as never;
}

describe('ReplicatedBucket', () => {
  test('GIVEN TIER_2 THEN the source bucket is versioned, SSE-KMS with its CMK, public access blocked, TLS-only and retained', () => {
    const { template } = synth();
    const bucket = sourceBucket(template);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 14 } })],
      },
    });
    expect(JSON.stringify(bucket.Properties.BucketEncryption)).toMatch(/"DocumentsKey[0-9A-F]{8}","Arn"/);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('THEN one rule replicates everything, delete markers included, with RTC, metrics and the replica key', () => {
    const { template } = synth();
    expect(sourceBucket(template).Properties.ReplicationConfiguration).toEqual({
      Role: { 'Fn::GetAtt': [expect.stringMatching(/^DocumentsReplicationRole/), 'Arn'] },
      Rules: [
        {
          Id: 'ReplicateEverything',
          Status: 'Enabled',
          Priority: 0,
          Filter: { Prefix: '' },
          DeleteMarkerReplication: { Status: 'Enabled' },
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
          Destination: {
            Bucket: `arn:aws:s3:::${REPLICA}`,
            EncryptionConfiguration: {
              ReplicaKmsKeyID: {
                'Fn::Join': [
                  '',
                  ['arn:aws:kms:us-west-2:', { Ref: 'AWS::AccountId' }, `:alias/ha-constructs/s3/${REPLICA}`],
                ],
              },
            },
            ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
            Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
          },
        },
      ],
    });
  });

  test('THEN the replication role may read source versions, replicate into the replica and encrypt only with the aliased key through S3', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 's3.amazonaws.com' } })] },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'],
            Resource: `arn:aws:s3:::${REPLICA}/*`,
          }),
          Match.objectLike({
            Action: 'kms:Decrypt',
            Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
          }),
          Match.objectLike({
            Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
            Condition: {
              StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' },
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/ha-constructs/s3/${REPLICA}` },
            },
          }),
        ]),
      },
    });
  });

  test('WHEN replicaKeyArn is a key ARN THEN the role may encrypt with exactly that key', () => {
    const arn = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { template } = synth({ replicaKeyArn: arn });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: arn }),
        ]),
      },
    });
  });

  test('THEN failed replication and replication latency alarm to the topic', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/S3',
      MetricName: 'OperationsFailedReplication',
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: Match.arrayWith([
        { Name: 'DestinationBucket', Value: REPLICA },
        { Name: 'RuleId', Value: 'ReplicateEverything' },
      ]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^DocumentsAlarmTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/S3',
      MetricName: 'ReplicationLatency',
      Statistic: 'Maximum',
      Threshold: 900,
      EvaluationPeriods: 3,
      OKActions: [{ Ref: Match.stringLikeRegexp('^DocumentsAlarmTopic') }],
    });
  });

  test('THEN access logs go to an SSE-S3 logs bucket that expires them after the tier log retention', () => {
    const { template } = synth();
    expect(sourceBucket(template).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^DocumentsAccessLogs/) },
      LogFilePrefix: 'Primary/Documents/',
    });
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('THEN source and replica have Object Lock on with no default retention and send object events to EventBridge; the logs bucket has no Object Lock (Control Tower CT.S3.PR.4, CT.S3.PR.9)', () => {
    const { template } = synth();
    const { template: replica } = synthReplica();
    for (const t of [template, replica]) {
      const buckets = Object.entries(t.findResources('AWS::S3::Bucket'));
      expect(buckets.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
        'Documents',
        'DocumentsAccessLogs',
      ]);
      for (const [id, bucket] of buckets) {
        expect(bucket.Properties.NotificationConfiguration).toEqual({
          EventBridgeConfiguration: { EventBridgeEnabled: true },
        });
        expect(bucket.Properties.ObjectLockEnabled).toBe(id.startsWith('DocumentsAccessLogs') ? undefined : true);
        expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
      }
    }
    // A legal hold or retention set on a version replicates with it.
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['s3:GetObjectLegalHold', 's3:GetObjectRetention']) }),
        ]),
      },
    });
  });

  test('WHEN object lock is asked for THEN the bucket locks in compliance mode and the role may read retention and legal holds', () => {
    const { template } = synth({ objectLockRetention: Duration.days(30) });
    expect(sourceBucket(template).Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['s3:GetObjectLegalHold', 's3:GetObjectRetention']) }),
        ]),
      },
    });
  });

  test('THEN the source is tagged for the BackupPolicy and carries the HA record', () => {
    const { template } = synth({ service: 'documents' });
    expect(sourceBucket(template).Properties.Tags).toEqual(
      expect.arrayContaining([{ Key: 'ha:backup', Value: 'true' }]),
    );
    for (const resource of Object.values(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    )) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'documents',
        component: 'ReplicatedBucket',
        role: 'primary',
      });
    }
  });

  test('GIVEN a dataSet THEN both halves of the pair record it, and a malformed one is a ValidationError', () => {
    for (const { template } of [synth({ dataSet: 'receipts' }), synthReplica({ dataSet: 'receipts' })]) {
      const [bucket] = Object.values(
        template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: {} } }),
      );
      expect(bucket.Metadata[HA_METADATA_KEY]).toMatchObject({ dataSet: 'receipts' });
    }
    expectValidationError(
      () => synth({ dataSet: 'Receipts of 2026' }),
      'dataSet must be 1-64 lowercase letters, digits and hyphens, starting and ending with a letter or digit, ' +
        'got: "Receipts of 2026"',
    );
    expectValidationError(
      () => synthReplica({ dataSet: '-receipts' }),
      'dataSet must be 1-64 lowercase letters, digits and hyphens, starting and ending with a letter or digit, ' +
        'got: "-receipts"',
    );
  });

  test('WHEN the tier RPO is below what RTC bounds and no rpoObjective is stated THEN it is a ValidationError', () => {
    expectValidationError(
      () => synth({ tier: ServiceTier.TIER_1 }),
      'rpoObjective must be at least 900 s for a ReplicatedBucket: ' +
        "S3 Replication Time Control bounds its replica's lag at 900 s. Keep data that needs a tighter RPO in a GlobalTable or " +
        "GlobalDatabase, and state this data set's own rpoObjective if the service can rebuild it, got: none, so TIER_1's region RPO of 60 s applies",
    );
    expectValidationError(
      () => synth({ tier: ServiceTier.TIER_1, rpoObjective: Duration.minutes(5) }),
      'rpoObjective must be at least 900 s for a ' +
        "ReplicatedBucket: S3 Replication Time Control bounds its replica's lag at 900 s. Keep data that needs a tighter RPO in a GlobalTable or " +
        "GlobalDatabase, and state this data set's own rpoObjective if the service can rebuild it, got: 300 s",
    );
  });

  test('WHEN TIER_1 data states its own 15-minute rpoObjective THEN it is built with no warning and the record carries the objective', () => {
    const { stack, template } = synth({ tier: ServiceTier.TIER_1, rpoObjective: Duration.minutes(15) });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    const [bucket] = Object.values(
      template.findResources('AWS::S3::Bucket', { Properties: { ReplicationConfiguration: Match.anyValue() } }),
    );
    expect(bucket.Metadata?.[HA_METADATA_KEY]).toMatchObject({ dataRpoSeconds: 900 });
  });

  test('THEN grantReadWrite grants object access and use of the key', () => {
    const stack = new Stack(recommendedApp(), 'Primary', { env: { region: 'us-east-1' } });
    const bucket = new ReplicatedBucket(stack, 'Documents', {
      tier: ServiceTier.TIER_2,
      replicaRegion: 'us-west-2',
      replicaBucketName: REPLICA,
    });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    bucket.grantReadWrite(role);
    const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('s3:PutObject');
    expect(policy).toContain('kms:Decrypt');
  });

  test.each<[Partial<ReplicatedBucketProps>, string]>([
    [{ replicaRegion: 'us-east-1' }, 'replicaRegion must not include the primary region us-east-1, got: us-east-1'],
    [
      { allowedRegions: ['us-east-1', 'us-east-2'] },
      'replicaRegion must stay within allowedRegions (us-east-1, us-east-2), got: us-west-2',
    ],
    [
      { replicaBucketName: 'Acme_Docs' },
      'replicaBucketName must be 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, got: Acme_Docs',
    ],
    [
      { noncurrentVersionRetention: Duration.days(7) },
      "noncurrentVersionRetention must be whole days of at least 14 (TIER_2's backup retention), got: 7 days",
    ],
    [
      { objectLockRetention: Duration.hours(12) },
      'objectLockRetention must be whole days of at least 1, got: 0.5 days',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('THEN both buckets refuse TLS below 1.2, and only S3 logging of the source writes under its log prefix', () => {
    const { template } = synth();
    const buckets = Object.keys(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(2);
    for (const id of buckets) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      });
    }
    const source = buckets.find((id) => !id.startsWith('DocumentsAccessLogs'))!;
    const logs = buckets.find((id) => id.startsWith('DocumentsAccessLogs'))!;
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logs, 'Arn'] }, '/Primary/Documents/*']] },
            Condition: {
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [source, 'Arn'] } },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ]),
      },
    });
  });

  test('THEN the alarm topic takes publishes only over TLS, and its key lets CloudWatch alarms publish', () => {
    const { template } = synth();
    expectAlarmTopic(template);
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the TIER_2 replicated bucket (beside the targeted assertions above)', () => {
    const { template } = synth({ service: 'snapshot' });
    expect(haSnapshot(template.toJSON())).toMatchSnapshot();
  });
});

describe('ReplicaBucket', () => {
  test('GIVEN a bucket name THEN the replica bucket has it, is versioned, retained and encrypted with a key under the alias the source names', () => {
    const { template } = synthReplica();
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketName: REPLICA,
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: Match.objectLike({}),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: ReplicaBucket.keyAliasName(REPLICA) });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('THEN its resources carry the replica role', () => {
    const { template } = synthReplica();
    template.hasResource('AWS::S3::Bucket', {
      Properties: { BucketName: REPLICA },
      Metadata: { [HA_METADATA_KEY]: Match.objectLike({ role: 'replica', component: 'ReplicaBucket' }) },
    });
  });

  test('WHEN given a logs bucket THEN no AccessLogs bucket is created', () => {
    const stack = new Stack(recommendedApp(), 'Standby', { env: { region: 'us-west-2' } });
    const logs = s3.Bucket.fromBucketName(stack, 'Logs', 'acme-logs');
    new ReplicaBucket(stack, 'Documents', {
      tier: ServiceTier.TIER_2,
      bucketName: REPLICA,
      serverAccessLogsBucket: logs,
    });
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 1);
  });

  test('GIVEN a standby region outside allowedRegions THEN the replica refuses to hold the data', () => {
    expectValidationError(
      () => synthReplica({ allowedRegions: ['us-east-1', 'us-east-2'] }),
      'the region of this replica must stay within allowedRegions (us-east-1, us-east-2), got: us-west-2',
    );
  });

  test('GIVEN a bad bucket name THEN it is a ValidationError', () => {
    expectValidationError(
      () => synthReplica({ bucketName: 'x' }),
      'bucketName must be 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, got: x',
    );
  });
});
