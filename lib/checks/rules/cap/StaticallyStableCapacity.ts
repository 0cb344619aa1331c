import { PRODUCTION_BASELINE } from '../../../core/figures-checks';
import { servesBehindLoadBalancer } from '../../graph/balancing';
import { minimumCount } from '../../graph/fleet-size';
import { GraphResource } from '../../graph/model';
import { num } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { fleetZones, tierOf } from '../support';

const TYPES = ['AWS::AutoScaling::AutoScalingGroup', 'aws_autoscaling_group'];
const ECS_SERVICE_TYPES = ['AWS::ECS::Service', 'aws_ecs_service'];

/**
 * HA-CAP1: fleets of statically stable tiers keep an even floor of instances in every zone; without
 * a tier, a fleet behind a load balancer keeps at least two.
 */
export const StaticallyStableCapacity: HaRule = {
  id: 'HA-CAP1',
  level: 'error',
  category: 'availability',
  info: "For tiers that require static stability (TIER_0, TIER_1), a serving (not standby) Auto Scaling group's minimum (an ECS service's task floor: its scalable target's minimum, else its desired count) is a whole multiple of its zone count (at least one in every zone) and equal to its desired capacity. Without a tier, an Auto Scaling group that serves behind a load balancer (itself, or as an ECS cluster's instances) keeps a minimum of at least 2.",
  explanation:
    'Static stability means an AZ loss never waits on launching instances (the control plane may be impaired then): each zone already runs its share, and the rest absorb the load. The template cannot state peak demand, so the rule checks the shape: an even floor in every zone (`staticallyStableCapacity` in lib/core sizes it) that scaling in cannot go below.',
  resourceTypes: [...TYPES, ...ECS_SERVICE_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES, ...ECS_SERVICE_TYPES).flatMap((asg) => {
      const tier = tierOf(context, asg);
      const tasks = ECS_SERVICE_TYPES.includes(asg.type);
      if (!tier) {
        // An ECS service's task count without a tier is HA-AZ1's (it places the tasks).
        return tasks ? [] : baseline(context, asg);
      }
      // A warm standby's fleet is scaled down on purpose; static stability is about serving fleets.
      if (!tier.staticallyStable || context.services.recordOf(asg)?.role === 'standby') {
        return [];
      }
      const zones = fleetZones(context.graph, asg)?.length ?? 0;
      const min = tasks ? minimumCount(context.graph, asg) : num(asg.properties.MinSize ?? asg.properties.min_size);
      const desired = num(
        asg.properties.DesiredCapacity ??
          asg.properties.desired_capacity ??
          asg.properties.DesiredCount ??
          asg.properties.desired_count,
      );
      if (zones < 2 || min === undefined) {
        return [
          outcome(
            asg,
            `${asg.address} must state a literal minimum size and at least 2 zones for ${tier.name}'s static stability to be checked`,
          ),
        ];
      }
      const problems: string[] = [];
      // `staticallyStableCapacity` gives one per zone when the required capacity fits in the surviving zones.
      if (min % zones !== 0 || min < zones) {
        problems.push(
          `minimum size ${min} over ${zones} zones is not an even floor in every zone (a multiple of ${zones}: ${zones}, ${2 * zones}, ...)`,
        );
      }
      if (desired !== undefined && desired !== min) {
        problems.push(
          `desired capacity ${desired} differs from the minimum ${min}, so the floor that survives an AZ loss is the minimum, not what runs now`,
        );
      }
      return [
        outcome(
          asg,
          problems.length === 0
            ? undefined
            : `${asg.address}: ${problems.join('; ')} (${tier.name} requires static stability)`,
        ),
      ];
    });
  },
};

/** The production baseline: one instance behind a load balancer is a single point of failure. */
function baseline(context: RuleContext, asg: GraphResource): Evaluation[] {
  const min = num(asg.properties.MinSize ?? asg.properties.min_size);
  const floor = PRODUCTION_BASELINE.minInstancesBehindLoadBalancer;
  if (min === undefined || !servesBehindLoadBalancer(context.graph, asg)) {
    return [];
  }
  return [
    outcome(
      asg,
      min >= floor
        ? undefined
        : `${asg.address} may scale in to ${min} instance(s) while serving behind a load balancer: the loss of that instance, or of its zone, ` +
            `is an outage until a replacement launches; set ${asg.engine === 'cloudformation' ? 'MinSize' : 'min_size'} to at least ${floor}, in two zones`,
    ),
  ];
}
