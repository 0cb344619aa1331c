import { HaValidationError, HaRole, ServiceTier } from '../../../lib/core';
import { HaCloudSql } from '../../../lib/tf/google/database';
import { HaGkeCluster } from '../../../lib/tf/google/gke-cluster';
import { RegionalFleet } from '../../../lib/tf/google/fleet';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { RegionSwitchoverDrill, RegionSwitchoverDrillProps } from '../../../lib/tf/google/region-switchover-drill';
import { FailoverTrigger, FailoverWorkflows } from '../../../lib/tf/google/runbooks';
import { resourcesOf, TerraformJson, terraformJson, testStack, warningsOf } from './util';

const PRIMARY = 'europe-west1';
const STANDBY = 'europe-west4';
const TOPIC = 'projects/shop-prod/topics/catalog-slo-alerts-europe-west4';
const SLO = 'projects/shop-prod/services/catalog/serviceLevelObjectives/availability';

/** A TIER_2 pilot light with its runbooks, and the region drill of `props`. */
function drilled(props: Partial<RegionSwitchoverDrillProps> = {}) {
  const stack = testStack();
  const tier = ServiceTier.TIER_2;
  const service = 'catalog';
  const network = new RegionalNetwork(stack, 'Network', { tier, service, regions: [PRIMARY, STANDBY] });
  const fleet = (id: string, region: string, role: HaRole) =>
    new RegionalFleet(stack, id, { tier, service, network, region, role, zones: [`${region}-b`, `${region}-c`] });
  const primaryFleet = fleet('Primary', PRIMARY, HaRole.PRIMARY);
  const standbyFleet = fleet('Standby', STANDBY, HaRole.STANDBY);
  const database = new HaCloudSql(stack, 'Database', {
    tier,
    service,
    network,
    region: PRIMARY,
    replicaRegion: STANDBY,
    replicaLagAccepted: 'the lag alert pages at the region RPO; the catalogue is rebuilt from the feed',
    designateDrReplica: true,
  });
  const runbooks = new FailoverWorkflows(stack, 'Runbooks', {
    tier,
    service,
    database,
    primaryFleet,
    standbyFleet,
    trigger: FailoverTrigger.operator(900),
  });
  const drill = new RegionSwitchoverDrill(stack, 'RegionDrill', {
    tier,
    service,
    runbooks,
    primaryFleet,
    standbyFleet,
    backendServiceName: 'catalog-backend',
    serviceUrl: 'https://catalog.example.com/health/ready',
    stopTopicId: TOPIC,
    sloName: SLO,
    ...props,
  });
  return { stack, drill };
}

const ref = (type: string, name: string, attribute: string) =>
  expect.stringMatching(new RegExp(`^\\$\\{${type}\\.${name}_\\w+\\.${attribute}\\}$`));
const member = (name: string) => ref('google_service_account', name, 'member');

describe('RegionSwitchoverDrill (TIER_2 pilot light), scheduled quarterly', () => {
  let json: TerraformJson;
  let drill: RegionSwitchoverDrill;
  beforeAll(() => {
    const built = drilled({ schedule: '0 9 15 1,4,7,10 *', timeZone: 'Europe/Brussels' });
    json = terraformJson(built.stack);
    drill = built.drill;
  });
  const workflow = () =>
    Object.entries(resourcesOf(json, 'google_workflows_workflow')).find(([n]) => n.startsWith('RegionDrill_'))![1];

  test('THEN a workflow in the standby region, with its own key and account, runs the runbooks it refers to', () => {
    expect(drill.holdMinutes).toBe(60);
    expect(drill.measuredSteps).toEqual(['promotion', 'scale-up']);
    expect(workflow()).toEqual(
      expect.objectContaining({
        region: STANDBY,
        call_log_level: 'LOG_ALL_CALLS',
        crypto_key_name: ref('google_kms_crypto_key', 'RegionDrill_Key', 'id'),
        service_account: ref('google_service_account', 'RegionDrill_Account', 'email'),
        user_env_vars: {
          HA_RUNBOOKS_REGION: STANDBY,
          HA_PROMOTION_WORKFLOW: ref('google_workflows_workflow', 'Runbooks_Promotion', 'name'),
          HA_SCALE_UP_WORKFLOW: ref('google_workflows_workflow', 'Runbooks_ScaleUp', 'name'),
          HA_FAILBACK_WORKFLOW: ref('google_workflows_workflow', 'Runbooks_Failback', 'name'),
          HA_BACKEND_SERVICE: 'catalog-backend',
          HA_PRIMARY_INSTANCE_GROUPS: ref('google_compute_region_instance_group_manager', 'Primary', 'instance_group'),
          HA_STANDBY_INSTANCE_GROUPS: ref('google_compute_region_instance_group_manager', 'Standby', 'instance_group'),
          HA_SERVING_MIN_INSTANCES: '2',
          HA_SERVICE_URL: 'https://catalog.example.com/health/ready',
          HA_STOP_SUBSCRIPTION: ref('google_pubsub_subscription', 'RegionDrill_StopSubscription', 'id'),
          HA_SLO: SLO,
        },
      }),
    );
    const [key] = Object.values(resourcesOf(json, 'google_kms_key_ring')).filter((r) =>
      String(r.name).startsWith('regiondrill'),
    );
    expect(key.location).toBe(STANDBY);
  });

  test('THEN the definition reads only its environment and Workflows’ built-ins, and Terraform interpolates none of it', () => {
    const source = workflow().source_contents as string;
    expect(source).not.toMatch(/[^$]\$\{/);
    const read = new Set([...source.matchAll(/sys\.get_env\(\\"(\w+)\\"\)/g)].map((m) => m[1]));
    const builtIns = ['GOOGLE_CLOUD_PROJECT_ID', 'GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID', 'GOOGLE_CLOUD_WORKFLOW_ID'];
    const given = [...builtIns, ...Object.keys(workflow().user_env_vars as object)];
    expect([...read].filter((v) => !given.includes(v))).toEqual([]);
    expect(Object.keys(workflow().user_env_vars as object).filter((v) => !read.has(v))).toEqual([]);
  });

  test('THEN its account may start workflows, drain a backend and read, and touches no database: the runbooks do', () => {
    const grants = Object.entries(json.resource)
      .filter(([type]) => type.endsWith('_iam_member'))
      .flatMap(([type, byName]) =>
        Object.entries(byName)
          .filter(([name]) => name.startsWith('RegionDrill_'))
          .map(([, r]) => [type, r.role, r.member]),
      );
    expect(grants).toEqual(
      expect.arrayContaining([
        [
          'google_project_iam_member',
          ref('google_project_iam_custom_role', 'RegionDrill_Role', 'name'),
          member('RegionDrill_Account'),
        ],
        ['google_project_iam_member', 'roles/logging.logWriter', member('RegionDrill_Account')],
        ['google_pubsub_subscription_iam_member', 'roles/pubsub.subscriber', member('RegionDrill_Account')],
        ['google_project_iam_member', 'roles/workflows.invoker', member('RegionDrill_ScheduleAccount')],
      ]),
    );
    // And the key: only Workflows' service agent encrypts with it.
    expect(grants).toContainEqual([
      'google_kms_crypto_key_iam_member',
      'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      expect.stringMatching(/^serviceAccount:service-\$\{data\.google_project\.\w+\.number\}@gcp-sa-workflows\./),
    ]);
    expect(grants).toHaveLength(5);
    const [role] = Object.values(resourcesOf(json, 'google_project_iam_custom_role')).filter((r) =>
      String(r.title).startsWith('Region drill'),
    );
    expect(role.permissions).toEqual([
      'compute.backendServices.get',
      'compute.backendServices.update',
      'compute.globalOperations.get',
      'compute.instanceGroups.use',
      'monitoring.timeSeries.list',
      'workflows.executions.create',
      'workflows.executions.get',
    ]);
  });

  test('THEN Cloud Scheduler starts it in the standby region, once, with no retry', () => {
    const [job] = Object.values(resourcesOf(json, 'google_cloud_scheduler_job'));
    expect(job).toEqual(
      expect.objectContaining({
        region: STANDBY,
        schedule: '0 9 15 1,4,7,10 *',
        time_zone: 'Europe/Brussels',
        retry_config: { retry_count: 0 },
      }),
    );
    expect((job.http_target as { uri: string }).uri).toMatch(/\$\{google_workflows_workflow\.RegionDrill_\w+\.id\}/);
  });
});

describe('RegionSwitchoverDrill, refused and warned', () => {
  test('GIVEN holdMinutes 0 THEN the error names the prop, the value and what is allowed', () => {
    expect(() => drilled({ holdMinutes: 0 })).toThrow(HaValidationError);
    expect(() => drilled({ holdMinutes: 0 })).toThrow(/holdMinutes must be a whole number from 1 to 720, got: 0/);
  });

  test('GIVEN a half-yearly schedule THEN a warning says its measurements go stale between runs', () => {
    const { drill } = drilled({ schedule: '0 9 1 1,7 *' });
    expect(warningsOf(drill)).toEqual([
      expect.stringMatching(
        /^\[ha-constructs:RegionSwitchoverDrill\.schedule\] schedule 0 9 1 1,7 \* runs up to 184 days/,
      ),
    ]);
  });
});

/** A TIER_1 service on GKE in two regions, a Cloud SQL DR replica, its promotion runbook and the region drill. */
function drilledOnGke(
  sizes: { standbyNodes?: number; standbyPods?: number } = {},
  props: Partial<RegionSwitchoverDrillProps> = {},
) {
  const stack = testStack();
  const tier = ServiceTier.TIER_1;
  const service = 'ledger';
  const [primary, standby] = ['us-east4', 'us-central1'];
  const network = new RegionalNetwork(stack, 'Network', { tier, service, regions: [primary, standby] });
  const cluster = (id: string, region: string, role: HaRole, standbyNodes?: number) =>
    new HaGkeCluster(stack, id, {
      tier,
      service,
      role,
      network,
      region,
      zones: ['a', 'b', 'c'].map((z) => `${region}-${z}`),
      requiredNodes: 6,
      standbyNodes,
    });
  const primaryCluster = cluster('ClusterPrimary', primary, HaRole.PRIMARY);
  const standbyCluster = cluster('ClusterStandby', standby, HaRole.STANDBY, sizes.standbyNodes ?? 9);
  const database = new HaCloudSql(stack, 'Database', {
    tier,
    service,
    network,
    region: primary,
    replicaRegion: standby,
    replicaLagAccepted: 'the lag alert pages at the region RPO',
    designateDrReplica: true,
  });
  const runbooks = new FailoverWorkflows(stack, 'Runbooks', {
    tier,
    service,
    database,
    trigger: FailoverTrigger.operator(300),
  });
  const drill = new RegionSwitchoverDrill(stack, 'RegionDrill', {
    tier,
    service,
    runbooks,
    primaryCluster: { cluster: primaryCluster, workload: { replicas: 9 } },
    standbyCluster: { cluster: standbyCluster, workload: { replicas: sizes.standbyPods ?? 9 } },
    backendServiceName: 'ledger-backend',
    serviceUrl: 'https://ledger.example.com/health/ready',
    stopTopicId: TOPIC,
    sloName: SLO,
    schedule: '0 10 15 2,5,8,11 *',
    ...props,
  });
  return { stack, drill, json: terraformJson(stack) };
}

describe('RegionSwitchoverDrill on GKE: a same-size standby cluster, the promotion timed', () => {
  const { drill, json } = drilledOnGke();
  const [workflow] = Object.entries(resourcesOf(json, 'google_workflows_workflow'))
    .filter(([n]) => n.startsWith('RegionDrill_'))
    .map(([, r]) => r);
  const env = workflow.user_env_vars as Record<string, string>;

  test('THEN it drains every zone group of the primary node pool and serves from every one of the standby', () => {
    expect(drill.measuredSteps).toEqual(['promotion']);
    expect(env.HA_PRIMARY_INSTANCE_GROUPS).toMatch(
      /^\$\{join\(",", google_container_node_pool\.ClusterPrimary_NodePool_\w+\.managed_instance_group_urls\)\}$/,
    );
    expect(env.HA_STANDBY_INSTANCE_GROUPS).toMatch(/google_container_node_pool\.ClusterStandby_NodePool_\w+\./);
    // No fleet to scale: the runbooks promote and fail back, nothing else.
    expect(env).not.toHaveProperty('HA_SCALE_UP_WORKFLOW');
    expect(env.HA_PROMOTION_WORKFLOW).toEqual(ref('google_workflows_workflow', 'Runbooks_Promotion', 'name'));
    expect(workflow.description).toMatch(/^Region drill: switches the database over to us-central1, serves from/);
    expect(workflow.description).not.toMatch(/scales/);
  });

  test('THEN the standby must show min(9 nodes, 9 pods) healthy nodes before the primary is drained', () => {
    expect(env.HA_SERVING_MIN_INSTANCES).toBe('9');
  });

  test('GIVEN a standby cluster smaller than the primary THEN it is refused: no runbook resizes a node pool', () => {
    expect(() => drilledOnGke({ standbyNodes: 3, standbyPods: 3 })).toThrow(HaValidationError);
    expect(() => drilledOnGke({ standbyNodes: 3, standbyPods: 3 })).toThrow(
      "standbyCluster must keep what the primary keeps (no runbook resizes a node pool or raises a workload's " +
        "minimum), got: 3 nodes and 3 pods for the primary's 9 and 9",
    );
  });

  test('GIVEN the primary cluster without the standby THEN it is refused: the drill needs both of a pair', () => {
    expect(() => drilledOnGke({}, { standbyCluster: undefined })).toThrow(
      /^standbyCluster must be given with primaryCluster, got: none/,
    );
  });
});
