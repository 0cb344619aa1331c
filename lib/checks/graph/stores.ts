/**
 * The data stores of a graph and what their copies give: which resources are stores, how long their
 * zone failover takes, how far their copy in another region lags. Read by the rules (HA-DR*) and by
 * the report alike, so it lives with the graph rather than with either.
 */
import {
  AURORA_FAILOVER_SECONDS,
  CLOUD_SQL_HA_FAILOVER_SECONDS,
  DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS,
  DYNAMODB_MRSC_RPO_SECONDS,
  GCS_TURBO_REPLICATION_SECONDS,
  RDS_MULTI_AZ_CLUSTER_FAILOVER_SECONDS,
  RDS_MULTI_AZ_INSTANCE_FAILOVER_SECONDS,
  S3_RTC_REPLICATION_SECONDS,
  SPANNER_MULTI_REGION_RPO_SECONDS,
} from '../../core';
import {
  AURORA_GLOBAL_DB_RPO_MIN_SECONDS,
  AURORA_GLOBAL_DB_RPO_PARAMETER,
  EFS_REPLICATION_RPO_SECONDS,
} from '../../core/figures';
import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { block, blocks, bool, isSet, num, str } from './values';
import { distinct, zoneKey } from './zones';

/**
 * How one resource contributes to a recovery figure: the seconds (undefined when the template
 * cannot bound them), what they rest on, and which published figures (names in lib/core/figures.ts).
 */
export interface Contribution {
  readonly stack: string;
  readonly resource: string;
  readonly seconds?: number;
  /**
   * The seconds are a typical figure the provider publishes, not a bound (DynamoDB eventual
   * consistency): the report leaves the figure unproven; HA-DR3 still reads the seconds.
   */
  readonly typical?: boolean;
  readonly basis: string;
  readonly figures: readonly string[];
}

/** Stateful stores whose loss loses data: the ones RPO is about. */
export const STORE_TYPES = [
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket',
  'AWS::EFS::FileSystem',
  'aws_rds_cluster',
  'aws_db_instance',
  'aws_dynamodb_table',
  'aws_s3_bucket',
  'aws_efs_file_system',
  'google_sql_database_instance',
  'google_spanner_database',
  'google_storage_bucket',
];

/**
 * Whether a resource is a primary data store of its service: not an Aurora member instance, not a
 * read replica, and not a bucket that only receives logs (access logs, trails), which are
 * evidence rather than service data.
 */
export function isPrimaryStore(graph: ResourceGraph, resource: GraphResource): boolean {
  return (
    isDataStore(graph, resource) && (!resource.ha || resource.ha.role === 'primary' || resource.ha.role === 'global')
  );
}

/** Whether a resource is a data store in its own right (in any role), as {@link isPrimaryStore} without the role. */
export function isDataStore(graph: ResourceGraph, resource: GraphResource): boolean {
  if (!STORE_TYPES.includes(resource.type)) {
    return false;
  }
  const p = resource.properties;
  // A DB cluster names itself with DBClusterIdentifier; a DB instance with one is a cluster member.
  const member = resource.type === 'AWS::RDS::DBInstance' && isSet(p.DBClusterIdentifier);
  if (member || isSet(p.SourceDBInstanceIdentifier) || isSet(p.replicate_source_db) || isSet(p.master_instance_name)) {
    return false;
  }
  return !isLogBucket(graph, resource);
}

/**
 * Whether a bucket receives logs (CloudTrail, load-balancer access logs, S3 server access logs,
 * CloudFront logs, canary artifacts): evidence kept for investigation, not service data that a failover must carry.
 */
export function isLogBucket(graph: ResourceGraph, bucket: GraphResource): boolean {
  if (bucket.type !== 'AWS::S3::Bucket' && bucket.type !== 'aws_s3_bucket' && bucket.type !== 'google_storage_bucket') {
    return false;
  }
  return graph.referrersOf(bucket).some((r) => {
    const p = r.properties;
    const mentions = (value: unknown) => value !== undefined && JSON.stringify(value).includes(bucket.address);
    switch (r.type) {
      case 'AWS::CloudTrail::Trail':
      case 'aws_cloudtrail':
        return true;
      case 'aws_s3_bucket_logging':
        return mentions(p.target_bucket);
      case 'AWS::S3::Bucket':
        return mentions(p.LoggingConfiguration);
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        return mentions(p.LoadBalancerAttributes);
      case 'aws_lb':
      case 'aws_alb':
        return mentions(p.access_logs);
      case 'AWS::CloudFront::Distribution':
        return mentions((p.DistributionConfig as Record<string, unknown> | undefined)?.Logging);
      case 'aws_cloudfront_distribution':
        return mentions(p.logging_config);
      case 'google_storage_bucket':
        return mentions(p.logging);
      case 'AWS::Synthetics::Canary':
        return mentions(p.ArtifactS3Location);
      case 'aws_synthetics_canary':
        return mentions(p.artifact_s3_location);
      default:
        return false;
    }
  });
}

/** Whether an Aurora cluster (either engine) is Aurora. */
export function isAurora(resource: GraphResource): boolean {
  return String(resource.properties.Engine ?? resource.properties.engine ?? 'aurora').startsWith('aurora');
}

/** Time and data loss when the zone of a store's writer fails. */
export function zoneFailover(
  graph: ResourceGraph,
  store: GraphResource,
): { rto: Contribution; rpoSeconds?: number } | undefined {
  const p = store.properties;
  const at = { stack: store.stack, resource: store.address };
  switch (store.type) {
    case 'AWS::RDS::DBCluster':
    case 'aws_rds_cluster': {
      if (!isAurora(store)) {
        return {
          rto: {
            ...at,
            seconds: RDS_MULTI_AZ_CLUSTER_FAILOVER_SECONDS,
            basis: 'Multi-AZ DB cluster failover',
            figures: ['RDS_MULTI_AZ_CLUSTER_FAILOVER_SECONDS'],
          },
          rpoSeconds: 0,
        };
      }
      const members = graph.referrersOf(store, 'AWS::RDS::DBInstance', 'aws_rds_cluster_instance');
      const pinned = members.map((m) => zoneKey(m.properties.AvailabilityZone ?? m.properties.availability_zone));
      const oneZone = pinned.length > 0 && pinned.every((z) => z !== undefined) && distinct(pinned).length < 2;
      if (members.length >= 2 && !oneZone) {
        return {
          rto: {
            ...at,
            seconds: AURORA_FAILOVER_SECONDS,
            basis: `Aurora promotes a reader (${members.length} instances)`,
            figures: ['AURORA_FAILOVER_SECONDS'],
          },
          rpoSeconds: 0,
        };
      }
      return {
        rto: {
          ...at,
          basis: `Aurora cluster with ${members.length} instance(s) in one zone: the writer is recreated, time not published`,
          figures: [],
        },
        rpoSeconds: 0,
      };
    }
    case 'AWS::RDS::DBInstance':
    case 'aws_db_instance':
      if (bool(p.MultiAZ ?? p.multi_az) === true) {
        return {
          rto: {
            ...at,
            seconds: RDS_MULTI_AZ_INSTANCE_FAILOVER_SECONDS,
            basis: 'RDS Multi-AZ instance failover',
            figures: ['RDS_MULTI_AZ_INSTANCE_FAILOVER_SECONDS'],
          },
          rpoSeconds: 0,
        };
      }
      return { rto: { ...at, basis: 'single-AZ instance: restore in another zone, time not published', figures: [] } };
    case 'google_sql_database_instance':
      if (str(block(p.settings)?.availability_type) === 'REGIONAL') {
        // Google's figure is when a failover starts (the primary unresponsive for about 60 s), not when
        // the standby serves: the takeover after it is unpublished, so only a measured failover bounds it.
        return {
          rto: {
            ...at,
            basis:
              `Cloud SQL HA failover: Google starts it once the primary is unresponsive for about ` +
              `${CLOUD_SQL_HA_FAILOVER_SECONDS} s and publishes no time for the standby to take over; a failover ` +
              'drill (gcloud sql instances failover) measures it',
            figures: ['CLOUD_SQL_HA_FAILOVER_SECONDS'],
          },
          rpoSeconds: 0,
        };
      }
      return {
        rto: { ...at, basis: 'zonal Cloud SQL instance: restore in another zone, time not published', figures: [] },
      };
    case 'google_spanner_database':
      // Replicas in other zones hold every committed write; the splits led from the lost zone stall until
      // another replica leads them, in a time Google does not publish and no drill can cause.
      return {
        rto: {
          ...at,
          basis:
            "Spanner: another replica takes over the leadership of the lost zone's splits by itself, in a time " +
            'Google does not publish',
          figures: [],
        },
        rpoSeconds: 0,
      };
    default:
      return undefined;
  }
}

/**
 * How far a store's copy in another region lags (its contribution to the region RPO), or undefined
 * when it has no copy in another region. A copy without a published bound has no seconds.
 */
export function regionReplication(graph: ResourceGraph, store: GraphResource): Contribution | undefined {
  const p = store.properties;
  const at = { stack: store.stack, resource: store.address };
  switch (store.type) {
    case 'AWS::RDS::DBCluster':
    case 'aws_rds_cluster':
      if (
        isSet(p.GlobalClusterIdentifier ?? p.global_cluster_identifier) ||
        graph.referrersOf(store, 'AWS::RDS::GlobalCluster', 'aws_rds_global_cluster').length > 0
      ) {
        return auroraGlobalLag(graph, store, at);
      }
      return undefined;
    case 'AWS::DynamoDB::GlobalTable': {
      const regions = distinct(blocks(p.Replicas).map((r) => str(r.Region)));
      if (regions.length < 2) {
        return undefined;
      }
      return dynamoLag(at, str(p.MultiRegionConsistency) === 'STRONG');
    }
    case 'aws_dynamodb_table': {
      const replicas = blocks(p.replica);
      if (replicas.length === 0) {
        return undefined;
      }
      return dynamoLag(
        at,
        replicas.some((r) => str(r.consistency_mode) === 'STRONG') || str(p.multi_region_consistency) === 'STRONG',
      );
    }
    case 'AWS::S3::Bucket':
    case 'aws_s3_bucket': {
      const rules = s3ReplicationRules(graph, store);
      if (rules.length === 0) {
        return undefined;
      }
      const rtc = rules.every((rule) => {
        const destination = block(rule.Destination ?? rule.destination) ?? {};
        const time = block(destination.ReplicationTime ?? destination.replication_time);
        return str(time?.Status ?? time?.status) === 'Enabled';
      });
      return rtc
        ? {
            ...at,
            seconds: S3_RTC_REPLICATION_SECONDS,
            basis: 'S3 Replication Time Control',
            figures: ['S3_RTC_REPLICATION_SECONDS'],
          }
        : { ...at, basis: 'S3 replication without Replication Time Control: no published bound', figures: [] };
    }
    case 'google_storage_bucket': {
      const location = str(p.location) ?? '';
      // Single regions are hyphenated (`US-CENTRAL1`); multi-regions (`US`) and predefined dual-regions (`NAM4`) are not.
      const multiRegion = (location !== '' && !location.includes('-')) || isSet(p.custom_placement_config);
      if (!multiRegion) {
        return undefined;
      }
      return str(p.rpo) === 'ASYNC_TURBO'
        ? {
            ...at,
            seconds: GCS_TURBO_REPLICATION_SECONDS,
            basis: 'Cloud Storage turbo replication',
            figures: ['GCS_TURBO_REPLICATION_SECONDS'],
          }
        : {
            ...at,
            basis: 'Cloud Storage default replication: no published bound (turbo replication gives 15 min)',
            figures: [],
          };
    }
    case 'AWS::EFS::FileSystem':
    case 'aws_efs_file_system': {
      const inline = blocks(block(p.ReplicationConfiguration)?.Destinations);
      const separate = graph.referrersOf(store, 'aws_efs_replication_configuration');
      return inline.length > 0 || separate.length > 0
        ? {
            ...at,
            seconds: EFS_REPLICATION_RPO_SECONDS,
            basis: 'EFS replication',
            figures: ['EFS_REPLICATION_RPO_SECONDS'],
          }
        : undefined;
    }
    case 'AWS::RDS::DBInstance':
    case 'aws_db_instance': {
      // Cross-region read replicas name their source by ARN or identifier, rarely by reference.
      const name = str(p.DBInstanceIdentifier ?? p.identifier);
      const replicas = graph
        .ofType('AWS::RDS::DBInstance', 'aws_db_instance')
        .filter(
          (r) =>
            r.key !== store.key &&
            r.region !== store.region &&
            (r.references.includes(store.key) ||
              (name !== undefined &&
                JSON.stringify(
                  r.properties.SourceDBInstanceIdentifier ?? r.properties.replicate_source_db ?? '',
                ).includes(name))),
        );
      return replicas.length > 0
        ? { ...at, basis: 'RDS cross-region read replica: asynchronous, no published bound', figures: [] }
        : undefined;
    }
    case 'google_spanner_database': {
      const configuration = spannerConfiguration(graph, store);
      if (configuration === undefined || configuration.startsWith('custom-')) {
        return {
          ...at,
          basis:
            `Spanner instance configuration ${configuration ?? 'not literal in the template'}: ` +
            'its regions are not known',
          figures: [],
        };
      }
      return configuration.startsWith('regional-')
        ? undefined
        : {
            ...at,
            seconds: SPANNER_MULTI_REGION_RPO_SECONDS,
            basis: `Spanner ${configuration}: a write commits in a quorum of replicas in more than one region`,
            figures: ['SPANNER_MULTI_REGION_RPO_SECONDS'],
          };
    }
    case 'google_sql_database_instance': {
      const replicas = graph
        .referrersOf(store, 'google_sql_database_instance')
        .filter((r) => r.region && r.region !== store.region);
      return replicas.length > 0
        ? { ...at, basis: 'Cloud SQL cross-region read replica: asynchronous, no published bound', figures: [] }
        : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The instance configuration (`nam3`, `regional-us-east1`) of a Spanner database's instance, when
 * the template names it literally.
 */
export function spannerConfiguration(graph: ResourceGraph, database: GraphResource): string | undefined {
  const instance = graph.referencedBy(database, 'google_spanner_instance')[0];
  const configuration = instance ? str(instance.properties.config) : undefined;
  return configuration !== undefined && !configuration.includes('${') ? configuration : undefined;
}

function dynamoLag(at: { stack: string; resource: string }, strong: boolean): Contribution {
  // Eventual consistency replicates typically within a second, with no SLA on it: a typical figure bounds nothing.
  return strong
    ? {
        ...at,
        seconds: DYNAMODB_MRSC_RPO_SECONDS,
        basis: 'DynamoDB global table with multi-region strong consistency',
        figures: ['DYNAMODB_MRSC_RPO_SECONDS'],
      }
    : {
        ...at,
        seconds: DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS,
        typical: true,
        figures: ['DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS'],
        basis:
          'DynamoDB global table with eventual consistency: typical lag under 1 s is not a bound (no SLA): use ' +
          'multi-region strong consistency (RPO 0), or measure the lag at failover in a region drill',
      };
}

/**
 * The lag an Aurora global database's primary is held to: `rds.global_db_rpo` in its cluster
 * parameter group (Aurora PostgreSQL blocks commits while every secondary lags more), else no bound.
 */
function auroraGlobalLag(
  graph: ResourceGraph,
  store: GraphResource,
  at: { stack: string; resource: string },
): Contribution {
  const engine = str(store.properties.Engine ?? store.properties.engine) ?? '';
  const parameter = AURORA_GLOBAL_DB_RPO_PARAMETER;
  if (engine === 'aurora' || engine.startsWith('aurora-mysql')) {
    return {
      ...at,
      figures: [],
      basis:
        'Aurora MySQL global database: typical lag under 1 s is not a bound, and ' +
        `Aurora MySQL has no ${parameter}: measure the lag at failover in a region drill`,
    };
  }
  const seconds = globalDbRpoSeconds(graph, store);
  if (seconds === undefined) {
    return {
      ...at,
      figures: [],
      basis:
        `Aurora global database without ${parameter}: typical lag under 1 s is not a ` +
        `bound: set ${parameter}, or measure the lag at failover in a region drill`,
    };
  }
  const basis = `${parameter} blocks commits beyond ${seconds} s of lag`;
  return { ...at, seconds, basis, figures: ['AURORA_GLOBAL_DB_RPO_PARAMETER'] };
}

/**
 * `rds.global_db_rpo` of the cluster parameter group a cluster names by reference (CloudFormation
 * `Ref`, Terraform `${aws_rds_cluster_parameter_group.x.name}`), when a whole number of seconds Aurora accepts.
 */
function globalDbRpoSeconds(graph: ResourceGraph, cluster: GraphResource): number | undefined {
  const p = cluster.properties;
  const named = JSON.stringify(p.DBClusterParameterGroupName ?? p.db_cluster_parameter_group_name ?? '');
  const groups = graph
    .referencedBy(cluster, 'AWS::RDS::DBClusterParameterGroup', 'aws_rds_cluster_parameter_group')
    .filter((group) => named.includes(group.address));
  for (const group of groups) {
    const inline = block(group.properties.Parameters)?.[AURORA_GLOBAL_DB_RPO_PARAMETER];
    const listed = blocks(group.properties.parameter).find(
      (entry) => str(entry.name) === AURORA_GLOBAL_DB_RPO_PARAMETER,
    )?.value;
    const seconds = num(inline ?? listed);
    if (seconds !== undefined && Number.isInteger(seconds) && seconds >= AURORA_GLOBAL_DB_RPO_MIN_SECONDS) {
      return seconds;
    }
  }
  return undefined;
}

/** Replication rules of a bucket: CloudFormation inline, Terraform inline or a separate resource. */
export function s3ReplicationRules(graph: ResourceGraph, bucket: GraphResource): Record<string, unknown>[] {
  const inline = block(bucket.properties.ReplicationConfiguration ?? bucket.properties.replication_configuration);
  const separate = graph
    .referrersOf(bucket, 'aws_s3_bucket_replication_configuration')
    .filter((r) => JSON.stringify(r.properties.bucket ?? '').includes(bucket.address));
  return [...blocks(inline?.Rules ?? inline?.rules), ...separate.flatMap((r) => blocks(r.properties.rule))].filter(
    (rule) => (str(rule.Status ?? rule.status) ?? 'Enabled') === 'Enabled',
  );
}
