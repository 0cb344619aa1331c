import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { FLEET_TYPES, fleetZones, tierOf } from '../support';

/** HA-AZ1: a fleet runs in at least the tier's number of availability zones. */
export const ComputeSpansZones: HaRule = {
  id: 'HA-AZ1',
  level: 'error',
  category: 'availability',
  info: 'Compute (Auto Scaling groups, ECS services, regional instance groups, GKE clusters) spans at least the tier\'s minimum number of zones.',
  explanation: 'A fleet in fewer zones than the tier assumes loses a larger share of its capacity, or all of it, when one zone fails; the AZ RTO of the tier is computed for tier.minAzs zones.',
  resourceTypes: FLEET_TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...FLEET_TYPES).flatMap((fleet) => {
      const tier = tierOf(context, fleet);
      if (!tier) {
        return [];
      }
      const zones = fleetZones(context.graph, fleet);
      if (!zones) {
        return [outcome(fleet, `the template does not state the zones of ${fleet.address}: place it in subnets (or zones) of at least ${tier.minAzs} availability zones so that ${tier.name} can be checked`)];
      }
      return [outcome(fleet, zones.length >= tier.minAzs ? undefined
        : `${fleet.address} runs in ${zones.length} zone(s) (${zones.join(', ')}); ${tier.name} needs at least ${tier.minAzs}: add subnets or zones in ${tier.minAzs - zones.length} more`)];
    });
  },
};
