import { ServiceTier } from '../../../lib/core';
import { RegionalFleet } from '../../../lib/tf/google/fleet';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { ZoneEvacuationDrill, ZoneEvacuationDrillProps } from '../../../lib/tf/google/zone-drill';
import { resourcesOf, TerraformJson, terraformJson, testStack } from './util';

const TOPIC = 'projects/shop-prod/topics/catalog-slo-alerts';
const SLO = 'projects/shop-prod/services/catalog/serviceLevelObjectives/availability';

function drill(props: Partial<ZoneEvacuationDrillProps> = {}) {
  const stack = testStack();
  const tier = ServiceTier.TIER_1;
  const network = new RegionalNetwork(stack, 'Network', { tier, regions: ['europe-west1', 'europe-west4'] });
  const fleet = new RegionalFleet(stack, 'Fleet', {
    tier,
    network,
    region: 'europe-west1',
    zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
  });
  const construct = new ZoneEvacuationDrill(stack, 'ZoneDrill', {
    tier,
    fleet,
    zone: 'europe-west1-b',
    backendServiceName: 'catalog-backend',
    stopTopicId: TOPIC,
    sloName: SLO,
    ...props,
  });
  return { stack, construct };
}

const ref = (type: string, name: string, attribute: string) =>
  expect.stringMatching(new RegExp(`^\\$\\{${type}\\.${name}_\\w+\\.${attribute}\\}$`));

describe('ZoneEvacuationDrill (TIER_1), scheduled', () => {
  let json: TerraformJson;
  beforeAll(() => {
    json = terraformJson(drill({ schedule: '0 10 * * TUE', timeZone: 'Europe/Brussels' }).stack);
  });

  test('THEN a workflow in the fleet region, with its own key, account and call logging, reads its targets from references', () => {
    const [workflow] = Object.values(resourcesOf(json, 'google_workflows_workflow'));
    expect(workflow).toEqual(
      expect.objectContaining({
        region: 'europe-west1',
        call_log_level: 'LOG_ALL_CALLS',
        crypto_key_name: ref('google_kms_crypto_key', 'ZoneDrill_Key', 'id'),
        service_account: ref('google_service_account', 'ZoneDrill_Account', 'email'),
        user_env_vars: {
          HA_GROUP: ref('google_compute_region_instance_group_manager', 'Fleet', 'name'),
          HA_INSTANCE_GROUP: ref('google_compute_region_instance_group_manager', 'Fleet', 'instance_group'),
          HA_REGION: 'europe-west1',
          HA_ZONE: 'europe-west1-b',
          HA_DRILL_TAG: expect.stringMatching(/^zonedrill-zoneout-\w+$/),
          HA_BACKEND_SERVICE: 'catalog-backend',
          HA_STOP_SUBSCRIPTION: ref('google_pubsub_subscription', 'ZoneDrill_StopSubscription', 'id'),
          HA_SLO: SLO,
        },
      }),
    );
    expect(workflow.source_contents).not.toMatch(/[^$]\$\{/);
  });

  test('THEN every variable the definition reads is in its environment, and every jump lands on a step', () => {
    const [workflow] = Object.values(resourcesOf(json, 'google_workflows_workflow'));
    const source = workflow.source_contents as string;
    const read = [...source.matchAll(/sys\.get_env\(\\"(\w+)\\"\)/g)].map((m) => m[1]);
    const given = [
      'GOOGLE_CLOUD_PROJECT_ID',
      'GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID',
      ...Object.keys(workflow.user_env_vars as object),
    ];
    expect(read.length).toBeGreaterThan(5);
    expect(read.filter((v) => !given.includes(v))).toEqual([]);
    const steps = new Set(
      [...source.matchAll(/"(\w+)": \{\n\s+"(?:assign|call|switch|return|raise|next|try|for)"/g)].map((m) => m[1]),
    );
    const jumps = [...source.matchAll(/"next": "(\w+)"/g)].map((m) => m[1]);
    expect(jumps).toEqual(expect.arrayContaining(['endFault', 'readAlerts', 'continue']));
    expect(jumps.filter((j) => !steps.has(j) && j !== 'continue')).toEqual([]);
  });

  test("THEN the fault is a DENY rule for the load balancer's ranges on the drill's tag, above the fleet's allow rule", () => {
    const rules = Object.values(resourcesOf(json, 'google_compute_firewall'));
    const deny = rules.find((r) => r.deny !== undefined)!;
    const allow = rules.find((r) => r.allow !== undefined)!;
    expect(deny).toEqual(
      expect.objectContaining({
        direction: 'INGRESS',
        priority: 100,
        source_ranges: ['35.191.0.0/16', '130.211.0.0/22'],
        deny: [{ protocol: 'tcp' }],
        network: allow.network,
      }),
    );
    // Only instances the drill tags: none, until it runs.
    expect(deny.target_tags).toEqual([
      (Object.values(resourcesOf(json, 'google_workflows_workflow'))[0].user_env_vars as Record<string, string>)
        .HA_DRILL_TAG,
    ]);
    expect(deny.priority as number).toBeLessThan((allow.priority as number | undefined) ?? 1000);
  });

  test('THEN the stop condition is a subscription of the SLO alerts topic, readable by the drill alone', () => {
    const [subscription] = Object.values(resourcesOf(json, 'google_pubsub_subscription'));
    expect(subscription).toEqual(expect.objectContaining({ topic: TOPIC, expiration_policy: { ttl: '' } }));
    const [reader] = Object.values(resourcesOf(json, 'google_pubsub_subscription_iam_member'));
    expect(reader).toEqual(
      expect.objectContaining({
        role: 'roles/pubsub.subscriber',
        member: ref('google_service_account', 'ZoneDrill_Account', 'member'),
      }),
    );
  });

  test('THEN the account may tag instances, suspend and restore repair in the group, read the load balancer and the budget, and nothing else', () => {
    const [role] = Object.values(resourcesOf(json, 'google_project_iam_custom_role'));
    expect(role.permissions).toEqual([
      'compute.backendServices.get',
      'compute.instanceGroupManagers.get',
      'compute.instanceGroupManagers.update',
      'compute.instances.get',
      'compute.instances.setTags',
      'compute.regionOperations.get',
      'compute.zoneOperations.get',
      'monitoring.timeSeries.list',
    ]);
    const roles = Object.values(resourcesOf(json, 'google_project_iam_member'))
      .filter((g) => String(g.member).includes('ZoneDrill_Account'))
      .map((g) => g.role);
    expect(roles).toEqual([ref('google_project_iam_custom_role', 'ZoneDrill_Role', 'name'), 'roles/logging.logWriter']);
  });

  test('THEN Cloud Scheduler starts an execution on schedule, once, as an account that may only invoke workflows', () => {
    const [job] = Object.values(resourcesOf(json, 'google_cloud_scheduler_job'));
    expect(job).toEqual(
      expect.objectContaining({
        schedule: '0 10 * * TUE',
        time_zone: 'Europe/Brussels',
        region: 'europe-west1',
        retry_config: { retry_count: 0 },
      }),
    );
    expect((job.http_target as { uri: string }).uri).toMatch(
      /^https:\/\/workflowexecutions\.googleapis\.com\/v1\/\$\{google_workflows_workflow\.ZoneDrill_\w+\.id\}\/executions$/,
    );
    const invoker = Object.values(resourcesOf(json, 'google_project_iam_member')).filter((g) =>
      String(g.member).includes('ZoneDrill_ScheduleAccount'),
    );
    expect(invoker.map((g) => g.role)).toEqual(['roles/workflows.invoker']);
  });
});

describe('ZoneEvacuationDrill refuses', () => {
  test.each<[Partial<ZoneEvacuationDrillProps>, RegExp]>([
    [
      { zone: 'europe-west1-a' },
      /^zone must be one of the fleet's zones \(europe-west1-b, europe-west1-c, europe-west1-d\), got: europe-west1-a/,
    ],
    [{ durationMinutes: 1 }, /^durationMinutes must let the service recover within TIER_1's AZ RTO of 120 s, got: 1/],
    [{ schedule: 'weekly' }, /^schedule must be a cron expression of five fields/],
  ])('%j', (props, message) => {
    expect(() => drill(props)).toThrow(message);
  });

  test('WHEN no schedule is given THEN nothing runs it on its own', () => {
    expect(resourcesOf(terraformJson(drill().stack), 'google_cloud_scheduler_job')).toEqual({});
  });
});

describe("ZoneEvacuationDrill behind a regional load balancer (RegionalEntry's)", () => {
  test("THEN it reads the regional backend's health, and its rule also blocks the proxy-only subnet", () => {
    const json = terraformJson(
      drill({
        backendServiceName: 'catalog-backend-europe-west1',
        regionalBackendService: true,
        proxySourceRanges: ['10.129.0.0/23'],
      }).stack,
    );
    const [workflow] = Object.values(resourcesOf(json, 'google_workflows_workflow'));
    const definition = JSON.parse(workflow.source_contents as string) as Record<string, unknown>;
    expect(JSON.stringify(definition)).toContain(
      // Terraform escapes the workflow's own expressions as $${...}.
      '"readHealth":{"call":"googleapis.compute.v1.regionBackendServices.getHealth","args":{"project":"$${project}","region":"$${region}"',
    );
    const [role] = Object.values(resourcesOf(json, 'google_project_iam_custom_role'));
    expect(role.permissions).toContain('compute.regionBackendServices.get');
    expect(role.permissions).not.toContain('compute.backendServices.get');
    const deny = Object.values(resourcesOf(json, 'google_compute_firewall')).find((f) => f.deny !== undefined)!;
    // Its health checks come from Google's ranges, its traffic from its proxies in the region.
    expect(deny.source_ranges).toEqual(['35.191.0.0/16', '130.211.0.0/22', '10.129.0.0/23']);
  });
});
