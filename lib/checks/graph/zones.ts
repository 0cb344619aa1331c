import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { isObject, list } from './values';

/** Subnet resource types of both engines. */
export const SUBNET_TYPES = ['AWS::EC2::Subnet', 'aws_subnet'];

/**
 * A comparable key for an availability zone value: the name, an `Fn::Select` over `Fn::GetAZs`
 * rendered as `az[i]`, or the interpolation text (distinct expressions count as distinct zones).
 */
export function zoneKey(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') {
    return value;
  }
  if (isObject(value) && Array.isArray(value['Fn::Select'])) {
    const [index, source] = value['Fn::Select'] as unknown[];
    if (isObject(source) && 'Fn::GetAZs' in source) {
      return `az[${String(index)}]`;
    }
  }
  return isObject(value) ? JSON.stringify(value) : undefined;
}

/** The zone of a subnet of either engine. */
export function subnetZone(subnet: GraphResource): string | undefined {
  const p = subnet.properties;
  return zoneKey(p.AvailabilityZone ?? p.AvailabilityZoneId ?? p.availability_zone ?? p.availability_zone_id);
}

/** Distinct zones of the subnets a resource refers to. */
export function referencedSubnetZones(graph: ResourceGraph, resource: GraphResource): string[] {
  return distinct(graph.referencedBy(resource, ...SUBNET_TYPES).map(subnetZone));
}

/**
 * The zones a fleet (Auto Scaling group, ECS service, managed instance group, GKE cluster) runs
 * in, or undefined when the template does not say.
 */
export function fleetZones(graph: ResourceGraph, fleet: GraphResource): string[] | undefined {
  const p = fleet.properties;
  switch (fleet.type) {
    case 'AWS::AutoScaling::AutoScalingGroup':
    case 'aws_autoscaling_group': {
      const named = list(p.AvailabilityZones ?? p.availability_zones).map(zoneKey);
      const zones = distinct([...named, ...referencedSubnetZones(graph, fleet)]);
      return zones.length > 0 ? zones : undefined;
    }
    case 'AWS::ECS::Service':
    case 'aws_ecs_service': {
      const zones = referencedSubnetZones(graph, fleet);
      return zones.length > 0 ? zones : undefined;
    }
    case 'google_compute_region_instance_group_manager': {
      const zones = distinct(list(p.distribution_policy_zones).map(zoneKey));
      return zones.length > 0 ? zones : undefined;
    }
    case 'google_compute_instance_group_manager': {
      const zone = zoneKey(p.zone);
      return zone === undefined ? undefined : [zone];
    }
    case 'google_container_cluster':
    case 'google_container_node_pool': {
      const zones = distinct(list(p.node_locations).map(zoneKey));
      return zones.length > 0 ? zones : undefined;
    }
    default:
      return undefined;
  }
}

/** Fleet resource types of both engines. */
export const FLEET_TYPES = [
  'AWS::AutoScaling::AutoScalingGroup',
  'aws_autoscaling_group',
  'AWS::ECS::Service',
  'aws_ecs_service',
  'google_compute_region_instance_group_manager',
  'google_compute_instance_group_manager',
  'google_container_cluster',
  'google_container_node_pool',
];

/** The distinct defined values of a list. */
export function distinct(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}
