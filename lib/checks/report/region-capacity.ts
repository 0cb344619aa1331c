import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { block, num } from '../graph/values';
import { DerivationStep } from '../model';
import { fleetMaximum, fleetMinimum, isScalingFleet } from './scaling-fleets';

/** Cloud Run services: they scale per region between their template's minimum and maximum instances. */
const CLOUD_RUN_SERVICE_TYPES = ['google_cloud_run_v2_service'];

/** Whether a resource is a Cloud Run service (the report reads its instance bounds like a fleet's). */
export function isCloudRunService(resource: GraphResource): boolean {
  return CLOUD_RUN_SERVICE_TYPES.includes(resource.type);
}

/** A fleet's or a Cloud Run service's minimum and maximum (its template's `scaling`, kept per revision). */
export function servingBounds(graph: ResourceGraph, resource: GraphResource): [number | undefined, number | undefined] {
  if (isCloudRunService(resource)) {
    const scaling = block(block(resource.properties.template)?.scaling);
    return [num(scaling?.min_instance_count), num(scaling?.max_instance_count)];
  }
  return [fleetMinimum(graph, resource), fleetMaximum(graph, resource)];
}

/*
 * Region-level static stability of an active/active service, one rule for both clouds: a serving
 * fleet whose minimum already covers the whole service's peak, as its HA record states it
 * (`requiredCapacity`), carries a lost region's share without launching anything. Neither the
 * load nor its split between the regions is in the templates, so nothing less proves it: with one
 * region's share, the regions left need a scale-out that has no published time.
 */

/**
 * The fleet's (or Cloud Run service's) minimum when it covers the service's peak stated in its record (the fleet then
 * absorbs a lost region without a scale-out); undefined when the record states no peak, the
 * template hides the minimum, or the minimum is below the peak.
 */
export function minimumCoveringPeak(graph: ResourceGraph, fleet: GraphResource): number | undefined {
  const peak = fleet.ha?.requiredCapacity;
  const [minimum] = servingBounds(graph, fleet);
  return peak !== undefined && minimum !== undefined && minimum >= peak ? minimum : undefined;
}

/**
 * A 0 s step for each primary fleet that runs the service's whole peak in its region (what lets the
 * report leave the regions' absorption out of the unknown steps).
 */
export function regionCapacitySteps(graph: ResourceGraph, resources: readonly GraphResource[]): DerivationStep[] {
  return resources
    .filter((r) => r.ha?.role === 'primary' && (isScalingFleet(r) || isCloudRunService(r)))
    .flatMap((r) => {
      const minimum = minimumCoveringPeak(graph, r);
      return minimum === undefined
        ? []
        : [
            {
              quantity: 'regionRto' as const,
              stack: r.stack,
              resource: r.address,
              value: 0,
              figures: [],
              basis:
                `when a region fails, the regions left carry its load without a scale-out: this ` +
                `${isCloudRunService(r) ? 'Cloud Run service keeps' : 'fleet runs'} at least ` +
                `${minimum}, the ${r.ha!.requiredCapacity} the whole service needs at peak as its HA record states ` +
                '(requiredCapacity)',
            },
          ];
    });
}
