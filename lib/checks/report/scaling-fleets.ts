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

/**
 * Kubernetes horizontal pod autoscalers (the provider's typed resources): a workload's pod count
 * scales between their bounds.
 */
export const KUBERNETES_AUTOSCALER_TYPES = [
  'kubernetes_horizontal_pod_autoscaler_v2',
  'kubernetes_horizontal_pod_autoscaler_v2beta2',
];

/** What a fleet is made of: a standby is compared with the primary fleets of the same kind. */
export type FleetKind = 'instances' | 'tasks' | 'google' | 'pods';

/**
 * Whether a resource is a fleet whose size the report reads: an Auto Scaling group, an ECS service
 * (its task count), a Google autoscaler, or a Kubernetes workload's autoscaler (its pod count).
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
  if (KUBERNETES_AUTOSCALER_TYPES.includes(resource.type)) {
    return 'pods';
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
    case 'pods':
      return num(block(p.spec)?.min_replicas);
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
    case 'pods':
      return num(block(p.spec)?.max_replicas);
    case 'instances':
      return num(p.MaxSize ?? p.max_size);
    default:
      return undefined;
  }
}
