import { isPrimaryStore, isAurora, regionReplication, STORE_TYPES } from '../../graph/stores';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

/** HA-DR1: data stores of a multi-region strategy have a copy in another region. */
export const CrossRegionReplica: HaRule = {
  id: 'HA-DR1',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info: 'For ACTIVE_ACTIVE, WARM_STANDBY and PILOT_LIGHT services, every primary data store replicates to another region (Aurora Global Database, RDS or Cloud SQL cross-region replica, DynamoDB global table, S3 or EFS replication, multi-region GCS); log buckets are exempt.',
  explanation:
    'These strategies promise a region RTO of minutes to an hour, which only holds when the standby region already has the data; a store without a cross-region copy makes the region RPO unbounded.',
  resourceTypes: STORE_TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return graph.ofType(...STORE_TYPES).flatMap((store) => {
      const tier = tierOf(context, store);
      if (!tier || !tier.isMultiRegion || !isPrimaryStore(graph, store)) {
        return [];
      }
      if ((store.type === 'AWS::RDS::DBCluster' || store.type === 'aws_rds_cluster') && !isAurora(store)) {
        return [];
      }
      // A Spanner database's copies are its instance configuration's, which HA-DB2 judges against the tier.
      if (store.type === 'google_spanner_database') {
        return [];
      }
      const copy = regionReplication(graph, store);
      const fix: Record<string, string> = {
        'AWS::DynamoDB::Table': 'use AWS::DynamoDB::GlobalTable with a replica in the standby region',
        'AWS::DynamoDB::GlobalTable': 'add a replica in the standby region',
        aws_dynamodb_table: 'add a replica block for the standby region',
        'AWS::RDS::DBCluster': 'make it the primary of an Aurora Global Database',
        aws_rds_cluster: 'make it the primary of an aws_rds_global_cluster',
        'AWS::S3::Bucket': 'add a ReplicationConfiguration to a bucket in the standby region',
        aws_s3_bucket: 'add an aws_s3_bucket_replication_configuration to a bucket in the standby region',
        google_storage_bucket: 'use a dual-region or multi-region location',
        google_sql_database_instance: 'add a cross-region read replica',
        'AWS::RDS::DBInstance': 'add a cross-region read replica (or use Aurora Global Database)',
        aws_db_instance: 'add a cross-region read replica (or use Aurora Global Database)',
        'AWS::EFS::FileSystem': 'add a ReplicationConfiguration to the standby region',
        aws_efs_file_system: 'add an aws_efs_replication_configuration to the standby region',
      };
      return [
        outcome(
          store,
          copy
            ? undefined
            : `${store.address} has no copy outside its region, which ${tier.name} (${tier.strategy}) needs: ${fix[store.type] ?? 'replicate it to the standby region'}`,
        ),
      ];
    });
  },
};
