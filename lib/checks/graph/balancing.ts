import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { blocks, bool, list, str } from './values';
import { referencedSubnetZones } from './zones';

/** Load balancer, target group and listener types of both engines (ELBv2). */
export const LOAD_BALANCER_TYPES = ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'aws_lb', 'aws_alb'];
export const TARGET_GROUP_TYPES = [
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'aws_lb_target_group',
  'aws_alb_target_group',
];
const LISTENER_TYPES = [
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'aws_lb_listener',
  'aws_alb_listener',
  'aws_lb_listener_rule',
  'aws_alb_listener_rule',
];

/** The target groups a fleet (Auto Scaling group, ECS service) registers with, directly or by an attachment. */
export function targetGroupsOf(graph: ResourceGraph, fleet: GraphResource): GraphResource[] {
  const attachments = graph.referrersOf(
    fleet,
    'aws_autoscaling_attachment',
    'aws_autoscaling_traffic_source_attachment',
  );
  return [
    ...new Set([
      ...graph.referencedBy(fleet, ...TARGET_GROUP_TYPES),
      ...attachments.flatMap((a) => graph.referencedBy(a, ...TARGET_GROUP_TYPES)),
    ]),
  ];
}

/** Whether a fleet serves behind a load balancer: a target group, a Classic Load Balancer name, an attachment. */
export function isBehindLoadBalancer(graph: ResourceGraph, fleet: GraphResource): boolean {
  const p = fleet.properties;
  return (
    targetGroupsOf(graph, fleet).length > 0 ||
    list(p.TargetGroupARNs ?? p.target_group_arns).length > 0 ||
    list(p.LoadBalancerNames ?? p.load_balancers).length > 0 ||
    blocks(p.LoadBalancers ?? p.load_balancer).length > 0
  );
}

/** The load balancers in front of a fleet: those whose listeners forward to its target groups. */
export function loadBalancersOf(graph: ResourceGraph, fleet: GraphResource): GraphResource[] {
  return [...new Set(targetGroupsOf(graph, fleet).flatMap((group) => balancersOfTargetGroup(graph, group)))];
}

/** The load balancers whose listeners forward to a target group. */
export function balancersOfTargetGroup(graph: ResourceGraph, group: GraphResource): GraphResource[] {
  const listeners = graph.referrersOf(group, ...LISTENER_TYPES);
  return [...new Set(listeners.flatMap((listener) => balancersOfListener(graph, listener)))];
}

function balancersOfListener(graph: ResourceGraph, listener: GraphResource): GraphResource[] {
  const direct = graph.referencedBy(listener, ...LOAD_BALANCER_TYPES);
  // A listener rule names its listener, which names the balancer.
  return direct.length > 0
    ? direct
    : graph.referencedBy(listener, ...LISTENER_TYPES).flatMap((l) => graph.referencedBy(l, ...LOAD_BALANCER_TYPES));
}

/**
 * Whether a load balancer is one zonal cell of a cell-based design: a Network Load Balancer in one
 * zone that turns cross-zone balancing off explicitly. Confining a cell to a zone is the design
 * (a cell router moves clients between cells), so it is not held to the zone count of a regional entry point.
 */
export function isZonalCell(graph: ResourceGraph, lb: GraphResource): boolean {
  const p = lb.properties;
  if (
    (str(p.Type ?? p.load_balancer_type) ?? 'application') !== 'network' ||
    referencedSubnetZones(graph, lb).length > 1
  ) {
    return false;
  }
  const attribute = blocks(p.LoadBalancerAttributes).find((a) => a.Key === 'load_balancing.cross_zone.enabled')?.Value;
  return lb.engine === 'cloudformation'
    ? String(attribute) === 'false'
    : bool(p.enable_cross_zone_load_balancing) === false;
}

/** Whether a fleet serves only through zonal cells ({@link isZonalCell}). */
export function servesZonalCells(graph: ResourceGraph, fleet: GraphResource): boolean {
  const balancers = loadBalancersOf(graph, fleet);
  return balancers.length > 0 && balancers.every((lb) => isZonalCell(graph, lb));
}

const ECS_CLUSTER_TYPES = ['AWS::ECS::Cluster', 'aws_ecs_cluster'];
const ECS_SERVICE_TYPES = ['AWS::ECS::Service', 'aws_ecs_service'];
const LAUNCH_TYPES = [
  'AWS::AutoScaling::LaunchConfiguration',
  'AWS::EC2::LaunchTemplate',
  'aws_launch_configuration',
  'aws_launch_template',
];
const CAPACITY_PROVIDER_TYPES = ['AWS::ECS::CapacityProvider', 'aws_ecs_capacity_provider'];

/**
 * Whether a fleet serves requests behind a load balancer: itself ({@link isBehindLoadBalancer}), or,
 * for an Auto Scaling group, as the instances of an ECS cluster one of whose services is behind one.
 */
export function servesBehindLoadBalancer(graph: ResourceGraph, fleet: GraphResource): boolean {
  if (isBehindLoadBalancer(graph, fleet)) {
    return true;
  }
  const launch = graph.referencedBy(fleet, ...LAUNCH_TYPES);
  const providers = graph.referrersOf(fleet, ...CAPACITY_PROVIDER_TYPES);
  const clusters = new Set([
    ...[fleet, ...launch].flatMap((r) => graph.referencedBy(r, ...ECS_CLUSTER_TYPES)),
    ...providers.flatMap((provider) =>
      graph.referrersOf(provider).flatMap((r) => graph.referencedBy(r, ...ECS_CLUSTER_TYPES)),
    ),
  ]);
  return [...clusters].some((cluster) =>
    graph.referrersOf(cluster, ...ECS_SERVICE_TYPES).some((service) => isBehindLoadBalancer(graph, service)),
  );
}
