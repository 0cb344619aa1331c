import { GraphInputs } from '../../../lib/checks/graph/load';
import { ShallowReplacementCheck, StaticallyStableCapacity } from '../../../lib/checks/rules';
import { ServiceTier } from '../../../lib/core';
import { cfn, CfnResource, findings } from '../fixtures/builders';

/** A TIER_1 ECS service on Fargate in three zones behind a target group checking `path`. */
function ecsService(desiredCount: number, path = '/health/live', route53Path?: string): GraphInputs {
  const subnet = (zone: string): CfnResource => ({ Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: zone } });
  return cfn(
    {
      A: subnet('us-east-1a'),
      B: subnet('us-east-1b'),
      C: subnet('us-east-1c'),
      Group: {
        Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
        Properties: { TargetType: 'ip', HealthCheckPath: path },
      },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: {
          DesiredCount: desiredCount,
          LaunchType: 'FARGATE',
          NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [{ Ref: 'A' }, { Ref: 'B' }, { Ref: 'C' }] } },
          LoadBalancers: [{ ContainerName: 'app', ContainerPort: 8080, TargetGroupArn: { Ref: 'Group' } }],
        },
      },
      ...(route53Path
        ? {
            Check: {
              Type: 'AWS::Route53::HealthCheck',
              Properties: { HealthCheckConfig: { Type: 'HTTPS', ResourcePath: route53Path } },
            },
          }
        : {}),
    },
    { tier: ServiceTier.TIER_1 },
  );
}

describe('ECS services', () => {
  test('GIVEN TIER_1 and 4 tasks over 3 zones THEN HA-CAP1: not an even floor in every zone', () => {
    expect(findings(StaticallyStableCapacity, ecsService(4)).map((f) => f.message)).toEqual([
      expect.stringContaining('Service: minimum size 4 over 3 zones is not an even floor in every zone'),
    ]);
    expect(findings(StaticallyStableCapacity, ecsService(6))).toEqual([]);
  });

  test('GIVEN the target group checks the deep path Route 53 uses THEN HA-LB4: ECS replaces every task in a brownout', () => {
    expect(
      findings(ShallowReplacementCheck, ecsService(6, '/health/ready', '/health/ready')).map((f) => f.message),
    ).toEqual([expect.stringContaining('Service replaces tasks on /health/ready, the deep check')]);
    expect(findings(ShallowReplacementCheck, ecsService(6, '/health/live', '/health/ready'))).toEqual([]);
  });

  test('GIVEN the essential container checks the deep path Route 53 uses THEN HA-LB4: ECS stops every task in a brownout', () => {
    const withContainerCheck = (command: string[]) =>
      cfn(
        {
          Definition: {
            Type: 'AWS::ECS::TaskDefinition',
            Properties: {
              ContainerDefinitions: [{ Name: 'app', Essential: true, HealthCheck: { Command: command } }],
            },
          },
          Service: {
            Type: 'AWS::ECS::Service',
            Properties: { LaunchType: 'FARGATE', DesiredCount: 6, TaskDefinition: { Ref: 'Definition' } },
          },
          Check: {
            Type: 'AWS::Route53::HealthCheck',
            Properties: { HealthCheckConfig: { Type: 'HTTPS', ResourcePath: '/health/ready' } },
          },
        },
        { tier: ServiceTier.TIER_1 },
      );
    const curl = (path: string) => ['CMD-SHELL', `curl -fsS 'http://localhost:8080${path}' || exit 1`];
    expect(findings(ShallowReplacementCheck, withContainerCheck(curl('/health/ready'))).map((f) => f.message)).toEqual([
      expect.stringContaining('Service runs /health/ready as the health check of its essential container app'),
    ]);
    expect(findings(ShallowReplacementCheck, withContainerCheck(curl('/health/live')))).toEqual([]);
    // A longer path that only starts with the deep one is another path.
    expect(findings(ShallowReplacementCheck, withContainerCheck(curl('/health/readiness')))).toEqual([]);
  });
});
