import { Annotations, Arn, ArnFormat, Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import {
  automationDocumentContent,
  DrStrategy,
  FAILOVER_STEP_METADATA_KEY,
  failoverWitnessDefaultWaitSeconds,
  FailoverStepRecord,
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
  serviceScaleUpRunbookPlan,
  FAILOVER_TRIGGER_PREVIOUS_STATES,
  FAILOVER_TRIGGER_STATES,
} from '../core';
import { FeatureFlags } from './degradation';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';

/** An SSM Automation document to run in a predefined failure scenario. */
export interface Runbook {
  /** What the runbook does, one line. */
  readonly title: string;
  /** Name of the SSM document (CloudFormation generates it). */
  readonly documentName: string;
  /** Region the document lives in and acts on. */
  readonly region: string;
  /** The role the automation assumes: it may do only what this runbook does. */
  readonly assumeRole: iam.IRole;
  /** Lets an operator (or a pipeline) start the runbook's default version with its assume role. */
  grantStart(grantee: iam.IGrantable): iam.Grant;
}

/**
 * A line for an alarm description (or a page) that says which runbook to run and where:
 * `Runbook: <title>: SSM Automation document <name> in <region>, https://<region>.console.aws.amazon.com/systems-manager/documents/<name>/description`.
 */
export function runbookLink(runbook: Runbook): string {
  return (
    `Runbook: ${runbook.title}: SSM Automation document ${runbook.documentName} in ${runbook.region}, ` +
    `https://${runbook.region}.console.aws.amazon.com/systems-manager/documents/${runbook.documentName}/description`
  );
}

/**
 * Capacity the standby fleet scales to when it takes over: a `ResilientFleet`'s `primaryCapacity`
 * fits as it is.
 */
export interface StandbyScaleTarget {
  /** Minimum of the Auto Scaling group. */
  readonly min: number;
  /** Desired capacity. */
  readonly desired: number;
  /** Maximum of the Auto Scaling group. */
  readonly max: number;
}

/** The standby region's ECS service the scale-up runbook scales (a `ResilientService`'s names fit). */
export interface StandbyEcsService {
  /** Name of the service's cluster (`ResilientService.cluster.clusterName`). */
  readonly clusterName: string;
  /** Name of the service (`ResilientService.service.serviceName`). */
  readonly serviceName: string;
}

/**
 * An alarm of another vantage point that must agree before an automatic promotion: one in a third
 * region, probing the same endpoint as the trigger (a `SyntheticCanary` of the serving region's own
 * name there). It corroborates that the endpoint fails from a third vantage point too, which rules
 * out a failure of this region's own path to it; it does not say why the endpoint fails (when the
 * path to this region is down and the serving region's readiness depends on it, such as commits
 * that `rds.global_db_rpo` blocks, both see the failure). The promotion reads it in its own region
 * (CloudWatch `DescribeAlarms`, a regional data-plane call) and waits for it to be in ALARM;
 * otherwise it pages `pageTopic` and stops.
 */
export interface FailoverWitness {
  /** Region of the witness alarm: neither the serving region nor this one. */
  readonly region: string;
  /**
   * Name of the witness alarm (give the alarm this name: `alarmName`). Treat its missing data as not
   * breaching: a witness that cannot run must not agree (HA-DR10).
   */
  readonly alarmName: string;
  /**
   * Topic that pages a person when the witness does not agree in time (encrypted topics welcome).
   * Subscribe the on-call's endpoint to it: a page nobody receives leaves the failover to whoever
   * notices (HA-OBS6).
   */
  readonly pageTopic: sns.ITopic;
  /**
   * Period of the witness alarm (`alarm.metric.period`): with `alarmEvaluationPeriods`, how long one
   * full chain of it takes, which the wait must cover.
   * @default - not known here: the wait defaults to nine minutes, and the HA report checks it against the alarm
   */
  readonly alarmPeriod?: Duration;
  /**
   * Evaluation periods of the witness alarm.
   * @default - not known here: the wait defaults to nine minutes, and the HA report checks it against the alarm
   */
  readonly alarmEvaluationPeriods?: number;
  /**
   * How long the promotion waits for the witness to be in ALARM (whole seconds, 10 s to 9 minutes):
   * at least `alarmPeriod × (alarmEvaluationPeriods + 1)`, so that a witness whose probe missed one
   * run just as the trigger fired (which restarts its chain) still agrees in time. It counts in the
   * region RTO only when the witness is later than the trigger; past it, a person decides.
   * @default - alarmPeriod × (alarmEvaluationPeriods + 1) when both are given, else 9 minutes (core
   * `failoverWitnessDefaultWaitSeconds`)
   */
  readonly wait?: Duration;
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
 * What starts the region-failover runbooks (promotion and scale-up). Nothing starts them by
 * default: a runbook nobody starts recovers nothing, so the region RTO counts the start too.
 */
export class FailoverTrigger {
  /**
   * An alarm of this stack's region starts the runbooks when it goes into ALARM (an EventBridge rule
   * starts each SSM Automation, the promotion in `Failover` mode): no person in the loop. Use an
   * alarm that watches the primary region from here (a canary of the primary's endpoint), so that it
   * fires when the primary is lost and not when this region is, and a `witness` in a third region
   * that probes the same endpoint: without one, trouble on this region's own path to the primary
   * promotes with data loss.
   */
  public static alarm(alarm: cloudwatch.IAlarm, options: FailoverAlarmTriggerOptions = {}): FailoverTrigger {
    return new FailoverTrigger(alarm, undefined, options.witness);
  }

  /**
   * An on-call engineer decides to fail over and starts the runbooks. `decisionTime`, from the page
   * to the start, is counted in full in the region RTO: state what the on-call rota commits to.
   */
  public static operator(decisionTime: Duration): FailoverTrigger {
    return new FailoverTrigger(undefined, decisionTime);
  }

  private constructor(
    /** The alarm that starts the runbooks, when automatic. */
    public readonly alarm: cloudwatch.IAlarm | undefined,
    /** How long a person takes to decide, when not. */
    public readonly decisionTime: Duration | undefined,
    /** The alarm of a third region that must agree before an automatic promotion. */
    public readonly witness?: FailoverWitness,
  ) {}
}

/** Props of {@link FailoverRunbooks}. Each runbook is created when its inputs are given. */
export interface FailoverRunbooksProps extends HaProps {
  /**
   * Identifier of the Aurora global database whose secondary this region's runbook promotes.
   * Give it with `secondaryClusterArn`.
   * @default - no promotion runbook
   */
  readonly globalClusterIdentifier?: string;
  /**
   * ARN of the secondary cluster in this stack's region that the runbook promotes to writer.
   * @default - no promotion runbook
   */
  readonly secondaryClusterArn?: string;
  /**
   * Identifier (name) of that secondary cluster: `CreateDBInstance` and `DescribeDBClusters` take the
   * name, only `FailoverGlobalCluster` and `SwitchoverGlobalCluster` take the ARN.
   * @default - the resource name of `secondaryClusterArn`
   */
  readonly secondaryClusterIdentifier?: string;
  /**
   * ARN of the global database's primary cluster, from which the promotion takes the writer role.
   * `rds:FailoverGlobalCluster` and `rds:SwitchoverGlobalCluster` are authorised against the DB
   * clusters as well as the global cluster; AWS's sample policy names both member clusters.
   * @default - any DB cluster of this account: the global cluster named in the same statement still
   * limits the two actions to this global database
   */
  readonly primaryClusterArn?: string;
  /**
   * Instance class of the writer to create when the secondary is headless (a pilot-light secondary
   * holds storage only: promoted as it is, it has no instance to serve from). The promotion runbook
   * then adds a writer of this class to the secondary (unless a run before already did) and waits for
   * it before it promotes. Give `headlessSecondarySubnetGroupName` with it.
   * @default - the secondary has instances, and one of them becomes the writer
   */
  readonly headlessSecondaryWriterClass?: string;
  /**
   * Name of the secondary cluster's DB subnet group (`CfnDBCluster.dbSubnetGroupName`): the writer
   * joins it (and so does the reader of `promotedReaderAvailabilityZone`), and `rds:CreateDBInstance` is
   * authorised against it. Required with `headlessSecondaryWriterClass` and with `promotedReaderAvailabilityZone`.
   * @default - no writer is created
   */
  readonly headlessSecondarySubnetGroupName?: string;
  /**
   * Aurora PostgreSQL version of the secondary (`16.8`, `CfnDBCluster.engineVersion`): it names the
   * engine's default DB parameter group (`default.aurora-postgresql16`) and option group
   * (`default:aurora-postgresql-16`) of the writer and of the promoted reader, which
   * `rds:CreateDBInstance` is authorised against.
   * @default '16.8', the version GlobalDatabaseSecondary runs by default
   */
  readonly headlessSecondaryEngineVersion?: string;
  /**
   * DB parameter group of the writer and of the promoted reader.
   * @default - the engine's default group, `default.aurora-postgresql<major>`, as the secondary's readers use
   */
  readonly headlessSecondaryWriterParameterGroupName?: string;
  /**
   * Zone the writer of a headless secondary is created in (`us-west-2a`): name the zone your template
   * declares the serving cluster's first instance in, so that a later deployment can adopt it.
   * @default - Aurora chooses
   */
  readonly headlessSecondaryWriterAvailabilityZone?: string;
  /**
   * A zone of the secondary, other than its writer's, where the promotion runbook adds a reader once
   * the secondary is promoted (`<service>-<region>-reader`, added once, not waited for). A headless or
   * one-instance secondary is promoted with its writer alone in one zone: without it the region that
   * now serves has no Multi-AZ database. It runs after the promotion, off the region RTO's critical
   * path. Give `headlessSecondarySubnetGroupName` with it: `rds:CreateDBInstance` is authorised
   * against the subnet group the reader joins.
   * @default - no reader is added: the promoted cluster keeps the instances it has
   */
  readonly promotedReaderAvailabilityZone?: string;
  /**
   * Instance class of that reader.
   * @default - headlessSecondaryWriterClass
   */
  readonly promotedReaderClass?: string;
  /**
   * These runbooks return the service to this region after a failover (a failback): the promotion
   * first checks that Aurora has added this region's cluster back to the global database as a
   * secondary (it cannot rebuild it), and its description gives the failback's order and what it
   * leaves to a person (the writes the failover lost, the other region's added instances).
   * @default false
   */
  readonly failback?: boolean;
  /**
   * What starts the promotion and scale-up runbooks: an alarm, or a person within a stated time.
   * Required when either runbook is created; ACTIVE_ACTIVE tiers fail over with no human step.
   * @default - no promotion or scale-up runbook may be created
   */
  readonly failoverTrigger?: FailoverTrigger;
  /**
   * ARN of the load balancer (ALB or NLB, zonal shift enabled) that the zonal-shift runbook moves
   * traffic for.
   * @default - no zonal-shift runbook
   */
  readonly loadBalancerArn?: string;
  /**
   * How long a zonal shift lasts unless an operator extends or cancels it (1 minute to 3 days).
   * It expires so that a forgotten shift does not keep a healthy zone idle.
   * @default Duration.hours(1)
   */
  readonly zonalShiftExpiresIn?: Duration;
  /**
   * Name of the standby region's Auto Scaling group, scaled to `primaryCapacity` on failover
   * (warm standby and pilot light).
   * @default - no scale-up runbook
   */
  readonly standbyAutoScalingGroupName?: string;
  /**
   * The primary fleet's capacity: what the standby must carry after failover. Required with
   * `standbyAutoScalingGroupName`.
   * @default - no scale-up runbook
   */
  readonly primaryCapacity?: StandbyScaleTarget;
  /**
   * The standby region's ECS service (warm standby or pilot light), scaled to `primaryTaskCount` on
   * failover.
   * @default - no ECS scale-up runbook
   */
  readonly standbyService?: StandbyEcsService;
  /**
   * The primary service's task count (a `ResilientService`'s `primaryTaskCount` fits): what the
   * standby service must run after failover. Required with `standbyService`.
   * @default - no ECS scale-up runbook
   */
  readonly primaryTaskCount?: StandbyScaleTarget;
  /**
   * The service's feature flags: a runbook deploys them with every non-essential feature off.
   * @default - no degradation runbook
   */
  readonly featureFlags?: FeatureFlags;
}

/** Zonal shifts last from one minute to three days. */
const ZONAL_SHIFT_MAX_MINUTES = 3 * 24 * 60;

/**
 * SSM Automation runbooks (schemaVersion 0.3) for the predefined failure scenarios of a tier, one
 * least-privilege assume role each:
 *
 * - `PromoteDatabase`: promote this region's Aurora global secondary in the `Mode` the person (or
 *   the alarm) starting it chooses, a required parameter: `Failover` in an outage of the primary
 *   region (`rds:FailoverGlobalCluster` with AllowDataLoss: loses the writes not yet replicated, up
 *   to the replication lag) or `Switchover` for a planned move (no data loss, needs a healthy
 *   primary); a headless secondary first gets its writer (once: a re-run finds it); then wait, up to
 *   the tier's region RTO, until the global database names this region's cluster its writer. With an
 *   alarm trigger and a `witness`, a `Failover` first waits for the witness alarm of a third region
 *   to be in ALARM while the trigger still is, and otherwise pages `pageTopic` and stops;
 * - `StartZonalShift`: move the load balancer's traffic away from one AZ (by AZ id, `use1-az1`)
 *   with Route 53 ARC zonal shift, for a limited time;
 * - `ScaleStandby`: scale the standby fleet to the primary's capacity;
 * - `ScaleStandbyService`: raise the standby ECS service's scaling bounds and desired count to the
 *   primary's, and wait (up to the region RTO) until that many tasks run;
 * - `DegradeFeatures`: deploy the service's feature flags with every non-essential feature off, at
 *   once. The page alarm is the flags' rollback monitor, and it is already firing during the
 *   outage this runbook answers: the runbook detaches it for the deployment and re-attaches it
 *   afterwards (also when a step fails).
 *
 * Inputs are plain strings and numbers (tokens welcome); they are the documents' parameter
 * defaults, and the assume roles are scoped to exactly these resources. Link a runbook from an
 * alarm with {@link runbookLink}.
 *
 * Construct ids (public API): `PromoteDatabase`, `StartZonalShift`, `ScaleStandby`, `ScaleStandbyService`,
 * `DegradeFeatures` (each with
 * `Document`, `Role`, `Policy`).
 */
export class FailoverRunbooks extends Construct {
  /** Promotes this region's Aurora global secondary; undefined without a global cluster. */
  public readonly promoteDatabase?: Runbook;
  /** Starts a zonal shift away from an AZ; undefined without a load balancer. */
  public readonly startZonalShift?: Runbook;
  /** Scales the standby fleet to primary capacity; undefined without a standby group. */
  public readonly scaleStandby?: Runbook;
  /** Scales the standby ECS service to the primary's task count; undefined without a standby service. */
  public readonly scaleStandbyService?: Runbook;
  /** Switches the non-essential features off; undefined without feature flags. */
  public readonly degradeFeatures?: Runbook;
  /** Every runbook created, in the order above. */
  public readonly runbooks: Runbook[];

  constructor(scope: Construct, id: string, props: FailoverRunbooksProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const service = serviceNameOf(this, props);
    if (
      !props.globalClusterIdentifier &&
      !props.secondaryClusterArn &&
      !props.loadBalancerArn &&
      !props.standbyAutoScalingGroupName &&
      !props.standbyService &&
      !props.featureFlags
    ) {
      throw validationError(
        'FailoverRunbooks needs the inputs of at least one runbook (globalClusterIdentifier with secondaryClusterArn, loadBalancerArn, standbyAutoScalingGroupName with primaryCapacity, standbyService with primaryTaskCount, or featureFlags), got: none',
        this,
      );
    }
    const trigger = props.failoverTrigger;
    const decisionSeconds = trigger?.decisionTime?.toSeconds({ integral: false });
    const known = <T>(value: T | undefined): T | undefined =>
      value === undefined || Token.isUnresolved(value) ? undefined : value;
    const witness = trigger?.witness;
    const triggerIntent: FailoverTriggerIntent | undefined = trigger && {
      alarm: trigger.alarm !== undefined,
      decisionSeconds: known(decisionSeconds),
      decisionText: trigger.decisionTime?.toHumanString(),
      witness: witness && {
        region: known(witness.region),
        waitSeconds: known(witness.wait?.toSeconds({ integral: false })),
        alarmPeriodSeconds: known(witness.alarmPeriod?.toSeconds({ integral: false })),
        alarmEvaluationPeriods: known(witness.alarmEvaluationPeriods),
      },
    };
    const capacity = props.primaryCapacity;
    const intent: RegionFailoverRunbooksIntent = {
      tier: props.tier,
      globalClusterIdentifier: Boolean(props.globalClusterIdentifier),
      secondaryClusterArn: Boolean(props.secondaryClusterArn),
      headlessSecondaryWriterClass: known(props.headlessSecondaryWriterClass),
      headlessSecondaryWriterAvailabilityZone: known(props.headlessSecondaryWriterAvailabilityZone),
      promotedReader:
        props.promotedReaderAvailabilityZone === undefined
          ? undefined
          : {
              availabilityZone: known(props.promotedReaderAvailabilityZone),
              instanceClass: known(props.promotedReaderClass),
              hasClass: (props.promotedReaderClass ?? props.headlessSecondaryWriterClass) !== undefined,
            },
      region: known(stack.region),
      standbyAutoScalingGroupName: Boolean(props.standbyAutoScalingGroupName),
      primaryCapacity: capacity && {
        min: known(capacity.min),
        desired: known(capacity.desired),
        max: known(capacity.max),
      },
      standbyService: props.standbyService !== undefined,
      primaryTaskCount: props.primaryTaskCount && {
        min: known(props.primaryTaskCount.min),
        desired: known(props.primaryTaskCount.desired),
        max: known(props.primaryTaskCount.max),
      },
      trigger: triggerIntent,
      triggerHint:
        'FailoverTrigger.alarm(alarm), or FailoverTrigger.operator(decisionTime) ' +
        'with the time a person takes to decide',
    };
    throwProblems(regionFailoverRunbooksProblems(intent), this);
    emitWarnings(this, 'FailoverRunbooks', regionFailoverRunbooksWarnings(intent));
    const runbooks: Runbook[] = [];

    if (props.globalClusterIdentifier && props.secondaryClusterArn) {
      this.promoteDatabase = new RunbookDocument(
        this,
        'PromoteDatabase',
        promotionRunbook(this, service, props, triggerIntent),
      );
      runbooks.push(this.promoteDatabase);
    }

    if (props.loadBalancerArn) {
      const expiresIn = props.zonalShiftExpiresIn ?? Duration.hours(1);
      const minutes = expiresIn.toMinutes({ integral: false });
      if (
        !Token.isUnresolved(minutes) &&
        (!Number.isInteger(minutes) || minutes < 1 || minutes > ZONAL_SHIFT_MAX_MINUTES)
      ) {
        throw validationError(
          `zonalShiftExpiresIn must be whole minutes from 1 minute to 3 days, got: ${expiresIn.toHumanString()}`,
          this,
        );
      }
      this.startZonalShift = new RunbookDocument(this, 'StartZonalShift', {
        title: `Shift ${service}'s load balancer traffic away from an availability zone in ${stack.region}`,
        description:
          'Starts a Route 53 ARC zonal shift: the load balancer stops routing to the given AZ until the shift expires or is cancelled. ' +
          'The load balancer must have zonal shift enabled.',
        parameters: {
          ResourceIdentifier: {
            type: 'String',
            description: 'ARN of the load balancer.',
            default: props.loadBalancerArn,
          },
          AwayFrom: {
            type: 'String',
            description: 'The AZ id to move traffic away from (use1-az1: an AZ id, not a name).',
            allowedPattern: '^[a-z0-9]+(-[a-z0-9]+)*-az[0-9]+$',
          },
          ExpiresIn: {
            type: 'String',
            description: 'How long the shift lasts: minutes (30m) or hours (2h), at most 3 days.',
            default: expiresInText(minutes),
            allowedPattern: '^[1-9][0-9]*[mh]$',
          },
          Comment: {
            type: 'String',
            description: 'Why the zone is shifted away (shown with the shift).',
            default: 'Zone impaired: traffic shifted by runbook',
          },
        },
        mainSteps: [
          {
            name: 'StartZonalShift',
            action: 'aws:executeAwsApi',
            inputs: {
              Service: 'arc-zonal-shift',
              Api: 'StartZonalShift',
              ResourceIdentifier: '{{ ResourceIdentifier }}',
              AwayFrom: '{{ AwayFrom }}',
              ExpiresIn: '{{ ExpiresIn }}',
              Comment: '{{ Comment }}',
            },
            outputs: [{ Name: 'ZonalShiftId', Selector: '$.ZonalShiftId', Type: 'String' }],
            isEnd: true,
          },
        ],
        statements: [
          new iam.PolicyStatement({
            sid: 'ShiftThisLoadBalancer',
            actions: ['arc-zonal-shift:StartZonalShift'],
            resources: [props.loadBalancerArn],
          }),
        ],
      });
      runbooks.push(this.startZonalShift);
    }

    if (props.standbyAutoScalingGroupName && capacity) {
      if (props.tier.strategy === DrStrategy.ACTIVE_ACTIVE || props.tier.strategy === DrStrategy.BACKUP_RESTORE) {
        Annotations.of(this).addWarningV2(
          'ha-constructs:FailoverRunbooks.standbyAutoScalingGroupName',
          `standbyAutoScalingGroupName is set for ${props.tier.name} (${props.tier.strategy}), which keeps no scaled-down standby fleet: the scale-up runbook is meant for WARM_STANDBY and PILOT_LIGHT`,
        );
      }
      const groupArn = stack.formatArn({
        service: 'autoscaling',
        resource: 'autoScalingGroup:*:autoScalingGroupName',
        resourceName: props.standbyAutoScalingGroupName,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
      this.scaleStandby = new RunbookDocument(this, 'ScaleStandby', {
        ...scaleUpRunbookPlan({
          service,
          region: stack.region,
          standbyAutoScalingGroupName: props.standbyAutoScalingGroupName,
          primaryCapacity: capacity,
          trigger: triggerIntent,
        }),
        statements: [
          new iam.PolicyStatement({
            sid: 'ScaleThisGroup',
            actions: ['autoscaling:UpdateAutoScalingGroup'],
            resources: [groupArn],
          }),
          // Describe calls of Auto Scaling take no resource ARN.
          new iam.PolicyStatement({
            sid: 'DescribeGroups',
            actions: ['autoscaling:DescribeAutoScalingGroups'],
            resources: ['*'],
          }),
        ],
        wildcards: [
          [
            groupArn,
            "an Auto Scaling group's ARN holds an id that is unknown until it exists; the statement names the group exactly",
          ],
          ['*', 'autoscaling:DescribeAutoScalingGroups takes no resource ARN; it only reads'],
        ],
      });
      runbooks.push(this.scaleStandby);
    }

    if (props.standbyService && props.primaryTaskCount) {
      this.scaleStandbyService = serviceScaleUpRunbook(this, service, props, triggerIntent);
      runbooks.push(this.scaleStandbyService);
    }

    if (props.featureFlags) {
      this.degradeFeatures = degradationRunbook(this, service, props.featureFlags);
      runbooks.push(this.degradeFeatures);
    }
    this.runbooks = runbooks;
    if (trigger?.alarm) {
      startOnAlarm(this, trigger.alarm, [
        ...(this.promoteDatabase ? [{ runbook: this.promoteDatabase, input: { Mode: ['Failover'] } }] : []),
        ...(this.scaleStandby ? [{ runbook: this.scaleStandby, input: {} }] : []),
        ...(this.scaleStandbyService ? [{ runbook: this.scaleStandbyService, input: {} }] : []),
      ]);
    }

    attachHaMetadata(this, props, { component: 'FailoverRunbooks', failureDomain: FailureDomain.REGION });
  }
}

/** A document's steps (the region-failover ones from core's plan) with this engine's IAM statements. */
interface RunbookDocumentProps extends Pick<RunbookPlan, 'title' | 'description' | 'parameters' | 'mainSteps'> {
  readonly statements: iam.PolicyStatement[];
  /** Wildcard resources of the statements with the reason each is needed. */
  readonly wildcards?: [string, string][];
  /** The region-failover step this runbook performs, recorded for the report. */
  readonly failover?: FailoverStepRecord;
}

/** One Automation document with its own assume role. */
class RunbookDocument extends Construct implements Runbook {
  public readonly title: string;
  public readonly documentName: string;
  public readonly region: string;
  public readonly assumeRole: iam.IRole;

  constructor(scope: Construct, id: string, props: RunbookDocumentProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'Role', {
      description: `Assumed by SSM Automation to run: ${props.title}`,
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
        // Confused-deputy guard: only automation executions of this account may assume it.
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({ service: 'ssm', resource: 'automation-execution', resourceName: '*' }),
          },
        },
      }),
    });
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Least privilege for: ${props.title}`,
      roles: [role],
      statements: props.statements,
    });
    for (const [resource, reason] of props.wildcards ?? []) {
      acknowledgeWildcard(policy, resource, reason);
    }
    const document = new ssm.CfnDocument(this, 'Document', {
      documentType: 'Automation',
      documentFormat: 'JSON',
      // A new version keeps the name that alarm descriptions link to.
      updateMethod: 'NewVersion',
      content: automationDocumentContent(props, role.roleArn),
    });
    document.node.addDependency(policy);
    if (props.failover) {
      document.addMetadata(FAILOVER_STEP_METADATA_KEY, props.failover);
    }
    this.title = props.title;
    this.documentName = document.ref;
    this.region = stack.region;
    this.assumeRole = role;
  }

  public grantStart(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:StartAutomationExecution'],
      resourceArns: [
        Stack.of(this).formatArn({
          service: 'ssm',
          resource: 'automation-definition',
          resourceName: `${this.documentName}:$DEFAULT`,
        }),
      ],
    });
    return grant.combine(this.assumeRole.grantPassRole(grantee.grantPrincipal));
  }
}

/** The scale-up of the standby ECS service, with an assume role scoped to that service. */
function serviceScaleUpRunbook(
  scope: Construct,
  service: string,
  props: FailoverRunbooksProps,
  trigger: FailoverTriggerIntent | undefined,
): Runbook {
  const stack = Stack.of(scope);
  const standby = props.standbyService!;
  if (props.tier.strategy === DrStrategy.ACTIVE_ACTIVE || props.tier.strategy === DrStrategy.BACKUP_RESTORE) {
    Annotations.of(scope).addWarningV2(
      'ha-constructs:FailoverRunbooks.standbyService',
      `standbyService is set for ${props.tier.name} (${props.tier.strategy}), which keeps no scaled-down standby ` +
        'service: the scale-up runbook is meant for WARM_STANDBY and PILOT_LIGHT',
    );
  }
  const serviceArn = stack.formatArn({
    service: 'ecs',
    resource: 'service',
    resourceName: `${standby.clusterName}/${standby.serviceName}`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  return new RunbookDocument(scope, 'ScaleStandbyService', {
    ...serviceScaleUpRunbookPlan({
      service,
      region: stack.region,
      tier: props.tier,
      clusterName: standby.clusterName,
      serviceName: standby.serviceName,
      primaryTaskCount: props.primaryTaskCount!,
      trigger,
    }),
    statements: [
      new iam.PolicyStatement({
        sid: 'ScaleThisService',
        actions: ['ecs:UpdateService', 'ecs:DescribeServices'],
        resources: [serviceArn],
      }),
      // A scalable target's ARN holds an id Application Auto Scaling makes up; the call names the service.
      new iam.PolicyStatement({
        sid: 'RaiseScalingBounds',
        actions: ['application-autoscaling:RegisterScalableTarget'],
        resources: ['*'],
      }),
    ],
    wildcards: [
      [
        '*',
        "application-autoscaling:RegisterScalableTarget: a scalable target's ARN holds an id unknown until it exists; " +
          'the runbook names the service (ResourceId)',
      ],
    ],
  });
}

/** The runbook that deploys the flags with every non-essential feature off. */
function degradationRunbook(scope: Construct, service: string, flags: FeatureFlags): Runbook {
  const stack = Stack.of(scope);
  const app = { ApplicationId: flags.applicationId, EnvironmentId: flags.environmentId };
  const restore = 'step:RestoreRollbackMonitor';
  const allAtOnce = stack.formatArn({
    service: 'appconfig',
    resource: 'deploymentstrategy',
    resourceName: 'AppConfig.AllAtOnce',
  });
  const deployments = `${flags.environmentArn}/deployment/*`;
  return new RunbookDocument(scope, 'DegradeFeatures', {
    title: `Switch off ${service}'s non-essential features in ${stack.region}`,
    description:
      "Deploys the feature flags with every non-essential feature off, all at once. The page alarm (the flags' rollback monitor) " +
      'is already firing during the outage this answers, so it is detached for the deployment and re-attached afterwards.',
    parameters: {
      Content: {
        type: 'String',
        description:
          'The flags to deploy (AWS.AppConfig.FeatureFlags JSON); by default every non-essential feature off.',
        default: flags.degradedContent,
      },
    },
    mainSteps: [
      {
        name: 'DetachRollbackMonitor',
        action: 'aws:executeAwsApi',
        inputs: { Service: 'appconfig', Api: 'UpdateEnvironment', ...app, Monitors: [] },
      },
      {
        name: 'CreateDegradedVersion',
        action: 'aws:executeAwsApi',
        onFailure: restore,
        inputs: {
          Service: 'appconfig',
          Api: 'CreateHostedConfigurationVersion',
          ApplicationId: flags.applicationId,
          ConfigurationProfileId: flags.configurationProfileId,
          Content: '{{ Content }}',
          ContentType: 'application/json',
        },
        outputs: [{ Name: 'VersionNumber', Selector: '$.VersionNumber', Type: 'String' }],
      },
      {
        name: 'DeployAllAtOnce',
        action: 'aws:executeAwsApi',
        onFailure: restore,
        inputs: {
          Service: 'appconfig',
          Api: 'StartDeployment',
          ...app,
          ConfigurationProfileId: flags.configurationProfileId,
          DeploymentStrategyId: 'AppConfig.AllAtOnce',
          ConfigurationVersion: '{{ CreateDegradedVersion.VersionNumber }}',
          Description: 'Graceful degradation: non-essential features off',
        },
        outputs: [{ Name: 'DeploymentNumber', Selector: '$.DeploymentNumber', Type: 'Integer' }],
      },
      {
        name: 'WaitForDeployment',
        action: 'aws:waitForAwsResourceProperty',
        onFailure: restore,
        timeoutSeconds: 1800,
        inputs: {
          Service: 'appconfig',
          Api: 'GetDeployment',
          ...app,
          DeploymentNumber: '{{ DeployAllAtOnce.DeploymentNumber }}',
          PropertySelector: '$.State',
          DesiredValues: ['COMPLETE'],
        },
      },
      {
        name: 'RestoreRollbackMonitor',
        action: 'aws:executeAwsApi',
        inputs: {
          Service: 'appconfig',
          Api: 'UpdateEnvironment',
          ...app,
          Monitors: [{ AlarmArn: flags.rollbackAlarmArn, AlarmRoleArn: flags.monitorRole.roleArn }],
        },
        isEnd: true,
      },
    ],
    statements: [
      new iam.PolicyStatement({
        sid: 'SwapRollbackMonitor',
        actions: ['appconfig:UpdateEnvironment'],
        resources: [flags.environmentArn],
      }),
      new iam.PolicyStatement({
        sid: 'PassMonitorRole',
        actions: ['iam:PassRole'],
        resources: [flags.monitorRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'appconfig.amazonaws.com' } },
      }),
      new iam.PolicyStatement({
        sid: 'CreateFlagVersion',
        actions: ['appconfig:CreateHostedConfigurationVersion'],
        resources: [flags.configurationProfileArn],
      }),
      new iam.PolicyStatement({
        sid: 'DeployFlags',
        actions: ['appconfig:StartDeployment'],
        resources: [flags.environmentArn, flags.configurationProfileArn, allAtOnce],
      }),
      new iam.PolicyStatement({
        sid: 'WatchDeployment',
        actions: ['appconfig:GetDeployment'],
        resources: [deployments],
      }),
      new iam.PolicyStatement({
        sid: 'EncryptFlags',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [flags.encryptionKey.keyArn],
      }),
    ],
    wildcards: [
      [
        deployments,
        'a deployment number is known only once the runbook has started it; the statement is limited to this environment',
      ],
    ],
  });
}

function expiresInText(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

/** Aurora PostgreSQL version GlobalDatabaseSecondary runs by default (its `engineVersion` default). */
const DEFAULT_SECONDARY_ENGINE_VERSION = '16.8';

/** The groups an instance the runbook creates uses: what `rds:CreateDBInstance` is authorised against. */
interface InstanceGroups {
  readonly parameterGroupName: string;
  readonly optionGroupName: string;
  readonly subnetGroupName: string;
}

/**
 * The promotion runbook as core plans it (a headless secondary's writer first, the promotion in the
 * mode the starter chooses, the wait until the global database names this cluster writer, a reader
 * in another zone), with the statements that allow exactly those calls.
 */
function promotionRunbook(
  scope: Construct,
  service: string,
  props: FailoverRunbooksProps,
  trigger: FailoverTriggerIntent | undefined,
): RunbookDocumentProps {
  const stack = Stack.of(scope);
  const globalClusterIdentifier = props.globalClusterIdentifier!;
  const clusterArn = props.secondaryClusterArn!;
  // Only the global-cluster calls take the ARN; CreateDBInstance and DescribeDBClusters want the name.
  const clusterIdentifier =
    props.secondaryClusterIdentifier ?? Arn.split(clusterArn, ArnFormat.COLON_RESOURCE_NAME).resourceName!;
  const writerClass = props.headlessSecondaryWriterClass;
  const readerZone = props.promotedReaderAvailabilityZone;
  const groups = writerClass !== undefined || readerZone !== undefined ? instanceGroups(scope, props) : undefined;
  // Only an alarm's promotion waits for a witness: a person deciding is the corroboration.
  const witness = props.failoverTrigger?.alarm ? props.failoverTrigger.witness : undefined;
  const plan = promotionRunbookPlan({
    service,
    region: stack.region,
    tier: props.tier,
    globalClusterIdentifier,
    secondaryClusterArn: clusterArn,
    secondaryClusterIdentifier: clusterIdentifier,
    headlessWriter:
      writerClass !== undefined
        ? {
            instanceClass: writerClass,
            parameterGroupName: groups!.parameterGroupName,
            availabilityZone: props.headlessSecondaryWriterAvailabilityZone,
          }
        : undefined,
    promotedReader:
      readerZone !== undefined
        ? {
            instanceClass: (props.promotedReaderClass ?? writerClass)!,
            parameterGroupName: groups!.parameterGroupName,
            availabilityZone: readerZone,
          }
        : undefined,
    failback: props.failback,
    trigger,
    witness: witness && {
      region: witness.region,
      alarmName: witness.alarmName,
      waitSeconds: witness.wait?.toSeconds() ?? failoverWitnessDefaultWaitSeconds(trigger!.witness!),
      pageTopicArn: witness.pageTopic.topicArn,
      triggerAlarmName: props.failoverTrigger!.alarm!.alarmName,
    },
  });
  const globalClusterArn = stack.formatArn({
    service: 'rds',
    region: '',
    resource: 'global-cluster',
    resourceName: globalClusterIdentifier,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const anyCluster = stack.formatArn({
    service: 'rds',
    region: '*',
    resource: 'cluster',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const instances = [
    ...(writerClass !== undefined ? [['Writer', headlessWriterIdentifier(service, stack.region)]] : []),
    ...(readerZone !== undefined ? [['Reader', promotedReaderIdentifier(service, stack.region)]] : []),
  ];
  return {
    ...plan,
    statements: [
      // Both actions are authorised against the DB clusters too; AWS's sample policy names both members.
      // https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_aurora.html
      new iam.PolicyStatement({
        sid: 'PromoteSecondary',
        actions: ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster'],
        resources: [globalClusterArn, clusterArn, props.primaryClusterArn ?? anyCluster],
      }),
      new iam.PolicyStatement({
        sid: 'WatchGlobalCluster',
        actions: ['rds:DescribeGlobalClusters'],
        resources: [globalClusterArn],
      }),
      ...(groups ? instanceStatements(stack, clusterArn, groups, instances) : []),
      ...(witness ? witnessStatements(stack, witness, props.failoverTrigger!.alarm!) : []),
    ],
    wildcards: props.primaryClusterArn
      ? []
      : [
          [
            anyCluster,
            "the primary cluster, another region's, is not an input; " +
              `the global cluster ${globalClusterIdentifier} in the same statement limits the failover and switchover ` +
              'to this global database (give primaryClusterArn to name it)',
          ],
        ],
  };
}

/**
 * What the witness check needs: read the one witness alarm in its own region and the trigger alarm
 * in this one, and page the one topic (with its key, when it is encrypted) when they do not agree.
 */
function witnessStatements(stack: Stack, witness: FailoverWitness, trigger: cloudwatch.IAlarm): iam.PolicyStatement[] {
  const key = witness.pageTopic.masterKey;
  return [
    new iam.PolicyStatement({
      sid: 'ReadTriggerAlarm',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [trigger.alarmArn],
    }),
    new iam.PolicyStatement({
      sid: 'ReadWitnessAlarm',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [
        stack.formatArn({
          service: 'cloudwatch',
          region: witness.region,
          resource: 'alarm',
          resourceName: witness.alarmName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'PageOnCall',
      actions: ['sns:Publish'],
      resources: [witness.pageTopic.topicArn],
    }),
    ...(key
      ? [
          new iam.PolicyStatement({
            sid: 'EncryptPage',
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: [key.keyArn],
          }),
        ]
      : []),
  ];
}

/** The groups the instances the runbook creates use; refuses inputs that cannot be granted. */
function instanceGroups(scope: Construct, props: FailoverRunbooksProps): InstanceGroups {
  const asker =
    props.headlessSecondaryWriterClass !== undefined
      ? 'headlessSecondaryWriterClass'
      : 'promotedReaderAvailabilityZone';
  if (!props.headlessSecondarySubnetGroupName) {
    throw validationError(
      `headlessSecondarySubnetGroupName must be given with ${asker}: ` +
        "rds:CreateDBInstance is authorised against the DB subnet group the writer joins (the secondary cluster's, " +
        'CfnDBCluster.dbSubnetGroupName), got: none',
      scope,
    );
  }
  const version = props.headlessSecondaryEngineVersion ?? DEFAULT_SECONDARY_ENGINE_VERSION;
  if (Token.isUnresolved(version) || !/^[0-9]+(\.[0-9]+)*$/.test(version)) {
    const got = Token.isUnresolved(version) ? 'a token' : version;
    throw validationError(
      'headlessSecondaryEngineVersion must be an Aurora PostgreSQL version known at synthesis ' +
        `(16.8): it names the writer's default parameter and option groups, got: ${got}`,
      scope,
    );
  }
  const major = version.split('.')[0];
  return {
    // The engine's defaults are what an instance gets without a group named; naming it keeps the grant exact.
    parameterGroupName: props.headlessSecondaryWriterParameterGroupName ?? `default.aurora-postgresql${major}`,
    optionGroupName: `default:aurora-postgresql-${major}`,
    subnetGroupName: props.headlessSecondarySubnetGroupName,
  };
}

/**
 * What adding the writer and the reader needs: find them among the cluster's members, create each,
 * watch them. `rds:CreateDBInstance` is authorised against the instance, its cluster and the
 * parameter, option and subnet groups it uses.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html
 */
function instanceStatements(
  stack: Stack,
  clusterArn: string,
  groups: InstanceGroups,
  instances: string[][],
): iam.PolicyStatement[] {
  const rds = (resource: string, resourceName: string) =>
    stack.formatArn({
      service: 'rds',
      resource,
      resourceName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  const groupArns = [
    rds('pg', groups.parameterGroupName),
    rds('og', groups.optionGroupName),
    rds('subgrp', groups.subnetGroupName),
  ];
  return [
    new iam.PolicyStatement({ sid: 'FindInstances', actions: ['rds:DescribeDBClusters'], resources: [clusterArn] }),
    ...instances.flatMap(([role, identifier]) => {
      const instanceArn = rds('db', identifier);
      return [
        new iam.PolicyStatement({
          sid: `Create${role}`,
          actions: ['rds:CreateDBInstance'],
          resources: [instanceArn, clusterArn, ...groupArns],
        }),
        // The writer is waited for; the reader is not (the promotion already serves).
        ...(role === 'Writer'
          ? [
              new iam.PolicyStatement({
                sid: 'WatchWriter',
                actions: ['rds:DescribeDBInstances'],
                resources: [instanceArn],
              }),
            ]
          : []),
      ];
    }),
  ];
}

/**
 * Starts runbooks when an alarm of this region goes into ALARM: an EventBridge rule on the alarm's
 * state change with an SSM Automation target per runbook, through a role that may only start them.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html
 */
function startOnAlarm(
  scope: Construct,
  alarm: cloudwatch.IAlarm,
  targets: { runbook: Runbook; input: Record<string, string[]> }[],
): void {
  if (targets.length === 0) {
    return;
  }
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'TriggerRole', {
    description: `Lets EventBridge start the failover runbooks of ${scope.node.path} when ${alarm.alarmName} fires`,
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  });
  const definitions = targets.map(({ runbook }) =>
    stack.formatArn({
      service: 'ssm',
      resource: 'automation-definition',
      resourceName: `${runbook.documentName}:$DEFAULT`,
    }),
  );
  targets.forEach(({ runbook }) => runbook.grantStart(role));
  acknowledgeFindings(role, {
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason:
      'the inline policy belongs to this one role and only starts these runbooks with their own assume roles; it is deleted with the role',
  });
  const rule = new events.CfnRule(scope, 'Trigger', {
    description: `Starts the failover runbooks when ${alarm.alarmName} goes from OK into ALARM`,
    eventPattern: {
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: [alarm.alarmArn],
      detail: {
        state: { value: [...FAILOVER_TRIGGER_STATES.value] },
        previousState: { value: [...FAILOVER_TRIGGER_PREVIOUS_STATES.value] },
      },
    },
    targets: targets.map(({ input }, i) => ({
      id: `Runbook${i + 1}`,
      arn: definitions[i],
      roleArn: role.roleArn,
      input: JSON.stringify(input),
    })),
  });
  rule.node.addDependency(role);
}
