import { GraphResource } from '../../graph/model';
import { list, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { distinct, tierOf, zoneKey } from '../support';

const CLUSTERS = ['google_container_cluster'];
const NODE_POOLS = ['google_container_node_pool'];
const ZONE = /^[a-z]+-[a-z]+\d+-[a-z]$/;

/**
 * HA-AZ7: a GKE cluster of a tier that spans zones is regional (its control plane replicated over
 * the region's zones), and each of its node pools runs in at least the tier's number of zones.
 */
export const GkeRegionalCluster: HaRule = {
  id: 'HA-AZ7',
  level: 'error',
  category: 'availability',
  needsTier: true,
  info: "A GKE cluster of a tier with at least 2 zones has a region as its location (a regional control plane), and each of its node pools runs in at least the tier's minimum number of zones: its own node_locations, else the cluster's.",
  explanation:
    "A zonal cluster's control plane lives in one zone (GKE's SLA for it is 99.5%, against 99.95% for a regional one): when that zone fails, nothing reschedules pods, scales or repairs nodes in the zones that survive, and upgrades take the API away. A node pool confined to fewer zones than the tier assumes loses a larger share of its nodes, or all of them, with a zone.",
  resourceTypes: [...CLUSTERS, ...NODE_POOLS],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    const evaluations: Evaluation[] = [];
    for (const cluster of graph.ofType(...CLUSTERS)) {
      const tier = tierOf(context, cluster);
      if (!tier || tier.minAzs < 2) {
        continue;
      }
      const location = str(cluster.properties.location);
      if (location === undefined) {
        evaluations.push(undecided(cluster, `${cluster.address} does not state its location: give a region`));
        continue;
      }
      if (ZONE.test(location)) {
        evaluations.push(
          outcome(
            cluster,
            `${cluster.address} is a zonal cluster (location ${location}): its control plane fails with that zone; ` +
              `${tier.name} spans ${tier.minAzs} zones: set location to the region ${location.replace(/-[a-z]$/, '')}`,
          ),
        );
        continue;
      }
      const pools = graph.referrersOf(cluster, ...NODE_POOLS);
      const removed = String(cluster.properties.remove_default_node_pool) === 'true';
      const own = zonesOf(cluster);
      const judged: GraphResource[] = removed ? pools : [cluster, ...pools];
      const problems: string[] = [];
      let unknown: string | undefined;
      for (const pool of judged) {
        const zones = zonesOf(pool) ?? own;
        if (zones === undefined) {
          unknown =
            `${pool.address} states no node_locations, nor does its cluster: GKE picks its zones in ${location}; ` +
            `list ${tier.minAzs} zones in node_locations`;
        } else if (zones.length < tier.minAzs) {
          problems.push(`${pool.address} runs in ${zones.length} zone(s) (${zones.join(', ')})`);
        }
      }
      if (problems.length > 0) {
        evaluations.push(
          outcome(
            cluster,
            `${problems.join('; ')}; ${tier.name} needs at least ${tier.minAzs}: list ${tier.minAzs} zones in node_locations`,
          ),
        );
      } else if (unknown !== undefined) {
        evaluations.push(undecided(cluster, unknown));
      } else {
        evaluations.push(outcome(cluster, undefined));
      }
    }
    return evaluations;
  },
};

/** The zones a cluster or node pool states in `node_locations`, or undefined. */
function zonesOf(resource: GraphResource): string[] | undefined {
  const zones = distinct(list(resource.properties.node_locations).map(zoneKey));
  return zones.length > 0 ? zones : undefined;
}
