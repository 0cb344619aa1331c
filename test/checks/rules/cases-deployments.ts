import { DeploymentRollback } from '../../../lib/checks/rules/dep/DeploymentRollback';
import { ServiceTier } from '../../../lib/core';
import { cfn, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T1 = { tier: ServiceTier.TIER_1 };

/** An ECS service with the given deployment configuration, beside the alarm it may roll back on. */
const serviceCfn = (deployment: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  cfn(
    {
      Errors: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'HTTPCode_Target_5XX_Count' } },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: { LaunchType: 'FARGATE', DesiredCount: 6, DeploymentConfiguration: deployment, ...extra },
      },
    },
    { ...T1, name: 'Orders' },
  );

const ROLLS_BACK = {
  DeploymentCircuitBreaker: { Enable: true, Rollback: true },
  Alarms: { AlarmNames: [{ Ref: 'Errors' }], Enable: true, Rollback: true },
};

/** A blue/green service and its CodeDeploy deployment group, rolling back on `events`. */
const blueGreenCfn = (events: string[]) =>
  cfn(
    {
      Errors: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'HTTPCode_Target_5XX_Count' } },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: { LaunchType: 'FARGATE', DesiredCount: 6, DeploymentController: { Type: 'CODE_DEPLOY' } },
      },
      Group: {
        Type: 'AWS::CodeDeploy::DeploymentGroup',
        Properties: {
          ECSServices: [{ ClusterName: 'orders', ServiceName: { 'Fn::GetAtt': ['Service', 'Name'] } }],
          AutoRollbackConfiguration: { Enabled: true, Events: events },
          AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: 'Errors' } }] },
        },
      },
    },
    { ...T1, name: 'Orders' },
  );

const serviceTf = (blocks: Record<string, unknown>) =>
  tf(
    {
      aws_cloudwatch_metric_alarm: { errors: { alarm_name: 'orders-5xx' } },
      aws_ecs_service: { orders: { name: 'orders', launch_type: 'FARGATE', desired_count: 6, ...blocks } },
    },
    { ...T1, name: 'orders' },
  );

export const DEPLOYMENT_CASES: RuleCase[] = [
  {
    rule: DeploymentRollback,
    engine: 'cloudformation',
    stack: 'Orders',
    resource: 'Service',
    message: 'has no deployment circuit breaker with rollback (DeploymentConfiguration.DeploymentCircuitBreaker',
    compliant: serviceCfn(ROLLS_BACK),
    nonCompliant: serviceCfn({ ...ROLLS_BACK, DeploymentCircuitBreaker: { Enable: true, Rollback: false } }),
  },
  {
    rule: DeploymentRollback,
    engine: 'cloudformation',
    stack: 'Orders',
    resource: 'Service',
    // The circuit breaker cannot see tasks that pass their checks while answering errors.
    message: 'does not roll back when an alarm fires',
    compliant: serviceCfn(ROLLS_BACK),
    nonCompliant: serviceCfn({
      ...ROLLS_BACK,
      Alarms: { AlarmNames: [{ Ref: 'Errors' }], Enable: true, Rollback: false },
    }),
  },
  {
    rule: DeploymentRollback,
    engine: 'cloudformation',
    stack: 'Orders',
    resource: 'Service',
    message: 'its deployment group does not roll back automatically on DEPLOYMENT_FAILURE and DEPLOYMENT_STOP_ON_ALARM',
    compliant: blueGreenCfn(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
    nonCompliant: blueGreenCfn(['DEPLOYMENT_FAILURE']),
  },
  {
    rule: DeploymentRollback,
    engine: 'terraform-aws',
    stack: 'orders',
    resource: 'aws_ecs_service.orders',
    message: 'deployment_circuit_breaker { enable = true, rollback = true }',
    compliant: serviceTf({
      deployment_circuit_breaker: { enable: true, rollback: true },
      alarms: { alarm_names: ['${aws_cloudwatch_metric_alarm.errors.alarm_name}'], enable: true, rollback: true },
    }),
    nonCompliant: serviceTf({
      alarms: { alarm_names: ['${aws_cloudwatch_metric_alarm.errors.alarm_name}'], enable: true, rollback: true },
    }),
  },
];
