import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { HaValidationError, MultiAzNetwork, QueueWorker, ServiceTier } from '../../lib';
import { ResilientService, ResilientServiceProps } from '../../lib/aws/service';
import { nagErrors } from '../nag';

// A ResilientService as a worker (loadBalanced: false), in a bare `new App()`: no context, no feature flag.

const TIER = ServiceTier.TIER_1;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const IMAGE = ecs.ContainerImage.fromRegistry(`public.ecr.aws/example/jobs@sha256:${'0123456789abcdef'.repeat(4)}`);
const CERT_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/0f6b7e52-0000-4000-8000-000000000000';

type Json = ReturnType<typeof JSON.parse>;

function worker(overrides: Partial<ResilientServiceProps> = {}, drained = true) {
  const stack = new Stack(new App(), 'Jobs', { env: { region: 'us-east-1' } });
  const network = new MultiAzNetwork(stack, 'Network', { tier: TIER, availabilityZones: ZONES });
  const service = new ResilientService(stack, 'Workers', {
    tier: TIER,
    vpc: network.vpc,
    image: IMAGE,
    loadBalanced: false,
    requiredCount: 4,
    maxCount: 30,
    ...overrides,
  });
  const jobs = drained
    ? new QueueWorker(stack, 'Jobs', {
        tier: TIER,
        consumerService: service,
        processingTime: Duration.seconds(2),
        priorityLane: true,
        maxMessageAge: Duration.minutes(10),
      })
    : undefined;
  return { stack, service, jobs };
}

describe('ResilientService as a worker (loadBalanced: false)', () => {
  let built: ReturnType<typeof worker>;
  let json: Json;
  const ofType = (type: string): Json[] =>
    Object.values(json.Resources as Record<string, Json>).filter((r) => r.Type === type);

  beforeAll(() => {
    built = worker();
    json = Template.fromStack(built.stack).toJSON();
  });

  test('has no load balancer, target group, listener, WAF, zonal shift or per-AZ load-balancer alarm', () => {
    for (const type of [
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'AWS::ElasticLoadBalancingV2::TargetGroup',
      'AWS::ElasticLoadBalancingV2::Listener',
      'AWS::WAFv2::WebACL',
      'AWS::ARCZonalShift::ZonalAutoshiftConfiguration',
      'AWS::SSM::Document',
      'AWS::CloudWatch::CompositeAlarm',
    ]) {
      expect([type, ofType(type)]).toEqual([type, []]);
    }
    const [service] = ofType('AWS::ECS::Service');
    expect(service.Properties.LoadBalancers).toBeUndefined();
    // ECS accepts a grace period only for a load-balanced service.
    expect(service.Properties.HealthCheckGracePeriodSeconds).toBeUndefined();
  });

  test('keeps static stability, AZ rebalancing, the deployment plan and the circuit breaker', () => {
    const [service] = ofType('AWS::ECS::Service');
    // 4 required over 3 AZs: 2 per AZ, 6 tasks, so that losing an AZ leaves 4.
    expect(service.Properties.DesiredCount).toBe(6);
    expect(service.Properties.AvailabilityZoneRebalancing).toBe('ENABLED');
    expect(service.Properties.DeploymentConfiguration).toMatchObject({
      MinimumHealthyPercent: 100,
      MaximumPercent: 134,
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      Alarms: { Enable: true, Rollback: true },
    });
    const [target] = ofType('AWS::ApplicationAutoScaling::ScalableTarget');
    expect([target.Properties.MinCapacity, target.Properties.MaxCapacity]).toEqual([6, 30]);
  });

  test("rolls back on the lanes' age alarms, which the QueueWorker adds", () => {
    const [service] = ofType('AWS::ECS::Service');
    const stack = built.stack;
    const names = [built.jobs!.ageAlarm, built.jobs!.priorityAgeAlarm!].map((alarm) => stack.resolve(alarm.alarmName));
    expect(service.Properties.DeploymentConfiguration.Alarms.AlarmNames).toEqual(names);
  });

  test('liveness is the container health check alone; the container maps no port', () => {
    const [task] = ofType('AWS::ECS::TaskDefinition');
    const [container] = task.Properties.ContainerDefinitions;
    expect(container.PortMappings).toBeUndefined();
    expect(container.HealthCheck).toMatchObject({
      Command: ['CMD-SHELL', "curl -fsS -o /dev/null 'http://localhost:8080/health/live' || exit 1"],
      Interval: 30,
      Retries: 3,
      StartPeriod: 60,
    });
  });

  test('has no accessor of a load balancer: each names loadBalanced', () => {
    for (const read of [
      (s: ResilientService) => s.loadBalancer,
      (s: ResilientService) => s.targetGroup,
      (s: ResilientService) => s.listener,
      (s: ResilientService) => s.errorAlarm,
      (s: ResilientService) => s.unhealthyTasksAlarm,
      (s: ResilientService) => s.webAcl,
    ]) {
      expect(() => read(built.service)).toThrow(/^loadBalanced is false/);
    }
    expect(built.service.azFailoverSeconds).toBeUndefined();
  });

  test('synthesizes without warnings', () => {
    expect(Annotations.fromStack(built.stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('passes cdk-nag AwsSolutions and NIST 800-53 rev 5', () => {
    expect(nagErrors(worker().stack)).toEqual([]);
  });
});

describe('a worker refuses what needs a load balancer', () => {
  test.each([
    ['certificate', (stack: Stack) => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'C', CERT_ARN) })],
    ['readinessPath', () => ({ readinessPath: '/health/live' })],
    ['internetFacing', () => ({ internetFacing: false })],
    ['targetRequestsPerMinute', () => ({ targetRequestsPerMinute: 600 })],
    ['zonalAutoshift', () => ({ zonalAutoshift: true })],
    ['deregistrationDelay', () => ({ deregistrationDelay: Duration.seconds(30) })],
  ] as const)('%s', (prop, props) => {
    const stack = new Stack(new App(), 'Jobs', { env: { region: 'us-east-1' } });
    const network = new MultiAzNetwork(stack, 'Network', { tier: TIER, availabilityZones: ZONES });
    const build = () =>
      new ResilientService(stack, 'Workers', {
        tier: TIER,
        vpc: network.vpc,
        image: IMAGE,
        loadBalanced: false,
        requiredCount: 4,
        maxCount: 30,
        ...props(stack),
      });
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HaValidationError);
    expect((error as Error).message).toMatch(new RegExp(`^${prop} must not be given with loadBalanced false`));
  });

  test('a worker with no rollback alarm fails synthesis, naming pageAlarm', () => {
    const { stack } = worker({}, false);
    expect(() => Template.fromStack(stack)).toThrow(/pageAlarm must be given for a service with loadBalanced false/);
  });

  test('a load-balanced consumer keeps its own rollback alarms: the QueueWorker adds its age alarms to workers only', () => {
    const { stack, service } = worker({ loadBalanced: true, internetFacing: false });
    const [ecsService] = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, Json>).filter(
      (r) => r.Type === 'AWS::ECS::Service',
    );
    expect(ecsService.Properties.DeploymentConfiguration.Alarms.AlarmNames).toEqual(
      [service.errorAlarm, service.unhealthyTasksAlarm].map((alarm) => stack.resolve(alarm.alarmName)),
    );
  });

  test('a worker with a pageAlarm and no QueueWorker rolls back on it', () => {
    const stack = new Stack(new App(), 'Jobs', { env: { region: 'us-east-1' } });
    const network = new MultiAzNetwork(stack, 'Network', { tier: TIER, availabilityZones: ZONES });
    const page = cloudwatch.Alarm.fromAlarmName(stack, 'Page', 'jobs-slo-page');
    new ResilientService(stack, 'Workers', {
      tier: TIER,
      vpc: network.vpc,
      image: IMAGE,
      loadBalanced: false,
      requiredCount: 4,
      maxCount: 30,
      pageAlarm: page,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: { Alarms: { AlarmNames: ['jobs-slo-page'], Enable: true, Rollback: true } },
    });
  });
});
