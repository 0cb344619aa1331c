import { DrStrategy } from '../../../core';
import { ResourceGraph } from '../../graph/graph';
import { GraphResource } from '../../graph/model';
import { block, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

const SERVICES = ['google_cloud_run_v2_service'];
const NEGS = ['google_compute_region_network_endpoint_group'];
const GLOBAL_BACKEND_SERVICES = ['google_compute_backend_service'];
const REGIONAL_BACKEND_SERVICES = ['google_compute_region_backend_service'];

/**
 * HA-DR8: the Cloud Run services of a multi-region tier run in as many regions as the tier keeps,
 * each reached through a serverless NEG by an entry that traffic can leave its region through.
 */
export const CloudRunRegions: HaRule = {
  id: 'HA-DR8',
  level: 'error',
  category: 'availability',
  needsTier: true,
  info: "For ACTIVE_ACTIVE, WARM_STANDBY and PILOT_LIGHT services, Cloud Run services of the service run in at least the tier's minimum number of regions, and each is reached through a serverless network endpoint group by a global backend service, or by a regional one whose load balancer a Cloud DNS routing policy answers with.",
  explanation:
    "Cloud Run is regional: a region's outage takes its service down, and only a service in another region can answer. Traffic moves between them only through an entry in front of every region: one global external Application Load Balancer with each region's serverless NEG as a backend (Cloud Run service health then takes the failing region out), or a regional load balancer per region behind a health-checked Cloud DNS routing policy; a service outside both is reached by its own URL, which fails with its region.",
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
      if (!reachedAcrossRegions(graph, service)) {
        problems.push(
          'no load balancer that traffic can leave its region through reaches it: add a serverless NEG of it ' +
            '(google_compute_region_network_endpoint_group, SERVERLESS) as a backend of a global backend service, or of a ' +
            'regional one whose address a health-checked Cloud DNS routing policy answers with',
        );
      }
      return [outcome(service, problems.length === 0 ? undefined : `${service.address}: ${problems.join('; ')}`)];
    });
  },
};

/**
 * Whether a serverless NEG of the service's region names it and is a backend of a global backend
 * service, or of a regional one whose load balancer's address a Cloud DNS routing policy answers with.
 */
function reachedAcrossRegions(graph: ResourceGraph, service: GraphResource): boolean {
  const name = str(service.properties.name);
  const negs = graph.ofType(...NEGS).filter((neg) => {
    const target = block(neg.properties.cloud_run)?.service;
    const names = neg.references.includes(service.key) || (name !== undefined && str(target) === name);
    return names && (neg.region === undefined || neg.region === service.region);
  });
  return negs.some(
    (neg) =>
      graph.referrersOf(neg, ...GLOBAL_BACKEND_SERVICES).length > 0 ||
      graph.referrersOf(neg, ...REGIONAL_BACKEND_SERVICES).some((backend) => routedByDns(graph, backend)),
  );
}

/** Whether a regional backend's URL map, proxy and forwarding rule lead to an address a routed DNS record answers with. */
function routedByDns(graph: ResourceGraph, backend: GraphResource): boolean {
  const rules = graph
    .referrersOf(backend, 'google_compute_region_url_map')
    .flatMap((map) => graph.referrersOf(map, 'google_compute_region_target_https_proxy'))
    .flatMap((proxy) => graph.referrersOf(proxy, 'google_compute_forwarding_rule'));
  return rules
    .flatMap((rule) => graph.referencedBy(rule, 'google_compute_address'))
    .some((address) =>
      graph.referrersOf(address, 'google_dns_record_set').some((record) => block(record.properties.routing_policy)),
    );
}
