import { HaValidationError } from '../../core/errors';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  FailureDomain,
  GCS_TURBO_REPLICATION_SECONDS,
  HaMetadata,
  HaRole,
  ReplicatedStore,
  regionPlacementProblem,
  replicationRpoProblem,
} from '../../core';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { statefulLifecycle, warn } from './private/lifecycle';
import { attachRecord, haLabels, haRecord, markResources } from './private/metadata';
import { invalidRegionNames } from './private/regions';
import { requireInteger } from '../../core/numbers';

/**
 * Limits of a bucket's soft-delete retention: 7 to 90 days.
 * @see https://cloud.google.com/storage/docs/soft-delete
 */
export const GCS_SOFT_DELETE_MIN_DAYS = 7;
export const GCS_SOFT_DELETE_MAX_DAYS = 90;

/**
 * Multi-region that holds a configurable dual-region of two regions, by region prefix.
 * @see https://cloud.google.com/storage/docs/locations#configurable
 */
const DUAL_REGION_CONTINENTS: readonly { readonly prefixes: readonly string[]; readonly location: string }[] = [
  { prefixes: ['us-', 'northamerica-'], location: 'US' },
  { prefixes: ['europe-'], location: 'EU' },
  { prefixes: ['asia-'], location: 'ASIA' },
];

/** How a turbo-replicated dual-region bucket copies objects to its second region, for core's RPO check. */
const TURBO_REPLICATION: ReplicatedStore = {
  construct: 'ReplicatedBucket',
  replication: 'Cloud Storage turbo replication',
  boundSeconds: GCS_TURBO_REPLICATION_SECONDS,
};

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
    if (regions.length !== 2) {
      throw new HaValidationError(
        `regions must list exactly 2 regions for a dual-region bucket, got: ${regions.length} (${regions.join(', ') || 'none'})`,
      );
    }
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
    const continents = regions.map(
      (r) => DUAL_REGION_CONTINENTS.find((c) => c.prefixes.some((p) => r.startsWith(p)))?.location,
    );
    if (concrete.length === 2 && (continents[0] === undefined || continents[0] !== continents[1])) {
      throw new HaValidationError(
        `regions must be two regions of one configurable dual-region continent (US, EU or ASIA), got: ${regions.join(', ')}`,
      );
    }
    this.location = continents[0] ?? 'US';
    if (!Token.isUnresolved(props.bucketName) && !/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(props.bucketName)) {
      throw new HaValidationError(
        `bucketName must be 3 to 63 lowercase letters, digits, dots, hyphens or underscores, starting and ending with a letter or digit, got: ${props.bucketName}`,
      );
    }
    if (props.retentionDays !== undefined) {
      requireInteger('retentionDays', props.retentionDays, 1);
    }
    if (props.lockRetentionPolicy && props.retentionDays === undefined) {
      throw new HaValidationError(
        'lockRetentionPolicy needs retentionDays: there is no retention policy to lock, got: retentionDays undefined',
      );
    }

    const dataRpoSeconds = props.rpoObjectiveSeconds;
    if (dataRpoSeconds !== undefined && (!Number.isInteger(dataRpoSeconds) || dataRpoSeconds < tier.regionRpoSeconds)) {
      throw new HaValidationError(
        `rpoObjectiveSeconds must be whole seconds of at least ${tier.name}'s region RPO (${tier.regionRpoSeconds} s): it states a looser objective for this data set, got: ${dataRpoSeconds}`,
      );
    }
    const objectiveSeconds = dataRpoSeconds ?? tier.regionRpoSeconds;
    const objective = dataRpoSeconds === undefined ? `${tier.name}'s region RPO` : 'rpoObjectiveSeconds';
    const turbo = props.turboReplication ?? true;
    this.rpoSeconds = turbo ? GCS_TURBO_REPLICATION_SECONDS : undefined;
    // The objective is checked above (whole seconds, no tighter than the tier): what is left is the bound.
    if (turbo && replicationRpoProblem(TURBO_REPLICATION, tier, dataRpoSeconds) !== undefined) {
      const stated =
        dataRpoSeconds === undefined ? `none, so ${objective} of ${objectiveSeconds} s applies` : `${dataRpoSeconds} s`;
      throw new HaValidationError(
        `rpoObjectiveSeconds must be at least ${GCS_TURBO_REPLICATION_SECONDS} s for a ReplicatedBucket: Cloud Storage turbo replication ` +
          `bounds the second region's copy at ${GCS_TURBO_REPLICATION_SECONDS} s, so HA-DR3 cannot show less. Keep data that needs ${tier.name}'s region RPO ` +
          "in a store whose writes commit in several regions, such as Spanner multi-region, and state this bucket's own rpoObjectiveSeconds " +
          `if the service can rebuild its objects, got: ${stated}`,
      );
    }
    if (!turbo) {
      // Default replication is designed to copy 99.9% of new objects within an hour and the rest within
      // 12 hours, with no guarantee: HA-DR3 finds no bound to hold against any RPO, even TIER_3's 24 h.
      // https://cloud.google.com/storage/docs/availability-durability#cross-region-redundancy
      warn(
        this,
        'ReplicatedBucket.turboReplication',
        `turboReplication is false: default replication publishes no bound (some objects take up to 12 hours to reach the second region), so HA-DR3 cannot show ${objective} of ${objectiveSeconds} s and fails: enable turboReplication (RPO ${GCS_TURBO_REPLICATION_SECONDS} s)`,
      );
    }

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
    const softDeleteDays = Math.min(
      GCS_SOFT_DELETE_MAX_DAYS,
      Math.max(GCS_SOFT_DELETE_MIN_DAYS, tier.backupRetentionDays),
    );

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
      softDeletePolicy: { retentionDurationSeconds: softDeleteDays * 86400 },
      lifecycleRule: [
        {
          action: { type: 'Delete' },
          condition: { daysSinceNoncurrentTime: tier.backupRetentionDays, withState: 'ARCHIVED' },
        },
      ],
      retentionPolicy:
        props.retentionDays !== undefined
          ? { retentionPeriod: props.retentionDays * 86400, isLocked: props.lockRetentionPolicy ?? false }
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
