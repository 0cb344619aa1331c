import { HaValidationError } from '../../core/errors';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { Fn, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaMetadata, HaRole } from '../../core';
import { GoogleHaProps } from './ha-props';
import { newCryptoKey } from './private/keys';
import { statefulLifecycle } from './private/lifecycle';
import { attachRecord, haLabels, haRecord, markResources } from './private/metadata';
import { uniqueName } from './private/names';
import { SERVICE_AGENT_DOMAINS, serviceAgentMember } from './private/project';
import { requireServiceRegions } from './private/regions';
import { requireInteger } from './private/validate';

/** Props of {@link EncryptedSecret}. */
export interface EncryptedSecretProps extends GoogleHaProps {
  /** Id of the secret (letters, digits, `-` and `_`, at most 255). */
  readonly secretId: string;
  /**
   * Regions that hold a replica, at least `tier.minRegions`; each replica is encrypted with a key of its own region.
   */
  readonly regions: string[];
  /**
   * Days between rotation notifications (published to the rotation topic for your rotator to act on).
   * @default 90
   */
  readonly rotationDays?: number;
  /**
   * Id of the Pub/Sub topic Secret Manager publishes rotation events to; Secret Manager's service agent must be allowed to publish.
   * @default - a new CMEK-encrypted topic whose messages stay in the secret's regions
   */
  readonly rotationTopicId?: string;
  /**
   * Keep `prevent_destroy` on the secret and its keys. Setting it to false warns.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * A Secret Manager secret replicated to the tier's regions, each replica under a customer-managed
 * key of its own region (user-managed replication: a region's loss leaves the other replicas
 * readable), rotation notifications to a Pub/Sub topic, delayed destruction of versions
 * (`tier.backupRetentionDays`), deletion protection and `prevent_destroy`.
 *
 * The first rotation is due one rotation period after the first apply; Terraform ignores the
 * field afterwards, as Secret Manager moves it forward at each rotation. Secret Manager's service
 * agent must exist before it is granted the keys: on a new project run
 * `gcloud beta services identity create --service=secretmanager.googleapis.com` once.
 *
 * Construct ids (public API, stateful): `Resource`, `Key-<region>`, `Key-<region>Ring` (a
 * replica's key is identified by its region), `RotationTopic`, `RotationTopicKey`, `RotationTopicKeyRing`.
 */
export class EncryptedSecret extends Construct {
  public readonly secret: SecretManagerSecret;
  /** The secret's id (`projects/<p>/secrets/<secretId>`). */
  public readonly secretName: string;
  private readonly grantIds = new Set<string>();
  private readonly record: HaMetadata;

  constructor(scope: Construct, id: string, props: EncryptedSecretProps) {
    super(scope, id);
    const { tier } = props;
    const regions = [...props.regions];
    requireServiceRegions({ regions, tier, allowedRegions: props.allowedRegions });
    if (!Token.isUnresolved(props.secretId) && !/^[A-Za-z0-9_-]{1,255}$/.test(props.secretId)) {
      throw new HaValidationError(`secretId must be 1 to 255 letters, digits, hyphens or underscores, got: ${props.secretId}`);
    }
    const rotationDays = props.rotationDays ?? 90;
    requireInteger('rotationDays', rotationDays, 1);

    const record = haRecord(this, props, { component: 'EncryptedSecret', failureDomain: FailureDomain.GLOBAL, role: props.role ?? HaRole.GLOBAL });
    this.record = record;
    const labels = haLabels(props, record);
    const lifecycle = statefulLifecycle(this, 'EncryptedSecret', props.preventDestroy);
    const secretAgent = serviceAgentMember(this, SERVICE_AGENT_DOMAINS.SECRET_MANAGER);
    const dependsOn: ITerraformDependable[] = [];

    const replicas = regions.map((region) => {
      const { key, grants } = newCryptoKey(this, `Key-${region}`, { location: region, labels, encrypters: { SecretManager: secretAgent } });
      dependsOn.push(...grants);
      return { location: region, customerManagedEncryption: { kmsKeyName: key.id } };
    });

    let topicId = props.rotationTopicId;
    if (!topicId) {
      const topicKey = newCryptoKey(this, 'RotationTopicKey', {
        location: regions[0],
        labels,
        encrypters: { PubSub: serviceAgentMember(this, SERVICE_AGENT_DOMAINS.PUBSUB) },
      });
      const topic = new PubsubTopic(this, 'RotationTopic', {
        name: uniqueName(this, 'RotationTopic', 255),
        kmsKeyName: topicKey.key.id,
        messageStoragePolicy: { allowedPersistenceRegions: regions },
        messageRetentionDuration: `${7 * 86400}s`,
        labels,
        dependsOn: topicKey.grants,
        // Deleting the topic detaches the rotator's subscription and drops undelivered rotation events.
        lifecycle,
      });
      dependsOn.push(new PubsubTopicIamMember(this, 'RotationTopicPublisher', {
        topic: topic.id,
        role: 'roles/pubsub.publisher',
        member: secretAgent,
      }));
      topicId = topic.id;
    }

    this.secret = new SecretManagerSecret(this, 'Resource', {
      secretId: props.secretId,
      replication: { userManaged: { replicas } },
      rotation: {
        rotationPeriod: `${rotationDays * 86400}s`,
        nextRotationTime: Fn.timeadd(Fn.plantimestamp(), `${rotationDays * 24}h`),
      },
      topics: [{ name: topicId }],
      // Destroying a version only schedules it: a mistaken destroy can be undone within this period.
      versionDestroyTtl: `${tier.backupRetentionDays * 86400}s`,
      deletionProtection: true,
      labels,
      dependsOn,
      lifecycle: { ...lifecycle, ignoreChanges: ['rotation[0].next_rotation_time'] },
    });
    this.secretName = this.secret.id;

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
    markResources([grant], this.record);
    return grant;
  }
}
