import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, regionPlacementProblem } from '../../core';
import { HaValidationError } from '../../core/errors';
import { DataAccessAuditService, planAuditLogs } from '../../core/plans/audit-logs';
import { emitWarnings, throwProblems } from '../diagnostics';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { statefulLifecycle } from './private/lifecycle';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { projectOf } from './private/project';
import { LOG_BUCKET_ID_MAX_LENGTH, LOG_SINK_NAME_MAX_LENGTH, uniqueName } from './private/names';
import { invalidRegionNames } from './private/regions';

export type { DataAccessAuditService };

/** Props of {@link AuditTrail}. */
export interface AuditTrailProps extends GoogleHaProps {
  /** Region of the log bucket and of the key that encrypts it (a key must be where its bucket is). */
  readonly region: string;
  /**
   * Days the bucket keeps every audit log entry (1 to 3650, Cloud Logging's range). A locked bucket's
   * retention can never change: an apply that changes it fails, so choose it before the first apply.
   * @default - tier.logRetentionDays (what the AWS `AuditTrail` locks its log files for)
   */
  readonly retentionDays?: number;
  /**
   * Lock the bucket: its retention can never be lowered, and it cannot be deleted while it holds
   * entries. Setting it to false warns.
   * @default true
   */
  readonly locked?: boolean;
  /**
   * Services whose Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) are turned on for the
   * project. Each `google_project_iam_audit_config` is the project's one setting for its service:
   * leave out a service whose audit logs another stack configures. Data Access logs are billed by
   * volume: Cloud Storage's DATA_READ writes an entry for every object read.
   * @default - Cloud KMS, Cloud SQL, Secret Manager, Spanner and Cloud Storage
   */
  readonly dataAccessServices?: DataAccessAuditService[];
  /**
   * Keep `prevent_destroy` on the bucket and its key. Setting it to false warns.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * The project's audit record on Google Cloud (the concept of the AWS `AuditTrail`): a log bucket
 * keeping every audit log (Admin Activity, Data Access, System Event, Policy Denied) for the tier's
 * retention, locked so that nobody can shorten it, encrypted with a customer-managed key of its
 * region (Cloud Logging's agent is created and granted the key before the bucket), a sink routing the
 * project's audit logs to it, and Data Access audit logs turned on for the data services. Every value
 * comes from core's `planAuditLogs`, whose retention is `planAuditTrail`'s.
 *
 * A bucket in one region is written through that region: while the region is down, new entries may
 * not reach it; Admin Activity logs are kept by the project's `_Required` bucket besides (400 days,
 * Google-managed). A sink into a log bucket of its own project needs no grant.
 *
 * Construct ids (public API, stateful): `Resource` (the bucket), `Key`, `KeyRing`; `Sink`,
 * `DataAccess-<service>` (e.g. `DataAccess-spanner`).
 * @see https://cloud.google.com/logging/docs/buckets#locking-logs-buckets
 * @see https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.sinks (writerIdentity)
 */
export class AuditTrail extends Construct {
  /** The locked log bucket. */
  public readonly bucket: LoggingProjectBucketConfig;
  public readonly sink: LoggingProjectSink;
  /** Days the bucket keeps every entry. */
  public readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { tier } = props;
    requireRegion(props.region, props.allowedRegions);
    const retention = props.retentionDays;
    const plan = planAuditLogs(tier, {
      retentionDays: retention !== undefined && Token.isUnresolved(retention) ? undefined : retention,
      locked: props.locked,
      dataAccessServices: props.dataAccessServices,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, COMPONENT, plan.warnings);
    this.retentionDays = plan.retentionDays;

    const record = haRecord(this, props, {
      component: COMPONENT,
      failureDomain: FailureDomain.REGION,
      role: props.role ?? HaRole.GLOBAL,
    });
    const labels = haLabels(props, record);
    const services = ProjectServices.of(this, props.projectServices);
    const project = projectOf(this).projectId;
    const lifecycle = statefulLifecycle(this, COMPONENT, props.preventDestroy);

    const key = newCryptoKey(this, 'Key', {
      location: props.region,
      labels,
      encrypters: { Logging: services.serviceAgent(GOOGLE_SERVICE_AGENTS.CLOUD_LOGGING) },
    });
    this.bucket = new LoggingProjectBucketConfig(this, 'Resource', {
      project,
      location: props.region,
      bucketId: uniqueName(this, 'Resource', LOG_BUCKET_ID_MAX_LENGTH),
      description: `Audit logs of ${project}, kept ${plan.retentionDays} days`,
      retentionDays: retention !== undefined && Token.isUnresolved(retention) ? retention : plan.retentionDays,
      locked: plan.locked,
      cmekSettings: { kmsKeyName: key.key.id },
      dependsOn: key.grants,
      lifecycle,
    });
    this.sink = new LoggingProjectSink(this, 'Sink', {
      project,
      name: uniqueName(this, 'Sink', LOG_SINK_NAME_MAX_LENGTH),
      description: 'Routes every audit log of the project to the locked audit bucket',
      destination: `logging.googleapis.com/${this.bucket.id}`,
      filter: plan.filter,
      uniqueWriterIdentity: true,
    });
    for (const service of plan.dataAccessServices) {
      new ProjectIamAuditConfig(this, `DataAccess-${service.split('.')[0]}`, {
        project,
        service,
        auditLogConfig: plan.logTypes.map((logType) => ({ logType })),
      });
    }

    services.use(this);
    attachRecord(this, record);
  }
}

/** The component its labels, metadata and warning ids name: the concept's one name on every engine. */
const COMPONENT = 'AuditTrail';

/** The bucket's region: a region name known at synthesis (the key's location), within the allowed regions. */
function requireRegion(region: string, allowedRegions: readonly string[] | undefined): void {
  if (Token.isUnresolved(region) || invalidRegionNames([region]).length > 0) {
    throw new HaValidationError(
      `region must be a region name such as us-central1 (the bucket's and its key's location), got: ${region}`,
    );
  }
  const problem = regionPlacementProblem({ prop: 'region', replicaRegions: [region], allowedRegions });
  if (problem) {
    throw new HaValidationError(problem);
  }
}
