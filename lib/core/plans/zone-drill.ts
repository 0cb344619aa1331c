import { PlanProblem, PlanWarning } from '../errors';
import { FIS_MAX_ACTION_MINUTES } from './drill';
import { freezeGuardSteps } from './google-drill-guards';
import { regionOfZone } from '../regions';
import { ServiceTier } from '../tier';

/**
 * The plan of a zone evacuation drill on Google Cloud, which has no managed fault-injection
 * service: a Cloud Workflows workflow takes one zone of a regional managed instance group out of
 * the load balancer and puts it back. The fault is a network tag on the zone's instances that a
 * DENY firewall rule matches for the health-check and proxy ranges, so the zone's instances stop
 * answering the load balancer: nothing is deleted, instances the group creates in the zone while
 * the drill lasts are tagged too, and removing the tag undoes it.
 *
 * Autohealing probes come from the same Google ranges, so the rule fails the group's own health
 * check too, and the group would recreate the zone's instances again and again: the drill would
 * measure that churn, and each recreated instance would serve until the next poll tags it. So the
 * drill suspends health-check repair for its duration (the group's
 * `instanceLifecyclePolicy.onFailedHealthCheck` set to DO_NOTHING; a VM that crashes is still
 * repaired), and puts back what it found once the zone's instances pass their check again (or
 * after {@link REPAIR_RESTORE_WAIT_SECONDS}), on success, stop or error alike. It refuses to start
 * when it finds repair already off (the next drill must not make that the normal state), or while
 * another execution of the workflow runs. Terraform (provider 6.50) does not manage that field, so
 * an apply during a drill leaves it alone.
 *
 * A cancelled execution, or one that ends on an error its `except` cannot catch, runs no rollback
 * of its own. So before it touches anything the drill starts a second execution of the same
 * workflow, the watchdog (argument `{"watch": <drill execution>, "repairBefore", "deadline"}`),
 * which reads the drill's state every poll: once the drill is no longer running (succeeded, failed,
 * cancelled), or still runs at its deadline (then the watchdog cancels it), the watchdog removes
 * the tag from the zone and, if repair is still suspended, waits for the zone's checks and puts it
 * back. Both steps are idempotent: after a drill that rolled back they change nothing. The drill in
 * turn reads the watchdog's state every poll and stops, rolling back, when the watchdog is gone:
 * cancel either execution and the tag comes off within a poll (the zone serves once its checks pass
 * again); the watchdog retries its reads and its restore on transient API errors. Cancel both, or
 * lose Cloud Workflows in the region, and nothing restores it: the dead man's switch is then an
 * alert ({@link ZoneDrillPlan.faultAlert}) on the rule's own denials, which go on only while the
 * fault does, paged after the drill's deadline and a margin. What it does not see: repair left off
 * once the tag is gone (both executions cancelled between the untag and the restore); the next
 * drill refuses to start and says so, and a second alert ({@link ZoneDrillPlan.failureAlert}) pages
 * on every failed execution: that refusal, a watchdog that could not restore, a drill stopped by
 * the SLO alert or slower than the AZ RTO.
 *
 * What it exercises: the load balancer taking the zone out (its health check), and the other zones
 * carrying the whole load meanwhile (the SLO alert stops the drill when they do not). What it does
 * not: the zone's instances keep running and count in the autoscaler's average, so a scale-out the
 * real loss would need is smaller or absent (it cannot measure the time to add capacity; the report
 * takes static stability from the templates instead); repair of failed health checks in the other
 * zones waits for the drill's end; nothing zonal beyond the group is failed (disks, a zonal
 * database primary, the control plane).
 *
 * The workflow refuses to start while the service's error budget is spent (the freeze the budget
 * alert announces), stops and rolls back as soon as an SLO alert opens an incident (read from a
 * Pub/Sub subscription on the alerts' notification topic), and measures the recovery: the seconds
 * from the fault until the load balancer sends nothing to the zone and every instance of the other
 * zones is healthy, judged against the tier's AZ RTO.
 *
 * @see https://cloud.google.com/compute/docs/instance-groups/regional-mig-overview
 * @see https://cloud.google.com/compute/docs/instance-groups/autohealing-instances-in-migs
 * @see https://cloud.google.com/compute/docs/reference/rest/v1/regionInstanceGroupManagers/patch
 * @see https://cloud.google.com/stackdriver/docs/solutions/slo-monitoring/api/timeseries-selectors
 * @see https://cloud.google.com/workflows/docs/reference/googleapis/workflowexecutions/Overview
 * @see https://cloud.google.com/firewall/docs/firewall-rules-logging
 */

/** What the drill takes, in core's terms; undefined where unknown at synthesis. */
export interface ZoneDrillIntent {
  /** The zone evacuated. */
  readonly zone?: string;
  /** The fleet's region and zones. */
  readonly region?: string;
  readonly fleetZones?: readonly string[];
  /** @default - twice the AZ RTO, at least 10 minutes */
  readonly durationMinutes?: number;
  /** A Cloud Scheduler cron schedule (five fields), when the drill runs on its own. */
  readonly schedule?: string;
  /**
   * Whether the backend service is a regional one (a regional load balancer's, in the fleet's region).
   * @default false
   */
  readonly regionalBackend?: boolean;
  /**
   * How many notification channels the fault alert pages.
   * @default 0
   */
  readonly pagedChannels?: number;
}

/** What the engines render. */
export interface ZoneDrillPlan {
  /** How long the zone stays out, in minutes. */
  readonly durationMinutes: number;
  /** Seconds between two reads of the stop subscription and the load balancer's view. */
  readonly pollSeconds: number;
  /** The recovery the drill must show: the tier's AZ RTO. */
  readonly recoveryObjectiveSeconds: number;
  /** Priority of the DENY rule: it must win over the fleet's allow rules (1000 by default). */
  readonly firewallPriority: number;
  /**
   * The stop subscription: an ack deadline above one poll, and an hour of messages kept (only what
   * arrives during a drill matters; the drill skips older ones when it starts).
   */
  readonly stopSubscription: { readonly ackDeadlineSeconds: number; readonly messageRetentionSeconds: number };
  /**
   * Seconds after the drill's start at which its watchdog cancels a drill still running and restores
   * the zone: the fault, the longest wait for the zone's checks, and {@link OVERRUN_MARGIN_SECONDS}.
   */
  readonly deadlineSeconds: number;
  /**
   * The dead man's switch: an alert when the rule's denials (its firewall logs, a log-based counter)
   * go on, over a sliding `periodSeconds` sum, for `durationSeconds`: the deadline and a margin for
   * the watchdog's own pass and the logs' delivery, in whole minutes. A drill that ends in time
   * never raises it.
   */
  readonly faultAlert: {
    readonly periodSeconds: number;
    readonly durationSeconds: number;
    readonly durationMinutes: number;
  };
  /**
   * An alert on any execution of the workflow that ends FAILED (Workflows' finished-execution count),
   * summed over `periodSeconds`: a refusal, a stop, a verdict, or a watchdog that could not restore.
   */
  readonly failureAlert: { readonly periodSeconds: number };
  /** The workflow's definition; its inputs are read from the environment ({@link ZONE_DRILL_ENV}). */
  readonly definition: Record<string, unknown>;
  readonly problems: PlanProblem[];
  /** `notificationChannels`: no channel to page when the fault outlasts the drill. */
  readonly warnings: PlanWarning[];
}

/** Environment variables the drill's definition reads. */
export const ZONE_DRILL_ENV = {
  GROUP: 'HA_GROUP',
  REGION: 'HA_REGION',
  ZONE: 'HA_ZONE',
  TAG: 'HA_DRILL_TAG',
  BACKEND_SERVICE: 'HA_BACKEND_SERVICE',
  INSTANCE_GROUP: 'HA_INSTANCE_GROUP',
  STOP_SUBSCRIPTION: 'HA_STOP_SUBSCRIPTION',
  SLO: 'HA_SLO',
} as const;

/**
 * The longest the drill waits, once the tag is off, for the zone's instances to pass their
 * autohealing check before it restores repair: one still failing then is broken, and repairing it
 * is right (restored earlier, repair would recreate instances that were only still blocked).
 */
export const REPAIR_RESTORE_WAIT_SECONDS = 600;
/**
 * What the drill's own calls may take beyond its planned steps (the untag pass over the zone's
 * instances, a poll under way), before its watchdog takes it for hung; and again, after the
 * deadline, before the fault alert pages.
 */
export const OVERRUN_MARGIN_SECONDS = 300;
/**
 * The window the fault alert sums the rule's denials over (no minute without a health check), and
 * the failure alert its failed executions.
 */
const FAULT_ALERT_PERIOD_SECONDS = 300;
/** What the drill sets while it runs: the group leaves instances that fail their health check alone. */
const REPAIR_SUSPENDED = 'DO_NOTHING';
/** What the API reports when nobody set the field: the group's `defaultActionOnFailure` applies. */
const REPAIR_DEFAULT = 'DEFAULT_ACTION';
const MIN_DEFAULT_MINUTES = 10;
const POLL_SECONDS = 30;
const FIREWALL_PRIORITY = 100;
const CRON = /^\S+(\s+\S+){4}$/;
const EXECUTIONS = 'googleapis.workflowexecutions.v1.projects.locations.workflows.executions';

/**
 * The Cloud Logging filter of the connections the drill's DENY rule (named `ruleName`) refused: its
 * firewall logs, written only while the rule matches tagged instances, so only while the fault lasts.
 * @see https://cloud.google.com/firewall/docs/firewall-rules-logging#log-format
 */
export function zoneDrillDenialsFilter(ruleName: string): string {
  return (
    'logName:"logs/compute.googleapis.com%2Ffirewall" AND jsonPayload.disposition="DENIED" AND ' +
    `jsonPayload.rule_details.reference:"/firewall:${ruleName}"`
  );
}

/**
 * Plans the drill. Duration `durationMinutes`, or `min(720, max(10, ⌈2 × azRtoSeconds / 60⌉))`
 * (recover, then hold steady state as long again); the zone must be one of the fleet's, in its
 * region, and the fleet must keep another zone to evacuate to.
 *
 * The watchdog's deadline: `duration + REPAIR_RESTORE_WAIT_SECONDS (600) + OVERRUN_MARGIN_SECONDS
 * (300)`; the fault alert: denials for `⌈(deadline + OVERRUN_MARGIN_SECONDS) / 60⌉` minutes.
 *
 * Example: TIER_1 (AZ RTO 120 s): 10 minutes, polled every 30 s, recovery judged against 120 s; the
 * watchdog cancels and restores at 600 + 600 + 300 = 1500 s, the alert pages after 1800 s of
 * denials. TIER_3 (AZ RTO 900 s): 30 minutes, deadline 2700 s, alert after 3000 s.
 */
export function planZoneEvacuationDrill(tier: ServiceTier, intent: ZoneDrillIntent): ZoneDrillPlan {
  const problems: PlanProblem[] = [];
  const fail = (prop: string, message: string) => problems.push({ prop, message });
  const { zone, fleetZones, region } = intent;
  if (zone !== undefined && region !== undefined && regionOfZone(zone) !== region) {
    fail('zone', `zone must be in the fleet's region ${region}, got: ${zone}`);
  } else if (zone !== undefined && fleetZones !== undefined && !fleetZones.includes(zone)) {
    fail('zone', `zone must be one of the fleet's zones (${fleetZones.join(', ')}), got: ${zone}`);
  }
  if (fleetZones !== undefined && fleetZones.length < 2) {
    fail('fleet', `fleet must run in at least 2 zones for a zone to be evacuated, got: ${fleetZones.length}`);
  }
  const explicit = intent.durationMinutes;
  const durationMinutes =
    explicit ??
    Math.min(FIS_MAX_ACTION_MINUTES, Math.max(MIN_DEFAULT_MINUTES, Math.ceil((2 * tier.azRtoSeconds) / 60)));
  if (explicit !== undefined && (!Number.isInteger(explicit) || explicit < 1 || explicit > FIS_MAX_ACTION_MINUTES)) {
    fail(
      'durationMinutes',
      `durationMinutes must be a whole number from 1 to ${FIS_MAX_ACTION_MINUTES}, got: ${explicit}`,
    );
  } else if (explicit !== undefined && explicit * 60 < tier.azRtoSeconds) {
    fail(
      'durationMinutes',
      `durationMinutes must let the service recover within ${tier.name}'s AZ RTO of ${tier.azRtoSeconds} s, got: ${explicit}`,
    );
  }
  if (intent.schedule !== undefined && !CRON.test(intent.schedule.trim())) {
    fail('schedule', `schedule must be a cron expression of five fields (0 10 * * TUE), got: ${intent.schedule}`);
  }
  const deadlineSeconds = durationMinutes * 60 + REPAIR_RESTORE_WAIT_SECONDS + OVERRUN_MARGIN_SECONDS;
  const alertMinutes = Math.ceil((deadlineSeconds + OVERRUN_MARGIN_SECONDS) / 60);
  const warnings: PlanWarning[] = [];
  if ((intent.pagedChannels ?? 0) === 0) {
    warnings.push({
      id: 'notificationChannels',
      message:
        `no notificationChannels: nobody is paged when the zone stays out ${alertMinutes} min after a drill ` +
        'started (the drill and its watchdog both cancelled); the next drill finds it',
    });
  }
  return {
    durationMinutes,
    deadlineSeconds,
    faultAlert: {
      periodSeconds: FAULT_ALERT_PERIOD_SECONDS,
      durationSeconds: alertMinutes * 60,
      durationMinutes: alertMinutes,
    },
    failureAlert: { periodSeconds: FAULT_ALERT_PERIOD_SECONDS },
    pollSeconds: POLL_SECONDS,
    recoveryObjectiveSeconds: tier.azRtoSeconds,
    firewallPriority: FIREWALL_PRIORITY,
    stopSubscription: { ackDeadlineSeconds: 2 * POLL_SECONDS, messageRetentionSeconds: 3600 },
    definition: zoneDrillDefinition(
      durationMinutes * 60,
      deadlineSeconds,
      tier.azRtoSeconds,
      intent.regionalBackend ?? false,
    ),
    problems,
    warnings,
  };
}

const expr = (text: string) => '${' + text + '}';
const env = (name: string) => expr(`sys.get_env("${name}")`);
const OAUTH = { type: 'OAuth2' };

/**
 * The drill's workflow: freeze check, watchdog, fault, watch (stop, re-tag, measure), rollback,
 * verdict; or, started with a `watch` argument, the watchdog of one drill execution.
 */
function zoneDrillDefinition(
  durationSeconds: number,
  deadlineSeconds: number,
  objectiveSeconds: number,
  regionalBackend: boolean,
): Record<string, unknown> {
  const pubsub = (verb: string) => expr(`"https://pubsub.googleapis.com/v1/" + subscription + ":${verb}"`);
  const tagZone = (add: boolean) => ({
    call: 'tagZone',
    args: {
      project: expr('project'),
      region: expr('region'),
      group: expr('group'),
      zone: expr('zone'),
      tag: expr('tag'),
      add,
    },
  });
  const setRepair = (action: string) => ({
    call: 'googleapis.compute.v1.regionInstanceGroupManagers.patch',
    args: {
      project: expr('project'),
      region: expr('region'),
      instanceGroupManager: expr('group'),
      body: { instanceLifecyclePolicy: { onFailedHealthCheck: action } },
    },
  });
  const awaitZoneHealthy = {
    call: 'awaitZoneHealthy',
    args: {
      project: expr('project'),
      region: expr('region'),
      group: expr('group'),
      zone: expr('zone'),
      deadline: expr(`sys.now() + ${REPAIR_RESTORE_WAIT_SECONDS}`),
    },
  };
  return {
    main: {
      params: ['args'],
      steps: [
        {
          init: {
            assign: [
              { project: env('GOOGLE_CLOUD_PROJECT_ID') },
              { region: env(ZONE_DRILL_ENV.REGION) },
              { group: env(ZONE_DRILL_ENV.GROUP) },
              { groupUrl: env(ZONE_DRILL_ENV.INSTANCE_GROUP) },
              { zone: env(ZONE_DRILL_ENV.ZONE) },
              { tag: env(ZONE_DRILL_ENV.TAG) },
              { backend: env(ZONE_DRILL_ENV.BACKEND_SERVICE) },
              { subscription: env(ZONE_DRILL_ENV.STOP_SUBSCRIPTION) },
              { slo: env(ZONE_DRILL_ENV.SLO) },
              { recovered: null },
              { stoppedBy: null },
              { repairBefore: null },
              { watched: null },
              {
                workflowName: expr(
                  '"projects/" + project + "/locations/" + sys.get_env("GOOGLE_CLOUD_LOCATION") + "/workflows/" + ' +
                    'sys.get_env("GOOGLE_CLOUD_WORKFLOW_ID")',
                ),
              },
              { selfName: expr('workflowName + "/executions/" + sys.get_env("GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID")') },
            ],
          },
        },
        // Started by a drill with {"watch": <its execution>}: this execution is that drill's watchdog.
        {
          modeOf: {
            switch: [{ condition: expr('args != null'), assign: [{ watched: expr('map.get(args, "watch")') }] }],
          },
        },
        {
          watchdogMode: {
            switch: [
              {
                condition: expr('watched != null'),
                steps: [
                  // Only this drill's executions: its account may cancel any workflow's, its invokers may not.
                  {
                    ownExecution: {
                      switch: [
                        {
                          condition: expr(
                            'text.substring(watched, 0, len(workflowName + "/executions/")) != ' +
                              'workflowName + "/executions/"',
                          ),
                          raise: expr('"the watchdog watches this workflow\'s executions only, got: " + watched'),
                        },
                      ],
                    },
                  },
                  {
                    watch: {
                      call: 'watchDrill',
                      args: {
                        project: expr('project'),
                        region: expr('region'),
                        group: expr('group'),
                        zone: expr('zone'),
                        tag: expr('tag'),
                        execution: expr('watched'),
                        repairBefore: expr('map.get(args, "repairBefore")'),
                        deadline: expr('map.get(args, "deadline")'),
                      },
                      result: 'watchResult',
                    },
                  },
                  { watchDone: { return: expr('watchResult') } },
                ],
              },
            ],
          },
        },
        // One drill at a time, and none while a watchdog still restores after the last one: checked before
        // the freeze guard seeks the stop subscription, which would drop a running drill's unread alerts.
        {
          listRunning: {
            call: `${EXECUTIONS}.list`,
            args: { parent: expr('workflowName'), filter: 'state="ACTIVE"' },
            result: 'running',
          },
        },
        {
          aloneOrRefuse: {
            switch: [
              {
                condition: expr('len(default(map.get(running, "executions"), [])) > 1'),
                raise:
                  'another execution of this workflow is running (a drill, or the watchdog restoring after one): ' +
                  'wait for it to end, then drill',
              },
            ],
          },
        },
        ...freezeGuardSteps(),
        {
          readRepair: {
            call: 'googleapis.compute.v1.regionInstanceGroupManagers.get',
            args: { project: expr('project'), region: expr('region'), instanceGroupManager: expr('group') },
            result: 'groupNow',
          },
        },
        {
          repairWasOn: {
            assign: [
              {
                repairBefore: expr(
                  `default(map.get(groupNow, ["instanceLifecyclePolicy", "onFailedHealthCheck"]), "${REPAIR_DEFAULT}")`,
                ),
              },
            ],
          },
        },
        {
          refuseWithoutRepair: {
            switch: [
              {
                condition: expr(`repairBefore == "${REPAIR_SUSPENDED}"`),
                raise:
                  "the group's health-check repair is already off (onFailedHealthCheck DO_NOTHING): a drill whose " +
                  'execution and watchdog were both cancelled leaves it so; put it back (DEFAULT_ACTION) once the ' +
                  'instances are healthy, then drill',
              },
            ],
          },
        },
        { markStart: { assign: [{ started: expr('sys.now()') }] } },
        // Before anything is touched: a drill cancelled from here on is restored by its watchdog.
        {
          watchdogArguments: {
            assign: [
              {
                watchArgs: {
                  watch: expr('selfName'),
                  repairBefore: expr('repairBefore'),
                  deadline: expr(`started + ${deadlineSeconds}`),
                },
              },
            ],
          },
        },
        {
          startWatchdog: {
            call: `${EXECUTIONS}.create`,
            args: { parent: expr('workflowName'), body: { argument: expr('json.encode_to_string(watchArgs)') } },
            result: 'watchdog',
          },
        },
        {
          drill: {
            try: {
              steps: [
                { suspendRepair: setRepair(REPAIR_SUSPENDED) },
                { injectFault: tagZone(true) },
                {
                  readAlerts: {
                    call: 'http.post',
                    args: { url: pubsub('pull'), body: { maxMessages: 20, returnImmediately: true }, auth: OAUTH },
                    result: 'pulled',
                  },
                },
                {
                  initAcks: {
                    assign: [
                      { messages: expr('default(map.get(pulled.body, "receivedMessages"), [])') },
                      { ackIds: [] },
                    ],
                  },
                },
                {
                  readEach: {
                    for: {
                      value: 'received',
                      in: expr('messages'),
                      steps: [
                        {
                          decode: {
                            assign: [
                              { ackIds: expr('list.concat(ackIds, received.ackId)') },
                              {
                                incident: expr(
                                  'map.get(json.decode(base64.decode(received.message.data)), "incident")',
                                ),
                              },
                            ],
                          },
                        },
                        {
                          opened: {
                            switch: [
                              {
                                condition: expr('incident != null and map.get(incident, "state") == "open"'),
                                assign: [
                                  {
                                    stoppedBy: expr(
                                      '"the SLO alert " + map.get(incident, "policy_name") + " opened an incident"',
                                    ),
                                  },
                                ],
                              },
                            ],
                          },
                        },
                      ],
                    },
                  },
                },
                {
                  acknowledge: {
                    switch: [
                      {
                        condition: expr('len(ackIds) > 0'),
                        steps: [
                          {
                            ack: {
                              call: 'http.post',
                              args: { url: pubsub('acknowledge'), body: { ackIds: expr('ackIds') }, auth: OAUTH },
                            },
                          },
                        ],
                      },
                    ],
                  },
                },
                // Without its watchdog, a cancelled drill would leave the zone out: stop while it can roll back.
                {
                  readWatchdog: {
                    call: `${EXECUTIONS}.get`,
                    args: { name: expr('watchdog.name') },
                    result: 'watchdogNow',
                  },
                },
                {
                  watchdogAlive: {
                    switch: [
                      {
                        condition: expr('watchdogNow.state != "ACTIVE"'),
                        assign: [
                          {
                            stoppedBy: expr(
                              '"its watchdog execution ended (" + watchdogNow.state + "): " + ' +
                                '"nothing would restore the zone"',
                            ),
                          },
                        ],
                      },
                    ],
                  },
                },
                {
                  stopOrGoOn: {
                    switch: [
                      { condition: expr('stoppedBy != null'), next: 'endFault' },
                      { condition: expr(`sys.now() - started >= ${durationSeconds}`), next: 'endFault' },
                    ],
                  },
                },
                // Instances the group created in the zone meanwhile are taken out too: the zone stays lost.
                { keepZoneOut: tagZone(true) },
                {
                  readHealth: {
                    call: regionalBackend
                      ? 'googleapis.compute.v1.regionBackendServices.getHealth'
                      : 'googleapis.compute.v1.backendServices.getHealth',
                    args: {
                      project: expr('project'),
                      ...(regionalBackend ? { region: expr('region') } : {}),
                      backendService: expr('backend'),
                      body: { group: expr('groupUrl') },
                    },
                    result: 'health',
                  },
                },
                {
                  countHealth: {
                    assign: [{ inZone: 0 }, { others: 0 }, { othersHealthy: 0 }],
                  },
                },
                {
                  eachInstance: {
                    for: {
                      value: 'status',
                      in: expr('default(map.get(health, "healthStatus"), [])'),
                      steps: [
                        {
                          tally: {
                            switch: [
                              {
                                condition: expr(
                                  'text.match_regex(status.instance, "/zones/" + zone + "/") and status.healthState == "HEALTHY"',
                                ),
                                assign: [{ inZone: expr('inZone + 1') }],
                              },
                              {
                                condition: expr(
                                  'not(text.match_regex(status.instance, "/zones/" + zone + "/")) and status.healthState == "HEALTHY"',
                                ),
                                assign: [{ others: expr('others + 1') }, { othersHealthy: expr('othersHealthy + 1') }],
                              },
                              {
                                condition: expr('not(text.match_regex(status.instance, "/zones/" + zone + "/"))'),
                                assign: [{ others: expr('others + 1') }],
                              },
                            ],
                          },
                        },
                      ],
                    },
                  },
                },
                {
                  evacuated: {
                    switch: [
                      {
                        condition: expr('recovered == null and inZone == 0 and others > 0 and othersHealthy == others'),
                        assign: [{ recovered: expr('sys.now() - started') }],
                      },
                    ],
                  },
                },
                { pause: { call: 'sys.sleep', args: { seconds: POLL_SECONDS } } },
                { again: { next: 'readAlerts' } },
                { endFault: tagZone(false) },
                { awaitZone: awaitZoneHealthy },
                { restoreRepair: setRepair(expr('repairBefore')) },
              ],
            },
            except: {
              as: 'failure',
              steps: [
                { rollBack: tagZone(false) },
                { awaitZoneAfterFailure: awaitZoneHealthy },
                { restoreRepairAfterFailure: setRepair(expr('repairBefore')) },
                { reraise: { raise: expr('failure') } },
              ],
            },
          },
        },
        {
          verdict: {
            switch: [
              {
                condition: expr('stoppedBy != null'),
                raise: expr('"drill stopped and rolled back: " + stoppedBy'),
              },
              {
                condition: expr('recovered == null'),
                raise: `the service did not recover within the drill: the zone's traffic never left it cleanly`,
              },
              {
                condition: expr(`recovered > ${objectiveSeconds}`),
                raise: expr(
                  `"the service recovered in " + string(int(recovered)) + " s, beyond the AZ RTO of ${objectiveSeconds} s"`,
                ),
              },
            ],
          },
        },
        {
          done: {
            return: {
              zone: expr('zone'),
              watchdog: expr('watchdog.name'),
              recoverySeconds: expr('int(recovered)'),
              azRtoSeconds: objectiveSeconds,
              measuredOn: expr('text.substring(time.format(started), 0, 10)'),
              // What recordDrillMeasurement takes, on the fleet: the report's AZ RTO counts it (whole seconds, rounded up).
              measurement: {
                step: 'zone-evacuation',
                seconds: expr('int(recovered) + 1'),
                measuredOn: expr('text.substring(time.format(started), 0, 10)'),
                drill: expr('"ZoneEvacuationDrill execution " + sys.get_env("GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID")'),
              },
            },
          },
        },
      ],
    },
    // A drill's watchdog: once the drill ends (or overruns its deadline, then it is cancelled), restore what it left.
    watchDrill: {
      params: ['project', 'region', 'group', 'zone', 'tag', 'execution', 'repairBefore', 'deadline'],
      steps: [
        { watchInit: { assign: [{ overran: false }, { repairRestored: false }] } },
        // The last automatic line: a transient API error must not end it (Workflows' default retry policy).
        {
          readDrill: {
            try: { call: `${EXECUTIONS}.get`, args: { name: expr('execution') }, result: 'drillNow' },
            retry: expr('http.default_retry'),
          },
        },
        {
          drillRunning: {
            switch: [
              {
                condition: expr('(drillNow.state == "ACTIVE" or drillNow.state == "QUEUED") and sys.now() < deadline'),
                next: 'waitForDrill',
              },
              { condition: expr('drillNow.state == "ACTIVE" or drillNow.state == "QUEUED"'), next: 'cancelDrill' },
            ],
            next: 'restore',
          },
        },
        { waitForDrill: { call: 'sys.sleep', args: { seconds: POLL_SECONDS } } },
        { watchAgain: { next: 'readDrill' } },
        {
          cancelDrill: {
            try: { call: `${EXECUTIONS}.cancel`, args: { name: expr('execution') } },
            retry: expr('http.default_retry'),
            // It may have ended between the read and the cancel: the restore below is the same.
            except: {
              as: 'cancelFailed',
              steps: [{ endedMeanwhile: { assign: [{ cancelError: expr('cancelFailed') }] } }],
            },
          },
        },
        { markOverran: { assign: [{ overran: true }] } },
        // Both idempotent: after a drill that rolled back, nothing changes; so retried whole on a transient error.
        {
          restore: {
            try: {
              steps: [
                { restoreZone: tagZone(false) },
                {
                  readRepairNow: {
                    call: 'googleapis.compute.v1.regionInstanceGroupManagers.get',
                    args: { project: expr('project'), region: expr('region'), instanceGroupManager: expr('group') },
                    result: 'groupNow',
                  },
                },
                {
                  repairLeftOff: {
                    switch: [
                      {
                        condition: expr(
                          'default(map.get(groupNow, ["instanceLifecyclePolicy", "onFailedHealthCheck"]), ' +
                            `"${REPAIR_DEFAULT}") == "${REPAIR_SUSPENDED}"`,
                        ),
                        steps: [
                          { awaitZoneForWatchdog: awaitZoneHealthy },
                          { restoreRepairByWatchdog: setRepair(expr('repairBefore')) },
                          { markRestored: { assign: [{ repairRestored: true }] } },
                        ],
                      },
                    ],
                  },
                },
              ],
            },
            retry: expr('http.default_retry'),
          },
        },
        {
          watchEnd: {
            return: {
              watched: expr('execution'),
              drillState: expr('drillNow.state'),
              cancelledAtDeadline: expr('overran'),
              repairRestored: expr('repairRestored'),
            },
          },
        },
      ],
    },
    // Until every instance of the zone passes its autohealing check again, or the deadline.
    awaitZoneHealthy: {
      params: ['project', 'region', 'group', 'zone', 'deadline'],
      steps: [
        {
          listZone: {
            call: 'googleapis.compute.v1.regionInstanceGroupManagers.listManagedInstances',
            args: { project: expr('project'), region: expr('region'), instanceGroupManager: expr('group') },
            result: 'managed',
          },
        },
        { countFailing: { assign: [{ failing: 0 }] } },
        {
          eachInZone: {
            for: {
              value: 'item',
              in: expr('default(map.get(managed, "managedInstances"), [])'),
              steps: [
                {
                  checksOf: {
                    switch: [
                      {
                        condition: expr('text.match_regex(item.instance, "/zones/" + zone + "/")'),
                        steps: [
                          {
                            eachCheck: {
                              for: {
                                value: 'check',
                                in: expr('default(map.get(item, "instanceHealth"), [])'),
                                steps: [
                                  {
                                    failingCheck: {
                                      switch: [
                                        {
                                          condition: expr('map.get(check, "detailedHealthState") != "HEALTHY"'),
                                          assign: [{ failing: expr('failing + 1') }],
                                        },
                                      ],
                                    },
                                  },
                                ],
                              },
                            },
                          },
                        ],
                      },
                    ],
                  },
                },
              ],
            },
          },
        },
        {
          healthyOrLate: {
            switch: [{ condition: expr('failing == 0 or sys.now() >= deadline'), return: expr('failing') }],
          },
        },
        { waitForChecks: { call: 'sys.sleep', args: { seconds: POLL_SECONDS } } },
        { listAgain: { next: 'listZone' } },
      ],
    },
    tagZone: {
      params: ['project', 'region', 'group', 'zone', 'tag', 'add'],
      steps: [
        {
          listInstances: {
            call: 'googleapis.compute.v1.regionInstanceGroupManagers.listManagedInstances',
            args: { project: expr('project'), region: expr('region'), instanceGroupManager: expr('group') },
            result: 'managed',
          },
        },
        {
          eachManaged: {
            for: {
              value: 'item',
              in: expr('default(map.get(managed, "managedInstances"), [])'),
              steps: [
                {
                  inThisZone: {
                    switch: [
                      {
                        condition: expr('text.match_regex(item.instance, "/zones/" + zone + "/")'),
                        steps: [
                          { nameOf: { assign: [{ parts: expr('text.split(item.instance, "/")') }] } },
                          {
                            readInstance: {
                              try: {
                                call: 'googleapis.compute.v1.instances.get',
                                args: {
                                  project: expr('project'),
                                  zone: expr('zone'),
                                  instance: expr('parts[len(parts) - 1]'),
                                },
                                result: 'instance',
                              },
                              // An instance the group is deleting or has not created yet has nothing to tag.
                              except: { as: 'missing', steps: [{ skip: { next: 'continue' } }] },
                            },
                          },
                          {
                            tagsOf: {
                              assign: [
                                { items: expr('default(map.get(instance, ["tags", "items"]), [])') },
                                { kept: [] },
                                { wanted: [] },
                              ],
                            },
                          },
                          {
                            withoutTag: {
                              for: {
                                value: 'existing',
                                in: expr('items'),
                                steps: [
                                  {
                                    keep: {
                                      switch: [
                                        {
                                          condition: expr('existing != tag'),
                                          assign: [{ kept: expr('list.concat(kept, existing)') }],
                                        },
                                      ],
                                    },
                                  },
                                ],
                              },
                            },
                          },
                          {
                            newTags: {
                              switch: [
                                { condition: expr('add'), assign: [{ wanted: expr('list.concat(kept, tag)') }] },
                                { condition: true, assign: [{ wanted: expr('kept') }] },
                              ],
                            },
                          },
                          {
                            setIfChanged: {
                              switch: [
                                {
                                  condition: expr('add == (len(kept) == len(items))'),
                                  steps: [
                                    {
                                      setTags: {
                                        call: 'googleapis.compute.v1.instances.setTags',
                                        args: {
                                          project: expr('project'),
                                          zone: expr('zone'),
                                          instance: expr('instance.name'),
                                          body: {
                                            items: expr('wanted'),
                                            fingerprint: expr('instance.tags.fingerprint'),
                                          },
                                        },
                                      },
                                    },
                                  ],
                                },
                              ],
                            },
                          },
                        ],
                      },
                    ],
                  },
                },
              ],
            },
          },
        },
      ],
    },
  };
}
