import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { tierOfRecord } from '../support';

const DASHBOARD = 'google_monitoring_dashboard';

/** HA-OBS4: a critical service on Google Cloud has a dashboard of its own. */
export const GoogleDashboard: HaRule = {
  id: 'HA-OBS4',
  level: 'warning',
  category: 'operations',
  needsTier: true,
  info:
    'When a TIER_0 or TIER_1 service runs on Google Cloud, the app defines a Cloud Monitoring dashboard ' +
    "that carries the service's HA record (GoldenSignalsDashboard).",
  explanation:
    'During an incident the first screen must say how bad and where: per-region availability and latency ' +
    'against the SLO, and saturation. A warning: a dashboard kept outside the app also serves, and the ' +
    'templates cannot show it.',
  resourceTypes: [DASHBOARD],
  evaluate(context: RuleContext): Evaluation[] {
    return context.services.services().flatMap((service) => {
      const stacks = context.services.stacksOf(service);
      const tier = tierOfRecord(stacks[0].record);
      const resources = stacks.flatMap((s) => s.resources);
      if (!tier.staticallyStable || !resources.some((r) => r.cloud === 'google' && r.type !== DASHBOARD)) {
        return [];
      }
      const hasDashboard = context.graph
        .ofType(DASHBOARD)
        .some((d) => d.ha?.service === service || context.services.recordOf(d)?.service === service);
      return [
        serviceOutcome(
          stacks[0].stack,
          service,
          hasDashboard
            ? undefined
            : `service ${service} (${tier.name}) runs on Google Cloud with no dashboard of its own: add a ` +
                'GoldenSignalsDashboard (or acknowledge this if one is kept elsewhere)',
        ),
      ];
    });
  },
};
