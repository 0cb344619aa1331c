import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { SpannerBackupSchedule } from '@cdktf/provider-google/lib/spanner-backup-schedule';
import { SpannerDatabase } from '@cdktf/provider-google/lib/spanner-database';
import { SpannerDatabaseIamMember } from '@cdktf/provider-google/lib/spanner-database-iam-member';
import { SpannerInstance } from '@cdktf/provider-google/lib/spanner-instance';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaMetadata, HaRole } from '../../core';
import { planSpanner, SpannerConfigurationRegions, SpannerEdition } from '../../core/plans/spanner';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { statefulLifecycle } from './private/lifecycle';
import { attachRecord, haLabels, haRecord, markResources } from './private/metadata';
import { uniqueName } from './private/names';

/** Props of {@link HaSpanner}. */
export interface HaSpannerProps extends GoogleHaProps {
  /**
   * The instance configuration: a multi-region one (`nam3`, `eur3`, `eur6`, `asia1`, or another
   * with `configurationRegions`) for a tier with a second region, `regional-<region>` otherwise.
   */
  readonly configuration: string;
  /**
   * The regions of a configuration this library does not list, as `gcloud spanner
   * instance-configs describe` shows them (read-write regions with the default leader first).
   * @default - the library's table for a listed name, the region of a `regional-` name
   */
  readonly configurationRegions?: SpannerConfigurationRegions;
  /**
   * The regions the service's fleets serve from: they must be the configuration's read-write
   * regions, so that every serving region writes locally and is where leaders fail over to.
   */
  readonly servingRegions: string[];
  /** Database id: `[a-z][a-z0-9_-]*[a-z0-9]`, 2 to 30 characters. */
  readonly databaseName: string;
  /**
   * SQL dialect.
   * @default 'GOOGLE_STANDARD_SQL'
   */
  readonly databaseDialect?: 'GOOGLE_STANDARD_SQL' | 'POSTGRESQL';
  /**
   * Edition.
   * @default - ENTERPRISE_PLUS for a multi-region configuration (the only edition that has them),
   * ENTERPRISE for a regional one (the managed autoscaler needs it)
   */
  readonly edition?: SpannerEdition;
  /**
   * Compute the autoscaler never goes below, in processing units (whole nodes of 1000).
   * @default 1000
   */
  readonly minProcessingUnits?: number;
  /**
   * Compute the autoscaler never goes above (a cost guard).
   * @default - 4 × minProcessingUnits
   */
  readonly maxProcessingUnits?: number;
  /**
   * Notification channels (ids) the CPU alert notifies: it fires when high-priority CPU stays above
   * Google's recommended maximum (the autoscaler's target) for 15 minutes, so that a region lost then
   * would leave the other region short.
   * @default - no alert
   */
  readonly notificationChannels?: string[];
  /**
   * Keep `prevent_destroy` on the instance, database and keys. False lets Terraform destroy them
   * (deletion and drop protection stay on and must be turned off in a separate apply) and warns.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

const DATABASE_NAME = /^[a-z][a-z0-9_-]{0,28}[a-z0-9]$/;

/**
 * A Spanner database for data that must survive a region with nothing lost: the Google Cloud
 * store whose writes commit across regions. Named like `HaCloudSql`, its sibling: a Google-only
 * construct with no AWS twin (the `Global…` names are AWS constructs with a Terraform twin).
 *
 * The instance uses a predefined multi-region configuration (two read-write regions and a
 * witness): a write commits once a majority of voting replicas in more than one region has it, so a
 * region loss loses no committed write, and leaders move to the other read-write region by
 * themselves (Google publishes no duration for that: the report counts it as unknown until a drill
 * measures it). The fleets follow the data: `servingRegions` must be the read-write regions.
 *
 * Enterprise Plus (multi-region needs it), managed autoscaling at Google's recommended maximum CPU
 * (45% per region multi-region, so one region carries the other's load), a customer-managed key in
 * every region of the configuration (multi-region CMEK), point-in-time recovery over 7 days,
 * full backups on a schedule for the tier's retention (under the database's keys), deletion
 * protection in Terraform (`deletion_protection`) and in Spanner (`enable_drop_protection`, which
 * also stops deleting the instance), and `prevent_destroy`. The Spanner service agent is created
 * and granted the keys before the database, by the stack's `ProjectServices`.
 *
 * With `notificationChannels`, an alert pages when high-priority CPU stays above that maximum.
 *
 * Construct ids (public API, stateful): `Instance`, `Resource` (database), `Key-<region>`,
 * `Key-<region>Ring`, `BackupSchedule`; `CpuAlert`, `DatabaseUser-<id>` for each grant.
 */
export class HaSpanner extends Construct {
  public readonly instance: SpannerInstance;
  public readonly database: SpannerDatabase;
  public readonly backupSchedule: SpannerBackupSchedule;
  /** The alert on high-priority CPU above the recommended maximum (with `notificationChannels`). */
  public readonly cpuAlert?: MonitoringAlertPolicy;
  /** The configuration's read-write regions, the default leader region first. */
  public readonly readWriteRegions: string[];
  public readonly edition: SpannerEdition;
  private readonly record: HaMetadata;
  private readonly services: ProjectServices;

  constructor(scope: Construct, id: string, props: HaSpannerProps) {
    super(scope, id);
    const { tier } = props;
    if (Token.isUnresolved(props.configuration)) {
      throw validationError(
        'configuration must be known at synthesis (it decides the regions, keys and edition), got: an unresolved token',
        this,
        'configuration',
      );
    }
    if (!Token.isUnresolved(props.databaseName) && !DATABASE_NAME.test(props.databaseName)) {
      throw validationError(
        `databaseName must match [a-z][a-z0-9_-]*[a-z0-9] with 2 to 30 characters, got: ${props.databaseName}`,
        this,
        'databaseName',
      );
    }
    const plan = planSpanner(tier, {
      configuration: props.configuration,
      configurationRegions: props.configurationRegions,
      servingRegions: props.servingRegions.map((r) => (Token.isUnresolved(r) ? undefined : r)),
      allowedRegions: props.allowedRegions,
      edition: props.edition,
      minProcessingUnits: props.minProcessingUnits,
      maxProcessingUnits: props.maxProcessingUnits,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'HaSpanner', plan.warnings);
    // The plan refuses a configuration without regions.
    const regions = plan.regions!;
    this.readWriteRegions = [...regions.readWrite];
    this.edition = plan.edition;
    const lifecycle = statefulLifecycle(this, 'HaSpanner', props.preventDestroy);

    const record = haRecord(this, props, {
      component: 'HaSpanner',
      failureDomain: plan.multiRegion ? FailureDomain.GLOBAL : FailureDomain.REGION,
      role: plan.multiRegion ? HaRole.GLOBAL : undefined,
    });
    this.record = record;
    const labels = haLabels(props, record);
    this.services = ProjectServices.of(this, props.projectServices);
    const agent = this.services.serviceAgent(GOOGLE_SERVICE_AGENTS.SPANNER);

    this.instance = new SpannerInstance(this, 'Instance', {
      name: uniqueName(this, 'Instance', 30),
      displayName: uniqueName(this, 'Instance', 30),
      config: props.configuration,
      edition: plan.edition,
      autoscalingConfig: {
        autoscalingLimits: {
          minProcessingUnits: plan.minProcessingUnits,
          maxProcessingUnits: plan.maxProcessingUnits,
        },
        autoscalingTargets: {
          highPriorityCpuUtilizationPercent: plan.highPriorityCpuPercent,
          storageUtilizationPercent: plan.storagePercent,
        },
      },
      // The schedule below is the database's; no second, unencrypted default schedule.
      defaultBackupScheduleType: 'NONE',
      forceDestroy: false,
      labels,
      lifecycle,
    });

    const keys = plan.keyRegions.map((region) =>
      newCryptoKey(this, `Key-${region}`, { location: region, labels, encrypters: { Spanner: agent } }),
    );
    this.database = new SpannerDatabase(this, 'Resource', {
      instance: this.instance.name,
      name: props.databaseName,
      databaseDialect: props.databaseDialect ?? 'GOOGLE_STANDARD_SQL',
      versionRetentionPeriod: `${plan.versionRetentionSeconds}s`,
      encryptionConfig: plan.multiRegion ? { kmsKeyNames: keys.map((k) => k.key.id) } : { kmsKeyName: keys[0].key.id },
      deletionProtection: plan.deletionProtection,
      enableDropProtection: plan.deletionProtection,
      dependsOn: keys.flatMap((k) => k.grants),
      lifecycle,
    });
    this.backupSchedule = new SpannerBackupSchedule(this, 'BackupSchedule', {
      instance: this.instance.name,
      database: this.database.name,
      name: 'full-backups',
      retentionDuration: `${plan.backup.retentionSeconds}s`,
      spec: { cronSpec: { text: plan.backup.cron } },
      fullBackupSpec: {},
      // Backups under the database's own keys, one per region.
      encryptionConfig: { encryptionType: 'USE_DATABASE_ENCRYPTION' },
    });

    const alert = plan.cpuAlert;
    if (props.notificationChannels && props.notificationChannels.length > 0) {
      const percent = Math.round(alert.threshold * 100);
      this.cpuAlert = new MonitoringAlertPolicy(this, 'CpuAlert', {
        displayName: `${this.node.path}: high-priority CPU above ${percent}%`,
        combiner: 'OR',
        conditions: [
          {
            displayName: `High-priority CPU above ${percent}% for ${alert.durationSeconds / 60} minutes`,
            conditionThreshold: {
              filter:
                'metric.type="spanner.googleapis.com/instance/cpu/utilization_by_priority" AND ' +
                `resource.type="spanner_instance" AND resource.label.instance_id="${this.instance.name}" AND ` +
                'metric.label.priority="high"',
              // Every database's and the system's high-priority work, summed for the instance.
              aggregations: [
                {
                  alignmentPeriod: `${alert.periodSeconds}s`,
                  perSeriesAligner: 'ALIGN_MEAN',
                  crossSeriesReducer: 'REDUCE_SUM',
                  groupByFields: ['resource.label.instance_id'],
                },
              ],
              comparison: 'COMPARISON_GT',
              thresholdValue: alert.threshold,
              duration: `${alert.durationSeconds}s`,
            },
          },
        ],
        severity: 'WARNING',
        notificationChannels: [...props.notificationChannels],
        documentation: {
          mimeType: 'text/markdown',
          content:
            `High-priority CPU of ${this.node.path} has stayed above ${percent}%, Google's recommended maximum ` +
            'for its configuration, though the autoscaler aims at it: it is at maxProcessingUnits or cannot keep ' +
            `up. Above it, the replicas left after a ${plan.multiRegion ? 'region' : 'zone'} loss cannot carry ` +
            'the load. Raise maxProcessingUnits or find the expensive queries.',
        },
        userLabels: labels,
      });
    }

    this.services.use(this);
    attachRecord(this, record);
  }

  /** Database id, for connection strings (`projects/P/instances/I/databases/D`). */
  public get databaseName(): string {
    return this.database.name;
  }

  /**
   * Lets a fleet's service account read and write this database and nothing else:
   * `roles/spanner.databaseUser` on the database (not the instance or project).
   * Construct id: `DatabaseUser-<id>`.
   */
  public grantDatabaseUser(id: string, serviceAccountEmail: string): SpannerDatabaseIamMember {
    const grant = new SpannerDatabaseIamMember(this, `DatabaseUser-${id}`, {
      instance: this.instance.name,
      database: this.database.name,
      role: 'roles/spanner.databaseUser',
      member: `serviceAccount:${serviceAccountEmail}`,
    });
    this.services.use(grant);
    markResources([grant], this.record);
    return grant;
  }
}
