import { PlanProblem, PlanWarning } from '../errors';
import { FailoverStepRecord, FailoverWitnessRecord } from '../failover-steps';
import { AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS } from '../figures';
import { regionOfZone } from '../regions';
import { DrStrategy, ServiceTier } from '../tier';

/**
 * The region-failover runbooks as data: the SSM Automation documents (schemaVersion 0.3) that
 * promote an Aurora global secondary and scale the standby fleet, the checks of their inputs and
 * the failover-step record each carries. The CDK and Terraform `FailoverRunbooks` render them.
 */

/** A parameter of an Automation document. */
export interface AutomationParameter {
  readonly type: 'String' | 'Integer';
  readonly description: string;
  readonly default?: string | number;
  readonly allowedValues?: string[];
  readonly allowedPattern?: string;
}

/** One document's engine-neutral part: the assume role and the IAM statements are the engine's. */
export interface RunbookPlan {
  /** What the runbook does, one line. */
  readonly title: string;
  readonly description: string;
  /** Parameters besides `AutomationAssumeRole`, with the inputs as defaults. */
  readonly parameters: Record<string, AutomationParameter>;
  readonly mainSteps: Record<string, unknown>[];
  /** The region-failover step, recorded for the report. */
  readonly failover: FailoverStepRecord;
}

/** What starts the runbooks, in core's terms. */
export interface FailoverTriggerIntent {
  /** An alarm starts them (EventBridge); otherwise a person does. */
  readonly alarm: boolean;
  /** A person's stated decision time in seconds; undefined for an alarm or when unknown at synthesis. */
  readonly decisionSeconds?: number;
  /** That time as the user wrote it, for messages (`0 seconds`). */
  readonly decisionText?: string;
  /** The alarm of another vantage point that must agree before an automatic promotion (alarm triggers only). */
  readonly witness?: FailoverWitnessIntent;
}

/** The witness of an automatic promotion, in core's terms; undefined entries are unknown at synthesis. */
export interface FailoverWitnessIntent {
  /** Region of the witness alarm. */
  readonly region?: string;
  /** Seconds the promotion waits for the witness to agree, as given; undefined: planned. */
  readonly waitSeconds?: number;
  /** Period of the witness alarm in seconds, when given. */
  readonly alarmPeriodSeconds?: number;
  /** Evaluation periods of the witness alarm, when given. */
  readonly alarmEvaluationPeriods?: number;
}

/** How often the promotion reads the witness alarm while it waits. */
export const FAILOVER_WITNESS_POLL_SECONDS = 10;
/**
 * The longest wait, and the wait when the witness alarm's chain is not given: nine minutes. The
 * wait runs in one `aws:executeScript` step, which AWS stops after 600 s; the last minute is left
 * for the page.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html
 */
export const FAILOVER_WITNESS_MAX_WAIT_SECONDS = 540;

/**
 * The shortest wait that covers a witness alarm which restarted its chain just as the trigger
 * fired: `period × (evaluationPeriods + 1)`. The witness's probe runs on its own phase and a run it
 * misses (missing data, not breaching) restarts its chain, so it may need a whole chain after the
 * trigger: its first run within one period, then `evaluationPeriods` failed runs; the extra period
 * covers the last run, its metric and the alarm's evaluation, for which CloudWatch publishes no
 * bound. A witness that misses a second run within the wait is later still: the promotion then
 * pages a person.
 *
 * Example: a one-minute witness alarm of 5 evaluation periods: 60 × (5 + 1) = 360 s.
 */
export function failoverWitnessWaitFloorSeconds(periodSeconds: number, evaluationPeriods: number): number {
  return periodSeconds * (evaluationPeriods + 1);
}

/**
 * The wait of an automatic promotion for its witness when none is given: the floor of the witness
 * alarm's chain ({@link failoverWitnessWaitFloorSeconds}, at least one read) when its period and
 * evaluation periods are given, else {@link FAILOVER_WITNESS_MAX_WAIT_SECONDS}. A longer wait delays only the page of
 * a witness that disagrees, never a promotion it agrees with.
 *
 * Example: a one-minute witness alarm of 5 evaluation periods: 360 s; a chain not given: 540 s.
 */
export function failoverWitnessDefaultWaitSeconds(witness: FailoverWitnessIntent): number {
  const floor = witnessFloorOf(witness);
  return floor === undefined
    ? FAILOVER_WITNESS_MAX_WAIT_SECONDS
    : Math.min(Math.max(floor, FAILOVER_WITNESS_POLL_SECONDS), FAILOVER_WITNESS_MAX_WAIT_SECONDS);
}

/** The floor of a witness whose chain is given and known; undefined otherwise. */
function witnessFloorOf(witness: FailoverWitnessIntent): number | undefined {
  const { alarmPeriodSeconds: period, alarmEvaluationPeriods: periods } = witness;
  return period === undefined || periods === undefined ? undefined : failoverWitnessWaitFloorSeconds(period, periods);
}

/** The inputs of the promotion and scale-up runbooks as an engine checks them; undefined where unknown. */
export interface RegionFailoverRunbooksIntent {
  readonly tier: ServiceTier;
  readonly globalClusterIdentifier: boolean;
  readonly secondaryClusterArn: boolean;
  /** The writer class of a headless secondary, when given and known. */
  readonly headlessSecondaryWriterClass?: string;
  /** The zone of a headless secondary's writer, when given and known. */
  readonly headlessSecondaryWriterAvailabilityZone?: string;
  /**
   * The reader added once the secondary is promoted, when asked for: its zone and class where known,
   * and whether a class is given at all (its own, or the headless writer's).
   */
  readonly promotedReader?: {
    readonly availabilityZone?: string;
    readonly instanceClass?: string;
    readonly hasClass: boolean;
  };
  /** The secondary's region, when known. */
  readonly region?: string;
  readonly standbyAutoScalingGroupName: boolean;
  /** The primary capacity, when given; an undefined entry is unknown at synthesis. */
  readonly primaryCapacity?: { readonly min?: number; readonly desired?: number; readonly max?: number };
  /** Whether a standby ECS service is given (`standbyService`). */
  readonly standbyService?: boolean;
  /** The primary service's task count, when given; an undefined entry is unknown at synthesis. */
  readonly primaryTaskCount?: { readonly min?: number; readonly desired?: number; readonly max?: number };
  readonly trigger?: FailoverTriggerIntent;
  /** How the engine's users say what starts the runbooks, for the message asking for it. */
  readonly triggerHint: string;
}

/** Aurora DB instance identifiers have at most 63 characters. */
export const AURORA_INSTANCE_ID_MAX = 63;

/**
 * The alarm changes that start the failover runbooks: into ALARM from OK only. An alarm that has
 * never been OK watches a region never seen healthy (a probe of a name the DNS stack has yet to
 * create, on a first deployment) and must not promote the standby, losing writes, on its account.
 * After a failover and failback the alarm returns to OK and the trigger is armed again.
 */
export const FAILOVER_TRIGGER_STATES = { value: ['ALARM'] } as const;
export const FAILOVER_TRIGGER_PREVIOUS_STATES = { value: ['OK'] } as const;

/** The problems of the promotion and scale-up inputs, in the order an engine reports them. */
export function regionFailoverRunbooksProblems(intent: RegionFailoverRunbooksIntent): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (intent.globalClusterIdentifier !== intent.secondaryClusterArn) {
    problems.push({
      prop: 'globalClusterIdentifier',
      message:
        'globalClusterIdentifier and secondaryClusterArn must be given together, got: only ' +
        `${intent.globalClusterIdentifier ? 'globalClusterIdentifier' : 'secondaryClusterArn'}`,
    });
  }
  if (intent.standbyAutoScalingGroupName !== (intent.primaryCapacity !== undefined)) {
    problems.push({
      prop: 'standbyAutoScalingGroupName',
      message:
        'standbyAutoScalingGroupName and primaryCapacity must be given together, got: only ' +
        `${intent.standbyAutoScalingGroupName ? 'standbyAutoScalingGroupName' : 'primaryCapacity'}`,
    });
  }
  if (Boolean(intent.standbyService) !== (intent.primaryTaskCount !== undefined)) {
    problems.push({
      prop: 'standbyService',
      message:
        'standbyService and primaryTaskCount must be given together, got: only ' +
        `${intent.standbyService ? 'standbyService' : 'primaryTaskCount'}`,
    });
  }
  const trigger = intent.trigger;
  if ((intent.globalClusterIdentifier || intent.standbyAutoScalingGroupName || intent.standbyService) && !trigger) {
    problems.push({
      prop: 'failoverTrigger',
      message:
        `failoverTrigger must say what starts the promotion and scale-up runbooks (${intent.triggerHint}): ` +
        'a runbook nobody starts recovers nothing, got: none',
    });
  }
  if (trigger && !trigger.alarm && intent.tier.strategy === DrStrategy.ACTIVE_ACTIVE) {
    problems.push({
      prop: 'failoverTrigger',
      message:
        `failoverTrigger must be an alarm for ${intent.tier.name}: ` +
        `${intent.tier.strategy} fails over with no human step, got: an operator`,
    });
  }
  if (trigger && !trigger.alarm && trigger.decisionSeconds !== undefined && !(trigger.decisionSeconds > 0)) {
    const text = trigger.decisionText ?? trigger.decisionSeconds;
    problems.push({
      prop: 'failoverTrigger',
      message: `failoverTrigger decisionTime must be longer than 0, got: ${text}`,
    });
  }
  problems.push(...witnessProblems(intent));
  const writerClass = intent.headlessSecondaryWriterClass;
  if (writerClass !== undefined && !INSTANCE_CLASS.test(writerClass)) {
    problems.push({
      prop: 'headlessSecondaryWriterClass',
      message: `headlessSecondaryWriterClass must be an RDS instance class (db.r6g.large), got: ${writerClass}`,
    });
  }
  problems.push(...instanceZoneProblems(intent));
  if (intent.standbyAutoScalingGroupName && intent.primaryCapacity) {
    problems.push(...scaleTargetProblems('primaryCapacity', intent.primaryCapacity, 'instances'));
  }
  if (intent.standbyService && intent.primaryTaskCount) {
    problems.push(...scaleTargetProblems('primaryTaskCount', intent.primaryTaskCount, 'tasks'));
  }
  return problems;
}

/** The witness must stand outside the runbooks' region and wait a whole, bounded number of seconds. */
function witnessProblems(intent: RegionFailoverRunbooksIntent): PlanProblem[] {
  const witness = intent.trigger?.witness;
  if (!witness) {
    return [];
  }
  const problems: PlanProblem[] = [];
  if (witness.region !== undefined && intent.region !== undefined && witness.region === intent.region) {
    problems.push({
      prop: 'failoverTrigger.witness.region',
      message:
        `failoverTrigger witness.region must be a region other than the runbooks' ${intent.region}: a witness ` +
        `there shares the trigger's network path and cannot say it is wrong, got: ${witness.region}`,
    });
  }
  const { alarmPeriodSeconds: period, alarmEvaluationPeriods: periods } = witness;
  if (period !== undefined && (!Number.isInteger(period) || period <= 0)) {
    problems.push({
      prop: 'failoverTrigger.witness.alarmPeriod',
      message: `failoverTrigger witness.alarmPeriod must be whole seconds above 0, got: ${period} seconds`,
    });
  }
  if (periods !== undefined && (!Number.isInteger(periods) || periods < 1)) {
    problems.push({
      prop: 'failoverTrigger.witness.alarmEvaluationPeriods',
      message: `failoverTrigger witness.alarmEvaluationPeriods must be a whole number from 1, got: ${periods}`,
    });
  }
  const floor = problems.length === 0 ? witnessFloorOf(witness) : undefined;
  if (floor !== undefined && floor > FAILOVER_WITNESS_MAX_WAIT_SECONDS) {
    problems.push({
      prop: 'failoverTrigger.witness.alarmEvaluationPeriods',
      message:
        `failoverTrigger witness alarm must fire within ${FAILOVER_WITNESS_MAX_WAIT_SECONDS} s after a missed run ` +
        '(alarmPeriod × (alarmEvaluationPeriods + 1), what the promotion waits for it within one script step), got: ' +
        `${period} s × (${periods} + 1) = ${floor} s`,
    });
  }
  const wait = witness.waitSeconds;
  if (
    wait !== undefined &&
    (!Number.isInteger(wait) || wait < FAILOVER_WITNESS_POLL_SECONDS || wait > FAILOVER_WITNESS_MAX_WAIT_SECONDS)
  ) {
    problems.push({
      prop: 'failoverTrigger.witness.wait',
      message:
        `failoverTrigger witness.wait must be whole seconds from ${FAILOVER_WITNESS_POLL_SECONDS} to ` +
        `${FAILOVER_WITNESS_MAX_WAIT_SECONDS}, got: ${wait} seconds`,
    });
  } else if (wait !== undefined && floor !== undefined && floor <= FAILOVER_WITNESS_MAX_WAIT_SECONDS && wait < floor) {
    problems.push({
      prop: 'failoverTrigger.witness.wait',
      message:
        'failoverTrigger witness.wait must cover a witness alarm that restarted its chain as the trigger fired, ' +
        `alarmPeriod × (alarmEvaluationPeriods + 1) = ${period} s × (${periods} + 1) = ${floor} s (shorter, the ` +
        `promotion stops and pages a person when one witness run is missed), got: ${wait} seconds`,
    });
  }
  return problems;
}

/**
 * The warnings of the runbooks' inputs: an automatic promotion that no witness corroborates. One
 * probe from one vantage point then promotes, losing writes, for any cause, including trouble on
 * the standby region's own path, after which both regions may take writes. A warning, not a
 * refusal: the trigger alarm may already combine independent signals (a composite alarm) that the
 * construct cannot see; HA-DR10 flags it in the templates, where an acknowledgement states why.
 */
export function regionFailoverRunbooksWarnings(intent: RegionFailoverRunbooksIntent): PlanWarning[] {
  const trigger = intent.trigger;
  if (!trigger?.alarm || trigger.witness || !intent.globalClusterIdentifier || !intent.secondaryClusterArn) {
    return [];
  }
  return [
    {
      id: 'failoverTrigger',
      message:
        'failoverTrigger is an alarm with no witness: one probe from one vantage point promotes the secondary, ' +
        "losing the writes not yet replicated, for any cause, including trouble on this region's own network path " +
        '(both regions may then take writes); name an alarm of a third region that probes the same endpoint ' +
        '(witness), so that the promotion waits for it to agree and otherwise pages a person',
    },
  ];
}

/** Whole numbers with min ≤ desired ≤ max (entries unknown at synthesis skipped). */
function scaleTargetProblems(
  prop: string,
  capacity: { readonly min?: number; readonly desired?: number; readonly max?: number },
  unit: string,
): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const name of ['min', 'desired', 'max'] as const) {
    const value = capacity[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      problems.push({
        prop: `${prop}.${name}`,
        message: `${prop}.${name} must be a whole number of ${unit}, got: ${value}`,
      });
    }
  }
  const { min, desired, max } = capacity;
  if (min !== undefined && desired !== undefined && max !== undefined && (min > desired || desired > max)) {
    problems.push({ prop, message: `${prop} must satisfy min ≤ desired ≤ max, got: ${min}, ${desired}, ${max}` });
  }
  return problems;
}

/** The problems of the promoted reader and of the zones the runbook creates instances in. */
function instanceZoneProblems(intent: RegionFailoverRunbooksIntent): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const reader = intent.promotedReader;
  if (reader && !reader.hasClass) {
    problems.push({
      prop: 'promotedReaderClass',
      message:
        'promotedReaderClass must be given with promotedReaderAvailabilityZone when the secondary is not ' +
        'headless (there is no headlessSecondaryWriterClass to take it from), got: none',
    });
  }
  if (reader?.instanceClass !== undefined && !INSTANCE_CLASS.test(reader.instanceClass)) {
    problems.push({
      prop: 'promotedReaderClass',
      message: `promotedReaderClass must be an RDS instance class (db.r6g.large), got: ${reader.instanceClass}`,
    });
  }
  const zones: [string, string | undefined][] = [
    ['headlessSecondaryWriterAvailabilityZone', intent.headlessSecondaryWriterAvailabilityZone],
    ['promotedReaderAvailabilityZone', reader?.availabilityZone],
  ];
  for (const [prop, zone] of zones) {
    if (zone !== undefined && intent.region !== undefined && regionOfZone(zone) !== intent.region) {
      problems.push({
        prop,
        message: `${prop} must be a zone of the secondary's region ${intent.region}, got: ${zone}`,
      });
    }
  }
  const writerZone = intent.headlessSecondaryWriterAvailabilityZone;
  if (reader?.availabilityZone !== undefined && reader.availabilityZone === writerZone) {
    problems.push({
      prop: 'promotedReaderAvailabilityZone',
      message:
        'promotedReaderAvailabilityZone must differ from headlessSecondaryWriterAvailabilityZone: the reader ' +
        `keeps the database serving when the writer's zone fails, got: ${reader.availabilityZone} for both`,
    });
  }
  return problems;
}

/** What RDS instance classes look like. */
const INSTANCE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;

/** The failover-step record of a runbook started by `trigger`. */
export function failoverStepRecordOf(
  step: FailoverStepRecord['step'],
  trigger: FailoverTriggerIntent | undefined,
  extra: Partial<FailoverStepRecord> = {},
): FailoverStepRecord {
  const alarm = trigger?.alarm === true;
  const decisionSeconds = alarm ? 0 : trigger?.decisionSeconds;
  return { step, startedBy: alarm ? 'alarm' : 'operator', decisionSeconds, ...extra };
}

/** Inputs of the promotion runbook. */
export interface PromotionRunbookInputs {
  readonly service: string;
  /** Region of the secondary (a token welcome). */
  readonly region: string;
  readonly tier: ServiceTier;
  readonly globalClusterIdentifier: string;
  /** ARN of the secondary: FailoverGlobalCluster and SwitchoverGlobalCluster take the ARN. */
  readonly secondaryClusterArn: string;
  /** Identifier (name) of the same cluster: CreateDBInstance and DescribeDBClusters take the name. */
  readonly secondaryClusterIdentifier: string;
  /** The writer to add first to a headless secondary. */
  readonly headlessWriter?: HeadlessWriterInputs;
  /** The reader to add, once promoted, in a zone the writer is not in. */
  readonly promotedReader?: PromotedReaderInputs;
  /**
   * The runbook returns the service to this region after a failover: it first checks that Aurora
   * has added this cluster back to the global database as a secondary, and says what a failback
   * leaves to a person.
   */
  readonly failback?: boolean;
  readonly trigger?: FailoverTriggerIntent;
  /** The witness an automatic promotion waits for, and the topic it pages when the witness disagrees. */
  readonly witness?: WitnessInputs;
}

/** The witness alarm of a promotion (region and name, tokens welcome) and the topic that pages a person. */
export interface WitnessInputs extends FailoverWitnessRecord {
  /** ARN of the SNS topic the runbook pages when the witness does not agree in time. */
  readonly pageTopicArn: string;
  /**
   * Name of the alarm that starts the runbooks, in their region: once the witness agrees, the
   * promotion goes on only if this one is still in ALARM (both see the serving region lost at once).
   */
  readonly triggerAlarmName: string;
}

/** The writer a headless secondary gets before it is promoted. */
export interface HeadlessWriterInputs {
  /** Instance class (`db.r6g.large`). */
  readonly instanceClass: string;
  /** DB parameter group of the writer, named so that the assume role's grant is exact. */
  readonly parameterGroupName: string;
  /** Zone of the writer; undefined lets Aurora choose. */
  readonly availabilityZone?: string;
}

/** The reader the promoted cluster gets in another zone, so that the region now serving is Multi-AZ. */
export interface PromotedReaderInputs {
  /** Instance class (`db.r6g.large`). */
  readonly instanceClass: string;
  /** DB parameter group of the reader, named so that the assume role's grant is exact. */
  readonly parameterGroupName: string;
  /** A zone of the secondary's subnet group that the writer is not in. */
  readonly availabilityZone: string;
}

/** Identifier of the writer the promotion adds to a headless secondary. */
export function headlessWriterIdentifier(service: string, region: string): string {
  return `${service}-${region}-writer`.slice(0, AURORA_INSTANCE_ID_MAX);
}

/** Identifier of the reader the promotion adds, in another zone, to the promoted cluster. */
export function promotedReaderIdentifier(service: string, region: string): string {
  return `${service}-${region}-reader`.slice(0, AURORA_INSTANCE_ID_MAX);
}

/**
 * The promotion, in the `Mode` whoever starts it chooses (no default: the wrong one fails in an
 * outage or loses writes in a planned move): `Failover` (primary region down,
 * `rds:FailoverGlobalCluster` with AllowDataLoss) or `Switchover` (both regions healthy, no data
 * loss); then wait, up to the tier's region RTO, until the global database names the secondary its
 * writer. A headless secondary gets a writer first (once: a re-run finds it). Once promoted, a
 * reader in another zone is added (once), off the region RTO's critical path: the cluster already
 * serves, and without it the region now serving has its database in one zone.
 *
 * A failback runbook first asserts that this cluster is a secondary member of the global database
 * again (Aurora adds the old primary back on its own once its region is healthy); it cannot
 * rebuild it.
 */
export function promotionRunbookPlan(inputs: PromotionRunbookInputs): RunbookPlan {
  const { headlessWriter: writer, promotedReader: reader, tier, witness } = inputs;
  const cluster = {
    GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
    TargetDbClusterIdentifier: '{{ TargetDbClusterIdentifier }}',
  };
  const member =
    '$.GlobalClusters[0].GlobalClusterMembers' + "[?(@.DBClusterArn == '{{ TargetDbClusterIdentifier }}')].IsWriter";
  return {
    title: inputs.failback
      ? `Fail the Aurora global database of ${inputs.service} back to ${inputs.region}`
      : `Promote the Aurora global secondary of ${inputs.service} in ${inputs.region}`,
    description: [
      "Promotes this region's Aurora global secondary to writer, in the Mode chosen at the start.",
      'Failover (the primary region is down or impaired): promotes at once, losing the writes not yet',
      'replicated, up to the replication lag. Switchover (planned, both regions healthy): no data loss,',
      'but it needs the primary to answer, so it fails in an outage.',
      ...(witness
        ? [
            `In Failover mode it first waits up to ${witness.waitSeconds} s for the witness alarm ${witness.alarmName}`,
            `in ${witness.region} to be in ALARM: a probe of the same endpoint from a third vantage point, which`,
            'corroborates that the endpoint fails from there too (not why: a failure the path to this region',
            'causes in the serving region, such as commits blocked by a managed RPO, fails both). It promotes only',
            `while the trigger alarm ${witness.triggerAlarmName} of this region is still in ALARM too. Otherwise it`,
            'pages a person and stops, promoting nothing. A person who decides to fail over anyway starts it with',
            'Witness Skipped.',
          ]
        : []),
      ...(writer ? ['The secondary is headless: a writer is added to it first (once) and waited for.'] : []),
      'Then waits until the global database names this cluster its writer.',
      ...(reader
        ? [
            'Once it does, adds a reader in another zone (once) and does not wait for it: the service',
            'already serves, and until the reader is available the database of this region is in one zone.',
            'If AddReader fails, the promotion stands: add the reader by hand.',
          ]
        : []),
      AFTER_FAILOVER_DESCRIPTION,
      ...(inputs.failback ? [FAILBACK_DESCRIPTION] : []),
    ].join(' '),
    parameters: {
      GlobalClusterIdentifier: {
        type: 'String',
        description: 'The Aurora global database.',
        default: inputs.globalClusterIdentifier,
      },
      TargetDbClusterIdentifier: {
        type: 'String',
        description:
          'ARN of the secondary cluster to promote (FailoverGlobalCluster and SwitchoverGlobalCluster ' +
          'take the ARN).',
        default: inputs.secondaryClusterArn,
      },
      DbClusterIdentifier: {
        type: 'String',
        description: 'Identifier (name) of the same cluster, for CreateDBInstance and DescribeDBClusters.',
        default: inputs.secondaryClusterIdentifier,
      },
      Mode: {
        type: 'String',
        description:
          'Required: choose at the start. Failover when the primary region is down or impaired (an outage): ' +
          'promotes at once, losing the writes not yet replicated, up to the replication lag ' +
          '(AuroraGlobalDBReplicationLag). Switchover for a planned move with both regions healthy: no data loss, ' +
          'but it needs the primary to answer, so it fails in an outage.',
        allowedValues: ['Failover', 'Switchover'],
      },
      ...(witness ? witnessParameters(witness) : {}),
      ...(writer
        ? {
            WriterInstanceClass: {
              type: 'String',
              description: 'Instance class of the writer added to the headless secondary.',
              default: writer.instanceClass,
            },
            WriterInstanceIdentifier: {
              type: 'String',
              description: 'Identifier of that writer.',
              default: headlessWriterIdentifier(inputs.service, inputs.region),
            },
            ...(writer.availabilityZone !== undefined
              ? {
                  WriterAvailabilityZone: {
                    type: 'String',
                    description: 'Zone of that writer.',
                    default: writer.availabilityZone,
                  },
                }
              : {}),
          }
        : {}),
      ...(reader
        ? {
            ReaderInstanceClass: {
              type: 'String',
              description: 'Instance class of the reader added once the cluster is promoted.',
              default: reader.instanceClass,
            },
            ReaderInstanceIdentifier: {
              type: 'String',
              description: 'Identifier of that reader.',
              default: promotedReaderIdentifier(inputs.service, inputs.region),
            },
            ReaderAvailabilityZone: {
              type: 'String',
              description: 'Zone of that reader: one the writer is not in.',
              default: reader.availabilityZone,
            },
          }
        : {}),
    },
    mainSteps: [
      ...(witness ? [witnessStep(witness)] : []),
      ...(inputs.failback
        ? [
            {
              // The old primary serves nothing until Aurora has added it back as a secondary (and rebuilt it).
              name: 'CheckSecondary',
              action: 'aws:assertAwsResourceProperty',
              inputs: {
                Service: 'rds',
                Api: 'DescribeGlobalClusters',
                GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
                PropertySelector: member,
                DesiredValues: ['False'],
              },
            },
          ]
        : []),
      ...(writer ? headlessWriterSteps(writer, tier.regionRtoSeconds) : []),
      {
        name: 'ChooseMode',
        action: 'aws:branch',
        inputs: {
          Choices: [{ NextStep: 'Failover', Variable: '{{ Mode }}', StringEquals: 'Failover' }],
          Default: 'Switchover',
        },
      },
      {
        name: 'Switchover',
        action: 'aws:executeAwsApi',
        inputs: { Service: 'rds', Api: 'SwitchoverGlobalCluster', ...cluster },
        nextStep: 'WaitForPromotion',
      },
      {
        name: 'Failover',
        action: 'aws:executeAwsApi',
        inputs: { Service: 'rds', Api: 'FailoverGlobalCluster', ...cluster, AllowDataLoss: true },
        nextStep: 'WaitForPromotion',
      },
      {
        // The global cluster's Status reads `available` before a promotion starts as well as after it ends:
        // this cluster being the writer member says it is done. The filter compares the ARN, a string (every
        // JSONPath dialect has that), and selects one boolean, which Automation compares as `True`.
        // See docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-waitForAwsResourceProperty.html
        name: 'WaitForPromotion',
        action: 'aws:waitForAwsResourceProperty',
        // Past the tier's region RTO the step fails, so the execution says the objective was missed.
        timeoutSeconds: Math.max(tier.regionRtoSeconds, AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS),
        inputs: {
          Service: 'rds',
          Api: 'DescribeGlobalClusters',
          GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
          PropertySelector: member,
          DesiredValues: ['True'],
        },
        ...(reader ? {} : { isEnd: true }),
      },
      ...(reader ? [addReaderStep(reader)] : []),
    ],
    failover: failoverStepRecordOf('promotion', inputs.trigger, {
      createsWriter: writer !== undefined,
      ...(witness
        ? { witness: { region: witness.region, alarmName: witness.alarmName, waitSeconds: witness.waitSeconds } }
        : {}),
    }),
  };
}

/** The parameters of the witness check: whether it is required, and which alarm, where, for how long. */
function witnessParameters(witness: WitnessInputs): Record<string, AutomationParameter> {
  return {
    Witness: {
      type: 'String',
      description:
        'Required (the default, what the alarm trigger uses): in Failover mode, promote only once the witness alarm ' +
        'is in ALARM. Skipped: a person has decided that the primary region is lost.',
      default: 'Required',
      allowedValues: ['Required', 'Skipped'],
    },
    WitnessRegion: { type: 'String', description: 'Region of the witness alarm.', default: witness.region },
    WitnessAlarmName: { type: 'String', description: 'The witness alarm.', default: witness.alarmName },
    WitnessWaitSeconds: {
      type: 'Integer',
      description: 'How long to wait for the witness to be in ALARM before paging a person and stopping.',
      default: witness.waitSeconds,
    },
    TriggerAlarmName: {
      type: 'String',
      description:
        'The alarm of this region that starts the runbooks: it must still be in ALARM when the witness agrees.',
      default: witness.triggerAlarmName,
    },
    PageTopicArn: {
      type: 'String',
      description: 'The SNS topic that pages a person when the witness does not agree.',
      default: witness.pageTopicArn,
    },
  };
}

/**
 * The first step of an automatic Failover: read the witness alarm in its own region (CloudWatch
 * DescribeAlarms, a regional data-plane call: no control plane that lives in one region) every
 * {@link FAILOVER_WITNESS_POLL_SECONDS} s until it is in ALARM or the wait is over. An alarm in any
 * other state, missing, or unreadable (its region is down too) does not agree: the step pages a
 * person and fails, so nothing is promoted. Once the witness agrees, the trigger alarm of this region
 * is read too: promoted only when both are in ALARM at once, not on a trigger that has recovered (a
 * blip on this region's own path) and a witness that fails later for a reason of its own. A
 * Switchover, or a Failover a person started with Witness Skipped, goes on at once.
 */
function witnessStep(witness: WitnessInputs): Record<string, unknown> {
  return {
    name: 'WaitForWitness',
    action: 'aws:executeScript',
    // The script ends by itself at the wait; the step's own limit leaves it a minute to page.
    timeoutSeconds: witness.waitSeconds + 60,
    inputs: {
      Runtime: 'python3.11',
      Handler: 'handler',
      InputPayload: {
        Mode: '{{ Mode }}',
        Witness: '{{ Witness }}',
        WitnessRegion: '{{ WitnessRegion }}',
        WitnessAlarmName: '{{ WitnessAlarmName }}',
        WitnessWaitSeconds: '{{ WitnessWaitSeconds }}',
        TriggerAlarmName: '{{ TriggerAlarmName }}',
        PageTopicArn: '{{ PageTopicArn }}',
        GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
      },
      Script: [
        'import time',
        'import boto3',
        '',
        'def state_of(client, name):',
        '    try:',
        '        found = client.describe_alarms(AlarmNames=[name], AlarmTypes=["MetricAlarm", "CompositeAlarm"])',
        '        alarms = found["MetricAlarms"] + found["CompositeAlarms"]',
        '        return alarms[0]["StateValue"] if alarms else "missing"',
        '    except Exception as error:',
        '        return "unreadable (%s)" % error',
        '',
        'def handler(events, context):',
        '    if events["Mode"] != "Failover" or events["Witness"] == "Skipped":',
        '        return {"Agreed": True}',
        '    name, region = events["WitnessAlarmName"], events["WitnessRegion"]',
        '    witness = boto3.client("cloudwatch", region_name=region)',
        '    deadline = time.time() + int(events["WitnessWaitSeconds"])',
        '    while True:',
        '        state = state_of(witness, name)',
        '        if state == "ALARM":',
        '            break',
        '        if time.time() >= deadline:',
        '            break',
        `        time.sleep(${FAILOVER_WITNESS_POLL_SECONDS})`,
        '    trigger = state_of(boto3.client("cloudwatch"), events["TriggerAlarmName"]) if state == "ALARM" else None',
        '    if trigger == "ALARM":',
        '        return {"Agreed": True}',
        '    if trigger is None:',
        '        why = (',
        '            "the witness alarm %s in %s is %s, not ALARM, after %s s. "',
        '            "Another vantage point does not see the primary region lost"',
        '            % (name, region, state, events["WitnessWaitSeconds"])',
        '        )',
        '    else:',
        '        why = (',
        '            "the witness alarm %s in %s is in ALARM, but the trigger alarm %s of this region is %s: "',
        '            "the two do not see the primary region lost at the same time"',
        '            % (name, region, events["TriggerAlarmName"], trigger)',
        '        )',
        '    message = (',
        '        "Automatic failover of %s stopped: %s, so nothing was promoted. "',
        '        "Decide: if the primary region is lost, run this runbook with Mode Failover and Witness Skipped."',
        '        % (events["GlobalClusterIdentifier"], why)',
        '    )',
        '    try:',
        '        topic_region = events["PageTopicArn"].split(":")[3]',
        '        boto3.client("sns", region_name=topic_region).publish(',
        '            TopicArn=events["PageTopicArn"], Subject="Automatic failover stopped: decide", Message=message)',
        '    except Exception as error:',
        '        message += " (the page failed: %s)" % error',
        '    raise Exception(message)',
      ].join('\n'),
    },
    outputs: [{ Name: 'Agreed', Selector: '$.Payload.Agreed', Type: 'Boolean' }],
  };
}

/**
 * AWS's advice for a two-region global database: a managed RPO on the promoted cluster while the
 * failed region is being rebuilt pauses every commit (no secondary is within it).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html
 */
const AFTER_FAILOVER_DESCRIPTION =
  'After a Failover, Aurora adds the old primary back as a secondary once its region is ' +
  'healthy and rebuilds it: set rds.global_db_rpo on this cluster (deploy it as the serving region) only then, since ' +
  'with no secondary within that RPO Aurora pauses every commit.';

/**
 * What a failback leaves to a person, and in what order it goes: AWS's managed failover adds the
 * old primary back as a secondary once its region is healthy, after a snapshot of the writes the
 * failover lost.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html
 */
const FAILBACK_DESCRIPTION =
  'Failback, once this region has recovered, in order: ' +
  '(1) Aurora adds this cluster back to the global database as a secondary on its own once the region is healthy, ' +
  'and rebuilds its storage (minutes to hours); CheckSecondary stops this runbook until it has, ' +
  'because the runbook cannot rebuild it (if Aurora does not, a person recreates this cluster as a secondary). ' +
  '(2) Run the ScaleStandby runbook of this region and let the fleet pass its health checks. ' +
  '(3) Run this runbook with Mode Switchover: no data loss. ' +
  '(4) Deploy the app with this region serving again (DNS PRIMARY, the other region back to standby size). ' +
  'It cannot recover the writes the failover lost: Aurora keeps them in the snapshot ' +
  "rds:unplanned-global-failover-<cluster>-<time>, a system snapshot deleted with this cluster's backup " +
  'retention (copy it to keep it), which a person restores and reconciles. It does not remove the instances ' +
  "the failover added to the other region's cluster.";

/**
 * The reader of the promoted cluster, in another zone: added once (a re-run finds it among the
 * members), never waited for, so the region RTO does not wait on it either.
 */
function addReaderStep(reader: PromotedReaderInputs): Record<string, unknown> {
  return {
    name: 'AddReader',
    action: 'aws:executeScript',
    inputs: {
      Runtime: 'python3.11',
      Handler: 'handler',
      InputPayload: {
        DbClusterIdentifier: '{{ DbClusterIdentifier }}',
        ReaderInstanceIdentifier: '{{ ReaderInstanceIdentifier }}',
        ReaderInstanceClass: '{{ ReaderInstanceClass }}',
        ReaderAvailabilityZone: '{{ ReaderAvailabilityZone }}',
        ParameterGroupName: reader.parameterGroupName,
      },
      Script: [
        'import boto3',
        '',
        'def handler(events, context):',
        '    rds = boto3.client("rds")',
        '    reader = events["ReaderInstanceIdentifier"]',
        '    cluster = rds.describe_db_clusters(DBClusterIdentifier=events["DbClusterIdentifier"])["DBClusters"][0]',
        '    if reader.lower() in [m["DBInstanceIdentifier"].lower() for m in cluster["DBClusterMembers"]]:',
        '        return {"Created": False}',
        '    rds.create_db_instance(',
        '        DBInstanceIdentifier=reader, DBClusterIdentifier=events["DbClusterIdentifier"],',
        '        DBInstanceClass=events["ReaderInstanceClass"], Engine="aurora-postgresql",',
        '        AvailabilityZone=events["ReaderAvailabilityZone"], DBParameterGroupName=events["ParameterGroupName"],',
        '        PubliclyAccessible=False)',
        '    return {"Created": True}',
      ].join('\n'),
    },
    outputs: [{ Name: 'ReaderCreated', Selector: '$.Payload.Created', Type: 'Boolean' }],
    isEnd: true,
  };
}
/** Inputs of the scale-up runbook. */
export interface ScaleUpRunbookInputs {
  readonly service: string;
  readonly region: string;
  readonly standbyAutoScalingGroupName: string;
  readonly primaryCapacity: { readonly min: number; readonly desired: number; readonly max: number };
  readonly trigger?: FailoverTriggerIntent;
}

/** The scale-up: the standby Auto Scaling group to the primary fleet's capacity, then report the group. */
export function scaleUpRunbookPlan(inputs: ScaleUpRunbookInputs): RunbookPlan {
  const capacity = inputs.primaryCapacity;
  return {
    title: `Scale ${inputs.service}'s standby fleet in ${inputs.region} to primary capacity`,
    description:
      "Sets the standby Auto Scaling group to the primary fleet's capacity " +
      'so that it can carry all traffic after failover.',
    parameters: {
      AutoScalingGroupName: {
        type: 'String',
        description: 'The standby fleet.',
        default: inputs.standbyAutoScalingGroupName,
      },
      MinSize: { type: 'Integer', description: 'Minimum instances after failover.', default: capacity.min },
      DesiredCapacity: { type: 'Integer', description: 'Instances to run after failover.', default: capacity.desired },
      MaxSize: { type: 'Integer', description: 'Maximum instances after failover.', default: capacity.max },
    },
    mainSteps: [
      {
        name: 'ScaleToPrimaryCapacity',
        action: 'aws:executeAwsApi',
        inputs: {
          Service: 'autoscaling',
          Api: 'UpdateAutoScalingGroup',
          AutoScalingGroupName: '{{ AutoScalingGroupName }}',
          MinSize: '{{ MinSize }}',
          MaxSize: '{{ MaxSize }}',
          DesiredCapacity: '{{ DesiredCapacity }}',
        },
      },
      {
        name: 'ReportGroup',
        action: 'aws:executeAwsApi',
        inputs: {
          Service: 'autoscaling',
          Api: 'DescribeAutoScalingGroups',
          AutoScalingGroupNames: ['{{ AutoScalingGroupName }}'],
        },
        outputs: [{ Name: 'DesiredCapacity', Selector: '$.AutoScalingGroups[0].DesiredCapacity', Type: 'Integer' }],
        isEnd: true,
      },
    ],
    failover: failoverStepRecordOf('scale-up', inputs.trigger),
  };
}

/** Inputs of the ECS scale-up runbook. */
export interface ServiceScaleUpRunbookInputs {
  readonly service: string;
  readonly region: string;
  readonly tier: ServiceTier;
  readonly clusterName: string;
  /** Name of the standby region's ECS service. */
  readonly serviceName: string;
  readonly primaryTaskCount: { readonly min: number; readonly desired: number; readonly max: number };
  readonly trigger?: FailoverTriggerIntent;
}

/**
 * The scale-up of a standby ECS service (warm standby or pilot light) to the primary's task count:
 * first the scalable target's bounds (target tracking would otherwise scale the idle new tasks back
 * in to the standby's minimum before traffic arrives), then the desired count at once, then wait,
 * up to the tier's region RTO, until that many tasks run. Fargate publishes no launch time and
 * capacity is not reserved, so the report counts the scale-up unknown until a drill measures it.
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
 */
export function serviceScaleUpRunbookPlan(inputs: ServiceScaleUpRunbookInputs): RunbookPlan {
  const count = inputs.primaryTaskCount;
  const target = {
    ServiceNamespace: 'ecs',
    ScalableDimension: 'ecs:service:DesiredCount',
    ResourceId: 'service/{{ ClusterName }}/{{ ServiceName }}',
  };
  return {
    title: `Scale ${inputs.service}'s standby ECS service in ${inputs.region} to the primary's task count`,
    description:
      "Raises the standby service's scaling bounds to the primary's, sets its desired count to the primary's, and " +
      'waits until that many tasks run, so that it can carry all traffic after failover.',
    parameters: {
      ClusterName: { type: 'String', description: 'The cluster of the standby service.', default: inputs.clusterName },
      ServiceName: { type: 'String', description: 'The standby service.', default: inputs.serviceName },
      MinCapacity: { type: 'Integer', description: 'Minimum tasks after failover.', default: count.min },
      DesiredCount: { type: 'Integer', description: 'Tasks to run after failover.', default: count.desired },
      MaxCapacity: { type: 'Integer', description: 'Maximum tasks after failover.', default: count.max },
    },
    mainSteps: [
      {
        name: 'RaiseScalingBounds',
        action: 'aws:executeAwsApi',
        inputs: {
          Service: 'application-autoscaling',
          Api: 'RegisterScalableTarget',
          ...target,
          MinCapacity: '{{ MinCapacity }}',
          MaxCapacity: '{{ MaxCapacity }}',
        },
      },
      {
        name: 'ScaleToPrimaryCount',
        action: 'aws:executeAwsApi',
        // ECS names its request members in lower camel case (`cluster`, `service`); `Service` is Automation's.
        inputs: {
          Service: 'ecs',
          Api: 'UpdateService',
          cluster: '{{ ClusterName }}',
          service: '{{ ServiceName }}',
          desiredCount: '{{ DesiredCount }}',
        },
      },
      {
        name: 'WaitForTasks',
        action: 'aws:waitForAwsResourceProperty',
        // Past the tier's region RTO the step fails, so the execution says the objective was missed.
        timeoutSeconds: inputs.tier.regionRtoSeconds,
        inputs: {
          Service: 'ecs',
          Api: 'DescribeServices',
          cluster: '{{ ClusterName }}',
          services: ['{{ ServiceName }}'],
          PropertySelector: '$.services[0].runningCount',
          DesiredValues: ['{{ DesiredCount }}'],
        },
        isEnd: true,
      },
    ],
    failover: failoverStepRecordOf('scale-up', inputs.trigger),
  };
}

/** The Automation document's content: the plan with its assume role as the first parameter. */
export function automationDocumentContent(
  plan: Pick<RunbookPlan, 'title' | 'description' | 'parameters' | 'mainSteps'>,
  assumeRoleArn: string,
): Record<string, unknown> {
  return {
    schemaVersion: '0.3',
    description: `${plan.title}. ${plan.description}`,
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      AutomationAssumeRole: {
        type: 'String',
        description: 'The role the automation assumes.',
        default: assumeRoleArn,
      },
      ...plan.parameters,
    },
    mainSteps: plan.mainSteps,
  };
}

/**
 * Steps that add a writer to a headless secondary and wait for it, before the promotion: a
 * promoted cluster without an instance serves nothing. A re-run (after a failed promotion, say)
 * finds the writer among the cluster's members and goes on to wait for it instead of failing with
 * DBInstanceAlreadyExists. How long creating an instance takes is not published, so the report
 * counts it unknown until a drill measures it.
 */
function headlessWriterSteps(writer: HeadlessWriterInputs, timeoutSeconds: number): Record<string, unknown>[] {
  return [
    {
      // aws:branch compares strings, numbers and booleans, not lists: a script says whether the writer is a member.
      name: 'FindWriter',
      action: 'aws:executeScript',
      inputs: {
        Runtime: 'python3.11',
        Handler: 'handler',
        InputPayload: {
          DbClusterIdentifier: '{{ DbClusterIdentifier }}',
          WriterInstanceIdentifier: '{{ WriterInstanceIdentifier }}',
        },
        Script: [
          'import boto3',
          '',
          'def handler(events, context):',
          '    rds = boto3.client("rds")',
          '    cluster = rds.describe_db_clusters(DBClusterIdentifier=events["DbClusterIdentifier"])["DBClusters"][0]',
          '    members = [m["DBInstanceIdentifier"].lower() for m in cluster["DBClusterMembers"]]',
          '    return {"WriterExists": events["WriterInstanceIdentifier"].lower() in members}',
        ].join('\n'),
      },
      outputs: [{ Name: 'WriterExists', Selector: '$.Payload.WriterExists', Type: 'Boolean' }],
    },
    {
      name: 'CreateWriterOnce',
      action: 'aws:branch',
      inputs: {
        Choices: [{ NextStep: 'WaitForWriter', Variable: '{{ FindWriter.WriterExists }}', BooleanEquals: true }],
        Default: 'CreateWriter',
      },
    },
    {
      // It takes the cluster's subnet group and the engine's default option group; its parameter group is named.
      name: 'CreateWriter',
      action: 'aws:executeAwsApi',
      inputs: {
        Service: 'rds',
        Api: 'CreateDBInstance',
        DBInstanceIdentifier: '{{ WriterInstanceIdentifier }}',
        DBClusterIdentifier: '{{ DbClusterIdentifier }}',
        DBInstanceClass: '{{ WriterInstanceClass }}',
        Engine: 'aurora-postgresql',
        DBParameterGroupName: writer.parameterGroupName,
        PubliclyAccessible: false,
        ...(writer.availabilityZone !== undefined ? { AvailabilityZone: '{{ WriterAvailabilityZone }}' } : {}),
      },
    },
    {
      name: 'WaitForWriter',
      action: 'aws:waitForAwsResourceProperty',
      timeoutSeconds,
      inputs: {
        Service: 'rds',
        Api: 'DescribeDBInstances',
        DBInstanceIdentifier: '{{ WriterInstanceIdentifier }}',
        PropertySelector: '$.DBInstances[0].DBInstanceStatus',
        DesiredValues: ['available'],
      },
    },
  ];
}
