import { isZonalCell, LOAD_BALANCER_TYPES } from '../../graph/balancing';
import { GraphResource } from '../../graph/model';
import { blocks } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { expectationsOf } from '../expectations';
import { referencedSubnetZones } from '../support';

/** HA-AZ2: a load balancer has nodes in at least the tier's number of availability zones (without a tier, two). */
export const LoadBalancerSpansZones: HaRule = {
  id: 'HA-AZ2',
  level: 'error',
  category: 'availability',
  info: "Load balancers are placed in subnets of at least the tier's minimum number of zones (2 without a tier); a zonal cell (a one-zone Network Load Balancer with cross-zone balancing turned off) is exempt.",
  explanation:
    'A load balancer only has nodes in the zones of its subnets; targets in other zones receive no traffic, and the loss of its only zone takes the entry point down.',
  resourceTypes: LOAD_BALANCER_TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...LOAD_BALANCER_TYPES).flatMap((lb: GraphResource) => {
      const expected = expectationsOf(context, lb);
      const zones = referencedSubnetZones(context.graph, lb);
      const mappings = blocks(lb.properties.SubnetMappings ?? lb.properties.subnet_mapping).length;
      const count = Math.max(zones.length, zones.length === 0 ? mappings : 0);
      // A zonal cell is confined to its zone by design; without a tier, unshown subnets are not judged.
      if (isZonalCell(context.graph, lb) || (!expected.declared && count === 0)) {
        return [];
      }
      if (count === 0) {
        return [
          outcome(
            lb,
            `the template does not show the zones of ${lb.address}'s subnets: place it in subnets of at least ${expected.minAzs} zones so that ${expected.name} can be checked`,
          ),
        ];
      }
      return [
        outcome(
          lb,
          count >= expected.minAzs
            ? undefined
            : `${lb.address} is placed in ${count} zone(s); ${expected.name} needs subnets in at least ${expected.minAzs} zones`,
        ),
      ];
    });
  },
};
