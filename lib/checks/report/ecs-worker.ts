import { DrStrategy } from '../../core';
import { isBehindLoadBalancer } from '../graph/balancing';
import { minimumCount } from '../graph/fleet-size';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { tierOfRecord } from '../graph/tier';
import { isUnresolved, num, shown, str } from '../graph/values';
import { fleetZones } from '../graph/zones';
import type { DerivationStep } from '../model';
import { queueScaledServices } from '../graph/queue-scaling';
import { ServiceStack } from '../services';
import { addMax, Figure } from './figure';

/** ECS services (a worker, pulling its work, when no load balancer fronts one). */
export const ECS_SERVICE_TYPES = ['AWS::ECS::Service', 'aws_ecs_service'];

/**
 * SQS hides a received message 30 s unless its queue says otherwise.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html (VisibilityTimeout)
 */
const SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

/** The drill that would measure what the templates cannot show of a worker's zone loss. */
const AZ_DRILL = "an AZ drill (AzEvacuationDrill) that cuts one AZ's subnets while the queue is busy";

/** Whether `r` is an ECS service that no load balancer fronts: a worker (its target group's check does not apply). */
export function isEcsWorker(graph: ResourceGraph, r: GraphResource): boolean {
  return ECS_SERVICE_TYPES.includes(r.type) && !isBehindLoadBalancer(graph, r);
}

/**
 * Whether an ECS service drains `queue`, scaling on its backlog: that work reaches its tasks only
 * through the queue, so the queue's SLA is in series with the service's availability (a worker's, and
 * a load-balanced service's that also drains a queue).
 */
export function drainedByEcsService(graph: ResourceGraph, queue: GraphResource): boolean {
  return queueScaledServices(graph).some((scaled) => scaled.queues.includes(queue));
}

/**
 * A load-balanced ECS service that also drains SQS queues: its target group's check bounds how fast
 * requests leave a lost AZ, and the messages its tasks there had received wait for each queue's
 * visibility timeout, one step each (the capacity is HA-CAP1's, the gray AZ the load balancer's).
 */
export function addQueueRedelivery(graph: ResourceGraph, stack: ServiceStack, service: GraphResource, f: Figure) {
  if (!servesThroughZoneLoss(stack, service)) {
    return;
  }
  for (const queue of queuesDrainedBy(graph, service)) {
    addMax(f, redeliveryStep(service, queue));
  }
}

/**
 * The loss of one AZ for an ECS service with no load balancer that drains SQS queues (it scales on
 * their backlog: `queueScaledServices`). Nothing routes around the lost AZ: its tasks stop, and the
 * messages they had received stay hidden until their queue's visibility timeout ends; the tasks of
 * the other AZs then receive them. So the AZ RTO is the longest visibility timeout of its queues,
 * provided those tasks already carry the peak (static stability), for ECS starts replacements in a
 * time AWS does not publish:
 *
 *   AZ RTO = max(visibility timeout of its queues)   when   min − ⌈min / zones⌉ ≥ requiredCapacity
 *
 * with `min` the scalable target's minimum, the tasks spread evenly over the zones by AZ
 * rebalancing (without it they may sit unevenly after an earlier AZ event), and `requiredCapacity`
 * the peak the service's HA record states. Otherwise, or with no queue to read, the figure is
 * unproven and names the drill that would measure it. The reappeared messages then wait behind the
 * rest of the backlog (the survivors have no headroom at the peak itself): whether they are late is
 * what the lanes' age alarms say, not the AZ RTO.
 *
 * A zone can also fail gray: its tasks pass their container health check while their messages fail.
 * Nothing detects or removes such a zone (no zonal shift applies to tasks without a load balancer):
 * each message received there comes back after the visibility timeout for another try, and one
 * received there as many times as the redrive policy's maxReceiveCount goes to the dead-letter queue.
 * For statically stable tiers that is an unknown step, as a load balancer's gray failure is.
 *
 * Example: TIER_1, 6 tasks over 3 AZs, peak 4, a queue hiding messages 40 s → a lost AZ takes 2 tasks
 * and leaves 4 ≥ 4: 40 s; a gray AZ: unknown.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html
 */
export function addEcsWorkerZoneLoss(graph: ResourceGraph, stack: ServiceStack, service: GraphResource, f: Figure) {
  const tier = tierOfRecord(stack.record);
  if (!servesThroughZoneLoss(stack, service)) {
    return;
  }
  const at = { quantity: 'azRto' as const, stack: service.stack, resource: service.address, figures: [] };
  const step = (value: number | undefined, basis: string): DerivationStep => ({ ...at, value, basis });
  const queues = queuesDrainedBy(graph, service);
  if (queues.length === 0) {
    addMax(
      f,
      step(
        undefined,
        'ECS service with no load balancer and no queue whose backlog it scales on: the templates show neither what ' +
          `it serves nor what the work of a lost AZ's tasks waits for: unproven until ${AZ_DRILL} measures it`,
      ),
    );
    return;
  }
  addMax(f, capacityStep(graph, service, step));
  for (const queue of queues) {
    addMax(f, redeliveryStep(service, queue));
  }
  if (tier.staticallyStable) {
    addMax(f, {
      ...at,
      failure: 'gray',
      basis:
        'gray failure of an AZ for this worker: its tasks pass their container health check while their messages ' +
        'fail; nothing in the templates detects or removes that AZ (no zonal shift applies to tasks without a load ' +
        'balancer), so each message received there comes back after the visibility timeout for another try, and ' +
        "one received there as often as the redrive policy's maxReceiveCount is dead-lettered: unknown until " +
        `${AZ_DRILL} measures it`,
    });
  }
}

/** A standby drains nothing until its region fails over (an active/active one does). */
function servesThroughZoneLoss(stack: ServiceStack, service: GraphResource): boolean {
  const role = service.ha?.role ?? stack.record.role;
  return stack.record.strategy === DrStrategy.ACTIVE_ACTIVE || (role !== 'standby' && role !== 'replica');
}

/** The SQS queues an ECS service scales on the backlog of. */
function queuesDrainedBy(graph: ResourceGraph, service: GraphResource): GraphResource[] {
  return [
    ...new Set(
      queueScaledServices(graph)
        .filter((scaled) => scaled.service === service)
        .flatMap((scaled) => scaled.queues),
    ),
  ];
}

/** The messages a lost AZ's tasks had received from `queue` come back after its visibility timeout. */
function redeliveryStep(service: GraphResource, queue: GraphResource): DerivationStep {
  const seconds = visibilityTimeout(queue);
  return {
    quantity: 'azRto',
    stack: service.stack,
    resource: service.address,
    value: seconds,
    figures: [],
    basis:
      seconds === undefined
        ? `the visibility timeout of ${queue.address} (${shown(visibilityValue(queue))}) is not literal: how long ` +
          "the messages a lost AZ's tasks held stay hidden is unknown"
        : `the messages a lost AZ's tasks had received from ${queue.address} stay hidden for its visibility timeout ` +
          `(${seconds} s), then the tasks of the other AZs receive them`,
  };
}

/** Whether the tasks the other AZs keep carry the peak the service's HA record states: the step is 0 s if so. */
function capacityStep(
  graph: ResourceGraph,
  service: GraphResource,
  step: (value: number | undefined, basis: string) => DerivationStep,
): DerivationStep {
  const zones = fleetZones(graph, service)?.length ?? 0;
  const min = minimumCount(graph, service);
  const noneAdded = 'ECS starts replacement tasks in the AZs left in a time AWS does not publish';
  if (zones < 2 || min === undefined) {
    return step(
      undefined,
      `zone loss: the templates show ${zones < 2 ? `tasks in ${zones} AZ` : 'no literal task minimum'}, so what a ` +
        `lost AZ leaves is unknown; ${noneAdded}`,
    );
  }
  const rebalancing = str(
    service.properties.AvailabilityZoneRebalancing ?? service.properties.availability_zone_rebalancing,
  );
  if (rebalancing !== 'ENABLED') {
    return step(
      undefined,
      `zone loss: AZ rebalancing is not ENABLED (${rebalancing ?? 'not set'}), so after an earlier AZ event the ` +
        `${min} tasks may sit unevenly over the ${zones} AZs and what losing one leaves is unknown; ${noneAdded}`,
    );
  }
  const largest = Math.ceil(min / zones);
  const left = min - largest;
  const lost = `losing an AZ takes at most ${largest} of the ${min} tasks spread over ${zones} AZs and leaves ${left}`;
  const required = service.ha?.requiredCapacity;
  if (required === undefined) {
    return step(
      undefined,
      `zone loss: ${lost}; the HA record states no peak (requiredCapacity), so whether ${left} carry the load is not ` +
        `in the templates; ${noneAdded}`,
    );
  }
  return left >= required
    ? step(0, `zone loss: statically stable: ${lost}, at least the ${required} the HA record states at peak`)
    : step(
        undefined,
        `zone loss: ${lost}, fewer than the ${required} the HA record states at peak, and ${noneAdded}: the backlog ` +
          'grows until they run',
      );
}

function visibilityValue(queue: GraphResource): unknown {
  return queue.properties.VisibilityTimeout ?? queue.properties.visibility_timeout_seconds;
}

/** The queue's visibility timeout in seconds (SQS's default when not set), or undefined when not literal. */
function visibilityTimeout(queue: GraphResource): number | undefined {
  const given = visibilityValue(queue);
  return isUnresolved(given) ? undefined : (num(given) ?? SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS);
}
