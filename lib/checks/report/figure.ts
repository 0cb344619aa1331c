import type { Cloud } from '../graph/model';
import type { DerivationStep, ObjectiveStatus } from '../model';
import { ServiceStack } from '../services';

export { regionsOf } from '../services';

/** A figure being computed: its value so far, whether it is bounded and proven, and its steps. */
export interface Figure {
  value?: number;
  /** The template shows there is no bound (data with no copy, a single region for a region failure). */
  unbounded: boolean;
  /** Some contribution cannot be bounded from the template. */
  unproven: boolean;
  steps: DerivationStep[];
}

/** An empty figure. */
export function figure(): Figure {
  return { unbounded: false, unproven: false, steps: [] };
}

/** Adds a step whose value bounds the figure from below (the figure is the slowest of its steps). */
export function addMax(f: Figure, step: DerivationStep): void {
  f.steps.push(step);
  if (step.value === undefined) {
    f.unproven = true;
  } else {
    f.value = Math.max(f.value ?? 0, step.value);
  }
}

/** The figure as reported: null when unbounded or unproven. */
export function valueOf(f: Figure): number | null {
  return f.unbounded || f.unproven || f.value === undefined ? null : f.value;
}

/** Whether a figure meets an objective: at most it (`max`, RTO and RPO) or at least it (`min`, availability). */
export function statusOf(f: Figure, objective: number, sense: 'max' | 'min'): ObjectiveStatus {
  if (f.unbounded) {
    return 'not-met';
  }
  if (f.value !== undefined && (sense === 'max' ? f.value > objective : f.value < objective)) {
    return 'not-met';
  }
  if (f.unproven || f.value === undefined) {
    return 'unproven';
  }
  return 'met';
}

/** The anchor of a service-level step: the service in its first stack. */
export function serviceAnchor(stacks: readonly ServiceStack[]): { stack: string; resource: string } {
  return { stack: stacks[0].stack, resource: `service:${stacks[0].service}` };
}

/** How the region RTO names the drill that measures what no figure bounds, on AWS. */
export const REGION_DRILL = 'a region evacuation drill (RegionEvacuationDrill, then the runbooks)';

/**
 * The same on Google Cloud: the switchover rehearsal, which runs the runbooks and times them (the
 * decision too, when the paged on-call starts it with the page's time).
 */
export const GOOGLE_REGION_DRILL_NAME = 'RegionSwitchoverDrill';
export const GOOGLE_REGION_DRILL = `a region drill (${GOOGLE_REGION_DRILL_NAME}, started by the paged on-call)`;

/** What RegionSwitchoverDrill rehearses: a Cloud SQL promotion, a group's scale-up, the runbooks doing them. */
const GOOGLE_DRILLED_TYPES = [
  'google_sql_database_instance',
  'google_compute_region_autoscaler',
  'google_compute_region_instance_group_manager',
  'google_workflows_workflow',
];

/** Google's words for a step RegionSwitchoverDrill does not rehearse (a Spanner leader move, Cloud Run scaling). */
/** Google's words for the drill that shows the regions left carry a lost one's load. */
export const DRAIN_DRILL = "a region drill that drains one region's backends and holds";

export const GOOGLE_UNDRILLED = 'a region drill (RegionSwitchoverDrill rehearses only Cloud SQL and instance groups)';

/**
 * The region drill of the service's cloud, AWS's unless its resources are Google's only. On Google,
 * RegionSwitchoverDrill when it rehearses `subject` (a resource type, when the step concerns one),
 * naming the drills already `present` in the templates, else `googleOtherwise`: it names no
 * construct that cannot do what the sentence claims.
 */
export function regionDrillOf(
  resources: readonly { readonly cloud: Cloud }[],
  subject?: string,
  googleOtherwise = GOOGLE_UNDRILLED,
  present: readonly { readonly address: string }[] = [],
): string {
  const google = resources.some((r) => r.cloud === 'google') && resources.every((r) => r.cloud === 'google');
  if (!google) {
    return REGION_DRILL;
  }
  if (subject !== undefined && !GOOGLE_DRILLED_TYPES.includes(subject)) {
    return googleOtherwise;
  }
  const here = present.map((d) => d.address).join(', ');
  return here === ''
    ? GOOGLE_REGION_DRILL
    : `a region drill (${here}, a ${GOOGLE_REGION_DRILL_NAME}, started by the paged on-call, its result recorded)`;
}
