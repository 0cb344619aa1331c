import { DrStrategy, PITR_RPO_SECONDS, targetFailoverSeconds } from '../../core';
import { googleHealthCheckSeconds } from '../dns';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { isDataStore, zoneFailover } from '../graph/stores';
import { targetHealthSettings } from '../graph/target-health';
import { fleetZones } from '../graph/zones';
import { ServiceStack } from '../services';
import { addMax, figure, Figure, serviceAnchor } from './figure';

/*
 * The loss of one zone: how long until the service serves again (AZ RTO) and what data it loses
 * (AZ RPO). A zone is lost in one region at a time: the figure of a service is the worst over the
 * stacks given (all its stacks for the service's row, one for the per-stack view).
 */

/**
 * The AZ RTO of a service in the given stacks: the slowest zonal failover users wait for (a store's
 * failover, a target group's or backend's health check, a fleet in one zone).
 */
export function azRtoFigure(graph: ResourceGraph, stacks: readonly ServiceStack[]): Figure {
  const f = figure();
  for (const [stack, r] of resourcesOf(stacks)) {
    if (servesThroughZoneLoss(graph, r, stack.record.strategy)) {
      const failover = zoneFailover(graph, r);
      if (failover) {
        addMax(f, {
          quantity: 'azRto',
          stack: r.stack,
          resource: r.address,
          value: failover.rto.seconds,
          basis: failover.rto.basis,
          figures: failover.rto.figures,
        });
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
    } else if (fleetZones(graph, r)?.length === 1) {
      addMax(f, {
        quantity: 'azRto',
        stack: r.stack,
        resource: r.address,
        basis: 'fleet in one zone: lost with it until replacements launch elsewhere (time not published)',
        figures: [],
      });
    }
  }
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
