import { AURORA_GLOBAL_DB_RPO_PARAMETER } from '../../core';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { isAurora, isPrimaryStore, regionReplication } from '../graph/stores';
import type { DerivationStep } from '../model';
import { ServiceStack } from '../services';

const CLUSTER_TYPES = ['AWS::RDS::DBCluster', 'aws_rds_cluster'];
const INSTANCE_TYPES = ['AWS::RDS::DBInstance', 'aws_rds_cluster_instance'];

/**
 * What a managed RPO puts in series with the serving region's writes. Aurora PostgreSQL's
 * `rds.global_db_rpo` commits while at least one secondary's RPO lag is below it and blocks the
 * writer's commits while every secondary lags more (AWS: "Blocks the transaction if all secondary DB
 * clusters have RPO lag times that are larger than the RPO"). With every secondary in one region, an
 * outage of that region, or of the path to it, longer than the RPO stops the writes; no figure is
 * published for the path between regions, so each such writer is a step with no value (the
 * availability unproven). Secondaries in two regions take it out of series: one within the RPO is
 * enough, and losing both at once is two failures.
 *
 * Only a secondary with a DB instance counts. AWS calls a headless cluster (no instance) a secondary
 * whose storage "is kept in-sync", but does not say that the managed RPO measures its lag or counts
 * it, so a headless region never takes the coupling out of series (nor is it assumed to stop the
 * writes: with only headless secondaries the step names them, still unproven).
 *
 * TIER_1 warm standby, us-east-1 writer at `rds.global_db_rpo` 60: a secondary with a reader in
 * us-west-2 only, one step; add one with a reader in us-east-2, none; add a headless one instead, one.
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
      const secondaries = secondaryRegions(graph, clusters, writer);
      const counted = secondaries.withInstances;
      const headless = secondaries.headless.filter((region) => !counted.includes(region));
      if (counted.length >= 2 || (counted.length === 0 && headless.length === 0)) {
        return [];
      }
      const rpo = `${AURORA_GLOBAL_DB_RPO_PARAMETER} ${bound.seconds} s`;
      const headlessNote =
        headless.length === 0
          ? ''
          : `; the headless secondary in ${headless.join(', ')} does not count: AWS does not say that the ` +
            'managed RPO measures a secondary without a DB instance';
      const basis =
        counted.length === 1
          ? `${rpo} blocks this writer's commits while its one secondary region with an instance (${counted[0]}) ` +
            `lags more: an outage of ${counted[0]}, or of the path to it, longer than ${bound.seconds} s stops the ` +
            "service's writes; the path between regions has no published figure (a second secondary region with " +
            `an instance takes it out of series)${headlessNote}`
          : `${rpo} blocks this writer's commits while no secondary is within it, and its secondaries ` +
            `(${headless.join(', ')}) are headless: AWS does not say whether the managed RPO measures a secondary ` +
            'without a DB instance, so whether an outage of those regions, or of the path to them, stops the ' +
            "service's writes is unknown (a secondary with an instance in each of two regions takes it out of series)";
      return [
        {
          quantity: 'availability',
          stack: writer.stack,
          resource: writer.address,
          figures: ['AURORA_GLOBAL_DB_RPO_PARAMETER'],
          basis,
        },
      ];
    });
}

/**
 * Regions of the service's other Aurora clusters that are members of a global database (they name
 * one, or one names them as its source), other than the writer's: those whose cluster has a DB
 * instance, and those whose cluster has none (headless).
 */
function secondaryRegions(
  graph: ResourceGraph,
  clusters: readonly GraphResource[],
  writer: GraphResource,
): { withInstances: string[]; headless: string[] } {
  const member = (c: GraphResource) =>
    (c.properties.GlobalClusterIdentifier ?? c.properties.global_cluster_identifier) !== undefined ||
    graph.referrersOf(c, 'AWS::RDS::GlobalCluster', 'aws_rds_global_cluster').length > 0;
  const secondaries = clusters.filter(
    (c) => c !== writer && member(c) && c.region !== undefined && c.region !== writer.region,
  );
  const regionsOf = (list: GraphResource[]) => [...new Set(list.map((c) => c.region as string))];
  const hasInstance = (c: GraphResource) => graph.referrersOf(c, ...INSTANCE_TYPES).length > 0;
  return {
    withInstances: regionsOf(secondaries.filter(hasInstance)),
    headless: regionsOf(secondaries.filter((c) => !hasInstance(c))),
  };
}
