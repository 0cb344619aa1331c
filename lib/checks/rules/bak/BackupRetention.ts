import { SPANNER_BACKUP_RETENTION_MAX_DAYS } from '../../../core/figures';
import { RDS_BACKUP_RETENTION_DEFAULT_DAYS } from '../../../core/figures-checks';
import { ResourceGraph } from '../../graph/graph';
import { GraphResource } from '../../graph/model';
import { block, blocks, bool, isSet, num } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { expectationsOf } from '../expectations';

const TYPES = [
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_dynamodb_table',
  'google_sql_database_instance',
  'google_spanner_database',
];

/** HA-BAK1: databases keep automated backups (and point-in-time recovery) as long as the tier says. */
export const BackupRetention: HaRule = {
  id: 'HA-BAK1',
  level: 'error',
  category: 'recovery',
  info:
    'RDS and Aurora keep automated backups for at least tier.backupRetentionDays (7 days without a tier); ' +
    'DynamoDB tables have point-in-time recovery; Cloud SQL has backups, PITR and enough retained backups; ' +
    'a Spanner database has a backup schedule keeping them that long (at most 366 days).',
  explanation:
    'Replication copies deletes and corruption as faithfully as writes; only backups with point-in-time recovery undo them. The retention bounds how late a bad write can be found and still undone.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((db) => {
      const expected = expectationsOf(context, db);
      const problem =
        db.type === 'google_spanner_database'
          ? spannerProblem(context.graph, db, expected.backupRetentionDays, expected.name)
          : problemOf(db, expected.backupRetentionDays, expected.name);
      return problem === null ? [] : [outcome(db, problem)];
    });
  },
};

/** The problem, undefined when compliant, null when the rule does not apply (replicas, Aurora members). */
function problemOf(db: GraphResource, days: number, by: string): string | undefined | null {
  const p = db.properties;
  switch (db.type) {
    case 'AWS::RDS::DBInstance':
    case 'aws_db_instance':
    case 'AWS::RDS::DBCluster':
    case 'aws_rds_cluster': {
      const member = db.type === 'AWS::RDS::DBInstance' && isSet(p.DBClusterIdentifier);
      if (member || isSet(p.SourceDBInstanceIdentifier) || isSet(p.replicate_source_db)) {
        return null;
      }
      const retention = num(p.BackupRetentionPeriod ?? p.backup_retention_period) ?? RDS_BACKUP_RETENTION_DEFAULT_DAYS;
      return retention >= days
        ? undefined
        : `${db.address} keeps automated backups for ${retention} day(s); ${by} needs ${days}: set ${db.engine === 'cloudformation' ? 'BackupRetentionPeriod' : 'backup_retention_period'} to ${days}`;
    }
    case 'AWS::DynamoDB::Table':
      return pitr(db, [block(p.PointInTimeRecoverySpecification)], days, by);
    case 'AWS::DynamoDB::GlobalTable':
      return pitr(
        db,
        blocks(p.Replicas).map((r) => block(r.PointInTimeRecoverySpecification)),
        days,
        by,
      );
    case 'aws_dynamodb_table':
      return pitr(db, [block(p.point_in_time_recovery)], days, by);
    default: {
      if (isSet(p.master_instance_name)) {
        return null;
      }
      const settings = block(p.settings) ?? {};
      const backup = block(settings.backup_configuration) ?? {};
      if (bool(backup.enabled) !== true) {
        return `${db.address} has no automated backups: set settings.backup_configuration.enabled = true`;
      }
      const mysql = String(p.database_version ?? '').startsWith('MYSQL');
      if (bool(mysql ? backup.binary_log_enabled : backup.point_in_time_recovery_enabled) !== true) {
        return `${db.address} has no point-in-time recovery: set settings.backup_configuration.${mysql ? 'binary_log_enabled' : 'point_in_time_recovery_enabled'} = true`;
      }
      const retained = num(block(backup.backup_retention_settings)?.retained_backups) ?? 7;
      return retained >= days
        ? undefined
        : `${db.address} retains ${retained} daily backups; ${by} needs ${days}: raise backup_retention_settings.retained_backups`;
    }
  }
}

/** A Spanner database's backups: a schedule that keeps them the tier's retention (Spanner keeps at most 366 days). */
function spannerProblem(graph: ResourceGraph, db: GraphResource, days: number, by: string): string | undefined {
  const needed = Math.min(days, SPANNER_BACKUP_RETENTION_MAX_DAYS);
  const schedules = graph.referrersOf(db, 'google_spanner_backup_schedule');
  if (schedules.length === 0) {
    return `${db.address} has no backup schedule: add a google_spanner_backup_schedule keeping backups ${needed} days`;
  }
  const kept = Math.max(
    ...schedules.map((s) => (num(String(s.properties.retention_duration ?? '').replace(/s$/, '')) ?? 0) / 86400),
  );
  return kept >= needed
    ? undefined
    : `${db.address} keeps scheduled backups ${kept} day(s); ${by} needs ${needed}: raise retention_duration`;
}

function pitr(
  db: GraphResource,
  specs: (Record<string, unknown> | undefined)[],
  days: number,
  by: string,
): string | undefined {
  if (specs.length === 0 || specs.some((s) => bool(s?.PointInTimeRecoveryEnabled ?? s?.enabled) !== true)) {
    return `${db.address} has no point-in-time recovery: enable it (every replica of a global table)`;
  }
  const periods = specs.map((s) => num(s?.RecoveryPeriodInDays ?? s?.recovery_period_in_days) ?? 35);
  const shortest = Math.min(...periods);
  return shortest >= Math.min(days, 35)
    ? undefined
    : `${db.address} keeps ${shortest} day(s) of point-in-time recovery; ${by} needs ${Math.min(days, 35)}`;
}
