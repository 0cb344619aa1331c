import { HaValidationError } from '../../core/errors';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { SqlDatabaseInstance, SqlDatabaseInstanceSettings } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { CLOUD_SQL_HA_FAILOVER_SECONDS, DrStrategy, FailureDomain, HaMetadata, HaRole, PUBLISHED_SLAS, regionPlacementProblem } from '../../core';
import { acknowledgeHaFinding } from '../ha-checks';
import { GoogleHaProps } from './ha-props';
import { IRegionalNetwork } from './network';
import { newCryptoKey } from './private/keys';
import { statefulLifecycle, warn } from './private/lifecycle';
import { attachRecord, haLabels, haRecord, markResources } from './private/metadata';
import { uniqueName } from './private/names';
import { SERVICE_AGENT_DOMAINS, serviceAgentMember } from './private/project';
import { invalidRegionNames } from './private/regions';
import { requireInteger } from './private/validate';

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
  [CloudSqlEdition.ENTERPRISE_PLUS]: 35,
  [CloudSqlEdition.ENTERPRISE]: 7,
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
 * A REGIONAL (HA) primary: a synchronous standby in another zone takes over after about
 * `CLOUD_SQL_HA_FAILOVER_SECONDS` with no data loss. Daily backups retained `tier.backupRetentionDays`,
 * point-in-time recovery with the write-ahead log kept as long as the edition allows, deletion
 * protection both in Terraform (`deletion_protection`) and in the Cloud SQL API
 * (`deletion_protection_enabled`, which also stops console and gcloud deletes), `prevent_destroy`,
 * a customer-managed key per region, private IP only, TLS enforced, IAM database authentication,
 * connection logging, Query Insights and a maintenance window. Multi-region tiers get a
 * cross-region read replica to promote (REGIONAL itself for ACTIVE_ACTIVE and WARM_STANDBY, so the
 * promoted primary is HA at once; ZONAL for PILOT_LIGHT, made REGIONAL on promotion).
 *
 * Cloud SQL cannot meet a multi-region tier's region RPO: its cross-region replication is
 * asynchronous with no published lag bound, so the HA checks cannot show any RPO for it (HA-DR3).
 * The construct therefore refuses a multi-region tier (and any replica) unless `replicaLagAccepted`
 * says why this data set accepts that, and then acknowledges HA-DR3 with the reason. Data held to
 * the tier's region RPO belongs in a store whose writes commit in several regions, such as Spanner
 * multi-region (not wrapped by this library yet).
 *
 * Cloud SQL's service agent must exist before the keys are granted to it: on a new project run
 * `gcloud beta services identity create --service=sqladmin.googleapis.com` once.
 *
 * With a replica and `notificationChannels`, an alert pages when the replica's lag exceeds the
 * tier's region RPO (Cloud SQL publishes no bound on cross-region lag, so it is watched instead).
 *
 * Construct ids (public API, stateful): `Resource` (primary), `Key`, `KeyRing`, `Replica`,
 * `ReplicaKey`, `ReplicaKeyRing`; `ReplicaLagAlert`.
 */
export class HaCloudSql extends Construct {
  public readonly instance: SqlDatabaseInstance;
  public readonly replica?: SqlDatabaseInstance;
  /** The alert on the replica's lag (with a replica and `notificationChannels`). */
  public readonly replicaLagAlert?: MonitoringAlertPolicy;
  public readonly edition: CloudSqlEdition;
  /** Private IP of the primary. */
  public readonly privateIpAddress: string;
  /** Connection name of the primary (`project:region:name`), for the Cloud SQL connectors. */
  public readonly connectionName: string;
  private readonly record: HaMetadata;

  constructor(scope: Construct, id: string, props: HaCloudSqlProps) {
    super(scope, id);
    const { tier } = props;
    const concreteRegions = [props.region, props.replicaRegion].filter((r): r is string => r !== undefined && !Token.isUnresolved(r));
    const invalid = invalidRegionNames(concreteRegions);
    if (invalid.length > 0) {
      throw new HaValidationError(`region and replicaRegion must be region names such as us-central1, got: ${invalid.join(', ')}`);
    }
    if (tier.isMultiRegion && props.replicaRegion === undefined) {
      throw new HaValidationError(`replicaRegion must be set for ${tier.name} (${tier.strategy} keeps a copy of the data in a second region), got: none`);
    }
    const primaryRegion = Token.isUnresolved(props.region) ? undefined : props.region;
    if (props.replicaRegion !== undefined && !Token.isUnresolved(props.replicaRegion)) {
      if (props.replicaRegion === primaryRegion) {
        throw new HaValidationError(`replicaRegion must differ from the primary region ${primaryRegion}, got: ${props.replicaRegion}`);
      }
      const problem = regionPlacementProblem({ prop: 'replicaRegion', primaryRegion, replicaRegions: [props.replicaRegion], allowedRegions: props.allowedRegions });
      if (problem) {
        throw new HaValidationError(problem);
      }
    } else if (props.allowedRegions && primaryRegion && !props.allowedRegions.includes(primaryRegion)) {
      throw new HaValidationError(`region must be one of allowedRegions (${props.allowedRegions.join(', ')}), got: ${primaryRegion}`);
    }
    if (!props.network.privateServiceAccess) {
      throw new HaValidationError('network must have private services access (RegionalNetwork privateServiceAccess: true): the instances have private IPs only');
    }
    const maintenanceDay = props.maintenanceDay ?? 7;
    requireInteger('maintenanceDay', maintenanceDay, 1, 7);
    const maintenanceHour = props.maintenanceHour ?? 3;
    requireInteger('maintenanceHour', maintenanceHour, 0, 23);
    const diskSizeGb = props.diskSizeGb ?? 100;
    requireInteger('diskSizeGb', diskSizeGb, 10);
    const backupStartTime = props.backupStartTime ?? '01:00';
    if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(backupStartTime)) {
      throw new HaValidationError(`backupStartTime must be a UTC time HH:MM, got: ${backupStartTime}`);
    }
    // Each prop's own value is checked above; what is left is whether Cloud SQL can serve the tier at all.
    if (props.replicaRegion !== undefined && props.replicaLagAccepted === undefined) {
      throw new HaValidationError(tier.isMultiRegion
        ? `tier ${tier.name} needs a copy in a second region within its region RPO of ${tier.regionRpoSeconds} s, which HaCloudSql cannot show: `
          + 'Cloud SQL replicates across regions asynchronously with no published lag bound (HA-DR3). Keep data held to that RPO in a store whose '
          + 'writes commit in several regions, such as Spanner multi-region; or state in replicaLagAccepted why this data set accepts an unbounded '
          + 'replica lag (it becomes the acknowledgement of HA-DR3), got: replicaLagAccepted undefined'
        : `replicaLagAccepted must say why this data set accepts a replica in ${props.replicaRegion} whose lag Cloud SQL does not bound (HA-DR3), `
          + `or leave out replicaRegion (${tier.name} restores from backups), got: replicaLagAccepted undefined`);
    }
    if (props.replicaLagAccepted !== undefined) {
      if (props.replicaRegion === undefined) {
        throw new HaValidationError('replicaLagAccepted is about the cross-region replica: set replicaRegion too, or leave replicaLagAccepted out, got: replicaRegion undefined');
      }
      if (props.replicaLagAccepted.trim().length < 20) {
        throw new HaValidationError(`replicaLagAccepted must say why this data set accepts an unbounded replica lag (at least 20 characters), got: '${props.replicaLagAccepted}'`);
      }
    }
    // An edition whose SLA equals the target leaves nothing for what serves in series with it: ENTERPRISE
    // (99.95%) behind a zonal fleet (99.99%) composes to 99.940005%, below TIER_1's 99.95% (HA-RES1).
    // https://cloud.google.com/sql/sla
    this.edition = props.edition
      ?? (tier.availabilityTarget >= PUBLISHED_SLAS.CLOUD_SQL_ENTERPRISE_HA ? CloudSqlEdition.ENTERPRISE_PLUS : CloudSqlEdition.ENTERPRISE);
    const sla = this.edition === CloudSqlEdition.ENTERPRISE_PLUS ? PUBLISHED_SLAS.CLOUD_SQL_ENTERPRISE_PLUS_HA : PUBLISHED_SLAS.CLOUD_SQL_ENTERPRISE_HA;
    const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(12))}%`;
    if (sla < tier.availabilityTarget) {
      warn(this, 'HaCloudSql.edition', `edition ${this.edition} has a ${percent(sla)} SLA, below ${tier.name}'s availability target of ${percent(tier.availabilityTarget)}`);
    } else if (sla === tier.availabilityTarget) {
      warn(this, 'HaCloudSql.edition', `edition ${this.edition} has a ${percent(sla)} SLA, the whole of ${tier.name}'s availability target: `
        + 'anything in series with the database (the fleet, the load balancer) takes the service below it (HA-RES1)');
    }
    if (CLOUD_SQL_HA_FAILOVER_SECONDS > tier.azRtoSeconds) {
      warn(this, 'HaCloudSql.availabilityType', `Cloud SQL HA fails over to the standby zone after about ${CLOUD_SQL_HA_FAILOVER_SECONDS} s, above ${tier.name}'s zone RTO of ${tier.azRtoSeconds} s: writes pause for longer than the tier allows`);
    }
    const lifecycle = statefulLifecycle(this, 'HaCloudSql', props.preventDestroy);
    const logRetentionDays = Math.min(tier.backupRetentionDays, CLOUD_SQL_MAX_LOG_RETENTION_DAYS[this.edition]);

    const record = haRecord(this, props, { component: 'HaCloudSql', failureDomain: FailureDomain.REGION });
    this.record = record;
    const labels = haLabels(props, record);
    const cloudSqlAgent = serviceAgentMember(this, SERVICE_AGENT_DOMAINS.CLOUD_SQL);
    const machineTier = props.machineTier
      ?? (this.edition === CloudSqlEdition.ENTERPRISE_PLUS ? 'db-perf-optimized-N-2' : 'db-custom-2-7680');

    const settings = (availabilityType: string, userLabels: Record<string, string>): SqlDatabaseInstanceSettings => ({
      tier: machineTier,
      edition: this.edition,
      availabilityType,
      diskType: 'PD_SSD',
      diskSize: diskSizeGb,
      diskAutoresize: true,
      deletionProtectionEnabled: true,
      userLabels,
      ipConfiguration: {
        ipv4Enabled: false,
        privateNetwork: props.network.networkId,
        sslMode: props.sslMode ?? CloudSqlSslMode.ENCRYPTED_ONLY,
        enablePrivatePathForGoogleCloudServices: true,
      },
      maintenanceWindow: { day: maintenanceDay, hour: maintenanceHour, updateTrack: 'stable' },
      insightsConfig: { queryInsightsEnabled: true, queryStringLength: 1024, recordApplicationTags: true, recordClientAddress: false },
      databaseFlags: [
        { name: 'cloudsql.iam_authentication', value: 'on' },
        { name: 'log_connections', value: 'on' },
        { name: 'log_disconnections', value: 'on' },
        { name: 'log_lock_waits', value: 'on' },
        { name: 'log_temp_files', value: '0' },
      ],
    });

    const { key, grants } = newCryptoKey(this, 'Key', { location: props.region, labels, encrypters: { CloudSql: cloudSqlAgent } });
    const primarySettings = settings('REGIONAL', labels);
    this.instance = new SqlDatabaseInstance(this, 'Resource', {
      name: uniqueName(this, 'Resource', 80),
      region: props.region,
      databaseVersion: props.databaseVersion ?? 'POSTGRES_16',
      encryptionKeyName: key.id,
      deletionProtection: true,
      settings: {
        ...primarySettings,
        backupConfiguration: {
          enabled: true,
          startTime: backupStartTime,
          pointInTimeRecoveryEnabled: true,
          transactionLogRetentionDays: logRetentionDays,
          backupRetentionSettings: { retainedBackups: tier.backupRetentionDays, retentionUnit: 'COUNT' },
        },
      },
      dependsOn: [...grants, props.network.privateServiceAccess],
      lifecycle,
    });
    this.privateIpAddress = this.instance.privateIpAddress;
    this.connectionName = this.instance.connectionName;

    if (props.replicaRegion !== undefined) {
      const replicaRecord = haRecord(this, props, { component: 'HaCloudSql', failureDomain: FailureDomain.REGION, role: HaRole.REPLICA });
      const replicaLabels = haLabels(props, replicaRecord);
      const replicaKey = newCryptoKey(this, 'ReplicaKey', { location: props.replicaRegion, labels: replicaLabels, encrypters: { CloudSql: cloudSqlAgent } });
      const replicaHa = tier.strategy === DrStrategy.ACTIVE_ACTIVE || tier.strategy === DrStrategy.WARM_STANDBY;
      this.replica = new SqlDatabaseInstance(this, 'Replica', {
        name: uniqueName(this, 'Replica', 80),
        region: props.replicaRegion,
        databaseVersion: props.databaseVersion ?? 'POSTGRES_16',
        masterInstanceName: this.instance.name,
        encryptionKeyName: replicaKey.key.id,
        deletionProtection: true,
        settings: settings(replicaHa ? 'REGIONAL' : 'ZONAL', replicaLabels),
        dependsOn: [...replicaKey.grants, props.network.privateServiceAccess],
        lifecycle,
      });
      markResources([this.replica, replicaKey.ring, replicaKey.key, ...replicaKey.grants], replicaRecord);
      // Checked above: a replica comes with the reason its lag is accepted.
      acknowledgeHaFinding(this, 'HA-DR3', props.replicaLagAccepted!);

      if (props.notificationChannels && props.notificationChannels.length > 0) {
        const replicaId = Fn.join(':', [this.replica.project, this.replica.name]);
        this.replicaLagAlert = new MonitoringAlertPolicy(this, 'ReplicaLagAlert', {
          displayName: `${this.node.path}: replica lag above ${tier.name}'s region RPO`,
          combiner: 'OR',
          conditions: [{
            displayName: `Replica lag above ${tier.regionRpoSeconds} s for 3 minutes`,
            conditionThreshold: {
              filter: `metric.type="cloudsql.googleapis.com/database/replication/replica_lag" AND resource.type="cloudsql_database" AND resource.label.database_id="${replicaId}"`,
              aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_MAX' }],
              comparison: 'COMPARISON_GT',
              thresholdValue: tier.regionRpoSeconds,
              duration: '180s',
              // A replica that stops reporting lag is not replicating: that is the same emergency.
              evaluationMissingData: 'EVALUATION_MISSING_DATA_ACTIVE',
            },
          }],
          severity: 'CRITICAL',
          notificationChannels: [...props.notificationChannels],
          documentation: {
            mimeType: 'text/markdown',
            content: `The cross-region replica of ${this.node.path} lags more than ${tier.regionRpoSeconds} s: a region failover now loses more writes than ${tier.name} allows. Find what holds replication back (long transactions, replica CPU or disk) before the primary region has a problem.`,
          },
          userLabels: replicaLabels,
        });
        markResources([this.replicaLagAlert], replicaRecord);
      }
    }

    attachRecord(this, record);
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
      : serviceAccountEmail.endsWith(suffix) ? serviceAccountEmail.slice(0, -suffix.length) : serviceAccountEmail;
    const user = new SqlUser(this, `IamUser-${id}`, { instance: this.instance.name, name, type: 'CLOUD_IAM_SERVICE_ACCOUNT' });
    markResources([user], this.record);
    return user;
  }
}
