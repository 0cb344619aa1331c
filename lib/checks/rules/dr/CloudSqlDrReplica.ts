import { DrStrategy } from '../../../core';
import { cloudSqlCrossRegionReplicas, cloudSqlDrReplica } from '../../graph/cloud-sql';
import { isPrimaryStore } from '../../graph/stores';
import { block, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

const TYPES = ['google_sql_database_instance'];

/** HA-DR7: a Cloud SQL primary of a multi-region tier designates its cross-region replica as DR replica. */
export const CloudSqlDrReplica: HaRule = {
  id: 'HA-DR7',
  level: 'warning',
  category: 'recovery',
  needsTier: true,
  info: 'For ACTIVE_ACTIVE, WARM_STANDBY and PILOT_LIGHT services, a Cloud SQL primary with a cross-region replica designates it as its DR replica (replication_cluster.failover_dr_replica_name, Enterprise Plus advanced disaster recovery).',
  explanation:
    'A replica that is not the designated DR replica is detached when promoted: the old primary must be rebuilt to replicate again, clients must be pointed at the new writer, and the Terraform that described the old roles wants to replace what it no longer matches. A designated DR replica fails over (or switches over) in place, keeps both instances, and the write endpoint follows the writer.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return graph.ofType(...TYPES).flatMap((primary) => {
      const tier = tierOf(context, primary);
      if (!tier || tier.strategy === DrStrategy.BACKUP_RESTORE || !isPrimaryStore(graph, primary)) {
        return [];
      }
      const replicas = cloudSqlCrossRegionReplicas(graph, primary);
      if (replicas.length === 0 || cloudSqlDrReplica(graph, primary)) {
        return replicas.length === 0 ? [] : [outcome(primary, undefined)];
      }
      const edition = str(block(primary.properties.settings)?.edition);
      const plus = edition === 'ENTERPRISE_PLUS';
      return [
        outcome(
          primary,
          `${primary.address} has the cross-region replica ${replicas[0].address} but designates no DR replica: promoted, ` +
            'it is detached, the old primary must be rebuilt and clients repointed; ' +
            (plus
              ? `set replication_cluster.failover_dr_replica_name to it`
              : `on edition ENTERPRISE_PLUS (this one is ${edition ?? 'not stated'}) set replication_cluster.failover_dr_replica_name to it`) +
            ` (${tier.name} keeps a standby region)`,
        ),
      ];
    });
  },
};
