import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as fc from 'fast-check';
import { ResilientService } from '../../lib/aws/service';
import { FARGATE_TASK_SIZES, HaRole, ServiceTier } from '../../lib/core';
import { ResilientService as TfResilientService } from '../../lib/tf/aws/service';
import { zonalVpc, ZONES } from '../proofs/fixtures';
import { cdkGray, GrayValues, tfGray } from './gray-failure';
import { cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * ResilientService on CloudFormation and on Terraform, from one intent: the same task count,
 * deployment, container and target health checks, alarms, scaling bounds, task size and logs, all
 * from core's planService; and the same gray-failure detection and zonal shift (below).
 */

const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    role: fc.constantFrom(HaRole.PRIMARY, HaRole.STANDBY),
    required: fc.integer({ min: 1, max: 12 }),
    headroom: fc.integer({ min: 0, max: 20 }),
    extraZones: fc.integer({ min: 0, max: 1 }),
    containerPort: fc.integer({ min: 1024, max: 65535 }),
    targetCpuPercent: fc.integer({ min: 10, max: 90 }),
    size: fc.constantFrom(...FARGATE_TASK_SIZES.slice(0, 3)),
    gracePeriodSeconds: fc.integer({ min: 0, max: 600 }),
  })
  .map((p) => {
    const zones = ZONES['us-east-1'].slice(0, Math.max(p.tier.minAzs, 2) + p.extraZones);
    // At least what the tier makes the service run: static stability adds an AZ's worth.
    const floor = p.tier.staticallyStable
      ? Math.ceil(p.required / (zones.length - 1)) * zones.length
      : Math.max(p.required, zones.length);
    return { ...p, zones, max: floor + p.headroom, cpu: p.size.cpu, memoryMiB: p.size.memoryMiB[0] };
  });
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

const CERTIFICATE = 'arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
const REPOSITORY_ARN = 'arn:aws:ecr:us-east-1:111122223333:repository/orders';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** The HA values of one service, read from either output. */
interface ServiceValues {
  readonly desired: number;
  readonly deployment: readonly unknown[];
  readonly gracePeriod: number;
  readonly scaling: readonly number[];
  readonly cpuTarget: number;
  readonly taskSize: readonly number[];
  readonly liveness: readonly unknown[];
  readonly readiness: readonly unknown[];
  readonly deregistrationDelay: number;
  /** The target group's algorithm and anomaly mitigation. */
  readonly loadBalancing: readonly unknown[];
  readonly errorAlarm: readonly unknown[];
  readonly unhealthyAlarm: readonly unknown[];
  readonly logRetentionDays: number;
  readonly zonalShift: boolean;
}

function cdkValues(p: Intent): ServiceValues {
  const resources = cdkResources((stack) => {
    new ResilientService(stack, 'Service', {
      tier: p.tier,
      role: p.role,
      vpc: zonalVpc(stack, ZONES['us-east-1']),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: p.zones },
      internetFacing: false,
      repository: ecr.Repository.fromRepositoryAttributes(stack, 'Images', {
        repositoryArn: REPOSITORY_ARN,
        repositoryName: 'orders',
      }),
      imageTagOrDigest: DIGEST,
      requiredCount: p.required,
      maxCount: p.max,
      containerPort: p.containerPort,
      cpu: p.cpu,
      memoryLimitMiB: p.memoryMiB,
      targetCpuPercent: p.targetCpuPercent,
      healthCheckGracePeriod: Duration.seconds(p.gracePeriodSeconds),
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE),
    });
  });
  const [service] = cfnOfType(resources, 'AWS::ECS::Service');
  const [task] = cfnOfType(resources, 'AWS::ECS::TaskDefinition');
  const [tg] = cfnOfType(resources, 'AWS::ElasticLoadBalancingV2::TargetGroup');
  const [lb] = cfnOfType(resources, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const [target] = cfnOfType(resources, 'AWS::ApplicationAutoScaling::ScalableTarget');
  const cpu = cfnOfType(resources, 'AWS::ApplicationAutoScaling::ScalingPolicy').find((s) =>
    JSON.stringify(s).includes('ECSServiceAverageCPUUtilization'),
  )!;
  const alarms = cfnOfType(resources, 'AWS::CloudWatch::Alarm');
  const error = alarms.find((a) => JSON.stringify(a.Metrics ?? '').includes('elb5xx'))!;
  const unhealthy = alarms.find((a) => a.MetricName === 'UnHealthyHostCount')!;
  const logs = cfnOfType(resources, 'AWS::Logs::LogGroup').find((g) => !JSON.stringify(g).includes('aws-waf-logs'))!;
  const deployment = service.DeploymentConfiguration as Record<string, never>;
  const breaker = deployment.DeploymentCircuitBreaker as Record<string, boolean>;
  const container = (task.ContainerDefinitions as Record<string, never>[])[0];
  const check = container.HealthCheck as Record<string, unknown>;
  const metrics = error.Metrics as { Id: string; MetricStat?: { Period: number } }[];
  const attributes = lb.LoadBalancerAttributes as { Key: string; Value: string }[];
  return {
    desired: Number(service.DesiredCount),
    deployment: [
      deployment.MinimumHealthyPercent,
      deployment.MaximumPercent,
      breaker.Enable && breaker.Rollback,
      (deployment.Alarms as Record<string, boolean>).Rollback,
    ],
    gracePeriod: Number(service.HealthCheckGracePeriodSeconds),
    scaling: [Number(target.MinCapacity), Number(target.MaxCapacity)],
    cpuTarget: Number((cpu.TargetTrackingScalingPolicyConfiguration as { TargetValue: number }).TargetValue),
    taskSize: [Number(task.Cpu), Number(task.Memory)],
    liveness: [check.Command, check.Interval, check.Timeout, check.Retries, check.StartPeriod],
    readiness: [
      tg.HealthCheckPath,
      tg.Port,
      tg.HealthCheckIntervalSeconds,
      tg.HealthCheckTimeoutSeconds,
      tg.UnhealthyThresholdCount,
      tg.HealthyThresholdCount,
      (tg.Matcher as { HttpCode: string }).HttpCode,
    ],
    deregistrationDelay: Number(
      (tg.TargetGroupAttributes as { Key: string; Value: string }[]).find(
        (a) => a.Key === 'deregistration_delay.timeout_seconds',
      )!.Value,
    ),
    loadBalancing: ['load_balancing.algorithm.type', 'load_balancing.algorithm.anomaly_mitigation'].map(
      (key) => (tg.TargetGroupAttributes as { Key: string; Value: string }[]).find((a) => a.Key === key)?.Value,
    ),
    errorAlarm: [
      error.Threshold,
      error.EvaluationPeriods,
      metrics.find((m) => m.Id === 'requests')!.MetricStat!.Period,
    ],
    unhealthyAlarm: [unhealthy.Period, unhealthy.EvaluationPeriods, unhealthy.Threshold],
    logRetentionDays: Number(logs.RetentionInDays),
    zonalShift: attributes.some((a) => a.Key === 'zonal_shift.config.enabled' && a.Value === 'true'),
  };
}

function tfValues(p: Intent): ServiceValues {
  const json = tfJson(
    (stack) =>
      new TfResilientService(stack, 'Service', {
        tier: p.tier,
        role: p.role,
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: p.zones.map((_, i) => `subnet-b${i}`),
        loadBalancerSubnetIds: p.zones.map((_, i) => `subnet-a${i}`),
        internetFacing: false,
        repository: {
          arn: REPOSITORY_ARN,
          repositoryUrl: '111122223333.dkr.ecr.us-east-1.amazonaws.com/orders',
        },
        imageTagOrDigest: DIGEST,
        requiredCount: p.required,
        maxCount: p.max,
        containerPort: p.containerPort,
        cpu: p.cpu,
        memoryLimitMiB: p.memoryMiB,
        targetCpuPercent: p.targetCpuPercent,
        healthCheckGracePeriodSeconds: p.gracePeriodSeconds,
        certificateArn: CERTIFICATE,
      }),
  );
  const [service] = tfOfType(json, 'aws_ecs_service');
  const [task] = tfOfType(json, 'aws_ecs_task_definition');
  const [tg] = tfOfType(json, 'aws_lb_target_group');
  const [lb] = tfOfType(json, 'aws_lb');
  const [target] = tfOfType(json, 'aws_appautoscaling_target');
  const [cpu] = tfOfType(json, 'aws_appautoscaling_policy');
  const alarms = tfOfType(json, 'aws_cloudwatch_metric_alarm');
  const error = alarms.find((a) => String(a.alarm_name).endsWith('-service-5xx'))!;
  const unhealthy = alarms.find((a) => a.metric_name === 'UnHealthyHostCount')!;
  const logs = tfOfType(json, 'aws_cloudwatch_log_group').find((g) => String(g.name_prefix).startsWith('/ha/'))!;
  const hc = tg.health_check as Record<string, unknown>;
  const breaker = service.deployment_circuit_breaker as Record<string, boolean>;
  const [container] = JSON.parse(String(task.container_definitions));
  const check = container.healthCheck;
  const queries = error.metric_query as { id: string; metric?: { period: number } }[];
  return {
    desired: Number(service.desired_count),
    deployment: [
      service.deployment_minimum_healthy_percent,
      service.deployment_maximum_percent,
      breaker.enable && breaker.rollback,
      (service.alarms as Record<string, boolean>).rollback,
    ],
    gracePeriod: Number(service.health_check_grace_period_seconds),
    scaling: [Number(target.min_capacity), Number(target.max_capacity)],
    cpuTarget: Number((cpu.target_tracking_scaling_policy_configuration as { target_value: number }).target_value),
    taskSize: [Number(task.cpu), Number(task.memory)],
    liveness: [check.command, check.interval, check.timeout, check.retries, check.startPeriod],
    readiness: [hc.path, tg.port, hc.interval, hc.timeout, hc.unhealthy_threshold, hc.healthy_threshold, hc.matcher],
    deregistrationDelay: Number(tg.deregistration_delay),
    loadBalancing: [tg.load_balancing_algorithm_type, tg.load_balancing_anomaly_mitigation],
    errorAlarm: [error.threshold, error.evaluation_periods, queries.find((q) => q.id === 'requests')!.metric!.period],
    unhealthyAlarm: [unhealthy.period, unhealthy.evaluation_periods, unhealthy.threshold],
    logRetentionDays: Number(logs.retention_in_days),
    zonalShift: lb.enable_zonal_shift === true,
  };
}

test.each(intents(intent, 8).map((p, i) => [i, p] as const))(
  'intent %i: the CDK service and its Terraform twin render the same plan',
  (_, p) => {
    const cdk = cdkValues(p);
    expect(tfValues(p)).toEqual(cdk);
    // And the values are the plan's, not defaults that happen to agree.
    expect(cdk.cpuTarget).toBe(p.targetCpuPercent);
    expect(cdk.scaling[1]).toBe(p.max);
    expect(cdk.gracePeriod).toBe(p.gracePeriodSeconds);
    expect(cdk.loadBalancing).toEqual(['weighted_random', 'on']);
  },
);

/*
 * Gray failures, as the fleet's twin test compares them: the per-AZ detection of planZonalOutlier and
 * the automatic zonal shift of planZonalShift, whose capacity guard counts the service's running tasks.
 */

const grayIntent = fc
  .record({
    tier: fc.constantFrom(ServiceTier.TIER_0, ServiceTier.TIER_1, ServiceTier.TIER_2),
    role: fc.constantFrom(HaRole.PRIMARY, HaRole.PRIMARY, HaRole.STANDBY),
    extraZones: fc.integer({ min: 0, max: 1 }),
    required: fc.integer({ min: 3, max: 12 }),
    latencyMillis: fc.option(fc.integer({ min: 50, max: 2000 }), { nil: undefined }),
    expiryMinutes: fc.option(fc.integer({ min: 1, max: 72 * 60 }), { nil: undefined }),
  })
  .map((p) => {
    const zones = ZONES['us-east-1'].slice(0, p.tier.minAzs + p.extraZones);
    const perAz = Math.ceil(p.required / (zones.length - 1));
    return { ...p, zones, max: perAz * zones.length + 6 };
  });
type GrayIntent = typeof grayIntent extends fc.Arbitrary<infer T> ? T : never;

function cdkGrayOf(p: GrayIntent): GrayValues {
  const resources = cdkResources((stack) => {
    new ResilientService(stack, 'Service', {
      tier: p.tier,
      role: p.role,
      vpc: zonalVpc(stack, ZONES['us-east-1']),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: p.zones },
      internetFacing: false,
      repository: ecr.Repository.fromRepositoryAttributes(stack, 'Images', {
        repositoryArn: REPOSITORY_ARN,
        repositoryName: 'orders',
      }),
      imageTagOrDigest: DIGEST,
      requiredCount: p.required,
      maxCount: p.max,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE),
      latencyThreshold: p.latencyMillis === undefined ? undefined : Duration.millis(p.latencyMillis),
      zonalShiftExpiry: p.expiryMinutes === undefined ? undefined : Duration.minutes(p.expiryMinutes),
    });
  });
  return cdkGray(resources, 'Service', p.zones);
}

function tfGrayOf(p: GrayIntent): GrayValues {
  const json = tfJson(
    (stack) =>
      new TfResilientService(stack, 'Service', {
        tier: p.tier,
        role: p.role,
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: p.zones.map((_, i) => `subnet-b${i}`),
        loadBalancerSubnetIds: p.zones.map((_, i) => `subnet-a${i}`),
        internetFacing: false,
        repository: { arn: REPOSITORY_ARN, repositoryUrl: '111122223333.dkr.ecr.us-east-1.amazonaws.com/orders' },
        imageTagOrDigest: DIGEST,
        requiredCount: p.required,
        maxCount: p.max,
        certificateArn: CERTIFICATE,
        latencyThresholdSeconds: p.latencyMillis === undefined ? undefined : p.latencyMillis / 1000,
        zonalShiftExpirySeconds: p.expiryMinutes === undefined ? undefined : p.expiryMinutes * 60,
      }),
  );
  return tfGray(json, 'Service');
}

test.each(intents(grayIntent, 8).map((p, i) => [i, p] as const))(
  'intent %i: the CDK service and its Terraform twin detect a gray AZ and shift away from it alike',
  (_, p) => {
    const cdk = cdkGrayOf(p);
    expect(tfGrayOf(p)).toEqual(cdk);
    // Not two empty renderings that agree: a serving, statically stable service detects and shifts.
    const serving = p.tier.staticallyStable && (p.role !== HaRole.STANDBY || p.tier.allRegionsServe);
    expect(cdk.alarms).toHaveLength(serving ? p.zones.length * (p.latencyMillis === undefined ? 2 : 3) : 0);
    expect(cdk.runbook && [...cdk.runbook.guards, ...cdk.runbook.capacity]).toEqual(
      serving ? [p.required, 1, `${p.expiryMinutes ?? 180}m`, 'running tasks', 'Cluster', 'ServiceName'] : undefined,
    );
  },
);

/*
 * Workers (loadBalanced: false): the same tasks, deployment, liveness check, scaling bounds, task size and logs
 * from planService, and on neither engine a load balancer, target group, grace period or port mapping; each rolls
 * back on the circuit breaker and on the alarm it was given.
 */

/** The HA values of one worker, read from either output. */
interface WorkerValues {
  readonly desired: number;
  readonly deployment: readonly unknown[];
  readonly gracePeriod: unknown;
  readonly scaling: readonly number[];
  readonly cpuTarget: number;
  readonly taskSize: readonly number[];
  readonly liveness: readonly unknown[];
  readonly portMappings: number;
  readonly rollbackAlarms: readonly unknown[];
  readonly loadBalancerResources: number;
  readonly logRetentionDays: number;
}

const PAGE_ALARM = 'orders-slo-page';

function cdkWorker(p: Intent): WorkerValues {
  const resources = cdkResources((stack) => {
    new ResilientService(stack, 'Service', {
      tier: p.tier,
      role: p.role,
      vpc: zonalVpc(stack, ZONES['us-east-1']),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: p.zones },
      loadBalanced: false,
      repository: ecr.Repository.fromRepositoryAttributes(stack, 'Images', {
        repositoryArn: REPOSITORY_ARN,
        repositoryName: 'orders',
      }),
      imageTagOrDigest: DIGEST,
      requiredCount: p.required,
      maxCount: p.max,
      containerPort: p.containerPort,
      cpu: p.cpu,
      memoryLimitMiB: p.memoryMiB,
      targetCpuPercent: p.targetCpuPercent,
      healthCheckGracePeriod: Duration.seconds(p.gracePeriodSeconds),
      pageAlarm: cloudwatch.Alarm.fromAlarmName(stack, 'Page', PAGE_ALARM),
    });
  });
  const [service] = cfnOfType(resources, 'AWS::ECS::Service');
  const [task] = cfnOfType(resources, 'AWS::ECS::TaskDefinition');
  const [target] = cfnOfType(resources, 'AWS::ApplicationAutoScaling::ScalableTarget');
  const [cpu] = cfnOfType(resources, 'AWS::ApplicationAutoScaling::ScalingPolicy');
  const logs = cfnOfType(resources, 'AWS::Logs::LogGroup');
  const deployment = service.DeploymentConfiguration as Record<string, never>;
  const breaker = deployment.DeploymentCircuitBreaker as Record<string, boolean>;
  const alarms = deployment.Alarms as { AlarmNames: unknown[]; Rollback: boolean };
  const container = (task.ContainerDefinitions as Record<string, never>[])[0];
  const check = container.HealthCheck as Record<string, unknown>;
  return {
    desired: Number(service.DesiredCount),
    deployment: [deployment.MinimumHealthyPercent, deployment.MaximumPercent, breaker.Enable && breaker.Rollback],
    gracePeriod: service.HealthCheckGracePeriodSeconds,
    scaling: [Number(target.MinCapacity), Number(target.MaxCapacity)],
    cpuTarget: Number((cpu.TargetTrackingScalingPolicyConfiguration as { TargetValue: number }).TargetValue),
    taskSize: [Number(task.Cpu), Number(task.Memory)],
    liveness: [check.Command, check.Interval, check.Timeout, check.Retries, check.StartPeriod],
    portMappings: ((container.PortMappings as unknown[] | undefined) ?? []).length,
    rollbackAlarms: [...alarms.AlarmNames, alarms.Rollback],
    loadBalancerResources: Object.values(resources).filter((r) => r.Type.startsWith('AWS::ElasticLoadBalancingV2::'))
      .length,
    logRetentionDays: Number(logs[0].RetentionInDays),
  };
}

function tfWorker(p: Intent): WorkerValues {
  const json = tfJson(
    (stack) =>
      new TfResilientService(stack, 'Service', {
        tier: p.tier,
        role: p.role,
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: p.zones.map((_, i) => `subnet-b${i}`),
        loadBalanced: false,
        repository: { arn: REPOSITORY_ARN, repositoryUrl: '111122223333.dkr.ecr.us-east-1.amazonaws.com/orders' },
        imageTagOrDigest: DIGEST,
        requiredCount: p.required,
        maxCount: p.max,
        containerPort: p.containerPort,
        cpu: p.cpu,
        memoryLimitMiB: p.memoryMiB,
        targetCpuPercent: p.targetCpuPercent,
        healthCheckGracePeriodSeconds: p.gracePeriodSeconds,
        pageAlarmName: PAGE_ALARM,
      }),
  );
  const [service] = tfOfType(json, 'aws_ecs_service');
  const [task] = tfOfType(json, 'aws_ecs_task_definition');
  const [target] = tfOfType(json, 'aws_appautoscaling_target');
  const [cpu] = tfOfType(json, 'aws_appautoscaling_policy');
  const logs = tfOfType(json, 'aws_cloudwatch_log_group').find((g) => String(g.name_prefix).startsWith('/ha/'))!;
  const breaker = service.deployment_circuit_breaker as Record<string, boolean>;
  const alarms = service.alarms as { alarm_names: unknown[]; rollback: boolean };
  const [container] = JSON.parse(String(task.container_definitions));
  const check = container.healthCheck;
  return {
    desired: Number(service.desired_count),
    deployment: [
      service.deployment_minimum_healthy_percent,
      service.deployment_maximum_percent,
      breaker.enable && breaker.rollback,
    ],
    gracePeriod: service.health_check_grace_period_seconds,
    scaling: [Number(target.min_capacity), Number(target.max_capacity)],
    cpuTarget: Number((cpu.target_tracking_scaling_policy_configuration as { target_value: number }).target_value),
    taskSize: [Number(task.cpu), Number(task.memory)],
    liveness: [check.command, check.interval, check.timeout, check.retries, check.startPeriod],
    portMappings: container.portMappings.length,
    rollbackAlarms: [...alarms.alarm_names, alarms.rollback],
    loadBalancerResources: ['aws_lb', 'aws_lb_target_group', 'aws_lb_listener']
      .map((type) => tfOfType(json, type).length)
      .reduce((a, b) => a + b, 0),
    logRetentionDays: Number(logs.retention_in_days),
  };
}

test.each(intents(intent, 6).map((p, i) => [i, p] as const))(
  'intent %i: a CDK worker and its Terraform twin render the same plan, without a load balancer',
  (_, p) => {
    const cdk = cdkWorker(p);
    expect(tfWorker(p)).toEqual(cdk);
    expect(cdk.loadBalancerResources).toBe(0);
    expect(cdk.gracePeriod).toBeUndefined();
    expect(cdk.portMappings).toBe(0);
    expect(cdk.rollbackAlarms).toEqual([PAGE_ALARM, true]);
    // The container check's start period is still the grace period (at most ECS's 300 s).
    expect(cdk.liveness[4]).toBe(Math.min(p.gracePeriodSeconds, 300));
    // And the same tasks as the load-balanced service of the same intent.
    expect(cdk.desired).toBe(cdkValues(p).desired);
  },
);
