import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Testing } from 'cdktf';
import { HaRole, HaValidationError, ServiceTier } from '../../../lib/core';
import { ResilientService, ResilientServiceProps } from '../../../lib/tf/aws/service';
import { awsStack, expectAlarmTopicPolicy, Json, refTo, resourcesOf, warningsOf } from './util';

Testing.setupJest();

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const REPOSITORY = {
  arn: 'arn:aws:ecr:us-east-1:111111111111:repository/orders',
  repositoryUrl: '111111111111.dkr.ecr.us-east-1.amazonaws.com/orders',
};
const BASE: Omit<ResilientServiceProps, 'tier'> = {
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  loadBalancerSubnetIds: ['subnet-pa', 'subnet-pb', 'subnet-pc'],
  repository: REPOSITORY,
  imageTagOrDigest: DIGEST,
  requiredCount: 6,
  maxCount: 18,
  certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
  secrets: { DB_PASSWORD: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf:password::' },
  pageAlarmName: 'orders-slo-page',
  targetRequestsPerMinute: 1200,
};

function synth(props: Partial<ResilientServiceProps> = {}) {
  const { stack } = awsStack();
  const service = new ResilientService(stack, 'Service', { tier: ServiceTier.TIER_1, ...BASE, ...props });
  return { stack, service, synthesized: Testing.synth(stack) };
}

const one = (synthesized: string, type: { readonly tfResourceType: string }): Json => {
  const all = Object.values(resourcesOf(synthesized, type));
  expect(all).toHaveLength(1);
  return all[0];
};

describe('ResilientService (Terraform), TIER_1 over three AZs', () => {
  let built: ReturnType<typeof synth>;
  beforeAll(() => {
    built = synth();
  });

  test('THEN the Fargate service is statically stable, rebalanced over every subnet, with no public IP', () => {
    expect(built.service.taskCount).toEqual({ min: 9, desired: 9, max: 18, perAz: 3 });
    expect(one(built.synthesized, EcsService)).toMatchObject({
      desired_count: 9,
      launch_type: 'FARGATE',
      availability_zone_rebalancing: 'ENABLED',
      network_configuration: { subnets: BASE.subnetIds, assign_public_ip: false },
      propagate_tags: 'SERVICE',
      enable_execute_command: false,
      health_check_grace_period_seconds: 60,
    });
  });

  test('THEN a deployment keeps all 9 tasks, adds one AZ of them, and rolls back on breaker and alarms', () => {
    const service = one(built.synthesized, EcsService);
    expect(service).toMatchObject({
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 134,
      deployment_circuit_breaker: { enable: true, rollback: true },
      alarms: { enable: true, rollback: true },
    });
    expect(service.alarms.alarm_names).toEqual([
      refTo(CloudwatchMetricAlarm, 'Service_ErrorAlarm', 'alarm_name'),
      refTo(CloudwatchMetricAlarm, 'Service_UnhealthyTasksAlarm', 'alarm_name'),
      'orders-slo-page',
    ]);
    expect(service.depends_on).toEqual([expect.stringMatching(/^aws_lb_listener\.Service_HttpsListener_/)]);
  });

  test('THEN the container checks liveness itself; the target group checks readiness within half the AZ RTO', () => {
    const [container] = JSON.parse(one(built.synthesized, EcsTaskDefinition).container_definitions);
    expect(container).toMatchObject({
      image: `${REPOSITORY.repositoryUrl}@${DIGEST}`,
      user: '65534',
      readonlyRootFilesystem: true,
      privileged: false,
      healthCheck: {
        command: ['CMD-SHELL', "curl -fsS -o /dev/null 'http://localhost:8080/health/live' || exit 1"],
        interval: 30,
        timeout: 5,
        retries: 3,
        startPeriod: 60,
      },
      logConfiguration: { logDriver: 'awslogs', options: { mode: 'non-blocking', 'awslogs-stream-prefix': 'app' } },
      secrets: [{ name: 'DB_PASSWORD', valueFrom: BASE.secrets!.DB_PASSWORD }],
    });
    expect(one(built.synthesized, LbTargetGroup)).toMatchObject({
      target_type: 'ip',
      port: 8080,
      deregistration_delay: '60',
      health_check: { path: '/health/live', interval: 15, timeout: 5, unhealthy_threshold: 3, matcher: '200' },
    });
    expect(built.service.azFailoverSeconds).toBe(50);
  });

  test('THEN scaling tracks CPU and requests per task between the static floor and the literal maximum', () => {
    expect(one(built.synthesized, AppautoscalingTarget)).toMatchObject({
      min_capacity: 9,
      max_capacity: 18,
      scalable_dimension: 'ecs:service:DesiredCount',
    });
    const policies = Object.values(resourcesOf(built.synthesized, AppautoscalingPolicy));
    expect(policies.map((p) => p.target_tracking_scaling_policy_configuration)).toEqual([
      {
        target_value: 50,
        predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' },
      },
      {
        target_value: 1200,
        predefined_metric_specification: {
          predefined_metric_type: 'ALBRequestCountPerTarget',
          resource_label: expect.stringContaining('arn_suffix'),
        },
      },
    ]);
  });

  test('THEN the cluster has Container Insights and Fargate storage under a key only Fargate tasks of this account use', () => {
    const cluster = one(built.synthesized, EcsCluster);
    expect(cluster.setting).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    expect(cluster.configuration.managed_storage_configuration.fargate_ephemeral_storage_kms_key_id).toEqual(
      refTo(KmsKey, 'Service_StorageKey', 'id'),
    );
    const key = Object.entries(resourcesOf(built.synthesized, KmsKey)).find(([name]) =>
      name.includes('StorageKey'),
    )![1];
    const sids = JSON.parse(key.policy).Statement.map((s: { Sid: string }) => s.Sid);
    expect(sids).toEqual(['AllowAccountToGovernKey', 'AllowFargateDataKeys', 'AllowFargateDecryptGrants']);
    expect(key).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
  });

  test('THEN logs are encrypted with a customer-managed key, kept a year and protected', () => {
    const groups = Object.values(resourcesOf(built.synthesized, CloudwatchLogGroup));
    const logs = groups.find((g) => String(g.name_prefix).startsWith('/ha/'))!;
    expect(logs).toMatchObject({
      retention_in_days: ServiceTier.TIER_1.logRetentionDays,
      kms_key_id: refTo(KmsKey, 'Service_LogKey', 'arn'),
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('THEN the execution role pulls only the repository and reads only the secret; the task role has nothing', () => {
    const policies = Object.entries(resourcesOf(built.synthesized, IamRolePolicy));
    const policy = JSON.parse(policies.find(([name]) => name.startsWith('Service_ExecutionPolicy_'))![1].policy);
    expect(policy.Statement.map((s: Json) => [s.Sid, s.Resource])).toEqual([
      ['WriteLogs', expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.Service_Logs_[0-9A-F]{8}\.arn\}:\*$/)],
      ['PullImage', REPOSITORY.arn],
      ['EcrLogin', '*'],
      ['ReadSecrets', ['arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf']],
    ]);
    const roles = resourcesOf(built.synthesized, IamRole);
    const task = Object.entries(roles).find(([name]) => name.includes('TaskRole'))![1];
    expect(JSON.parse(task.assume_role_policy).Statement[0].Condition.StringEquals).toEqual({
      'aws:SourceAccount': expect.stringContaining('data.aws_caller_identity'),
    });
  });

  test('THEN the load balancer allows zonal shift, keeps deletion protection, and its alarms notify', () => {
    expect(one(built.synthesized, Lb)).toMatchObject({
      enable_zonal_shift: true,
      enable_deletion_protection: true,
      drop_invalid_header_fields: true,
    });
    expectAlarmTopicPolicy(built.synthesized);
  });
});

describe('ResilientService (Terraform), TIER_1: gray failures', () => {
  // The thresholds, expressions and runbook are core's, pinned by the planner, math and twin tests;
  // here what is the service's own: what the alarms watch and what the runbook counts, with which rights.
  const { service, synthesized } = synth();
  const named = (type: { readonly tfResourceType: string }, path: string) =>
    Object.entries(resourcesOf(synthesized, type)).find(([name]) => new RegExp(`^${path}_[0-9A-F]{8}$`).test(name))![1];
  const [document] = Object.values(resourcesOf(synthesized, SsmDocument));
  const content = JSON.parse(document.content);

  test("THEN each AZ of the load balancer's subnets has its alarms on the balancer's node there", () => {
    expect(service.zoneImpairedAlarms).toHaveLength(3);
    const zonal = Object.entries(resourcesOf(synthesized, CloudwatchMetricAlarm)).filter(([name]) =>
      name.startsWith('Service_ZonalDetection_'),
    );
    expect(zonal).toHaveLength(6);
    for (const [, alarm] of zonal) {
      for (const query of alarm.metric_query.filter((q: Json) => q.metric)) {
        expect(query.metric.dimensions.LoadBalancer).toEqual(refTo(Lb, 'Service_LoadBalancer', 'arn_suffix'));
      }
    }
    const subnets = JSON.parse(synthesized).data.aws_subnet as Record<string, Json>;
    expect(Object.values(subnets).map((s) => s.id)).toEqual(BASE.loadBalancerSubnetIds);
  });

  test("THEN the runbook's capacity guard counts the service's running tasks: at least 6 left", () => {
    expect(service.zonalShiftRunbook).toBeDefined();
    expect(content.mainSteps[0].inputs.InputPayload).toEqual({
      AvailabilityZone: '{{ AvailabilityZone }}',
      LoadBalancerArn: refTo(Lb, 'Service_LoadBalancer', 'arn'),
      Cluster: refTo(EcsCluster, 'Service_Cluster', 'arn'),
      ServiceName: refTo(EcsService, 'Service', 'name'),
      MinInstancesLeft: 6,
      Unit: 'running tasks',
      MaxActiveShifts: 1,
      ExpiresIn: '180m',
    });
  });

  test("THEN the runbook role shifts this load balancer, reads tasks of this cluster only, and no group's", () => {
    const statements = JSON.parse(named(IamRolePolicy, 'Service_ZonalShift_RolePolicy').policy).Statement;
    expect(statements.map((st: Json) => [st.Sid, st.Action, st.Condition])).toEqual([
      [
        'ShiftThisLoadBalancer',
        ['arc-zonal-shift:GetManagedResource', 'arc-zonal-shift:StartZonalShift'],
        { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': refTo(Lb, 'Service_LoadBalancer', 'arn') } },
      ],
      ['ReadZonesAndInstances', ['ec2:DescribeAvailabilityZones'], undefined],
      [
        'ReadTasksOfThisCluster',
        ['ecs:ListTasks', 'ecs:DescribeTasks'],
        { ArnEquals: { 'ecs:cluster': refTo(EcsCluster, 'Service_Cluster', 'arn') } },
      ],
      ['Notify', 'sns:Publish', undefined],
      ['NotifyEncrypted', ['kms:Decrypt', 'kms:GenerateDataKey'], undefined],
    ]);
  });
});

describe('ResilientService (Terraform): when there is no gray-failure handling, and why', () => {
  test.each<[string, Partial<ResilientServiceProps>, number]>([
    ['TIER_2 (not statically stable)', { tier: ServiceTier.TIER_2, imageTagOrDigest: '1.4.2' }, 0],
    ['a TIER_1 STANDBY (serves nothing)', { role: HaRole.STANDBY }, 0],
    ['automaticZonalShift: false', { automaticZonalShift: false }, 3],
  ])('GIVEN %s THEN no runbook (%i Impaired alarms)', (_, props, impaired) => {
    const { service, synthesized } = synth(props);
    expect(service.zoneImpairedAlarms).toHaveLength(impaired);
    expect(service.zonalShiftRunbook).toBeUndefined();
    expect(Object.keys(resourcesOf(synthesized, SsmDocument))).toEqual([]);
  });

  test('GIVEN an expiry of 90 s THEN an HaValidationError names zonalShiftExpirySeconds', () => {
    expect(() => synth({ zonalShiftExpirySeconds: 90 })).toThrow(
      new HaValidationError(
        "zonalShiftExpirySeconds must be whole minutes from 1 minute to 72 hours (ARC's expiry), got: 90 seconds",
      ),
    );
  });
});

describe('ResilientService (Terraform), other shapes', () => {
  test('GIVEN a TIER_2 standby THEN it runs no task and keeps the maximum: primaryTaskCount says what to scale to', () => {
    const { service, synthesized } = synth({
      tier: ServiceTier.TIER_2,
      role: HaRole.STANDBY,
      subnetIds: ['subnet-a', 'subnet-b'],
      imageTagOrDigest: '1.4.2',
    });
    expect(one(synthesized, EcsService).desired_count).toBe(0);
    expect(one(synthesized, AppautoscalingTarget)).toMatchObject({ min_capacity: 0, max_capacity: 18 });
    expect(service.primaryTaskCount.desired).toBeGreaterThan(0);
  });

  test('GIVEN a cluster of its own THEN the service and its scaling name it; no cluster or storage key is made', () => {
    const { synthesized } = synth({ clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/shared' });
    expect(Object.keys(resourcesOf(synthesized, EcsCluster))).toEqual([]);
    expect(one(synthesized, EcsService).cluster).toBe('arn:aws:ecs:us-east-1:111111111111:cluster/shared');
    expect(one(synthesized, AppautoscalingTarget).resource_id).toMatch(/^service\/shared\/\$\{aws_ecs_service\./);
  });

  test('GIVEN TIER_1 and an image named by tag THEN it warns: TIER_1 deploys by digest', () => {
    const { service } = synth({ repository: undefined, imageTagOrDigest: undefined, image: 'nginx:1.27' });
    expect(warningsOf(service)).toEqual([
      expect.stringContaining('[ha-constructs:ResilientService.image] image nginx:1.27'),
    ]);
  });

  test.each<[string, Partial<ResilientServiceProps>, string]>([
    [
      'a tag for TIER_1',
      { imageTagOrDigest: '1.4.2' },
      'imageTagOrDigest must be an image digest (sha256: and 64 lowercase hex digits) for TIER_1',
    ],
    ['two subnets for TIER_1', { subnetIds: ['subnet-a', 'subnet-b'] }, 'subnetIds must select subnets in at least 3'],
    ['an image and a repository', { image: 'nginx@' + DIGEST }, 'exactly one of image and repository must be given'],
    ['no digest', { imageTagOrDigest: undefined }, 'imageTagOrDigest must be given with repository'],
    [
      'a parameter as a secret',
      { secrets: { TOKEN: 'arn:aws:ssm:us-east-1:111111111111:parameter/token' } },
      'secrets must name Secrets Manager secret ARNs (the execution role may read exactly those), got: TOKEN = arn:aws:ssm',
    ],
  ])('GIVEN %s THEN an HaValidationError names the prop', (_name, props, message) => {
    let error: unknown;
    try {
      synth(props);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HaValidationError);
    expect((error as Error).message).toContain(message);
  });
});
