import { GkeRegionalCluster } from '../../../lib/checks/rules/az/GkeRegionalCluster';
import { CloudRunMinInstances } from '../../../lib/checks/rules/cap/CloudRunMinInstances';
import { CloudRunRegions } from '../../../lib/checks/rules/dr/CloudRunRegions';
import { StandbyBackends } from '../../../lib/checks/rules/lb/StandbyBackends';
import { TargetHealthChecks } from '../../../lib/checks/rules/lb/TargetHealthChecks';
import { HaRole, ServiceTier } from '../../../lib/core';
import { merge, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T0 = { tier: ServiceTier.TIER_0 };
const T1 = { tier: ServiceTier.TIER_1 };
const ZONES = ['us-central1-a', 'us-central1-b', 'us-central1-c'];

/** A GKE cluster at `location` without its default pool, and one node pool in `poolZones` (none: inherited). */
function gke(location: string, clusterZones: string[] | undefined, poolZones?: string[]) {
  return {
    google_container_cluster: {
      shop: { name: 'shop', location, node_locations: clusterZones, remove_default_node_pool: true },
    },
    google_container_node_pool: {
      nodes: { cluster: '${google_container_cluster.shop.id}', location, node_locations: poolZones },
    },
  };
}

/** A Cloud Run service in `region` keeping `min` instances, its serverless NEG, and a global backend over it when `attached`. */
function cloudRun(region: string, min: number | undefined, attached = true) {
  const id = region.replace(/-/g, '_');
  return {
    google_cloud_run_v2_service: {
      [`web_${id}`]: {
        name: `web-${region}`,
        location: region,
        template: {
          scaling: min === undefined ? undefined : { min_instance_count: min },
          containers: [{ image: 'x' }],
        },
      },
    },
    google_compute_region_network_endpoint_group: {
      [`web_${id}`]: {
        name: `web-${region}`,
        region,
        network_endpoint_type: 'SERVERLESS',
        cloud_run: { service: `\${google_cloud_run_v2_service.web_${id}.name}` },
      },
    },
    ...(attached
      ? {
          google_compute_backend_service: {
            [`web_${id}`]: {
              load_balancing_scheme: 'EXTERNAL_MANAGED',
              backend: [{ group: `\${google_compute_region_network_endpoint_group.web_${id}.id}` }],
            },
          },
        }
      : {}),
  };
}

/** One global backend service over the serverless NEGs of Cloud Run services in `regions`. */
function frontendOver(regions: string[]) {
  const services = regions.map((region) => cloudRun(region, 6, false));
  return {
    google_cloud_run_v2_service: Object.assign({}, ...services.map((s) => s.google_cloud_run_v2_service)),
    google_compute_region_network_endpoint_group: Object.assign(
      {},
      ...services.map((s) => s.google_compute_region_network_endpoint_group),
    ),
    google_compute_backend_service: {
      web: {
        load_balancing_scheme: 'EXTERNAL_MANAGED',
        backend: regions.map((region) => ({
          group: `\${google_compute_region_network_endpoint_group.web_${region.replace(/-/g, '_')}.id}`,
        })),
      },
    },
  };
}

/** HA-AZ7, HA-CAP3 and HA-DR8 (and HA-LB1, HA-LB5 on serverless NEGs): GKE clusters and Cloud Run services against the tier. */
export const GOOGLE_COMPUTE_CASES: RuleCase[] = [
  {
    rule: GkeRegionalCluster,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_container_cluster.shop',
    message: 'is a zonal cluster (location us-central1-a): its control plane fails with that zone',
    compliant: tf(gke('us-central1', ZONES), T1),
    nonCompliant: tf(gke('us-central1-a', ZONES), T1),
  },
  {
    rule: GkeRegionalCluster,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_container_cluster.shop',
    message:
      'google_container_node_pool.nodes runs in 2 zone(s) (us-central1-a, us-central1-b); TIER_1 needs at least 3',
    // A pool without node_locations runs in its cluster's zones.
    compliant: tf(gke('us-central1', ZONES, undefined), T1),
    nonCompliant: tf(gke('us-central1', ZONES, ZONES.slice(0, 2)), T1),
  },
  {
    rule: CloudRunMinInstances,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_cloud_run_v2_service.web_us_central1',
    message: 'keeps 0 minimum instance(s): TIER_0 keeps at least one instance in each of its 3 zones',
    compliant: tf(cloudRun('us-central1', 6), T0),
    nonCompliant: tf(cloudRun('us-central1', undefined), T0),
  },
  {
    rule: CloudRunMinInstances,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_cloud_run_v2_service.web_us_central1',
    message: 'Cloud Run service health, which fails a region over, needs a minimum instance in every region',
    // A warm standby region keeps one instance, not one per zone.
    compliant: tf(cloudRun('us-central1', 1), { ...T1, role: HaRole.STANDBY }),
    nonCompliant: tf(cloudRun('us-central1', 0), { ...T1, role: HaRole.STANDBY }),
  },
  {
    rule: CloudRunRegions,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_cloud_run_v2_service.web_us_central1',
    message: "the service's Cloud Run services run in 1 region(s) (us-central1): TIER_0 (ACTIVE_ACTIVE) needs 2",
    compliant: merge(tf(cloudRun('us-central1', 6), T0), tf(cloudRun('us-east1', 6), { ...T0, name: 'east' })),
    nonCompliant: tf(cloudRun('us-central1', 6), T0),
  },
  {
    rule: CloudRunRegions,
    engine: 'terraform-google',
    stack: 'east',
    resource: 'google_cloud_run_v2_service.web_us_east1',
    message: 'no load balancer that traffic can leave its region through reaches it',
    compliant: merge(tf(cloudRun('us-central1', 6), T0), tf(cloudRun('us-east1', 6), { ...T0, name: 'east' })),
    nonCompliant: merge(
      tf(cloudRun('us-central1', 6), T0),
      tf(cloudRun('us-east1', 6, false), { ...T0, name: 'east' }),
    ),
  },
  {
    rule: TargetHealthChecks,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_backend_service.web_us_central1',
    message: 'has no health check',
    // Serverless NEGs take no health check; an instance group behind the same service needs one.
    compliant: tf(cloudRun('us-central1', 6), T0),
    nonCompliant: tf(
      {
        ...cloudRun('us-central1', 6),
        google_compute_region_instance_group_manager: { web: { region: 'us-central1', base_instance_name: 'web' } },
        google_compute_backend_service: {
          web_us_central1: {
            load_balancing_scheme: 'EXTERNAL_MANAGED',
            backend: [{ group: '${google_compute_region_instance_group_manager.web.instance_group}' }],
          },
        },
      },
      T0,
    ),
  },
  {
    rule: StandbyBackends,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_backend_service.web',
    message: 'sends only to backends in us-central1: TIER_0 (ACTIVE_ACTIVE) needs 2 regions',
    compliant: tf(frontendOver(['us-central1', 'us-east1']), T0),
    nonCompliant: tf(frontendOver(['us-central1']), T0),
  },
];
