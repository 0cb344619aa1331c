import { CLOUD_RUN_SERVICE_HEALTH_MIN_INSTANCES, DrStrategy } from '../../../core';
import { GraphResource } from '../../graph/model';
import { block, num } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { tierOf } from '../support';

const TYPES = ['google_cloud_run_v2_service'];

/**
 * HA-CAP3: a Cloud Run service keeps minimum instances: one at least wherever a second region must
 * take over (Cloud Run service health needs it), and one per zone of the tier where it serves a
 * statically stable tier.
 */
export const CloudRunMinInstances: HaRule = {
  id: 'HA-CAP3',
  level: 'error',
  category: 'availability',
  needsTier: true,
  info: "A Cloud Run service of a tier with a second region keeps at least 1 minimum instance (service-level or revision-level), and a serving (not standby) one of a statically stable tier (TIER_0, TIER_1) at least the tier's minimum number of zones.",
  explanation:
    "Cloud Run service health, which takes a failing region out of a global load balancer, is computed only for services with at least one minimum instance in every region; without it a region failure is a stream of 5xx. A service that scales to zero, or keeps fewer instances than the tier's zones, meets a zone's loss or a failover with cold starts instead of running instances: static stability means the survivors already run.",
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((service): Evaluation[] => {
      const tier = tierOf(context, service);
      if (!tier) {
        return [];
      }
      const floor = minInstances(service);
      if (floor === 'unknown') {
        return [undecided(service, `${service.address} states its minimum instances as a value known only at apply`)];
      }
      const standby = context.services.recordOf(service)?.role === 'standby';
      const needed = Math.max(
        tier.strategy === DrStrategy.BACKUP_RESTORE ? 0 : CLOUD_RUN_SERVICE_HEALTH_MIN_INSTANCES,
        tier.staticallyStable && !standby ? tier.minAzs : 0,
      );
      if (floor >= needed) {
        return [outcome(service, undefined)];
      }
      const why =
        needed > CLOUD_RUN_SERVICE_HEALTH_MIN_INSTANCES
          ? `${tier.name} keeps at least one instance in each of its ${tier.minAzs} zones`
          : 'Cloud Run service health, which fails a region over, needs a minimum instance in every region';
      return [
        outcome(
          service,
          `${service.address} keeps ${floor} minimum instance(s): ${why}; set template.scaling.min_instance_count to at least ${needed}`,
        ),
      ];
    });
  },
};

/** The larger of the service-level and the revision-level minimum (0 when neither is set). */
function minInstances(service: GraphResource): number | 'unknown' {
  const values = [
    block(service.properties.scaling)?.min_instance_count,
    block(block(service.properties.template)?.scaling)?.min_instance_count,
  ].filter((v) => v !== undefined && v !== null);
  const numbers = values.map(num);
  if (numbers.some((n) => n === undefined)) {
    return 'unknown';
  }
  return Math.max(0, ...(numbers as number[]));
}
