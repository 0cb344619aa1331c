import { PlanProblem, PlanWarning } from '../errors';
import { FailoverStepRecord } from '../failover-steps';
import { UPTIME_CHECKERS_ALL, UPTIME_CHECKERS_BY_REGION } from '../figures';
import { FailoverTriggerIntent, failoverStepRecordOf } from './runbooks';
import { DrStrategy, ServiceTier } from '../tier';

/**
 * The region-failover runbooks of a Google Cloud service as Cloud Workflows definitions: promote
 * the Cloud SQL DR replica (advanced disaster recovery), scale the standby regional managed
 * instance group to the primary's minimum, and fail back. Each reads its inputs from the
 * workflow's environment (`sys.get_env`), which the engine fills with references, so a definition
 * holds no resource name. The Terraform `FailoverWorkflows` renders them.
 *
 * @see https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery
 * @see https://cloud.google.com/workflows/docs/reference/syntax
 */

/** A Workflows definition (the JSON form of the syntax) with what it needs and records. */
export interface WorkflowPlan {
  /** What the workflow does, one line: its description. */
  readonly title: string;
  /** The definition: `main` with its steps; expressions are `${...}` strings. */
  readonly definition: Record<string, unknown>;
  /** The environment variables the definition reads, each with what the engine must put in it. */
  readonly env: Record<string, string>;
  /** The region-failover step it performs, for the report; undefined for the failback. */
  readonly failover?: FailoverStepRecord;
}

/** What the promotion and scale-up workflows need, in core's terms; false or undefined where not given. */
export interface FailoverWorkflowsIntent {
  readonly tier: ServiceTier;
  /** A Cloud SQL DR replica to promote is given. */
  readonly drReplica: boolean;
  /** A standby autoscaler to raise is given. */
  readonly standbyAutoscaler: boolean;
  /** The primary fleet's minimum, when given and known at synthesis. */
  readonly primaryMinInstances?: number;
  /** The standby fleet's minimum before a failover, when given and known at synthesis. */
  readonly standbyMinInstances?: number;
  /** The standby region and the regions of the DR replica and the standby fleet, where known. */
  readonly region?: string;
  readonly drReplicaRegion?: string;
  readonly standbyRegion?: string;
  /** The primary region, where known: the workflows must not run there. */
  readonly primaryRegion?: string;
  readonly trigger?: FailoverTriggerIntent;
  /**
   * The alert policies that notify the trigger's topic, where the engine was given them; undefined
   * when an alert starts the workflows and none was given (the engine cannot see the evidence).
   */
  readonly alerts?: readonly FailoverAlertIntent[];
  /** The trigger's topic, for messages. */
  readonly topic?: string;
}

/** Environment variable names the definitions read. */
export const WORKFLOW_ENV = {
  PROJECT: 'GOOGLE_CLOUD_PROJECT_ID',
  DR_REPLICA: 'HA_DR_REPLICA',
  PRIMARY_INSTANCE: 'HA_PRIMARY_INSTANCE',
  AUTOSCALER: 'HA_STANDBY_AUTOSCALER',
  AUTOSCALER_REGION: 'HA_STANDBY_REGION',
  GROUP: 'HA_STANDBY_GROUP',
  SERVING_MIN: 'HA_SERVING_MIN_INSTANCES',
  STANDBY_MIN: 'HA_STANDBY_MIN_INSTANCES',
} as const;

/**
 * The problems of the workflows' inputs: something to run, a trigger for a standby region, whole
 * instance counts, and the workflows in the standby region (a runbook in the failed region does not
 * run). An ACTIVE_ACTIVE tier refuses an operator, as the AWS runbooks do.
 */
export function failoverWorkflowsProblems(intent: FailoverWorkflowsIntent): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const fail = (prop: string, message: string) => problems.push({ prop, message });
  if (!intent.drReplica && !intent.standbyAutoscaler) {
    fail('drReplica', 'drReplica or standbyFleet must be given: a runbook with nothing to fail over, got: neither');
  }
  if (!intent.tier.isMultiRegion) {
    fail('tier', `tier must keep a standby region to fail over to, got: ${intent.tier.name} (${intent.tier.strategy})`);
  }
  if (!intent.trigger) {
    fail(
      'trigger',
      'trigger must say what starts the promotion and scale-up workflows (FailoverTrigger.alert or ' +
        'FailoverTrigger.operator): a runbook nobody starts recovers nothing, got: none',
    );
  }
  const trigger = intent.trigger;
  if (trigger && !trigger.alarm && intent.tier.strategy === DrStrategy.ACTIVE_ACTIVE) {
    fail(
      'trigger',
      `trigger must be an alert for ${intent.tier.name}: ${intent.tier.strategy} fails over with no human step, got: an operator`,
    );
  }
  if (trigger && !trigger.alarm && trigger.decisionSeconds !== undefined && !(trigger.decisionSeconds > 0)) {
    fail(
      'trigger',
      `trigger decisionSeconds must be longer than 0, got: ${trigger.decisionText ?? trigger.decisionSeconds}`,
    );
  }
  for (const [prop, value] of [
    ['primaryMinInstances', intent.primaryMinInstances],
    ['standbyMinInstances', intent.standbyMinInstances],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      fail(prop, `${prop} must be a whole number of instances, got: ${value}`);
    }
  }
  const { primaryMinInstances: serving, standbyMinInstances: standby } = intent;
  if (serving !== undefined && standby !== undefined && serving < standby) {
    fail('standbyFleet', `standbyFleet must run fewer instances than the primary, got: ${standby} > ${serving}`);
  }
  if (intent.standbyAutoscaler && serving === 0) {
    fail('primaryFleet', 'primaryFleet must keep at least one instance for the standby to scale to, got: 0');
  }
  if (intent.region !== undefined) {
    if (intent.region === intent.primaryRegion) {
      fail(
        'region',
        `region must be the standby region: a runbook in the primary region ${intent.primaryRegion} is lost with it, got: ${intent.region}`,
      );
      return problems;
    }
    for (const [prop, other] of [
      ['drReplica', intent.drReplicaRegion],
      ['standbyFleet', intent.standbyRegion],
    ] as const) {
      if (other !== undefined && other !== intent.region) {
        fail(prop, `${prop} must be in the workflows' region ${intent.region}, the standby region, got: ${other}`);
      }
    }
  }
  return problems;
}

/** The metric an uptime check writes per checker location: true when the check passed there. */
export const UPTIME_CHECK_PASSED_METRIC = 'monitoring.googleapis.com/uptime_check/check_passed';

/**
 * Checker locations that must fail together before an alert may promote: two. One location failing
 * is one network path (the checker's own, or its route to the region) and proves nothing about the
 * region; two independent checkers agreeing are the witness the AWS runbooks wait for.
 */
export const FAILOVER_ALERT_MIN_FAILING_LOCATIONS = 2;

/** One condition of an alert policy, in core's terms; undefined entries are not literal in the input. */
export interface FailoverAlertConditionIntent {
  /** `threshold` and `absent` conditions are read; `query` ones (MQL, PromQL, SQL) are not. */
  readonly kind: 'threshold' | 'absent' | 'query';
  /** Its monitoring filter (`metric.type="..." AND ...`). */
  readonly filter?: string;
  /** `COMPARISON_GT`, `COMPARISON_GE`, ... */
  readonly comparison?: string;
  readonly thresholdValue?: number;
  /** The cross-series reducer of its aggregations (`REDUCE_COUNT_FALSE`), and the fields it groups by. */
  readonly crossSeriesReducer?: string;
  readonly groupByFields?: readonly string[];
  /** The uptime-check regions of the check it counts (`selected_regions`), where known; empty: all of them. */
  readonly checkerRegions?: readonly string[];
}

/** An alert policy whose incidents start the failover, in core's terms. */
export interface FailoverAlertIntent {
  /** How messages name it (its display name or address). */
  readonly name: string;
  /** `OR` (the default), `AND`, `AND_WITH_MATCHING_RESOURCE`. */
  readonly combiner?: string;
  readonly conditions: readonly FailoverAlertConditionIntent[];
}

/** Whether an alert's incident rests on several checker locations. */
export interface FailoverAlertEvidence {
  /** true: it does; false: one vantage point opens it (or nothing ever does); undefined: not readable. */
  readonly corroborated: boolean | undefined;
  /** What it rests on, or why it does not or cannot be told. */
  readonly why: string;
}

/**
 * Whether an alert that starts a promotion rests on several independent vantage points: an uptime
 * check's `check_passed`, reduced across its checker locations with `REDUCE_COUNT_FALSE` (each
 * location writes its own series) and compared so that at least 2 locations must fail. With `OR`
 * (the default) every condition opens an incident alone, so every one must be corroborated; with
 * `AND` one corroborated condition suffices. A condition on any other metric (a region's latency,
 * errors, replica lag) is one vantage point; one that needs more failing locations than the check
 * has checkers never opens, and the runbooks never start. The checker regions need not exclude the
 * regions involved: a checker lost with a region stops writing, and a missing point is not a failure
 * that `REDUCE_COUNT_FALSE` counts, so it can delay the alert but never open it. Which host the check
 * requests (the primary region's, not the standby's) is not judged here: the templates do not say
 * which region a host name reaches.
 *
 * Example: `COMPARISON_GT` 1 on `REDUCE_COUNT_FALSE` grouped by `resource.label.*`, all regions
 * (6 checkers): 2 failing locations open it → corroborated. `COMPARISON_GT` 0: one location opens
 * it → not. `COMPARISON_GT` 3 with `selected_regions` `[EUROPE, SOUTH_AMERICA, ASIA_PACIFIC]`
 * (3 checkers): 4 must fail → never opens.
 * @see https://cloud.google.com/monitoring/uptime-checks/introduction
 * @see https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies#MetricThreshold
 */
export function failoverAlertEvidence(alert: FailoverAlertIntent): FailoverAlertEvidence {
  const each = alert.conditions.map(conditionEvidence);
  if (each.length === 0) {
    return { corroborated: undefined, why: 'has no condition the library reads' };
  }
  const all = alert.combiner === 'AND' || alert.combiner === 'AND_WITH_MATCHING_RESOURCE';
  const found = (value: boolean | undefined) => each.find((e) => e.corroborated === value);
  if (all) {
    return found(true) ?? found(undefined) ?? found(false)!;
  }
  return found(false) ?? found(undefined) ?? each[0];
}

function conditionEvidence(condition: FailoverAlertConditionIntent): FailoverAlertEvidence {
  const no = (why: string) => ({ corroborated: false, why });
  const unknown = (why: string) => ({ corroborated: undefined, why });
  if (condition.kind === 'query') {
    return unknown('has a query condition (MQL, PromQL or SQL), which the library does not read');
  }
  const metric =
    condition.filter === undefined ? undefined : /metric\.type\s*=\s*"([^"]+)"/.exec(condition.filter)?.[1];
  // An SLO's burn rate (`select_slo_burn_rate(...)`) pages on errors of any cause: a bad deploy, a dependency.
  const slo = condition.filter === undefined ? undefined : /^\s*(select_slo_\w+)\(/.exec(condition.filter)?.[1];
  if (slo !== undefined) {
    return no(
      `watches an SLO (${slo}): it opens on errors of any cause (a deployment, a dependency), not a lost region`,
    );
  }
  if (metric === undefined) {
    return unknown('has a condition whose metric is not literal');
  }
  if (condition.kind === 'absent') {
    return no(`opens when ${metric} stops reporting, which one collector that stops also does`);
  }
  if (metric !== UPTIME_CHECK_PASSED_METRIC) {
    return no(`watches ${metric}: one signal from one place, not uptime checks failing from several locations`);
  }
  const reducer = condition.crossSeriesReducer;
  if (reducer === undefined || reducer === 'REDUCE_NONE') {
    return no('reduces no series across checker locations: each location failing alone opens it');
  }
  if (reducer !== 'REDUCE_COUNT_FALSE') {
    return unknown(`reduces the checker locations with ${reducer}: how many must fail is not read`);
  }
  if ((condition.groupByFields ?? []).some((f) => /checker_location$/.test(f))) {
    return no('groups by checker_location: each location is counted apart, so one location decides');
  }
  const threshold = condition.thresholdValue;
  if (threshold === undefined) {
    return unknown('has a threshold that is not literal');
  }
  const failing =
    condition.comparison === 'COMPARISON_GT'
      ? Math.floor(threshold) + 1
      : condition.comparison === 'COMPARISON_GE'
        ? Math.max(0, Math.ceil(threshold))
        : undefined;
  if (failing === undefined) {
    return unknown(`compares the count of failing locations with ${condition.comparison ?? 'no comparison'}`);
  }
  if (failing < FAILOVER_ALERT_MIN_FAILING_LOCATIONS) {
    return no(
      `opens when ${failing} checker location fails: one vantage point's path decides; count more than one ` +
        '(COMPARISON_GT 1 on REDUCE_COUNT_FALSE)',
    );
  }
  const checkers = checkerCount(condition.checkerRegions);
  if (checkers !== undefined && failing > checkers) {
    return no(
      `needs ${failing} failing locations of the ${checkers} checkers its uptime check runs from: it never opens, ` +
        'and nothing starts the runbooks',
    );
  }
  const of = checkers === undefined ? '' : ` of ${checkers}`;
  return {
    corroborated: true,
    why: `opens when uptime checks fail from at least ${failing} checker locations${of}`,
  };
}

/** Checkers of an uptime check's selected regions (none selected: all); undefined for a region not known. */
function checkerCount(regions: readonly string[] | undefined): number | undefined {
  if (regions === undefined) {
    return undefined;
  }
  if (regions.length === 0) {
    return UPTIME_CHECKERS_ALL;
  }
  // USA holds the three USA_* checkers: a check selecting both counts each checker once.
  const selected = new Set(regions.flatMap((r) => (r === 'USA' ? ['USA_OREGON', 'USA_IOWA', 'USA_VIRGINIA'] : [r])));
  const counts = [...selected].map((r) => UPTIME_CHECKERS_BY_REGION[r]);
  return counts.some((c) => c === undefined) ? undefined : counts.reduce((a, b) => a + b, 0);
}

/**
 * The warnings of the workflows' inputs: a promotion an alert starts whose evidence the engine
 * cannot see, or sees resting on one vantage point. A warning, not a refusal, as on AWS: the
 * policy may be built elsewhere; HA-DR10 judges the templates.
 */
export function failoverWorkflowsWarnings(intent: FailoverWorkflowsIntent): PlanWarning[] {
  if (!intent.trigger?.alarm || !intent.drReplica) {
    return [];
  }
  const topic = intent.topic ?? 'its topic';
  if (intent.alerts === undefined || intent.alerts.length === 0) {
    return [
      {
        id: 'trigger',
        message:
          `trigger is an alert on ${topic} whose policies the construct cannot see: every incident notified there ` +
          'promotes the DR replica, losing the writes not yet replicated; give FailoverTrigger.alert the alert ' +
          'policies that notify it (alertPolicies), each counting uptime checks failing from more than one location',
      },
    ];
  }
  return intent.alerts.flatMap((alert): PlanWarning[] => {
    const evidence = failoverAlertEvidence(alert);
    if (evidence.corroborated === true) {
      return [];
    }
    return [
      {
        id: 'trigger',
        message:
          evidence.corroborated === false
            ? `trigger alert ${alert.name} ${evidence.why}: one vantage point promotes the DR replica, losing the ` +
              'writes not yet replicated; alert on uptime checks failing from more than one location'
            : `trigger alert ${alert.name} ${evidence.why}: whether more than one vantage point must agree before ` +
              'the promotion is not known',
      },
    ];
  });
}

/** A Workflows expression: `${...}`. */
const expr = (text: string) => '${' + text + '}';
const env = (name: string) => expr(`sys.get_env("${name}")`);

/** Steps that default a missing `args` to an empty map, so that `map.get(args, ...)` never fails. */
const ARGS_STEPS = [
  {
    defaultArgs: {
      switch: [{ condition: expr('args == null'), steps: [{ emptyArgs: { assign: [{ args: {} }] } }] }],
    },
  },
];

/**
 * Steps that read an Eventarc event from a Cloud Monitoring Pub/Sub notification channel: an
 * incident that opens starts a `failover`, any other notification (a closed incident) ends the run.
 * @see https://cloud.google.com/monitoring/support/notification-options#pubsub
 */
const ALERT_EVENT_STEPS = [
  {
    fromAlert: {
      switch: [
        {
          condition: expr('map.get(args, "type") == "google.cloud.pubsub.topic.v1.messagePublished"'),
          steps: [
            {
              readIncident: {
                assign: [{ incident: expr('map.get(json.decode(base64.decode(args.data.message.data)), "incident")') }],
              },
            },
            {
              onlyOpened: {
                switch: [
                  {
                    condition: expr('incident == null or map.get(incident, "state") != "open"'),
                    return: { started: false, reason: 'the notification is not an incident that opens' },
                  },
                ],
              },
            },
            { alertMeansFailover: { assign: [{ mode: 'failover' }] } },
          ],
        },
      ],
    },
  },
];

/** Inputs of the promotion workflow. */
export interface PromotionWorkflowInputs {
  readonly service: string;
  readonly tier: ServiceTier;
  /** The standby region, for the title. */
  readonly region: string;
  readonly trigger?: FailoverTriggerIntent;
}

/**
 * The promotion: Cloud SQL advanced DR makes the designated DR replica the writer, in the `mode`
 * whoever starts it chooses (no default: the wrong one fails in an outage or loses writes in a
 * planned move): `failover` (`instances.promoteReplica` with `failover=true`: the primary region is
 * lost; writes not yet replicated are lost, and Cloud SQL adds the old primary back as a replica
 * when its region returns) or `switchover` (`instances.switchover`: both regions up, no data loss).
 * An alert's incident that opens means `failover`. A re-run finds the replica already writing and
 * stops. The connector waits for the operation up to the tier's region RTO, then fails, so a
 * failed execution says the objective was missed. The write endpoint follows the new writer.
 *
 * Example: TIER_2 (region RTO 3600 s): `gcloud workflows run <name> --location=<standby>
 * --data='{"mode":"failover"}'` promotes and waits at most 3600 s.
 * @see https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery
 * @see https://cloud.google.com/workflows/docs/reference/googleapis/sqladmin/Overview
 */
export function promotionWorkflowPlan(inputs: PromotionWorkflowInputs): WorkflowPlan {
  const instance = { project: expr('project'), instance: expr('replica') };
  const wait = { connector_params: { timeout: inputs.tier.regionRtoSeconds } };
  return {
    title:
      `Promote the Cloud SQL DR replica of ${inputs.service} in ${inputs.region} to writer ` +
      '(args: {"mode": "failover"} when the primary region is lost, {"mode": "switchover"} when both are up)',
    env: {
      [WORKFLOW_ENV.PROJECT]: 'the project',
      [WORKFLOW_ENV.DR_REPLICA]: 'name of the designated DR replica',
    },
    definition: {
      main: {
        params: ['args'],
        steps: [
          ...ARGS_STEPS,
          {
            init: {
              assign: [
                { project: env(WORKFLOW_ENV.PROJECT) },
                { replica: env(WORKFLOW_ENV.DR_REPLICA) },
                { mode: expr('default(map.get(args, "mode"), "")') },
              ],
            },
          },
          ...ALERT_EVENT_STEPS,
          {
            checkMode: {
              switch: [
                {
                  condition: expr('not(mode in ["failover", "switchover"])'),
                  raise: expr(
                    '"mode must be failover (the primary region is lost: writes not yet replicated are lost) or ' +
                      'switchover (both regions up, no data loss), got: " + mode',
                  ),
                },
              ],
            },
          },
          { readReplica: { call: 'googleapis.sqladmin.v1.instances.get', args: instance, result: 'before' } },
          {
            alreadyWriter: {
              switch: [
                {
                  condition: expr('before.instanceType == "CLOUD_SQL_INSTANCE"'),
                  return: { promoted: false, writer: expr('replica'), reason: 'the DR replica already writes' },
                },
              ],
            },
          },
          {
            promote: {
              switch: [
                {
                  condition: expr('mode == "failover"'),
                  steps: [
                    {
                      replicaFailover: {
                        call: 'googleapis.sqladmin.v1.instances.promoteReplica',
                        args: { ...instance, failover: true, ...wait },
                      },
                    },
                  ],
                },
                {
                  condition: true,
                  steps: [
                    {
                      switchover: {
                        call: 'googleapis.sqladmin.v1.instances.switchover',
                        args: { ...instance, ...wait },
                      },
                    },
                  ],
                },
              ],
            },
          },
          { readWriter: { call: 'googleapis.sqladmin.v1.instances.get', args: instance, result: 'after' } },
          {
            confirm: {
              switch: [
                {
                  condition: expr('after.instanceType != "CLOUD_SQL_INSTANCE"'),
                  raise: expr('"the " + mode + " ended but " + replica + " is " + after.instanceType'),
                },
              ],
            },
          },
          {
            done: {
              return: {
                promoted: true,
                mode: expr('mode'),
                writer: expr('replica'),
                writeEndpoint: expr('map.get(after, ["replicationCluster", "psaWriteEndpoint"])'),
              },
            },
          },
        ],
      },
    },
    failover: failoverStepRecordOf('promotion', inputs.trigger),
  };
}

/** Inputs of the scale-up workflow. */
export interface ScaleUpWorkflowInputs {
  readonly service: string;
  readonly tier: ServiceTier;
  readonly region: string;
  readonly trigger?: FailoverTriggerIntent;
}

/** Seconds between two reads of the group while the scale-up waits for it. */
const POLL_SECONDS = 30;

/**
 * The scale-up: raise the standby regional autoscaler's minimum to the primary fleet's (a pilot
 * light at zero has no load for a CPU-driven autoscaler to read, so only its minimum grows it),
 * keeping the rest of its policy; then wait, every 30 s up to the tier's region RTO, until the
 * group is stable at that size. Once raised (a re-run, an alert that fires again) it only waits.
 * Compute Engine publishes no time to create and boot instances: a region drill measures it.
 *
 * Example: primary minimum 2, standby at 0, TIER_2: the minimum becomes 2; the run fails after
 * 3600 s if the group is not stable by then.
 * @see https://cloud.google.com/compute/docs/reference/rest/v1/regionAutoscalers/patch
 */
export function scaleUpWorkflowPlan(inputs: ScaleUpWorkflowInputs): WorkflowPlan {
  return {
    title: `Scale the standby fleet of ${inputs.service} in ${inputs.region} to the primary's minimum`,
    env: {
      [WORKFLOW_ENV.PROJECT]: 'the project',
      [WORKFLOW_ENV.AUTOSCALER]: "name of the standby group's regional autoscaler",
      [WORKFLOW_ENV.AUTOSCALER_REGION]: 'its region',
      [WORKFLOW_ENV.GROUP]: 'name of the standby regional managed instance group',
      [WORKFLOW_ENV.SERVING_MIN]: "the primary fleet's minimum",
    },
    definition: {
      main: { params: ['args'], steps: setMinimumSteps(WORKFLOW_ENV.SERVING_MIN, inputs.tier.regionRtoSeconds, true) },
    },
    failover: failoverStepRecordOf('scale-up', inputs.trigger),
  };
}

/**
 * Steps that set the standby autoscaler's minimum to the count in environment variable `target`
 * and, with `wait`, wait up to `timeoutSeconds` for the group to be stable at it.
 */
function setMinimumSteps(target: string, timeoutSeconds: number, wait: boolean): Record<string, unknown>[] {
  const autoscaler = {
    project: expr('project'),
    region: expr('region'),
    autoscaler: expr('autoscaler'),
  };
  return [
    {
      initScale: {
        assign: [
          { project: env(WORKFLOW_ENV.PROJECT) },
          { region: env(WORKFLOW_ENV.AUTOSCALER_REGION) },
          { autoscaler: env(WORKFLOW_ENV.AUTOSCALER) },
          { group: env(WORKFLOW_ENV.GROUP) },
          { target: expr(`int(sys.get_env("${target}"))`) },
        ],
      },
    },
    { readAutoscaler: { call: 'googleapis.compute.v1.regionAutoscalers.get', args: autoscaler, result: 'scaler' } },
    {
      setMinimum: {
        switch: [
          {
            condition: expr('scaler.autoscalingPolicy.minNumReplicas != target'),
            steps: [
              {
                patchAutoscaler: {
                  call: 'googleapis.compute.v1.regionAutoscalers.patch',
                  args: {
                    ...autoscaler,
                    body: {
                      name: expr('autoscaler'),
                      target: expr('scaler.target'),
                      autoscalingPolicy: expr('map.merge(scaler.autoscalingPolicy, {"minNumReplicas": target})'),
                    },
                  },
                },
              },
            ],
          },
        ],
      },
    },
    ...(wait
      ? [
          { initWait: { assign: [{ waited: 0 }] } },
          {
            readGroup: {
              call: 'googleapis.compute.v1.regionInstanceGroupManagers.get',
              args: { project: expr('project'), region: expr('region'), instanceGroupManager: expr('group') },
              result: 'managed',
            },
          },
          {
            stableYet: {
              switch: [
                {
                  condition: expr('managed.status.isStable and managed.targetSize >= target'),
                  return: {
                    minimum: expr('target'),
                    targetSize: expr('managed.targetSize'),
                    waitedSeconds: expr('waited'),
                  },
                },
                {
                  condition: expr(`waited >= ${timeoutSeconds}`),
                  raise: expr(
                    `"the group " + group + " is not stable at " + string(target) + " instances after ${timeoutSeconds} s, ` +
                      `the tier's region RTO"`,
                  ),
                },
              ],
            },
          },
          { pause: { call: 'sys.sleep', args: { seconds: POLL_SECONDS } } },
          { count: { assign: [{ waited: expr(`waited + ${POLL_SECONDS}`) }], next: 'readGroup' } },
        ]
      : [{ scaledDown: { return: { minimum: expr('target') } } }]),
  ];
}

/** Inputs of the failback workflow. */
export interface FailbackWorkflowInputs {
  readonly service: string;
  readonly tier: ServiceTier;
  /** The standby region, where the workflows run. */
  readonly region: string;
  readonly drReplica: boolean;
  readonly standbyAutoscaler: boolean;
}

/**
 * The failback, which a person starts once the primary region is healthy again: (1) the old primary
 * must be the DR replica of the promoted instance again (Cloud SQL adds it back after a replica
 * failover once its region is online; the run stops if it has not), (2) a switchover returns the
 * writer to it with no data loss, (3) the standby autoscaler goes back to its standby minimum.
 * Then deploy with the database's `activeRegion` back at its `region`. Writes a failover lost
 * are not recovered.
 */
export function failbackWorkflowPlan(inputs: FailbackWorkflowInputs): WorkflowPlan {
  const instance = { project: expr('project'), instance: expr('primary') };
  const database = inputs.drReplica
    ? [
        {
          initDatabase: {
            assign: [{ project: env(WORKFLOW_ENV.PROJECT) }, { primary: env(WORKFLOW_ENV.PRIMARY_INSTANCE) }],
          },
        },
        { readPrimary: { call: 'googleapis.sqladmin.v1.instances.get', args: instance, result: 'old' } },
        {
          primaryIsDrReplica: {
            switch: [
              {
                condition: expr('old.instanceType == "CLOUD_SQL_INSTANCE"'),
                next: 'databaseBack',
              },
              {
                condition: expr('map.get(old, ["replicationCluster", "drReplica"]) != true'),
                raise: expr(
                  'primary + " is not the DR replica of the writer yet: wait until Cloud SQL has added it back ' +
                    'after the failover (or designate it), then run this again"',
                ),
              },
            ],
          },
        },
        {
          switchBack: {
            call: 'googleapis.sqladmin.v1.instances.switchover',
            args: { ...instance, connector_params: { timeout: inputs.tier.regionRtoSeconds } },
          },
        },
        { databaseBack: { assign: [{ writer: expr('primary') }] } },
      ]
    : [];
  const fleet = inputs.standbyAutoscaler
    ? setMinimumSteps(WORKFLOW_ENV.STANDBY_MIN, inputs.tier.regionRtoSeconds, false)
    : [{ done: { return: { writer: expr('primary') } } }];
  return {
    title:
      `Fail ${inputs.service} back from ${inputs.region}: switch the database over to the original primary, ` +
      'then scale the standby fleet back down (run it once the primary region is healthy)',
    env: {
      [WORKFLOW_ENV.PROJECT]: 'the project',
      ...(inputs.drReplica ? { [WORKFLOW_ENV.PRIMARY_INSTANCE]: 'name of the original primary instance' } : {}),
      ...(inputs.standbyAutoscaler
        ? {
            [WORKFLOW_ENV.AUTOSCALER]: "name of the standby group's regional autoscaler",
            [WORKFLOW_ENV.AUTOSCALER_REGION]: 'its region',
            [WORKFLOW_ENV.GROUP]: 'name of the standby regional managed instance group',
            [WORKFLOW_ENV.STANDBY_MIN]: "the standby fleet's minimum before the failover",
          }
        : {}),
    },
    definition: { main: { params: ['args'], steps: [...database, ...fleet] } },
  };
}
