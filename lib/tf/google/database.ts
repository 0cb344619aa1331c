import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { SqlDatabaseInstance, SqlDatabaseInstanceSettings } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { CLOUD_SQL_PITR_MAX_DAYS, FailureDomain, HaMetadata, HaRole, planCloudSql } from '../../core';
import { HaValidationError } from '../../core/errors';
import { emitWarnings, throwProblems } from '../diagnostics';
import { acknowledgeHaFinding } from '../ha-checks';
import { GOOGLE_SERVICE_AGENTS, GoogleApi } from './apis';
import { GoogleHaProps } from './ha-props';
import { addDependsOn, ProjectServices } from './project-services';
import { IRegionalNetwork } from './network';
import { newCryptoKey } from './private/keys';
import { statefulLifecycle } from './private/lifecycle';
import { attachRecord, haLabels, haRecord, markResources } from './private/metadata';
import { uniqueName } from './private/names';
import { projectOf } from './private/project';
import { invalidRegionNames } from './private/regions';

/**
 * The Cloud DNS API, which Cloud SQL needs to create an instance's write endpoint.
 * @see https://cloud.google.com/sql/docs/postgres/connect-to-instance-using-write-endpoint
 */
const CLOUD_DNS_API: GoogleApi = 'dns.googleapis.com';

/** Cloud SQL edition. */
export enum CloudSqlEdition {
  /** 99.99% SLA with HA, sub-second-downtime maintenance, up to 35 days of point-in-time recovery. */
  ENTERPRISE_PLUS = 'ENTERPRISE_PLUS',
  /** 99.95% SLA with HA, up to 7 days of point-in-time recovery. */
  ENTERPRISE = 'ENTERPRISE',
}

/**
 * Days of write-ahead log Cloud SQL keeps for point-in-time recovery, per edition.
 * @see https://cloud.google.com/sql/docs/postgres/backup-recovery/pitr#log-retention
 */
export const CLOUD_SQL_MAX_LOG_RETENTION_DAYS: Readonly<Record<CloudSqlEdition, number>> = {
  [CloudSqlEdition.ENTERPRISE_PLUS]: CLOUD_SQL_PITR_MAX_DAYS.ENTERPRISE_PLUS,
  [CloudSqlEdition.ENTERPRISE]: CLOUD_SQL_PITR_MAX_DAYS.ENTERPRISE,
};

/** Client encryption Cloud SQL enforces. */
export enum CloudSqlSslMode {
  /** TLS required; client certificates optional (IAM database authentication or passwords). */
  ENCRYPTED_ONLY = 'ENCRYPTED_ONLY',
  /** TLS with a client certificate Cloud SQL trusts. */
  TRUSTED_CLIENT_CERTIFICATE_REQUIRED = 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED',
}

/** Props of {@link HaCloudSql}. */
export interface HaCloudSqlProps extends GoogleHaProps {
  /** The network whose private services access the instances get their private IPs from. */
  readonly network: IRegionalNetwork;
  /** Region of the primary instance. */
  readonly region: string;
  /**
   * Region of the cross-region read replica, the copy to promote when the primary's region is lost.
   * Required for every multi-region tier (all but BACKUP_RESTORE), with `replicaLagAccepted`.
   * @default - no replica (only for BACKUP_RESTORE tiers)
   */
  readonly replicaRegion?: string;
  /**
   * Why this data set accepts a cross-region replica whose lag has no bound: Cloud SQL replicates
   * across regions asynchronously and publishes no lag bound, so no region RPO can be shown for it
   * (HA-DR3) and the construct refuses a replica without this. The reason (at least 20 characters)
   * becomes the acknowledgement of HA-DR3 on the construct, which the report shows. Data that
   * must meet the tier's region RPO belongs in a store whose writes commit in several regions,
   * such as Spanner multi-region.
   * @default - no replica is accepted: only BACKUP_RESTORE tiers without `replicaRegion`
   */
  readonly replicaLagAccepted?: string;
  /**
   * The region whose instance writes now: `region` as deployed, or `replicaRegion` once the DR
   * replica has been promoted (a replica failover in a region outage, or a switchover). Changing it
   * re-renders the two instances' roles in place: each keeps its construct id, name, region and
   * key, so `terraform plan` replaces nothing. Only with advanced DR (edition ENTERPRISE_PLUS).
   * @default - `region`
   */
  readonly activeRegion?: string;
  /**
   * Designate the replica as the primary's DR replica (advanced DR: replica failover, switchover).
   * The primary can name only a replica that exists, and the replica is created after the primary
   * it replicates from, so one apply cannot do both: deploy a new database with the default, which
   * creates both instances (and the write endpoint), then set `true` and apply again, which updates
   * the primary in place. Until then a warning says so and the HA checks flag HA-DR7.
   * @default false
   */
  readonly designateDrReplica?: boolean;
  /**
   * PostgreSQL version.
   * @default 'POSTGRES_16'
   */
  readonly databaseVersion?: string;
  /**
   * Edition.
   * @default - ENTERPRISE_PLUS when ENTERPRISE's 99.95% SLA leaves no room under the tier's
   * availability target (a target of 99.95% or more: the fleet and load balancer in series with
   * the database take some of it), otherwise ENTERPRISE
   */
  readonly edition?: CloudSqlEdition;
  /**
   * Machine tier.
   * @default - 'db-perf-optimized-N-2' for ENTERPRISE_PLUS, 'db-custom-2-7680' for ENTERPRISE
   */
  readonly machineTier?: string;
  /**
   * Initial disk size in GB (the disk grows automatically).
   * @default 100
   */
  readonly diskSizeGb?: number;
  /**
   * Client encryption to enforce.
   * @default CloudSqlSslMode.ENCRYPTED_ONLY
   */
  readonly sslMode?: CloudSqlSslMode;
  /**
   * Notification channels (ids) the replica-lag alert notifies: with a replica, an alert fires when
   * its lag exceeds the tier's region RPO (Cloud SQL publishes no bound on it, so it is watched).
   * @default - no alert
   */
  readonly notificationChannels?: string[];
  /**
   * Day of the maintenance window, 1 (Monday) to 7 (Sunday).
   * @default 7
   */
  readonly maintenanceDay?: number;
  /**
   * Hour (UTC) of the maintenance window.
   * @default 3
   */
  readonly maintenanceHour?: number;
  /**
   * Start (UTC, HH:MM) of the daily backup window; away from the maintenance window.
   * @default '01:00'
   */
  readonly backupStartTime?: string;
  /**
   * Keep `prevent_destroy` on the instances and keys. Setting it to false lets Terraform destroy the
   * database (deletion protection stays on and must be turned off in a separate apply) and warns.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * Cloud SQL for PostgreSQL that survives a zone loss, and a region loss for multi-region tiers.
 *
 * A REGIONAL (HA) primary: a synchronous standby in another zone takes over with no data loss, in a
 * failover Google starts once the primary is unresponsive for about `CLOUD_SQL_HA_FAILOVER_SECONDS`. Daily backups retained `tier.backupRetentionDays`,
 * point-in-time recovery with the write-ahead log kept as long as the edition allows, deletion
 * protection both in Terraform (`deletion_protection`) and in the Cloud SQL API
 * (`deletion_protection_enabled`, which also stops console and gcloud deletes), `prevent_destroy`,
 * a customer-managed key per region, private IP only, TLS enforced, IAM database authentication,
 * connection logging, Query Insights and a maintenance window. Multi-region tiers get a
 * cross-region read replica to promote (REGIONAL itself for ACTIVE_ACTIVE and WARM_STANDBY, so the
 * promoted primary is HA at once; ZONAL for PILOT_LIGHT, made REGIONAL by the apply that follows).
 *
 * Cloud SQL cannot meet a multi-region tier's region RPO: its cross-region replication is
 * asynchronous with no published lag bound, so the HA checks cannot show any RPO for it (HA-DR3).
 * The construct therefore refuses a multi-region tier (and any replica) unless `replicaLagAccepted`
 * says why this data set accepts that, and then acknowledges HA-DR3 with the reason. Data held to
 * the tier's region RPO belongs in a store whose writes commit in several regions, such as Spanner
 * multi-region (not wrapped by this library yet).
 *
 * Where the tier keeps a standby region the edition is Enterprise Plus and the replica is the
 * primary's designated DR replica (advanced disaster recovery): it has the primary's machine tier,
 * and clients connect through `writeEndpoint`, a private DNS name Cloud SQL points at whichever
 * instance writes (the Cloud DNS API is enabled for it). The day of a region outage and after:
 *
 * 1. Failover: `gcloud sql instances promote-replica <replica> --failover` makes the DR replica the
 *    writer; the write endpoint follows it. Cloud SQL tries to add the old primary back as its
 *    replica once the old region is online. Google publishes no duration for the promotion: a
 *    drill measures it (`recordDrillMeasurement(database.replica, { step: 'promotion', ... })`).
 * 2. The next apply: set `activeRegion` to `replicaRegion`. The same two instances are rendered with
 *    their roles swapped (the promoted one writes, with backups, point-in-time recovery and REGIONAL
 *    availability; the old primary replicates from it); no address, name or key changes, so
 *    `terraform plan` shows updates in place only. Apply it once the old region is back.
 * 3. Failback, once the old primary has caught up: `gcloud sql instances switchover <old primary>`
 *    (both regions up, no data loss) swaps the roles back; then set `activeRegion` back to `region`
 *    (or remove it) and apply, which again updates in place only. A switchover also rehearses DR.
 *
 * Without advanced DR (an explicit ENTERPRISE edition) a promoted replica is detached from its
 * primary, and `activeRegion` cannot name it: a warning says so.
 *
 * Cloud SQL's service agent is created before the keys are granted to it, and the APIs are enabled
 * before the instances, by the stack's `ProjectServices` (`projectServices`).
 * @see https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery
 * @see https://cloud.google.com/sql/docs/postgres/connect-to-instance-using-write-endpoint
 *
 * With a replica and `notificationChannels`, an alert pages when the replica's lag exceeds the
 * tier's region RPO (Cloud SQL publishes no bound on cross-region lag, so it is watched instead).
 *
 * Construct ids (public API, stateful): `Resource` (deployed primary), `Key`, `KeyRing`, `Replica`,
 * `ReplicaKey`, `ReplicaKeyRing`; `ReplicaLagAlert`.
 */
export class HaCloudSql extends Construct {
  /** The instance deployed in `region` (construct id `Resource`), whichever its role now. */
  public readonly instance: SqlDatabaseInstance;
  /** The instance deployed in `replicaRegion` (construct id `Replica`), whichever its role now. */
  public readonly replica?: SqlDatabaseInstance;
  /** The instance that writes now: `instance`, or `replica` when `activeRegion` is its region. */
  public readonly writer: SqlDatabaseInstance;
  /** The instance that replicates now, in the other region: what a failover promotes (with a replica). */
  public readonly standby?: SqlDatabaseInstance;
  /** Region of {@link instance}, as deployed. */
  public readonly region: string;
  /** Region of {@link replica}, as deployed. */
  public readonly replicaRegion?: string;
  /** Whether the writer designates the standby as its DR replica (advanced DR: replica failover, switchover). */
  public readonly drReplicaDesignated: boolean;
  /**
   * The write endpoint (advanced DR): a private DNS name that Cloud SQL points at whichever instance
   * writes, so clients need no change after a failover or switchover. Connect with it.
   */
  public readonly writeEndpoint?: string;
  /** The alert on the replica's lag (with a replica and `notificationChannels`). */
  public readonly replicaLagAlert?: MonitoringAlertPolicy;
  public readonly edition: CloudSqlEdition;
  /** Private IP of the writer (it changes on failover: prefer `writeEndpoint`). */
  public readonly privateIpAddress: string;
  /** Connection name of the writer (`project:region:name`), for the Cloud SQL connectors. */
  public readonly connectionName: string;
  private readonly record: HaMetadata;
  private readonly services: ProjectServices;
  private readonly grantIds = new Set<string>();

  constructor(scope: Construct, id: string, props: HaCloudSqlProps) {
    super(scope, id);
    const { tier } = props;
    const concrete = (region?: string) => (region === undefined || Token.isUnresolved(region) ? undefined : region);
    // Whether a string is a region name at all is Google Cloud's naming, checked before the plan's rules.
    const invalid = invalidRegionNames(
      [props.region, props.replicaRegion].map(concrete).filter((r): r is string => r !== undefined),
    );
    if (invalid.length > 0) {
      throw new HaValidationError(
        `region and replicaRegion must be region names such as us-central1, got: ${invalid.join(', ')}`,
        { path: this.node.path },
      );
    }
    const plan = planCloudSql(tier, {
      region: concrete(props.region),
      hasReplica: props.replicaRegion !== undefined,
      replicaRegion: concrete(props.replicaRegion),
      replicaLagAccepted: props.replicaLagAccepted,
      allowedRegions: props.allowedRegions,
      privateServiceAccess: props.network.privateServiceAccess !== undefined,
      edition: props.edition,
      machineTier: props.machineTier,
      maintenanceDay: props.maintenanceDay,
      maintenanceHour: props.maintenanceHour,
      diskSizeGb: props.diskSizeGb,
      backupStartTime: props.backupStartTime,
      activeRegion: concrete(props.activeRegion),
      designateDrReplica: props.designateDrReplica,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'HaCloudSql', plan.warnings);
    this.edition = plan.edition as CloudSqlEdition;
    // The plan refuses a network without it.
    const privateServiceAccess = props.network.privateServiceAccess!;
    const lifecycle = statefulLifecycle(this, 'HaCloudSql', props.preventDestroy);

    const record = haRecord(this, props, { component: 'HaCloudSql', failureDomain: FailureDomain.REGION });
    this.record = record;
    const labels = haLabels(props, record);
    this.services = ProjectServices.of(this, props.projectServices);
    const cloudSqlAgent = this.services.serviceAgent(GOOGLE_SERVICE_AGENTS.CLOUD_SQL);
    const settings = (availabilityType: string, userLabels: Record<string, string>): SqlDatabaseInstanceSettings => ({
      tier: plan.machineTier,
      edition: this.edition,
      availabilityType,
      diskType: 'PD_SSD',
      diskSize: plan.diskSizeGb,
      diskAutoresize: true,
      deletionProtectionEnabled: plan.deletionProtection,
      userLabels,
      ipConfiguration: {
        ipv4Enabled: false,
        privateNetwork: props.network.networkId,
        sslMode: props.sslMode ?? CloudSqlSslMode.ENCRYPTED_ONLY,
        enablePrivatePathForGoogleCloudServices: true,
      },
      maintenanceWindow: { ...plan.maintenanceWindow, updateTrack: 'stable' },
      insightsConfig: {
        queryInsightsEnabled: true,
        queryStringLength: 1024,
        recordApplicationTags: true,
        recordClientAddress: false,
      },
      databaseFlags: [
        { name: 'cloudsql.iam_authentication', value: 'on' },
        { name: 'log_connections', value: 'on' },
        { name: 'log_disconnections', value: 'on' },
        { name: 'log_lock_waits', value: 'on' },
        { name: 'log_temp_files', value: '0' },
      ],
    });

    const replicaRecord = haRecord(this, props, {
      component: 'HaCloudSql',
      failureDomain: FailureDomain.REGION,
      role: HaRole.REPLICA,
    });
    const replicaLabels = haLabels(props, replicaRecord);
    const swapped = plan.writer === 'replica';
    // Each instance keeps its construct id, name, region and key for life; a failover swaps only roles.
    const names = { primary: uniqueName(this, 'Resource', 80), replica: uniqueName(this, 'Replica', 80) };
    const databaseVersion = props.databaseVersion ?? 'POSTGRES_16';
    const writerSettings: SqlDatabaseInstanceSettings = {
      ...settings(plan.availabilityType, labels),
      backupConfiguration: {
        enabled: true,
        startTime: plan.backups.startTime,
        pointInTimeRecoveryEnabled: plan.backups.pointInTimeRecovery,
        transactionLogRetentionDays: plan.backups.transactionLogRetentionDays,
        backupRetentionSettings: { retainedBackups: plan.backups.retainedBackups, retentionUnit: 'COUNT' },
      },
    };
    // A read replica keeps no backups of its own; stated so that the old primary drops them after a swap.
    const standbySettings: SqlDatabaseInstanceSettings = {
      ...settings(plan.replicaAvailabilityType, replicaLabels),
      backupConfiguration: { enabled: false, pointInTimeRecoveryEnabled: false },
    };
    const project = projectOf(this).projectId;
    // The writer names its DR replica literally: a reference would close a cycle with master_instance_name.
    const writerRole = (standbyName: string | undefined) => ({
      instanceType: 'CLOUD_SQL_INSTANCE',
      replicaNames: standbyName !== undefined && plan.listReplicaNames ? [standbyName] : undefined,
      replicationCluster:
        standbyName !== undefined && plan.advancedDr
          ? { failoverDrReplicaName: plan.designateDrReplica ? `${project}:${standbyName}` : '' }
          : undefined,
    });

    const primaryKey = newCryptoKey(this, 'Key', {
      location: props.region,
      labels: swapped ? replicaLabels : labels,
      encrypters: { CloudSql: cloudSqlAgent },
    });
    const replicaKey =
      props.replicaRegion === undefined
        ? undefined
        : newCryptoKey(this, 'ReplicaKey', {
            location: props.replicaRegion,
            labels: swapped ? labels : replicaLabels,
            encrypters: { CloudSql: cloudSqlAgent },
          });
    const primaryInstance = (masterInstanceName?: string) =>
      new SqlDatabaseInstance(this, 'Resource', {
        name: names.primary,
        region: props.region,
        databaseVersion,
        encryptionKeyName: primaryKey.key.id,
        deletionProtection: plan.deletionProtection,
        ...(masterInstanceName === undefined
          ? { ...writerRole(replicaKey ? names.replica : undefined), settings: writerSettings }
          : { instanceType: 'READ_REPLICA_INSTANCE', masterInstanceName, settings: standbySettings }),
        dependsOn: [...primaryKey.grants, privateServiceAccess],
        lifecycle,
      });
    const replicaInstance = (masterInstanceName?: string) =>
      new SqlDatabaseInstance(this, 'Replica', {
        name: names.replica,
        region: props.replicaRegion,
        databaseVersion,
        encryptionKeyName: replicaKey!.key.id,
        deletionProtection: plan.deletionProtection,
        ...(masterInstanceName === undefined
          ? { ...writerRole(names.primary), settings: writerSettings }
          : {
              ...(plan.advancedDr ? { instanceType: 'READ_REPLICA_INSTANCE' } : {}),
              masterInstanceName,
              settings: standbySettings,
            }),
        dependsOn: [...replicaKey!.grants, privateServiceAccess],
        lifecycle,
      });
    // The standby refers to the writer (it replicates from it), so the writer is built first.
    if (swapped) {
      this.replica = replicaInstance();
      this.instance = primaryInstance(this.replica.name);
    } else {
      this.instance = primaryInstance();
      this.replica = replicaKey ? replicaInstance(this.instance.name) : undefined;
    }
    this.writer = swapped ? this.replica! : this.instance;
    this.standby = this.replica ? (swapped ? this.instance : this.replica) : undefined;
    this.region = props.region;
    this.replicaRegion = this.replica ? props.replicaRegion : undefined;
    this.drReplicaDesignated = this.replica !== undefined && plan.advancedDr && plan.designateDrReplica;
    this.privateIpAddress = this.writer.privateIpAddress;
    this.connectionName = this.writer.connectionName;
    this.writeEndpoint = plan.advancedDr ? this.writer.replicationCluster.psaWriteEndpoint : undefined;
    if (plan.advancedDr) {
      // Cloud SQL creates the write endpoint's DNS name only when the Cloud DNS API is enabled first.
      const dnsApi = this.services.enable(CLOUD_DNS_API);
      [this.instance, this.replica!].forEach((instance) => addDependsOn(instance, dnsApi));
    }

    if (replicaKey) {
      const standby = swapped ? this.instance : this.replica!;
      const standbyKey = swapped ? primaryKey : replicaKey;
      markResources([this.writer], record);
      markResources([standby, standbyKey.ring, standbyKey.key, ...standbyKey.grants], replicaRecord);
      // Checked above: a replica comes with the reason its lag is accepted.
      acknowledgeHaFinding(this, 'HA-DR3', props.replicaLagAccepted!);

      const alert = plan.replicaLagAlert;
      if (props.notificationChannels && props.notificationChannels.length > 0) {
        const replicaId = Fn.join(':', [standby.project, standby.name]);
        this.replicaLagAlert = new MonitoringAlertPolicy(this, 'ReplicaLagAlert', {
          displayName: `${this.node.path}: replica lag above ${tier.name}'s region RPO`,
          combiner: 'OR',
          conditions: [
            {
              displayName: `Replica lag above ${alert.thresholdSeconds} s for ${alert.durationText}`,
              conditionThreshold: {
                filter: `metric.type="cloudsql.googleapis.com/database/replication/replica_lag" AND resource.type="cloudsql_database" AND resource.label.database_id="${replicaId}"`,
                aggregations: [{ alignmentPeriod: `${alert.periodSeconds}s`, perSeriesAligner: 'ALIGN_MAX' }],
                comparison: 'COMPARISON_GT',
                thresholdValue: alert.thresholdSeconds,
                duration: `${alert.durationSeconds}s`,
                // A replica that stops reporting lag is not replicating: that is the same emergency.
                evaluationMissingData: alert.missingDataFires
                  ? 'EVALUATION_MISSING_DATA_ACTIVE'
                  : 'EVALUATION_MISSING_DATA_INACTIVE',
              },
            },
          ],
          severity: 'CRITICAL',
          notificationChannels: [...props.notificationChannels],
          documentation: {
            mimeType: 'text/markdown',
            content: `The cross-region replica of ${this.node.path} lags more than ${alert.thresholdSeconds} s: a region failover now loses more writes than ${tier.name} allows. Find what holds replication back (long transactions, replica CPU or disk) before the primary region has a problem.`,
          },
          userLabels: replicaLabels,
        });
        markResources([this.replicaLagAlert], replicaRecord);
      }
    }

    this.services.use(this);
    attachRecord(this, record);
  }

  /**
   * Lets a service account connect to this database, and to nothing else in the project: Cloud SQL
   * Client (`roles/cloudsql.client`, through the Cloud SQL connectors and Auth Proxy) and Cloud SQL
   * Instance User (`roles/cloudsql.instanceUser`, IAM database login), each with an IAM condition
   * naming the two instances (the writer may be either after a failover), and its IAM database user
   * ({@link addIamServiceAccountUser}). Privileges inside PostgreSQL are still granted there.
   * Construct ids: `Connect-<id>`, `Login-<id>`, `IamUser-<id>`.
   * @see https://cloud.google.com/sql/docs/postgres/iam-conditions
   */
  public grantConnect(id: string, serviceAccountEmail: string): ProjectIamMember[] {
    if (this.grantIds.has(id)) {
      throw new HaValidationError(`id must be unique among this database's grants, got: ${id} twice`, {
        path: this.node.path,
      });
    }
    this.grantIds.add(id);
    const project = projectOf(this).projectId;
    const instances = [this.instance, ...(this.replica ? [this.replica] : [])].map(
      (i) => `resource.name == 'projects/${project}/instances/${i.name}'`,
    );
    const condition = {
      title: `Only ${this.node.path}`.slice(0, 100),
      description: `The instances of ${this.node.path}, whichever writes`,
      expression: `resource.type == 'sqladmin.googleapis.com/Instance' && (${instances.join(' || ')})`,
    };
    const grants = (
      [
        ['Connect', 'roles/cloudsql.client'],
        ['Login', 'roles/cloudsql.instanceUser'],
      ] as const
    ).map(
      ([name, role]) =>
        new ProjectIamMember(this, `${name}-${id}`, {
          project,
          role,
          member: `serviceAccount:${serviceAccountEmail}`,
          condition,
        }),
    );
    this.services.use(this);
    markResources(grants, this.record);
    this.addIamServiceAccountUser(id, serviceAccountEmail);
    return grants;
  }

  /**
   * Lets a service account log in with IAM database authentication (no password; the instance has
   * `cloudsql.iam_authentication` on). The account also needs `roles/cloudsql.client` and
   * `roles/cloudsql.instanceUser` in the project, and database privileges granted in PostgreSQL.
   * Construct id: `IamUser-<id>`.
   */
  public addIamServiceAccountUser(id: string, serviceAccountEmail: string): SqlUser {
    const suffix = '.gserviceaccount.com';
    // Cloud SQL names a service account's database user by its email without the domain suffix.
    const name = Token.isUnresolved(serviceAccountEmail)
      ? Fn.trimsuffix(serviceAccountEmail, suffix)
      : serviceAccountEmail.endsWith(suffix)
        ? serviceAccountEmail.slice(0, -suffix.length)
        : serviceAccountEmail;
    const user = new SqlUser(this, `IamUser-${id}`, {
      instance: this.instance.name,
      name,
      type: 'CLOUD_IAM_SERVICE_ACCOUNT',
    });
    this.services.use(user);
    markResources([user], this.record);
    return user;
  }
}
