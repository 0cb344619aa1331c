import { DrStrategy } from '../../../core';
import { cloudSqlCrossRegionReplicas } from '../../graph/cloud-sql';
import { GraphResource } from '../../graph/model';
import { isPrimaryStore } from '../../graph/stores';
import { fleetMinimum, GOOGLE_AUTOSCALER_TYPES, GOOGLE_RUNBOOK_TYPES } from '../../graph/google-workflows';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

/** HA-DR9: a Google service with a standby region has runbooks, in that region, that promote its data and scale its fleet. */
export const GoogleFailoverRunbooks: HaRule = {
  id: 'HA-DR9',
  level: 'warning',
  category: 'recovery',
  needsTier: true,
  info:
    'For WARM_STANDBY and PILOT_LIGHT services on Google Cloud, a Cloud SQL primary with a cross-region replica has a ' +
    "promotion runbook (a Cloud Workflows workflow recording the promotion step) in the replica's region, and a standby " +
    'autoscaler below the primary minimum has a scale-up runbook in its region.',
  explanation:
    'Cloud SQL does not promote a cross-region replica by itself and a pilot light at zero does not grow without a raised ' +
    'minimum: something must start both, and a runbook in the lost region is lost with it. Without one the region RTO is ' +
    'unbounded (HA-RES1). A warning: after a failover, until the failback, the runbooks are in the region that now serves.',
  resourceTypes: ['google_sql_database_instance', ...GOOGLE_AUTOSCALER_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    const runbooks = graph.ofType(...GOOGLE_RUNBOOK_TYPES);
    const standbyTier = (r: GraphResource) => {
      const tier = tierOf(context, r);
      return tier && (tier.strategy === DrStrategy.PILOT_LIGHT || tier.strategy === DrStrategy.WARM_STANDBY)
        ? tier
        : undefined;
    };
    // The service's runbooks performing `step` in `region`.
    const performing = (of: GraphResource, step: string, region: string | undefined) =>
      runbooks.filter(
        (w) =>
          w.failoverStep?.step === step &&
          (of.ha?.service === undefined || w.ha?.service === undefined || w.ha.service === of.ha.service) &&
          (region === undefined || w.region === region),
      );
    const databases = graph.ofType('google_sql_database_instance').flatMap((primary): Evaluation[] => {
      const tier = standbyTier(primary);
      const [replica] = tier && isPrimaryStore(graph, primary) ? cloudSqlCrossRegionReplicas(graph, primary) : [];
      if (!tier || !replica) {
        return [];
      }
      const found = performing(primary, 'promotion', replica.region);
      return [
        outcome(
          primary,
          found.length > 0
            ? undefined
            : `${primary.address} (${tier.name}) has the cross-region replica ${replica.address} but no runbook in ` +
                `${replica.region ?? "the replica's region"} promotes it: add FailoverWorkflows there (a workflow elsewhere is lost with the primary region)`,
        ),
      ];
    });
    const autoscalers = graph.ofType(...GOOGLE_AUTOSCALER_TYPES);
    const primaryMin = Math.max(
      0,
      ...autoscalers.filter((a) => a.ha?.role === 'primary').map((a) => fleetMinimum(a) ?? 0),
    );
    const fleets = autoscalers.flatMap((standby): Evaluation[] => {
      const tier = standbyTier(standby);
      if (!tier || standby.ha?.role !== 'standby' || (fleetMinimum(standby) ?? 0) >= primaryMin) {
        return [];
      }
      const found = performing(standby, 'scale-up', standby.region);
      return [
        outcome(
          standby,
          found.length > 0
            ? undefined
            : `${standby.address} (${tier.name}) runs ${fleetMinimum(standby) ?? 0} of the primary's ${primaryMin} instances ` +
                `and no runbook in ${standby.region ?? 'its region'} raises its minimum: add FailoverWorkflows with the standby fleet`,
        ),
      ];
    });
    return [...databases, ...fleets];
  },
};
