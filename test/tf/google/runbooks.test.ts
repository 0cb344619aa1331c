import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { MonitoringUptimeCheckConfig } from '@cdktf/provider-google/lib/monitoring-uptime-check-config';
import { TerraformStack } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { checkInputs } from '../../../lib/checks/check';
import { CorroboratedPromotion } from '../../../lib/checks/rules';
import { FAILOVER_STEP_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { HaCloudSql } from '../../../lib/tf/google/database';
import { RegionalFleet } from '../../../lib/tf/google/fleet';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { GlobalFrontend } from '../../../lib/tf/google/frontend';
import { SloAlarms } from '../../../lib/tf/google/slo';
import { FailoverTrigger, FailoverWorkflows, FailoverWorkflowsProps } from '../../../lib/tf/google/runbooks';
import { resourcesOf, TerraformJson, terraformJson, testStack, warningsOf } from './util';

const PRIMARY = 'europe-west1';
const STANDBY = 'europe-west4';
const TOPIC = 'projects/shop-prod/topics/catalog-primary-down';
const CHECK_PASSED = 'metric.type="monitoring.googleapis.com/uptime_check/check_passed"';

/** A TIER_2 pilot light: a designated DR replica and a standby fleet at zero, and the runbooks of `props`. */
function pilotLight(
  stack: TerraformStack,
  props: Partial<FailoverWorkflowsProps> = {},
  designateDrReplica = true,
  activeRegion?: string,
) {
  const tier = props.tier ?? ServiceTier.TIER_2;
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
    designateDrReplica,
    activeRegion,
  });
  new GlobalFrontend(stack, 'Frontend', {
    tier,
    service: 'catalog',
    backends: [primaryFleet, standbyFleet],
    domains: ['catalog.example.com'],
  });
  return new FailoverWorkflows(stack, 'Runbooks', {
    tier,
    service: 'catalog',
    database,
    primaryFleet,
    standbyFleet,
    trigger: FailoverTrigger.alert(TOPIC),
    ...props,
  });
}

const ref = (type: string, name: string, attribute: string) =>
  expect.stringMatching(new RegExp(`^\\$\\{${type}\\.${name}_\\w+\\.${attribute}\\}$`));

describe('FailoverWorkflows started by an alert (TIER_2)', () => {
  let json: TerraformJson;
  let workflows: Record<string, Record<string, unknown>>;
  beforeAll(() => {
    const stack = testStack();
    pilotLight(stack);
    json = terraformJson(stack);
    workflows = Object.fromEntries(
      Object.entries(resourcesOf(json, 'google_workflows_workflow')).map(([name, w]) => [name.split('_')[1], w]),
    );
  });
  const definitionOf = (name: string) =>
    JSON.parse((workflows[name].source_contents as string).replace(/\$\$\{/g, '${')) as {
      main: { steps: Record<string, Record<string, unknown>>[] };
    };
  const step = (name: string, id: string): Record<string, unknown> =>
    JSON.parse(JSON.stringify(definitionOf(name)))
      .main.steps.flatMap(function flat(s: Record<string, Record<string, unknown>>): Record<string, unknown>[] {
        const [[key, body]] = Object.entries(s);
        const inner = ((body.switch as { steps?: Record<string, Record<string, unknown>>[] }[]) ?? []).flatMap(
          (c) => c.steps ?? [],
        );
        return [{ id: key, ...body }, ...inner.flatMap(flat)];
      })
      .find((s: { id: string }) => s.id === id);

  test('THEN the three runbooks run in the standby region, encrypted with a key there, every call logged', () => {
    expect(Object.keys(workflows)).toEqual(['Promotion', 'ScaleUp', 'Failback']);
    const [ring] = Object.values(resourcesOf(json, 'google_kms_key_ring')).filter((r) =>
      String(r.name).startsWith('runbooks-'),
    );
    expect(ring.location).toBe(STANDBY);
    for (const workflow of Object.values(workflows)) {
      expect(workflow).toEqual(
        expect.objectContaining({
          region: STANDBY,
          crypto_key_name: ref('google_kms_crypto_key', 'Runbooks_Key', 'id'),
          call_log_level: 'LOG_ALL_CALLS',
          // The key's grant to the Workflows service agent comes first.
          depends_on: expect.arrayContaining([expect.stringMatching(/^google_kms_crypto_key_iam_member\.Runbooks_/)]),
        }),
      );
    }
  });

  test('THEN each takes its inputs as references to the resources, not names', () => {
    expect(workflows.Promotion.user_env_vars).toEqual({
      HA_DR_REPLICA: ref('google_sql_database_instance', 'Database_Replica', 'name'),
    });
    expect(workflows.ScaleUp.user_env_vars).toEqual({
      HA_STANDBY_AUTOSCALER: ref('google_compute_region_autoscaler', 'Standby_Autoscaler', 'name'),
      HA_STANDBY_REGION: STANDBY,
      HA_STANDBY_GROUP: ref('google_compute_region_instance_group_manager', 'Standby', 'name'),
      HA_SERVING_MIN_INSTANCES: '2',
    });
    expect(workflows.Failback.user_env_vars).toEqual(
      expect.objectContaining({
        HA_PRIMARY_INSTANCE: ref('google_sql_database_instance', 'Database', 'name'),
        HA_STANDBY_MIN_INSTANCES: '0',
      }),
    );
  });

  test("THEN the definitions escape their expressions from Terraform's interpolation and call Cloud SQL's replica failover", () => {
    expect(workflows.Promotion.source_contents).not.toMatch(/[^$]\$\{/);
    expect(step('Promotion', 'replicaFailover')).toEqual(
      expect.objectContaining({
        call: 'googleapis.sqladmin.v1.instances.promoteReplica',
        args: expect.objectContaining({ failover: true, connector_params: { timeout: 3600 } }),
      }),
    );
    expect(step('Failback', 'switchBack')).toEqual(
      expect.objectContaining({ call: 'googleapis.sqladmin.v1.instances.switchover' }),
    );
    expect(step('ScaleUp', 'patchAutoscaler')).toEqual(
      expect.objectContaining({ call: 'googleapis.compute.v1.regionAutoscalers.patch' }),
    );
  });

  test('THEN every variable a definition reads is in its environment, and every jump lands on a step', () => {
    for (const [name, workflow] of Object.entries(workflows)) {
      const source = workflow.source_contents as string;
      const read = [...source.matchAll(/sys\.get_env\(\\"(\w+)\\"\)/g)].map((m) => m[1]);
      const given = ['GOOGLE_CLOUD_PROJECT_ID', ...Object.keys(workflow.user_env_vars as object)];
      expect(read.length).toBeGreaterThan(1);
      expect([name, read.filter((v) => !given.includes(v))]).toEqual([name, []]);
      const steps = new Set(
        [...source.matchAll(/"(\w+)": \{\n\s+"(?:assign|call|switch|return|raise|next|try|for)"/g)].map((m) => m[1]),
      );
      const jumps = [...source.matchAll(/"next": "(\w+)"/g)].map((m) => m[1]);
      expect(steps.size).toBeGreaterThan(3);
      expect([name, jumps.filter((j) => !steps.has(j) && j !== 'continue' && j !== 'break')]).toEqual([name, []]);
    }
  });

  test('THEN the promotion and the scale-up record that an alert starts them; the failback records nothing', () => {
    const recorded = Object.values(workflows).map(
      (w) => (w['//'] as Record<string, unknown>)?.[FAILOVER_STEP_METADATA_KEY],
    );
    expect(recorded).toEqual([
      { step: 'promotion', startedBy: 'alarm', decisionSeconds: 0 },
      { step: 'scale-up', startedBy: 'alarm', decisionSeconds: 0 },
      undefined,
    ]);
  });

  test('THEN an Eventarc trigger on the alert channel topic starts each of the two, as an account that may do only that', () => {
    const triggers = Object.values(resourcesOf(json, 'google_eventarc_trigger'));
    expect(triggers.map((t) => [t.location, (t.transport as { pubsub: { topic: string } }).pubsub.topic])).toEqual([
      [STANDBY, TOPIC],
      [STANDBY, TOPIC],
    ]);
    expect(triggers.map((t) => (t.destination as { workflow: string }).workflow)).toEqual([
      ref('google_workflows_workflow', 'Runbooks_Promotion', 'id'),
      ref('google_workflows_workflow', 'Runbooks_ScaleUp', 'id'),
    ]);
    const account = ref('google_service_account', 'Runbooks_TriggerAccount', 'member');
    const roles = Object.values(resourcesOf(json, 'google_project_iam_member'))
      .filter((g) => String(g.member).includes('Runbooks_TriggerAccount'))
      .map((g) => g.role);
    expect(roles.sort()).toEqual(['roles/eventarc.eventReceiver', 'roles/workflows.invoker']);
    expect(triggers[0].service_account).toEqual(ref('google_service_account', 'Runbooks_TriggerAccount', 'email'));
    expect(account).toBeDefined();
  });

  test('THEN each workflow has its own account with only what it calls: Cloud SQL on the two instances (reading its operations project-wide), the scaling role', () => {
    const grants = Object.values(resourcesOf(json, 'google_project_iam_member'));
    const rolesOf = (name: string) =>
      grants
        .filter((g) => String(g.member).includes(`Runbooks_${name}Account`))
        .map((g) => [g.role, (g.condition as { expression?: string } | undefined)?.expression ?? 'project'])
        .sort();
    const onTwoInstances = expect.stringMatching(
      /^resource\.type == 'sqladmin\.googleapis\.com\/Instance' && \(resource\.name == .*Database_\w+\.name\}' \|\| resource\.name == .*Database_Replica_\w+\.name\}'\)$/,
    );
    const scaling = ref('google_project_iam_custom_role', 'Runbooks_ScalingRole', 'name');
    expect(rolesOf('Promotion')).toEqual([
      ['roles/cloudsql.admin', onTwoInstances],
      ['roles/cloudsql.viewer', 'project'],
      ['roles/logging.logWriter', 'project'],
    ]);
    expect(rolesOf('ScaleUp')).toEqual([
      [scaling, 'project'],
      ['roles/logging.logWriter', 'project'],
    ]);
    expect(rolesOf('Failback')).toHaveLength(4);
    const [role] = Object.values(resourcesOf(json, 'google_project_iam_custom_role'));
    expect(role.permissions).toEqual([
      'compute.autoscalers.get',
      'compute.autoscalers.update',
      'compute.instanceGroupManagers.get',
      'compute.instanceGroupManagers.use',
      'compute.regionOperations.get',
    ]);
  });

  test('THEN Terraform leaves the standby autoscaler minimum to the runbooks, and the primary one to itself', () => {
    const autoscalers = resourcesOf(json, 'google_compute_region_autoscaler');
    const lifecycle = (prefix: string) =>
      Object.entries(autoscalers).find(([name]) => name.startsWith(prefix))![1].lifecycle;
    expect(lifecycle('Standby')).toEqual({ ignore_changes: ['autoscaling_policy[0].min_replicas'] });
    expect(lifecycle('Primary')).toBeUndefined();
  });
});

describe('FailoverWorkflows started by a person', () => {
  test('THEN no trigger is built, and the steps record the stated decision time', () => {
    const stack = testStack();
    pilotLight(stack, { trigger: FailoverTrigger.operator(900) });
    const json = terraformJson(stack);
    expect(resourcesOf(json, 'google_eventarc_trigger')).toEqual({});
    expect(
      Object.values(resourcesOf(json, 'google_workflows_workflow')).map(
        (w) =>
          (w['//'] as Record<string, { startedBy: string; decisionSeconds: number }>)?.[FAILOVER_STEP_METADATA_KEY],
      ),
    ).toEqual([
      { step: 'promotion', startedBy: 'operator', decisionSeconds: 900 },
      { step: 'scale-up', startedBy: 'operator', decisionSeconds: 900 },
      undefined,
    ]);
  });
});

describe('FailoverWorkflows the day after a failover', () => {
  test('WHEN the database is deployed with its replica region active THEN every runbook stays as it was: same region, same inputs', () => {
    const [before, after] = [undefined, STANDBY].map((activeRegion) => {
      const stack = testStack();
      pilotLight(stack, {}, true, activeRegion);
      return resourcesOf(terraformJson(stack), 'google_workflows_workflow');
    });
    // The apply that records the failover replaces no runbook and changes none of them.
    expect(after).toEqual(before);
  });
});

describe('FailoverWorkflows refuses', () => {
  test.each<[string, Partial<FailoverWorkflowsProps>, boolean, RegExp]>([
    [
      'a database with no designated DR replica (its first apply)',
      {},
      false,
      /^database must designate its replica as DR replica \(designateDrReplica: true, after the first apply\)/,
    ],
    [
      'runbooks in the primary region, lost with it',
      { region: PRIMARY },
      true,
      /^region must be the standby region: a runbook in the primary region europe-west1 is lost with it, got: europe-west1/,
    ],
    [
      'a decision time of zero',
      { trigger: FailoverTrigger.operator(0) },
      true,
      /^trigger decisionSeconds must be longer than 0, got: 0/,
    ],
  ])('%s', (_, props, designated, message) => {
    expect(() => pilotLight(testStack(), props, designated)).toThrow(message);
  });
});

describe('the report, when an alert starts the runbooks', () => {
  /** The pilot light with an alert that notifies the runbooks' topic through a Pub/Sub channel. */
  function reportWith(condition: Record<string, unknown>) {
    const stack = testStack();
    const channel = new MonitoringNotificationChannel(stack, 'PrimaryDown', {
      displayName: 'primary region down',
      type: 'pubsub',
      labels: { topic: TOPIC },
    });
    new MonitoringAlertPolicy(stack, 'PrimaryDownAlert', {
      displayName: 'europe-west1 unreachable',
      combiner: 'OR',
      conditions: [{ displayName: 'uptime', ...condition }],
      notificationChannels: [channel.id],
    });
    pilotLight(stack, { service: 'catalog' });
    invokeAspects(stack);
    const json = terraformJson(stack) as unknown as Record<string, unknown>;
    const [service] = checkInputs({ terraform: [{ name: stack.node.id, json }] }).services;
    const steps = service.derivation.filter((s) => s.quantity === 'regionRto');
    return steps;
  }
  const uptime = (duration: string) => ({
    conditionThreshold: {
      filter: 'metric.type="monitoring.googleapis.com/uptime_check/check_passed"',
      comparison: 'COMPARISON_GT',
      duration,
      aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_NEXT_OLDER' }],
    },
  });

  test.each([
    [
      '300s',
      /once it has evaluated 360 s of failure, plus the time Cloud Monitoring takes to publish the notification/,
    ],
    ['${var.window}', /its evaluation time is not literal in the templates/],
  ])(
    'WHEN the alert waits %s THEN the decision names the window and stays unknown: Google publishes no delivery time',
    (duration, basis) => {
      const decision = reportWith(uptime(duration)).find((s) => s.basis.startsWith('an alert'));
      expect(decision?.value).toBeUndefined();
      expect(decision).toEqual(
        expect.objectContaining({
          resource: expect.stringMatching(/PrimaryDownAlert/),
          basis: expect.stringMatching(basis),
        }),
      );
    },
  );
});

describe('FailoverWorkflows started by an alert: the evidence behind it', () => {
  /**
   * An uptime check of the primary region from `regions` (none: all), and an alert counting `above`
   * failing locations that notifies the runbooks' topic through a Pub/Sub channel.
   */
  function primaryDown(stack: TerraformStack, above: number, regions?: string[]) {
    const channel = new MonitoringNotificationChannel(stack, 'Failover', {
      displayName: 'fail over',
      type: 'pubsub',
      labels: { topic: TOPIC },
    });
    const check = new MonitoringUptimeCheckConfig(stack, 'PrimaryUptime', {
      displayName: 'catalog in europe-west1',
      timeout: '10s',
      httpCheck: { path: '/health/ready', port: 443, useSsl: true, validateSsl: true },
      monitoredResource: { type: 'uptime_url', labels: { project_id: 'shop-prod', host: 'europe-west1.example.com' } },
      selectedRegions: regions,
    });
    const policy = new MonitoringAlertPolicy(stack, 'PrimaryDownAlert', {
      displayName: 'europe-west1 unreachable',
      combiner: 'OR',
      conditions: [
        {
          displayName: 'fails from more than one location',
          conditionThreshold: {
            filter: `${CHECK_PASSED} AND metric.label.check_id="${check.uptimeCheckId}"`,
            aggregations: [
              {
                alignmentPeriod: '60s',
                perSeriesAligner: 'ALIGN_NEXT_OLDER',
                crossSeriesReducer: 'REDUCE_COUNT_FALSE',
                groupByFields: ['resource.label.*'],
              },
            ],
            comparison: 'COMPARISON_GT',
            thresholdValue: above,
            duration: '60s',
          },
        },
      ],
      notificationChannels: [channel.id],
    });
    return { check, policy };
  }

  test('GIVEN the policies count more than one failing location THEN no warning, and HA-DR10 agrees', () => {
    const stack = testStack();
    const { check, policy } = primaryDown(stack, 1);
    const runbooks = pilotLight(stack, {
      trigger: FailoverTrigger.alert(TOPIC, { alertPolicies: [policy], uptimeChecks: [check] }),
    });
    expect(warningsOf(runbooks)).toEqual([]);
    const json = terraformJson(stack) as unknown as Record<string, unknown>;
    const checked = checkInputs({ terraform: [{ name: stack.node.id, json }] }, { rules: [CorroboratedPromotion] });
    expect([checked.findings, checked.unchecked ?? []]).toEqual([[], []]);
  });

  test.each<[string, (stack: TerraformStack) => FailoverTrigger, RegExp]>([
    [
      'no policy',
      () => FailoverTrigger.alert(TOPIC),
      /^\[ha-constructs:FailoverWorkflows\.trigger\] trigger is an alert on \S+ whose policies the construct cannot see/,
    ],
    [
      'a policy that one failing location opens',
      (stack) => FailoverTrigger.alert(TOPIC, { alertPolicies: [primaryDown(stack, 0).policy] }),
      /trigger alert \w+\/PrimaryDownAlert opens when 1 checker location fails: one vantage point's path decides/,
    ],
    [
      'a policy that needs more failing locations than its check has checkers',
      (stack) => {
        const { check, policy } = primaryDown(stack, 3, ['EUROPE', 'SOUTH_AMERICA', 'ASIA_PACIFIC']);
        return FailoverTrigger.alert(TOPIC, { alertPolicies: [policy], uptimeChecks: [check] });
      },
      /needs 4 failing locations of the 3 checkers its uptime check runs from: it never opens/,
    ],
  ])('GIVEN %s THEN the construct warns', (_, trigger, message) => {
    const stack = testStack();
    const runbooks = pilotLight(stack, { trigger: trigger(stack) });
    expect(warningsOf(runbooks)).toEqual([expect.stringMatching(message)]);
  });
});

test('GIVEN one failing location opens the alert THEN HA-DR10 finds it in the synthesized Terraform too', () => {
  const stack = testStack();
  const channel = new MonitoringNotificationChannel(stack, 'Failover', {
    displayName: 'fail over',
    type: 'pubsub',
    labels: { topic: TOPIC },
  });
  const policy = new MonitoringAlertPolicy(stack, 'PrimaryDownAlert', {
    displayName: 'europe-west1 unreachable',
    combiner: 'OR',
    conditions: [
      {
        displayName: 'fails from any location',
        conditionThreshold: {
          filter: 'metric.type="monitoring.googleapis.com/uptime_check/check_passed"',
          aggregations: [
            { alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_NEXT_OLDER', crossSeriesReducer: 'REDUCE_COUNT_FALSE' },
          ],
          comparison: 'COMPARISON_GT',
          thresholdValue: 0,
          duration: '60s',
        },
      },
    ],
    notificationChannels: [channel.id],
  });
  pilotLight(stack, { trigger: FailoverTrigger.alert(TOPIC, { alertPolicies: [policy] }) });
  const json = terraformJson(stack) as unknown as Record<string, unknown>;
  const checked = checkInputs({ terraform: [{ name: stack.node.id, json }] }, { rules: [CorroboratedPromotion] });
  expect(checked.findings.map((f) => [f.rule, f.resource, f.message])).toEqual([
    [
      'HA-DR10',
      expect.stringMatching(/^google_workflows_workflow\.Runbooks_Promotion/),
      expect.stringContaining('europe-west1 unreachable, which opens when 1 checker location fails'),
    ],
  ]);
});

test('GIVEN the alert counts a 5-minute uptime check THEN its period counts in the decision before the window', () => {
  const stack = testStack();
  const channel = new MonitoringNotificationChannel(stack, 'Failover', {
    displayName: 'fail over',
    type: 'pubsub',
    labels: { topic: TOPIC },
  });
  const check = new MonitoringUptimeCheckConfig(stack, 'PrimaryUptime', {
    displayName: 'catalog in europe-west1',
    period: '300s',
    timeout: '10s',
    httpCheck: { path: '/health/ready', port: 443, useSsl: true },
    monitoredResource: { type: 'uptime_url', labels: { project_id: 'shop-prod', host: 'europe-west1.example.com' } },
  });
  new MonitoringAlertPolicy(stack, 'PrimaryDownAlert', {
    displayName: 'europe-west1 unreachable',
    combiner: 'OR',
    conditions: [
      {
        displayName: 'fails from more than one location',
        conditionThreshold: {
          filter: `${CHECK_PASSED} AND metric.label.check_id="${check.uptimeCheckId}"`,
          aggregations: [
            { alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_NEXT_OLDER', crossSeriesReducer: 'REDUCE_COUNT_FALSE' },
          ],
          comparison: 'COMPARISON_GT',
          thresholdValue: 1,
          duration: '300s',
        },
      },
    ],
    notificationChannels: [channel.id],
  });
  pilotLight(stack);
  invokeAspects(stack);
  const json = terraformJson(stack) as unknown as Record<string, unknown>;
  const [service] = checkInputs({ terraform: [{ name: stack.node.id, json }] }).services;
  const decision = service.derivation.find((s) => s.quantity === 'regionRto' && s.basis.startsWith('an alert'));
  // 300 s until the first failing result, 300 s of failure, one 60 s alignment period.
  expect(decision?.basis).toMatch(/once it has evaluated 660 s of failure, plus the time Cloud Monitoring takes/);
  expect(decision?.value).toBeUndefined();
});

test('GIVEN SloAlarms notify the failover topic THEN HA-DR10 names the burn-rate page that would promote', () => {
  const stack = testStack();
  const channel = new MonitoringNotificationChannel(stack, 'Failover', {
    displayName: 'fail over',
    type: 'pubsub',
    labels: { topic: TOPIC },
  });
  // The uptime alert counts more than one failing location, but the burn-rate pages share the channel.
  new SloAlarms(stack, 'Slo', {
    tier: ServiceTier.TIER_2,
    service: 'catalog',
    backendServiceName: 'catalog-backend',
    notificationChannels: [channel.id],
    probes: [{ region: PRIMARY, host: 'europe-west1.catalog.example.com' }],
  });
  pilotLight(stack);
  const json = terraformJson(stack) as unknown as Record<string, unknown>;
  const checked = checkInputs({ terraform: [{ name: stack.node.id, json }] }, { rules: [CorroboratedPromotion] });
  expect(checked.findings.map((f) => f.message)).toEqual([
    expect.stringMatching(/on every incident of the alert catalog: error budget burning .*, which watches an SLO/),
  ]);
});
