import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrReplicationConfiguration } from '@cdktf/provider-aws/lib/ecr-replication-configuration';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrRepositoryCreationTemplate } from '@cdktf/provider-aws/lib/ecr-repository-creation-template';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { dependable, Lazy, TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { FailureDomain } from '../../core';
import {
  EcrLifecyclePolicy as LifecyclePolicyDocument,
  ImageRepositoryPlan,
  planImageRepository,
  planReplicationRules,
  ReplicationEntry,
} from '../../core/plans/service';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { HaProps, RegionalProps } from './ha-props';
import { AccountContext, newCustomerManagedKey } from './private/keys';
import { attachHaMetadata } from './private/metadata';
import { regionOf } from './private/regions';
import { ServiceImageRepository } from './service';

/** Props of {@link RegistryReplication} (Terraform). */
export interface RegistryReplicationProps extends RegionalProps {
  /**
   * Alias of the key that encrypts the repositories replication creates in this region.
   * @default 'alias/ha-constructs/ecr-replicas'
   */
  readonly replicaKeyAliasName?: string;
}

/** What a replicated repository brings to a destination registry. */
export interface ReplicaTemplate {
  readonly repositoryName: string;
  readonly lifecyclePolicy: LifecyclePolicyDocument;
}

const DEFAULT_ALIAS = 'alias/ha-constructs/ecr-replicas';

/**
 * The private image registry of one account and region as replication sees it (Terraform twin of
 * the CDK `RegistryReplication`): its one `aws_ecr_replication_configuration` (one rule per set of
 * destination regions) and the `aws_ecr_repository_creation_template`s that give the repositories
 * replication creates here immutable tags, the source's lifecycle and this region's key. Create one
 * per provider region; {@link ImageRepository} registers with them.
 *
 * Construct ids (public API): `Configuration`, `ReplicaKey` (prevent_destroy), `ReplicaKeyAlias`,
 * `ReplicaCreationRole`, `ReplicaCreationPolicy`, `Template <name>`.
 */
export class RegistryReplication extends Construct {
  public readonly region: string;
  public readonly provider?: AwsProvider;
  private readonly context: AccountContext;
  private readonly entries: ReplicationEntry[] = [];
  private readonly templates = new Map<string, EcrRepositoryCreationTemplate>();
  private readonly creationNames: string[] = [];
  private readonly aliasName: string;
  private replicaKey?: KmsKey;
  private creationRole?: IamRole;
  private configuration?: EcrReplicationConfiguration;

  constructor(scope: Construct, id: string, props: RegistryReplicationProps = {}) {
    super(scope, id);
    const region = regionOf(this, props.provider);
    if (region === undefined) {
      throw validationError(
        "provider must name a literal region: a registry's replication is configured per region, got: none",
        this,
        'provider',
      );
    }
    this.region = region;
    this.provider = props.provider;
    this.aliasName = props.replicaKeyAliasName ?? DEFAULT_ALIAS;
    this.context = new AccountContext(this, 'Account', props.provider);
    const other = this.node.root.node
      .findAll()
      .find((c): c is RegistryReplication => c instanceof RegistryReplication && c !== this && c.region === region);
    if (other) {
      throw validationError(
        `a RegistryReplication must be the only one of its account and region (ECR keeps one replication ` +
          `configuration per registry, the last applied wins), got: another at ${other.node.path} in ${region}`,
        this,
      );
    }
  }

  /** Replicates the repository `replica.repositoryName` of this registry to each of `destinations`. */
  public replicate(replica: ReplicaTemplate, destinations: readonly RegistryReplication[]): void {
    const own = destinations.find((d) => d.region === this.region);
    if (own) {
      throw validationError(
        `replicaRegistries must be in other regions than the repository's (${this.region}), got: ${own.node.path}`,
        this,
        'replicaRegistries',
      );
    }
    const entry = { repositoryName: replica.repositoryName, regions: destinations.map((d) => d.region) };
    throwProblems(planReplicationRules([...this.entries, entry]).problems, this);
    this.entries.push(entry);
    const templates = destinations.map((destination) => destination.receive(replica));
    const source = TerraformStack.of(this);
    for (const destination of destinations) {
      const target = TerraformStack.of(destination);
      if (source !== target && !source.dependencies.includes(target)) {
        source.addDependency(target);
      }
    }
    this.configuration ??= new EcrReplicationConfiguration(this, 'Configuration', {
      provider: this.provider,
      replicationConfiguration: {
        rule: Lazy.anyValue({
          produce: () =>
            planReplicationRules(this.entries).rules.map((rule) => ({
              destination: rule.regions.map((region) => ({ region, registry_id: this.context.accountId })),
              repository_filter: rule.repositoryNames.map((filter) => ({ filter, filter_type: 'PREFIX_MATCH' })),
            })),
        }),
      },
    });
    // A replica created before its template would get the AWS managed key.
    const sameStack = templates.filter((t) => TerraformStack.of(t) === source);
    this.configuration.dependsOn = [...(this.configuration.dependsOn ?? []), ...sameStack.map((t) => dependable(t))];
  }

  /** The creation template of a repository replicated into this registry (made once per name). */
  private receive(replica: ReplicaTemplate): EcrRepositoryCreationTemplate {
    const name = replica.repositoryName;
    const lifecyclePolicy = JSON.stringify(replica.lifecyclePolicy);
    const existing = this.templates.get(name);
    if (existing) {
      if (existing.lifecyclePolicy !== lifecyclePolicy) {
        throw validationError(
          `imagesKept must be the same for every repository named ${name} replicated to ${this.region}, got: two ` +
            'different lifecycle policies',
          this,
          'imagesKept',
        );
      }
      return existing;
    }
    const key = this.replicaKey ?? this.newReplicaKey();
    const role = this.creationRole ?? this.newCreationRole(key);
    this.creationNames.push(name);
    const template = new EcrRepositoryCreationTemplate(this, `Template ${name.split('/').join(' ')}`, {
      provider: this.provider,
      prefix: name,
      appliedFor: ['REPLICATION'],
      description: `Replicas of ${name}: immutable tags, the source's lifecycle, this region's key`,
      imageTagMutability: 'IMMUTABLE',
      lifecyclePolicy,
      encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: key.arn }],
      customRoleArn: role.arn,
    });
    this.templates.set(name, template);
    return template;
  }

  private newReplicaKey(): KmsKey {
    const key = newCustomerManagedKey(this, 'ReplicaKey', {
      description: `Encrypts the image repositories replication creates in ${this.region}`,
      context: this.context,
    });
    new KmsAlias(this, 'ReplicaKeyAlias', { provider: this.provider, name: this.aliasName, targetKeyId: key.keyId });
    this.replicaKey = key;
    return key;
  }

  /**
   * The role ECR assumes to create a replica with a template that names a key, scoped to this
   * region's key and to the replicated names (PREFIX_MATCH: longer names under them too).
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-custom.html
   */
  private newCreationRole(key: KmsKey): IamRole {
    const role = new IamRole(this, 'ReplicaCreationRole', {
      provider: this.provider,
      description: `ECR creates the replicated repositories of ${this.region} with their key`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ecr.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    new IamRolePolicy(this, 'ReplicaCreationPolicy', {
      provider: this.provider,
      role: role.name,
      policy: Lazy.stringValue({
        produce: () =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
                Resource: key.arn,
              },
              {
                Effect: 'Allow',
                Action: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
                Resource: this.creationNames.map((name) => this.context.arn('ecr', `repository/${name}*`)),
              },
            ],
          }),
      }),
    });
    this.creationRole = role;
    return role;
  }
}

/** Props of {@link ImageRepository} (Terraform). */
export interface ImageRepositoryProps extends HaProps, RegionalProps {
  /** Name of the repository (replication rules and creation templates name it). */
  readonly repositoryName: string;
  /** The registry of this repository's region; required with `replicaRegistries`. @default - none */
  readonly registry?: RegistryReplication;
  /**
   * The registries of the service's other regions; a multi-region tier needs `tier.minRegions - 1`.
   * @default - none (refused for multi-region tiers)
   */
  readonly replicaRegistries?: RegistryReplication[];
  /** How many of the most recent images the lifecycle keeps, here and in every replica. @default 100 */
  readonly imagesKept?: number;
}

/**
 * A private ECR repository that survives a region (Terraform twin of the CDK `ImageRepository`,
 * from the same `planImageRepository`): immutable tags, scan on push, a customer-managed key,
 * `prevent_destroy`, a lifecycle policy keeping the recent images, and replication to
 * `replicaRegistries`.
 *
 * Construct ids (public API): `Key`, `Resource`, `Lifecycle`.
 */
export class ImageRepository extends Construct {
  public readonly repository: EcrRepository;
  public readonly key: KmsKey;
  public readonly repositoryName: string;
  public readonly region?: string;
  public readonly replicaRegions: string[];
  public readonly plan: ImageRepositoryPlan;

  constructor(scope: Construct, id: string, props: ImageRepositoryProps) {
    super(scope, id);
    const replicas = props.replicaRegistries ?? [];
    if (Token.isUnresolved(props.repositoryName)) {
      throw validationError(
        'repositoryName must be known at synthesis (replication rules and creation templates name it), got: a token',
        this,
        'repositoryName',
      );
    }
    if (replicas.length > 0 && !props.registry) {
      throw validationError(
        "registry must be given with replicaRegistries (the RegistryReplication of this repository's region " +
          'holds the rule), got: none',
        this,
        'registry',
      );
    }
    this.region = regionOf(this, props.provider);
    if (props.registry && props.registry.region !== this.region) {
      throw validationError(
        `registry must be the RegistryReplication of the repository's region (${this.region ?? 'unknown'}), ` +
          `got: one in ${props.registry.region}`,
        this,
        'registry',
      );
    }
    this.plan = planImageRepository(props.tier, {
      repositoryName: props.repositoryName,
      imagesKept: props.imagesKept,
      region: this.region,
      replicaRegions: replicas.map((r) => r.region),
      replicaProp: 'replicaRegistries',
      allowedRegions: props.allowedRegions,
    });
    throwProblems(this.plan.problems, this);
    emitWarnings(this, 'ImageRepository', this.plan.warnings);
    this.repositoryName = props.repositoryName;
    this.replicaRegions = [...this.plan.replicaRegions];
    const provider = props.provider;
    const context = new AccountContext(this, 'Account', provider);
    this.key = newCustomerManagedKey(this, 'Key', {
      description: `Encrypts the images of ${props.repositoryName}`,
      context,
    });
    this.repository = new EcrRepository(this, 'Resource', {
      provider,
      name: props.repositoryName,
      imageTagMutability: this.plan.tagMutability,
      imageScanningConfiguration: { scanOnPush: this.plan.scanOnPush },
      encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: this.key.arn }],
      forceDelete: false,
      lifecycle: { preventDestroy: true },
    });
    new EcrLifecyclePolicy(this, 'Lifecycle', {
      provider,
      repository: this.repository.name,
      policy: JSON.stringify(this.plan.lifecyclePolicy),
    });
    if (props.registry && replicas.length > 0) {
      props.registry.replicate(
        { repositoryName: props.repositoryName, lifecyclePolicy: this.plan.lifecyclePolicy },
        replicas,
      );
    }
    attachHaMetadata(this, props, { component: 'ImageRepository', failureDomain: FailureDomain.REGION });
  }

  /**
   * The repository as a service with `provider` pulls from it: this one in its region, the replica in
   * a replica region (exists once an image replicated). Anywhere else there is no copy to pull from.
   */
  public replicaIn(scope: IConstruct, provider?: AwsProvider): ServiceImageRepository {
    const region = regionOf(scope, provider);
    if (region === this.region) {
      return { arn: this.repository.arn, repositoryUrl: this.repository.repositoryUrl };
    }
    if (region === undefined || !this.replicaRegions.includes(region)) {
      throw validationError(
        `the images of ${this.repositoryName} are in ${[this.region, ...this.replicaRegions].join(', ')}, got: a ` +
          `provider of ${region ?? 'an unknown region'}; add its region's RegistryReplication to replicaRegistries`,
        this,
        'replicaRegistries',
      );
    }
    const id = `Replica ${region}`;
    const context =
      (this.node.tryFindChild(`${id} Account`) as AccountContext | undefined) ??
      new AccountContext(this, `${id} Account`, provider);
    const partition =
      (this.node.tryFindChild(`${id} Partition`) as DataAwsPartition | undefined) ??
      new DataAwsPartition(this, `${id} Partition`, { provider });
    return {
      arn: context.arn('ecr', `repository/${this.repositoryName}`, region),
      repositoryUrl: `${context.accountId}.dkr.ecr.${region}.${partition.dnsSuffix}/${this.repositoryName}`,
    };
  }
}
