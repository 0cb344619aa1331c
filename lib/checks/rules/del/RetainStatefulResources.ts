import { GraphResource } from '../../graph/model';
import { isSameRegionReadReplica } from '../../graph/replicas';
import { bool, isSet } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';

/** CloudFormation types that hold data (or the key to data) and what they must do on delete. */
const CFN_STATEFUL: Record<string, readonly string[]> = {
  'AWS::RDS::DBCluster': ['Retain', 'Snapshot', 'RetainExceptOnCreate'],
  'AWS::RDS::DBInstance': ['Retain', 'Snapshot', 'RetainExceptOnCreate'],
  'AWS::DynamoDB::Table': ['Retain', 'RetainExceptOnCreate'],
  'AWS::DynamoDB::GlobalTable': ['Retain', 'RetainExceptOnCreate'],
  'AWS::S3::Bucket': ['Retain', 'RetainExceptOnCreate'],
  'AWS::EFS::FileSystem': ['Retain', 'RetainExceptOnCreate'],
  'AWS::KMS::Key': ['Retain', 'RetainExceptOnCreate'],
  'AWS::Logs::LogGroup': ['Retain', 'RetainExceptOnCreate'],
  'AWS::SecretsManager::Secret': ['Retain', 'RetainExceptOnCreate'],
  'AWS::Backup::BackupVault': ['Retain', 'RetainExceptOnCreate'],
  'AWS::ElastiCache::ReplicationGroup': ['Retain', 'Snapshot', 'RetainExceptOnCreate'],
  'AWS::OpenSearchService::Domain': ['Retain', 'RetainExceptOnCreate'],
  'AWS::Elasticsearch::Domain': ['Retain', 'RetainExceptOnCreate'],
  'AWS::DocDB::DBCluster': ['Retain', 'Snapshot', 'RetainExceptOnCreate'],
  'AWS::Neptune::DBCluster': ['Retain', 'Snapshot', 'RetainExceptOnCreate'],
  'AWS::Redshift::Cluster': ['Retain', 'Snapshot', 'RetainExceptOnCreate'],
};

/** Terraform types that hold data (or the key to data). */
const TF_STATEFUL = [
  'aws_rds_cluster',
  'aws_db_instance',
  'aws_dynamodb_table',
  'aws_s3_bucket',
  'aws_efs_file_system',
  'aws_kms_key',
  'aws_cloudwatch_log_group',
  'aws_secretsmanager_secret',
  'aws_backup_vault',
  'aws_elasticache_replication_group',
  'google_sql_database_instance',
  'google_spanner_instance',
  'google_spanner_database',
  'google_storage_bucket',
  'google_kms_crypto_key',
  'google_secret_manager_secret',
  'aws_opensearch_domain',
  'aws_elasticsearch_domain',
  'aws_docdb_cluster',
  'aws_neptune_cluster',
  'aws_redshift_cluster',
];

/** HA-DEL1: deleting the stack (or replacing the resource) does not delete stored data. */
export const RetainStatefulResources: HaRule = {
  id: 'HA-DEL1',
  level: 'error',
  category: 'recovery',
  info: "Stateful resources (databases, tables, buckets, file systems, search domains, keys, logs, secrets, vaults) have DeletionPolicy and UpdateReplacePolicy Retain or Snapshot (CloudFormation) or lifecycle.prevent_destroy (Terraform); a same-region read replica is its source's concern.",
  explanation:
    'A stack deletion, a rename of a logical id or a replacing update deletes a database, a bucket or the key that decrypts them in seconds; no replica survives that, because it is deleted by the same change.',
  resourceTypes: [...Object.keys(CFN_STATEFUL), ...TF_STATEFUL],
  evaluate(context: RuleContext): Evaluation[] {
    const cfn = context.graph
      .ofType(...Object.keys(CFN_STATEFUL))
      .flatMap((r) =>
        memberOfCluster(r) || isSameRegionReadReplica(context.graph, r) ? [] : [outcome(r, cfnProblem(r))],
      );
    const tf = context.graph.ofType(...TF_STATEFUL).flatMap((r) => {
      if (isSameRegionReadReplica(context.graph, r)) {
        return [];
      }
      const problems = [
        ...(r.preventDestroy === false ? ['can be destroyed by a plan: add lifecycle { prevent_destroy = true }'] : []),
        // Deleted or replaced, such a database leaves no copy of its data behind (a read replica's data is its source's).
        ...(bool(r.properties.skip_final_snapshot) === true && !isSet(r.properties.replicate_source_db)
          ? ['skips its final snapshot: set skip_final_snapshot = false and a final_snapshot_identifier']
          : []),
      ];
      if (problems.length === 0 && r.preventDestroy === undefined) {
        return [
          undecided(
            r,
            'a plan or a state does not record lifecycle.prevent_destroy: run ha-report on the configuration (Terraform JSON) to check it',
          ),
        ];
      }
      return [outcome(r, problems.length === 0 ? undefined : `${r.address} ${problems.join('; and ')}`)];
    });
    return [...cfn, ...tf];
  },
};

function memberOfCluster(resource: GraphResource): boolean {
  return resource.type === 'AWS::RDS::DBInstance' && isSet(resource.properties.DBClusterIdentifier);
}

function cfnProblem(resource: GraphResource): string | undefined {
  const allowed = CFN_STATEFUL[resource.type];
  const problems: string[] = [];
  if (!allowed.includes(resource.deletionPolicy ?? 'Delete')) {
    problems.push(`DeletionPolicy ${resource.deletionPolicy ?? 'Delete (default)'}`);
  }
  if (!allowed.includes(resource.updateReplacePolicy ?? 'Delete')) {
    problems.push(`UpdateReplacePolicy ${resource.updateReplacePolicy ?? 'Delete (default)'}`);
  }
  if (problems.length === 0) {
    return undefined;
  }
  // In the reader's words: CDK's removal policy where the template shows CDK wrote it.
  const cdk =
    resource.constructPath !== undefined
      ? ` (RemovalPolicy.${allowed.includes('Snapshot') ? 'RETAIN or SNAPSHOT' : 'RETAIN'})`
      : '';
  return (
    `${resource.address} has ${problems.join(' and ')}: set both to ${allowed.slice(0, allowed.includes('Snapshot') ? 2 : 1).join(' or ')} ` +
    `so its data outlives the stack${cdk}`
  );
}
