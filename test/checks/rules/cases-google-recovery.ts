import { GoogleRegionDrill } from '../../../lib/checks/rules/drl/GoogleRegionDrill';
import { GoogleZoneDrill } from '../../../lib/checks/rules/drl/GoogleZoneDrill';
import { GoogleFailoverRunbooks } from '../../../lib/checks/rules/dr/GoogleFailoverRunbooks';
import { FAILOVER_STEP_METADATA_KEY, HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { record, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T1 = { tier: ServiceTier.TIER_1 };
const T2 = { tier: ServiceTier.TIER_2 };

/** A workflow in `region` recording `step` (a runbook), or none (a drill), with the TIER_2 record. */
function workflow(region: string, step?: string, extra: Record<string, unknown> = {}) {
  return {
    region,
    source_contents: '{}',
    ...extra,
    '//': {
      [HA_METADATA_KEY]: record(ServiceTier.TIER_2, HaRole.STANDBY),
      ...(step ? { [FAILOVER_STEP_METADATA_KEY]: { step, startedBy: 'operator', decisionSeconds: 900 } } : {}),
    },
  };
}

/** A Cloud SQL primary in us-central1 and its replica in us-east1, with the workflows given. */
function database(workflows: Record<string, Record<string, unknown>>) {
  return {
    google_sql_database_instance: {
      p: { name: 'orders', region: 'us-central1' },
      r: { name: 'orders-dr', region: 'us-east1', master_instance_name: '${google_sql_database_instance.p.name}' },
    },
    ...(Object.keys(workflows).length > 0 ? { google_workflows_workflow: workflows } : {}),
  };
}

/** A primary autoscaler at 2 and a standby one at 0, with the workflows given. */
function pilotLightFleets(workflows: Record<string, Record<string, unknown>>) {
  const autoscaler = (region: string, min: number, role: HaRole) => ({
    region,
    autoscaling_policy: { min_replicas: min, max_replicas: 4 },
    '//': { [HA_METADATA_KEY]: record(ServiceTier.TIER_2, role) },
  });
  return {
    google_compute_region_autoscaler: {
      primary: autoscaler('us-central1', 2, HaRole.PRIMARY),
      standby: autoscaler('us-east1', 0, HaRole.STANDBY),
    },
    ...(Object.keys(workflows).length > 0 ? { google_workflows_workflow: workflows } : {}),
  };
}

/** A regional group with the workflows (and a stop subscription) given. */
function zonalFleet(resources: Record<string, Record<string, Record<string, unknown>>>) {
  return {
    google_compute_region_instance_group_manager: { web: { region: 'us-central1', base_instance_name: 'web' } },
    ...resources,
  };
}
const drill = (env: Record<string, string>) => ({
  region: 'us-central1',
  source_contents: '{}',
  user_env_vars: { HA_GROUP: '${google_compute_region_instance_group_manager.web.name}', ...env },
});

/** A pilot light's database and promotion runbook, a region drill running it, its schedules, a stop subscription. */
function regionDrilled(drill: boolean, schedules: string[], stopped = true) {
  const runbook = { promote: workflow('us-east1', 'promotion') };
  const drillWorkflow = {
    drill: workflow('us-east1', undefined, {
      user_env_vars: {
        HA_PROMOTION_WORKFLOW: '${google_workflows_workflow.promote.name}',
        ...(stopped ? { HA_STOP_SUBSCRIPTION: '${google_pubsub_subscription.stop.id}' } : {}),
      },
    }),
  };
  const jobs = Object.fromEntries(
    schedules.map((schedule, i) => [
      `drill${i}`,
      {
        region: 'us-east1',
        schedule,
        http_target: {
          uri: 'https://workflowexecutions.googleapis.com/v1/${google_workflows_workflow.drill.id}/executions',
        },
      },
    ]),
  );
  return {
    ...database({ ...runbook, ...(drill ? drillWorkflow : {}) }),
    ...(schedules.length > 0 ? { google_cloud_scheduler_job: jobs } : {}),
    google_pubsub_subscription: { stop: { name: 'slo-alerts', topic: 'projects/p/topics/slo' } },
  };
}

/** HA-DR9, HA-DRL3, HA-DRL4: Google's runbooks and drills, what a failover and a zone loss need done by something. */
export const GOOGLE_RECOVERY_CASES: RuleCase[] = [
  {
    rule: GoogleFailoverRunbooks,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_sql_database_instance.p',
    message: 'but no runbook in us-east1 promotes it',
    compliant: tf(database({ promote: workflow('us-east1', 'promotion') }), T2),
    // A runbook in the primary region is lost with it.
    nonCompliant: tf(database({ promote: workflow('us-central1', 'promotion') }), T2),
  },
  {
    rule: GoogleFailoverRunbooks,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_region_autoscaler.standby',
    message: "runs 0 of the primary's 2 instances and no runbook in us-east1 raises its minimum",
    compliant: tf(pilotLightFleets({ scale: workflow('us-east1', 'scale-up') }), T2),
    nonCompliant: tf(pilotLightFleets({ failback: workflow('us-east1') }), T2),
  },
  {
    rule: GoogleZoneDrill,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'has no zone drill in app',
    compliant: tf(
      zonalFleet({
        google_pubsub_subscription: { stop: { name: 'slo-alerts', topic: 'projects/p/topics/slo' } },
        google_workflows_workflow: {
          drill: drill({ HA_STOP_SUBSCRIPTION: '${google_pubsub_subscription.stop.id}' }),
        },
      }),
      T1,
    ),
    nonCompliant: tf(zonalFleet({}), T1),
  },
  {
    rule: GoogleZoneDrill,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'that no subscription stops',
    compliant: tf(
      zonalFleet({
        google_pubsub_subscription: { stop: { name: 'slo-alerts', topic: 'projects/p/topics/slo' } },
        google_workflows_workflow: {
          drill: drill({ HA_STOP_SUBSCRIPTION: '${google_pubsub_subscription.stop.id}' }),
        },
      }),
      T1,
    ),
    nonCompliant: tf(zonalFleet({ google_workflows_workflow: { drill: drill({}) } }), T1),
  },
  {
    rule: GoogleRegionDrill,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'has no region drill: add a RegionSwitchoverDrill',
    // On the 15th of each quarter's first month: at most 92 days apart, TIER_2's interval.
    compliant: tf(regionDrilled(true, ['0 9 15 1,4,7,10 *']), T2),
    nonCompliant: tf(regionDrilled(false, []), T2),
  },
  {
    rule: GoogleRegionDrill,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'runs only when someone starts it',
    compliant: tf(regionDrilled(true, ['0 10 * * TUE']), T2),
    nonCompliant: tf(regionDrilled(true, []), T2),
  },
  {
    rule: GoogleRegionDrill,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: "schedule '0 9 15 1,7 *' runs up to 184 days apart, longer than TIER_2's drill interval of 92 days",
    // A second, sparser schedule does not spoil one within the interval.
    compliant: tf(regionDrilled(true, ['0 9 15 1,7 *', '0 9 1 * *']), T2),
    nonCompliant: tf(regionDrilled(true, ['0 9 15 1,7 *']), T2),
  },
  {
    rule: GoogleRegionDrill,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'reads no stop subscription',
    compliant: tf(regionDrilled(true, ['0 9 15 1,4,7,10 *']), T2),
    nonCompliant: tf(regionDrilled(true, ['0 9 15 1,4,7,10 *'], false), T2),
  },
  {
    rule: GoogleRegionDrill,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'has no region drill',
    // A dual-region bucket fails over by itself: with no database or fleet there is nothing to rehearse.
    compliant: tf(
      {
        google_storage_bucket: {
          assets: {
            name: 'shop-assets',
            location: 'US',
            custom_placement_config: { data_locations: ['US-CENTRAL1', 'US-EAST1'] },
          },
        },
        google_compute_subnetwork: {
          a: { name: 'a', region: 'us-central1', ip_cidr_range: '10.0.0.0/20', network: 'n' },
          b: { name: 'b', region: 'us-east1', ip_cidr_range: '10.1.0.0/20', network: 'n' },
        },
      },
      T2,
    ),
    nonCompliant: tf(regionDrilled(false, []), T2),
  },
];
