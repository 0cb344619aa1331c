import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HA_METADATA_KEY, ServiceTier } from '../../lib';
import { AuditTrail, AuditTrailProps } from '../../lib/aws/audit-trail';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectValidationError, testApp } from '../util';

function synth(props: Partial<AuditTrailProps> = {}) {
  const stack = new Stack(testApp(), 'Audit', { env: { region: 'eu-central-1' } });
  const trail = new AuditTrail(stack, 'Audit', {
    tier: ServiceTier.TIER_1,
    service: 'payments',
    compliance: { retentionDays: 2555 },
    ...props,
  });
  return { stack, trail, template: Template.fromStack(stack) };
}

function bucketNamed(template: Template, prefix: string) {
  const entry = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith(prefix));
  expect(entry).toBeDefined();
  return { id: entry![0], resource: entry![1] };
}

describe('AuditTrail', () => {
  test('GIVEN a compliance retention THEN the trail is multi-region, validates log files, includes global events, is KMS-encrypted and copies to CloudWatch Logs', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] },
      S3BucketName: { Ref: Match.stringLikeRegexp('^AuditBucket') },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditLogs'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::CloudTrail::Trail', { AdvancedEventSelectors: Match.absent() });
  });

  test('THEN the bucket has Object Lock in compliance mode for the retention, versioning, KMS, a lifecycle to cheaper classes and access logging', () => {
    const { template } = synth();
    const { resource } = bucketNamed(template, 'AuditBucket');
    const props = resource.Properties;
    expect(props.ObjectLockEnabled).toBe(true);
    expect(props.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 } },
    });
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^AuditKey/), 'Arn'] },
    });
    expect(props.LifecycleConfiguration.Rules[0].Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
      { StorageClass: 'GLACIER', TransitionInDays: 90 },
    ]);
    expect(props.LifecycleConfiguration.Rules[0].ExpirationInDays).toBeUndefined();
    expect(props.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: bucketNamed(template, 'AuditAccessLogsBucket').id },
      LogFilePrefix: 'trail-bucket/',
    });
    expect(resource.DeletionPolicy).toBe('Retain');
  });

  test('THEN both buckets deny plain HTTP, and CloudTrail may write only under AWSLogs with bucket-owner-full-control', () => {
    const { template } = synth();
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      );
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:PutObject',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Condition: Match.objectLike({
              StringEquals: Match.objectLike({ 's3:x-amz-acl': 'bucket-owner-full-control' }),
            }),
          }),
        ]),
      },
    });
  });

  test('THEN the access-logs bucket is SSE-S3 (what S3 access logging accepts) without Object Lock', () => {
    const { resource } = bucketNamed(synth().template, 'AuditAccessLogsBucket');
    expect(
      resource.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: 'AES256' });
    expect(resource.Properties.ObjectLockEnabled).toBeUndefined();
    expect(resource.Properties.LifecycleConfiguration.Rules[0].Transitions).toHaveLength(2);
  });

  test('THEN the key lets CloudTrail of this account encrypt, and CloudWatch Logs use it', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowCloudWatchLogsOfThisAccount' }),
          Match.objectLike({
            Sid: 'AllowCloudTrailToEncryptLogsOfThisAccount',
            Action: 'kms:GenerateDataKey*',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });

  test('THEN the CloudWatch Logs copy has the tier retention and is encrypted', () => {
    const { template } = synth({ tier: ServiceTier.TIER_3 });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: ServiceTier.TIER_3.logRetentionDays, KmsKeyId: Match.anyValue() },
      DeletionPolicy: 'Retain',
    });
  });

  test('WHEN expireAfterRetention is set THEN log files and access logs expire after the retention', () => {
    const { template } = synth({ compliance: { retentionDays: 400, expireAfterRetention: true } });
    expect(
      bucketNamed(template, 'AuditBucket').resource.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays,
    ).toBe(400);
    expect(
      bucketNamed(template, 'AuditAccessLogsBucket').resource.Properties.LifecycleConfiguration.Rules[0]
        .ExpirationInDays,
    ).toBe(400);
  });

  test('WHEN data events are asked for THEN advanced selectors record them, beside management events', () => {
    const stack = new Stack(testApp(), 'Audit', { env: { region: 'eu-central-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'Data', 'payments-data');
    const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:eu-central-1:111111111111:function:pay');
    const table = dynamodb.Table.fromTableArn(
      stack,
      'Table',
      'arn:aws:dynamodb:eu-central-1:111111111111:table/ledger',
    );
    new AuditTrail(stack, 'Audit', {
      tier: ServiceTier.TIER_1,
      compliance: { retentionDays: 365 },
      s3DataEventBuckets: [bucket],
      lambdaDataEventFunctions: [fn],
      dynamoDbDataEventTables: [table],
    });
    const trail = Object.values(Template.fromStack(stack).findResources('AWS::CloudTrail::Trail'))[0].Properties;
    expect(trail.EventSelectors).toBeUndefined();
    expect(trail.AdvancedEventSelectors).toEqual([
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'S3 object operations',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: [stack.resolve(bucket.arnForObjects(''))] },
        ],
      },
      {
        Name: 'Lambda invocations',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] },
          { Field: 'resources.ARN', Equals: ['arn:aws:lambda:eu-central-1:111111111111:function:pay'] },
        ],
      },
      {
        Name: 'DynamoDB item operations',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] },
          { Field: 'resources.ARN', Equals: ['arn:aws:dynamodb:eu-central-1:111111111111:table/ledger'] },
        ],
      },
    ]);
  });

  test('THEN every resource carries the HA metadata record', () => {
    const { template } = synth();
    const resources = Object.entries(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    ).filter(([id]) => id.startsWith('Audit'));
    expect(resources.length).toBeGreaterThanOrEqual(8);
    for (const [, resource] of resources) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({ service: 'payments', component: 'AuditTrail' });
    }
  });

  test.each<[Partial<AuditTrailProps>, string]>([
    [
      { compliance: { retentionDays: 0 } },
      'compliance.retentionDays must be a whole number of days of at least 1, got: 0',
    ],
    [
      { infrequentAccessAfterDays: 10 },
      "infrequentAccessAfterDays must be a whole number of at least 30 (S3's minimum age for Standard-IA), got: 10",
    ],
    [
      { glacierAfterDays: 45 },
      'glacierAfterDays must be a whole number at least 30 days after infrequentAccessAfterDays (30), got: 45',
    ],
    [
      { compliance: { retentionDays: 60, expireAfterRetention: true } },
      'compliance.retentionDays must be longer than glacierAfterDays (90) when expireAfterRetention is set, got: 60',
    ],
    [
      { logRetentionDays: 100 },
      'logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got: 100',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('THEN both buckets refuse TLS below 1.2, and only S3 logging of the trail bucket writes access logs', () => {
    const { template } = synth();
    for (const prefix of ['AuditBucket', 'AuditAccessLogsBucket']) {
      const { id } = bucketNamed(template, prefix);
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      });
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketNamed(template, 'AuditAccessLogsBucket').id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: {
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketNamed(template, 'AuditBucket').id, 'Arn'] } },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          }),
        ]),
      },
    });
  });

  test('THEN both buckets block public access and enforce bucket-owner ownership', () => {
    const { template } = synth();
    for (const prefix of ['AuditBucket', 'AuditAccessLogsBucket']) {
      expect(bucketNamed(template, prefix).resource.Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
    }
  });

  test('THEN the key denies grants not for AWS resources and lets CloudTrail describe it', () => {
    synth().template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyGrantsNotForAwsResources',
            Effect: 'Deny',
            Action: 'kms:CreateGrant',
            Condition: { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'kms:GrantIsForAWSResource': 'false' } },
          }),
          Match.objectLike({
            Sid: 'AllowCloudTrailToDescribeKey',
            Effect: 'Allow',
            Action: 'kms:DescribeKey',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
          }),
        ]),
      },
    });
  });

  test('THEN CloudTrail writes to the log group through a role limited to it, and the group refuses deletion', () => {
    const { template } = synth();
    const [logsId] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    template.hasResourceProperties('AWS::Logs::LogGroup', { DeletionProtectionEnabled: true });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' } })],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:PutLogEvents', 'logs:CreateLogStream'],
            Resource: { 'Fn::GetAtt': [logsId, 'Arn'] },
          },
        ],
      },
    });
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the audit trail (beside the targeted assertions above)', () => {
    expect(haSnapshot(synth().template.toJSON())).toMatchSnapshot();
  });
});
