import { DrStrategy, PITR_RPO_SECONDS, ROUTE53_ALIAS_ELB_TTL_SECONDS, targetFailoverSeconds } from '../../core';
import { googleHealthCheckSeconds } from '../dns';
import { ResourceGraph } from '../graph/graph';
import { functionZones, inVpc, isServingFunction } from '../graph/functions';
import { GraphResource } from '../graph/model';
import { isDataStore, zoneFailover } from '../graph/stores';
import { targetHealthSettings } from '../graph/target-health';
import { block, str } from '../graph/values';
import { ZONAL_LOAD_BALANCER_TYPES, zonalAutoshiftEnabled, zonalDetection } from '../graph/zonal-impairment';
import { fleetZones } from '../graph/zones';
import { tierOfRecord } from '../graph/tier';
import type { DerivationStep } from '../model';
import { ServiceStack } from '../services';
import { eksZoneSteps } from './eks';
import { zoneLossNeedsNoKubernetesAction } from './gke-serving-path';
import { addMax, figure, Figure, serviceAnchor } from './figure';
import { zoneLossCapacity } from './google-fleets';
import { GOOGLE_INSTANCE_GROUP_TYPES } from '../graph/google-backends';
import { addMeasured, databaseFailoverStep, zoneEvacuationSteps } from './zone-evacuation';
import { addEcsWorkerZoneLoss, addQueueRedelivery, ECS_SERVICE_TYPES, isEcsWorker } from './ecs-worker';

/*
 * The loss of one zone: how long until the service serves again (AZ RTO) and what data it loses
 * (AZ RPO). A zone is lost in one region at a time: the figure of a service is the worst over the
 * stacks given (all its stacks for the service's row, one for the per-stack view).
 */

/** Clusters whose pods a zone's loss leaves in Service endpoints until the control plane notices. */
const KUBERNETES_CLUSTER_TYPES = ['google_container_cluster', 'aws_eks_cluster', 'AWS::EKS::Cluster'];

/** A Deployment, whichever way it is applied: the provider's typed resource, `kubernetes_manifest`, CDK's manifest. */
function isKubernetesDeployment(r: GraphResource): boolean {
  switch (r.type) {
    case 'kubernetes_deployment_v1':
    case 'kubernetes_deployment':
      return true;
    case 'kubernetes_manifest':
      return str(block(r.properties.manifest)?.kind) === 'Deployment';
    case 'Custom::AWSCDK-EKS-KubernetesResource':
      // A JSON string, or an Fn::Join of its parts when it holds tokens (then its quotes are escaped here).
      return /kind\\?"\s*:\s*\\?"Deployment\\?"/.test(JSON.stringify(r.properties.Manifest ?? ''));
    default:
      return false;
  }
}

/**
 * The AZ RTO of a service in the given stacks: the slowest zonal failover users wait for (a store's
 * failover, a target group's or backend's health check, a fleet in one zone, a Kubernetes cluster's
 * pods), and, for statically stable tiers, the gray failure of an AZ behind each serving load
 * balancer ({@link addGrayFailures}).
 */
export function azRtoFigure(graph: ResourceGraph, stacks: readonly ServiceStack[], today: Date = new Date()): Figure {
  const f = figure();
  for (const [stack, r] of resourcesOf(stacks)) {
    if (servesThroughZoneLoss(graph, r, stack.record.strategy)) {
      const failover = zoneFailover(graph, r);
      if (failover) {
        // A failover no provider times counts once a fresh drill measurement stands in for it.
        const measured = failover.rto.seconds === undefined ? databaseFailoverStep(graph, stacks, r, today) : [];
        const counted = measured.find((step) => step.value !== undefined);
        if (counted) {
          addMax(f, counted);
        } else {
          addMax(f, {
            quantity: 'azRto',
            stack: r.stack,
            resource: r.address,
            value: failover.rto.seconds,
            basis: failover.rto.basis,
            figures: failover.rto.figures,
          });
          measured.forEach((step) => addMeasured(f, step));
        }
      }
    } else if (
      ['AWS::ElasticLoadBalancingV2::TargetGroup', 'aws_lb_target_group', 'aws_alb_target_group'].includes(r.type)
    ) {
      const settings = targetHealthSettings(r);
      if (settings?.enabled) {
        let seconds: number | undefined;
        try {
          seconds = targetFailoverSeconds(settings);
        } catch {
          seconds = undefined;
        }
        addMax(f, {
          quantity: 'azRto',
          stack: r.stack,
          resource: r.address,
          value: seconds,
          basis: `target health check: interval ${settings.intervalSeconds} s × ${settings.unhealthyThresholdCount} + timeout ${settings.timeoutSeconds} s`,
          figures: ['ELB_TARGET_HEALTH_DEFAULTS'],
        });
      } else {
        addMax(f, {
          quantity: 'azRto',
          stack: r.stack,
          resource: r.address,
          basis: 'target group without a literal, enabled health check: failed targets are never taken out',
          figures: [],
        });
      }
    } else if (r.type === 'google_compute_backend_service' || r.type === 'google_compute_region_backend_service') {
      const checks = graph.referencedBy(r, 'google_compute_health_check', 'google_compute_region_health_check');
      for (const check of checks) {
        addMax(f, {
          quantity: 'azRto',
          stack: r.stack,
          resource: r.address,
          value: googleHealthCheckSeconds(check),
          basis: `backend health check ${check.address}: interval × unhealthy threshold + timeout`,
          figures: ['GCE_HEALTH_CHECK_DEFAULTS'],
        });
      }
      zoneEvacuationSteps(graph, stacks, r, today).forEach((step) => addMeasured(f, step));
      // Traffic leaving the zone is the recovery only when the zones left already carry the peak.
      for (const group of graph.referencedBy(r, ...GOOGLE_INSTANCE_GROUP_TYPES)) {
        const serving = stack.record.strategy === DrStrategy.ACTIVE_ACTIVE || group.ha?.role !== 'standby';
        const capacity = serving ? zoneLossCapacity(graph, group) : undefined;
        if (capacity) {
          addMax(f, capacity.step);
          f.unbounded ||= capacity.unbounded;
        }
      }
    } else if (r.type === 'google_cloud_run_v2_service') {
      addMax(f, {
        quantity: 'azRto',
        stack: r.stack,
        resource: r.address,
        basis:
          "regional service: Google routes a lost zone's traffic to the region's other zones (Cloud Run zonal redundancy) " +
          'in a time it does not publish, and no drill of this library can fail one of its zones: unproven',
        figures: [],
      });
    } else if (isServingFunction(graph, r)) {
      addMax(f, functionZoneStep(graph, r));
      const gray = functionGrayStep(r, stack);
      if (gray) {
        addMax(f, gray);
      }
    } else if (
      ((KUBERNETES_CLUSTER_TYPES.includes(r.type) && (fleetZones(graph, r)?.length ?? 2) !== 1) ||
        isKubernetesDeployment(r)) &&
      // Behind Local node ports with the peak left in the other zones, the backends' health check bounds it.
      !zoneLossNeedsNoKubernetesAction(graph, r)
    ) {
      addMax(f, {
        quantity: 'azRto',
        stack: r.stack,
        resource: r.address,
        basis:
          "Kubernetes: a lost zone's pods stay in their Services' endpoints until the node controller marks their " +
          'nodes NotReady (its grace period is set by the managed control plane and not published) and the ' +
          'endpoints update: unproven until an AZ drill measures it',
        figures: [],
      });
    } else if (isEcsWorker(graph, r)) {
      // No target group's check: a lost AZ's work waits for its queue's visibility timeout (ecs-worker.ts).
      addEcsWorkerZoneLoss(graph, stack, r, f);
    } else if (fleetZones(graph, r)?.length === 1) {
      addMax(f, {
        quantity: 'azRto',
        stack: r.stack,
        resource: r.address,
        basis: 'fleet in one zone: lost with it until replacements launch elsewhere (time not published)',
        figures: [],
      });
    }
    if (ECS_SERVICE_TYPES.includes(r.type) && !isEcsWorker(graph, r)) {
      // A load-balanced service that also drains queues: their messages wait for the visibility timeout too.
      addQueueRedelivery(graph, stack, r, f);
    }
  }
  // EKS load balancers made at run time: their health checks are in no template (eks.ts).
  eksZoneSteps(graph, stacks).forEach((step) => addMax(f, step));
  addGrayFailures(graph, stacks, f);
  if (f.steps.length === 0) {
    f.value = 0;
    const where =
      stacks.length === 1 ? 'this stack: its resources are' : `any of its ${stacks.length} stacks: their resources are`;
    f.steps.push({
      quantity: 'azRto',
      ...serviceAnchor(stacks),
      value: 0,
      basis: `no zonal failover in ${where} regional or spread over zones`,
      figures: [],
    });
  }
  return f;
}

/**
 * The gray failure of one AZ (its requests fail or slow down while its targets pass health checks,
 * so the fail-stop path above never starts) behind each serving load balancer of a statically
 * stable tier: detection (the per-AZ alarms' period × datapoints to alarm, read from the template)
 * + the zonal shift that takes the AZ's node out of the load balancer's DNS (no published time:
 * unknown) + the TTL clients keep that answer (60 s, published). The sum of the known steps bounds
 * the figure from below, so it is unproven at best and not met once that sum exceeds the objective;
 * the fail-stop figure stays beside it in the summary step.
 * @see https://docs.aws.amazon.com/r53recovery/latest/dg/arc-zonal-shift.how-it-works.html
 */
function addGrayFailures(graph: ResourceGraph, stacks: readonly ServiceStack[], f: Figure): void {
  const failStop = f.steps.length === 0 ? 0 : f.unproven ? undefined : f.value;
  for (const [stack, lb] of resourcesOf(stacks)) {
    const tier = tierOfRecord(stack.record);
    const serves = tier.strategy === DrStrategy.ACTIVE_ACTIVE || (lb.ha?.role ?? stack.record.role) !== 'standby';
    const kind = str(lb.properties.Type ?? lb.properties.load_balancer_type) ?? 'application';
    if (!tier.staticallyStable || !serves || !ZONAL_LOAD_BALANCER_TYPES.includes(lb.type) || kind === 'gateway') {
      continue;
    }
    const step = (value: number | undefined, basis: string, figures: string[] = []): DerivationStep => ({
      quantity: 'azRto',
      stack: lb.stack,
      resource: lb.address,
      value,
      basis: `gray failure of an AZ behind this load balancer: ${basis}`,
      figures,
      failure: 'gray',
    });
    const autoshift = zonalAutoshiftEnabled(graph, lb)
      ? "; zonal autoshift may shift it on AWS's own detection, for which AWS publishes no time"
      : '';
    const detection = zonalDetection(graph, lb);
    if (!detection) {
      addMax(
        f,
        step(
          undefined,
          `no per-AZ alarm reads its per-AZ metrics, so nothing detects an AZ that fails while its targets ` +
            `pass health checks (HA-AZ4)${autoshift}: unknown`,
        ),
      );
      continue;
    }
    if (detection.uncoveredZones.length > 0) {
      addMax(
        f,
        step(
          undefined,
          `it serves from ${detection.uncoveredZones.join(', ')} too, where no per-AZ alarm watches it, so nothing ` +
            `detects a gray failure there (HA-AZ4)${autoshift}: unknown`,
        ),
      );
    }
    const detected = detection.detectionSeconds;
    const ttl = ROUTE53_ALIAS_ELB_TTL_SECONDS;
    f.steps.push(
      step(
        detected,
        detected === undefined
          ? `per-AZ alarms of ${detection.zones.join(', ')} state no literal period or datapoints: detection unknown`
          : `detection: the per-AZ alarms of ${detection.zones.join(', ')} fire after ${detection.datapoints} ` +
              `breaching periods of ${detection.periodSeconds} s, the first of which may hold only the failure's ` +
              `first seconds: more than ${detected} s (CloudWatch publishes no bound on its own delay)`,
      ),
      step(
        undefined,
        detection.shiftRunbook
          ? `zonal shift: ${detection.shiftRunbook.address} starts an ARC zonal shift when an AZ's alarm fires; ARC ` +
              'creates it at once but publishes no time for traffic to leave the AZ: unknown'
          : `zonal shift: nothing in the templates starts one when an AZ's alarm fires (a person must)${autoshift}: ` +
              'unknown',
      ),
      step(ttl, "DNS: clients keep the load balancer's answer, with the shifted AZ's node, for its TTL", [
        'ROUTE53_ALIAS_ELB_TTL_SECONDS',
      ]),
    );
    const known = (detected ?? 0) + ttl;
    const objective = tier.azRtoSeconds;
    const verdict =
      known > objective
        ? `: ${tier.name}'s AZ RTO of ${objective} s cannot be met for gray failures with ` +
          `${detection.periodSeconds ?? '?'}-second metrics`
        : known === objective
          ? `: the known part alone takes ${tier.name}'s whole AZ RTO of ${objective} s, so it is met only if ` +
            'the zonal shift and the alarm evaluation took no time: unproven until a drill measures them'
          : ': unproven until a drill measures the zonal shift';
    f.steps.push(
      step(
        known,
        `detection ${detected ?? '?'} s + zonal shift ? + DNS TTL ${ttl} s ≥ ${known} s${verdict}; ` +
          `an AZ lost outright (fail-stop) takes ${failStop ?? '?'} s`,
      ),
    );
    f.value = Math.max(f.value ?? 0, known);
    f.unproven = true;
  }
}

/**
 * A Lambda function through the loss of one AZ. Lambda runs a function in several AZs of its region,
 * and a VPC function in the AZs of its subnets: with two or more, invocations go on in the others,
 * which its regional SLA covers, and no failover of the function's own is waited for. A VPC function
 * with subnets in one AZ is lost with it until its subnets change.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/security-resilience.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
 */
function functionZoneStep(graph: ResourceGraph, fn: GraphResource): DerivationStep {
  const zones = functionZones(graph, fn);
  const at = { quantity: 'azRto' as const, stack: fn.stack, resource: fn.address, figures: [] };
  if (inVpc(fn) && (zones === undefined || zones.length < 2)) {
    return {
      ...at,
      basis:
        zones === undefined
          ? "VPC function whose subnets' AZs the templates do not show: Lambda runs it only there, so whether an AZ's " +
            'loss leaves it any is not known'
          : `VPC function with subnets in ${zones[0]} only: Lambda runs it only there, so it is lost with that AZ ` +
            'until subnets in other AZs are added',
    };
  }
  return {
    ...at,
    value: 0,
    basis:
      `regional service: Lambda runs the function in several AZs${zones ? ` (those of its subnets: ${zones.length})` : ''} ` +
      'and invokes it in the others when one fails, under its regional SLA; no zonal failover of its own',
  };
}

/**
 * The gray failure of one AZ for a VPC function of a statically stable tier: the AZ's subnets stop
 * carrying traffic (what AzEvacuationDrill does to them) while Lambda, which does not test a
 * customer's subnets, keeps placing invocations on its network interfaces there. Nothing in a
 * template takes an AZ's subnets away from a function (ARC zonal shift does not apply to Lambda),
 * and AWS publishes no time for Lambda to stop using them: unknown until an AZ drill measures it.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
 */
function functionGrayStep(fn: GraphResource, stack: ServiceStack): DerivationStep | undefined {
  const tier = tierOfRecord(stack.record);
  const serves = tier.strategy === DrStrategy.ACTIVE_ACTIVE || (fn.ha?.role ?? stack.record.role) !== 'standby';
  if (!inVpc(fn) || !tier.staticallyStable || !serves) {
    return undefined;
  }
  return {
    quantity: 'azRto',
    stack: fn.stack,
    resource: fn.address,
    failure: 'gray',
    figures: [],
    basis:
      "gray failure of an AZ for this VPC function: zonal shift: none applies to Lambda; when the AZ's subnets " +
      'stop carrying traffic, Lambda keeps placing invocations on its network interfaces there (it does not test ' +
      "your subnets), nothing in the templates takes the AZ's subnets away from the function, and AWS " +
      "publishes no time for Lambda to stop using them: unknown until an AZ drill that cuts one zone's subnets " +
      '(AzEvacuationDrill) measures it',
  };
}

/**
 * Stores whose zone failover users wait for: primary stores, and in an active/active service every
 * region's store (each region serves). A warm standby's secondary only matters after a region failover.
 */
function servesThroughZoneLoss(graph: ResourceGraph, r: GraphResource, strategy: DrStrategy): boolean {
  return (
    isDataStore(graph, r) &&
    (strategy === DrStrategy.ACTIVE_ACTIVE || (r.ha?.role !== 'standby' && r.ha?.role !== 'replica'))
  );
}

/** The AZ RPO of a service in the given stacks: what a store serving through the zone loss loses. */
export function azRpoFigure(graph: ResourceGraph, stacks: readonly ServiceStack[]): Figure {
  const f = figure();
  for (const [stack, r] of resourcesOf(stacks)) {
    if (!servesThroughZoneLoss(graph, r, stack.record.strategy)) {
      continue;
    }
    const failover = zoneFailover(graph, r);
    if (failover && failover.rpoSeconds === undefined) {
      addMax(f, {
        quantity: 'azRpo',
        stack: r.stack,
        resource: r.address,
        value: PITR_RPO_SECONDS,
        basis: 'single-zone store: restored to the latest restorable time',
        figures: ['PITR_RPO_SECONDS'],
      });
    } else {
      addMax(f, {
        quantity: 'azRpo',
        stack: r.stack,
        resource: r.address,
        value: 0,
        basis: failover
          ? 'synchronous copy in another zone'
          : 'regional service: writes are stored in several zones before they are acknowledged',
        figures: [],
      });
    }
  }
  if (f.steps.length === 0) {
    f.value = 0;
  }
  return f;
}

function resourcesOf(stacks: readonly ServiceStack[]): [ServiceStack, GraphResource][] {
  return stacks.flatMap((stack) => stack.resources.map((r): [ServiceStack, GraphResource] => [stack, r]));
}
