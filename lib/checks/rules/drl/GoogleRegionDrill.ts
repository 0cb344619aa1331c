import { cronMaxGapDays, DrStrategy } from '../../../core';
import { tierOfRecord } from '../../graph/tier';
import { str } from '../../graph/values';
import { isGoogleRegionDrill } from '../../graph/google-workflows';
import { regionsOf } from '../../services';
import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';

/**
 * HA-DRL4: a Google service with a standby region rehearses its failover on a schedule: a
 * workflow that runs its runbooks (RegionSwitchoverDrill) started by Cloud Scheduler at least every
 * `drillIntervalDays` of its tier, so that the measurements the report counts stay fresh.
 */
/** What a Google region failover acts on, and so what a region drill rehearses: Cloud SQL and instance groups. */
const REHEARSED_TYPES = [
  'google_sql_database_instance',
  'google_compute_region_instance_group_manager',
  'google_compute_region_autoscaler',
];

export const GoogleRegionDrill: HaRule = {
  id: 'HA-DRL4',
  level: 'warning',
  category: 'recovery',
  needsTier: true,
  info:
    'WARM_STANDBY and PILOT_LIGHT services on Google Cloud in two or more regions have a region drill (a Cloud ' +
    'Workflows workflow that runs their failover runbooks and reads a stop subscription: RegionSwitchoverDrill) that ' +
    "a Cloud Scheduler job starts at least every tier's drill interval.",
  explanation:
    'Google publishes no duration for a Cloud SQL promotion or a fleet scale-up, so the region RTO stays unproven ' +
    "until a drill times them; a measurement counts for the tier's drill interval only, and a drill nobody schedules " +
    'is run once and then goes stale.',
  resourceTypes: ['google_workflows_workflow', 'google_cloud_scheduler_job'],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph, services } = context;
    return services.services().flatMap((service): Evaluation[] => {
      const stacks = services.stacksOf(service);
      const tier = tierOfRecord(stacks[0].record);
      const resources = stacks.flatMap((s) => s.resources);
      const google = resources.some((r) => r.cloud === 'google') && resources.every((r) => r.cloud === 'google');
      const standby = tier.strategy === DrStrategy.PILOT_LIGHT || tier.strategy === DrStrategy.WARM_STANDBY;
      // The drill rehearses what a failover acts on: a service of buckets and networks alone has none.
      const rehearsed = resources.some((r) => REHEARSED_TYPES.includes(r.type));
      if (!google || !standby || !rehearsed || regionsOf(stacks).length < 2) {
        return [];
      }
      const found = resources.filter((r) => isGoogleRegionDrill(graph, r));
      // A rehearsal nothing stops can become the outage: only a drill that reads a stop subscription counts.
      const drills = found.filter((d) => graph.referencedBy(d, 'google_pubsub_subscription').length > 0);
      const interval = `${tier.name}'s drill interval of ${tier.drillIntervalDays} days`;
      const schedules = drills.flatMap((drill) =>
        graph.referrersOf(drill, 'google_cloud_scheduler_job').map((job) => {
          const cron = str(job.properties.schedule);
          return { drill, job, cron, gap: cron === undefined ? undefined : cronMaxGapDays(cron) };
        }),
      );
      const within = schedules.filter((s) => s.gap !== undefined && s.gap <= tier.drillIntervalDays);
      const stack = (drills[0] ?? resources[0]).stack;
      let problem: string | undefined;
      if (found.length > 0 && drills.length === 0) {
        problem =
          `service ${service}'s region drill ${found[0].address} reads no stop subscription: ` +
          'stop it on the topic its SLO alerts notify, as RegionSwitchoverDrill does';
      } else if (drills.length === 0) {
        problem =
          `service ${service} (${tier.name}) has no region drill: ` +
          `add a RegionSwitchoverDrill that runs its runbooks, scheduled within ${interval}`;
      } else if (schedules.length === 0) {
        problem =
          `service ${service}'s region drill ${drills[0].address} runs only when someone starts it: ` +
          `give it a schedule within ${interval}`;
      } else if (within.length === 0) {
        const [first] = schedules;
        problem =
          first.gap === undefined
            ? `service ${service}'s region drill schedule ${first.job.address} ` +
              `(${first.cron ?? 'not literal'}) cannot be read as a five-field cron: ` +
              `whether it runs within ${interval} is unknown`
            : `service ${service}'s region drill schedule '${first.cron}' ` +
              `${first.gap === Infinity ? 'never runs' : `runs up to ${first.gap} days apart`}, ` +
              `longer than ${interval}: its measurements go stale between runs`;
      }
      return [serviceOutcome(stack, service, problem)];
    });
  },
};
