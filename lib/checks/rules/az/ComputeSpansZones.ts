import { servesZonalCells } from '../../graph/balancing';
import { minimumCount } from '../../graph/fleet-size';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { expectationsOf } from '../expectations';
import { FLEET_TYPES, fleetZones } from '../support';

const ECS_SERVICE_TYPES = ['AWS::ECS::Service', 'aws_ecs_service'];

/** HA-AZ1: a fleet runs in at least the tier's number of availability zones (without a tier, two). */
export const ComputeSpansZones: HaRule = {
  id: 'HA-AZ1',
  level: 'error',
  category: 'availability',
  info: "Compute (Auto Scaling groups, ECS services, managed instance groups, GKE clusters) runs in at least the tier's minimum number of zones (2 without a tier): its subnets or zones, and for an ECS service at least that many tasks.",
  explanation:
    'A fleet in fewer zones than the tier assumes loses a larger share of its capacity, or all of it, when one zone fails; the AZ RTO of the tier is computed for tier.minAzs zones. An ECS service of one task runs in one zone whatever its subnets span. A fleet behind a zonal cell (a one-zone Network Load Balancer with cross-zone balancing turned off) is confined to its zone by design.',
  resourceTypes: FLEET_TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...FLEET_TYPES).flatMap((fleet) => {
      const expected = expectationsOf(context, fleet);
      const zones = fleetZones(context.graph, fleet);
      if (!zones) {
        // Without a tier, a fleet whose zones the template leaves to the account's defaults is not judged.
        return expected.declared
          ? [
              outcome(
                fleet,
                `the template does not state the zones of ${fleet.address}: place it in subnets (or zones) of at least ${expected.minAzs} availability zones so that ${expected.name} can be checked`,
              ),
            ]
          : [];
      }
      if (servesZonalCells(context.graph, fleet)) {
        return [];
      }
      // An ECS service runs its desired count of tasks, one per zone at most that many; an Auto
      // Scaling group's minimum is a floor it scales from (HA-CAP1 judges it).
      const count = ECS_SERVICE_TYPES.includes(fleet.type) ? minimumCount(context.graph, fleet) : undefined;
      const running = count === undefined || count === 0 ? zones.length : Math.min(zones.length, count);
      if (running >= expected.minAzs) {
        return [outcome(fleet, undefined)];
      }
      const reason =
        running < zones.length
          ? `runs ${count} task(s), so in ${running} zone(s) although its subnets span ${zones.length}`
          : `runs in ${zones.length} zone(s) (${zones.join(', ')})`;
      const fix =
        running < zones.length
          ? `run at least ${expected.minAzs} tasks (the desired count)`
          : `add subnets or zones in ${expected.minAzs - zones.length} more`;
      return [outcome(fleet, `${fleet.address} ${reason}; ${expected.name} needs at least ${expected.minAzs}: ${fix}`)];
    });
  },
};
