import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CodedeployDeploymentConfig } from '@cdktf/provider-aws/lib/codedeploy-deployment-config';
import { CodedeployDeploymentGroup } from '@cdktf/provider-aws/lib/codedeploy-deployment-group';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaProvisionedConcurrencyConfig } from '@cdktf/provider-aws/lib/lambda-provisioned-concurrency-config';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Testing } from 'cdktf';
import { clientResiliencePolicy, HaRole, HaValidationError, ServiceTier } from '../../../lib/core';
import { ResilientFunction, ResilientFunctionProps, TrafficShifting } from '../../../lib/tf/aws/function';
import { awsStack, resourcesOf, warningsOf } from './util';

Testing.setupJest();

function synth(props: Partial<ResilientFunctionProps> = {}) {
  const { stack } = awsStack();
  const fn = new ResilientFunction(stack, 'Orders', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    code: { s3Bucket: 'artifacts', s3Key: 'orders/1.2.3.zip' },
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    vpcId: 'vpc-1',
    subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
    requiredConcurrency: 40,
    reservedConcurrency: 100,
    ...props,
  });
  return { stack, fn, synthesized: Testing.synth(stack) };
}

const only = (synthesized: string, type: { readonly tfResourceType: string }) =>
  Object.values(resourcesOf(synthesized, type))[0];

describe('ResilientFunction (Terraform)', () => {
  const tier1 = synth();

  test('GIVEN TIER_1 over 3 AZs THEN 60 warm environments on the alias (40 after losing one AZ), within 100 reserved', () => {
    const fn = only(tier1.synthesized, LambdaFunction);
    expect(fn).toMatchObject({
      reserved_concurrent_executions: 100,
      publish: true,
      timeout: 3,
      tracing_config: { mode: 'Active' },
      vpc_config: { subnet_ids: ['subnet-a', 'subnet-b', 'subnet-c'] },
    });
    expect(only(tier1.synthesized, LambdaProvisionedConcurrencyConfig)).toMatchObject({
      provisioned_concurrent_executions: 60,
      qualifier: expect.stringMatching(/aws_lambda_alias\.Orders_Alias_/),
    });
    expect(tier1.fn.plan.concurrency.provisionedAfterAzLoss).toBe(40);
  });

  test('THEN an apply never moves the alias: CodeDeploy does, canary 10 % then all, rolled back by its alarms', () => {
    expect(only(tier1.synthesized, LambdaAlias)).toMatchObject({
      name: 'live',
      lifecycle: { ignore_changes: ['function_version', 'routing_config'] },
    });
    expect(only(tier1.synthesized, CodedeployDeploymentConfig)).toMatchObject({
      compute_platform: 'Lambda',
      traffic_routing_config: {
        type: 'TimeBasedCanary',
        time_based_canary: { percentage: 10, interval: tier1.fn.plan.deployment.intervalMinutes },
      },
    });
    const group = only(tier1.synthesized, CodedeployDeploymentGroup);
    expect(group.auto_rollback_configuration.events).toEqual([
      'DEPLOYMENT_FAILURE',
      'DEPLOYMENT_STOP_ON_ALARM',
      'DEPLOYMENT_STOP_ON_REQUEST',
    ]);
    expect(group.alarm_configuration.alarms).toHaveLength(2);
    const appSpec = JSON.parse(tier1.fn.appSpec.replace(/\$\{[^}]+\}/g, 'x'));
    expect(appSpec.version).toBe(0);
    expect(tier1.fn.appSpec).toContain('"version":0.0');
    expect(appSpec.Resources[0].Orders.Properties).toEqual({
      Name: 'x',
      Alias: 'live',
      CurrentVersion: 'x',
      TargetVersion: 'x',
    });
  });

  test("THEN the error alarm judges the new version's own requests at the tier's page threshold", () => {
    const alarms = Object.values(resourcesOf(tier1.synthesized, CloudwatchMetricAlarm));
    const errors = alarms.find((a) => String(a.alarm_name).endsWith('-fn-errors'))!;
    expect(errors.threshold).toBe(tier1.fn.plan.errorAlarm.thresholdPercent);
    const invocations = errors.metric_query.find((q: { id: string }) => q.id === 'invocations');
    expect(Object.keys(invocations.metric.dimensions).sort()).toEqual(['ExecutedVersion', 'FunctionName', 'Resource']);
    expect(invocations.metric.period).toBe(tier1.fn.plan.errorAlarm.periodSeconds);
  });

  test('THEN failed asynchronous events go to a kept, encrypted queue; the role may write only there and its logs', () => {
    expect(only(tier1.synthesized, LambdaFunctionEventInvokeConfig)).toMatchObject({
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 21600,
      destination_config: { on_failure: { destination: expect.stringMatching(/aws_sqs_queue\.Orders_Failures_/) } },
    });
    expect(only(tier1.synthesized, SqsQueue)).toMatchObject({
      message_retention_seconds: 14 * 86400,
      lifecycle: { prevent_destroy: true },
      kms_master_key_id: expect.stringMatching(/aws_kms_key\.Orders_Key_/),
    });
    const policy = JSON.parse(only(tier1.synthesized, IamRolePolicy).policy);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      'WriteLogs',
      'SendFailedEvents',
      'EncryptFailedEvents',
      'VpcNetworkInterfaces',
      'Traces',
    ]);
    expect(warningsOf(tier1.stack)).toEqual([]);
  });

  test('GIVEN a pilot-light standby THEN no warm environment, and the runbook target is the primary count', () => {
    const standby = synth({ tier: ServiceTier.TIER_2, role: HaRole.STANDBY, trafficShifting: TrafficShifting.LINEAR });
    expect(Object.keys(resourcesOf(standby.synthesized, LambdaProvisionedConcurrencyConfig))).toEqual([]);
    expect(standby.fn.plan.concurrency.primaryProvisioned).toBe(0);
    expect(only(standby.synthesized, CodedeployDeploymentConfig).traffic_routing_config.type).toBe('TimeBasedLinear');
  });

  test("GIVEN the caller's hop THEN the timeout is its per-try timeout, and a longer one is refused by name", () => {
    const callerPolicy = clientResiliencePolicy({
      upstreamTimeoutMs: 10_000,
      hops: [{ name: 'orders', perTryTimeoutMs: 2500, baseDelayMs: 50, maxDelayMs: 400 }],
    });
    expect(synth({ callerPolicy, callerHop: 'orders' }).fn.plan.timeoutSeconds).toBe(2);
    expect(() => synth({ callerPolicy, callerHop: 'orders', timeoutSeconds: 5 })).toThrow(HaValidationError);
  });

  test.each<[string, Partial<ResilientFunctionProps>, string]>([
    [
      'provisioned above reserved',
      { provisionedConcurrency: 120 },
      'provisionedConcurrency must be at most reservedConcurrency (100)',
    ],
    ['one AZ for TIER_1', { subnetIds: ['subnet-a'] }, 'subnetIds must select subnets in at least'],
    ['a hop without its policy', { callerHop: 'orders' }, 'callerPolicy and callerHop must be given together'],
  ])('WHEN %s THEN the error names the prop', (_case, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
