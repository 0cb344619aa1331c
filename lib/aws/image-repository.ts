import { ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { FailureDomain } from '../core';
import { ImageRepositoryPlan, planImageRepository } from '../core/plans/service';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { newCustomerManagedKey } from './private/keys';
import { RegistryReplication } from './registry-replication';

/** Props of {@link ImageRepository}. */
export interface ImageRepositoryProps extends HaProps {
  /**
   * Name of the repository. Replication rules and the replicas' creation templates name it, so it
   * must be known at synthesis.
   */
  readonly repositoryName: string;
  /**
   * The registry of this repository's account and region (a {@link RegistryReplication} in a stack
   * of this region): its replication configuration gets the rule. Required with `replicaRegistries`.
   * @default - none: the repository does not replicate
   */
  readonly registry?: RegistryReplication;
  /**
   * The registries of the other regions the service runs in: every pushed image replicates there,
   * so a standby starts tasks from its own region. A multi-region tier needs `tier.minRegions - 1`.
   * @default - none (refused for multi-region tiers)
   */
  readonly replicaRegistries?: RegistryReplication[];
  /**
   * How many of the most recent images the lifecycle policy keeps, here and in every replica: a
   * rollback, or a task a zone loss relaunches, needs its digest. At least 2.
   * @default 100
   */
  readonly imagesKept?: number;
}

/**
 * A private ECR repository for a service's images that survives a region: immutable tags, a scan
 * of every pushed image, a lifecycle policy that keeps the recent images, encryption with a
 * customer-managed key, retained on delete; and replication to the registries of the service's
 * other regions (`replicaRegistries`), whose replicas get immutable tags, the same lifecycle and
 * their own region's key from a repository creation template.
 *
 * Replication is asynchronous, with no completion time guaranteed, and copies the images pushed
 * after it is configured (ECR's replication backfill copies older ones): deploy a digest to a
 * standby once it replicated there. Deploy by digest (`ResilientService`'s `imageTagOrDigest`); a
 * standby pulls from `replicaIn(standbyScope)`, the copy in its own region.
 *
 * Construct ids (public API): `Key` (retained), `Resource` (retained).
 */
export class ImageRepository extends Construct {
  /** The repository. */
  public readonly repository: ecr.Repository;
  /** The key the images are encrypted with. */
  public readonly key: kms.IKey;
  public readonly repositoryName: string;
  /** The regions the images replicate to. */
  public readonly replicaRegions: string[];
  /** What the repository and its replicas are built from. */
  public readonly plan: ImageRepositoryPlan;

  constructor(scope: Construct, id: string, props: ImageRepositoryProps) {
    super(scope, id);
    const stack = Stack.of(this);
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
        "registry must be given with replicaRegistries (the RegistryReplication of this repository's account " +
          'and region holds the rule), got: none',
        this,
        'registry',
      );
    }
    if (props.registry && props.registry.region !== stack.region) {
      throw validationError(
        `registry must be the RegistryReplication of the repository's region (${stack.region}), ` +
          `got: one in ${props.registry.region}`,
        this,
        'registry',
      );
    }
    this.plan = planImageRepository(props.tier, {
      repositoryName: props.repositoryName,
      imagesKept: props.imagesKept,
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      replicaRegions: replicas.map((r) => r.region),
      replicaProp: 'replicaRegistries',
      allowedRegions: props.allowedRegions,
    });
    throwProblems(this.plan.problems, this);
    emitWarnings(this, 'ImageRepository', this.plan.warnings);
    this.repositoryName = props.repositoryName;
    this.replicaRegions = [...this.plan.replicaRegions];

    this.key = newCustomerManagedKey(this, 'Key', `Encrypts the images of ${props.repositoryName}`);
    this.repository = new ecr.Repository(this, 'Resource', {
      repositoryName: props.repositoryName,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: this.plan.scanOnPush,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      emptyOnDelete: false,
    });
    // The plan's policy text, as the creation templates and the Terraform twin render it.
    const cfnRepository = this.repository.node.defaultChild as ecr.CfnRepository;
    cfnRepository.lifecyclePolicy = { lifecyclePolicyText: JSON.stringify(this.plan.lifecyclePolicy) };
    if (props.registry && replicas.length > 0) {
      props.registry.replicate(
        { repositoryName: props.repositoryName, lifecyclePolicy: this.plan.lifecyclePolicy },
        replicas,
      );
    }
    attachHaMetadata(this, props, { component: 'ImageRepository', failureDomain: FailureDomain.REGION });
  }

  /**
   * The repository as a construct in `scope` pulls from it: this one in its own region, the replica
   * in a replica region (its ARN in that region; the replica exists once an image replicated).
   * Anywhere else there is no copy to pull from.
   */
  public replicaIn(scope: IConstruct): ecr.IRepository {
    const stack = Stack.of(scope);
    if (stack === Stack.of(this)) {
      return this.repository;
    }
    const region = stack.region;
    const home = Stack.of(this).region;
    if (region !== home && !this.replicaRegions.includes(region)) {
      throw validationError(
        `the images of ${this.repositoryName} are in ${[home, ...this.replicaRegions].join(', ')}, got: a ` +
          `construct in ${Token.isUnresolved(region) ? 'an environment-agnostic stack' : region}; add its ` +
          "region's RegistryReplication to replicaRegistries",
        this,
        'replicaRegistries',
      );
    }
    const id = `ImageRepository${this.node.addr}`;
    const container = stack;
    const existing = container.node.tryFindChild(id) as ecr.IRepository | undefined;
    return (
      existing ??
      ecr.Repository.fromRepositoryAttributes(container, id, {
        repositoryName: this.repositoryName,
        repositoryArn: stack.formatArn({
          service: 'ecr',
          resource: 'repository',
          resourceName: this.repositoryName,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      })
    );
  }
}
