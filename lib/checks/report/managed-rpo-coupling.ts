import { AURORA_GLOBAL_DB_RPO_PARAMETER } from '../../core';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { isAurora, isPrimaryStore, regionReplication } from '../graph/stores';
import type { DerivationStep } from '../model';
import { ServiceStack } from '../services';

const CLUSTER_TYPES = ['AWS::RDS::DBCluster', 'aws_rds_cluster'];

/**
 * What a managed RPO puts in series with the serving region's writes. Aurora PostgreSQL's
 * `rds.global_db_rpo` blocks the writer's commits while no secondary is within it: with every
 * secondary in one region, an outage of that region, or of the path to it, longer than the RPO stops
 * the writes. No figure is published for the path between regions, so each such writer is a step
 * with no value (the availability unproven); a second secondary region takes it out of series, since
 * one secondary within the RPO is enough.
 *
 * TIER_1 warm standby, us-east-1 writer, one secondary in us-west-2, `rds.global_db_rpo` 60: one step.
 */
export function managedRpoCoupling(graph: ResourceGraph, stacks: readonly ServiceStack[]): DerivationStep[] {
  const resources = stacks.flatMap((s) => s.resources);
  const clusters = resources.filter((r) => CLUSTER_TYPES.includes(r.type) && isAurora(r));
  return clusters
    .filter((writer) => isPrimaryStore(graph, writer) && writer.ha?.role !== 'standby')
    .flatMap((writer): DerivationStep[] => {
      const bound = regionReplication(graph, writer);
      if (bound?.seconds === undefined) {
        return [];
      }
      const regions = secondaryRegions(graph, clusters, writer);
      if (regions.length !== 1) {
        return [];
      }
      return [
        {
          quantity: 'availability',
          stack: writer.stack,
          resource: writer.address,
          figures: ['AURORA_GLOBAL_DB_RPO_PARAMETER'],
          basis:
            `${AURORA_GLOBAL_DB_RPO_PARAMETER} ${bound.seconds} s blocks this writer's commits while its one ` +
            `secondary region (${regions[0]}) lags more: an outage of ${regions[0]}, or of the path to it, longer ` +
            `than ${bound.seconds} s stops the service's writes; the path between regions has no published figure ` +
            '(a second secondary region takes it out of series)',
        },
      ];
    });
}

/**
 * Regions of the service's other Aurora clusters that are members of a global database (they name
 * one, or one names them as its source), other than the writer's.
 */
function secondaryRegions(graph: ResourceGraph, clusters: readonly GraphResource[], writer: GraphResource): string[] {
  const member = (c: GraphResource) =>
    (c.properties.GlobalClusterIdentifier ?? c.properties.global_cluster_identifier) !== undefined ||
    graph.referrersOf(c, 'AWS::RDS::GlobalCluster', 'aws_rds_global_cluster').length > 0;
  const regions = clusters
    .filter((c) => c !== writer && member(c))
    .map((c) => c.region)
    .filter((region): region is string => region !== undefined && region !== writer.region);
  return [...new Set(regions)];
}
