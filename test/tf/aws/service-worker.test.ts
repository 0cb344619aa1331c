import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing } from 'cdktf';
import { HaValidationError, ServiceTier } from '../../../lib/core';
import { ResilientService, ResilientServiceProps } from '../../../lib/tf/aws/service';
import { awsStack, Json, resourcesOf, warningsOf } from './util';

Testing.setupJest();

// The Terraform ResilientService as a worker (loadBalanced: false).

const WORKER: Omit<ResilientServiceProps, 'tier'> = {
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  image: `public.ecr.aws/example/jobs@sha256:${'0123456789abcdef'.repeat(4)}`,
  loadBalanced: false,
  requiredCount: 4,
  maxCount: 30,
};

function synth(props: Partial<ResilientServiceProps> = {}, rollbackAlarm: string | null = 'jobs-queue-age') {
  const { stack } = awsStack();
  const service = new ResilientService(stack, 'Workers', { tier: ServiceTier.TIER_1, ...WORKER, ...props });
  if (rollbackAlarm) {
    service.addRollbackAlarm(rollbackAlarm);
  }
  // Validations run, as `cdktf synth` runs them.
  return { stack, service, synthesized: Testing.synth(stack, true) };
}

const all = (synthesized: string, type: { readonly tfResourceType: string }): Json[] =>
  Object.values(resourcesOf(synthesized, type));

describe('ResilientService (Terraform) as a worker', () => {
  let built: ReturnType<typeof synth>;
  beforeAll(() => {
    built = synth();
  });

  test('has no load balancer, target group, listener, WAF or per-AZ alarm', () => {
    const types = Object.keys(JSON.parse(built.synthesized).resource);
    for (const type of ['aws_lb', 'aws_lb_target_group', 'aws_lb_listener', 'aws_wafv2_web_acl']) {
      expect(types).not.toContain(type);
    }
    expect(types).not.toContain('aws_cloudwatch_composite_alarm');
    expect(types).not.toContain('aws_ssm_document');
    expect(built.service.zoneImpairedAlarms).toEqual([]);
    expect(built.service.azFailoverSeconds).toBeUndefined();
  });

  test('its tasks take no connection and reach out over HTTPS only', () => {
    expect(all(built.synthesized, SecurityGroup)).toHaveLength(1);
    expect(all(built.synthesized, VpcSecurityGroupIngressRule)).toEqual([]);
    expect(all(built.synthesized, VpcSecurityGroupEgressRule)).toEqual([
      expect.objectContaining({ cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 443, to_port: 443 }),
    ]);
  });

  test('statically stable, rolled back by the circuit breaker and the added alarm, with no grace period', () => {
    const [service] = all(built.synthesized, EcsService);
    expect(service).toMatchObject({
      desired_count: 6,
      availability_zone_rebalancing: 'ENABLED',
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 134,
      deployment_circuit_breaker: { enable: true, rollback: true },
      alarms: { alarm_names: ['jobs-queue-age'], enable: true, rollback: true },
    });
    expect(service.load_balancer).toBeUndefined();
    expect(service.health_check_grace_period_seconds).toBeUndefined();
  });

  test('the container maps no port and keeps its liveness check', () => {
    const [task] = all(built.synthesized, EcsTaskDefinition);
    const [container] = JSON.parse(String(task.container_definitions));
    expect(container.portMappings).toEqual([]);
    expect(container.healthCheck).toMatchObject({ interval: 30, retries: 3, startPeriod: 60 });
  });

  test('has no accessor of a load balancer and no warning', () => {
    expect(() => built.service.loadBalancer).toThrow(/^loadBalanced is false/);
    expect(() => built.service.errorAlarm).toThrow(/^loadBalanced is false/);
    expect(warningsOf(built.stack)).toEqual([]);
  });

  test.each<[string, Partial<ResilientServiceProps>]>([
    ['certificateArn', { certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc' }],
    ['loadBalancerSubnetIds', { loadBalancerSubnetIds: ['subnet-pa', 'subnet-pb'] }],
    ['readinessPath', { readinessPath: '/health/live' }],
    ['targetRequestsPerMinute', { targetRequestsPerMinute: 600 }],
  ])('refuses %s, which configures a load balancer', (prop, props) => {
    expect(() => synth(props)).toThrow(HaValidationError);
    expect(() => synth(props)).toThrow(new RegExp(`^${prop} must not be given with loadBalanced false`));
  });

  test('a load-balanced service still needs its certificate and subnets', () => {
    expect(() => synth({ loadBalanced: true, loadBalancerSubnetIds: ['subnet-pa', 'subnet-pb', 'subnet-pc'] })).toThrow(
      /^certificateArn must be given for a load-balanced service/,
    );
  });

  test('a worker with no rollback alarm fails synthesis, naming pageAlarmName', () => {
    expect(() => synth({}, null)).toThrow(/pageAlarmName must be given for a service with loadBalanced false/);
    expect(() => synth({ pageAlarmName: 'jobs-slo-page' }, null)).not.toThrow();
  });
});
