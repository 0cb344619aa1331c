import { ServiceTier } from '../../core';
import { HaInputError } from '../graph/errors';
import { ResourceGraph } from '../graph/graph';
import { GraphResource, HaRecord } from '../graph/model';
import { blocks, isObject, list, str } from '../graph/values';
import { RuleContext } from './rule';

/** Subnet resource types of both engines. */
export const SUBNET_TYPES = ['AWS::EC2::Subnet', 'aws_subnet'];

const tiers = new Map<string, ServiceTier>();
const byRecord = new WeakMap<HaRecord, ServiceTier>();

/**
 * The tier a record names, with its operating defaults: a built-in tier by name, a custom tier
 * rebuilt from the objectives the record carries (its defaults derived as `ServiceTier.custom`
 * derives them; operating values a custom tier set explicitly are not in the record).
 */
export function tierOfRecord(record: HaRecord): ServiceTier {
  const known = byRecord.get(record);
  if (known) {
    return known;
  }
  const cacheKey = `${record.tier}\u0000${JSON.stringify(record.objectives)}\u0000${record.strategy}`;
  let tier = tiers.get(cacheKey);
  if (!tier) {
    const builtIn = ServiceTier.BUILT_IN.find((t) => t.name === record.tier && JSON.stringify(t.toObjectives()) === JSON.stringify(record.objectives));
    tier = builtIn ?? customTier(record);
    tiers.set(cacheKey, tier);
  }
  byRecord.set(record, tier);
  return tier;
}

/** The custom tier a record describes; objectives core rejects make the input unusable, not the rule wrong. */
function customTier(record: HaRecord): ServiceTier {
  try {
    return ServiceTier.custom({ name: record.tier, strategy: record.strategy, ...record.objectives });
  } catch (e) {
    throw new HaInputError(`the HA record of service ${record.service} (tier ${record.tier}) is not a valid tier: ${(e as Error).message}`);
  }
}

/** The tier that applies to a resource, or undefined when the resource belongs to no service. */
export function tierOf(context: RuleContext, resource: GraphResource): ServiceTier | undefined {
  const record = context.services.recordOf(resource);
  return record ? tierOfRecord(record) : undefined;
}

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
 * The zones a fleet (Auto Scaling group, ECS service, regional managed instance group, GKE
 * cluster) runs in, or undefined when the template does not say.
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
  'AWS::AutoScaling::AutoScalingGroup', 'aws_autoscaling_group', 'AWS::ECS::Service', 'aws_ecs_service',
  'google_compute_region_instance_group_manager', 'google_container_cluster', 'google_container_node_pool',
];

/** The distinct defined values of a list. */
export function distinct(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/** `Key`/`Value` attribute lists of ELBv2 (`LoadBalancerAttributes`, `TargetGroupAttributes`) as a map. */
export function elbAttributes(value: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of blocks(value)) {
    const key = str(entry.Key);
    if (key !== undefined && entry.Value !== undefined) {
      map[key] = String(entry.Value);
    }
  }
  return map;
}

/** A Terraform resource's first nested block, e.g. `settings` of a Cloud SQL instance. */
export function firstBlock(resource: GraphResource, name: string): Record<string, unknown> {
  return blocks(resource.properties[name])[0] ?? {};
}
