import { EcsTaskPlacement } from '../../../lib/checks/rules/az/EcsTaskPlacement';
import { ServiceTier } from '../../../lib/core';
import { cfn, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T1 = { tier: ServiceTier.TIER_1 };
const AZ = { Type: 'spread', Field: 'attribute:ecs.availability-zone' };
const INSTANCE = { Type: 'spread', Field: 'instanceId' };

/** A TIER_1 ECS service on the EC2 launch type with the given placement. */
const serviceCfn = (placement: Record<string, unknown>) =>
  cfn(
    { Service: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'EC2', DesiredCount: 6, ...placement } } },
    { ...T1, name: 'Orders' },
  );

const serviceTf = (strategies: Record<string, string>[]) =>
  tf(
    {
      aws_ecs_service: {
        orders: {
          name: 'orders',
          desired_count: 6,
          capacity_provider_strategy: [{ capacity_provider: '${aws_ecs_capacity_provider.ec2.name}', weight: 1 }],
          ordered_placement_strategy: strategies,
        },
      },
    },
    { ...T1, name: 'orders' },
  );

export const ECS_PLACEMENT_CASES: RuleCase[] = [
  {
    rule: EcsTaskPlacement,
    engine: 'cloudformation',
    stack: 'Orders',
    resource: 'Service',
    message: 'places tasks by binpack on memory before spreading them over the AZs',
    compliant: serviceCfn({ PlacementStrategies: [AZ, INSTANCE] }),
    nonCompliant: serviceCfn({ PlacementStrategies: [{ Type: 'binpack', Field: 'memory' }, AZ, INSTANCE] }),
  },
  {
    rule: EcsTaskPlacement,
    engine: 'cloudformation',
    stack: 'Orders',
    resource: 'Service',
    // No strategy: ECS spreads a service over the AZs, but not over the instances of an AZ.
    message: 'may pack the tasks of an AZ onto one instance: add PlacementStrategies',
    compliant: serviceCfn({ PlacementConstraints: [{ Type: 'distinctInstance' }] }),
    nonCompliant: serviceCfn({}),
  },
  {
    rule: EcsTaskPlacement,
    engine: 'terraform-aws',
    stack: 'orders',
    resource: 'aws_ecs_service.orders',
    message: 'add ordered_placement_strategy blocks',
    compliant: serviceTf([
      { type: 'spread', field: 'attribute:ecs.availability-zone' },
      { type: 'spread', field: 'instanceId' },
    ]),
    nonCompliant: serviceTf([{ type: 'spread', field: 'attribute:ecs.availability-zone' }]),
  },
];
