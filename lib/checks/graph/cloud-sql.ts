import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { block, str } from './values';

/** Cloud SQL read replicas of `primary` in another region (they name it in `master_instance_name`). */
export function cloudSqlCrossRegionReplicas(graph: ResourceGraph, primary: GraphResource): GraphResource[] {
  return graph
    .referrersOf(primary, 'google_sql_database_instance')
    .filter((r) => r.region !== undefined && r.region !== primary.region);
}

/**
 * The cross-region replica a Cloud SQL primary designates as its DR replica
 * (`replication_cluster.failover_dr_replica_name`, `project:name` or `name`), if any: what
 * advanced disaster recovery fails over to, keeping both instances and the write endpoint.
 * @see https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery
 */
export function cloudSqlDrReplica(graph: ResourceGraph, primary: GraphResource): GraphResource | undefined {
  // Often `${project}:name`: the project is a reference, the instance name the literal part after it.
  const designated = block(primary.properties.replication_cluster)?.failover_dr_replica_name;
  if (typeof designated !== 'string' || designated === '') {
    return undefined;
  }
  return cloudSqlCrossRegionReplicas(graph, primary).find((replica) => {
    const name = str(replica.properties.name);
    return name !== undefined && (designated === name || designated.endsWith(`:${name}`));
  });
}
