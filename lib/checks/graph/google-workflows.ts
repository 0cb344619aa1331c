import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { block, num } from './values';

/*
 * Google runbooks, drills and autoscalers as the templates show them: what both the rules and the
 * report read (the rules never import the report).
 */

/** A Google runbook: a Cloud Workflows workflow. */
export const GOOGLE_RUNBOOK_TYPES = ['google_workflows_workflow'];

/** Autoscalers, which hold a Google fleet's minimum and maximum (the group holds none of its own). */
export const GOOGLE_AUTOSCALER_TYPES = ['google_compute_region_autoscaler', 'google_compute_autoscaler'];

/**
 * A Google region drill: a workflow that is no runbook itself and runs the runbooks (it refers to
 * workflows that record a failover step), as RegionSwitchoverDrill does.
 */
export function isGoogleRegionDrill(graph: ResourceGraph, r: GraphResource): boolean {
  return (
    GOOGLE_RUNBOOK_TYPES.includes(r.type) &&
    r.failoverStep === undefined &&
    graph.referencedBy(r, ...GOOGLE_RUNBOOK_TYPES).some((w) => w.failoverStep !== undefined)
  );
}

/** A fleet's minimum: an Auto Scaling group's `MinSize`, a Google autoscaler's `min_replicas`. */
export function fleetMinimum(resource: GraphResource): number | undefined {
  const p = resource.properties;
  return GOOGLE_AUTOSCALER_TYPES.includes(resource.type)
    ? num(block(p.autoscaling_policy)?.min_replicas)
    : num(p.MinSize ?? p.min_size);
}
