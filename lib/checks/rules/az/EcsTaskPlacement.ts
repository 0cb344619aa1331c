import { GraphResource } from '../../graph/model';
import { blocks, str } from '../../graph/values';
import { ecsCompute } from '../../graph/ecs';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { inWords, tierOf } from '../support';

const TYPES = ['AWS::ECS::Service', 'aws_ecs_service'];
const AZ_ATTRIBUTE = 'attribute:ecs.availability-zone';

/**
 * HA-AZ8: an ECS service on EC2 capacity spreads its tasks over the AZs first and, for statically
 * stable tiers, over instances within each AZ.
 */
export const EcsTaskPlacement: HaRule = {
  id: 'HA-AZ8',
  level: 'error',
  category: 'availability',
  needsTier: true,
  info:
    'An ECS service of a tier on EC2 capacity (the EC2 launch type or an EC2 capacity provider) places its tasks ' +
    'by a spread over `attribute:ecs.availability-zone` first (what ECS does for a service that names no ' +
    'strategy); for tiers that require static stability (TIER_0, TIER_1) also over instances: a spread on ' +
    '`instanceId` (or `host`) after it, or a `distinctInstance` constraint. Fargate services are placed by their ' +
    'subnets and are not judged here.',
  explanation:
    'A strategy that bin-packs (or spreads on anything else) before the AZs may put every task in one zone, so the ' +
    'loss of that zone is the loss of the service, whatever the subnets. Within a zone, tasks packed onto one ' +
    'instance make the failure of that instance, far more frequent than the loss of a zone, cost the whole zone ' +
    'share of the capacity while the zone is healthy; a statically stable count covers the loss of one zone, not ' +
    'of a zone and an instance elsewhere.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((service) => {
      const tier = tierOf(context, service);
      if (!tier || ecsCompute(service) !== 'EC2') {
        return [];
      }
      const strategies = placementStrategies(service);
      const problems: string[] = [];
      const first = strategies[0];
      if (first && !(first.type === 'spread' && first.field === AZ_ATTRIBUTE)) {
        problems.push(
          `places tasks by ${first.type}${first.field ? ` on ${first.field}` : ''} before spreading them over the ` +
            `AZs: make the first strategy a spread on ${AZ_ATTRIBUTE}`,
        );
      }
      const overInstances =
        strategies.some((s) => s.type === 'spread' && (s.field === 'instanceId' || s.field === 'host')) ||
        blocks(service.properties.PlacementConstraints ?? service.properties.placement_constraints).some(
          (c) => str(c.Type ?? c.type) === 'distinctInstance',
        );
      if (tier.staticallyStable && !overInstances) {
        problems.push(
          'may pack the tasks of an AZ onto one instance: ' +
            inWords(service, {
              cdk: 'add placementStrategies PlacementStrategy.spreadAcross(BuiltInAttributes.AVAILABILITY_ZONE, BuiltInAttributes.INSTANCE_ID)',
              cloudFormation: `add PlacementStrategies [{ Type: spread, Field: ${AZ_ATTRIBUTE} }, { Type: spread, Field: instanceId }]`,
              terraform: `add ordered_placement_strategy blocks: spread on ${AZ_ATTRIBUTE}, then spread on instanceId`,
            }),
        );
      }
      return [
        outcome(
          service,
          problems.length === 0 ? undefined : `${service.address} (${tier.name}, EC2 capacity) ${problems.join('; ')}`,
        ),
      ];
    });
  },
};

/** The service's placement strategies in order, as `{ type, field }`. */
function placementStrategies(service: GraphResource): { type?: string; field?: string }[] {
  const p = service.properties;
  return blocks(p.PlacementStrategies ?? p.ordered_placement_strategy).map((s) => ({
    type: str(s.Type ?? s.type),
    field: str(s.Field ?? s.field),
  }));
}
