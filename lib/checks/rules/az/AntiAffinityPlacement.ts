import { block, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const TYPES = ['AWS::EC2::PlacementGroup', 'aws_placement_group', 'google_compute_resource_policy'];

/** HA-AZ3: placement policies spread instances apart instead of packing them together. */
export const AntiAffinityPlacement: HaRule = {
  id: 'HA-AZ3',
  level: 'error',
  category: 'availability',
  info: 'Placement groups use the spread (or partition) strategy, never cluster; Google placement policies are not COLLOCATED.',
  explanation:
    'A cluster placement group (or a collocated Google policy) packs instances onto the same racks of one zone, so one hardware or power failure takes all of them: the opposite of the anti-affinity redundancy needs.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((group) => {
      if (group.type === 'google_compute_resource_policy') {
        const placement = block(group.properties.group_placement_policy);
        if (!placement) {
          return [];
        }
        return [
          outcome(
            group,
            str(placement.collocation) === 'COLLOCATED'
              ? `${group.address} collocates instances on shared hardware: remove collocation = "COLLOCATED" and spread them (availability_domain_count ≥ 2)`
              : undefined,
          ),
        ];
      }
      const strategy = str(group.properties.Strategy ?? group.properties.strategy);
      return [
        outcome(
          group,
          strategy === 'cluster'
            ? `${group.address} uses the cluster strategy, which packs instances into one rack set of one zone: use "spread" (or "partition") for redundant instances`
            : undefined,
        ),
      ];
    });
  },
};
