import { BackupDrBackupPlan } from '@cdktf/provider-google/lib/backup-dr-backup-plan';
import { BackupDrBackupPlanAssociation } from '@cdktf/provider-google/lib/backup-dr-backup-plan-association';
import { BackupDrBackupVault } from '@cdktf/provider-google/lib/backup-dr-backup-vault';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaMetadata, regionPlacementProblem } from '../../core';
import { HaValidationError } from '../../core/errors';
import { planBackupVault } from '../../core/plans/backup-vault';
import { emitWarnings, throwProblems } from '../diagnostics';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { statefulLifecycle } from './private/lifecycle';
import { attachRecord, haLabels, haRecord, markResources } from './private/metadata';
import { uniqueName } from './private/names';
import { projectOf } from './private/project';
import { invalidRegionNames } from './private/regions';

/**
 * What a Backup and DR plan can protect through provider 6.50's `google_backup_dr_backup_plan_association`:
 * Compute Engine instances and disks. (Provider 6.50's `google_sql_database_instance` has no
 * argument that attaches a backup plan: Cloud SQL keeps its own backups, `HaCloudSql`'s.)
 */
export type BackupVaultResourceType = 'compute.googleapis.com/Instance' | 'compute.googleapis.com/Disk';

/** Props of {@link BackupPolicy}. */
export interface BackupPolicyProps extends GoogleHaProps {
  /** Region of the vault and its plan: the region of the resources it protects (Backup and DR requires it). */
  readonly region: string;
  /** What the plan backs up. */
  readonly resourceType: BackupVaultResourceType;
  /**
   * Days each backup is kept, and the vault's minimum enforced retention (no backup can be deleted
   * before it): at least the tier's.
   * @default - tier.backupRetentionDays
   */
  readonly retentionDays?: number;
  /**
   * Hours between backups, within Backup and DR's range for the resource type (1 to 23 for Compute
   * Engine), or 24 for daily. Longer than the tier's (the RPO of a restore) warns.
   * @default - tier.backupIntervalHours
   */
  readonly backupIntervalHours?: number;
  /**
   * Keep `prevent_destroy` on the vault. Setting it to false warns.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * Backups of Compute Engine instances or disks in a Backup and DR backup vault that enforces their
 * retention (nobody, the project owner included, can delete a backup before the tier's
 * `backupRetentionDays`), a backup plan that runs as often as the tier's `backupIntervalHours`, and
 * the grant Backup and DR needs to snapshot Compute Engine (the vault's own service agent gets the
 * Backup and DR Compute Engine Operator role). Attach resources with {@link protect}. Every value
 * comes from core's `planBackupVault`.
 *
 * The vault lives in its resources' region (Backup and DR requires a compatible location): for a
 * multi-region tier the plan warns that a region loss takes the backups too. Provider 6.50's vault
 * takes no customer-managed key. No restore test: Backup and DR has no managed restore testing,
 * so a restore is proven only by a drill (restore into a scratch instance and check it).
 *
 * The concept of the AWS `BackupPolicy` (a schedule, a retention and a locked vault for the resources
 * it protects), under the same name.
 *
 * Construct ids (public API): `Vault` (stateful), `Plan`, `ComputeOperator`, `Protects-<name>`.
 * @see https://cloud.google.com/backup-disaster-recovery/docs/cloud-console/compute/compute-instance-backup
 */
export class BackupPolicy extends Construct {
  public readonly vault: BackupDrBackupVault;
  public readonly plan: BackupDrBackupPlan;
  private readonly operator: ProjectIamMember;
  private readonly props: BackupPolicyProps;
  private readonly names = new Set<string>();
  private readonly record: HaMetadata;

  constructor(scope: Construct, id: string, props: BackupPolicyProps) {
    super(scope, id);
    const { tier, region } = props;
    if (Token.isUnresolved(region) || invalidRegionNames([region]).length > 0) {
      throw new HaValidationError(`region must be a region name such as us-central1, got: ${region}`);
    }
    const placement = regionPlacementProblem({
      prop: 'region',
      replicaRegions: [region],
      allowedRegions: props.allowedRegions,
    });
    if (placement) {
      throw new HaValidationError(placement);
    }
    const plan = planBackupVault(tier, {
      resourceType: props.resourceType,
      retentionDays: props.retentionDays,
      backupIntervalHours: props.backupIntervalHours,
      vaultInResourcesRegion: true,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, COMPONENT, plan.warnings);
    this.props = props;

    const record = haRecord(this, props, { component: COMPONENT, failureDomain: FailureDomain.REGION });
    this.record = record;
    const labels = haLabels(props, record);
    const project = projectOf(this).projectId;
    this.vault = new BackupDrBackupVault(this, 'Vault', {
      location: region,
      backupVaultId: uniqueName(this, 'Vault'),
      description: `Backups of ${props.resourceType}, kept at least ${plan.enforcedRetentionDays} days`,
      backupMinimumEnforcedRetentionDuration: `${plan.enforcedRetentionSeconds}s`,
      // Refuse to delete a vault that still holds data sources or is referenced by a plan.
      forceDelete: false,
      ignoreInactiveDatasources: false,
      ignoreBackupPlanReferences: false,
      labels,
      lifecycle: statefulLifecycle(this, COMPONENT, props.preventDestroy),
    });
    this.plan = new BackupDrBackupPlan(this, 'Plan', {
      location: region,
      backupPlanId: uniqueName(this, 'Plan'),
      backupVault: this.vault.id,
      resourceType: props.resourceType,
      backupRules: [
        {
          ruleId: 'tier',
          backupRetentionDays: plan.retentionDays,
          standardSchedule: {
            recurrenceType: plan.recurrence,
            hourlyFrequency: plan.hourlyFrequency,
            timeZone: plan.timeZone,
            backupWindow: { startHourOfDay: plan.window.startHour, endHourOfDay: plan.window.endHour },
          },
        },
      ],
    });
    this.operator = new ProjectIamMember(this, 'ComputeOperator', {
      project,
      role: 'roles/backupdr.computeEngineOperator',
      member: `serviceAccount:${this.vault.serviceAccount}`,
    });

    ProjectServices.of(this, props.projectServices).use(this);
    attachRecord(this, record);
  }

  /**
   * Backs up `resource` (`projects/<p>/zones/<z>/instances/<name>`, or a disk's id) with the plan.
   * Construct id: `Protects-<name>`.
   */
  public protect(name: string, resource: string): BackupDrBackupPlanAssociation {
    if (this.names.has(name)) {
      throw new HaValidationError(`name must be unique among this vault's resources, got: ${name} twice`);
    }
    this.names.add(name);
    const association = new BackupDrBackupPlanAssociation(this, `Protects-${name}`, {
      location: this.props.region,
      backupPlanAssociationId: uniqueName(this, `Protects-${name}`),
      resource,
      resourceType: this.props.resourceType,
      backupPlan: this.plan.name,
      // Backup and DR snapshots the resource as the vault's agent: allowed before the first backup.
      dependsOn: [this.operator],
    });
    ProjectServices.of(this, this.props.projectServices).use(association);
    markResources([association], this.record);
    return association;
  }
}

const COMPONENT = 'BackupPolicy';
