import { ArnFormat, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { EcrLifecyclePolicy, planReplicationRules, ReplicationEntry } from '../core/plans/service';
import { throwProblems, validationError } from './private/errors';
import { newCustomerManagedKey } from './private/keys';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';
import { requireAliasName } from './replica-key';

/** Props of {@link RegistryReplication}. */
export interface RegistryReplicationProps {
  /**
   * Alias of the key that encrypts the repositories replication creates in this region. KMS keys
   * are regional: each region's registry has its own key under this alias.
   * @default 'alias/ha-constructs/ecr-replicas'
   */
  readonly replicaKeyAliasName?: string;
}

/** What a replicated repository brings to a destination registry: its name and its lifecycle. */
export interface ReplicaTemplate {
  /** Name of the source repository; the creation template's prefix. */
  readonly repositoryName: string;
  /** The source repository's lifecycle policy, kept in the replica. */
  readonly lifecyclePolicy: EcrLifecyclePolicy;
}

const DEFAULT_ALIAS = 'alias/ha-constructs/ecr-replicas';

/**
 * The private image registry of one account and region, as replication sees it: the one
 * `AWS::ECR::ReplicationConfiguration` of the registry (ECR keeps one per account and region, so a
 * second would overwrite the first) and the repository creation templates that give the
 * repositories replication creates here their key and lifecycle.
 *
 * Create one in a stack of every region the service's images live in, and let
 * {@link ImageRepository} register with them (`registry`, `replicaRegistries`): the source
 * registry renders one rule per set of destination regions; each destination registry gets an
 * `AWS::ECR::RepositoryCreationTemplate` (applied to replication) for the repository, with
 * immutable tags, the source's lifecycle policy and this region's customer-managed key (a template
 * names the key by its full ARN, in its own region). The source stack then depends on the
 * destination stacks: a replica created before its template would get the AWS managed key.
 *
 * Construct ids (public API): `Configuration` (when this registry replicates), `ReplicaKey`
 * (retained) and its `ReplicaKeyAlias`, `ReplicaCreationRole` and one `Template <name>` per
 * repository replicated here (when this registry receives replicas).
 */
export class RegistryReplication extends Construct {
  /** The region of this registry. */
  public readonly region: string;
  /** The key of the repositories replication creates here, once one is registered. */
  public replicaKey?: kms.IKey;
  private readonly entries: ReplicationEntry[] = [];
  private readonly templates = new Map<string, ecr.CfnRepositoryCreationTemplate>();
  private readonly aliasName: string;
  private configuration?: ecr.CfnReplicationConfiguration;
  private creationRole?: iam.Role;

  constructor(scope: Construct, id: string, props: RegistryReplicationProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw validationError(
        "the stack's region must be known at synthesis (env: { region }): a registry's replication is " +
          'configured per region, got: an environment-agnostic stack',
        this,
      );
    }
    this.region = stack.region;
    this.aliasName = props.replicaKeyAliasName ?? DEFAULT_ALIAS;
    requireAliasName(this.aliasName, this);
    const other = registriesOf(this.node.root).find(
      (registry) => registry !== this && registry.region === this.region && sameAccount(registry, this),
    );
    if (other) {
      throw validationError(
        `a RegistryReplication must be the only one of its account and region (ECR keeps one replication ` +
          `configuration per registry, the last deployed wins), got: another at ${other.node.path} in ${this.region}`,
        this,
      );
    }
  }

  /**
   * Replicates the repository `repositoryName` of this registry to each of `destinations`, with its
   * lifecycle; what {@link ImageRepository} calls for its `replicaRegistries`.
   */
  public replicate(replica: ReplicaTemplate, destinations: readonly RegistryReplication[]): void {
    const regions = destinations.map((d) => d.region);
    const own = destinations.find((d) => d.region === this.region);
    if (own) {
      throw validationError(
        `replicaRegistries must be in other regions than the repository's (${this.region}), got: ${own.node.path}`,
        this,
        'replicaRegistries',
      );
    }
    const plan = planReplicationRules([...this.entries, { repositoryName: replica.repositoryName, regions }]);
    throwProblems(plan.problems, this);
    this.entries.push({ repositoryName: replica.repositoryName, regions });
    for (const destination of destinations) {
      destination.receive(replica);
      const source = Stack.of(this);
      const target = Stack.of(destination);
      if (source !== target && !source.dependencies.includes(target)) {
        source.addStackDependency(target, 'the creation template of a replica deploys before the replication rule');
      }
    }
    this.configuration ??= new ecr.CfnReplicationConfiguration(this, 'Configuration', {
      replicationConfiguration: { rules: Lazy.any({ produce: () => this.renderRules() }) },
    });
  }

  /** The repositories replication creates in this registry get their key and lifecycle from a template. */
  private receive(replica: ReplicaTemplate): void {
    const name = replica.repositoryName;
    const lifecyclePolicy = JSON.stringify(replica.lifecyclePolicy);
    const existing = this.templates.get(name);
    if (existing) {
      if (existing.lifecyclePolicy !== lifecyclePolicy) {
        throw validationError(
          `imagesKept must be the same for every repository named ${name} replicated to ${this.region} (one ` +
            'creation template per name), got: two different lifecycle policies',
          this,
          'imagesKept',
        );
      }
      return;
    }
    const key = this.replicaKey ?? this.newReplicaKey();
    const role = this.creationRole ?? this.newCreationRole(key);
    // PREFIX_MATCH replicates the name itself and longer names under it: the role creates those.
    const replicatedNames = Stack.of(this).formatArn({
      service: 'ecr',
      resource: 'repository',
      resourceName: `${name}*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
        resources: [replicatedNames],
      }),
    );
    acknowledgeWildcard(
      role,
      replicatedNames,
      `the replication filter of ${name} matches by prefix: replicas of longer names are created under it too`,
    );
    this.templates.set(
      name,
      new ecr.CfnRepositoryCreationTemplate(this, `Template ${name.split('/').join(' ')}`, {
        prefix: name,
        appliedFor: ['REPLICATION'],
        description: `Replicas of ${name}: immutable tags, the source's lifecycle, this region's key`,
        imageTagMutability: 'IMMUTABLE',
        lifecyclePolicy,
        encryptionConfiguration: { encryptionType: 'KMS', kmsKey: key.keyArn },
        customRoleArn: role.roleArn,
      }),
    );
  }

  private newReplicaKey(): kms.IKey {
    const key = newCustomerManagedKey(
      this,
      'ReplicaKey',
      `Encrypts the image repositories replication creates in ${this.region}`,
    );
    new kms.Alias(this, 'ReplicaKeyAlias', { aliasName: this.aliasName, targetKey: key });
    this.replicaKey = key;
    return key;
  }

  /**
   * The role ECR assumes to create a replica with a template that names a key: what AWS documents
   * for such a role, scoped to this region's key and to the replicated names.
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-custom.html
   */
  private newCreationRole(key: kms.IKey): iam.Role {
    const role = new iam.Role(this, 'ReplicaCreationRole', {
      assumedBy: new iam.ServicePrincipal('ecr.amazonaws.com'),
      description: `ECR creates the replicated repositories of ${this.region} with their key`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
        resources: [key.keyArn],
      }),
    );
    acknowledgeFindings(role, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "the inline policy belongs to this one role and names only this region's replica key and repositories",
    });
    this.creationRole = role;
    return role;
  }

  private renderRules(): ecr.CfnReplicationConfiguration.ReplicationRuleProperty[] {
    const account = Stack.of(this).account;
    return planReplicationRules(this.entries).rules.map((rule) => ({
      destinations: rule.regions.map((region) => ({ region, registryId: account })),
      repositoryFilters: rule.repositoryNames.map((filter) => ({ filter, filterType: 'PREFIX_MATCH' })),
    }));
  }
}

function registriesOf(root: IConstruct): RegistryReplication[] {
  return root.node.findAll().filter((c): c is RegistryReplication => c instanceof RegistryReplication);
}

/** Whether two registries are in the same account: equal accounts, or both the deploying account. */
function sameAccount(a: RegistryReplication, b: RegistryReplication): boolean {
  const accountA = Stack.of(a).account;
  const accountB = Stack.of(b).account;
  return Token.isUnresolved(accountA) && Token.isUnresolved(accountB) ? true : accountA === accountB;
}
