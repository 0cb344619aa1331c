import { GraphResource } from '../../graph/model';
import { isSameRegionReadReplica } from '../../graph/replicas';
import { block, blocks, bool, isSet } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const TYPES = [
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'aws_rds_cluster',
  'aws_db_instance',
  'aws_dynamodb_table',
  'aws_s3_bucket',
  'google_sql_database_instance',
  'google_spanner_database',
  'google_spanner_instance',
  'google_storage_bucket',
];

/** HA-DEL2: databases refuse API deletion; buckets are not force-destroyed. */
export const DeletionProtection: HaRule = {
  id: 'HA-DEL2',
  level: 'error',
  category: 'recovery',
  info:
    'RDS, Aurora, DynamoDB, Cloud SQL and Spanner enable deletion protection; ' +
    'Terraform buckets and Spanner instances do not set force_destroy.',
  explanation:
    "Deletion protection stops a console click, a script or a compromised credential from deleting the database outside the stack's own lifecycle; force_destroy lets a plan empty a bucket.",
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((r) => {
      const problem = problemOf(context, r);
      return problem === null ? [] : [outcome(r, problem)];
    });
  },
};

function problemOf(context: RuleContext, r: GraphResource): string | undefined | null {
  const p = r.properties;
  switch (r.type) {
    case 'AWS::RDS::DBInstance':
    case 'aws_db_instance':
      if (isSet(p.DBClusterIdentifier) || isSameRegionReadReplica(context.graph, r)) {
        return null;
      }
      return bool(p.DeletionProtection ?? p.deletion_protection) === true
        ? undefined
        : `${r.address} has no deletion protection: set ${name(r, 'DeletionProtection', 'deletion_protection')} to true`;
    case 'AWS::RDS::DBCluster':
    case 'aws_rds_cluster':
      return bool(p.DeletionProtection ?? p.deletion_protection) === true
        ? undefined
        : `${r.address} has no deletion protection: set ${name(r, 'DeletionProtection', 'deletion_protection')} to true`;
    case 'AWS::DynamoDB::Table':
    case 'aws_dynamodb_table':
      return bool(p.DeletionProtectionEnabled ?? p.deletion_protection_enabled) === true
        ? undefined
        : `${r.address} has no deletion protection: set ${name(r, 'DeletionProtectionEnabled', 'deletion_protection_enabled')} to true`;
    case 'AWS::DynamoDB::GlobalTable':
      return blocks(p.Replicas).length > 0 &&
        blocks(p.Replicas).every((replica) => bool(replica.DeletionProtectionEnabled) === true)
        ? undefined
        : `${r.address} has replicas without deletion protection: set DeletionProtectionEnabled on every replica`;
    case 'google_sql_database_instance': {
      const terraformGuard = bool(p.deletion_protection) !== false;
      const apiGuard = bool(block(p.settings)?.deletion_protection_enabled) === true;
      return terraformGuard && apiGuard
        ? undefined
        : `${r.address} can be deleted: keep deletion_protection (Terraform) and set settings.deletion_protection_enabled = true (API)`;
    }
    case 'google_spanner_database': {
      // deletion_protection guards Terraform only; enable_drop_protection every API, and the instance.
      const terraformGuard = bool(p.deletion_protection) !== false;
      const apiGuard = bool(p.enable_drop_protection) === true;
      return terraformGuard && apiGuard
        ? undefined
        : `${r.address} can be dropped: keep deletion_protection (Terraform) and ` +
            'set enable_drop_protection = true (API)';
    }
    default:
      return bool(p.force_destroy) === true
        ? `${r.address} sets force_destroy, which deletes every object on destroy: remove it`
        : undefined;
  }
}

function name(r: GraphResource, cfn: string, tf: string): string {
  return r.engine === 'cloudformation' ? cfn : tf;
}
