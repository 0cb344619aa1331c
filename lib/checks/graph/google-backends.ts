import { ResourceGraph } from './graph';
import { GraphResource } from './model';

/** Managed instance groups, regional and zonal: what a Google backend service's backends are. */
export const GOOGLE_INSTANCE_GROUP_TYPES = [
  'google_compute_region_instance_group_manager',
  'google_compute_instance_group_manager',
];

/**
 * GKE node pools: a backend service that names a pool's instance groups (one per zone, created by
 * GKE) sends to its nodes, which serve a node port.
 */
export const GKE_NODE_POOL_TYPES = ['google_container_node_pool'];

/** The regions whose instance groups (a fleet's, or a GKE node pool's) a global backend service sends traffic to. */
export function backendRegions(graph: ResourceGraph, service: GraphResource): string[] {
  const groups = graph.referencedBy(service, ...GOOGLE_INSTANCE_GROUP_TYPES, ...GKE_NODE_POOL_TYPES);
  return [...new Set(groups.map((g) => g.region).filter((r): r is string => r !== undefined))].sort();
}

/** Serverless network endpoint groups (Cloud Run, Cloud Run functions, App Engine behind a load balancer). */
export const GOOGLE_SERVERLESS_NEG_TYPES = ['google_compute_region_network_endpoint_group'];

/** The regions whose serverless NEGs a global backend service sends traffic to. */
export function serverlessBackendRegions(graph: ResourceGraph, service: GraphResource): string[] {
  const negs = graph
    .referencedBy(service, ...GOOGLE_SERVERLESS_NEG_TYPES)
    .filter((neg) => neg.properties.network_endpoint_type === 'SERVERLESS');
  return [...new Set(negs.map((n) => n.region).filter((r): r is string => r !== undefined))].sort();
}
