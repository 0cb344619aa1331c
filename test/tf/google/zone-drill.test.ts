import { ServiceTier } from '../../../lib/core';
import { RegionalFleet } from '../../../lib/tf/google/fleet';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { ZoneEvacuationDrill, ZoneEvacuationDrillProps } from '../../../lib/tf/google/zone-drill';
import { resourcesOf, TerraformJson, terraformJson, testStack, warningsOf } from './util';

const TOPIC = 'projects/shop-prod/topics/catalog-slo-alerts';
const CHANNELS = ['projects/shop-prod/notificationChannels/123'];
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
    json = terraformJson(
      drill({ schedule: '0 10 * * TUE', timeZone: 'Europe/Brussels', notificationChannels: CHANNELS }).stack,
    );
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
      'GOOGLE_CLOUD_LOCATION',
      'GOOGLE_CLOUD_WORKFLOW_ID',
      'GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID',
      ...Object.keys(workflow.user_env_vars as object),
    ];
    expect(read.length).toBeGreaterThan(5);
    expect(read.filter((v) => !given.includes(v))).toEqual([]);
    const steps = new Set(
      [...source.matchAll(/"(\w+)": \{\n\s+"(?:assign|call|switch|return|raise|next|try|for)"/g)].map((m) => m[1]),
    );
    const jumps = [...source.matchAll(/"next": "(\w+)"/g)].map((m) => m[1]);
    expect(jumps).toEqual(
      expect.arrayContaining(['endFault', 'readAlerts', 'continue', 'waitForDrill', 'cancelDrill', 'restore']),
    );
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

  test('THEN the account may tag, suspend and restore repair, read the balancer and budget, run its watchdog', () => {
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
      // Its watchdog: another execution of the same workflow, which reads the drill and cancels it at its deadline.
      'workflows.executions.cancel',
      'workflows.executions.create',
      'workflows.executions.get',
      'workflows.executions.list',
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

/** The synthesized definition, its expressions unescaped from Terraform's `$${...}`. */
function definitionOf(json: TerraformJson): Record<string, { steps: Record<string, Record<string, unknown>>[] }> {
  const [workflow] = Object.values(resourcesOf(json, 'google_workflows_workflow'));
  return JSON.parse((workflow.source_contents as string).replace(/\$\$\{/g, '${'));
}

/** Every step below `steps` (try, except, switch branches and loops included), by id. */
function stepsBelow(steps: Record<string, Record<string, unknown>>[]): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  const walk = (list: Record<string, Record<string, unknown>>[]) => {
    for (const s of list) {
      const [[id, body]] = Object.entries(s);
      found.set(id, body);
      const nested = (b: unknown) => ((b ?? {}) as { steps?: typeof list }).steps ?? [];
      walk([
        ...((body.switch as unknown[]) ?? []).flatMap(nested),
        ...nested(body.try),
        ...nested(body.except),
        ...nested(body.for),
      ]);
    }
  };
  walk(steps);
  return found;
}

/**
 * Where a switch step goes for the given variables: the first branch whose condition holds (its
 * `next`, or `steps` when it runs nested steps, or `assign`), else the step's own `next`. The
 * conditions are Workflows expressions; this reads the operators and functions the drill uses.
 */
function branchTaken(step: Record<string, unknown>, variables: Record<string, unknown>): unknown {
  const evaluate = (condition: unknown) => {
    if (condition === true) {
      return true;
    }
    const text = String(condition)
      .replace(/^\$\{|\}$/g, '')
      .replace(/\band\b/g, '&&')
      .replace(/\bor\b/g, '||')
      .replace(/\bdefault\(/g, 'dflt(')
      .replace(/\bmap\.get\(/g, 'mapGet(')
      .replace(/\btext\.substring\(/g, 'substring(');
    const mapGet = (map: Record<string, unknown>, key: string | string[]) =>
      (Array.isArray(key) ? key : [key]).reduce<unknown>((m, k) => (m as Record<string, unknown>)?.[k], map);
    const dflt = (value: unknown, fallback: unknown) => value ?? fallback;
    const len = (list: unknown[] | string) => list.length;
    const substring = (source: string, start: number, end: number) => source.substring(start, end);
    const names = Object.keys(variables);
    return new Function(...names, 'mapGet', 'dflt', 'len', 'substring', `return (${text});`)(
      ...names.map((n) => variables[n]),
      mapGet,
      dflt,
      len,
      substring,
    ) as boolean;
  };
  const branch = (step.switch as Record<string, unknown>[]).find((b) => evaluate(b.condition));
  if (branch === undefined) {
    return step.next ?? 'the next step';
  }
  return branch.next ?? (branch.steps ? 'its steps' : branch.raise !== undefined ? 'raise' : branch.assign);
}

describe('ZoneEvacuationDrill cancelled, failed or hung (the synthesized workflow)', () => {
  let json: TerraformJson;
  let main: Map<string, Record<string, unknown>>;
  let watchdog: Map<string, Record<string, unknown>>;
  beforeAll(() => {
    json = terraformJson(drill({ notificationChannels: CHANNELS }).stack);
    const definition = definitionOf(json);
    main = stepsBelow(definition.main.steps);
    watchdog = stepsBelow(definition.watchDrill.steps);
  });

  test('THEN before touching the zone the drill starts its watchdog, an execution of itself told the deadline', () => {
    const order = [...main.keys()];
    expect(main.get('startWatchdog')).toEqual({
      call: 'googleapis.workflowexecutions.v1.projects.locations.workflows.executions.create',
      args: { parent: '${workflowName}', body: { argument: '${json.encode_to_string(watchArgs)}' } },
      result: 'watchdog',
    });
    expect(JSON.stringify(main.get('init'))).toContain('sys.get_env(\\"GOOGLE_CLOUD_WORKFLOW_ID\\")');
    // TIER_1: 10 min of fault, 600 s for the zone's checks, 300 s of margin.
    expect(main.get('watchdogArguments')).toEqual({
      assign: [{ watchArgs: { watch: '${selfName}', repairBefore: '${repairBefore}', deadline: '${started + 1500}' } }],
    });
    for (const touch of ['suspendRepair', 'injectFault']) {
      expect(order.indexOf('startWatchdog')).toBeLessThan(order.indexOf(touch));
    }
    // Started with {"watch": ...}, an execution is a watchdog: it returns before the drill's own steps.
    expect(branchTaken(main.get('modeOf')!, { args: { watch: 'projects/p/.../executions/e1' } })).toEqual([
      { watched: '${map.get(args, "watch")}' },
    ]);
    expect(branchTaken(main.get('modeOf')!, { args: null })).toBe('the next step');
    // What the watchdog reads of its argument is what the drill writes in it.
    const written = Object.keys((main.get('watchdogArguments')!.assign as { watchArgs: object }[])[0].watchArgs);
    const read = [...JSON.stringify(main.get('watch')).matchAll(/map\.get\(args, \\"(\w+)\\"\)/g)].map((m) => m[1]);
    expect(['watch', ...read].sort()).toEqual([...written].sort());
    expect(order.indexOf('watchDone')).toBeLessThan(order.indexOf('readBudget'));
    // Its account may cancel any workflow's executions: a watchdog started by hand watches this workflow's only.
    const workflowName = 'projects/shop-prod/locations/europe-west1/workflows/zonedrill-resource-1a2b';
    const own = (watched: string) => branchTaken(main.get('ownExecution')!, { watched, workflowName });
    expect(own(`${workflowName}/executions/e1`)).toBe('the next step');
    expect(own('projects/shop-prod/locations/europe-west1/workflows/runbooks-promote/executions/e1')).toBe('raise');
    expect(order.indexOf('ownExecution')).toBeLessThan(order.indexOf('watch'));
  });

  test.each<[string, 'before' | 'after', string]>([
    // the drill's state, the watchdog's clock against the deadline → where the watchdog goes
    ['ACTIVE', 'before', 'waitForDrill'],
    ['QUEUED', 'before', 'waitForDrill'],
    ['ACTIVE', 'after', 'cancelDrill'],
    ['CANCELLED', 'before', 'restore'],
    ['FAILED', 'before', 'restore'],
    ['SUCCEEDED', 'before', 'restore'],
    ['CANCELLED', 'after', 'restore'],
  ])('WHEN the drill is %s %s its deadline THEN its watchdog goes to %s', (state, when, next) => {
    const deadline = 1_000_000;
    const now = when === 'before' ? deadline - 30 : deadline;
    expect(branchTaken(watchdog.get('drillRunning')!, { drillNow: { state }, deadline, sys: { now: () => now } })).toBe(
      next,
    );
  });

  test('THEN the watchdog polls, cancels a hung drill, removes the tag, puts repair back if still off', () => {
    const order = [...watchdog.keys()];
    expect(watchdog.get('waitForDrill')).toEqual({ call: 'sys.sleep', args: { seconds: 30 } });
    expect(watchdog.get('watchAgain')).toEqual({ next: 'readDrill' });
    expect(watchdog.get('cancelDrill')).toEqual(
      expect.objectContaining({
        try: {
          call: 'googleapis.workflowexecutions.v1.projects.locations.workflows.executions.cancel',
          args: { name: '${execution}' },
        },
      }),
    );
    // The restore follows the cancel, and is what every ended state leads to; a transient API error retries it.
    expect(order.indexOf('cancelDrill')).toBeLessThan(order.indexOf('restore'));
    expect(order.indexOf('restore')).toBeLessThan(order.indexOf('restoreZone'));
    for (const id of ['readDrill', 'cancelDrill', 'restore']) {
      expect(watchdog.get(id)).toEqual(expect.objectContaining({ retry: '${http.default_retry}' }));
    }
    expect(watchdog.get('restoreZone')).toEqual(
      expect.objectContaining({ call: 'tagZone', args: expect.objectContaining({ add: false }) }),
    );
    const repair = (onFailedHealthCheck?: string) => ({
      groupNow: { instanceLifecyclePolicy: onFailedHealthCheck === undefined ? {} : { onFailedHealthCheck } },
    });
    expect(branchTaken(watchdog.get('repairLeftOff')!, repair('DO_NOTHING'))).toBe('its steps');
    // A drill that rolled back left repair on: the watchdog changes nothing.
    expect(branchTaken(watchdog.get('repairLeftOff')!, repair('DEFAULT_ACTION'))).toBe('the next step');
    expect(branchTaken(watchdog.get('repairLeftOff')!, repair())).toBe('the next step');
    expect(order.indexOf('awaitZoneForWatchdog')).toBeLessThan(order.indexOf('restoreRepairByWatchdog'));
    expect(watchdog.get('restoreRepairByWatchdog')).toEqual(
      expect.objectContaining({
        call: 'googleapis.compute.v1.regionInstanceGroupManagers.patch',
        args: expect.objectContaining({
          body: { instanceLifecyclePolicy: { onFailedHealthCheck: '${repairBefore}' } },
        }),
      }),
    );
  });

  test('WHEN the watchdog is cancelled THEN the drill stops at its next poll and rolls back itself', () => {
    const order = [...main.keys()];
    expect(main.get('readWatchdog')).toEqual({
      call: 'googleapis.workflowexecutions.v1.projects.locations.workflows.executions.get',
      args: { name: '${watchdog.name}' },
      result: 'watchdogNow',
    });
    expect(branchTaken(main.get('watchdogAlive')!, { watchdogNow: { state: 'ACTIVE' } })).toBe('the next step');
    expect(branchTaken(main.get('watchdogAlive')!, { watchdogNow: { state: 'CANCELLED' } })).toEqual([
      { stoppedBy: expect.stringContaining('its watchdog execution ended') },
    ]);
    expect(order.indexOf('watchdogAlive')).toBeLessThan(order.indexOf('stopOrGoOn'));
    expect(branchTaken(main.get('stopOrGoOn')!, { stoppedBy: 'its watchdog execution ended', sys: {} })).toBe(
      'endFault',
    );
  });

  test('THEN a drill does not start beside another execution (a drill, or a watchdog still restoring)', () => {
    expect(main.get('listRunning')).toEqual(
      expect.objectContaining({ args: { parent: '${workflowName}', filter: 'state="ACTIVE"' } }),
    );
    const alone = main.get('aloneOrRefuse')!;
    const running = (n: number) => ({ running: { executions: Array.from({ length: n }, () => ({})) } });
    // The list holds the drill itself.
    expect(branchTaken(alone, running(1))).toBe('the next step');
    expect(branchTaken(alone, running(2))).toBe('raise');
    expect(branchTaken(alone, { running: {} })).toBe('the next step');
  });

  test("THEN the dead man's switch counts the DENY rule's refusals and pages when they outlast the deadline", () => {
    const tag = (
      Object.values(resourcesOf(json, 'google_workflows_workflow'))[0].user_env_vars as Record<string, string>
    ).HA_DRILL_TAG;
    const [metric] = Object.values(resourcesOf(json, 'google_logging_metric'));
    expect(metric).toEqual(
      expect.objectContaining({
        filter:
          'logName:"logs/compute.googleapis.com%2Ffirewall" AND jsonPayload.disposition="DENIED" AND ' +
          `jsonPayload.rule_details.reference:"/firewall:${tag}"`,
        metric_descriptor: { metric_kind: 'DELTA', value_type: 'INT64', unit: '1' },
      }),
    );
    // The rule logs what it refuses: without its logs the metric would count nothing.
    const deny = Object.values(resourcesOf(json, 'google_compute_firewall')).find((f) => f.deny !== undefined)!;
    expect(deny.log_config).toEqual({ metadata: 'INCLUDE_ALL_METADATA' });
    const alert = Object.values(resourcesOf(json, 'google_monitoring_alert_policy')).find((a) =>
      String(a.display_name).includes('still out'),
    )!;
    const [condition] = alert.conditions as { condition_threshold: Record<string, unknown> }[];
    expect(condition.condition_threshold).toEqual(
      expect.objectContaining({
        filter: expect.stringMatching(
          /^metric\.type="logging\.googleapis\.com\/user\/\$\{google_logging_metric\.ZoneDrill_Denials_\w+\.name\}"/,
        ),
        comparison: 'COMPARISON_GT',
        threshold_value: 0,
        // The watchdog's deadline (1500 s) and 300 s for its own pass and the logs' delivery.
        duration: '1800s',
        evaluation_missing_data: 'EVALUATION_MISSING_DATA_INACTIVE',
      }),
    );
    expect(alert).toEqual(expect.objectContaining({ notification_channels: CHANNELS, severity: 'CRITICAL' }));
    const runbook = (alert.documentation as { content: string }).content;
    expect(runbook).toContain('onFailedHealthCheck back to DEFAULT_ACTION');
    // The one command it gives runs the watchdog by hand, with the argument the drill itself would write.
    const [, workflow, data] = runbook.match(/gcloud workflows run (\S+) --location=europe-west1 --data='([^']+)'/)!;
    expect(workflow).toMatch(/^\$\{google_workflows_workflow\.ZoneDrill_\w+\.name\}$/);
    const argument = JSON.parse(data);
    expect(argument).toEqual(expect.objectContaining({ repairBefore: 'DEFAULT_ACTION', deadline: 0 }));
    const written = (main.get('watchdogArguments')!.assign as { watchArgs: object }[])[0].watchArgs;
    expect(Object.keys(argument).sort()).toEqual(Object.keys(written).sort());
  });

  test("THEN a failed execution pages: the next drill's refusal after a double cancel, a failed watchdog", () => {
    const alert = Object.values(resourcesOf(json, 'google_monitoring_alert_policy')).find((a) =>
      String(a.display_name).includes('failed'),
    )!;
    const [condition] = alert.conditions as { condition_threshold: Record<string, unknown> }[];
    expect(condition.condition_threshold).toEqual(
      expect.objectContaining({
        filter: expect.stringMatching(
          new RegExp(
            '^metric\\.type="workflows\\.googleapis\\.com/finished_execution_count" AND ' +
              'metric\\.label\\.status="FAILED" AND resource\\.type="workflows\\.googleapis\\.com/Workflow" AND ' +
              'resource\\.label\\.workflow_id="\\$\\{google_workflows_workflow\\.ZoneDrill_\\w+\\.name\\}"$',
          ),
        ),
        comparison: 'COMPARISON_GT',
        threshold_value: 0,
        duration: '0s',
      }),
    );
    expect(alert).toEqual(expect.objectContaining({ notification_channels: CHANNELS, severity: 'WARNING' }));
    // The refusal it pages for is a failure, not a quiet return: the drill raises when it finds repair off.
    expect(main.get('refuseWithoutRepair')).toEqual({
      switch: [expect.objectContaining({ raise: expect.stringContaining('already off') })],
    });
  });

  test('WHEN no channel is given THEN nothing pages, and the construct says so', () => {
    const { stack, construct } = drill();
    expect(resourcesOf(terraformJson(stack), 'google_monitoring_alert_policy')).toEqual({});
    expect(construct.faultAlert).toBeUndefined();
    expect(construct.failureAlert).toBeUndefined();
    expect(warningsOf(construct)).toEqual([
      expect.stringContaining('[ha-constructs:ZoneEvacuationDrill.notificationChannels] no notificationChannels'),
    ]);
  });
});
