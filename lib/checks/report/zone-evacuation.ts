import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { tierOfRecord } from '../graph/tier';
import type { DerivationStep } from '../model';
import { ServiceStack } from '../services';
import { measurementOf } from './drill-measurements';
import { addMax, Figure } from './figure';

/** The Google instance groups a zone evacuation drill's measurement is recorded on. */
const ZONE_DRILL_HOLDERS = ['google_compute_region_instance_group_manager'];

/**
 * The measured loss of a zone behind a Google backend service: the `zone-evacuation` measurement
 * (ZoneEvacuationDrill's `recoverySeconds`) recorded on a group the service sends to. Fresh, it
 * is a step of the AZ RTO, which is the slowest step, so it raises a health-check figure it exceeds
 * and never lowers one; stale or dated after the report, it is named and counts for nothing. It
 * times the load leaving the zone, not capacity coming back: the drill's blocked instances still
 * run and count in the autoscaler's average, so whether the zones left carry the peak is read from
 * the templates (`zoneLossCapacity`), never from a drill.
 */
export function zoneEvacuationSteps(
  graph: ResourceGraph,
  stacks: readonly ServiceStack[],
  backendService: GraphResource,
  today: Date,
): DerivationStep[] {
  const groups = graph.referencedBy(backendService, ...ZONE_DRILL_HOLDERS);
  const drills = { graph, stacks, tier: tierOfRecord(stacks[0].record), today };
  return groups.flatMap((group) => {
    const found = measurementOf(drills, 'zone-evacuation', [group]);
    if (!found) {
      return [];
    }
    const basis =
      `zone evacuation drill on ${group.address}: from a zone's loss until the load balancer sent nothing to it ` +
      "and the other zones' instances were healthy";
    return [
      {
        quantity: 'azRto' as const,
        stack: group.stack,
        resource: group.address,
        ...(found.counts ? { value: found.measurement.seconds } : {}),
        measurement: found.measurement,
        basis: `${basis}: ${found.text}`,
        figures: [],
      },
    ];
  });
}

/**
 * The measured failover of a store whose provider publishes no time for it (Cloud SQL HA, a
 * single-zone Aurora writer): a fresh `database-failover` measurement on the store replaces the
 * unknown step, so the AZ RTO is the slowest of it and the other steps; a stale one is only named.
 */
export function databaseFailoverStep(
  graph: ResourceGraph,
  stacks: readonly ServiceStack[],
  store: GraphResource,
  today: Date,
): DerivationStep[] {
  const drills = { graph, stacks, tier: tierOfRecord(stacks[0].record), today };
  const found = measurementOf(drills, 'database-failover', [store]);
  if (!found) {
    return [];
  }
  return [
    {
      quantity: 'azRto',
      stack: store.stack,
      resource: store.address,
      ...(found.counts ? { value: found.measurement.seconds } : {}),
      measurement: found.measurement,
      basis: `forced failover of ${store.address}, from the fault until it took writes again: ${found.text}`,
      figures: [],
    },
  ];
}

/** Adds a measured step: a fresh one bounds the figure as any step does; another is only named. */
export function addMeasured(f: Figure, step: DerivationStep): void {
  if (step.value === undefined) {
    f.steps.push(step);
  } else {
    addMax(f, step);
  }
}
