import { backendRegions } from '../graph/google-backends';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { block, num, str, strings } from '../graph/values';
import type { DerivationStep } from '../model';
import type { ServiceStack } from '../services';

import { fleetMinimum as autoscalerMinimum, GOOGLE_AUTOSCALER_TYPES } from '../graph/google-workflows';

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

/** What the loss of one zone leaves a serving instance group, for the AZ RTO. */
export interface ZoneLossCapacity {
  readonly step: DerivationStep;
  /** The group can never get the capacity back in the zones left (its maximum does not allow it). */
  readonly unbounded: boolean;
}

/**
 * Whether the zones a regional managed instance group keeps after losing one carry what its
 * service needs at peak (its HA record's `requiredCapacity`): static stability, read from the
 * templates. A regional group adds no instance in the other zones by itself when a zone fails
 * (only its autoscaler does, as the survivors' load grows, in a time Google does not publish), so
 * traffic leaving the zone is the recovery only when the survivors already run the peak.
 *
 * With the EVEN shape the zones differ by one instance at most, so losing the largest zone takes
 * ⌈min / zones⌉ of the minimum and leaves `min − ⌈min / zones⌉`; the autoscaler spreads a new size
 * over every zone, the lost one included, so the zones left reach the peak R only at a size of
 * ⌈R / (zones − 1)⌉ × zones, which the maximum must allow. Other shapes keep no such bound.
 *
 * A group may also be allowed to repair a VM in another of its zones
 * (`instanceLifecyclePolicy.onRepair.allowChangingZone`): provider 6.50 cannot set it, and Google
 * publishes no time for such a repair either, so it would not make the figure known.
 *
 * Example: minimum 6 over 3 zones, peak 4: the largest zone holds 2, the others keep 4 ≥ 4, a 0 s
 * step. Minimum 2 over 2 zones, peak 2: 1 is left, and the autoscaler must grow the group to 4.
 * @see https://cloud.google.com/compute/docs/instance-groups/regional-migs
 * @see https://cloud.google.com/compute/docs/instance-groups/repair-vm-in-alternate-zone
 * @see https://cloud.google.com/compute/docs/instance-groups/regional-mig-distribution-shape
 */
export function zoneLossCapacity(graph: ResourceGraph, group: GraphResource): ZoneLossCapacity | undefined {
  const zones = strings(group.properties.distribution_policy_zones);
  if (zones.length < 2) {
    return undefined;
  }
  const autoscaler = graph.referrersOf(group, ...GOOGLE_AUTOSCALER_TYPES)[0];
  const minimum = autoscaler ? autoscalerMinimum(autoscaler) : num(group.properties.target_size);
  const maximum = autoscaler ? num(block(autoscaler.properties.autoscaling_policy)?.max_replicas) : minimum;
  const shape = str(group.properties.distribution_policy_target_shape) ?? 'EVEN';
  const required = group.ha?.requiredCapacity;
  const at = { quantity: 'azRto' as const, stack: group.stack, resource: group.address, figures: [] };
  const unproven = (basis: string, unbounded = false): ZoneLossCapacity => ({ step: { ...at, basis }, unbounded });
  const noneAdded =
    'a regional group adds no instance in the other zones by itself; its autoscaler adds them as their load grows, ' +
    'in a time Google does not publish';
  if (minimum === undefined) {
    return unproven(
      `zone loss: the group's minimum is not a literal, so what a zone's loss leaves is unknown; ${noneAdded}`,
    );
  }
  if (shape !== 'EVEN') {
    return unproven(
      `zone loss: distribution shape ${shape} does not keep the zones within one instance of each other, so the ` +
        `templates cannot show what losing one leaves of the minimum ${minimum}; ${noneAdded}`,
    );
  }
  const largest = Math.ceil(minimum / zones.length);
  const left = minimum - largest;
  const lost =
    `after losing its largest zone (${largest} of its minimum ${minimum} over ${zones.length} zones, EVEN) ` +
    `the group keeps ${left}`;
  if (required === undefined) {
    return unproven(
      `zone loss: ${lost}; its HA record states no peak (requiredCapacity), so whether ${left} carry the load is not ` +
        `in the templates; ${noneAdded}`,
    );
  }
  if (left >= required) {
    return {
      step: {
        ...at,
        value: 0,
        basis:
          `zone loss: statically stable: ${lost}, at least the ${required} its HA record states the service ` +
          'needs at peak: nothing to add',
      },
      unbounded: false,
    };
  }
  const needed = Math.ceil(required / (zones.length - 1)) * zones.length;
  const short = `zone loss: ${lost}, fewer than the ${required} its HA record states the service needs at peak`;
  if (maximum !== undefined && needed > maximum) {
    return unproven(
      `${short}; with EVEN the zones left reach ${required} only at a size of ${needed}, above the maximum ${maximum}: ` +
        'they never carry the peak while the zone is lost',
      true,
    );
  }
  return unproven(
    `${short}: ${noneAdded} (with EVEN it must grow to ${needed}, the lost zone's share never starting): unproven ` +
      '(a zone drill cannot time it: the blocked zone still counts in the average the autoscaler reads); run the ' +
      'peak in the zones left instead (a higher minimum, or one more zone)',
  );
}
