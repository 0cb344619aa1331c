import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { HaRole, MultiAzNetwork, ServiceTier } from '../../lib';
import { FailoverRunbooks, FailoverTrigger } from '../../lib/aws/runbooks';
import { ResilientService } from '../../lib/aws/service';
import { FAILOVER_STEP_METADATA_KEY } from '../../lib/core';
import { nagErrors } from '../nag';
import { expectValidationError, testApp } from '../util';

// The STANDBY region of a TIER_1 (warm standby) service on ECS: the runbook that scales it up.

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const CERT = 'arn:aws:acm:us-west-2:111111111111:certificate/0f6b7e52-0000-4000-8000-000000000000';
const PAGE = 'arn:aws:cloudwatch:us-west-2:111111111111:alarm:orders-region-down';

type Json = ReturnType<typeof JSON.parse>;

function build(trigger: 'operator' | 'alarm') {
  const app = testApp();
  const stack = new Stack(app, 'Standby', { env: { region: 'us-west-2' } });
  const network = new MultiAzNetwork(stack, 'Network', {
    tier: ServiceTier.TIER_1,
    role: HaRole.STANDBY,
    availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
  });
  const service = new ResilientService(stack, 'Service', {
    tier: ServiceTier.TIER_1,
    role: HaRole.STANDBY,
    vpc: network.vpc,
    repository: ecr.Repository.fromRepositoryName(stack, 'Images', 'orders'),
    imageTagOrDigest: DIGEST,
    requiredCount: 6,
    maxCount: 18,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT),
  });
  const runbooks = new FailoverRunbooks(stack, 'Runbooks', {
    tier: ServiceTier.TIER_1,
    standbyService: { clusterName: service.cluster.clusterName, serviceName: service.service.serviceName },
    primaryTaskCount: service.primaryTaskCount,
    failoverTrigger:
      trigger === 'alarm'
        ? FailoverTrigger.alarm(cloudwatch.Alarm.fromAlarmArn(stack, 'Page', PAGE))
        : FailoverTrigger.operator(Duration.minutes(5)),
  });
  return { app, stack, service, runbooks, template: Template.fromStack(stack) };
}

let built: ReturnType<typeof build>;
let document: { Properties: Json; Metadata: Json };
beforeAll(() => {
  built = build('operator');
  const documents = Object.entries(built.template.findResources('AWS::SSM::Document'));
  expect(documents.map(([id]) => id)).toEqual([expect.stringMatching(/^RunbooksScaleStandbyServiceDocument/)]);
  document = documents[0][1] as never;
});

test("THEN the runbook's defaults are the primary's task count, and the standby runs one task per AZ", () => {
  expect(built.service.taskCount.desired).toBe(3);
  const parameters = document.Properties.Content.parameters;
  expect([parameters.MinCapacity, parameters.DesiredCount, parameters.MaxCapacity].map((p) => p.default)).toEqual([
    9, 9, 18,
  ]);
  expect(parameters.ClusterName.default).toEqual({ Ref: expect.stringMatching(/^ServiceCluster/) });
  expect(parameters.ServiceName.default).toEqual({
    'Fn::GetAtt': [expect.stringMatching(/^ServiceFargateService|^Service/), 'Name'],
  });
});

test('THEN it raises the scaling bounds before the desired count, and waits up to the region RTO for the tasks', () => {
  const steps = document.Properties.Content.mainSteps as Json[];
  expect(steps.map((s) => [s.name, s.inputs.Service, s.inputs.Api])).toEqual([
    ['RaiseScalingBounds', 'application-autoscaling', 'RegisterScalableTarget'],
    ['ScaleToPrimaryCount', 'ecs', 'UpdateService'],
    ['WaitForTasks', 'ecs', 'DescribeServices'],
  ]);
  expect(steps[0].inputs).toMatchObject({
    ResourceId: 'service/{{ ClusterName }}/{{ ServiceName }}',
    ScalableDimension: 'ecs:service:DesiredCount',
    MinCapacity: '{{ MinCapacity }}',
  });
  expect(steps[1].inputs).toMatchObject({ service: '{{ ServiceName }}', desiredCount: '{{ DesiredCount }}' });
  expect(steps[2]).toMatchObject({
    timeoutSeconds: ServiceTier.TIER_1.regionRtoSeconds,
    inputs: { PropertySelector: '$.services[0].runningCount', DesiredValues: ['{{ DesiredCount }}'] },
  });
});

test('THEN the report reads it as the scale-up step, started by a person with a stated decision time', () => {
  expect(document.Metadata[FAILOVER_STEP_METADATA_KEY]).toEqual({
    step: 'scale-up',
    startedBy: 'operator',
    decisionSeconds: 300,
  });
});

test('THEN its role may update and describe only that service', () => {
  const policy = Object.values(built.template.findResources('AWS::IAM::ManagedPolicy'))[0] as Json;
  const statements = policy.Properties.PolicyDocument.Statement as Json[];
  expect(statements.map((s) => [s.Sid, s.Action])).toEqual([
    ['ScaleThisService', ['ecs:UpdateService', 'ecs:DescribeServices']],
    ['RaiseScalingBounds', 'application-autoscaling:RegisterScalableTarget'],
  ]);
  expect(JSON.stringify(statements[0].Resource)).toMatch(/:service\/.*ServiceCluster.*\/.*Service/);
  expect(nagErrors(built.app)).toEqual([]);
});

test('GIVEN an alarm trigger THEN the alarm starts the scale-up runbook', () => {
  const { template } = build('alarm');
  const rule = Object.values(template.findResources('AWS::Events::Rule'))[0] as Json;
  expect(rule.Properties.Targets).toEqual([
    expect.objectContaining({ Arn: expect.objectContaining({ 'Fn::Join': expect.anything() }) }),
  ]);
  expect(JSON.stringify(rule.Properties.Targets[0].Arn)).toContain('ScaleStandbyService');
});

test.each<[string, object, string]>([
  [
    'a standby service without its primary count',
    { standbyService: { clusterName: 'c', serviceName: 's' } },
    'standbyService and primaryTaskCount must be given together, got: only standbyService',
  ],
  [
    'a count whose desired exceeds its maximum',
    { standbyService: { clusterName: 'c', serviceName: 's' }, primaryTaskCount: { min: 3, desired: 9, max: 6 } },
    'primaryTaskCount must satisfy min ≤ desired ≤ max, got: 3, 9, 6',
  ],
])('GIVEN %s THEN an error names the prop', (_name, props, message) => {
  const stack = new Stack(testApp(), 'Bad', { env: { region: 'us-west-2' } });
  expectValidationError(
    () =>
      new FailoverRunbooks(stack, 'Runbooks', {
        tier: ServiceTier.TIER_1,
        failoverTrigger: FailoverTrigger.operator(Duration.minutes(5)),
        ...props,
      }),
    message,
  );
});
