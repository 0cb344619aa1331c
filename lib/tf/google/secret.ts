import { HaValidationError } from '../../core/errors';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { Fn, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaMetadata, HaRole, planEncryptedSecret } from '../../core';
import { emitWarnings, throwProblems } from '../diagnostics';
import { acknowledgeHaFinding } from '../ha-checks';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { statefulLifecycle } from './private/lifecycle';
import { attachRecord, haLabels, haRecord, markResources } from './private/metadata';
import { PUBSUB_TOPIC_NAME_MAX_LENGTH, uniqueName } from './private/names';
import { requireServiceRegions } from './private/regions';

/** Props of {@link EncryptedSecret}. */
export interface EncryptedSecretProps extends GoogleHaProps {
  /** Id of the secret (letters, digits, `-` and `_`, at most 255). */
  readonly secretId: string;
  /**
   * Regions that hold a replica, at least `tier.minRegions`; each replica is encrypted with a key of its own region.
   */
  readonly regions: string[];
  /**
   * Days between rotation notifications (published to the rotation topic for your rotator to act on):
   * a whole number from 1 to 36500 (Secret Manager's 1 hour to 100 years); ignored, with a warning,
   * when the value is `rotatedExternally`.
   * @default 30
   */
  readonly rotationDays?: number;
  /**
   * Id of the Pub/Sub topic Secret Manager publishes rotation events to; Secret Manager's service agent
   * must be allowed to publish.
   * @default - a new topic in each of the secret's regions, under a key of that region, storing its messages there
   */
  readonly rotationTopicId?: string;
  /**
   * Why the secret rotates outside Secret Manager: a value a third party issues and only its
   * console can revoke, added as a new version on the issuer's schedule. The reason (at least 20
   * characters) becomes the acknowledgement of HA-SEC1, so the report shows it; the secret then
   * has no rotation notifications. An alternative to `rotationTopicId`.
   * @default - Secret Manager notifies a rotator every `rotationDays`
   */
  readonly rotatedExternally?: string;
  /**
   * Keep `prevent_destroy` on the secret and its keys. Setting it to false warns.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * A Secret Manager secret replicated to the tier's regions, each replica under a customer-managed
 * key of its own region (user-managed replication: a region's loss leaves the other replicas
 * readable), rotation notifications to a Pub/Sub topic (or `rotatedExternally` with the reason),
 * delayed destruction of versions (`tier.backupRetentionDays`), deletion protection and
 * `prevent_destroy`. Every HA value and rule comes from core's `planEncryptedSecret`, which the AWS
 * twins render too.
 *
 * The first rotation is due one rotation period after the first apply; Terraform ignores the
 * field afterwards, as Secret Manager moves it forward at each rotation. Secret Manager's and
 * Pub/Sub's service agents are created before they are granted the keys, by the stack's
 * `ProjectServices` (`projectServices`).
 *
 * Rotation events go to a topic in each of the secret's regions, each under a key of its own region
 * with its messages stored there: a region's loss (or its key's) leaves the other topics notified.
 * Every topic gets every event: subscribe one rotator per region, and make it idempotent (a rotator
 * that finds a version newer than the event's has nothing to do).
 *
 * Construct ids (public API, stateful): `Resource`, `Key-<region>`, `Key-<region>Ring` (a
 * replica's key is identified by its region); the first region's topic `RotationTopic`,
 * `RotationTopicKey`, `RotationTopicKeyRing` (the ids of the one topic of earlier releases), each
 * other region's `RotationTopic-<region>`, `RotationTopicKey-<region>`, `RotationTopicKey-<region>Ring`.
 */
export class EncryptedSecret extends Construct {
  public readonly secret: SecretManagerSecret;
  /** The secret's id (`projects/<p>/secrets/<secretId>`). */
  public readonly secretName: string;
  private readonly grantIds = new Set<string>();
  private readonly record: HaMetadata;
  private readonly services: ProjectServices;

  constructor(scope: Construct, id: string, props: EncryptedSecretProps) {
    super(scope, id);
    const { tier } = props;
    const regions = [...props.regions];
    requireServiceRegions({ regions, tier, allowedRegions: props.allowedRegions });
    if (!Token.isUnresolved(props.secretId) && !/^[A-Za-z0-9_-]{1,255}$/.test(props.secretId)) {
      throw new HaValidationError(
        `secretId must be 1 to 255 letters, digits, hyphens or underscores, got: ${props.secretId}`,
      );
    }
    const days = props.rotationDays;
    const plan = planEncryptedSecret(tier, {
      store: 'SECRET_MANAGER',
      replicaRegionsProp: 'regions',
      regionsIncludePrimary: true,
      primaryRegion: regions[0],
      replicaRegions: regions.slice(1),
      allowedRegions: props.allowedRegions,
      rotations: [
        {
          prop: 'rotationTopicId',
          purpose: 'the topic a rotator subscribes to',
          chosen: props.rotationTopicId !== undefined,
        },
      ],
      // With neither, Secret Manager notifies a rotator through a new topic.
      defaultRotation: 'rotationTopicId',
      rotatedExternally: props.rotatedExternally,
      rotationInterval:
        days === undefined ? undefined : { prop: 'rotationDays', unit: 'days', value: days, text: String(days) },
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'EncryptedSecret', plan.warnings);

    const record = haRecord(this, props, {
      component: 'EncryptedSecret',
      failureDomain: FailureDomain.GLOBAL,
      role: props.role ?? HaRole.GLOBAL,
    });
    this.record = record;
    const labels = haLabels(props, record);
    const lifecycle = statefulLifecycle(this, 'EncryptedSecret', props.preventDestroy);
    this.services = ProjectServices.of(this, props.projectServices);
    const secretAgent = this.services.serviceAgent(GOOGLE_SERVICE_AGENTS.SECRET_MANAGER);
    const dependsOn: ITerraformDependable[] = [];

    const replicas = regions.map((region) => {
      const { key, grants } = newCryptoKey(this, `Key-${region}`, {
        location: region,
        labels,
        encrypters: { SecretManager: secretAgent },
      });
      dependsOn.push(...grants);
      return { location: region, customerManagedEncryption: { kmsKeyName: key.id } };
    });

    const topicIds: string[] = props.rotationTopicId ? [props.rotationTopicId] : [];
    if (plan.rotatesHere && !props.rotationTopicId) {
      const pubsubAgent = this.services.serviceAgent(GOOGLE_SERVICE_AGENTS.PUBSUB);
      regions.forEach((region, i) => {
        // The first region keeps the ids of the one topic this construct used to create (stateful ids).
        const suffix = i === 0 ? '' : `-${region}`;
        const topicKey = newCryptoKey(this, `RotationTopicKey${suffix}`, {
          location: region,
          labels,
          encrypters: { PubSub: pubsubAgent },
        });
        const topic = new PubsubTopic(this, `RotationTopic${suffix}`, {
          name: uniqueName(this, `RotationTopic${suffix}`, PUBSUB_TOPIC_NAME_MAX_LENGTH),
          kmsKeyName: topicKey.key.id,
          // Stored where its key is: a region's loss leaves the other regions' topics publishing.
          messageStoragePolicy: { allowedPersistenceRegions: [region] },
          messageRetentionDuration: `${plan.rotationTopicRetentionSeconds}s`,
          labels,
          dependsOn: topicKey.grants,
          // Deleting the topic detaches the rotator's subscription and drops undelivered rotation events.
          lifecycle,
        });
        dependsOn.push(
          new PubsubTopicIamMember(this, `RotationTopicPublisher${suffix}`, {
            topic: topic.id,
            role: 'roles/pubsub.publisher',
            member: secretAgent.member,
            dependsOn: secretAgent.dependables.length > 0 ? secretAgent.dependables : undefined,
          }),
        );
        topicIds.push(topic.id);
      });
    }
    const period = `${plan.rotationIntervalSeconds}s`;

    this.secret = new SecretManagerSecret(this, 'Resource', {
      secretId: props.secretId,
      replication: { userManaged: { replicas } },
      rotation: plan.rotatesHere
        ? { rotationPeriod: period, nextRotationTime: Fn.timeadd(Fn.plantimestamp(), period) }
        : undefined,
      topics: topicIds.length > 0 ? topicIds.map((name) => ({ name })) : undefined,
      // Destroying a version only schedules it: a mistaken destroy can be undone within this period.
      versionDestroyTtl: `${plan.versionDestroyTtlSeconds}s`,
      deletionProtection: plan.deletionProtection,
      labels,
      dependsOn,
      lifecycle: plan.rotatesHere ? { ...lifecycle, ignoreChanges: ['rotation[0].next_rotation_time'] } : lifecycle,
    });
    if (!plan.rotatesHere && props.rotatedExternally !== undefined) {
      acknowledgeHaFinding(this, 'HA-SEC1', props.rotatedExternally);
    }
    this.secretName = this.secret.id;

    this.services.use(this);
    attachRecord(this, record);
  }

  /** Lets `member` (`serviceAccount:...`, `group:...`) read the secret's versions. Construct id: `Accessor-<name>`. */
  public grantRead(name: string, member: string): SecretManagerSecretIamMember {
    if (this.grantIds.has(name)) {
      throw new HaValidationError(`name must be unique among this secret's grants, got: ${name} twice`);
    }
    this.grantIds.add(name);
    const grant = new SecretManagerSecretIamMember(this, `Accessor-${name}`, {
      secretId: this.secret.id,
      role: 'roles/secretmanager.secretAccessor',
      member,
    });
    this.services.use(grant);
    markResources([grant], this.record);
    return grant;
  }
}
