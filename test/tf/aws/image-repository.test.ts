import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrReplicationConfiguration } from '@cdktf/provider-aws/lib/ecr-replication-configuration';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrRepositoryCreationTemplate } from '@cdktf/provider-aws/lib/ecr-repository-creation-template';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Testing } from 'cdktf';
import { checkInputs } from '../../../lib/checks/check';
import { ImagesInRegion } from '../../../lib/checks/rules/dr/ImagesInRegion';
import { HaRole, HaValidationError, ServiceTier } from '../../../lib/core';
import { graphInputsOf } from '../../../lib/testing/synthesized';
import { ImageRepository, RegistryReplication } from '../../../lib/tf/aws/image-repository';
import { ResilientService } from '../../../lib/tf/aws/service';
import { awsStack, Json, refTo, resourcesOf } from './util';

Testing.setupJest();

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** TIER_1 images in us-east-1 replicated to us-west-2, and a warm standby there pulling the replica. */
function build() {
  const { stack, west } = awsStack();
  const registry = new RegistryReplication(stack, 'Registry');
  const westRegistry = new RegistryReplication(stack, 'WestRegistry', { provider: west });
  const images = new ImageRepository(stack, 'Images', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    repositoryName: 'orders',
    registry,
    replicaRegistries: [westRegistry],
  });
  new ResilientService(stack, 'Standby', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    role: HaRole.STANDBY,
    provider: west,
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
    loadBalancerSubnetIds: ['subnet-pa', 'subnet-pb', 'subnet-pc'],
    repository: images.replicaIn(stack, west),
    imageTagOrDigest: DIGEST,
    requiredCount: 6,
    maxCount: 18,
    certificateArn: 'arn:aws:acm:us-west-2:111111111111:certificate/abc',
  });
  return { stack, synthesized: Testing.synth(stack) };
}

let built: ReturnType<typeof build>;
beforeAll(() => {
  built = build();
});

const one = (type: { readonly tfResourceType: string }): Json => {
  const all = Object.values(resourcesOf(built.synthesized, type));
  expect(all).toHaveLength(1);
  return all[0];
};

describe('ImageRepository (Terraform)', () => {
  test('THEN the repository has immutable tags, scan on push, a customer-managed key, and cannot be destroyed', () => {
    expect(one(EcrRepository)).toMatchObject({
      name: 'orders',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: 'KMS', kms_key: refTo(KmsKey, 'Images_Key', 'arn') }],
      force_delete: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(JSON.parse(one(EcrLifecyclePolicy).policy).rules[0].selection).toEqual({
      tagStatus: 'any',
      countType: 'imageCountMoreThan',
      countNumber: 100,
    });
  });

  test('THEN one replication rule copies it to us-west-2, after the creation template there exists', () => {
    const configuration = one(EcrReplicationConfiguration);
    expect(configuration.replication_configuration.rule).toEqual([
      {
        destination: [{ region: 'us-west-2', registry_id: expect.stringContaining('data.aws_caller_identity') }],
        repository_filter: [{ filter: 'orders', filter_type: 'PREFIX_MATCH' }],
      },
    ]);
    expect(configuration.provider).toBeUndefined();
    expect(configuration.depends_on).toEqual([
      expect.stringMatching(/^aws_ecr_repository_creation_template\.WestRegistry_Templateorders_/),
    ]);
  });

  test("THEN the replicas' template in us-west-2 names that region's key and the source's lifecycle", () => {
    const template = one(EcrRepositoryCreationTemplate);
    expect(template).toMatchObject({
      provider: 'aws.west',
      prefix: 'orders',
      applied_for: ['REPLICATION'],
      image_tag_mutability: 'IMMUTABLE',
      lifecycle_policy: one(EcrLifecyclePolicy).policy,
      encryption_configuration: [{ encryption_type: 'KMS', kms_key: refTo(KmsKey, 'WestRegistry_ReplicaKey', 'arn') }],
    });
    expect(one(KmsAlias)).toMatchObject({ provider: 'aws.west', name: 'alias/ha-constructs/ecr-replicas' });
    const creation = Object.values(resourcesOf(built.synthesized, IamRolePolicy)).find((p) =>
      String(p.role).includes('ReplicaCreationRole'),
    )!;
    expect(JSON.parse(creation.policy).Statement[1]).toMatchObject({
      Action: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
      Resource: [expect.stringMatching(/:ecr:\$\{.*\}:\$\{.*\}:repository\/orders\*$/)],
    });
  });

  test('THEN the standby pulls the digest from its own region, and HA-DR5 finds nothing', () => {
    const [container] = JSON.parse(one(EcsTaskDefinition).container_definitions);
    expect(container.image).toMatch(/\.dkr\.ecr\.us-west-2\.\$\{data\.aws_partition\..*\.dns_suffix\}\/orders@sha256:/);
    const report = checkInputs(graphInputsOf(built.stack), { rules: [ImagesInRegion] });
    expect(report.findings).toEqual([]);
    expect(report.unchecked ?? []).toEqual([]);
  });

  test.each<[string, () => unknown, string]>([
    [
      'TIER_0 without replicas',
      () => new ImageRepository(awsStack().stack, 'Images', { tier: ServiceTier.TIER_0, repositoryName: 'orders' }),
      'replicaRegistries must name at least 1 other region(s) for TIER_0',
    ],
    [
      'two registries in one region',
      () => {
        const { stack } = awsStack();
        new RegistryReplication(stack, 'A');
        new RegistryReplication(stack, 'B');
      },
      'a RegistryReplication must be the only one of its account and region',
    ],
    [
      'a replica asked for where none goes',
      () => {
        const { stack, west } = awsStack();
        new ImageRepository(stack, 'Images', { tier: ServiceTier.TIER_3, repositoryName: 'orders' }).replicaIn(
          stack,
          west,
        );
      },
      'the images of orders are in us-east-1, got: a provider of us-west-2',
    ],
  ])('GIVEN %s THEN an HaValidationError names the prop', (_name, fn, message) => {
    expect(fn).toThrow(HaValidationError);
    expect(fn).toThrow(message);
  });
});
