import { PlanProblem } from '../errors';
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
 * when it finds repair already off: a drill cancelled mid-way leaves it so, and the next one must
 * not make that the normal state. Terraform (provider 6.50) does not manage that field, so an apply
 * during a drill leaves it alone.
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
  /** The workflow's definition; its inputs are read from the environment ({@link ZONE_DRILL_ENV}). */
  readonly definition: Record<string, unknown>;
  readonly problems: PlanProblem[];
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
/** What the drill sets while it runs: the group leaves instances that fail their health check alone. */
const REPAIR_SUSPENDED = 'DO_NOTHING';
/** What the API reports when nobody set the field: the group's `defaultActionOnFailure` applies. */
const REPAIR_DEFAULT = 'DEFAULT_ACTION';
const MIN_DEFAULT_MINUTES = 10;
const POLL_SECONDS = 30;
const FIREWALL_PRIORITY = 100;
const CRON = /^\S+(\s+\S+){4}$/;

/**
 * Plans the drill. Duration `durationMinutes`, or `min(720, max(10, ⌈2 × azRtoSeconds / 60⌉))`
 * (recover, then hold steady state as long again); the zone must be one of the fleet's, in its
 * region, and the fleet must keep another zone to evacuate to.
 *
 * Example: TIER_1 (AZ RTO 120 s): 10 minutes, polled every 30 s, recovery judged against 120 s;
 * TIER_3 (AZ RTO 900 s): 30 minutes.
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
  return {
    durationMinutes,
    pollSeconds: POLL_SECONDS,
    recoveryObjectiveSeconds: tier.azRtoSeconds,
    firewallPriority: FIREWALL_PRIORITY,
    stopSubscription: { ackDeadlineSeconds: 2 * POLL_SECONDS, messageRetentionSeconds: 3600 },
    definition: zoneDrillDefinition(durationMinutes * 60, tier.azRtoSeconds, intent.regionalBackend ?? false),
    problems,
  };
}

const expr = (text: string) => '${' + text + '}';
const env = (name: string) => expr(`sys.get_env("${name}")`);
const OAUTH = { type: 'OAuth2' };

/** The drill's workflow: freeze check, fault, watch (stop, re-tag, measure), rollback, verdict. */
function zoneDrillDefinition(
  durationSeconds: number,
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
                  "the group's health-check repair is already off (onFailedHealthCheck DO_NOTHING): a drill cancelled " +
                  'mid-way leaves it so; put it back (DEFAULT_ACTION) once the instances are healthy, then drill',
              },
            ],
          },
        },
        { markStart: { assign: [{ started: expr('sys.now()') }] } },
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
