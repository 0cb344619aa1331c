import { PlanProblem, PlanWarning } from '../errors';
import {
  CLOUD_LOGGING_REQUIRED_BUCKET_RETENTION_DAYS,
  CLOUD_LOGGING_RETENTION_MAX_DAYS,
  CLOUD_LOGGING_RETENTION_MIN_DAYS,
} from '../figures';
import { ServiceTier } from '../tier';
import { planAuditTrail } from './audit-trail';

/**
 * The plan of a project's audit record on Google Cloud: what the Terraform `AuditTrail` of the
 * Google engine renders (a locked log bucket, a sink that routes the audit logs to it, and Data
 * Access audit logs for the data services). The retention is the one `planAuditTrail` gives the
 * AWS twins, so one tier keeps its audit record as long on every cloud.
 */

/** A Google Cloud service whose Data Access audit logs can be turned on (its audit service name). */
export type DataAccessAuditService =
  | 'cloudkms.googleapis.com'
  | 'cloudsql.googleapis.com'
  | 'secretmanager.googleapis.com'
  | 'spanner.googleapis.com'
  | 'storage.googleapis.com';

/**
 * The data services whose reads and writes the audit record covers, with the Terraform types that
 * use each: a stack with a resource of a type here needs that service's Data Access audit logs.
 * Cloud SQL's audit logs name the service `cloudsql.googleapis.com`, not its API (`sqladmin`).
 * @see https://cloud.google.com/logging/docs/audit/services
 */
export const DATA_ACCESS_AUDIT_SERVICES: Readonly<Record<DataAccessAuditService, readonly string[]>> = {
  'cloudkms.googleapis.com': ['google_kms_crypto_key'],
  'cloudsql.googleapis.com': ['google_sql_database_instance'],
  'secretmanager.googleapis.com': ['google_secret_manager_secret'],
  'spanner.googleapis.com': ['google_spanner_database'],
  'storage.googleapis.com': ['google_storage_bucket'],
};

/**
 * The Data Access log types: metadata reads, data reads and data writes (Admin Activity logs are
 * always on, and cannot be turned off).
 * @see https://cloud.google.com/logging/docs/audit/configure-data-access#config-api
 */
export const DATA_ACCESS_LOG_TYPES = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'] as const;

/**
 * Every audit log of the project (Admin Activity, Data Access, System Event, Policy Denied, Access
 * Transparency): their log names are all `projects/<p>/logs/cloudaudit.googleapis.com%2F<kind>`.
 * @see https://cloud.google.com/logging/docs/audit#types
 */
export const AUDIT_LOG_FILTER = 'logName:"/logs/cloudaudit.googleapis.com%2F"';

/** An audit record as its props describe it; `undefined` where the user gave nothing or a token. */
export interface AuditLogsIntent {
  /** @default - planAuditTrail's retention: tier.logRetentionDays */
  readonly retentionDays?: number;
  /** @default true */
  readonly locked?: boolean;
  /** @default - every service of DATA_ACCESS_AUDIT_SERVICES */
  readonly dataAccessServices?: readonly string[];
}

/** What the engine renders. */
export interface AuditLogsPlan {
  /** Days the log bucket keeps every entry. */
  readonly retentionDays: number;
  /** Whether the bucket is locked: its retention can no longer be lowered, nor the bucket deleted while not empty. */
  readonly locked: boolean;
  /** The filter of the sink that routes the audit logs to the bucket. */
  readonly filter: string;
  /** Services whose Data Access logs are turned on, sorted. */
  readonly dataAccessServices: readonly DataAccessAuditService[];
  readonly logTypes: readonly string[];
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/**
 * Plans a project's audit record on Google Cloud.
 *
 * The bucket keeps entries for `retentionDays` (by default what `planAuditTrail` locks S3 objects
 * for: `tier.logRetentionDays`), within Cloud Logging's 1 to 3650 days, and is locked so that no
 * one can shorten that. A retention below the tier's, or an unlocked bucket, is a warning: the
 * record would not survive an attacker (or a mistake) with the project's owner role. Data Access
 * logs are turned on for every data service by default; a service with no resource writes none.
 *
 * Example: TIER_0 (logs kept 365 days), defaults: a locked bucket keeping 365 days, audit logs of
 * every kind routed to it, ADMIN_READ, DATA_READ and DATA_WRITE on for Cloud KMS, Cloud SQL, Secret
 * Manager, Spanner and Cloud Storage. (The `_Required` bucket keeps Admin Activity logs 400 days
 * besides, whatever this plan says.)
 */
export function planAuditLogs(tier: ServiceTier, intent: AuditLogsIntent): AuditLogsPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const trail = planAuditTrail(tier, { compliance: { retentionDays: intent.retentionDays } });
  const retentionDays = trail.objectLockDays;
  if (
    !Number.isInteger(retentionDays) ||
    retentionDays < CLOUD_LOGGING_RETENTION_MIN_DAYS ||
    retentionDays > CLOUD_LOGGING_RETENTION_MAX_DAYS
  ) {
    problems.push({
      prop: 'retentionDays',
      message:
        `retentionDays must be a whole number of days from ${CLOUD_LOGGING_RETENTION_MIN_DAYS} to ` +
        `${CLOUD_LOGGING_RETENTION_MAX_DAYS} (a Cloud Logging bucket's retention), got: ${retentionDays}`,
    });
  } else if (retentionDays < tier.logRetentionDays) {
    warnings.push({
      id: 'retentionDays',
      message:
        `retentionDays is ${retentionDays}, below ${tier.name}'s log retention of ${tier.logRetentionDays} days: ` +
        `Data Access logs older than that are gone (the _Required bucket keeps Admin Activity logs ` +
        `${CLOUD_LOGGING_REQUIRED_BUCKET_RETENTION_DAYS} days)`,
    });
  }
  const locked = intent.locked ?? true;
  if (!locked) {
    warnings.push({
      id: 'locked',
      message:
        'locked is false: anyone who may update log buckets can shorten the retention and delete the audit record',
    });
  }
  const known = Object.keys(DATA_ACCESS_AUDIT_SERVICES);
  const requested = intent.dataAccessServices ?? known;
  const unknown = requested.filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    problems.push({
      prop: 'dataAccessServices',
      message: `dataAccessServices must be among ${known.join(', ')}, got: ${unknown.join(', ')}`,
    });
  }
  const repeated = requested.filter((s, i) => requested.indexOf(s) !== i);
  if (repeated.length > 0) {
    problems.push({
      prop: 'dataAccessServices',
      message: `dataAccessServices must name each service once, got: ${[...new Set(repeated)].join(', ')} twice`,
    });
  }
  return {
    retentionDays,
    locked,
    filter: AUDIT_LOG_FILTER,
    dataAccessServices: [...new Set(requested.filter((s) => known.includes(s)))].sort() as DataAccessAuditService[],
    logTypes: [...DATA_ACCESS_LOG_TYPES],
    problems,
    warnings,
  };
}
