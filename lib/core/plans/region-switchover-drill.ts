import { fastestPageAlert } from '../burn-rate';
import { cronMaxGapDays } from '../cron';
import { PlanProblem, PlanWarning } from '../errors';
import {
  STOP_REQUESTED,
  freezeGuardSteps,
  stopRequestedSubworkflow,
  workflowExpr as expr,
} from './google-drill-guards';
import { ServiceTier } from '../tier';

/**
 * The plan of a region drill on Google Cloud: a reversible rehearsal of the region failover, as a
 * Cloud Workflows workflow in the standby region that runs the service's own runbooks
 * (`FailoverWorkflows`) and times each step the report cannot bound from Google's figures:
 *
 * 1. `promotion`: the promotion runbook in `switchover` mode (Cloud SQL advanced DR moves the
 *    writer to the DR replica with no data loss; it waits for the replica to catch up and swaps
 *    both roles, so it does at least the work a replica failover does when the primary is lost);
 * 2. `scale-up`: the scale-up runbook, until the load balancer sees the primary's minimum of
 *    healthy instances in the standby group;
 * 3. the primary's backends drained (capacity scaler 0) until the service's URL answers through the
 *    global load balancer three times in a row: the standby serves, and keeps serving alone for
 *    the hold;
 * 4. the failback: the primary's capacity restored, then the failback runbook (switchover back,
 *    standby minimum down).
 *
 * It does not start in a freeze (error budget spent or unknown); an SLO incident that opens stops
 * it, and any failure rolls back what it did (capacity restored, failback run). Each wait is
 * bounded by the tier's region RTO: a step slower than the objective fails the run. The result
 * lists the measurements in the form `recordDrillMeasurement` takes (whole seconds, rounded up);
 * started by the paged on-call with the page's time (`{"pagedAt": "<RFC 3339>"}`), it also times
 * the `decision`, from the page to its start. A scheduled run times no decision.
 *
 * The standby is a `RegionalFleet` (one regional instance group) or a GKE cluster whose node pool's
 * instance groups (one per zone) serve the load balancer through a Local node port, where a node
 * passes the health check only while it runs a ready pod. No runbook resizes a node pool or raises
 * a workload's minimum, so a GKE standby must keep what the primary keeps: its switchover times the
 * promotion alone. Before the drain, the standby must show as many healthy backends as the primary
 * has at its minimum: its minimum instances, or for a cluster min(nodes, pods), the most nodes its
 * pods can make healthy. Healthy nodes never outnumber ready pods, so the gate never passes on
 * fewer pods than that; pods packed two to a node hold it shut, and the drill rolls back rather
 * than drain onto less.
 *
 * @see https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery
 * @see https://cloud.google.com/load-balancing/docs/backend-service#capacity_scaler
 * @see https://cloud.google.com/workflows/docs/reference/googleapis/workflowexecutions/Overview
 */

/** What the drill takes, in core's terms; undefined where unknown at synthesis. */
export interface RegionSwitchoverDrillIntent {
  /** The runbooks have a promotion workflow (a Cloud SQL DR replica to switch over to). */
  readonly promotion: boolean;
  /** The runbooks have a scale-up workflow (a standby fleet below the primary's minimum). */
  readonly scaleUp: boolean;
  /** The drill's region, the runbooks' region and the primary fleet's region. */
  readonly region?: string;
  readonly runbooksRegion?: string;
  readonly primaryRegion?: string;
  /** The standby's region (its fleet's or its cluster's): the runbooks' region. */
  readonly standbyRegion?: string;
  /** Which of the four backend props were given: one pair, of fleets or of clusters. */
  readonly given: {
    readonly primaryFleet: boolean;
    readonly standbyFleet: boolean;
    readonly primaryCluster: boolean;
    readonly standbyCluster: boolean;
  };
  /** The primary fleet's minimum instances, where known. */
  readonly primaryMinInstances?: number;
  /** Minimum nodes and pods of the GKE clusters and their workloads, where known. */
  readonly clusters?: {
    readonly primaryNodes?: number;
    readonly primaryPods?: number;
    readonly standbyNodes?: number;
    readonly standbyPods?: number;
  };
  /** @default - the fastest burn-rate page's long window (60 min for a 30-day SLO) */
  readonly holdMinutes?: number;
  /** A Cloud Scheduler cron schedule (five fields), when the drill runs on its own. */
  readonly schedule?: string;
}

/** What the engines render. */
export interface RegionSwitchoverDrillPlan {
  /** Minutes the standby serves alone before the failback. */
  readonly holdMinutes: number;
  /** Seconds between two reads of the stop subscription and the load balancer's view. */
  readonly pollSeconds: number;
  /** The bound on each wait (promotion, scale-up, serving): the tier's region RTO. */
  readonly stepTimeoutSeconds: number;
  /** Answers in a row through the load balancer that show the standby serves. */
  readonly servingAnswers: number;
  /** The longest gap between two scheduled runs, in days, when a schedule is given. */
  readonly scheduleGapDays?: number;
  /**
   * Healthy backends the standby must show before the primary is drained: the primary fleet's
   * minimum, or min(nodes, pods) of the primary cluster; undefined where unknown at synthesis.
   */
  readonly servingMinimum?: number;
  /** The steps the result measures, in the form `recordDrillMeasurement` takes. */
  readonly measuredSteps: readonly ('promotion' | 'scale-up')[];
  /** The stop subscription: see the zone drill's. */
  readonly stopSubscription: { readonly ackDeadlineSeconds: number; readonly messageRetentionSeconds: number };
  /** The workflow's definition; its inputs are read from the environment ({@link REGION_DRILL_ENV}). */
  readonly definition: Record<string, unknown>;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** Environment variables the drill's definition reads. */
export const REGION_DRILL_ENV = {
  RUNBOOKS_REGION: 'HA_RUNBOOKS_REGION',
  PROMOTION: 'HA_PROMOTION_WORKFLOW',
  SCALE_UP: 'HA_SCALE_UP_WORKFLOW',
  FAILBACK: 'HA_FAILBACK_WORKFLOW',
  BACKEND_SERVICE: 'HA_BACKEND_SERVICE',
  /** Instance groups, comma-separated: a fleet's one, or a node pool's one per zone. */
  PRIMARY_GROUPS: 'HA_PRIMARY_INSTANCE_GROUPS',
  STANDBY_GROUPS: 'HA_STANDBY_INSTANCE_GROUPS',
  SERVING_MIN: 'HA_SERVING_MIN_INSTANCES',
  URL: 'HA_SERVICE_URL',
  STOP_SUBSCRIPTION: 'HA_STOP_SUBSCRIPTION',
  SLO: 'HA_SLO',
} as const;

const POLL_SECONDS = 15;
const SERVING_ANSWERS = 3;
const MAX_HOLD_MINUTES = 720;
const CRON = /^\S+(\s+\S+){4}$/;

/**
 * Plans the drill. Hold `holdMinutes`, or the fastest burn-rate page's long window (the time a
 * change bakes before that page can judge it: 60 min for a 30-day SLO); each wait bounded by the
 * tier's region RTO; polled every 15 s (a measurement is late by up to one poll: never in our
 * favour). The drill runs in the runbooks' region, not the primary's; a schedule must run at least
 * every `drillIntervalDays` (else a warning:
 * its measurements go stale between runs).
 *
 * Example: TIER_2 (region RTO 3600 s, 99.9 %, drill interval 92 days), schedule `0 9 15 1,4,7,10 *`:
 * hold 60 min, each step bounded by 3600 s, runs at most 92 days apart: no warning.
 *
 * Example on GKE: TIER_1 (region RTO 900 s), both clusters at 9 nodes with 9 pods, a promotion
 * runbook only: the promotion timed, the drain waits for min(9, 9) = 9 healthy standby nodes,
 * each wait bounded by 900 s.
 */
export function planRegionSwitchoverDrill(
  tier: ServiceTier,
  intent: RegionSwitchoverDrillIntent,
): RegionSwitchoverDrillPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const fail = (prop: string, message: string) => problems.push({ prop, message });
  if (!tier.isMultiRegion) {
    fail('tier', `tier must keep a standby region to rehearse a failover to, got: ${tier.name} (${tier.strategy})`);
  }
  if (!intent.promotion && !intent.scaleUp) {
    fail(
      'runbooks',
      'runbooks must have a promotion or a scale-up workflow for the drill to time, got: a failback only',
    );
  }
  if (intent.region !== undefined && intent.region === intent.primaryRegion) {
    fail(
      'region',
      `region must be the standby region: a drill in the primary region ${intent.primaryRegion} is lost with it, ` +
        `got: ${intent.region}`,
    );
  } else if (
    intent.region !== undefined &&
    intent.runbooksRegion !== undefined &&
    intent.region !== intent.runbooksRegion
  ) {
    fail('region', `region must be the runbooks' region ${intent.runbooksRegion}, got: ${intent.region}`);
  }
  const { given } = intent;
  // Clusters only: a mix of kinds is one problem (backendProblems), not a cluster's too.
  const onClusters = (given.primaryCluster || given.standbyCluster) && !given.primaryFleet && !given.standbyFleet;
  const standbyProp = onClusters ? 'standbyCluster' : 'standbyFleet';
  backendProblems(intent, fail);
  if (
    intent.standbyRegion !== undefined &&
    intent.runbooksRegion !== undefined &&
    intent.standbyRegion !== intent.runbooksRegion
  ) {
    fail(
      standbyProp,
      `${standbyProp} must serve in the runbooks' region ${intent.runbooksRegion}, got: one in ${intent.standbyRegion}`,
    );
  }
  if (onClusters && intent.scaleUp) {
    fail(
      'runbooks',
      'runbooks must not scale a fleet up when the standby is a GKE cluster (the drill would time a fleet that ' +
        'does not serve), got: a scale-up workflow',
    );
  }
  const c = intent.clusters ?? {};
  const smaller = (standby?: number, primary?: number) =>
    standby !== undefined && primary !== undefined && standby < primary;
  if (onClusters && (smaller(c.standbyNodes, c.primaryNodes) || smaller(c.standbyPods, c.primaryPods))) {
    fail(
      'standbyCluster',
      "standbyCluster must keep what the primary keeps (no runbook resizes a node pool or raises a workload's " +
        `minimum), got: ${c.standbyNodes} nodes and ${c.standbyPods} pods for the primary's ` +
        `${c.primaryNodes} and ${c.primaryPods}`,
    );
  }
  const fastest = fastestPageAlert(tier.availabilityTarget);
  const explicit = intent.holdMinutes;
  const holdMinutes = explicit ?? Math.ceil(fastest.longWindowSeconds / 60);
  if (explicit !== undefined && (!Number.isInteger(explicit) || explicit < 1 || explicit > MAX_HOLD_MINUTES)) {
    fail('holdMinutes', `holdMinutes must be a whole number from 1 to ${MAX_HOLD_MINUTES}, got: ${explicit}`);
  }
  let scheduleGapDays: number | undefined;
  if (intent.schedule !== undefined) {
    scheduleGapDays = CRON.test(intent.schedule.trim()) ? cronMaxGapDays(intent.schedule) : undefined;
    if (scheduleGapDays === undefined) {
      fail(
        'schedule',
        `schedule must be a cron expression of five fields (0 9 15 1,4,7,10 *), got: ${intent.schedule}`,
      );
    } else if (scheduleGapDays > tier.drillIntervalDays) {
      warnings.push({
        id: 'schedule',
        message:
          `schedule ${intent.schedule} ` +
          `${scheduleGapDays === Infinity ? 'never runs' : `runs up to ${scheduleGapDays} days apart`}, ` +
          `longer than ${tier.name}'s drill interval of ${tier.drillIntervalDays} days: ` +
          'its measurements go stale between runs',
      });
    }
  }
  const measuredSteps = [
    ...(intent.promotion ? ['promotion' as const] : []),
    ...(intent.scaleUp ? ['scale-up' as const] : []),
  ];
  const servingMinimum = onClusters
    ? c.primaryNodes === undefined || c.primaryPods === undefined
      ? undefined
      : Math.min(c.primaryNodes, c.primaryPods)
    : intent.primaryMinInstances;
  return {
    holdMinutes,
    servingMinimum,
    pollSeconds: POLL_SECONDS,
    stepTimeoutSeconds: tier.regionRtoSeconds,
    servingAnswers: SERVING_ANSWERS,
    scheduleGapDays,
    measuredSteps,
    stopSubscription: { ackDeadlineSeconds: 4 * POLL_SECONDS, messageRetentionSeconds: 3600 },
    definition: regionDrillDefinition(intent.promotion, intent.scaleUp, holdMinutes * 60, tier.regionRtoSeconds),
    problems,
    warnings,
  };
}

/**
 * The drill drains one region's backends and serves from the other's: one pair, both fleets or
 * both clusters.
 */
function backendProblems(intent: RegionSwitchoverDrillIntent, fail: (prop: string, message: string) => void): void {
  const { given } = intent;
  const fleets = given.primaryFleet || given.standbyFleet;
  const clusters = given.primaryCluster || given.standbyCluster;
  if (!fleets && !clusters) {
    fail(
      'primaryFleet',
      'primaryFleet and standbyFleet, or primaryCluster and standbyCluster, must be given (the drill drains ' +
        "one region's backends and serves from the other's), got: none",
    );
  } else if (fleets && clusters) {
    fail(
      given.primaryCluster ? 'primaryCluster' : 'standbyCluster',
      'primaryCluster and standbyCluster must not be given with primaryFleet or standbyFleet (one pair: the ' +
        "drill compares the standby's backends with the primary's), got: both kinds",
    );
  } else {
    const [primary, standby] = fleets ? ['primaryFleet', 'standbyFleet'] : ['primaryCluster', 'standbyCluster'];
    const missing = !given[primary as keyof typeof given]
      ? primary
      : !given[standby as keyof typeof given]
        ? standby
        : undefined;
    if (missing !== undefined) {
      fail(missing, `${missing} must be given with ${missing === primary ? standby : primary}, got: none`);
    }
  }
}

const env = (name: string) => expr(`sys.get_env("${name}")`);
/** A comma-separated list from the environment. */
const envList = (name: string) => expr(`text.split(sys.get_env("${name}"), ",")`);
/** Whole seconds since `since`, rounded up: a measurement is never shorter than what happened. */
const secondsSince = (since: string) => expr(`int(sys.now() - ${since}) + 1`);
const RUN = 'googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run';

/** Runs a runbook (by the variable holding its name) and waits for its result, as the drill's own step. */
function runRunbook(
  step: string,
  workflow: string,
  argument: Record<string, unknown>,
  regionRtoSeconds: number,
  result?: string,
) {
  return {
    [step]: {
      call: RUN,
      args: {
        workflow_id: expr(workflow),
        location: expr('location'),
        project_id: expr('project'),
        argument,
        // A runbook bounds each of its waits by the region RTO, and the failback waits twice (switchover, then reads).
        connector_params: { timeout: 2 * regionRtoSeconds },
      },
      ...(result ? { result } : {}),
    },
  };
}

/** Reads the stop subscription; an incident that opened fails the drill (and so rolls it back). */
function stopCheck(step: string): Record<string, unknown>[] {
  return [
    { [step]: { call: STOP_REQUESTED, args: { subscription: expr('subscription') }, result: 'stoppedBy' } },
    {
      [`${step}Verdict`]: {
        switch: [
          { condition: expr('stoppedBy != null'), raise: expr('"drill stopped and rolled back: " + stoppedBy') },
        ],
      },
    },
  ];
}

/** The drill's workflow: guard, promotion, scale-up, serving from the standby, hold, failback, result. */
function regionDrillDefinition(
  promotion: boolean,
  scaleUp: boolean,
  holdSeconds: number,
  timeoutSeconds: number,
): Record<string, unknown> {
  const measurement = (step: string, seconds: string) => ({
    step,
    seconds: expr(seconds),
    measuredOn: expr('text.substring(time.format(started), 0, 10)'),
    drill: expr('drill'),
  });
  const promote = promotion
    ? [
        { markPromotion: { assign: [{ stepStart: expr('sys.now()') }] } },
        runRunbook('promote', 'promotion', { mode: 'switchover' }, timeoutSeconds, 'promoted'),
        {
          fromDeployedLayout: {
            switch: [
              {
                // Nothing was switched: nothing to fail back (the rollback reads `switched`).
                condition: expr('not(promoted.promoted)'),
                raise:
                  'the DR replica already writes: run the failback runbook first, ' +
                  'the drill rehearses from the deployed layout',
              },
            ],
          },
        },
        { promotionTimed: { assign: [{ switched: true }, { promotionSeconds: secondsSince('stepStart') }] } },
        ...stopCheck('afterPromotion'),
      ]
    : [];
  const scale = [
    { markScaleUp: { assign: [{ stepStart: expr('sys.now()') }] } },
    // Marked before the run: the runbook raises the minimum first, so a failure after it still needs the failback.
    ...(scaleUp
      ? [{ scaling: { assign: [{ scaled: true }] } }, runRunbook('scaleUp', 'scaleUpWorkflow', {}, timeoutSeconds)]
      : []),
    {
      standbyHealthy: {
        call: 'waitHealthy',
        args: {
          project: expr('project'),
          backend: expr('backend'),
          groups: expr('standbyGroups'),
          target: expr('servingMin'),
          timeout: timeoutSeconds,
          subscription: expr('subscription'),
        },
      },
    },
    { scaleUpTimed: { assign: [{ scaleUpSeconds: secondsSince('stepStart') }] } },
  ];
  const setPrimaryCapacity = (step: string, scaler: number | string) => ({
    [step]: {
      call: 'setCapacity',
      args: {
        project: expr('project'),
        backend: expr('backend'),
        groups: expr('primaryGroups'),
        // A number for every group, or the variable that holds each group's own (what the drain found).
        ...(typeof scaler === 'number' ? { scaler, previous: null } : { scaler: null, previous: expr(scaler) }),
      },
      result: 'previousScalers',
    },
  });
  // Undoes what the drill did, in order: the primary's capacity, then the runbooks' work (step names carry `suffix`).
  const failBack = (suffix: string) => [
    {
      [`restoreCapacity${suffix}`]: {
        switch: [
          {
            condition: expr('drained'),
            steps: [
              setPrimaryCapacity(`undrain${suffix}`, 'originalScalers'),
              { [`undrained${suffix}`]: { assign: [{ drained: false }] } },
            ],
          },
        ],
      },
    },
    {
      [`runFailback${suffix}`]: {
        switch: [
          {
            condition: expr('switched or scaled'),
            steps: [
              runRunbook(`failBack${suffix}`, 'failback', {}, timeoutSeconds),
              { [`failedBack${suffix}`]: { assign: [{ switched: false }, { scaled: false }] } },
            ],
          },
        ],
      },
    },
  ];
  const measurements = [
    ...(promotion ? [measurement('promotion', 'promotionSeconds')] : []),
    ...(scaleUp ? [measurement('scale-up', 'scaleUpSeconds')] : []),
  ];
  return {
    main: {
      params: ['args'],
      steps: [
        {
          defaultArgs: {
            switch: [{ condition: expr('args == null'), steps: [{ emptyArgs: { assign: [{ args: {} }] } }] }],
          },
        },
        {
          init: {
            assign: [
              // The page's time (RFC 3339), when the paged on-call starts the drill: the decision is timed too.
              { pagedAt: expr('map.get(args, "pagedAt")') },
              { project: env('GOOGLE_CLOUD_PROJECT_ID') },
              { location: env(REGION_DRILL_ENV.RUNBOOKS_REGION) },
              ...(promotion ? [{ promotion: env(REGION_DRILL_ENV.PROMOTION) }] : []),
              ...(scaleUp ? [{ scaleUpWorkflow: env(REGION_DRILL_ENV.SCALE_UP) }] : []),
              { failback: env(REGION_DRILL_ENV.FAILBACK) },
              { backend: env(REGION_DRILL_ENV.BACKEND_SERVICE) },
              { primaryGroups: envList(REGION_DRILL_ENV.PRIMARY_GROUPS) },
              { standbyGroups: envList(REGION_DRILL_ENV.STANDBY_GROUPS) },
              { servingMin: expr(`int(sys.get_env("${REGION_DRILL_ENV.SERVING_MIN}"))`) },
              { url: env(REGION_DRILL_ENV.URL) },
              { subscription: env(REGION_DRILL_ENV.STOP_SUBSCRIPTION) },
              { slo: env(REGION_DRILL_ENV.SLO) },
              {
                drill: expr(
                  '"RegionSwitchoverDrill execution " + sys.get_env("GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID") + ' +
                    '" of " + sys.get_env("GOOGLE_CLOUD_WORKFLOW_ID")',
                ),
              },
              { switched: false },
              { scaled: false },
              { drained: false },
              { originalScalers: {} },
            ],
          },
        },
        ...freezeGuardSteps(),
        { markStart: { assign: [{ started: expr('sys.now()') }] } },
        {
          timeDecision: {
            switch: [
              {
                condition: expr('pagedAt != null'),
                steps: [
                  {
                    pagedBefore: {
                      switch: [
                        {
                          condition: expr('time.parse(pagedAt) > started'),
                          raise: expr(
                            '"pagedAt must be the time of the page, before the drill started, got: " + pagedAt',
                          ),
                        },
                      ],
                    },
                  },
                  {
                    decisionTimed: {
                      assign: [
                        { decisionSeconds: expr('int(started - time.parse(pagedAt)) + 1') },
                        { decision: measurement('decision', 'decisionSeconds') },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        },
        {
          drill: {
            try: {
              steps: [
                ...promote,
                ...scale,
                ...stopCheck('beforeDrain'),
                setPrimaryCapacity('drainPrimary', 0),
                {
                  drainedPrimary: {
                    assign: [
                      { originalScalers: expr('previousScalers') },
                      { drained: true },
                      { stepStart: expr('sys.now()') },
                    ],
                  },
                },
                {
                  standbyServes: {
                    call: 'waitServing',
                    args: { url: expr('url'), timeout: timeoutSeconds, subscription: expr('subscription') },
                  },
                },
                {
                  servingTimed: {
                    assign: [{ servingSeconds: secondsSince('stepStart') }, { holdStart: expr('sys.now()') }],
                  },
                },
                ...stopCheck('hold'),
                {
                  holdOver: {
                    switch: [{ condition: expr(`sys.now() - holdStart >= ${holdSeconds}`), next: 'markFailback' }],
                  },
                },
                { holdPause: { call: 'sys.sleep', args: { seconds: POLL_SECONDS } } },
                { holdAgain: { next: 'hold' } },
                { markFailback: { assign: [{ stepStart: expr('sys.now()') }] } },
                ...failBack(''),
                { failbackTimed: { assign: [{ failbackSeconds: secondsSince('stepStart') }] } },
              ],
            },
            except: {
              as: 'failure',
              steps: [
                {
                  rollBack: {
                    try: { steps: failBack('OnFailure') },
                    // Both errors: what stopped the drill, and what kept it from rolling back.
                    except: {
                      as: 'rollbackFailure',
                      steps: [
                        { notRolledBack: { raise: { drill: expr('failure'), rollback: expr('rollbackFailure') } } },
                      ],
                    },
                  },
                },
                { reraise: { raise: expr('failure') } },
              ],
            },
          },
        },
        { listMeasurements: { assign: [{ measurements }] } },
        {
          withDecision: {
            switch: [
              {
                condition: expr('pagedAt != null'),
                assign: [{ measurements: expr('list.concat(measurements, decision)') }],
              },
            ],
          },
        },
        {
          done: {
            return: {
              measurements: expr('measurements'),
              servingSeconds: expr('servingSeconds'),
              failbackSeconds: expr('failbackSeconds'),
              holdMinutes: holdSeconds / 60,
              regionRtoSeconds: timeoutSeconds,
            },
          },
        },
      ],
    },
    [STOP_REQUESTED]: stopRequestedSubworkflow(),
    waitHealthy: waitHealthySubworkflow(),
    waitServing: waitServingSubworkflow(),
    setCapacity: setCapacitySubworkflow(),
  };
}

/**
 * Waits until the load balancer sees `target` healthy instances over `groups` (a fleet's group, or
 * a node pool's one per zone), reading the stop subscription.
 */
function waitHealthySubworkflow(): Record<string, unknown> {
  return {
    params: ['project', 'backend', 'groups', 'target', 'timeout', 'subscription'],
    steps: [
      { startWait: { assign: [{ since: expr('sys.now()') }] } },
      { initCount: { assign: [{ healthy: 0 }] } },
      {
        eachGroup: {
          for: {
            value: 'group',
            in: expr('groups'),
            steps: [
              {
                readHealth: {
                  call: 'googleapis.compute.v1.backendServices.getHealth',
                  args: { project: expr('project'), backendService: expr('backend'), body: { group: expr('group') } },
                  result: 'health',
                },
              },
              {
                countHealthy: {
                  for: {
                    value: 'status',
                    in: expr('default(map.get(health, "healthStatus"), [])'),
                    steps: [
                      {
                        tally: {
                          switch: [
                            {
                              condition: expr('status.healthState == "HEALTHY"'),
                              assign: [{ healthy: expr('healthy + 1') }],
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
        },
      },
      {
        enough: {
          switch: [
            { condition: expr('healthy >= target'), return: expr('healthy') },
            {
              condition: expr('sys.now() - since >= timeout'),
              raise: expr(
                '"the standby has " + string(healthy) + " of " + string(target) + ' +
                  '" healthy backends after " + ' +
                  'string(timeout) + " s, the tier\'s region RTO"',
              ),
            },
          ],
        },
      },
      ...stopCheck('whileScaling'),
      { pause: { call: 'sys.sleep', args: { seconds: POLL_SECONDS } } },
      { again: { next: 'initCount' } },
    ],
  };
}

/** Waits until `url` answers 2xx `SERVING_ANSWERS` times in a row through the load balancer. */
function waitServingSubworkflow(): Record<string, unknown> {
  return {
    params: ['url', 'timeout', 'subscription'],
    steps: [
      { startWait: { assign: [{ since: expr('sys.now()') }, { answered: 0 }] } },
      {
        ask: {
          try: {
            steps: [
              { get: { call: 'http.get', args: { url: expr('url'), timeout: 10 } } },
              { ok: { assign: [{ answered: expr('answered + 1') }] } },
            ],
          },
          // An error, a timeout or a status other than 2xx: the count starts again.
          except: { as: 'error', steps: [{ notOk: { assign: [{ answered: 0 }] } }] },
        },
      },
      {
        enough: {
          switch: [
            { condition: expr(`answered >= ${SERVING_ANSWERS}`), return: expr('answered') },
            {
              condition: expr('sys.now() - since >= timeout'),
              raise: expr(
                '"the service did not answer from the standby region through the load balancer within " + ' +
                  'string(timeout) + " s, the tier\'s region RTO"',
              ),
            },
          ],
        },
      },
      ...stopCheck('whileServing'),
      { pause: { call: 'sys.sleep', args: { seconds: 5 } } },
      { again: { next: 'ask' } },
    ],
  };
}

/**
 * Sets the capacity scaler of the backends of `groups` in the backend service (0 drains them;
 * Google refuses 0 on a service's only backends): `scaler` for each, or each group's own from
 * `previous` (what a drain returned). Returns the scalers they had, by group; the fingerprint makes
 * a concurrent change fail rather than be overwritten.
 */
function setCapacitySubworkflow(): Record<string, unknown> {
  // Group URLs differ by host (www.googleapis.com or compute.googleapis.com): compare from the project on.
  const key = (url: string) => `text.split(${url}, "/projects/")[1]`;
  return {
    params: ['project', 'backend', 'groups', 'scaler', 'previous'],
    steps: [
      {
        readService: {
          call: 'googleapis.compute.v1.backendServices.get',
          args: { project: expr('project'), backendService: expr('backend') },
          result: 'service',
        },
      },
      // Not `keys`: that is a function of the expression language.
      { initKeys: { assign: [{ groupKeys: [] }, { backends: [] }, { had: {} }] } },
      {
        eachGroup: {
          for: {
            value: 'g',
            in: expr('groups'),
            steps: [{ keyOf: { assign: [{ groupKeys: expr(`list.concat(groupKeys, ${key('g')})`) }] } }],
          },
        },
      },
      {
        eachBackend: {
          for: {
            value: 'b',
            in: expr('service.backends'),
            steps: [
              { backendKey: { assign: [{ k: expr(key('b.group')) }] } },
              {
                pick: {
                  switch: [
                    // One scaler for every group, or each group's own from what the drain found.
                    ...[
                      ['previous == null', 'scaler'],
                      ['previous != null', 'map.get(previous, k)'],
                    ].map(([given, scaler]) => ({
                      condition: expr(`k in groupKeys and ${given}`),
                      assign: [
                        { 'had[k]': expr('default(map.get(b, "capacityScaler"), 1)') },
                        {
                          backends: expr(`list.concat(backends, map.merge(b, {"capacityScaler": ${scaler}}))`),
                        },
                      ],
                    })),
                    { condition: true, assign: [{ backends: expr('list.concat(backends, b)') }] },
                  ],
                },
              },
            ],
          },
        },
      },
      {
        found: {
          switch: [
            {
              condition: expr('len(had) < len(groupKeys)'),
              raise: expr(
                '"the backend service " + backend + " does not send to every group of " + json.encode_to_string(groups)',
              ),
            },
          ],
        },
      },
      {
        patchService: {
          call: 'googleapis.compute.v1.backendServices.patch',
          args: {
            project: expr('project'),
            backendService: expr('backend'),
            body: { backends: expr('backends'), fingerprint: expr('service.fingerprint') },
          },
        },
      },
      { answer: { return: expr('had') } },
    ],
  };
}
