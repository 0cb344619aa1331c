import { GraphResource } from '../../graph/model';
import { block, bool, isSet, isUnresolved, shown, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { distinct, zoneKey } from '../support';

const TYPES = [
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'aws_db_instance',
  'aws_rds_cluster',
  'google_sql_database_instance',
];

/** HA-DB1: relational databases survive the loss of a zone. */
export const MultiAzDatabase: HaRule = {
  id: 'HA-DB1',
  level: 'error',
  category: 'availability',
  info: 'RDS instances are Multi-AZ; Aurora clusters have at least 2 instances not pinned to one zone; Cloud SQL instances are REGIONAL.',
  explanation:
    'A single-zone database is the single point of failure of every tier above it: a zone loss means restoring from backup (minutes to hours, and data since the last backup) instead of a failover of 30–120 s with no data loss.',
  resourceTypes: [...TYPES, 'AWS::RDS::DBInstance (Aurora members)', 'aws_rds_cluster_instance'],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return graph.ofType(...TYPES).flatMap((db): Evaluation[] => {
      const p = db.properties;
      const role = context.services.recordOf(db)?.role;
      switch (db.type) {
        case 'AWS::RDS::DBInstance':
        case 'aws_db_instance': {
          if (
            isSet(p.DBClusterIdentifier) ||
            isSet(p.SourceDBInstanceIdentifier) ||
            isSet(p.replicate_source_db) ||
            String(p.Engine ?? p.engine ?? '').startsWith('aurora')
          ) {
            return [];
          }
          const name = db.engine === 'cloudformation' ? 'MultiAZ' : 'multi_az';
          if (isUnresolved(p.MultiAZ ?? p.multi_az)) {
            return [
              undecided(
                db,
                `${name} is ${shown(p.MultiAZ ?? p.multi_az)}, which the template does not resolve: give its value (--parameters) to check it`,
              ),
            ];
          }
          return [
            outcome(
              db,
              bool(p.MultiAZ ?? p.multi_az) === true
                ? undefined
                : `${db.address} is a single-AZ database instance: set ${name} to true`,
            ),
          ];
        }
        case 'AWS::RDS::DBCluster':
        case 'aws_rds_cluster': {
          const engine = String(p.Engine ?? p.engine ?? 'aurora');
          if (
            !engine.startsWith('aurora') ||
            role === 'standby' ||
            role === 'replica' ||
            str(p.EngineMode ?? p.engine_mode) === 'serverless'
          ) {
            return [];
          }
          return [outcome(db, auroraProblem(context, db))];
        }
        default: {
          const settings = block(p.settings) ?? {};
          if (isSet(p.master_instance_name)) {
            return [];
          }
          return [
            outcome(
              db,
              str(settings.availability_type) === 'REGIONAL'
                ? undefined
                : `${db.address} is a zonal Cloud SQL instance: set settings.availability_type = "REGIONAL"`,
            ),
          ];
        }
      }
    });
  },
};

function auroraProblem(context: RuleContext, cluster: GraphResource): string | undefined {
  const members = context.graph.referrersOf(cluster, 'AWS::RDS::DBInstance', 'aws_rds_cluster_instance');
  if (members.length < 2) {
    return `${cluster.address} has ${members.length} instance(s): add a reader in another zone so Aurora can fail over (≈30 s) instead of recreating the writer`;
  }
  const pinned = members.map((m) => zoneKey(m.properties.AvailabilityZone ?? m.properties.availability_zone));
  const zones = distinct(pinned);
  if (pinned.every((z) => z !== undefined) && zones.length < 2) {
    return `${cluster.address} has all ${members.length} instances in ${zones[0]}: place them in different zones`;
  }
  return undefined;
}
