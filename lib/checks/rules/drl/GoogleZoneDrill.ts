import { GOOGLE_INSTANCE_GROUP_TYPES } from '../../graph/google-backends';
import { GOOGLE_AUTOSCALER_TYPES, GOOGLE_RUNBOOK_TYPES, isGoogleRegionDrill } from '../../graph/google-workflows';
import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { isServingStack } from '../serving';
import { tierOfRecord } from '../support';

/**
 * HA-DRL3: on Google Cloud, which has no managed fault-injection service, a statically stable
 * service rehearses a zone loss with a workflow that acts on its instance groups and reads a stop
 * subscription (the SLO alerts' topic).
 */
export const GoogleZoneDrill: HaRule = {
  id: 'HA-DRL3',
  level: 'warning',
  category: 'recovery',
  needsTier: true,
  info:
    'Services whose tier requires static stability (TIER_0, TIER_1) with Google managed instance groups have a zone ' +
    'evacuation drill in each serving stack: a Cloud Workflows workflow that acts on an instance group and reads a ' +
    'Pub/Sub subscription that stops it (ZoneEvacuationDrill).',
  explanation:
    'Static stability is a claim until a zone has been taken out and the survivors carried the load; the stop ' +
    'subscription, on the topic the SLO alerts notify, keeps the rehearsal from becoming the outage.',
  resourceTypes: GOOGLE_RUNBOOK_TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return context.services.serviceStacks.filter(isServingStack).flatMap((stack) => {
      const tier = tierOfRecord(stack.record);
      const groups = stack.resources.filter((r) => GOOGLE_INSTANCE_GROUP_TYPES.includes(r.type));
      if (!tier.staticallyStable || groups.length === 0) {
        return [];
      }
      const drills = stack.resources.filter(
        (r) =>
          GOOGLE_RUNBOOK_TYPES.includes(r.type) &&
          r.failoverStep === undefined &&
          // A region drill drains a group too, through the load balancer: it takes out no zone.
          !isGoogleRegionDrill(graph, r) &&
          graph.referencedBy(r, ...GOOGLE_INSTANCE_GROUP_TYPES).length > 0 &&
          // A failback resizes through the autoscaler; a drill acts on the group's instances.
          graph.referencedBy(r, ...GOOGLE_AUTOSCALER_TYPES).length === 0,
      );
      const guarded = drills.filter((d) => graph.referencedBy(d, 'google_pubsub_subscription').length > 0);
      const problem =
        drills.length === 0
          ? `service ${stack.service} (${tier.name}) has no zone drill in ${stack.stack}: add a ZoneEvacuationDrill on its regional fleet`
          : guarded.length === 0
            ? `service ${stack.service} has drill workflows in ${stack.stack} that no subscription stops: stop them on the SLO alerts' topic`
            : undefined;
      return [serviceOutcome(stack.stack, stack.service, problem)];
    });
  },
};
