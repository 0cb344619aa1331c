import { HaValidationError } from '../../core/errors';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaMetadata, HaRole, regionPlacementProblem } from '../../core';
import { SECONDS_PER_DAY } from '../../core/numbers';
import { planBucket } from '../../core/plans/bucket';
import { emitWarnings, throwProblems } from '../diagnostics';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { statefulLifecycle } from './private/lifecycle';
import { attachRecord, haLabels, haRecord, markResources } from './private/metadata';
import { invalidRegionNames } from './private/regions';

/** Limits of a bucket's soft-delete retention, now in core's bucket planner (re-exported: public API). */
export { GCS_SOFT_DELETE_MAX_DAYS, GCS_SOFT_DELETE_MIN_DAYS } from '../../core/plans/bucket';

/** Props of {@link ReplicatedBucket}. */
export interface ReplicatedBucketProps extends GoogleHaProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** The two regions of the configurable dual-region (same continent). */
  readonly regions: string[];
  /**
   * Turbo replication (RPO 15 minutes, `GCS_TURBO_REPLICATION_SECONDS`) instead of default replication.
   * False warns: default replication publishes no bound, so the bucket fails HA-DR3 whatever the tier.
   * @default true
   */
  readonly turboReplication?: boolean;
  /**
   * This data set's own region RPO objective in seconds, when the service deliberately accepts a
   * looser one for these objects than the tier's (objects it can regenerate or re-upload). Turbo
   * replication bounds the copy at 15 minutes (`GCS_TURBO_REPLICATION_SECONDS`), so a tier with a
   * tighter region RPO (TIER_0's 1 s, TIER_1's 60 s) is refused unless this states at least 900:
   * keep the data that needs the tier's RPO in a store whose writes commit in several regions.
   * Recorded in the HA metadata; the report holds the bucket's replication to it.
   * @default - the tier's region RPO
   */
  readonly rpoObjectiveSeconds?: number;
  /**
   * Days noncurrent (overwritten or deleted) object versions are kept: the window in which a bad
   * write or delete can be undone. At least the tier's backup retention.
   * @default - tier.backupRetentionDays
   */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * Days an object must be kept before it can be deleted or replaced (a retention policy).
   * @default - no retention policy
   */
  readonly retentionDays?: number;
  /**
   * Lock the retention policy. A locked policy can never be shortened or removed, nor the bucket
   * deleted while it holds objects: use it for records you are obliged to keep.
   * @default false
   */
  readonly lockRetentionPolicy?: boolean;
  /**
   * Id of the KMS key that encrypts objects by default; Cloud Storage's service agent must be allowed to use it.
   * @default - a new key in the bucket's multi-region
   */
  readonly kmsKeyId?: string;
  /**
   * Keep `prevent_destroy` on the bucket and its key. Setting it to false warns.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * A dual-region Cloud Storage bucket: every object is stored in both regions, and a region loss
 * leaves the bucket readable and writable with no failover step.
 *
 * Turbo replication, object versioning (noncurrent versions kept `tier.backupRetentionDays`),
 * soft delete for the same period (within Cloud Storage's 7–90 days), CMEK, uniform bucket-level
 * access, public access prevention, an optional (lockable) retention policy, `force_destroy` off
 * and `prevent_destroy`.
 *
 * Construct ids (public API, stateful): `Resource`, `Key`, `KeyRing`.
 */
export class ReplicatedBucket extends Construct {
  public readonly bucket: StorageBucket;
  public readonly bucketName: string;
  /** The multi-region the dual-region belongs to (`US`, `EU`, `ASIA`). */
  public readonly location: string;
  /** Replication RPO in seconds: 900 with turbo replication; undefined for default replication (no RPO guarantee). */
  public readonly rpoSeconds?: number;
  private readonly services: ProjectServices;
  private readonly record: HaMetadata;

  constructor(scope: Construct, id: string, props: ReplicatedBucketProps) {
    super(scope, id);
    const { tier } = props;
    const regions = [...props.regions];
    const concrete = regions.filter((r) => !Token.isUnresolved(r));
    const invalid = invalidRegionNames(concrete);
    if (invalid.length > 0) {
      throw new HaValidationError(`regions must be region names such as us-central1, got: ${invalid.join(', ')}`);
    }
    const problem = regionPlacementProblem({
      prop: 'regions',
      replicaRegions: concrete,
      allowedRegions: props.allowedRegions,
    });
    if (problem) {
      throw new HaValidationError(problem);
    }
    const turbo = props.turboReplication ?? true;
    const plan = planBucket(tier, {
      store: 'CLOUD_STORAGE',
      dualRegion: regions.map((r) => (Token.isUnresolved(r) ? undefined : r)),
      names: { bucketName: Token.isUnresolved(props.bucketName) ? undefined : props.bucketName },
      noncurrentVersionRetentionDays: props.noncurrentVersionRetentionDays,
      retentionDays: props.retentionDays,
      lockRetentionPolicy: props.lockRetentionPolicy,
      replication: { rpoObjectiveSeconds: props.rpoObjectiveSeconds, turbo },
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'ReplicatedBucket', plan.warnings);
    this.location = plan.location!;
    const replication = plan.replication!;
    const dataRpoSeconds = replication.dataRpoSeconds;
    this.rpoSeconds = replication.boundSeconds;

    const record = haRecord(this, props, {
      component: 'ReplicatedBucket',
      failureDomain: FailureDomain.GLOBAL,
      role: props.role ?? HaRole.GLOBAL,
      dataRpoSeconds,
    });
    const labels = haLabels(props, record);
    const lifecycle = statefulLifecycle(this, 'ReplicatedBucket', props.preventDestroy);

    const services = ProjectServices.of(this, props.projectServices);
    let kmsKeyId = props.kmsKeyId;
    const dependsOn = [];
    if (!kmsKeyId) {
      const { key, grants } = newCryptoKey(this, 'Key', {
        // The key of a configurable dual-region lives in the multi-region that holds it.
        location: this.location.toLowerCase(),
        labels,
        encrypters: { CloudStorage: services.serviceAgent(GOOGLE_SERVICE_AGENTS.CLOUD_STORAGE) },
      });
      kmsKeyId = key.id;
      dependsOn.push(...grants);
    }

    this.bucket = new StorageBucket(this, 'Resource', {
      name: props.bucketName,
      location: this.location,
      customPlacementConfig: { dataLocations: regions.map((r) => r.toUpperCase()) },
      rpo: turbo ? 'ASYNC_TURBO' : 'DEFAULT',
      storageClass: 'STANDARD',
      versioning: { enabled: true },
      encryption: { defaultKmsKeyName: kmsKeyId },
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      softDeletePolicy: { retentionDurationSeconds: plan.softDeleteDays * SECONDS_PER_DAY },
      lifecycleRule: [
        {
          action: { type: 'Delete' },
          condition: { daysSinceNoncurrentTime: plan.noncurrentVersionDays, withState: 'ARCHIVED' },
        },
      ],
      retentionPolicy:
        plan.retentionDays !== undefined
          ? { retentionPeriod: plan.retentionDays * SECONDS_PER_DAY, isLocked: props.lockRetentionPolicy ?? false }
          : undefined,
      forceDestroy: false,
      labels,
      dependsOn,
      lifecycle,
    });
    this.bucketName = this.bucket.name;
    this.services = services;
    this.record = record;

    services.use(this);
    attachRecord(this, record);
  }

  /**
   * Lets `member` (`serviceAccount:...`) read this bucket's objects, and no other bucket's
   * (`roles/storage.objectViewer` on the bucket). Cloud Storage's own agent decrypts with the key.
   * Construct id: `Reader-<name>`.
   */
  public grantRead(name: string, member: string): StorageBucketIamMember {
    return this.grant(`Reader-${name}`, 'roles/storage.objectViewer', member);
  }

  /**
   * Lets `member` read, write and delete this bucket's objects (`roles/storage.objectUser` on the
   * bucket; versioning keeps what it overwrites or deletes). Construct id: `ReadWriter-<name>`.
   */
  public grantReadWrite(name: string, member: string): StorageBucketIamMember {
    return this.grant(`ReadWriter-${name}`, 'roles/storage.objectUser', member);
  }

  private grant(id: string, role: string, member: string): StorageBucketIamMember {
    if (this.node.tryFindChild(id)) {
      throw new HaValidationError(`name must be unique among this bucket's grants, got: ${id} twice`);
    }
    const grant = new StorageBucketIamMember(this, id, { bucket: this.bucket.name, role, member });
    this.services.use(grant);
    markResources([grant], this.record);
    return grant;
  }
}
