import { ResourceGraph } from '../graph/graph';
import { minimumCount } from '../graph/fleet-size';
import { GraphResource } from '../graph/model';
import { block, num } from '../graph/values';
import { GOOGLE_AUTOSCALER_TYPES } from './google-fleets';

export { ecsCompute } from '../graph/ecs';

/** ECS service types of both engines. */
export const ECS_SERVICE_TYPES = ['AWS::ECS::Service', 'aws_ecs_service'];

const ASG_TYPES = ['AWS::AutoScaling::AutoScalingGroup', 'aws_autoscaling_group'];
const SCALABLE_TARGET_TYPES = ['AWS::ApplicationAutoScaling::ScalableTarget', 'aws_appautoscaling_target'];

/** What a fleet is made of: a standby is compared with the primary fleets of the same kind. */
export type FleetKind = 'instances' | 'tasks' | 'google';

/**
 * Whether a resource is a fleet whose size the report reads: an Auto Scaling group, an ECS service
 * (its task count), or a Google autoscaler.
 */
export function isScalingFleet(resource: GraphResource): boolean {
  return fleetKind(resource) !== undefined;
}

/** The kind of a fleet, or undefined when the resource is none. */
export function fleetKind(resource: GraphResource): FleetKind | undefined {
  if (ASG_TYPES.includes(resource.type)) {
    return 'instances';
  }
  if (ECS_SERVICE_TYPES.includes(resource.type)) {
    return 'tasks';
  }
  return GOOGLE_AUTOSCALER_TYPES.includes(resource.type) ? 'google' : undefined;
}

/**
 * A fleet's minimum: an Auto Scaling group's `MinSize`, an ECS service's task floor (its scalable
 * target's minimum, else its desired count: `minimumCount`), a Google autoscaler's `min_replicas`.
 */
export function fleetMinimum(graph: ResourceGraph, resource: GraphResource): number | undefined {
  const p = resource.properties;
  switch (fleetKind(resource)) {
    case 'tasks':
      return minimumCount(graph, resource);
    case 'google':
      return num(block(p.autoscaling_policy)?.min_replicas);
    case 'instances':
      return num(p.MinSize ?? p.min_size);
    default:
      return undefined;
  }
}

/** A fleet's maximum: the group's `MaxSize`, the ECS service's scalable-target maximum, the autoscaler's. */
export function fleetMaximum(graph: ResourceGraph, resource: GraphResource): number | undefined {
  const p = resource.properties;
  switch (fleetKind(resource)) {
    case 'tasks': {
      const target = graph.referrersOf(resource, ...SCALABLE_TARGET_TYPES)[0];
      return target
        ? num(target.properties.MaxCapacity ?? target.properties.max_capacity)
        : fleetMinimum(graph, resource);
    }
    case 'google':
      return num(block(p.autoscaling_policy)?.max_replicas);
    case 'instances':
      return num(p.MaxSize ?? p.max_size);
    default:
      return undefined;
  }
}
