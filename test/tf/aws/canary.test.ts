import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SyntheticsCanary } from '@cdktf/provider-aws/lib/synthetics-canary';
import { Testing } from 'cdktf';
import { ServiceTier } from '../../../lib/core';
import { SyntheticCanary, SyntheticCanaryProps } from '../../../lib/tf/aws/canary';
import { awsStack, resourcesOf } from './util';

Testing.setupJest();

function synth(props: Partial<SyntheticCanaryProps> = {}) {
  const { stack } = awsStack();
  const canary = new SyntheticCanary(stack, 'Probe', { tier: ServiceTier.TIER_1, service: 'orders', url: 'https://api.example.com/health', ...props });
  return { stack, canary, synthesized: Testing.synth(stack) };
}

describe('SyntheticCanary (Terraform)', () => {
  test('THEN a canary probes the URL at the tier\'s interval with encrypted artifacts, and an alarm notifies when it fails', () => {
    const { canary, synthesized } = synth();
    const probe = Object.values(resourcesOf(synthesized, SyntheticsCanary))[0];
    expect(canary.intervalMinutes).toBe(ServiceTier.TIER_1.probeIntervalMinutes);
    expect(probe.schedule).toEqual({ expression: `rate(${ServiceTier.TIER_1.probeIntervalMinutes} minute${ServiceTier.TIER_1.probeIntervalMinutes === 1 ? '' : 's'})` });
    expect(probe.name).toMatch(/^ha-[0-9a-f]{18}$/);
    expect(probe.run_config.environment_variables.PROBE_URL).toBe('https://api.example.com/health');
    expect(probe.artifact_config.s3_encryption.encryption_mode).toBe('SSE_KMS');
    expect(probe.zip_file).toMatch(/archive\.zip$/);
    expect(probe.start_canary).toBe(true);
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, { force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      namespace: 'CloudWatchSynthetics', metric_name: 'SuccessPercent', comparison_operator: 'LessThanThreshold', threshold: 100,
      evaluation_periods: 2, treat_missing_data: 'breaching', alarm_actions: [expect.stringContaining('aws_sns_topic.Probe_AlarmTopic_')],
    });
  });

  test.each([
    [{ url: 'http://api.example.com' }, 'url must be an https:// URL (the probe must cross TLS as users do), got: http://api.example.com'],
    [{ intervalMinutes: 0 }, 'intervalMinutes must be an integer from 1 to 60, got: 0'],
    [{ alarmPeriods: 0 }, 'alarmPeriods must be an integer of at least 1, got: 0'],
  ])('GIVEN %j THEN a clear Error', (extra, message) => {
    expect(() => synth(extra)).toThrow(new Error(message));
  });

  test('GIVEN a custom tier that probes less often than Synthetics can THEN the Error names intervalMinutes and the value it came from', () => {
    const { TIER_2: t } = ServiceTier;
    const hourly = ServiceTier.custom({
      name: 'HOURLY', strategy: t.strategy, availabilityTarget: t.availabilityTarget, minAzs: t.minAzs, minRegions: t.minRegions,
      azRtoSeconds: t.azRtoSeconds, azRpoSeconds: t.azRpoSeconds, regionRtoSeconds: t.regionRtoSeconds, regionRpoSeconds: t.regionRpoSeconds, probeIntervalMinutes: 120,
    });
    expect(() => synth({ tier: hourly })).toThrow(new Error("intervalMinutes must be an integer from 1 to 60, got: 120 (HOURLY's probeIntervalMinutes)"));
  });

  test('snapshot', () => {
    expect(synth().synthesized).toMatchSnapshot();
  });
});
