import { backendRegions } from '../graph/google-backends';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { block, num } from '../graph/values';
import type { ServiceStack } from '../services';

import { GOOGLE_AUTOSCALER_TYPES } from '../graph/google-workflows';

export { fleetMinimum, GOOGLE_AUTOSCALER_TYPES } from '../graph/google-workflows';

/**
 * Why a Google service's traffic does not move to another region, when a global backend service
 * is there but has backends in one region only: it needs no DNS routing, it needs an instance group
 * in the standby region to send to. Undefined when the service has no global backend service.
 */
export function singleRegionBackendsReason(
  graph: ResourceGraph,
  stacks: readonly ServiceStack[],
  regions: readonly string[],
): string | undefined {
  const services = stacks.flatMap((s) => s.resources).filter((r) => r.type === 'google_compute_backend_service');
  if (services.length === 0) {
    return undefined;
  }
  const reached = [...new Set(services.flatMap((s) => backendRegions(graph, s)))].sort();
  const missing = regions.filter((r) => !reached.includes(r));
  return (
    `the global load balancer (${services.map((s) => s.address).join(', ')}) has backends in ` +
    `${reached.length === 0 ? 'no known region' : reached.join(', ')} only: ${missing.join(', ') || 'the standby region'} ` +
    'has no instance group attached, so it cannot take traffic without a change to the configuration; attach the ' +
    'standby fleet (at zero or its standby size) so that the load balancer sends to it as soon as it has healthy instances'
  );
}

/**
 * Seconds a backend that had no healthy instance takes to receive traffic once one serves: the
 * load balancer's health check must pass `healthy_threshold` times, one interval apart. Undefined
 * when the template leaves either out.
 */
export function backendRejoinSeconds(checks: readonly GraphResource[]): number | undefined {
  const seconds = checks.map((c) => {
    const interval = num(c.properties.check_interval_sec);
    const healthy = num(c.properties.healthy_threshold);
    return interval === undefined || healthy === undefined ? undefined : interval * healthy;
  });
  return seconds.length === 0 || seconds.some((s) => s === undefined) ? undefined : Math.max(...(seconds as number[]));
}

/** Whether a resource is a fleet whose size the report reads: an Auto Scaling group or a Google autoscaler. */
export function isScalingFleet(resource: GraphResource): boolean {
  return (
    resource.type === 'AWS::AutoScaling::AutoScalingGroup' ||
    resource.type === 'aws_autoscaling_group' ||
    GOOGLE_AUTOSCALER_TYPES.includes(resource.type)
  );
}

/**
 * How a Google standby fleet scales up, in words: the autoscaler's initialization period (the
 * time it waits before it reads a new instance's load) and, at zero, why it needs a resize: a
 * CPU-driven autoscaler averages its instances' utilization, and a group of none has nothing to average.
 * @see https://cloud.google.com/compute/docs/autoscaler/scaling-cpu
 */
export function googleScaleUpBasis(autoscaler: GraphResource, from: number, to: number): string {
  const policy = block(autoscaler.properties.autoscaling_policy);
  const initialization = num(policy?.cooldown_period);
  const cpuOnly = policy?.cpu_utilization !== undefined && policy?.load_balancing_utilization === undefined;
  return (
    `autoscaler scales the group from ${from} to ${to}: Compute Engine publishes no time to create and boot ` +
    `instances and standby capacity is not reserved (initialization period ` +
    `${initialization === undefined ? 'undeclared' : `${initialization} s`})` +
    (from === 0 && cpuOnly
      ? '; at 0 a CPU-driven autoscaler has no instance whose load it can read, so its minimum must be raised (a resize)'
      : '')
  );
}
