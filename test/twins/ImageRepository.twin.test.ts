import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import * as fc from 'fast-check';
import { ImageRepository } from '../../lib/aws/image-repository';
import { RegistryReplication } from '../../lib/aws/registry-replication';
import { ServiceTier } from '../../lib/core';
import {
  ImageRepository as TfImageRepository,
  RegistryReplication as TfRegistryReplication,
} from '../../lib/tf/aws/image-repository';
import { testApp } from '../util';
import { intents, tfJson, tfOfType } from './harness';

/**
 * ImageRepository on CloudFormation and on Terraform, from one intent: the same repository
 * settings, lifecycle, replication rule and replicas' creation templates, from core's
 * planImageRepository and planReplicationRules.
 */

const REPLICA_REGIONS = ['us-west-2', 'eu-west-1'];
const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    imagesKept: fc.integer({ min: 2, max: 1000 }),
    extraReplicas: fc.integer({ min: 0, max: 1 }),
    name: fc.constantFrom('orders', 'shop/orders-api', 'a1.b_c'),
  })
  .map((p) => ({ ...p, replicas: REPLICA_REGIONS.slice(0, Math.max(p.tier.minRegions - 1, 0) + p.extraReplicas) }));
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of one repository and its replication, read from either output. */
interface RepositoryValues {
  readonly repository: readonly unknown[];
  readonly lifecycle: unknown;
  readonly rules: unknown;
  readonly templates: readonly unknown[];
}

function cdkValues(p: Intent): RepositoryValues {
  const app = testApp();
  const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
  const replicas = p.replicas.map(
    (region) => new RegistryReplication(new Stack(app, `Replica-${region}`, { env: { region } }), 'Registry'),
  );
  new ImageRepository(primary, 'Images', {
    tier: p.tier,
    repositoryName: p.name,
    imagesKept: p.imagesKept,
    registry: replicas.length > 0 ? new RegistryReplication(primary, 'Registry') : undefined,
    replicaRegistries: replicas,
  });
  const of = (stack: Stack, type: string) =>
    Object.values(Template.fromStack(stack).findResources(type)).map((r) => r.Properties);
  const [repository] = of(primary, 'AWS::ECR::Repository');
  const [configuration] = of(primary, 'AWS::ECR::ReplicationConfiguration');
  const rules = (configuration?.ReplicationConfiguration.Rules ?? []) as {
    Destinations: { Region: string }[];
    RepositoryFilters: { Filter: string; FilterType: string }[];
  }[];
  return {
    repository: [
      repository.RepositoryName,
      repository.ImageTagMutability,
      repository.ImageScanningConfiguration.ScanOnPush,
      repository.EncryptionConfiguration.EncryptionType,
    ],
    lifecycle: JSON.parse(repository.LifecyclePolicy.LifecyclePolicyText),
    rules: rules.map((r) => [
      r.Destinations.map((d) => d.Region),
      r.RepositoryFilters.map((f) => [f.Filter, f.FilterType]),
    ]),
    templates: replicas.flatMap((registry) =>
      of(Stack.of(registry), 'AWS::ECR::RepositoryCreationTemplate').map((t) => [
        registry.region,
        t.Prefix,
        t.AppliedFor,
        t.ImageTagMutability,
        t.EncryptionConfiguration.EncryptionType,
        JSON.parse(t.LifecyclePolicy),
      ]),
    ),
  };
}

function tfValues(p: Intent): RepositoryValues {
  const json = tfJson((stack) => {
    const replicas = p.replicas.map((region) => {
      const alias = region.replace(/-/g, '_');
      const provider = new AwsProvider(stack, alias, { region, alias });
      return new TfRegistryReplication(stack, `Registry-${region}`, { provider });
    });
    new TfImageRepository(stack, 'Images', {
      tier: p.tier,
      repositoryName: p.name,
      imagesKept: p.imagesKept,
      registry: replicas.length > 0 ? new TfRegistryReplication(stack, 'Registry') : undefined,
      replicaRegistries: replicas,
    });
  });
  const [repository] = tfOfType(json, 'aws_ecr_repository');
  const [lifecycle] = tfOfType(json, 'aws_ecr_lifecycle_policy');
  const [configuration] = tfOfType(json, 'aws_ecr_replication_configuration');
  const rules = ((configuration?.replication_configuration as { rule: unknown[] } | undefined)?.rule ?? []) as {
    destination: { region: string }[];
    repository_filter: { filter: string; filter_type: string }[];
  }[];
  const regionOfProvider = (provider: unknown) => String(provider).replace('aws.', '').replace(/_/g, '-');
  const scan = repository.image_scanning_configuration as { scan_on_push: boolean };
  const [encryption] = repository.encryption_configuration as { encryption_type: string }[];
  return {
    repository: [repository.name, repository.image_tag_mutability, scan.scan_on_push, encryption.encryption_type],
    lifecycle: JSON.parse(String(lifecycle.policy)),
    rules: rules.map((r) => [
      r.destination.map((d) => d.region),
      r.repository_filter.map((f) => [f.filter, f.filter_type]),
    ]),
    templates: tfOfType(json, 'aws_ecr_repository_creation_template').map((t) => [
      regionOfProvider(t.provider),
      t.prefix,
      t.applied_for,
      t.image_tag_mutability,
      (t.encryption_configuration as { encryption_type: string }[])[0].encryption_type,
      JSON.parse(String(t.lifecycle_policy)),
    ]),
  };
}

test.each(intents(intent, 6).map((p, i) => [i, p] as const))(
  'intent %i: the CDK repository and its Terraform twin render the same plan',
  (_, p) => {
    const cdk = cdkValues(p);
    expect(tfValues(p)).toEqual(cdk);
    // And the values are the plan's, not defaults that happen to agree.
    expect(cdk.templates).toHaveLength(p.replicas.length);
    expect(JSON.stringify(cdk.lifecycle)).toContain(`"countNumber":${p.imagesKept}`);
  },
);
