import { DrStrategy } from '../../../core';
import { ResourceGraph } from '../../graph/graph';
import { GraphResource } from '../../graph/model';
import { block, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

const SERVICES = ['google_cloud_run_v2_service'];
const NEGS = ['google_compute_region_network_endpoint_group'];
const GLOBAL_BACKEND_SERVICES = ['google_compute_backend_service'];

/**
 * HA-DR8: the Cloud Run services of a multi-region tier run in as many regions as the tier keeps,
 * each reached by a global backend service through a serverless NEG.
 */
export const CloudRunRegions: HaRule = {
  id: 'HA-DR8',
  level: 'error',
  category: 'availability',
  needsTier: true,
  info: "For ACTIVE_ACTIVE, WARM_STANDBY and PILOT_LIGHT services, Cloud Run services of the service run in at least the tier's minimum number of regions, and each is a backend of a global backend service through a serverless network endpoint group.",
  explanation:
    "Cloud Run is regional: a region's outage takes its service down, and only a service in another region can answer. Traffic moves between them without a DNS change only when one global external Application Load Balancer has each region's serverless NEG as a backend (Cloud Run service health then takes the failing region out); a service outside it is reached by its own URL, which fails with its region.",
  resourceTypes: [...SERVICES, ...NEGS, ...GLOBAL_BACKEND_SERVICES],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return graph.ofType(...SERVICES).flatMap((service): Evaluation[] => {
      const tier = tierOf(context, service);
      if (!tier || tier.strategy === DrStrategy.BACKUP_RESTORE || tier.minRegions < 2) {
        return [];
      }
      const name = context.services.recordOf(service)?.service;
      const siblings = context.services
        .resourcesOf(name ?? '')
        .filter((r) => SERVICES.includes(r.type) && r.region !== undefined);
      const regions = [...new Set([service.region, ...siblings.map((r) => r.region)])].filter(
        (r): r is string => r !== undefined,
      );
      const problems: string[] = [];
      if (regions.length < tier.minRegions) {
        problems.push(
          `the service's Cloud Run services run in ${regions.length} region(s) (${regions.join(', ') || 'unknown'}): ` +
            `${tier.name} (${tier.strategy}) needs ${tier.minRegions}; deploy it in another region`,
        );
      }
      if (!reachedByGlobalBackend(graph, service)) {
        problems.push(
          'no global backend service reaches it through a serverless NEG: add a google_compute_region_network_endpoint_group ' +
            '(SERVERLESS, cloud_run.service) in its region as a backend of the global backend service, so that traffic moves between regions',
        );
      }
      return [outcome(service, problems.length === 0 ? undefined : `${service.address}: ${problems.join('; ')}`)];
    });
  },
};

/** Whether a serverless NEG of the service's region names it and is a backend of a global backend service. */
function reachedByGlobalBackend(graph: ResourceGraph, service: GraphResource): boolean {
  const name = str(service.properties.name);
  const negs = graph.ofType(...NEGS).filter((neg) => {
    const target = block(neg.properties.cloud_run)?.service;
    const names = neg.references.includes(service.key) || (name !== undefined && str(target) === name);
    return names && (neg.region === undefined || neg.region === service.region);
  });
  return negs.some((neg) => graph.referrersOf(neg, ...GLOBAL_BACKEND_SERVICES).length > 0);
}
