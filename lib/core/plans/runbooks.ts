import { PlanProblem } from '../errors';
import { FailoverStepRecord } from '../failover-steps';
import { AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS } from '../figures';
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
}

/** The inputs of the promotion and scale-up runbooks as an engine checks them; undefined where unknown. */
export interface RegionFailoverRunbooksIntent {
  readonly tier: ServiceTier;
  readonly globalClusterIdentifier: boolean;
  readonly secondaryClusterArn: boolean;
  /** The writer class of a headless secondary, when given and known. */
  readonly headlessSecondaryWriterClass?: string;
  readonly standbyAutoScalingGroupName: boolean;
  /** The primary capacity, when given; an undefined entry is unknown at synthesis. */
  readonly primaryCapacity?: { readonly min?: number; readonly desired?: number; readonly max?: number };
  readonly trigger?: FailoverTriggerIntent;
  /** How the engine's users say what starts the runbooks, for the message asking for it. */
  readonly triggerHint: string;
}

/** Aurora DB instance identifiers have at most 63 characters. */
export const AURORA_INSTANCE_ID_MAX = 63;

/** The problems of the promotion and scale-up inputs, in the order an engine reports them. */
export function regionFailoverRunbooksProblems(intent: RegionFailoverRunbooksIntent): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (intent.globalClusterIdentifier !== intent.secondaryClusterArn) {
    problems.push({
      prop: 'globalClusterIdentifier',
      message: 'globalClusterIdentifier and secondaryClusterArn must be given together, got: only '
        + `${intent.globalClusterIdentifier ? 'globalClusterIdentifier' : 'secondaryClusterArn'}`,
    });
  }
  if (intent.standbyAutoScalingGroupName !== (intent.primaryCapacity !== undefined)) {
    problems.push({
      prop: 'standbyAutoScalingGroupName',
      message: 'standbyAutoScalingGroupName and primaryCapacity must be given together, got: only '
        + `${intent.standbyAutoScalingGroupName ? 'standbyAutoScalingGroupName' : 'primaryCapacity'}`,
    });
  }
  const trigger = intent.trigger;
  if ((intent.globalClusterIdentifier || intent.standbyAutoScalingGroupName) && !trigger) {
    problems.push({
      prop: 'failoverTrigger',
      message: `failoverTrigger must say what starts the promotion and scale-up runbooks (${intent.triggerHint}): `
        + 'a runbook nobody starts recovers nothing, got: none',
    });
  }
  if (trigger && !trigger.alarm && intent.tier.strategy === DrStrategy.ACTIVE_ACTIVE) {
    problems.push({
      prop: 'failoverTrigger',
      message: `failoverTrigger must be an alarm for ${intent.tier.name}: `
        + `${intent.tier.strategy} fails over with no human step, got: an operator`,
    });
  }
  if (trigger && !trigger.alarm && trigger.decisionSeconds !== undefined && !(trigger.decisionSeconds > 0)) {
    const text = trigger.decisionText ?? trigger.decisionSeconds;
    problems.push({
      prop: 'failoverTrigger', message: `failoverTrigger decisionTime must be longer than 0, got: ${text}`,
    });
  }
  const writerClass = intent.headlessSecondaryWriterClass;
  if (writerClass !== undefined && !/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(writerClass)) {
    problems.push({
      prop: 'headlessSecondaryWriterClass',
      message: `headlessSecondaryWriterClass must be an RDS instance class (db.r6g.large), got: ${writerClass}`,
    });
  }
  const capacity = intent.primaryCapacity;
  if (intent.standbyAutoScalingGroupName && capacity) {
    for (const name of ['min', 'desired', 'max'] as const) {
      const value = capacity[name];
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
        problems.push({
          prop: `primaryCapacity.${name}`,
          message: `primaryCapacity.${name} must be a whole number of instances, got: ${value}`,
        });
      }
    }
    const { min, desired, max } = capacity;
    if (min !== undefined && desired !== undefined && max !== undefined && (min > desired || desired > max)) {
      problems.push({
        prop: 'primaryCapacity',
        message: `primaryCapacity must satisfy min ≤ desired ≤ max, got: ${min}, ${desired}, ${max}`,
      });
    }
  }
  return problems;
}

/** The failover-step record of a runbook started by `trigger`. */
export function failoverStepRecordOf(step: FailoverStepRecord['step'], trigger: FailoverTriggerIntent | undefined,
  extra: Partial<FailoverStepRecord> = {}): FailoverStepRecord {
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
  readonly secondaryClusterArn: string;
  /** The writer to add first to a headless secondary. */
  readonly headlessWriter?: HeadlessWriterInputs;
  readonly trigger?: FailoverTriggerIntent;
}

/** The writer a headless secondary gets before it is promoted. */
export interface HeadlessWriterInputs {
  /** Instance class (`db.r6g.large`). */
  readonly instanceClass: string;
  /** Identifier (name) of the secondary cluster: `CreateDBInstance` takes the name, not the ARN. */
  readonly clusterIdentifier: string;
  /** DB parameter group of the writer, named so that the assume role's grant is exact. */
  readonly parameterGroupName: string;
}

/** Identifier of the writer the promotion adds to a headless secondary. */
export function headlessWriterIdentifier(service: string, region: string): string {
  return `${service}-${region}-writer`.slice(0, AURORA_INSTANCE_ID_MAX);
}

/**
 * The promotion in the `Mode` whoever starts it chooses (no default: the wrong one fails in an
 * outage or loses writes in a planned move): `Failover` (primary region down,
 * `rds:FailoverGlobalCluster` with AllowDataLoss) or `Switchover` (both regions healthy, no data
 * loss); then wait, up to the tier's region RTO, until the secondary is the global database's
 * writer. A headless secondary gets a writer first.
 */
export function promotionRunbookPlan(inputs: PromotionRunbookInputs): RunbookPlan {
  const writer = inputs.headlessWriter;
  const cluster = {
    GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
    TargetDbClusterIdentifier: '{{ TargetDbClusterIdentifier }}',
  };
  return {
    title: `Promote the Aurora global secondary of ${inputs.service} in ${inputs.region}`,
    description: 'Promotes this region\'s Aurora global secondary to writer. '
      + 'Mode Switchover (both regions healthy): no data loss. '
      + 'Mode Failover (the primary region is impaired): promotes at once, '
      + 'losing writes not yet replicated (typically under a second).',
    parameters: {
      GlobalClusterIdentifier: {
        type: 'String', description: 'The Aurora global database.', default: inputs.globalClusterIdentifier,
      },
      TargetDbClusterIdentifier: {
        type: 'String', description: 'ARN of the secondary cluster to promote.', default: inputs.secondaryClusterArn,
      },
      Mode: {
        type: 'String',
        description: 'Required: Failover when the primary region is down or impaired (promotes at once, losing '
          + 'the writes not yet replicated); Switchover for a planned move with both regions healthy (no data loss, '
          + 'but it needs the primary to answer).',
        allowedValues: ['Failover', 'Switchover'],
      },
      ...(writer ? {
        DbClusterIdentifier: {
          type: 'String', description: 'Identifier (name) of the same cluster, for CreateDBInstance.',
          default: writer.clusterIdentifier,
        },
        WriterInstanceClass: {
          type: 'String', description: 'Instance class of the writer added to the headless secondary.',
          default: writer.instanceClass,
        },
        WriterInstanceIdentifier: {
          type: 'String', description: 'Identifier of that writer.',
          default: headlessWriterIdentifier(inputs.service, inputs.region),
        },
      } : {}),
    },
    mainSteps: [
      ...(writer ? headlessWriterSteps(writer, inputs.tier.regionRtoSeconds) : []),
      {
        name: 'ChooseMode',
        action: 'aws:branch',
        inputs: {
          Choices: [{ NextStep: 'Failover', Variable: '{{ Mode }}', StringEquals: 'Failover' }], Default: 'Switchover',
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
        // The global cluster's Status reads `available` before a promotion starts as well as after it:
        // this cluster being the writer member says it is done (Automation compares the boolean as `True`).
        name: 'WaitForPromotion',
        action: 'aws:waitForAwsResourceProperty',
        // Past the tier's region RTO the step fails, so the execution says the objective was missed.
        timeoutSeconds: Math.max(inputs.tier.regionRtoSeconds, AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS),
        inputs: {
          Service: 'rds', Api: 'DescribeGlobalClusters', GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
          PropertySelector: '$.GlobalClusters[0].GlobalClusterMembers'
            + '[?(@.DBClusterArn == \'{{ TargetDbClusterIdentifier }}\')].IsWriter',
          DesiredValues: ['True'],
        },
        isEnd: true,
      },
    ],
    failover: failoverStepRecordOf('promotion', inputs.trigger, { createsWriter: writer !== undefined }),
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
    description: 'Sets the standby Auto Scaling group to the primary fleet\'s capacity '
      + 'so that it can carry all traffic after failover.',
    parameters: {
      AutoScalingGroupName: {
        type: 'String', description: 'The standby fleet.', default: inputs.standbyAutoScalingGroupName,
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
          Service: 'autoscaling', Api: 'UpdateAutoScalingGroup', AutoScalingGroupName: '{{ AutoScalingGroupName }}',
          MinSize: '{{ MinSize }}', MaxSize: '{{ MaxSize }}', DesiredCapacity: '{{ DesiredCapacity }}',
        },
      },
      {
        name: 'ReportGroup',
        action: 'aws:executeAwsApi',
        inputs: {
          Service: 'autoscaling', Api: 'DescribeAutoScalingGroups',
          AutoScalingGroupNames: ['{{ AutoScalingGroupName }}'],
        },
        outputs: [{ Name: 'DesiredCapacity', Selector: '$.AutoScalingGroups[0].DesiredCapacity', Type: 'Integer' }],
        isEnd: true,
      },
    ],
    failover: failoverStepRecordOf('scale-up', inputs.trigger),
  };
}

/** The Automation document's content: the plan with its assume role as the first parameter. */
export function automationDocumentContent(
  plan: Pick<RunbookPlan, 'title' | 'description' | 'parameters' | 'mainSteps'>, assumeRoleArn: string,
): Record<string, unknown> {
  return {
    schemaVersion: '0.3',
    description: `${plan.title}. ${plan.description}`,
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      AutomationAssumeRole: {
        type: 'String', description: 'The role the automation assumes.', default: assumeRoleArn,
      },
      ...plan.parameters,
    },
    mainSteps: plan.mainSteps,
  };
}

/**
 * Steps that add a writer to a headless secondary and wait for it, before the promotion: a
 * promoted cluster without an instance serves nothing. How long creating an instance takes is not
 * published, so the report counts it unknown until a drill measures it.
 */
function headlessWriterSteps(writer: HeadlessWriterInputs, timeoutSeconds: number): Record<string, unknown>[] {
  return [
    {
      name: 'CreateWriter',
      action: 'aws:executeAwsApi',
      // A re-run (after a failed promotion) finds the writer there: wait for it instead of stopping. Any other
      // failure leaves no instance, and the wait fails on it.
      onFailure: 'step:WaitForWriter',
      inputs: {
        Service: 'rds', Api: 'CreateDBInstance', DBInstanceIdentifier: '{{ WriterInstanceIdentifier }}',
        DBClusterIdentifier: '{{ DbClusterIdentifier }}', DBInstanceClass: '{{ WriterInstanceClass }}',
        Engine: 'aurora-postgresql', DBParameterGroupName: writer.parameterGroupName,
      },
    },
    {
      name: 'WaitForWriter',
      action: 'aws:waitForAwsResourceProperty',
      timeoutSeconds,
      inputs: {
        Service: 'rds', Api: 'DescribeDBInstances', DBInstanceIdentifier: '{{ WriterInstanceIdentifier }}',
        PropertySelector: '$.DBInstances[0].DBInstanceStatus', DesiredValues: ['available'],
      },
    },
  ];
}
