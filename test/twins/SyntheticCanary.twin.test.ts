import * as fc from 'fast-check';
import { SyntheticCanary } from '../../lib/aws/canary';
import { ProbeBlueprint, ServiceTier } from '../../lib/core';
import { SyntheticCanary as TfSyntheticCanary } from '../../lib/tf/aws/canary';
import { cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * SyntheticCanary on CloudFormation and on Terraform, from one intent: the same schedule, run
 * timeout, environment (URL, method, request timeout), tracing and run-record retention; the same
 * success alarm (metric, statistic, period, threshold, comparison, periods, missing data); the same
 * artifacts lifecycle (expiry, storage-class transitions, noncurrent versions). All come from core's
 * planProbe.
 */

const URL = 'https://orders-us-east-1.example.com/health/ready';

const intent = fc.record({
  tier: fc.constantFrom(...ServiceTier.BUILT_IN),
  api: fc.boolean(),
  method: fc.option(fc.constantFrom('GET', 'head', 'OPTIONS'), { nil: undefined }),
  intervalMinutes: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  successPercentThreshold: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  alarmPeriods: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  artifactRetentionDays: fc.option(fc.integer({ min: 1, max: 800 }), { nil: undefined }),
});
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of one probe, read from either output. */
interface ProbeValues {
  readonly scheduleMinutes: number;
  readonly timeoutSeconds: unknown;
  readonly environment: unknown;
  readonly tracing: unknown;
  readonly retention: unknown[];
  readonly alarm: unknown[];
  readonly expiryDays: unknown;
  readonly transitions: string[];
  readonly noncurrentDays: unknown;
}

function props(p: Intent) {
  return {
    tier: p.tier,
    service: 'orders',
    url: URL,
    blueprint: p.api ? ProbeBlueprint.API : undefined,
    method: p.api ? p.method : undefined,
    intervalMinutes: p.intervalMinutes,
    successPercentThreshold: p.successPercentThreshold,
    alarmPeriods: p.alarmPeriods,
    artifactRetentionDays: p.artifactRetentionDays,
  };
}

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(1 hour)` as minutes. */
function minutesOf(expression: string): number {
  const [, value, unit] = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression)!;
  return Number(value) * (unit.startsWith('hour') ? 60 : 1);
}

function cdkValues(p: Intent): ProbeValues {
  const resources = cdkResources((stack) => new SyntheticCanary(stack, 'Canary', props(p)));
  const [canary] = cfnOfType(resources, 'AWS::Synthetics::Canary') as {
    Schedule: { Expression: string };
    RunConfig: { TimeoutInSeconds: number; EnvironmentVariables: unknown; ActiveTracing: boolean };
    SuccessRetentionPeriod: number;
    FailureRetentionPeriod: number;
  }[];
  const [alarm] = cfnOfType(resources, 'AWS::CloudWatch::Alarm');
  const rules = cfnOfType(resources, 'AWS::S3::Bucket')
    .filter((b) => JSON.stringify(b.BucketEncryption ?? {}).includes('aws:kms'))
    .flatMap((b) => (b.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules);
  return {
    scheduleMinutes: minutesOf(canary.Schedule.Expression),
    timeoutSeconds: canary.RunConfig.TimeoutInSeconds,
    environment: canary.RunConfig.EnvironmentVariables,
    tracing: canary.RunConfig.ActiveTracing,
    retention: [canary.SuccessRetentionPeriod, canary.FailureRetentionPeriod],
    alarm: [
      alarm.Namespace,
      alarm.MetricName,
      alarm.Statistic,
      alarm.Period,
      alarm.Threshold,
      alarm.ComparisonOperator,
      alarm.EvaluationPeriods,
      alarm.DatapointsToAlarm,
      alarm.TreatMissingData,
    ],
    expiryDays: rules.find((r) => r.ExpirationInDays !== undefined)?.ExpirationInDays,
    transitions: rules
      .flatMap((r) => (r.Transitions ?? []) as { StorageClass: string; TransitionInDays: number }[])
      .map((t) => `${t.StorageClass}@${t.TransitionInDays}`)
      .sort(),
    noncurrentDays: rules.find((r) => r.NoncurrentVersionExpiration !== undefined)?.NoncurrentVersionExpiration,
  };
}

function tfValues(p: Intent): ProbeValues {
  const json = tfJson((stack) => new TfSyntheticCanary(stack, 'Canary', props(p)));
  const [canary] = tfOfType(json, 'aws_synthetics_canary') as {
    schedule: { expression: string };
    run_config: { timeout_in_seconds: number; environment_variables: unknown; active_tracing: boolean };
    success_retention_period: number;
    failure_retention_period: number;
  }[];
  const [alarm] = tfOfType(json, 'aws_cloudwatch_metric_alarm');
  const rules = tfOfType(json, 'aws_s3_bucket_lifecycle_configuration').flatMap(
    (c) => c.rule as Record<string, unknown[]>[],
  );
  const first = (r: Record<string, unknown[]>, key: string) => (r[key] ?? [])[0] as Record<string, number> | undefined;
  const noncurrent = rules.map((r) => first(r, 'noncurrent_version_expiration')).find((n) => n !== undefined);
  return {
    scheduleMinutes: minutesOf(canary.schedule.expression),
    timeoutSeconds: canary.run_config.timeout_in_seconds,
    environment: canary.run_config.environment_variables,
    tracing: canary.run_config.active_tracing,
    retention: [canary.success_retention_period, canary.failure_retention_period],
    alarm: [
      alarm.namespace,
      alarm.metric_name,
      alarm.statistic,
      alarm.period,
      alarm.threshold,
      alarm.comparison_operator,
      alarm.evaluation_periods,
      alarm.datapoints_to_alarm,
      alarm.treat_missing_data,
    ],
    expiryDays: rules.map((r) => first(r, 'expiration')?.days).find((d) => d !== undefined),
    transitions: rules
      .flatMap((r) => (r.transition ?? []) as { storage_class: string; days: number }[])
      .map((t) => `${t.storage_class}@${t.days}`)
      .sort(),
    noncurrentDays: noncurrent && { NoncurrentDays: noncurrent.noncurrent_days },
  };
}

describe('SyntheticCanary twins', () => {
  const drawn = intents(intent);

  test('the sample covers both blueprints, given and default intervals, and retentions with and without transitions', () => {
    expect(new Set(drawn.map((p) => p.api)).size).toBe(2);
    expect(drawn.some((p) => p.intervalMinutes === undefined) && drawn.some((p) => p.intervalMinutes)).toBe(true);
    expect(drawn.some((p) => (p.artifactRetentionDays ?? 0) >= 180)).toBe(true);
    expect(drawn.some((p) => p.artifactRetentionDays !== undefined && p.artifactRetentionDays <= 60)).toBe(true);
  });

  test.each(drawn.map((p, i) => [i, p] as const))('intent %d: both engines render the same plan', (_i, p) => {
    const cdk = cdkValues(p);
    expect(tfValues(p)).toEqual(cdk);
    expect(cdk.alarm.slice(0, 2)).toEqual(['CloudWatchSynthetics', 'SuccessPercent']);
    expect(cdk.expiryDays).toBe(p.artifactRetentionDays ?? p.tier.logRetentionDays);
    expect(cdk.scheduleMinutes).toBe(p.intervalMinutes ?? p.tier.probeIntervalMinutes);
    expect(cdk.environment).toMatchObject({
      PROBE_URL: URL,
      PROBE_METHOD: ((p.api && p.method) || 'GET').toUpperCase(),
    });
  });
});
