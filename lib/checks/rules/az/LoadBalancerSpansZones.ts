import { GraphResource } from '../../graph/model';
import { blocks } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { referencedSubnetZones, tierOf } from '../support';

const TYPES = ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'aws_lb', 'aws_alb'];

/** HA-AZ2: a load balancer has nodes in at least the tier's number of availability zones. */
export const LoadBalancerSpansZones: HaRule = {
  id: 'HA-AZ2',
  level: 'error',
  category: 'availability',
  info: 'Load balancers are placed in subnets of at least the tier\'s minimum number of zones.',
  explanation: 'A load balancer only has nodes in the zones of its subnets; targets in other zones receive no traffic, and the loss of its only zone takes the entry point down.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((lb: GraphResource) => {
      const tier = tierOf(context, lb);
      if (!tier) {
        return [];
      }
      const zones = referencedSubnetZones(context.graph, lb);
      const mappings = blocks(lb.properties.SubnetMappings ?? lb.properties.subnet_mapping).length;
      const count = Math.max(zones.length, zones.length === 0 ? mappings : 0);
      return [outcome(lb, count >= tier.minAzs ? undefined
        : `${lb.address} is placed in ${count} zone(s); ${tier.name} needs subnets in at least ${tier.minAzs} zones`)];
    });
  },
};
