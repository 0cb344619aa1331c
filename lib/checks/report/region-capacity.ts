import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { DerivationStep } from '../model';
import { fleetMinimum, isScalingFleet } from './scaling-fleets';

/*
 * Region-level static stability of an active/active service, one rule for both clouds: a serving
 * fleet whose minimum already covers the whole service's peak, as its HA record states it
 * (`requiredCapacity`), carries a lost region's share without launching anything. Neither the
 * load nor its split between the regions is in the templates, so nothing less proves it: with one
 * region's share, the regions left need a scale-out that has no published time.
 */

/**
 * The fleet's minimum when it covers the service's peak stated in its record (the fleet then
 * absorbs a lost region without a scale-out); undefined when the record states no peak, the
 * template hides the minimum, or the minimum is below the peak.
 */
export function minimumCoveringPeak(graph: ResourceGraph, fleet: GraphResource): number | undefined {
  const peak = fleet.ha?.requiredCapacity;
  const minimum = fleetMinimum(graph, fleet);
  return peak !== undefined && minimum !== undefined && minimum >= peak ? minimum : undefined;
}

/**
 * A 0 s step for each primary fleet that runs the service's whole peak in its region (what lets the
 * report leave the regions' absorption out of the unknown steps).
 */
export function regionCapacitySteps(graph: ResourceGraph, resources: readonly GraphResource[]): DerivationStep[] {
  return resources
    .filter((r) => r.ha?.role === 'primary' && isScalingFleet(r))
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
                `when a region fails, the regions left carry its load without a scale-out: this fleet runs at least ` +
                `${minimum}, the ${r.ha!.requiredCapacity} the whole service needs at peak as its HA record states ` +
                '(requiredCapacity)',
            },
          ];
    });
}
