import { DrStrategy } from '../../../core';
import { GraphResource } from '../../graph/model';
import { blocks } from '../../graph/values';
import {
  backendRegions,
  GOOGLE_INSTANCE_GROUP_TYPES,
  GOOGLE_SERVERLESS_NEG_TYPES,
  serverlessBackendRegions,
} from '../../graph/google-backends';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { tierOf } from '../support';

const TYPES = ['google_compute_backend_service'];

/** HA-LB5: a global backend service of a multi-region tier sends to instance groups in every region the tier needs. */
export const StandbyBackends: HaRule = {
  id: 'HA-LB5',
  level: 'warning',
  category: 'availability',
  needsTier: true,
  info: "For ACTIVE_ACTIVE, WARM_STANDBY and PILOT_LIGHT services, a Google global backend service has instance groups in at least the tier's minimum number of regions: a pilot light's standby fleet is attached, at zero or its standby size.",
  explanation:
    'A global external Application Load Balancer moves traffic between regions by health, with no DNS change, but only to backends it has. A standby fleet left out of the backend service means a configuration change and an apply during the outage; attached at zero instances it costs nothing and takes traffic as soon as it scales.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return graph.ofType(...TYPES).flatMap((service): Evaluation[] => {
      const tier = tierOf(context, service);
      if (!tier || tier.strategy === DrStrategy.BACKUP_RESTORE || tier.minRegions < 2) {
        return [];
      }
      const backends = blocks(service.properties.backend).length;
      const groups = graph.referencedBy(service, ...GOOGLE_INSTANCE_GROUP_TYPES);
      // Serverless NEGs (Cloud Run) are backends of their region too.
      const negs = graph
        .referencedBy(service, ...GOOGLE_SERVERLESS_NEG_TYPES)
        .filter((neg) => neg.properties.network_endpoint_type === 'SERVERLESS');
      const located = [...groups, ...negs];
      if (located.length < backends || located.some((g: GraphResource) => g.region === undefined)) {
        return [undecided(service, `${service.address} has backends whose regions the templates do not show`)];
      }
      const regions = [...new Set([...backendRegions(graph, service), ...serverlessBackendRegions(graph, service)])];
      return [
        outcome(
          service,
          regions.length >= tier.minRegions
            ? undefined
            : `${service.address} sends only to ${negs.length > 0 ? 'backends' : 'instance groups'} in ${regions.join(', ') || 'no region'}: ${tier.name} ` +
                `(${tier.strategy}) needs ${tier.minRegions} regions; add the standby region's instance group as a backend ` +
                '(at zero or its standby size) so that the load balancer takes it once it scales, with no change to the configuration',
        ),
      ];
    });
  },
};
