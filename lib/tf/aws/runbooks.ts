import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { newAutomationRole } from './private/automation';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  automationDocumentContent,
  DrStrategy,
  FAILOVER_STEP_METADATA_KEY,
  failoverWitnessDefaultWaitSeconds,
  FailoverTriggerIntent,
  FailureDomain,
  headlessWriterIdentifier,
  promotedReaderIdentifier,
  promotionRunbookPlan,
  RegionFailoverRunbooksIntent,
  regionFailoverRunbooksProblems,
  regionFailoverRunbooksWarnings,
  RunbookPlan,
  scaleUpRunbookPlan,
  FAILOVER_TRIGGER_PREVIOUS_STATES,
  FAILOVER_TRIGGER_STATES,
} from '../../core';
import { emitWarnings, throwProblems, validationError, warn } from '../diagnostics';
import { HaProps, RegionalProps, serviceNameOf } from './ha-props';
import { AccountContext, PolicyStatement } from './private/keys';
import { attachHaMetadata } from './private/metadata';
import { regionOf } from './private/regions';

/** The alarm that starts the runbooks: a `CloudwatchMetricAlarm` (or composite alarm) fits as it is. */
export interface FailoverAlarm {
  /** ARN of the alarm: the EventBridge rule matches its state changes. */
  readonly arn: string;
  /** Name of the alarm, for descriptions. */
  readonly alarmName: string;
}

/**
 * An alarm of another vantage point that must agree before an automatic promotion, the Terraform
 * twin of the CDK `FailoverWitness`: one in a third region probing the same endpoint as the trigger.
 * It corroborates that the endpoint fails from a third vantage point too, which rules out a failure
 * of the standby's own path to it; it does not say why the endpoint fails (when the path to the
 * standby is down and the serving region's readiness depends on it, such as commits that
 * `rds.global_db_rpo` blocks, both see the failure). The promotion reads it in its own region
 * (CloudWatch `DescribeAlarms`, a regional data-plane call) and waits for it to be in ALARM;
 * otherwise it pages `pageTopicArn` and stops.
 */
export interface FailoverWitness {
  /** Region of the witness alarm: neither the serving region nor the runbooks'. */
  readonly region: string;
  /**
   * Name of the witness alarm. Treat its missing data as not breaching: a witness that cannot run
   * must not agree (HA-DR10).
   */
  readonly alarmName: string;
  /**
   * ARN of the SNS topic that pages a person when the witness does not agree in time. Subscribe the
   * on-call's endpoint to it: a page nobody receives leaves the failover to whoever notices (HA-OBS6).
   */
  readonly pageTopicArn: string;
  /**
   * ARN of the KMS key that encrypts that topic: the runbook may then use it to publish.
   * @default - the topic is not encrypted with a customer-managed key
   */
  readonly pageTopicKeyArn?: string;
  /**
   * Period of the witness alarm in seconds: with `alarmEvaluationPeriods`, how long one full chain of
   * it takes, which the wait must cover.
   * @default - not known here: the wait defaults to 540 s, and the HA report checks it against the alarm
   */
  readonly alarmPeriodSeconds?: number;
  /**
   * Evaluation periods of the witness alarm.
   * @default - not known here: the wait defaults to 540 s, and the HA report checks it against the alarm
   */
  readonly alarmEvaluationPeriods?: number;
  /**
   * How long the promotion waits for the witness to be in ALARM, in whole seconds (10 to 540): at
   * least `alarmPeriodSeconds × (alarmEvaluationPeriods + 1)`, so that a witness whose probe missed
   * one run just as the trigger fired (which restarts its chain) still agrees in time.
   * @default - alarmPeriodSeconds × (alarmEvaluationPeriods + 1) when both are given, else 540 (core
   * `failoverWitnessDefaultWaitSeconds`)
   */
  readonly waitSeconds?: number;
}

/** Options of {@link FailoverTrigger.alarm}. */
export interface FailoverAlarmTriggerOptions {
  /**
   * The alarm of a third region that must agree before the promotion (which loses the writes not yet
   * replicated) goes on.
   * @default - no witness: the trigger alone promotes, and the construct warns
   */
  readonly witness?: FailoverWitness;
}

/**
 * What starts the region-failover runbooks (promotion and scale-up), the Terraform twin of the CDK
 * `FailoverTrigger`: a runbook nobody starts recovers nothing, so the region RTO counts the start too.
 */
export class FailoverTrigger {
  /**
   * An alarm of the runbooks' region starts them when it goes into ALARM (an EventBridge rule starts
   * each SSM Automation, the promotion in `Failover` mode): no person in the loop. Use an alarm that
   * watches the primary region from the standby, so that it fires when the primary is lost, and a
   * `witness` in a third region that probes the same endpoint: without one, trouble on the standby's
   * own path promotes with data loss.
   */
  public static alarm(alarm: FailoverAlarm, options: FailoverAlarmTriggerOptions = {}): FailoverTrigger {
    return new FailoverTrigger(alarm, undefined, options.witness);
  }

  /**
   * An on-call engineer decides to fail over and starts the runbooks. `decisionSeconds`, from the
   * page to the start, is counted in full in the region RTO: state what the on-call rota commits to.
   */
  public static operator(decisionSeconds: number): FailoverTrigger {
    return new FailoverTrigger(undefined, decisionSeconds);
  }

  private constructor(
    /** The alarm that starts the runbooks, when automatic. */
    public readonly alarm: FailoverAlarm | undefined,
    /** How long a person takes to decide, in seconds, when not. */
    public readonly decisionSeconds: number | undefined,
    /** The alarm of a third region that must agree before an automatic promotion. */
    public readonly witness?: FailoverWitness,
  ) {}
}

/** Capacity the standby fleet scales to: a `ResilientFleet`'s `primaryCapacity` fits as it is. */
export interface StandbyScaleTarget {
  /** Minimum of the Auto Scaling group. */
  readonly min: number;
  /** Desired capacity. */
  readonly desired: number;
  /** Maximum of the Auto Scaling group. */
  readonly max: number;
}

/** Props of {@link FailoverRunbooks}. Each runbook is created when its inputs are given. */
export interface FailoverRunbooksProps extends HaProps, RegionalProps {
  /**
   * Identifier of the Aurora global database whose secondary this region's runbook promotes.
   * Give it with `secondaryClusterArn`.
   * @default - no promotion runbook
   */
  readonly globalClusterIdentifier?: string;
  /**
   * ARN of the secondary cluster, in the provider's region, that the runbook promotes to writer.
   * @default - no promotion runbook
   */
  readonly secondaryClusterArn?: string;
  /**
   * ARN of the global database's primary cluster (another region's): `rds:FailoverGlobalCluster` and
   * `rds:SwitchoverGlobalCluster` are authorised against both member clusters as well as the global one.
   * @default - any DB cluster of this account; the global cluster in the same statement still limits
   * the two actions to this global database
   */
  readonly primaryClusterArn?: string;
  /**
   * Instance class of the writer to create when the secondary is headless (storage only): the
   * promotion runbook adds a writer of this class and waits for it before it promotes. Give
   * `headlessSecondarySubnetGroupName` and `headlessSecondaryEngineVersion` with it.
   * @default - the secondary has instances, and one of them becomes the writer
   */
  readonly headlessSecondaryWriterClass?: string;
  /**
   * Identifier (name) of the secondary cluster, which `CreateDBInstance` takes.
   * @default - the resource name of `secondaryClusterArn`
   */
  readonly secondaryClusterIdentifier?: string;
  /**
   * The secondary cluster's DB subnet group: `rds:CreateDBInstance` is authorised against the group
   * the writer (and the promoted reader) joins. Required with `headlessSecondaryWriterClass` and with
   * `promotedReaderAvailabilityZone`.
   * @default - no writer is created
   */
  readonly headlessSecondarySubnetGroupName?: string;
  /**
   * Aurora PostgreSQL version of the secondary (`16.6`): it names the engine's default parameter and
   * option groups the writer and the promoted reader use, which `rds:CreateDBInstance` is authorised
   * against. Required with `headlessSecondaryWriterClass` and with `promotedReaderAvailabilityZone`.
   * @default - no writer is created
   */
  readonly headlessSecondaryEngineVersion?: string;
  /**
   * Zone the writer of a headless secondary is created in: name the zone your configuration declares
   * the serving cluster's first instance in, so that a later `terraform import` can adopt it.
   * @default - Aurora chooses
   */
  readonly headlessSecondaryWriterAvailabilityZone?: string;
  /**
   * A zone of the secondary, other than its writer's, where the promotion runbook adds a reader once
   * the secondary is promoted (`<service>-<region>-reader`, added once, not waited for): a headless or
   * one-instance secondary is promoted with its writer alone in one zone. Off the region RTO's
   * critical path. Give `headlessSecondarySubnetGroupName` and `headlessSecondaryEngineVersion` with it.
   * @default - no reader is added
   */
  readonly promotedReaderAvailabilityZone?: string;
  /**
   * Instance class of that reader.
   * @default - headlessSecondaryWriterClass
   */
  readonly promotedReaderClass?: string;
  /**
   * These runbooks return the service to this region after a failover: the promotion first checks
   * that Aurora has added this region's cluster back to the global database as a secondary, and its
   * description gives the failback's order and what it leaves to a person.
   * @default false
   */
  readonly failback?: boolean;
  /**
   * What starts the promotion and scale-up runbooks: an alarm, or a person within a stated time.
   * Required when either runbook is created; ACTIVE_ACTIVE tiers fail over with no human step.
   * @default - no runbook may be created
   */
  readonly failoverTrigger?: FailoverTrigger;
  /**
   * Name of the standby region's Auto Scaling group, scaled to `primaryCapacity` on failover.
   * @default - no scale-up runbook
   */
  readonly standbyAutoScalingGroupName?: string;
  /**
   * The primary fleet's capacity: what the standby must carry after failover. Required with
   * `standbyAutoScalingGroupName`.
   * @default - no scale-up runbook
   */
  readonly primaryCapacity?: StandbyScaleTarget;
}

/** One SSM Automation document with the role it runs as. */
export interface TfRunbook {
  /** What the runbook does, one line. */
  readonly title: string;
  readonly document: SsmDocument;
  /** The role the automation assumes: it may do only what this runbook does. */
  readonly assumeRole: IamRole;
  /** ARN of the document's default version, what `ssm:StartAutomationExecution` and EventBridge name. */
  readonly definitionArn: string;
}

/**
 * SSM Automation runbooks (schemaVersion 0.3) that make the standby region serve, the Terraform
 * twin of the CDK `FailoverRunbooks`' region-failover part (the documents' steps and the checks of
 * the inputs come from `lib/core/plans/runbooks.ts`):
 *
 * - `PromoteDatabase`: promote this region's Aurora global secondary in the `Mode` whoever starts it
 *   chooses (`Failover` with AllowDataLoss when the primary region is down, `Switchover` for a
 *   planned move), then wait until it is the global database's writer; a headless secondary gets
 *   its writer first; with an alarm trigger and a `witness`, a `Failover` first waits for the
 *   witness alarm of a third region to be in ALARM while the trigger still is, and otherwise pages
 *   `pageTopicArn` and stops;
 * - `ScaleStandby`: scale the standby Auto Scaling group to the primary's capacity.
 *
 * Each runs as its own role, limited to these resources, and records in its document's `//` block
 * the failover step it performs and what starts it, which the HA report counts in the region RTO.
 * With an alarm trigger, an EventBridge rule on the alarm's change to ALARM starts both.
 *
 * Construct ids (public API): `PromoteDatabase`, `ScaleStandby` (each with `Document`, `Role`,
 * `Policy`), `Trigger`, `TriggerTarget<n>`, `TriggerRole`, `TriggerPolicy`.
 */
export class FailoverRunbooks extends Construct {
  /** Promotes this region's Aurora global secondary; undefined without a global cluster. */
  public readonly promoteDatabase?: TfRunbook;
  /** Scales the standby fleet to primary capacity; undefined without a standby group. */
  public readonly scaleStandby?: TfRunbook;
  /** Every runbook created, in the order above. */
  public readonly runbooks: TfRunbook[];
  /** The rule that starts the runbooks; undefined unless an alarm starts them. */
  public readonly trigger?: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: FailoverRunbooksProps) {
    super(scope, id);
    const { provider, tier } = props;
    const service = serviceNameOf(this, props);
    const inputs = [
      props.globalClusterIdentifier,
      props.secondaryClusterArn,
      props.standbyAutoScalingGroupName,
      props.primaryCapacity,
    ];
    if (inputs.every((input) => !input)) {
      throw validationError(
        'FailoverRunbooks needs the inputs of at least one runbook (globalClusterIdentifier with ' +
          'secondaryClusterArn, or standbyAutoScalingGroupName with primaryCapacity), got: none',
        this,
      );
    }
    const trigger = props.failoverTrigger;
    const decision = trigger?.decisionSeconds;
    // Only an alarm's promotion waits for a witness: a person deciding is the corroboration.
    const witness = trigger?.alarm ? trigger.witness : undefined;
    const knownNumber = (value: number | undefined) =>
      value === undefined || Token.isUnresolved(value) ? undefined : value;
    const witnessIntent = witness && {
      region: Token.isUnresolved(witness.region) ? undefined : witness.region,
      waitSeconds: knownNumber(witness.waitSeconds),
      alarmPeriodSeconds: knownNumber(witness.alarmPeriodSeconds),
      alarmEvaluationPeriods: knownNumber(witness.alarmEvaluationPeriods),
    };
    const witnessWait = witnessIntent && (witness?.waitSeconds ?? failoverWitnessDefaultWaitSeconds(witnessIntent));
    const triggerIntent: FailoverTriggerIntent | undefined = trigger && {
      alarm: trigger.alarm !== undefined,
      decisionSeconds: decision === undefined || Token.isUnresolved(decision) ? undefined : decision,
      decisionText: decision === undefined ? undefined : `${decision} seconds`,
      witness: witnessIntent,
    };
    const capacity = props.primaryCapacity;
    const known = (value: number) => (Token.isUnresolved(value) ? undefined : value);
    const writerClass = props.headlessSecondaryWriterClass;
    const readerZone = props.promotedReaderAvailabilityZone;
    const knownText = (value: string | undefined) =>
      value === undefined || Token.isUnresolved(value) ? undefined : value;
    const context = new AccountContext(this, 'Account', provider);
    const region = regionOf(this, provider) ?? context.region;
    const intent: RegionFailoverRunbooksIntent = {
      tier,
      globalClusterIdentifier: Boolean(props.globalClusterIdentifier),
      secondaryClusterArn: Boolean(props.secondaryClusterArn),
      headlessSecondaryWriterClass: knownText(writerClass),
      headlessSecondaryWriterAvailabilityZone: knownText(props.headlessSecondaryWriterAvailabilityZone),
      promotedReader:
        readerZone === undefined
          ? undefined
          : {
              availabilityZone: knownText(readerZone),
              instanceClass: knownText(props.promotedReaderClass),
              hasClass: (props.promotedReaderClass ?? writerClass) !== undefined,
            },
      region: knownText(region),
      standbyAutoScalingGroupName: Boolean(props.standbyAutoScalingGroupName),
      primaryCapacity: capacity && {
        min: known(capacity.min),
        desired: known(capacity.desired),
        max: known(capacity.max),
      },
      trigger: triggerIntent,
      triggerHint:
        'FailoverTrigger.alarm(alarm), or FailoverTrigger.operator(decisionSeconds) ' +
        'with the time a person takes to decide',
    };
    throwProblems(regionFailoverRunbooksProblems(intent), this);
    emitWarnings(this, 'FailoverRunbooks', regionFailoverRunbooksWarnings(intent));

    const runbooks: TfRunbook[] = [];
    if (props.globalClusterIdentifier && props.secondaryClusterArn) {
      // Global clusters have no region in their ARN.
      const globalClusterArn = context.arn('rds', `global-cluster:${props.globalClusterIdentifier}`, '');
      const clusterArn = props.secondaryClusterArn;
      const statements: PolicyStatement[] = [
        {
          // Both actions are authorised against the member clusters too; AWS's sample policy names both.
          Sid: 'PromoteSecondary',
          Effect: 'Allow',
          Action: ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster'],
          Resource: [globalClusterArn, clusterArn, props.primaryClusterArn ?? context.arn('rds', 'cluster:*', '*')],
        },
        {
          Sid: 'WatchGlobalCluster',
          Effect: 'Allow',
          Action: 'rds:DescribeGlobalClusters',
          Resource: globalClusterArn,
        },
      ];
      if (witness) {
        statements.push(...witnessStatements(context, witness, trigger!.alarm!));
      }
      const groups = writerClass || readerZone ? this.instanceGroups(props) : undefined;
      const instances = [
        ...(writerClass ? [['Writer', headlessWriterIdentifier(service, region)]] : []),
        ...(readerZone ? [['Reader', promotedReaderIdentifier(service, region)]] : []),
      ];
      if (groups) {
        const major = groups.engineVersion.split('.')[0];
        const groupArns = [
          context.arn('rds', `subgrp:${groups.subnetGroupName}`),
          context.arn('rds', `pg:${groups.parameterGroupName}`),
          context.arn('rds', `og:default:aurora-postgresql-${major}`),
        ];
        statements.push({
          Sid: 'FindInstances',
          Effect: 'Allow',
          Action: 'rds:DescribeDBClusters',
          Resource: clusterArn,
        });
        for (const [role, identifier] of instances) {
          const instanceArn = context.arn('rds', `db:${identifier}`);
          // CreateDBInstance is authorised against the instance, its cluster and every group it uses.
          statements.push({
            Sid: `Create${role}`,
            Effect: 'Allow',
            Action: 'rds:CreateDBInstance',
            Resource: [instanceArn, clusterArn, ...groupArns],
          });
          if (role === 'Writer') {
            statements.push({
              Sid: 'WatchWriter',
              Effect: 'Allow',
              Action: 'rds:DescribeDBInstances',
              Resource: instanceArn,
            });
          }
        }
      }
      this.promoteDatabase = this.runbook(
        'PromoteDatabase',
        context,
        service,
        promotionRunbookPlan({
          service,
          region,
          tier,
          globalClusterIdentifier: props.globalClusterIdentifier,
          secondaryClusterArn: clusterArn,
          secondaryClusterIdentifier: clusterIdentifierOf(props, clusterArn),
          headlessWriter:
            writerClass && groups
              ? {
                  instanceClass: writerClass,
                  parameterGroupName: groups.parameterGroupName,
                  availabilityZone: props.headlessSecondaryWriterAvailabilityZone,
                }
              : undefined,
          promotedReader:
            readerZone && groups
              ? {
                  instanceClass: (props.promotedReaderClass ?? writerClass)!,
                  parameterGroupName: groups.parameterGroupName,
                  availabilityZone: readerZone,
                }
              : undefined,
          failback: props.failback,
          trigger: triggerIntent,
          witness: witness && {
            region: witness.region,
            alarmName: witness.alarmName,
            waitSeconds: witnessWait!,
            pageTopicArn: witness.pageTopicArn,
            triggerAlarmName: trigger!.alarm!.alarmName,
          },
        }),
        statements,
      );
      runbooks.push(this.promoteDatabase);
    }
    if (props.standbyAutoScalingGroupName && capacity) {
      if (tier.strategy === DrStrategy.ACTIVE_ACTIVE || tier.strategy === DrStrategy.BACKUP_RESTORE) {
        warn(
          this,
          'FailoverRunbooks.standbyAutoScalingGroupName',
          `standbyAutoScalingGroupName is set for ` +
            `${tier.name} (${tier.strategy}), which keeps no scaled-down standby fleet: ` +
            'the scale-up runbook is meant for WARM_STANDBY and PILOT_LIGHT',
        );
      }
      const groupName = props.standbyAutoScalingGroupName;
      const groupArn = context.arn('autoscaling', `autoScalingGroup:*:autoScalingGroupName/${groupName}`);
      this.scaleStandby = this.runbook(
        'ScaleStandby',
        context,
        service,
        scaleUpRunbookPlan({
          service,
          region,
          standbyAutoScalingGroupName: groupName,
          primaryCapacity: capacity,
          trigger: triggerIntent,
        }),
        [
          // A group's ARN holds an id unknown until it exists: `*` stands for it, the name fixes the group.
          { Sid: 'ScaleThisGroup', Effect: 'Allow', Action: 'autoscaling:UpdateAutoScalingGroup', Resource: groupArn },
          // Describe calls of Auto Scaling take no resource ARN; this one only reads.
          { Sid: 'DescribeGroups', Effect: 'Allow', Action: 'autoscaling:DescribeAutoScalingGroups', Resource: '*' },
        ],
      );
      runbooks.push(this.scaleStandby);
    }
    this.runbooks = runbooks;
    if (trigger?.alarm) {
      this.trigger = this.startOnAlarm(context, trigger.alarm);
    }
    attachHaMetadata(this, props, { component: 'FailoverRunbooks', failureDomain: FailureDomain.REGION });
  }

  /** The groups the instances the runbook creates use (the engine's default ones); refuses inputs it cannot grant. */
  private instanceGroups(props: FailoverRunbooksProps) {
    const asker = props.headlessSecondaryWriterClass
      ? 'headlessSecondaryWriterClass'
      : 'promotedReaderAvailabilityZone';
    const subnetGroupName = props.headlessSecondarySubnetGroupName;
    if (!subnetGroupName) {
      throw validationError(
        `headlessSecondarySubnetGroupName must be given with ${asker}: ` +
          'rds:CreateDBInstance is authorised against the DB subnet group the writer joins, got: none',
        this,
        'headlessSecondarySubnetGroupName',
      );
    }
    const version = props.headlessSecondaryEngineVersion;
    if (version === undefined || Token.isUnresolved(version) || !/^[0-9]+(\.[0-9]+)*$/.test(version)) {
      const got = version === undefined ? 'none' : Token.isUnresolved(version) ? 'a Terraform expression' : version;
      throw validationError(
        'headlessSecondaryEngineVersion must be an Aurora PostgreSQL version known at synthesis ' +
          `(16.6) with ${asker}: it names the writer's parameter and option groups, ` +
          `got: ${got}`,
        this,
        'headlessSecondaryEngineVersion',
      );
    }
    const parameterGroupName = `default.aurora-postgresql${version.split('.')[0]}`;
    return { parameterGroupName, subnetGroupName, engineVersion: version };
  }

  /** One document with its own assume role and least-privilege policy, carrying its failover-step record. */
  private runbook(
    id: string,
    context: AccountContext,
    service: string,
    plan: RunbookPlan,
    statements: PolicyStatement[],
  ): TfRunbook {
    const provider = context.provider;
    const { role, policy } = newAutomationRole(
      this,
      `${id}Role`,
      `Assumed by SSM Automation to run: ${plan.title}`.slice(0, 1000),
      context,
      statements,
      `${id}Policy`,
    );
    const document = new SsmDocument(this, `${id}Document`, {
      provider,
      // Names are unique per region and account; the construct address keeps two copies apart.
      name: `${service.replace(/[^A-Za-z0-9_.-]/g, '-')}-${id}-${this.node.addr.slice(0, 8)}`,
      documentType: 'Automation',
      documentFormat: 'JSON',
      content: JSON.stringify(automationDocumentContent(plan, role.arn)),
      // An execution that starts before the policy exists fails on its first call.
      dependsOn: [policy],
    });
    document.addOverride(`//.${FAILOVER_STEP_METADATA_KEY}`, plan.failover);
    const definitionArn = context.arn('ssm', `automation-definition/${document.name}:$DEFAULT`);
    return { title: plan.title, document, assumeRole: role, definitionArn };
  }

  /**
   * An EventBridge rule on the alarm's change to ALARM with an SSM Automation target per runbook
   * (the promotion in `Failover` mode), through a role that may only start them.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html
   */
  private startOnAlarm(context: AccountContext, alarm: FailoverAlarm): CloudwatchEventRule {
    const provider = context.provider;
    const role = new IamRole(this, 'TriggerRole', {
      provider,
      description: `Lets EventBridge start the failover runbooks of ${this.node.path} on alarm`.slice(0, 1000),
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': context.accountId } },
          },
        ],
      }),
    });
    const policy = new IamRolePolicy(this, 'TriggerPolicy', {
      provider,
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'StartRunbooks',
            Effect: 'Allow',
            Action: 'ssm:StartAutomationExecution',
            Resource: this.runbooks.map((r) => r.definitionArn),
          },
          {
            Sid: 'PassRunbookRoles',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: this.runbooks.map((r) => r.assumeRole.arn),
            Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
          },
        ],
      }),
    });
    const rule = new CloudwatchEventRule(this, 'Trigger', {
      provider,
      description: `Starts the failover runbooks when ${alarm.alarmName} goes from OK into ALARM`,
      eventPattern: JSON.stringify({
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [alarm.arn],
        detail: {
          state: { value: [...FAILOVER_TRIGGER_STATES.value] },
          previousState: { value: [...FAILOVER_TRIGGER_PREVIOUS_STATES.value] },
        },
      }),
    });
    this.runbooks.forEach(
      (runbook, i) =>
        new CloudwatchEventTarget(this, `TriggerTarget${i + 1}`, {
          provider,
          rule: rule.name,
          targetId: `Runbook${i + 1}`,
          arn: runbook.definitionArn,
          roleArn: role.arn,
          input: JSON.stringify(runbook === this.promoteDatabase ? { Mode: ['Failover'] } : {}),
          dependsOn: [policy],
        }),
    );
    return rule;
  }
}

/**
 * What the witness check needs: read the one witness alarm in its own region and the trigger alarm
 * in the runbooks' one, and page the one topic (with its key, when given) when they do not agree.
 */
function witnessStatements(
  context: AccountContext,
  witness: FailoverWitness,
  trigger: FailoverAlarm,
): PolicyStatement[] {
  return [
    { Sid: 'ReadTriggerAlarm', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: trigger.arn },
    {
      Sid: 'ReadWitnessAlarm',
      Effect: 'Allow',
      Action: 'cloudwatch:DescribeAlarms',
      Resource: context.arn('cloudwatch', `alarm:${witness.alarmName}`, witness.region),
    },
    { Sid: 'PageOnCall', Effect: 'Allow', Action: 'sns:Publish', Resource: witness.pageTopicArn },
    ...(witness.pageTopicKeyArn
      ? [
          {
            Sid: 'EncryptPage',
            Effect: 'Allow' as const,
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: witness.pageTopicKeyArn,
          },
        ]
      : []),
  ];
}

/** Identifier (name) of the secondary cluster, which CreateDBInstance and DescribeDBClusters take. */
function clusterIdentifierOf(props: FailoverRunbooksProps, clusterArn: string): string {
  // An RDS ARN is arn:<partition>:rds:<region>:<account>:cluster:<name>.
  return (
    props.secondaryClusterIdentifier ??
    (Token.isUnresolved(clusterArn) ? Fn.element(Fn.split(':', clusterArn), 6) : clusterArn.split(':')[6])
  );
}
