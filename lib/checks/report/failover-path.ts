import {
  AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS,
  DrillStep,
  DrStrategy,
  FAILOVER_WITNESS_POLL_SECONDS,
  failoverWitnessWaitFloorSeconds,
} from '../../core';
import { cloudSqlDrReplica } from '../graph/cloud-sql';
import { GOOGLE_INSTANCE_GROUP_TYPES } from '../graph/google-backends';
import { ResourceGraph } from '../graph/graph';
import { isServingFunction } from '../graph/functions';
import { GraphResource } from '../graph/model';
import { runbookPageTopics, subscriptionsOf, witnessAlarmOf } from '../graph/page-topics';
import { isAurora, regionReplication } from '../graph/stores';
import { num, str } from '../graph/values';
import type { DerivationStep } from '../model';
import { ServiceStack } from '../services';
import { DrillRecords, FoundMeasurement, measurementOf } from './drill-measurements';
import { googleScaleUpBasis } from './google-fleets';
import { cloudRunScaleUpSteps, onDemandScaleUpSteps } from './function-scale-up';
import { ecsCompute, fleetKind, fleetMinimum, isScalingFleet } from './scaling-fleets';
import { regionDrillOf, serviceAnchor } from './figure';
import { GOOGLE_RUNBOOK_TYPES, googleAlertDecision, isGoogleRegionDrill } from './google-runbooks';

/**
 * The steps after detection that make the standby region serve, in order, with what starts them:
 * the decision (an alarm, or a person's stated time), then in parallel the database promotion
 * (with a writer added first to a headless secondary) and the fleet's scale-up (launch and
 * warm-up). A step no runbook performs is never started (`unstarted`); a duration no figure
 * bounds is unknown unless a fresh drill measurement in `drills` bounds it, and a longer measurement
 * than a published figure raises the step (a shorter one never lowers it).
 */
export function failoverPath(
  graph: ResourceGraph,
  stacks: readonly ServiceStack[],
  stores: readonly GraphResource[],
  strategy: DrStrategy,
  drills: DrillRecords,
): {
  steps: DerivationStep[];
  promotion: DerivationStep[];
  scaleUp: DerivationStep[];
  decision?: DerivationStep;
  unstarted: boolean;
  /** A person's stated decision time is in the sum, and no fresh drill measured it: the total stays unproven. */
  stated: boolean;
  /** A standby fleet starts from no instance: its region's health checks fail until it serves. */
  fromZero: boolean;
  /**
   * A store of the standby region becomes the writer: until then its deep health check fails (it
   * must while its database is not the writer: core's READINESS_PATH), like a fleet from zero.
   */
  promotesWriter: boolean;
} {
  const anchor = serviceAnchor(stacks);
  const promotion: DerivationStep[] = [];
  for (const store of stores) {
    if (
      (store.type === 'AWS::RDS::DBCluster' || store.type === 'aws_rds_cluster') &&
      isAurora(store) &&
      regionReplication(graph, store)
    ) {
      // AWS publishes about a minute: a typical time, not a bound, so only a drill's measurement counts.
      promotion.push({
        quantity: 'regionRto',
        stack: store.stack,
        resource: store.address,
        basis:
          'Aurora Global Database failover promotes the secondary: AWS publishes about ' +
          `${AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS} s, a typical time and not a bound`,
        figures: ['AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS'],
      });
    } else if (store.type === 'google_sql_database_instance' && regionReplication(graph, store)) {
      const drReplica = cloudSqlDrReplica(graph, store);
      promotion.push({
        quantity: 'regionRto',
        stack: store.stack,
        resource: store.address,
        basis: drReplica
          ? `Cloud SQL advanced DR replica failover promotes the designated DR replica ${drReplica.address} and moves the ` +
            'write endpoint to it (clients that connect through the endpoint follow it); Google publishes no duration for it'
          : 'Cloud SQL cross-region replica promotion: time not published; no DR replica is designated, so the promoted ' +
            'replica is detached and clients must be pointed at it',
        figures: [],
      });
    }
  }
  // Spanner moves leaders to the other read-write region by itself: nobody starts it, and only a drill times it.
  const leaderMoves = stores
    .filter((store) => store.type === 'google_spanner_database' && regionReplication(graph, store)?.seconds === 0)
    .map((store) =>
      measured(drills, 'promotion', [store, ...graph.referencedBy(store, 'google_spanner_instance')], {
        quantity: 'regionRto',
        stack: store.stack,
        resource: store.address,
        basis:
          'Spanner moves the leaders to the other read-write region by itself when the leader region is lost: ' +
          'a duration Google does not publish',
        figures: [],
      }),
    );
  const scaleUp = strategy === DrStrategy.ACTIVE_ACTIVE ? [] : scaleUpSteps(graph, stacks, strategy);
  // Lambda scales a standby function on demand: no runbook starts it, a drill times it.
  const onDemand =
    strategy === DrStrategy.ACTIVE_ACTIVE
      ? []
      : [...onDemandScaleUpSteps(graph, stacks), ...cloudRunScaleUpSteps(stacks)].map(({ step, holders }) =>
          measured(drills, 'scale-up', holders, step),
        );
  const fromZero =
    strategy !== DrStrategy.ACTIVE_ACTIVE &&
    fleetsOfRole(stacks, 'standby').some((r) => (fleetMinimum(graph, r) ?? 0) === 0);
  const promotesWriter = promotion.length > 0;
  if (promotion.length === 0 && scaleUp.length === 0) {
    if (leaderMoves.length === 0 && onDemand.length === 0) {
      return { steps: [], promotion, scaleUp, unstarted: false, stated: false, fromZero, promotesWriter };
    }
    if (leaderMoves.length === 0) {
      const unattended: DerivationStep = {
        quantity: 'regionRto',
        ...anchor,
        value: 0,
        basis: onDemand.some((s) => s.resource.startsWith('google_cloud_run_v2_service.'))
          ? 'no one decides: the standby scales on demand as requests arrive'
          : 'no one decides: Lambda scales the standby functions on demand as requests arrive',
        figures: [],
      };
      return {
        steps: [unattended, ...onDemand],
        promotion,
        scaleUp: onDemand,
        decision: unattended,
        unstarted: false,
        stated: false,
        fromZero,
        promotesWriter,
      };
    }
    const automatic: DerivationStep = {
      quantity: 'regionRto',
      stack: leaderMoves[0].stack,
      resource: leaderMoves[0].resource,
      value: 0,
      basis: 'no one decides: Spanner elects new leaders without a runbook',
      figures: [],
    };
    return {
      steps: [automatic, ...leaderMoves],
      promotion: leaderMoves,
      scaleUp,
      decision: automatic,
      unstarted: false,
      stated: false,
      fromZero,
      promotesWriter,
    };
  }
  const runbooks = stacks.flatMap((s) => s.resources).filter((r) => r.failoverStep !== undefined);
  const steps: DerivationStep[] = [];
  let unstarted = false;
  const started = (kind: 'promotion' | 'scale-up', needed: readonly DerivationStep[]) => {
    if (needed.length === 0) {
      return [];
    }
    const found = runbooks.filter((r) => r.failoverStep!.step === kind);
    if (found.length === 0) {
      unstarted = true;
      steps.push({
        quantity: 'regionRto',
        ...anchor,
        basis: `nothing starts the ${kind}: no runbook in the templates performs it, so the standby region never takes over`,
        figures: [],
      });
    }
    return found;
  };
  const promoters = started('promotion', promotion);
  const scalers = started('scale-up', scaleUp);
  const starters = [...promoters, ...scalers];
  const people = starters.filter((r) => r.failoverStep!.startedBy === 'operator');
  const decisionMeasured = people.length > 0 ? measurementOf(drills, 'decision', people, true) : undefined;
  const decision: DerivationStep =
    people.length > 0
      ? personDecision(people, decisionMeasured)
      : starters.length > 0
        ? starters.some((r) => GOOGLE_RUNBOOK_TYPES.includes(r.type))
          ? googleAlertDecision(graph, starters, drills)
          : alarmDecision(graph, starters)
        : { quantity: 'regionRto', ...anchor, basis: 'nothing starts the failover', figures: [] };
  steps.push(decision);
  const writer = promoters.find((r) => r.failoverStep!.createsWriter);
  // A headless secondary (storage, no instance) promoted as it is serves nothing: something must add a writer.
  const headless = promotion.length > 0 ? headlessSecondaries(graph, stacks) : [];
  if (headless.length > 0 && promoters.length > 0 && !writer) {
    unstarted = true;
    steps.push({
      quantity: 'regionRto',
      stack: headless[0].stack,
      resource: headless[0].address,
      basis: `the secondary ${headless[0].address} has no instance and no runbook adds a writer: promoted, it serves nothing`,
      figures: [],
    });
  }
  const writerStep: DerivationStep[] = writer
    ? [
        measured(drills, 'writer-creation', [writer, ...headlessSecondaries(graph, stacks)], {
          quantity: 'regionRto',
          stack: writer.stack,
          resource: writer.address,
          figures: [],
          basis: 'the secondary is headless: the runbook creates a writer first, a duration AWS does not publish',
        }),
      ]
    : [];
  const promotionPath = [
    ...writerStep,
    ...promotion.map((step) => {
      // The promoted copy: a Cloud SQL replica refers to its primary; an Aurora secondary joins the global cluster.
      const store = graph.get(`${step.stack}/${step.resource}`);
      const secondaries = store && isAurora(store) ? auroraSecondaries(stacks) : [];
      const copies = store ? [store, ...graph.referrersOf(store, store.type), ...secondaries] : [];
      return measured(drills, 'promotion', [...copies, ...promoters], step);
    }),
  ];
  const scaleUpPath = scaleUp.map((step) => {
    const fleet = graph.get(`${step.stack}/${step.resource}`);
    // A Google autoscaler's measurement is recorded on the instance group it scales.
    const groups = fleet ? graph.referencedBy(fleet, ...GOOGLE_INSTANCE_GROUP_TYPES) : [];
    return fleet ? measured(drills, 'scale-up', [fleet, ...groups, ...scalers], step) : step;
  });
  steps.push(...promotionPath, ...leaderMoves, ...scaleUpPath, ...onDemand);
  return {
    steps,
    promotion: [...promotionPath, ...leaderMoves],
    scaleUp: [...scaleUpPath, ...onDemand],
    decision,
    unstarted,
    fromZero,
    promotesWriter,
    stated: people.length > 0 && decisionMeasured?.counts !== true,
  };
}

/**
 * The decision of a person: the time the owner states, counted in full. A fresh drill measurement
 * proves it (the longer of the two counts); without one it stays a stated, unproven figure.
 */
function personDecision(people: readonly GraphResource[], found: FoundMeasurement | undefined): DerivationStep {
  const stated = people.some((r) => r.failoverStep!.decisionSeconds === undefined)
    ? undefined
    : Math.max(0, ...people.map((r) => r.failoverStep!.decisionSeconds ?? 0));
  const says =
    stated === undefined
      ? 'decides to fail over and starts the runbooks, in a time the owner does not state'
      : `decides to fail over and starts the runbooks within the ${stated} s the owner states`;
  const at = { quantity: 'regionRto' as const, stack: people[0].stack, resource: people[0].address, figures: [] };
  if (found?.counts) {
    const seconds = Math.max(stated ?? 0, found.measurement.seconds);
    const counted =
      stated !== undefined && stated >= found.measurement.seconds
        ? `the stated ${stated} s counts`
        : `the measured ${seconds} s counts`;
    const basis = `a person is paged, ${says}; ${found.text}: ${counted}`;
    return { ...at, value: seconds, measurement: found.measurement, basis };
  }
  return {
    ...at,
    value: stated,
    ...(found ? { measurement: found.measurement } : {}),
    basis:
      `a person is paged, ${says}: a stated figure, counted in full and unproven until ${regionDrillOf(people)} times it` +
      `${found ? `; ${found.text}` : ''}`,
  };
}

/**
 * A step with the drill measurement of `step` recorded on `holders`: a fresh one bounds an unknown
 * duration and raises a published one it exceeds; a stale one is named and counts for nothing.
 */
function measured(
  drills: DrillRecords,
  step: DrillStep,
  holders: readonly GraphResource[],
  base: DerivationStep,
): DerivationStep {
  const found = measurementOf(drills, step, holders);
  if (!found) {
    const subject = base.resource.split('.')[0];
    const resources = drills.stacks.flatMap((s) => s.resources);
    const present = resources.filter((r) => isGoogleRegionDrill(drills.graph, r));
    const drill = regionDrillOf(resources, subject, undefined, present);
    return base.value === undefined ? { ...base, basis: `${base.basis}; measure it with ${drill}` } : base;
  }
  if (!found.counts) {
    return { ...base, measurement: found.measurement, basis: `${base.basis}; ${found.text}` };
  }
  const seconds = found.measurement.seconds;
  if (base.value === undefined) {
    return { ...base, value: seconds, measurement: found.measurement, basis: `${base.basis}: ${found.text}` };
  }
  const longer = seconds > base.value;
  return {
    ...base,
    value: Math.max(seconds, base.value),
    measurement: found.measurement,
    basis: `${base.basis}; ${found.text}, ${
      longer
        ? `longer than the published ${base.value} s: the measurement counts`
        : `within the published ${base.value} s`
    }`,
  };
}

const ALARM_TYPES = [
  'AWS::CloudWatch::Alarm',
  'aws_cloudwatch_metric_alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'aws_cloudwatch_composite_alarm',
];
const RULE_TYPES = ['AWS::Events::Rule', 'aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target'];

/** A probe samples: the first run that fails may start up to one run (at most one period) after the failure. */
function sampled(alarm: GraphResource): boolean {
  return str(alarm.properties.Namespace ?? alarm.properties.namespace) === 'CloudWatchSynthetics';
}

/**
 * The seconds of failure an alarm evaluates before it fires, at the latest (period × datapoints,
 * plus one period for a probe's sampling) and at the earliest (period × datapoints); undefined when
 * not literal.
 */
function alarmEvaluation(alarm: GraphResource): { latest: number; earliest: number } | undefined {
  const p = alarm.properties;
  const period = num(p.Period ?? p.period);
  const periods = num(p.DatapointsToAlarm ?? p.datapoints_to_alarm) ?? num(p.EvaluationPeriods ?? p.evaluation_periods);
  return period === undefined || periods === undefined
    ? undefined
    : { latest: period * (periods + (sampled(alarm) ? 1 : 0)), earliest: period * periods };
}

/**
 * An alarm starts the runbooks: the decision is the alarm's own evaluation (period × datapoints),
 * read from the alarm the starting rule matches. Counted after detection, which it overlaps: never in our favour.
 * A promotion that waits for a witness starts once both have fired ({@link witnessDecision}).
 */
function alarmDecision(graph: ResourceGraph, starters: readonly GraphResource[]): DerivationStep {
  const rules = starters.flatMap((r) => graph.referrersOf(r, ...RULE_TYPES));
  const alarms = [
    ...new Set(
      [...rules, ...rules.flatMap((r) => graph.referencedBy(r, ...RULE_TYPES))].flatMap((r) =>
        graph.referencedBy(r, ...ALARM_TYPES),
      ),
    ),
  ];
  const evaluations = alarms.map(alarmEvaluation);
  const seconds = evaluations.map((e) => e?.latest);
  const first = alarms[0] ?? starters[0];
  if (alarms.length === 0 || seconds.some((v) => v === undefined)) {
    return {
      quantity: 'regionRto',
      stack: first.stack,
      resource: first.address,
      figures: [],
      basis:
        'an alarm starts the runbooks (EventBridge): its evaluation time is not literal in the templates (a composite alarm, or a rule not found)',
    };
  }
  const value = Math.max(...(seconds as number[]));
  const witnessed = starters.find((r) => r.failoverStep!.witness !== undefined);
  const trigger: DerivationStep = {
    quantity: 'regionRto',
    stack: first.stack,
    resource: first.address,
    value,
    figures: [],
    basis:
      `an alarm starts the runbooks (EventBridge) once it has evaluated ${value} s of failure` +
      `${alarms.some(sampled) ? ' (its synthetic probe may first fail one run after the failure began)' : ''}` +
      // With a witness, whether a person steps in depends on the wait: witnessDecision says.
      `${witnessed ? '' : ': no human step'}`,
  };
  const earliest = Math.min(...evaluations.map((e) => e!.earliest));
  return witnessed ? witnessDecision(graph, witnessed, trigger, earliest) : trigger;
}

/**
 * An automatic promotion that waits for a witness starts once the witness has fired too, read
 * every {@link FAILOVER_WITNESS_POLL_SECONDS} s: the later of the two evaluations plus one read.
 * That holds with no human step only when the runbook's wait covers a witness that missed one run
 * just as the trigger fired (its chain restarts): `period × (evaluationPeriods + 1)`, core's
 * `failoverWitnessWaitFloorSeconds`. A shorter wait makes the page a path of the design: the
 * promotion stops and pages a person, whose decision nobody states, and with no subscriber on the
 * page topic nobody is paged at all. A witness outside the analysed templates, or without a literal
 * evaluation, leaves the decision unknown.
 */
function witnessDecision(
  graph: ResourceGraph,
  runbook: GraphResource,
  trigger: DerivationStep,
  triggerEarliest: number,
): DerivationStep {
  const witness = runbook.failoverStep!.witness!;
  const named = `the witness alarm ${witness.alarmName} in ${witness.region}`;
  const alarm = witnessAlarmOf(graph, runbook);
  const at = { quantity: 'regionRto' as const, stack: runbook.stack, resource: runbook.address, figures: [] };
  const evaluation = alarm && alarmEvaluation(alarm);
  const chain = alarm && witnessChain(alarm);
  if (!alarm || !evaluation || !chain) {
    return {
      ...at,
      basis:
        `${trigger.basis}; the promotion then waits up to ${witness.waitSeconds} s for ${named}, which ` +
        `${alarm ? 'has no literal evaluation' : 'is not in the analysed templates'}: when it agrees is not known`,
    };
  }
  const floor = failoverWitnessWaitFloorSeconds(chain.period, chain.periods);
  const page = pagedBy(graph, runbook);
  const lag = evaluation.latest - triggerEarliest;
  if (witness.waitSeconds < floor || lag > witness.waitSeconds) {
    const late =
      lag > witness.waitSeconds
        ? `may fire up to ${lag} s after the trigger (it evaluates ${evaluation.latest} s, the trigger as little ` +
          `as ${triggerEarliest} s)`
        : `restarts its chain when its probe misses one run (missing data is not breaching), and then fires up ` +
          `to ${chain.period} s × (${chain.periods} + 1) = ${floor} s after the trigger`;
    return {
      ...at,
      basis:
        `${trigger.basis}; ${named} ${late}, longer than the ${witness.waitSeconds} s the promotion waits for ` +
        `it: the promotion then stops and ${page.paged ? `${page.says}, who decides in a time nobody states` : page.says}`,
    };
  }
  const value = Math.max(trigger.value!, evaluation.latest) + FAILOVER_WITNESS_POLL_SECONDS;
  // The figure counts probes that run every period, as the trigger's does; a missed witness run is named, not summed.
  const restarted = trigger.value! + floor + FAILOVER_WITNESS_POLL_SECONDS;
  const residual =
    `, with every probe running each period; the ${witness.waitSeconds} s wait covers a witness that restarted its ` +
    `chain as the trigger fired (${chain.period} s × (${chain.periods} + 1) = ${floor} s: the promotion then starts ` +
    `up to ${restarted} s after the failure, automatically); one that misses runs again stops the promotion, which ` +
    page.says;
  return {
    ...at,
    ...(page.paged ? { value } : {}),
    basis:
      `${trigger.basis}${page.paged ? ': no human step' : ''}; the promotion goes on once ${named} (another vantage point) has evaluated ` +
      `${evaluation.latest} s of failure too, read every ${FAILOVER_WITNESS_POLL_SECONDS} s: ` +
      `max(${trigger.value} s, ${evaluation.latest} s) + ${FAILOVER_WITNESS_POLL_SECONDS} s${residual}`,
  };
}

/** The witness alarm's period and evaluation periods (the chain a missed run restarts), when literal. */
function witnessChain(alarm: GraphResource): { period: number; periods: number } | undefined {
  const p = alarm.properties;
  const period = num(p.Period ?? p.period);
  const periods = num(p.EvaluationPeriods ?? p.evaluation_periods);
  return period === undefined || periods === undefined ? undefined : { period, periods };
}

/** Whom the runbook's page reaches: a subscribed topic pages a person; one with no subscriber, nobody. */
function pagedBy(graph: ResourceGraph, runbook: GraphResource): { paged: boolean; says: string } {
  const topics = runbookPageTopics(graph, runbook);
  if (topics.length === 0) {
    return {
      paged: false,
      says: 'pages a topic outside the analysed templates, whose subscribers are not known: the decision is unknown',
    };
  }
  const silent = topics.filter((topic) => subscriptionsOf(graph, topic) === 0);
  return silent.length > 0
    ? {
        paged: false,
        says:
          `pages ${silent[0].address}, which has no subscription in the analysed templates: nobody is paged and ` +
          'the failover waits for whoever notices, so the decision is unknown',
      }
    : { paged: true, says: `pages a person through ${topics[0].address}` };
}

function fleetsOfRole(stacks: readonly ServiceStack[], role: string): GraphResource[] {
  return stacks.flatMap((s) => s.resources).filter((r) => isScalingFleet(r) && r.ha?.role === role);
}

/** Aurora clusters of the service that join a global database as secondaries. */
function auroraSecondaries(stacks: readonly ServiceStack[]): GraphResource[] {
  const clusters = stacks
    .flatMap((s) => s.resources)
    .filter((r) => r.type === 'AWS::RDS::DBCluster' || r.type === 'aws_rds_cluster');
  return clusters.filter(
    (r) =>
      isAurora(r) &&
      r.ha?.role !== 'primary' &&
      (r.properties.GlobalClusterIdentifier ?? r.properties.global_cluster_identifier) !== undefined,
  );
}

/** Aurora clusters of the service that join a global database without an instance of their own. */
function headlessSecondaries(graph: ResourceGraph, stacks: readonly ServiceStack[]): GraphResource[] {
  return auroraSecondaries(stacks).filter(
    (r) => graph.referrersOf(r, 'AWS::RDS::DBInstance', 'aws_rds_cluster_instance').length === 0,
  );
}

/**
 * Time for a standby region's fleets (Auto Scaling groups, ECS services, Google autoscalers,
 * Kubernetes workloads' pod autoscalers) to reach the capacity of the primary fleets of the same
 * kind. No provider publishes a launch time (of an instance, a task or a pod on a node with room)
 * and standby capacity is not reserved: each step is unknown until a drill measures it.
 */
function scaleUpSteps(graph: ResourceGraph, stacks: readonly ServiceStack[], strategy: DrStrategy): DerivationStep[] {
  const primaries = fleetsOfRole(stacks, 'primary');
  const standby = fleetsOfRole(stacks, 'standby');
  if (standby.length === 0) {
    // A service whose standby is functions only scales on demand (onDemandScaleUpSteps).
    const standbyFunctions = stacks
      .flatMap((s) => s.resources)
      .some(
        (r) => r.ha?.role === 'standby' && (isServingFunction(graph, r) || r.type === 'google_cloud_run_v2_service'),
      );
    return standbyFunctions && primaries.length === 0
      ? []
      : [
          {
            quantity: 'regionRto',
            stack: stacks[0].stack,
            resource: `service:${stacks[0].service}`,
            basis: `${strategy}: no standby fleet in the analysed templates, so the time to serve from the standby region is not known`,
            figures: [],
          },
        ];
  }
  return standby.flatMap((fleet) => {
    const p = fleet.properties;
    const kind = fleetKind(fleet);
    const sameKind = primaries.filter((r) => fleetKind(r) === kind);
    const primaryMin = Math.max(
      0,
      ...(sameKind.length > 0 ? sameKind : primaries).map((r) => fleetMinimum(graph, r) ?? 0),
    );
    const min = fleetMinimum(graph, fleet) ?? 0;
    if (min >= primaryMin) {
      return [];
    }
    const at = { quantity: 'regionRto' as const, stack: fleet.stack, resource: fleet.address, figures: [] };
    if (kind === 'google') {
      return [{ ...at, basis: googleScaleUpBasis(fleet, min, primaryMin) }];
    }
    if (kind === 'tasks') {
      const compute = ecsCompute(fleet);
      const launch =
        compute === 'Fargate'
          ? 'Fargate publishes no task launch time and does not reserve capacity for a standby'
          : `${compute === 'EC2' ? 'its EC2 capacity provider' : "the cluster's default capacity provider"} must ` +
            'first have instances with room (EC2 publishes no launch time, and standby capacity is not reserved)';
      const grace = num(p.HealthCheckGracePeriodSeconds ?? p.health_check_grace_period_seconds);
      return [
        {
          ...at,
          basis:
            `ECS service scales from ${min} to ${primaryMin} tasks: ${launch}; each new task pulls its image, starts ` +
            `and must pass the target group's health check before it serves` +
            (grace === undefined ? '' : ` (health-check grace period ${grace} s)`),
        },
      ];
    }
    if (kind === 'pods') {
      // Pods start on nodes already there, or wait for the cluster's autoscaler to add some: nothing bounds either.
      return [
        {
          ...at,
          basis:
            `Kubernetes workload scales from ${min} to ${primaryMin} pods: each must be scheduled on a node with ` +
            'room (without room, the cluster autoscaler first adds nodes, which are neither reserved nor timed by ' +
            'any published figure), pull its image and pass its readiness probe before it serves',
        },
      ];
    }
    const warmup =
      num(p.DefaultInstanceWarmup ?? p.default_instance_warmup) ??
      num(p.HealthCheckGracePeriod ?? p.health_check_grace_period);
    // EC2 publishes no launch time, and capacity in the standby region is not reserved: only a drill bounds the scale-up.
    return [
      {
        ...at,
        value: undefined,
        basis:
          `scales from ${min} to ${primaryMin}: launch time is not published and capacity is not reserved ` +
          `(warm-up alone ${warmup === undefined ? 'undeclared' : `${warmup} s`})`,
      },
    ];
  });
}
