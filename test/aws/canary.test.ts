import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { ProbeBlueprint, SyntheticCanary, SyntheticCanaryProps } from '../../lib/aws/canary';
import { SloAlarms } from '../../lib/aws/slo';
import { HA_METADATA_KEY, ServiceTier } from '../../lib/core';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectAlarmTopic, expectValidationError, testApp } from '../util';

type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }
>;

function synth(props: Partial<SyntheticCanaryProps> = {}) {
  const stack = new Stack(testApp(), 'Probe', { env: { region: 'eu-west-1' } });
  const probe = new SyntheticCanary(stack, 'Probe', {
    tier: ServiceTier.TIER_1,
    service: 'checkout',
    url: 'https://api.example.com/health',
    ...props,
  });
  const template = Template.fromStack(stack);
  return { stack, probe, template, resources: template.toJSON().Resources as Resources };
}

function canaryOf(resources: Resources): Record<string, unknown> {
  const canaries = Object.values(resources).filter((r) => r.Type === 'AWS::Synthetics::Canary');
  expect(canaries).toHaveLength(1);
  return canaries[0].Properties;
}

describe('SyntheticCanary', () => {
  test.each(ServiceTier.BUILT_IN.map((tier) => [tier.name, tier]))(
    'GIVEN %s THEN the canary runs every tier.probeIntervalMinutes on the newest Node.js Puppeteer runtime',
    (_name, tier) => {
      const { resources } = synth({ tier });
      const minutes = tier.probeIntervalMinutes;
      expect(canaryOf(resources)).toMatchObject({
        RuntimeVersion: synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0.name,
        Schedule: { Expression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})` },
        StartCanaryAfterCreation: true,
        RunConfig: { ActiveTracing: true, TimeoutInSeconds: Math.min(60, minutes * 60) },
      });
    },
  );

  test('THEN the heartbeat script loads the URL in the browser and fails on a status outside 2xx', () => {
    const { resources } = synth();
    const canary = canaryOf(resources) as {
      Code: { Handler: string; Script: string };
      RunConfig: { EnvironmentVariables: Record<string, string> };
    };
    expect(canary.Code.Handler).toBe('index.handler');
    expect(canary.Code.Script).toContain("executeStep('heartbeat'");
    expect(canary.Code.Script).toContain('page.goto(url');
    expect(canary.Code.Script).toContain('status < 200 || status > 299');
    expect(canary.RunConfig.EnvironmentVariables).toEqual({
      PROBE_URL: 'https://api.example.com/health',
      PROBE_METHOD: 'GET',
      PROBE_TIMEOUT_MS: '50000',
    });
  });

  test('WHEN the API blueprint is chosen THEN one HTTPS step with the method, no browser', () => {
    const { resources } = synth({ blueprint: ProbeBlueprint.API, method: 'head' });
    const canary = canaryOf(resources) as {
      Code: { Script: string };
      RunConfig: { EnvironmentVariables: Record<string, string> };
    };
    expect(canary.Code.Script).toContain("executeHttpStep('api'");
    expect(canary.Code.Script).not.toContain('getPage');
    expect(canary.RunConfig.EnvironmentVariables.PROBE_METHOD).toBe('HEAD');
  });

  test('THEN artifacts go KMS-encrypted to a versioned, retained bucket that moves them to cheaper storage and expires them after the tier retention', () => {
    const { template, resources } = synth();
    const key = Object.keys(resources).find(
      (id) => resources[id].Type === 'AWS::KMS::Key' && id.startsWith('ProbeArtifactsKey'),
    )!;
    expect(canaryOf(resources)).toMatchObject({
      ArtifactConfig: { S3Encryption: { EncryptionMode: 'SSE_KMS', KmsKeyArn: { 'Fn::GetAtt': [key, 'Arn'] } } },
    });
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] },
              },
            }),
          ],
        },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              ExpirationInDays: ServiceTier.TIER_1.logRetentionDays,
              Transitions: [
                { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
                { StorageClass: 'GLACIER', TransitionInDays: 90 },
              ],
            }),
          ],
        },
      }),
    });
  });

  test('WHEN artifacts are kept 90 days THEN they move to Standard-IA only', () => {
    const { template } = synth({ tier: ServiceTier.TIER_3, artifactRetentionDays: 90 });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            ExpirationInDays: 90,
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
          }),
        ],
      },
    });
  });

  test('THEN an alarm on SuccessPercent over two consecutive runs notifies an encrypted topic, missing runs breaching', () => {
    const { template, resources } = synth();
    const canary = Object.keys(resources).find((id) => resources[id].Type === 'AWS::Synthetics::Canary')!;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      Statistic: 'Average',
      Dimensions: [{ Name: 'CanaryName', Value: { Ref: canary } }],
      Period: ServiceTier.TIER_1.probeIntervalMinutes * 60,
      Threshold: 100,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^ProbeAlarmTopic') }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('WHEN a runbook is given THEN the success alarm links it', () => {
    const { template } = synth({ runbookUrl: 'https://runbooks.example.com/probe' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription:
        'checkout: the synthetic probe of https://api.example.com/health from eu-west-1 failed in 2 consecutive 1-minute periods. Runbook: https://runbooks.example.com/probe',
    });
  });

  test('THEN the role may write only under its prefix of its bucket and trace to X-Ray', () => {
    const { template, resources } = synth();
    const bucket = Object.keys(resources).find((id) => /^ProbeArtifacts[0-9A-F]{8}$/.test(id))!;
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        Match.objectLike({
          PolicyDocument: Match.objectLike({
            Statement: Match.arrayWith([
              {
                Action: 's3:PutObject',
                Effect: 'Allow',
                Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/runs/*']] },
              },
            ]),
          }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Action: 'xray:PutTraceSegments', Effect: 'Allow', Resource: '*' }]),
      },
    });
  });

  test('THEN the artifacts bucket logs its access to a bucket of its own, SSE-S3 without Object Lock, kept as long (Control Tower CT.S3.PR.2)', () => {
    const { resources } = synth({ artifactRetentionDays: 90 });
    const artifacts = Object.keys(resources).find((id) => /^ProbeArtifacts[0-9A-F]{8}$/.test(id))!;
    const logs = Object.keys(resources).find((id) => /^ProbeArtifactsAccessLogs[0-9A-F]{8}$/.test(id))!;
    expect(resources[artifacts].Properties).toMatchObject({
      LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'artifacts/' },
      ObjectLockEnabled: true,
    });
    expect(resources[logs].Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 90 })] },
    });
    expect(resources[logs].Properties.ObjectLockEnabled).toBeUndefined();
    expect(resources[logs].Properties.LoggingConfiguration).toBeUndefined();
  });

  test('THEN its success feeds SloAlarms as a synthetic SLI', () => {
    const stack = new Stack(testApp(), 'Sli', { env: { region: 'eu-west-1' } });
    const probe = new SyntheticCanary(stack, 'Probe', {
      tier: ServiceTier.TIER_1,
      url: 'https://api.example.com/health',
    });
    new SloAlarms(stack, 'Slo', { tier: ServiceTier.TIER_1, syntheticSuccessPercent: probe.metricSuccessPercent() });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '1 - success_3600 / 100' }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ Namespace: 'CloudWatchSynthetics', MetricName: 'SuccessPercent' }),
            Period: 3600,
          }),
        }),
      ]),
    });
  });

  test('THEN its resources carry the HA metadata record', () => {
    const { resources } = synth();
    const ours = Object.entries(resources)
      .filter(([id]) => id.startsWith('Probe'))
      .map(([, r]) => r);
    expect(ours.length).toBeGreaterThanOrEqual(8);
    for (const resource of ours) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'checkout',
        component: 'SyntheticCanary',
        failureDomain: 'region',
      });
    }
  });

  test.each<[Partial<SyntheticCanaryProps>, string]>([
    [
      { url: 'http://api.example.com' },
      'url must be an https:// URL (the probe must cross TLS as users do), got: http://api.example.com',
    ],
    [{ intervalMinutes: 0 }, 'intervalMinutes must be an integer from 1 to 60, got: 0'],
    [{ successPercentThreshold: 0 }, 'successPercentThreshold must be above 0 and at most 100, got: 0'],
    [{ alarmPeriods: 0 }, 'alarmPeriods must be an integer of at least 1, got: 0'],
    [{ artifactRetentionDays: 0 }, 'artifactRetentionDays must be an integer of at least 1, got: 0'],
    [{ method: 'GET' }, 'method applies to the API blueprint only, got: GET with HEARTBEAT'],
    [
      { blueprint: ProbeBlueprint.API, method: 'POST' },
      'method must be a read (GET, HEAD or OPTIONS): the probe repeats forever, got: POST',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('THEN the script records no headers or bodies, runs stay a year under runs/, and Lambda is cleaned up', () => {
    const { resources } = synth();
    const canary = canaryOf(resources) as { Code: { Script: string } };
    // Artifacts would otherwise keep request and response headers (tokens, cookies) for the retention.
    expect(canary.Code.Script).toContain(
      'setConfig({ includeRequestHeaders: false, includeResponseHeaders: false, ' +
        'includeRequestBody: false, includeResponseBody: false })',
    );
    const bucket = Object.keys(resources).find((id) => /^ProbeArtifacts[0-9A-F]{8}$/.test(id))!;
    expect(canary).toMatchObject({
      ArtifactS3Location: { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/runs']] },
      SuccessRetentionPeriod: 365,
      FailureRetentionPeriod: 365,
      ProvisionedResourceCleanup: 'AUTOMATIC',
    });
  });

  test('THEN the role writes metrics to CloudWatchSynthetics and logs to canary groups only, with the key', () => {
    const { template, resources } = synth();
    const key = Object.keys(resources).find((id) => id.startsWith('ProbeArtifactsKey'))!;
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        Match.objectLike({
          PolicyDocument: Match.objectLike({
            Statement: Match.arrayWith([
              {
                Action: 'cloudwatch:PutMetricData',
                Effect: 'Allow',
                Resource: '*',
                Condition: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } },
              },
              Match.objectLike({
                Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'],
                Resource: { 'Fn::Join': ['', Match.arrayWith([':log-group:/aws/lambda/cwsyn-*'])] },
              }),
            ]),
          }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Resource: { 'Fn::GetAtt': [key, 'Arn'] },
            Action: Match.arrayWith(['kms:GenerateDataKey*']),
          }),
        ]),
      },
    });
  });

  test('THEN both buckets refuse TLS below 1.2, and only S3 logging of the artifacts writes to the logs', () => {
    const { template, resources } = synth();
    const artifacts = Object.keys(resources).find((id) => /^ProbeArtifacts[0-9A-F]{8}$/.test(id))!;
    const logs = Object.keys(resources).find((id) => /^ProbeArtifactsAccessLogs[0-9A-F]{8}$/.test(id))!;
    for (const id of [artifacts, logs]) {
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
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [artifacts, 'Arn'] } } }),
          }),
        ]),
      },
    });
  });

  test('THEN the alarm topic takes publishes only over TLS, and its key lets CloudWatch alarms publish', () => {
    const { template } = synth();
    expectAlarmTopic(template);
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the TIER_1 heartbeat canary (beside the targeted assertions above)', () => {
    const { template } = synth();
    expect(haSnapshot(template.toJSON())).toMatchSnapshot();
  });
});
