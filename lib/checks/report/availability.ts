import { composeParallel, composeSerial, DrStrategy, PUBLISHED_SLAS, PublishedSla } from '../../core';
import { ResourceGraph } from '../graph/graph';
import { isServingFunction } from '../graph/functions';
import { GraphResource } from '../graph/model';
import {
  isAurora,
  isPrimaryStore,
  regionReplication,
  spannerConfiguration,
  STORE_TYPES,
  zoneFailover,
} from '../graph/stores';
import { block, blocks, str } from '../graph/values';
import { fleetZones } from '../graph/zones';
import { ServiceStack } from '../services';
import { issuerAvailabilityGaps } from './client-credentials';
import { eksAvailabilityGaps, eksSlas } from './eks';
import { figure, Figure } from './figure';
import { controlPlaneOffServingPath } from './gke-serving-path';
import { drainedByEcsService } from './ecs-worker';

interface Component {
  readonly sla: PublishedSla;
  readonly resource: GraphResource;
  readonly global: boolean;
}

function componentOf(graph: ResourceGraph, r: GraphResource): Component | undefined {
  const p = r.properties;
  const c = (sla: PublishedSla, global = false): Component => ({ sla, resource: r, global });
  switch (r.type) {
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
    case 'aws_lb':
    case 'aws_alb':
      return c('ELASTIC_LOAD_BALANCING');
    case 'google_compute_backend_service':
      return c('CLOUD_LOAD_BALANCING', true);
    case 'google_compute_region_backend_service':
      return c('CLOUD_LOAD_BALANCING');
    case 'AWS::AutoScaling::AutoScalingGroup':
    case 'aws_autoscaling_group':
    case 'AWS::ECS::Service':
    case 'aws_ecs_service':
      return c((fleetZones(graph, r)?.length ?? 0) >= 2 ? 'EC2_MULTI_AZ' : 'EC2_SINGLE_INSTANCE');
    case 'AWS::ApiGateway::RestApi':
    case 'AWS::ApiGatewayV2::Api':
    case 'aws_api_gateway_rest_api':
    case 'aws_apigatewayv2_api':
      // A regional entry point, in series with what it invokes in its region.
      return c('API_GATEWAY');
    case 'AWS::SQS::Queue':
    case 'aws_sqs_queue':
      // The work an ECS service drains from a queue reaches its tasks only through it: in series.
      return drainedByEcsService(graph, r) ? c('SQS') : undefined;
    case 'AWS::Lambda::Function':
    case 'aws_lambda_function':
      // A custom resource's handler serves no request.
      return isServingFunction(graph, r) ? c('LAMBDA') : undefined;
    case 'google_compute_region_instance_group_manager':
      return c(
        (fleetZones(graph, r)?.length ?? 0) >= 2 ? 'COMPUTE_ENGINE_MULTI_ZONE' : 'COMPUTE_ENGINE_SINGLE_INSTANCE',
      );
    case 'google_container_cluster':
      // The Kubernetes API: without it nothing reschedules, scales or repairs (its nodes count apart);
      // serving that needs none of these does not depend on it (controlPlaneOffServingPath).
      return c(
        /^[a-z]+-[a-z]+\d+$/.test(str(p.location) ?? '') ? 'GKE_REGIONAL_CONTROL_PLANE' : 'GKE_ZONAL_CONTROL_PLANE',
      );
    case 'google_container_node_pool': {
      // A pool without node_locations runs in its cluster's.
      const clusters = graph.referencedBy(r, 'google_container_cluster');
      const zones = fleetZones(graph, r) ?? (clusters.length === 1 ? fleetZones(graph, clusters[0]) : undefined);
      return c((zones?.length ?? 0) >= 2 ? 'COMPUTE_ENGINE_MULTI_ZONE' : 'COMPUTE_ENGINE_SINGLE_INSTANCE');
    }
    case 'google_cloud_run_v2_service':
      return c('CLOUD_RUN');
    case 'AWS::RDS::DBCluster':
    case 'aws_rds_cluster':
      return isAurora(r)
        ? c(zoneFailover(graph, r)?.rto.seconds !== undefined ? 'AURORA_MULTI_AZ' : 'RDS_SINGLE_AZ')
        : c('RDS_MULTI_AZ');
    case 'AWS::RDS::DBInstance':
    case 'aws_db_instance':
      return c(String(p.MultiAZ ?? p.multi_az) === 'true' ? 'RDS_MULTI_AZ' : 'RDS_SINGLE_AZ');
    case 'AWS::DynamoDB::Table':
      return c('DYNAMODB_STANDARD');
    case 'AWS::DynamoDB::GlobalTable':
      return blocks(p.Replicas).length >= 2 ? c('DYNAMODB_GLOBAL_TABLES', true) : c('DYNAMODB_STANDARD');
    case 'aws_dynamodb_table':
      return blocks(p.replica).length > 0 ? c('DYNAMODB_GLOBAL_TABLES', true) : c('DYNAMODB_STANDARD');
    case 'AWS::EFS::FileSystem':
    case 'aws_efs_file_system':
      return c('EFS_REGIONAL');
    case 'google_sql_database_instance': {
      const settings = block(p.settings) ?? {};
      if (str(settings.availability_type) !== 'REGIONAL') {
        return c('COMPUTE_ENGINE_SINGLE_INSTANCE');
      }
      return c(
        str(settings.edition) === 'ENTERPRISE_PLUS' ? 'CLOUD_SQL_ENTERPRISE_PLUS_HA' : 'CLOUD_SQL_ENTERPRISE_HA',
      );
    }
    case 'google_spanner_database': {
      // A regional configuration is one region's; any other spans regions (unknown ones count as regional).
      const configuration = spannerConfiguration(graph, r) ?? 'regional-';
      const multiRegion = !configuration.startsWith('regional-') && !configuration.startsWith('custom-');
      return multiRegion ? c('SPANNER_MULTI_REGION', true) : c('SPANNER_REGIONAL');
    }
    case 'google_dns_record_set':
      // A routed record is the entry itself; plain records (a certificate's authorization) serve no request.
      return block(p.routing_policy) ? c('CLOUD_DNS', true) : undefined;
    case 'AWS::Route53::RecordSet':
    case 'AWS::Route53::RecordSetGroup':
    case 'aws_route53_record':
      return c('ROUTE53', true);
    default:
      return undefined;
  }
}

/**
 * The components a resource puts on the request path: a GKE cluster that keeps its default node
 * pool also runs nodes, Compute Engine instances in series with its control plane.
 */
function componentsOf(graph: ResourceGraph, r: GraphResource): Component[] {
  const eks = eksSlas(graph, r);
  if (eks.length > 0) {
    return eks.map((sla) => ({ sla, resource: r, global: false }));
  }
  const component = componentOf(graph, r);
  if (!component) {
    return [];
  }
  if (r.type === 'google_container_cluster' && String(r.properties.remove_default_node_pool) !== 'true') {
    const zones = fleetZones(graph, r)?.length ?? 0;
    const nodes: PublishedSla = zones >= 2 ? 'COMPUTE_ENGINE_MULTI_ZONE' : 'COMPUTE_ENGINE_SINGLE_INSTANCE';
    return [component, { sla: nodes, resource: r, global: false }];
  }
  return [component];
}

const SINGLE_WRITER: readonly PublishedSla[] = [
  'AURORA_MULTI_AZ',
  'RDS_MULTI_AZ',
  'RDS_SINGLE_AZ',
  'CLOUD_SQL_ENTERPRISE_HA',
  'CLOUD_SQL_ENTERPRISE_PLUS_HA',
  'SPANNER_REGIONAL',
];

/**
 * The availability of a service across its stacks, from published SLAs: each serving region's
 * components in series, serving regions in parallel (active/active) or the primary region alone,
 * then global components (and a single writer every region depends on) in series.
 */
export function availabilityFigure(graph: ResourceGraph, stacks: readonly ServiceStack[]): Figure {
  const f = figure();
  // What the templates cannot show of a request path on EKS: its figure is unproven.
  for (const gap of eksAvailabilityGaps(graph, stacks)) {
    f.steps.push(gap);
    f.unproven = true;
  }
  // A JWT issuer the authorizers fetch keys from on a cold start: in series, of an availability not in the templates.
  for (const gap of issuerAvailabilityGaps(stacks.flatMap((s) => s.resources))) {
    f.steps.push(gap);
    f.unproven = true;
  }
  const record = stacks[0].record;
  const activeActive = record.strategy === DrStrategy.ACTIVE_ACTIVE;
  const regional = new Map<string, Map<PublishedSla, Component>>();
  const global = new Map<PublishedSla, Component>();
  const everyRegion: Component[] = [];
  for (const stack of stacks) {
    for (const r of stack.resources) {
      if (STORE_TYPES.includes(r.type) && !isPrimaryStore(graph, r)) {
        continue;
      }
      if (r.ha?.role === 'standby' || r.ha?.role === 'replica') {
        continue;
      }
      const offPath = r.type === 'google_container_cluster' ? controlPlaneOffServingPath(graph, r) : undefined;
      for (const component of componentsOf(graph, r)) {
        if (offPath !== undefined && component.sla.startsWith('GKE_')) {
          f.steps.push({
            quantity: 'availability',
            stack: r.stack,
            resource: r.address,
            value: PUBLISHED_SLAS[component.sla],
            basis: `not in series: ${offPath}`,
            figures: [component.sla],
          });
          continue;
        }
        // Every serving region of an active/active service writes to the one writer of a relational
        // database: without a cross-region copy that writer is in series with all of them; with one,
        // each region has a cluster to fail over to (the promotion counts in the region RTO).
        if (activeActive && SINGLE_WRITER.includes(component.sla) && regionReplication(graph, r)) {
          everyRegion.push(component);
        } else if (component.global || (activeActive && SINGLE_WRITER.includes(component.sla))) {
          global.set(component.sla, global.get(component.sla) ?? component);
        } else {
          const key = r.region ?? stack.region ?? stack.stack;
          const map = regional.get(key) ?? new Map<PublishedSla, Component>();
          map.set(component.sla, map.get(component.sla) ?? component);
          regional.set(key, map);
        }
      }
    }
  }
  for (const component of everyRegion) {
    for (const map of regional.values()) {
      map.set(component.sla, map.get(component.sla) ?? component);
    }
  }
  if (!activeActive && regional.size > 1) {
    // Only the primary region serves: keep the region holding the most of the request path.
    const [primary] = [...regional.entries()].sort((a, b) => b[1].size - a[1].size);
    regional.clear();
    regional.set(primary[0], primary[1]);
  }
  if (regional.size === 0 && global.size === 0) {
    f.unproven = true;
    f.steps.push({
      quantity: 'availability',
      stack: stacks[0].stack,
      resource: `service:${record.service}`,
      basis: 'no component with a published SLA on the request path',
      figures: [],
    });
    return f;
  }
  const regionValues: number[] = [];
  for (const [region, components] of regional) {
    const list = [...components.values()];
    const value = composeSerial(list.map((c) => PUBLISHED_SLAS[c.sla]));
    regionValues.push(value);
    for (const c of list) {
      f.steps.push({
        quantity: 'availability',
        stack: c.resource.stack,
        resource: c.resource.address,
        value: PUBLISHED_SLAS[c.sla],
        basis: `${region}: in series`,
        figures: [c.sla],
      });
    }
  }
  const acrossRegions = regionValues.length === 0 ? 1 : activeActive ? composeParallel(regionValues) : regionValues[0];
  for (const c of global.values()) {
    f.steps.push({
      quantity: 'availability',
      stack: c.resource.stack,
      resource: c.resource.address,
      value: PUBLISHED_SLAS[c.sla],
      basis: c.global
        ? 'global: in series with the regions'
        : 'single writer: every serving region depends on it, in series',
      figures: [c.sla],
    });
  }
  f.value = composeSerial([acrossRegions, ...[...global.values()].map((c) => PUBLISHED_SLAS[c.sla])]);
  f.steps.push({
    quantity: 'availability',
    stack: stacks[0].stack,
    resource: `service:${record.service}`,
    value: f.value,
    basis:
      activeActive && regionValues.length > 1
        ? `${regionValues.length} serving regions in parallel, then global components in series`
        : 'primary region in series with global components (a standby shortens long outages; it does not raise the SLA floor)',
    figures: [],
  });
  return f;
}
