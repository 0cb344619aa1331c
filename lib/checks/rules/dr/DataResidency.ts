import { regionPlacementProblem } from '../../../core';
import { GraphResource } from '../../graph/model';
import { block, blocks, str } from '../../graph/values';
import { s3ReplicationRules } from '../../graph/stores';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const REPLICA_TYPES = [
  'AWS::DynamoDB::GlobalTable',
  'aws_dynamodb_table',
  'AWS::SecretsManager::Secret',
  'aws_secretsmanager_secret',
  'AWS::S3::Bucket',
  'aws_s3_bucket',
  'AWS::Backup::BackupPlan',
  'aws_backup_plan',
  'google_secret_manager_secret',
];

/** HA-DR2: resources, replicas and copies stay within the service's allowed regions. */
export const DataResidency: HaRule = {
  id: 'HA-DR2',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info: 'A service that states allowedRegions has no resource, replica (DynamoDB, Secrets Manager, S3 replication, Secret Manager) or backup copy outside them.',
  explanation:
    'Data residency is a hard constraint: a replica in another jurisdiction is a compliance incident, however much it helps recovery.',
  resourceTypes: ['every resource with an HA record', ...REPLICA_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return graph.resources.flatMap((resource) => {
      const allowed = context.services.recordOf(resource)?.allowedRegions;
      if (!allowed) {
        return [];
      }
      const replicas = replicaRegions(context, resource);
      if (!resource.region && replicas.length === 0) {
        return [];
      }
      const problem = regionPlacementProblem({
        prop: `the replica regions of ${resource.address}`,
        primaryRegion: resource.region,
        replicaRegions: replicas.filter((r) => r !== resource.region),
        allowedRegions: allowed,
      });
      const inside = !problem || !/allowedRegions/.test(problem);
      return [
        outcome(
          resource,
          inside ? undefined : `${problem}: keep ${resource.address} and its copies within ${allowed.join(', ')}`,
        ),
      ];
    });
  },
};

/** Regions a resource copies its data to, as far as the template states them. */
function replicaRegions(context: RuleContext, resource: GraphResource): string[] {
  const p = resource.properties;
  const { graph } = context;
  switch (resource.type) {
    case 'AWS::DynamoDB::GlobalTable':
      return blocks(p.Replicas)
        .map((r) => str(r.Region))
        .filter(defined);
    case 'aws_dynamodb_table':
      return blocks(p.replica)
        .map((r) => str(r.region_name))
        .filter(defined);
    case 'AWS::SecretsManager::Secret':
      return blocks(p.ReplicaRegions)
        .map((r) => str(r.Region))
        .filter(defined);
    case 'aws_secretsmanager_secret':
      return blocks(p.replica)
        .map((r) => str(r.region))
        .filter(defined);
    case 'google_secret_manager_secret': {
      const managed = block(block(p.replication)?.user_managed);
      return blocks(managed?.replicas)
        .map((r) => str(r.location))
        .filter(defined);
    }
    case 'AWS::S3::Bucket':
    case 'aws_s3_bucket':
      return s3ReplicationRules(graph, resource).flatMap((rule) => {
        const destination = block(rule.Destination ?? rule.destination) ?? {};
        return referencesIn(graph, resource, destination)
          .map((key) => graph.get(key)?.region)
          .filter(defined);
      });
    case 'AWS::Backup::BackupPlan':
    case 'aws_backup_plan':
      return (
        JSON.stringify(p)
          .match(/arn:[a-z-]+:backup:[a-z0-9-]+:/g)
          ?.map((arn) => arn.split(':')[3]) ?? []
      );
    default:
      return [];
  }
}

/** Keys of graph resources whose address appears in a value (a destination block's Ref or interpolation). */
function referencesIn(graph: RuleContext['graph'], resource: GraphResource, value: unknown): string[] {
  const text = JSON.stringify(value);
  return graph.resources
    .filter(
      (r) =>
        r.key !== resource.key &&
        (r.type === 'AWS::S3::Bucket' || r.type === 'aws_s3_bucket') &&
        (text.includes(`"${r.address}"`) || text.includes(`${r.address}.`) || bucketNameMatches(r, text)),
    )
    .map((r) => r.key);
}

function bucketNameMatches(bucket: GraphResource, text: string): boolean {
  const name = str(bucket.properties.BucketName ?? bucket.properties.bucket);
  return name !== undefined && text.includes(`arn:aws:s3:::${name}`);
}

function defined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
