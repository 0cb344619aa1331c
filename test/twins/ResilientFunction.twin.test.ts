import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as fc from 'fast-check';
import { ResilientFunction, TrafficShifting } from '../../lib/aws/function';
import { HaRole, ServiceTier } from '../../lib/core';
import { ResilientFunction as TfResilientFunction } from '../../lib/tf/aws/function';
import { zonalVpc, ZONES } from '../proofs/fixtures';
import { cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * ResilientFunction on CloudFormation and on Terraform, from one intent: the same reserved and
 * provisioned concurrency, timeout, asynchronous settings, rollback alarms, traffic shifting, log
 * retention and failure-queue retention, all from core's planFunction. (How a deployment starts
 * differs by engine: CloudFormation's alias update, a pipeline's CodeDeploy call on Terraform.)
 */

const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    role: fc.constantFrom(HaRole.PRIMARY, HaRole.STANDBY),
    required: fc.integer({ min: 1, max: 200 }),
    headroom: fc.integer({ min: 0, max: 200 }),
    extraZones: fc.integer({ min: 0, max: 1 }),
    timeoutSeconds: fc.option(fc.integer({ min: 1, max: 900 }), { nil: undefined }),
    trafficShifting: fc.constantFrom(TrafficShifting.CANARY, TrafficShifting.LINEAR),
    trafficPercent: fc.integer({ min: 1, max: 99 }),
    retryAttempts: fc.integer({ min: 0, max: 2 }),
    maxEventAgeSeconds: fc.integer({ min: 60, max: 21600 }),
  })
  .map((p) => {
    const zones = ZONES['us-east-1'].slice(0, Math.max(p.tier.minAzs, 2) + p.extraZones);
    // Reserved at least what a statically stable tier provisions: ⌈required / (AZs − 1)⌉ × AZs.
    const provisioned = Math.ceil(p.required / (zones.length - 1)) * zones.length;
    return { ...p, zones, reserved: provisioned + p.headroom };
  });
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of one function, read from either output. */
interface FunctionValues {
  readonly reserved: number;
  readonly provisioned: number;
  readonly timeout: number;
  readonly async: readonly number[];
  readonly errorAlarm: readonly number[];
  readonly throttleAlarm: readonly number[];
  readonly shifting: readonly unknown[];
  readonly logRetentionDays: number;
  readonly failureRetentionSeconds: number;
}

function cdkValues(p: Intent): FunctionValues {
  const resources = cdkResources((stack) => {
    new ResilientFunction(stack, 'Fn', {
      tier: p.tier,
      role: p.role,
      vpc: zonalVpc(stack, ZONES['us-east-1']),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: p.zones },
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      requiredConcurrency: p.required,
      reservedConcurrency: p.reserved,
      timeout: p.timeoutSeconds === undefined ? undefined : Duration.seconds(p.timeoutSeconds),
      trafficShifting: p.trafficShifting,
      trafficPercent: p.trafficPercent,
      retryAttempts: p.retryAttempts,
      maxEventAge: Duration.seconds(p.maxEventAgeSeconds),
    });
  });
  const [fn] = cfnOfType(resources, 'AWS::Lambda::Function');
  const [alias] = cfnOfType(resources, 'AWS::Lambda::Alias');
  const [invoke] = cfnOfType(resources, 'AWS::Lambda::EventInvokeConfig');
  const [config] = cfnOfType(resources, 'AWS::CodeDeploy::DeploymentConfig');
  const [logs] = cfnOfType(resources, 'AWS::Logs::LogGroup');
  const [queue] = cfnOfType(resources, 'AWS::SQS::Queue');
  const alarms = cfnOfType(resources, 'AWS::CloudWatch::Alarm');
  const ratio = (name: string) => {
    const alarm = alarms.find((a) => JSON.stringify(a.Metrics ?? '').includes(name))!;
    const metrics = alarm.Metrics as { Id: string; MetricStat?: { Period: number } }[];
    return [
      Number(alarm.Threshold),
      Number(alarm.EvaluationPeriods),
      metrics.find((m) => m.MetricStat)!.MetricStat!.Period,
    ];
  };
  const routing = config.TrafficRoutingConfig as Record<string, Record<string, number> | string>;
  const step = (routing.TimeBasedCanary ?? routing.TimeBasedLinear) as Record<string, number>;
  const provisioned = alias.ProvisionedConcurrencyConfig as { ProvisionedConcurrentExecutions: number } | undefined;
  return {
    reserved: Number(fn.ReservedConcurrentExecutions),
    provisioned: provisioned?.ProvisionedConcurrentExecutions ?? 0,
    timeout: Number(fn.Timeout),
    async: [Number(invoke.MaximumRetryAttempts), Number(invoke.MaximumEventAgeInSeconds)],
    errorAlarm: ratio('Errors'),
    throttleAlarm: ratio('Throttles'),
    shifting: [
      routing.Type,
      step.CanaryPercentage ?? step.LinearPercentage,
      step.CanaryInterval ?? step.LinearInterval,
    ],
    logRetentionDays: Number(logs.RetentionInDays),
    failureRetentionSeconds: Number(queue.MessageRetentionPeriod),
  };
}

function tfValues(p: Intent): FunctionValues {
  const json = tfJson(
    (stack) =>
      new TfResilientFunction(stack, 'Fn', {
        tier: p.tier,
        role: p.role,
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: p.zones.map((_, i) => `subnet-b${i}`),
        code: { s3Bucket: 'artifacts', s3Key: 'fn.zip' },
        handler: 'index.handler',
        runtime: 'nodejs22.x',
        requiredConcurrency: p.required,
        reservedConcurrency: p.reserved,
        timeoutSeconds: p.timeoutSeconds,
        trafficShifting: p.trafficShifting,
        trafficPercent: p.trafficPercent,
        retryAttempts: p.retryAttempts,
        maxEventAgeSeconds: p.maxEventAgeSeconds,
      }),
  );
  const [fn] = tfOfType(json, 'aws_lambda_function');
  const [provisioned] = tfOfType(json, 'aws_lambda_provisioned_concurrency_config');
  const [invoke] = tfOfType(json, 'aws_lambda_function_event_invoke_config');
  const [config] = tfOfType(json, 'aws_codedeploy_deployment_config');
  const [logs] = tfOfType(json, 'aws_cloudwatch_log_group');
  const [queue] = tfOfType(json, 'aws_sqs_queue');
  const alarms = tfOfType(json, 'aws_cloudwatch_metric_alarm');
  const ratio = (suffix: string) => {
    const alarm = alarms.find((a) => String(a.alarm_name).endsWith(suffix))!;
    const queries = alarm.metric_query as { metric?: { period: number } }[];
    return [Number(alarm.threshold), Number(alarm.evaluation_periods), queries.find((q) => q.metric)!.metric!.period];
  };
  const routing = config.traffic_routing_config as Record<string, Record<string, number> | string>;
  const step = (routing.time_based_canary ?? routing.time_based_linear) as Record<string, number>;
  return {
    reserved: Number(fn.reserved_concurrent_executions),
    provisioned: provisioned ? Number(provisioned.provisioned_concurrent_executions) : 0,
    timeout: Number(fn.timeout),
    async: [Number(invoke.maximum_retry_attempts), Number(invoke.maximum_event_age_in_seconds)],
    errorAlarm: ratio('-fn-errors'),
    throttleAlarm: ratio('-fn-throttles'),
    shifting: [routing.type, step.percentage, step.interval],
    logRetentionDays: Number(logs.retention_in_days),
    failureRetentionSeconds: Number(queue.message_retention_seconds),
  };
}

test.each(intents(intent, 12).map((p, i) => [i, p] as const))(
  'intent %i: both engines render the same function plan',
  (_i, p) => {
    expect(tfValues(p)).toEqual(cdkValues(p));
  },
);
