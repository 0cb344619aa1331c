import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SyntheticsCanary } from '@cdktf/provider-aws/lib/synthetics-canary';
import { Testing } from 'cdktf';
import { ServiceTier } from '../../../lib/core';
import { haSnapshot } from '../../../lib/testing/snapshot';
import { SyntheticCanary, SyntheticCanaryProps } from '../../../lib/tf/aws/canary';
import { awsStack, resourcesOf } from './util';

Testing.setupJest();

function synth(props: Partial<SyntheticCanaryProps> = {}) {
  const { stack } = awsStack();
  const canary = new SyntheticCanary(stack, 'Probe', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    url: 'https://api.example.com/health',
    ...props,
  });
  return { stack, canary, synthesized: Testing.synth(stack) };
}

describe('SyntheticCanary (Terraform)', () => {
  test("THEN a canary probes the URL at the tier's interval with encrypted artifacts, and an alarm notifies when it fails", () => {
    const { canary, synthesized } = synth();
    const probe = Object.values(resourcesOf(synthesized, SyntheticsCanary))[0];
    expect(canary.intervalMinutes).toBe(ServiceTier.TIER_1.probeIntervalMinutes);
    expect(probe.schedule).toEqual({
      expression: `rate(${ServiceTier.TIER_1.probeIntervalMinutes} minute${ServiceTier.TIER_1.probeIntervalMinutes === 1 ? '' : 's'})`,
    });
    expect(probe.name).toMatch(/^ha-[0-9a-f]{18}$/);
    expect(probe.run_config.environment_variables.PROBE_URL).toBe('https://api.example.com/health');
    expect(probe.artifact_config.s3_encryption.encryption_mode).toBe('SSE_KMS');
    expect(probe.zip_file).toMatch(/archive\.zip$/);
    expect(probe.start_canary).toBe(true);
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, {
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      namespace: 'CloudWatchSynthetics',
      metric_name: 'SuccessPercent',
      comparison_operator: 'LessThanThreshold',
      threshold: 100,
      evaluation_periods: 2,
      treat_missing_data: 'breaching',
      alarm_actions: [expect.stringContaining('aws_sns_topic.Probe_AlarmTopic_')],
    });
  });

  test.each([
    [
      { url: 'http://api.example.com' },
      'url must be an https:// URL (the probe must cross TLS as users do), got: http://api.example.com',
    ],
    [{ intervalMinutes: 0 }, 'intervalMinutes must be an integer from 1 to 60, got: 0'],
    [{ alarmPeriods: 0 }, 'alarmPeriods must be an integer of at least 1, got: 0'],
  ])('GIVEN %j THEN a clear Error', (extra, message) => {
    expect(() => synth(extra)).toThrow(new Error(message));
  });

  test('GIVEN a custom tier that probes less often than Synthetics can THEN the Error names intervalMinutes and the value it came from', () => {
    const { TIER_2: t } = ServiceTier;
    const hourly = ServiceTier.custom({
      name: 'HOURLY',
      strategy: t.strategy,
      availabilityTarget: t.availabilityTarget,
      minAzs: t.minAzs,
      minRegions: t.minRegions,
      azRtoSeconds: t.azRtoSeconds,
      azRpoSeconds: t.azRpoSeconds,
      regionRtoSeconds: t.regionRtoSeconds,
      regionRpoSeconds: t.regionRpoSeconds,
      probeIntervalMinutes: 120,
    });
    expect(() => synth({ tier: hourly })).toThrow(
      new Error("intervalMinutes must be an integer from 1 to 60, got: 120 (HOURLY's probeIntervalMinutes)"),
    );
  });

  test("THEN runs are kept a year under runs/, traced, within 60 s, and the canary's Lambda goes with it", () => {
    const probe = Object.values(resourcesOf(synth().synthesized, SyntheticsCanary))[0];
    expect(probe).toMatchObject({
      artifact_s3_location: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.Probe_Artifacts_\w+\.bucket\}\/runs$/),
      artifact_config: { s3_encryption: { kms_key_arn: expect.stringMatching(/Probe_ArtifactsKey_/) } },
      success_retention_period: 365,
      failure_retention_period: 365,
      delete_lambda: true,
      handler: 'index.handler',
      runtime_version: 'syn-nodejs-puppeteer-13.0',
      run_config: { active_tracing: true, timeout_in_seconds: 60 },
    });
    expect(probe.run_config.environment_variables.PROBE_TIMEOUT_MS).toBe('50000');
  });

  test('THEN Lambda of this account assumes the role, which writes only its runs, logs and metrics', () => {
    const { synthesized } = synth();
    const trust = JSON.parse(Object.values(resourcesOf(synthesized, IamRole))[0].assume_role_policy);
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': expect.any(String) } },
      }),
    ]);
    const statements = JSON.parse(Object.values(resourcesOf(synthesized, IamRolePolicy))[0].policy).Statement;
    const bySid = Object.fromEntries(statements.map((st: { Sid: string }) => [st.Sid, st]));
    expect(Object.keys(bySid)).toEqual([
      'WriteRunArtifacts',
      'ReadArtifactsBucketLocation',
      'EncryptRunArtifacts',
      'WriteRunLogs',
      'RuntimeCalls',
      'PublishMetrics',
    ]);
    expect(bySid.WriteRunArtifacts).toMatchObject({ Action: 's3:PutObject' });
    expect(bySid.WriteRunArtifacts.Resource).toMatch(/\.arn\}\/runs\/\*$/);
    expect(bySid.EncryptRunArtifacts).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: expect.stringMatching(/Probe_ArtifactsKey_/),
    });
    expect(bySid.WriteRunLogs.Resource).toMatch(/:log-group:\/aws\/lambda\/cwsyn-\*$/);
    expect(bySid.RuntimeCalls.Action).toEqual(['s3:ListAllMyBuckets', 'xray:PutTraceSegments']);
    expect(bySid.PublishMetrics).toMatchObject({
      Action: 'cloudwatch:PutMetricData',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } },
    });
  });

  test('THEN CloudWatch alarms of this account may publish to the topic and use its key, over TLS only', () => {
    const { synthesized } = synth();
    const topic = JSON.parse(Object.values(resourcesOf(synthesized, SnsTopicPolicy))[0].policy).Statement;
    expect(topic.map((st: { Sid: string; Effect: string }) => [st.Sid, st.Effect])).toEqual([
      ['AllowCloudWatchAlarmsOfThisAccount', 'Allow'],
      ['DenyPublishWithoutTls', 'Deny'],
    ]);
    expect(topic[0]).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' });
    const sids = (policy: string) => JSON.parse(policy).Statement.map((st: { Sid: string }) => st.Sid);
    const keys = Object.values(resourcesOf(synthesized, KmsKey)).map((key) => sids(key.policy));
    expect(keys).toEqual(
      expect.arrayContaining([
        ['AllowAccountToGovernKey', 'AllowCloudWatchAlarmsToPublish'],
        ['AllowAccountToGovernKey'],
      ]),
    );
  });

  test('THEN the artifacts bucket blocks public access and refuses requests without TLS', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const policy = JSON.parse(Object.values(resourcesOf(synthesized, S3BucketPolicy))[0].policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Sid: 'DenyWithoutTls',
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('HA snapshot', () => {
    expect(haSnapshot(synth().stack.toTerraform())).toMatchSnapshot();
  });
});
