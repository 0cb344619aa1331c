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
 * RegistryReplication on CloudFormation and on Terraform: several repositories of one registry,
 * each replicated to its own set of regions, render the same rule set (one rule per set of
 * destinations) and the same creation templates per destination region.
 */

const REGIONS = ['us-west-2', 'eu-west-1', 'ap-southeast-2'];
const intent = fc.uniqueArray(
  fc.record({
    name: fc.constantFrom('orders', 'payments', 'audit', 'shop/web', 'shop/api'),
    regions: fc.subarray(REGIONS, { minLength: 1 }),
  }),
  { minLength: 1, maxLength: 4, selector: (r) => r.name },
);
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** Rules as [destination regions, repository filters]; templates as [region, prefix]. */
interface ReplicationValues {
  readonly rules: readonly unknown[];
  readonly templates: readonly string[];
}

function cdkValues(p: Intent): ReplicationValues {
  const app = testApp();
  const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
  const registry = new RegistryReplication(primary, 'Registry');
  const registries = new Map(
    REGIONS.map((region) => [
      region,
      new RegistryReplication(new Stack(app, `Replica-${region}`, { env: { region } }), 'Registry'),
    ]),
  );
  for (const repository of p) {
    new ImageRepository(primary, `Images-${repository.name}`, {
      tier: ServiceTier.TIER_1,
      repositoryName: repository.name,
      registry,
      replicaRegistries: repository.regions.map((region) => registries.get(region)!),
    });
  }
  const [configuration] = Object.values(
    Template.fromStack(primary).findResources('AWS::ECR::ReplicationConfiguration'),
  );
  const rules = configuration.Properties.ReplicationConfiguration.Rules as {
    Destinations: { Region: string }[];
    RepositoryFilters: { Filter: string }[];
  }[];
  return {
    rules: rules.map((r) => [r.Destinations.map((d) => d.Region), r.RepositoryFilters.map((f) => f.Filter)]),
    templates: [...registries.values()]
      .flatMap((replica) =>
        Object.values(Template.fromStack(Stack.of(replica)).findResources('AWS::ECR::RepositoryCreationTemplate')).map(
          (t) => `${replica.region} ${t.Properties.Prefix}`,
        ),
      )
      .sort(),
  };
}

function tfValues(p: Intent): ReplicationValues {
  const json = tfJson((stack) => {
    const registry = new TfRegistryReplication(stack, 'Registry');
    const registries = new Map(
      REGIONS.map((region) => {
        const alias = region.replace(/-/g, '_');
        const provider = new AwsProvider(stack, alias, { region, alias });
        return [region, new TfRegistryReplication(stack, `Registry-${region}`, { provider })];
      }),
    );
    for (const repository of p) {
      new TfImageRepository(stack, `Images-${repository.name.replace('/', '-')}`, {
        tier: ServiceTier.TIER_1,
        repositoryName: repository.name,
        registry,
        replicaRegistries: repository.regions.map((region) => registries.get(region)!),
      });
    }
  });
  const [configuration] = tfOfType(json, 'aws_ecr_replication_configuration');
  const rules = (configuration.replication_configuration as { rule: unknown[] }).rule as {
    destination: { region: string }[];
    repository_filter: { filter: string }[];
  }[];
  return {
    rules: rules.map((r) => [r.destination.map((d) => d.region), r.repository_filter.map((f) => f.filter)]),
    templates: tfOfType(json, 'aws_ecr_repository_creation_template')
      .map((t) => `${String(t.provider).replace('aws.', '').replace(/_/g, '-')} ${String(t.prefix)}`)
      .sort(),
  };
}

test.each(intents(intent, 5).map((p, i) => [i, p] as const))(
  'intent %i: the CDK registry and its Terraform twin render the same rules and templates',
  (_, p) => {
    const cdk = cdkValues(p);
    expect(tfValues(p)).toEqual(cdk);
    // One rule per distinct set of destinations, naming every repository once.
    const sets = new Set(p.map((r) => [...r.regions].sort().join(',')));
    expect(cdk.rules).toHaveLength(sets.size);
    expect(cdk.templates).toHaveLength(p.reduce((n, r) => n + r.regions.length, 0));
  },
);
