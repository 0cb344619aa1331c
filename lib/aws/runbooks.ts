import { Annotations, Arn, ArnFormat, Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS, DrStrategy, FAILOVER_STEP_METADATA_KEY, FailoverStepRecord, FailureDomain } from '../core';
import { FeatureFlags } from './degradation';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { validationError } from './private/errors';
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
  return `Runbook: ${runbook.title}: SSM Automation document ${runbook.documentName} in ${runbook.region}, `
    + `https://${runbook.region}.console.aws.amazon.com/systems-manager/documents/${runbook.documentName}/description`;
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

/**
 * What starts the region-failover runbooks (promotion and scale-up). Nothing starts them by
 * default: a runbook nobody starts recovers nothing, so the region RTO counts the start too.
 */
export class FailoverTrigger {
  /**
   * An alarm of this stack's region starts the runbooks when it goes into ALARM (an EventBridge rule
   * starts each SSM Automation, the promotion in `Failover` mode): no person in the loop. Use an
   * alarm that watches the primary region from here (a canary of the primary's endpoint), so that it
   * fires when the primary is lost and not when this region is.
   */
  public static alarm(alarm: cloudwatch.IAlarm): FailoverTrigger {
    return new FailoverTrigger(alarm, undefined);
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
   * joins it, and `rds:CreateDBInstance` is authorised against it. Required with
   * `headlessSecondaryWriterClass`.
   * @default - no writer is created
   */
  readonly headlessSecondarySubnetGroupName?: string;
  /**
   * Aurora PostgreSQL version of the secondary (`16.8`, `CfnDBCluster.engineVersion`): it names the
   * engine's default DB parameter group (`default.aurora-postgresql16`) and option group
   * (`default:aurora-postgresql-16`) of the writer, which `rds:CreateDBInstance` is authorised against.
   * @default '16.8', the version GlobalDatabaseSecondary runs by default
   */
  readonly headlessSecondaryEngineVersion?: string;
  /**
   * DB parameter group of the writer.
   * @default - the engine's default group, `default.aurora-postgresql<major>`, as the secondary's readers use
   */
  readonly headlessSecondaryWriterParameterGroupName?: string;
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
 *   the tier's region RTO, until the global database names this region's cluster its writer;
 * - `StartZonalShift`: move the load balancer's traffic away from one AZ (by AZ id, `use1-az1`)
 *   with Route 53 ARC zonal shift, for a limited time;
 * - `ScaleStandby`: scale the standby fleet to the primary's capacity;
 * - `DegradeFeatures`: deploy the service's feature flags with every non-essential feature off, at
 *   once. The page alarm is the flags' rollback monitor, and it is already firing during the
 *   outage this runbook answers: the runbook detaches it for the deployment and re-attaches it
 *   afterwards (also when a step fails).
 *
 * Inputs are plain strings and numbers (tokens welcome); they are the documents' parameter
 * defaults, and the assume roles are scoped to exactly these resources. Link a runbook from an
 * alarm with {@link runbookLink}.
 *
 * Construct ids (public API): `PromoteDatabase`, `StartZonalShift`, `ScaleStandby`, `DegradeFeatures` (each with
 * `Document`, `Role`, `Policy`).
 */
export class FailoverRunbooks extends Construct {
  /** Promotes this region's Aurora global secondary; undefined without a global cluster. */
  public readonly promoteDatabase?: Runbook;
  /** Starts a zonal shift away from an AZ; undefined without a load balancer. */
  public readonly startZonalShift?: Runbook;
  /** Scales the standby fleet to primary capacity; undefined without a standby group. */
  public readonly scaleStandby?: Runbook;
  /** Switches the non-essential features off; undefined without feature flags. */
  public readonly degradeFeatures?: Runbook;
  /** Every runbook created, in the order above. */
  public readonly runbooks: Runbook[];

  constructor(scope: Construct, id: string, props: FailoverRunbooksProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const service = serviceNameOf(this, props);
    if (!props.globalClusterIdentifier && !props.secondaryClusterArn && !props.loadBalancerArn && !props.standbyAutoScalingGroupName && !props.featureFlags) {
      throw validationError('FailoverRunbooks needs the inputs of at least one runbook (globalClusterIdentifier with secondaryClusterArn, loadBalancerArn, standbyAutoScalingGroupName with primaryCapacity, or featureFlags), got: none', this);
    }
    if (Boolean(props.globalClusterIdentifier) !== Boolean(props.secondaryClusterArn)) {
      throw validationError(`globalClusterIdentifier and secondaryClusterArn must be given together, got: only ${props.globalClusterIdentifier ? 'globalClusterIdentifier' : 'secondaryClusterArn'}`, this);
    }
    if (Boolean(props.standbyAutoScalingGroupName) !== Boolean(props.primaryCapacity)) {
      throw validationError(`standbyAutoScalingGroupName and primaryCapacity must be given together, got: only ${props.standbyAutoScalingGroupName ? 'standbyAutoScalingGroupName' : 'primaryCapacity'}`, this);
    }
    const regionFailover = Boolean(props.globalClusterIdentifier) || Boolean(props.standbyAutoScalingGroupName);
    const trigger = props.failoverTrigger;
    if (regionFailover && !trigger) {
      throw validationError('failoverTrigger must say what starts the promotion and scale-up runbooks (FailoverTrigger.alarm(alarm), '
        + 'or FailoverTrigger.operator(decisionTime) with the time a person takes to decide): a runbook nobody starts recovers nothing, got: none', this);
    }
    if (trigger?.decisionTime && props.tier.strategy === DrStrategy.ACTIVE_ACTIVE) {
      throw validationError(`failoverTrigger must be an alarm for ${props.tier.name}: ${props.tier.strategy} fails over with no human step, got: an operator`, this);
    }
    const decisionSeconds = trigger?.decisionTime?.toSeconds({ integral: false });
    if (decisionSeconds !== undefined && !Token.isUnresolved(decisionSeconds) && !(decisionSeconds > 0)) {
      throw validationError(`failoverTrigger decisionTime must be longer than 0, got: ${trigger!.decisionTime!.toHumanString()}`, this);
    }
    const writerClass = props.headlessSecondaryWriterClass;
    if (writerClass !== undefined && !Token.isUnresolved(writerClass) && !/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(writerClass)) {
      throw validationError(`headlessSecondaryWriterClass must be an RDS instance class (db.r6g.large), got: ${writerClass}`, this);
    }
    const record = (step: FailoverStepRecord['step'], extra: Partial<FailoverStepRecord> = {}): FailoverStepRecord => ({
      step, startedBy: trigger?.alarm ? 'alarm' : 'operator', decisionSeconds: trigger?.alarm ? 0 : decisionSeconds, ...extra,
    });
    const runbooks: Runbook[] = [];

    if (props.globalClusterIdentifier && props.secondaryClusterArn) {
      const writerIdentifier = `${service}-${stack.region}-writer`.slice(0, AURORA_INSTANCE_ID_MAX);
      const failover = record('promotion', { createsWriter: writerClass !== undefined });
      this.promoteDatabase = new RunbookDocument(this, 'PromoteDatabase',
        promotionRunbook(this, service, props, writerIdentifier, failover));
      runbooks.push(this.promoteDatabase);
    }

    if (props.loadBalancerArn) {
      const expiresIn = props.zonalShiftExpiresIn ?? Duration.hours(1);
      const minutes = expiresIn.toMinutes({ integral: false });
      if (!Token.isUnresolved(minutes) && (!Number.isInteger(minutes) || minutes < 1 || minutes > ZONAL_SHIFT_MAX_MINUTES)) {
        throw validationError(`zonalShiftExpiresIn must be whole minutes from 1 minute to 3 days, got: ${expiresIn.toHumanString()}`, this);
      }
      this.startZonalShift = new RunbookDocument(this, 'StartZonalShift', {
        title: `Shift ${service}'s load balancer traffic away from an availability zone in ${stack.region}`,
        description: 'Starts a Route 53 ARC zonal shift: the load balancer stops routing to the given AZ until the shift expires or is cancelled. '
          + 'The load balancer must have zonal shift enabled.',
        parameters: {
          ResourceIdentifier: { type: 'String', description: 'ARN of the load balancer.', default: props.loadBalancerArn },
          AwayFrom: { type: 'String', description: 'The AZ id to move traffic away from (use1-az1: an AZ id, not a name).', allowedPattern: '^[a-z0-9]+(-[a-z0-9]+)*-az[0-9]+$' },
          ExpiresIn: { type: 'String', description: 'How long the shift lasts: minutes (30m) or hours (2h), at most 3 days.', default: expiresInText(minutes), allowedPattern: '^[1-9][0-9]*[mh]$' },
          Comment: { type: 'String', description: 'Why the zone is shifted away (shown with the shift).', default: 'Zone impaired: traffic shifted by runbook' },
        },
        mainSteps: [{
          name: 'StartZonalShift',
          action: 'aws:executeAwsApi',
          inputs: {
            Service: 'arc-zonal-shift', Api: 'StartZonalShift',
            ResourceIdentifier: '{{ ResourceIdentifier }}', AwayFrom: '{{ AwayFrom }}', ExpiresIn: '{{ ExpiresIn }}', Comment: '{{ Comment }}',
          },
          outputs: [{ Name: 'ZonalShiftId', Selector: '$.ZonalShiftId', Type: 'String' }],
          isEnd: true,
        }],
        statements: [new iam.PolicyStatement({ sid: 'ShiftThisLoadBalancer', actions: ['arc-zonal-shift:StartZonalShift'], resources: [props.loadBalancerArn] })],
      });
      runbooks.push(this.startZonalShift);
    }

    if (props.standbyAutoScalingGroupName && props.primaryCapacity) {
      const capacity = props.primaryCapacity;
      for (const name of ['min', 'desired', 'max'] as const) {
        const value = capacity[name];
        if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < 0)) {
          throw validationError(`primaryCapacity.${name} must be a whole number of instances, got: ${value}`, this);
        }
      }
      if (capacity.min > capacity.desired || capacity.desired > capacity.max) {
        throw validationError(`primaryCapacity must satisfy min ≤ desired ≤ max, got: ${capacity.min}, ${capacity.desired}, ${capacity.max}`, this);
      }
      if (props.tier.strategy === DrStrategy.ACTIVE_ACTIVE || props.tier.strategy === DrStrategy.BACKUP_RESTORE) {
        Annotations.of(this).addWarningV2('ha-constructs:FailoverRunbooks.standbyAutoScalingGroupName',
          `standbyAutoScalingGroupName is set for ${props.tier.name} (${props.tier.strategy}), which keeps no scaled-down standby fleet: the scale-up runbook is meant for WARM_STANDBY and PILOT_LIGHT`);
      }
      const groupArn = stack.formatArn({
        service: 'autoscaling', resource: 'autoScalingGroup:*:autoScalingGroupName', resourceName: props.standbyAutoScalingGroupName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
      this.scaleStandby = new RunbookDocument(this, 'ScaleStandby', {
        title: `Scale ${service}'s standby fleet in ${stack.region} to primary capacity`,
        description: 'Sets the standby Auto Scaling group to the primary fleet\'s capacity so that it can carry all traffic after failover.',
        parameters: {
          AutoScalingGroupName: { type: 'String', description: 'The standby fleet.', default: props.standbyAutoScalingGroupName },
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
            inputs: { Service: 'autoscaling', Api: 'DescribeAutoScalingGroups', AutoScalingGroupNames: ['{{ AutoScalingGroupName }}'] },
            outputs: [{ Name: 'DesiredCapacity', Selector: '$.AutoScalingGroups[0].DesiredCapacity', Type: 'Integer' }],
            isEnd: true,
          },
        ],
        statements: [
          new iam.PolicyStatement({ sid: 'ScaleThisGroup', actions: ['autoscaling:UpdateAutoScalingGroup'], resources: [groupArn] }),
          // Describe calls of Auto Scaling take no resource ARN.
          new iam.PolicyStatement({ sid: 'DescribeGroups', actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] }),
        ],
        wildcards: [
          [groupArn, 'an Auto Scaling group\'s ARN holds an id that is unknown until it exists; the statement names the group exactly'],
          ['*', 'autoscaling:DescribeAutoScalingGroups takes no resource ARN; it only reads'],
        ],
        failover: record('scale-up'),
      });
      runbooks.push(this.scaleStandby);
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
      ]);
    }

    attachHaMetadata(this, props, { component: 'FailoverRunbooks', failureDomain: FailureDomain.REGION });
  }
}

interface RunbookDocumentProps {
  readonly title: string;
  readonly description: string;
  readonly parameters: Record<string, Record<string, unknown>>;
  readonly mainSteps: Record<string, unknown>[];
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
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ssm', resource: 'automation-execution', resourceName: '*' }) },
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
      content: {
        schemaVersion: '0.3',
        description: `${props.title}. ${props.description}`,
        assumeRole: '{{ AutomationAssumeRole }}',
        parameters: {
          AutomationAssumeRole: { type: 'String', description: 'The role the automation assumes.', default: role.roleArn },
          ...props.parameters,
        },
        mainSteps: props.mainSteps,
      },
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
      resourceArns: [Stack.of(this).formatArn({ service: 'ssm', resource: 'automation-definition', resourceName: `${this.documentName}:$DEFAULT` })],
    });
    return grant.combine(this.assumeRole.grantPassRole(grantee.grantPrincipal));
  }
}

/** The runbook that deploys the flags with every non-essential feature off. */
function degradationRunbook(scope: Construct, service: string, flags: FeatureFlags): Runbook {
  const stack = Stack.of(scope);
  const app = { ApplicationId: flags.applicationId, EnvironmentId: flags.environmentId };
  const restore = 'step:RestoreRollbackMonitor';
  const allAtOnce = stack.formatArn({ service: 'appconfig', resource: 'deploymentstrategy', resourceName: 'AppConfig.AllAtOnce' });
  const deployments = `${flags.environmentArn}/deployment/*`;
  return new RunbookDocument(scope, 'DegradeFeatures', {
    title: `Switch off ${service}'s non-essential features in ${stack.region}`,
    description: 'Deploys the feature flags with every non-essential feature off, all at once. The page alarm (the flags\' rollback monitor) '
      + 'is already firing during the outage this answers, so it is detached for the deployment and re-attached afterwards.',
    parameters: {
      Content: { type: 'String', description: 'The flags to deploy (AWS.AppConfig.FeatureFlags JSON); by default every non-essential feature off.', default: flags.degradedContent },
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
        inputs: { Service: 'appconfig', Api: 'CreateHostedConfigurationVersion', ApplicationId: flags.applicationId, ConfigurationProfileId: flags.configurationProfileId, Content: '{{ Content }}', ContentType: 'application/json' },
        outputs: [{ Name: 'VersionNumber', Selector: '$.VersionNumber', Type: 'String' }],
      },
      {
        name: 'DeployAllAtOnce',
        action: 'aws:executeAwsApi',
        onFailure: restore,
        inputs: {
          Service: 'appconfig', Api: 'StartDeployment', ...app, ConfigurationProfileId: flags.configurationProfileId,
          DeploymentStrategyId: 'AppConfig.AllAtOnce', ConfigurationVersion: '{{ CreateDegradedVersion.VersionNumber }}',
          Description: 'Graceful degradation: non-essential features off',
        },
        outputs: [{ Name: 'DeploymentNumber', Selector: '$.DeploymentNumber', Type: 'Integer' }],
      },
      {
        name: 'WaitForDeployment',
        action: 'aws:waitForAwsResourceProperty',
        onFailure: restore,
        timeoutSeconds: 1800,
        inputs: { Service: 'appconfig', Api: 'GetDeployment', ...app, DeploymentNumber: '{{ DeployAllAtOnce.DeploymentNumber }}', PropertySelector: '$.State', DesiredValues: ['COMPLETE'] },
      },
      {
        name: 'RestoreRollbackMonitor',
        action: 'aws:executeAwsApi',
        inputs: { Service: 'appconfig', Api: 'UpdateEnvironment', ...app, Monitors: [{ AlarmArn: flags.rollbackAlarmArn, AlarmRoleArn: flags.monitorRole.roleArn }] },
        isEnd: true,
      },
    ],
    statements: [
      new iam.PolicyStatement({ sid: 'SwapRollbackMonitor', actions: ['appconfig:UpdateEnvironment'], resources: [flags.environmentArn] }),
      new iam.PolicyStatement({
        sid: 'PassMonitorRole', actions: ['iam:PassRole'], resources: [flags.monitorRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'appconfig.amazonaws.com' } },
      }),
      new iam.PolicyStatement({ sid: 'CreateFlagVersion', actions: ['appconfig:CreateHostedConfigurationVersion'], resources: [flags.configurationProfileArn] }),
      new iam.PolicyStatement({ sid: 'DeployFlags', actions: ['appconfig:StartDeployment'], resources: [flags.environmentArn, flags.configurationProfileArn, allAtOnce] }),
      new iam.PolicyStatement({ sid: 'WatchDeployment', actions: ['appconfig:GetDeployment'], resources: [deployments] }),
      new iam.PolicyStatement({ sid: 'EncryptFlags', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [flags.encryptionKey.keyArn] }),
    ],
    wildcards: [[deployments, 'a deployment number is known only once the runbook has started it; the statement is limited to this environment']],
  });
}

function expiresInText(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

/** Aurora DB instance identifiers have at most 63 characters. */
const AURORA_INSTANCE_ID_MAX = 63;

/** Aurora PostgreSQL version GlobalDatabaseSecondary runs by default (its `engineVersion` default). */
const DEFAULT_SECONDARY_ENGINE_VERSION = '16.8';

/** The writer a headless secondary gets, and what `rds:CreateDBInstance` is authorised against for it. */
interface HeadlessWriter {
  readonly instanceClass: string;
  readonly instanceIdentifier: string;
  readonly parameterGroupName: string;
  readonly optionGroupName: string;
  readonly subnetGroupName: string;
}

/**
 * The promotion runbook: a headless secondary's writer first (created once), then the promotion in
 * the mode the starter chooses, then the wait until the global database names this cluster writer.
 */
function promotionRunbook(scope: Construct, service: string, props: FailoverRunbooksProps, writerIdentifier: string,
  failover: FailoverStepRecord): RunbookDocumentProps {
  const stack = Stack.of(scope);
  const globalClusterIdentifier = props.globalClusterIdentifier!;
  const clusterArn = props.secondaryClusterArn!;
  // Only the global-cluster calls take the ARN; CreateDBInstance and DescribeDBClusters want the name.
  const clusterIdentifier = props.secondaryClusterIdentifier
    ?? Arn.split(clusterArn, ArnFormat.COLON_RESOURCE_NAME).resourceName!;
  const writer = headlessWriter(scope, props, writerIdentifier);
  const globalClusterArn = stack.formatArn({
    service: 'rds', region: '', resource: 'global-cluster', resourceName: globalClusterIdentifier,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const anyCluster = stack.formatArn({
    service: 'rds', region: '*', resource: 'cluster', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const promotion = {
    GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
    TargetDbClusterIdentifier: '{{ TargetDbClusterIdentifier }}',
  };
  return {
    title: `Promote the Aurora global secondary of ${service} in ${stack.region}`,
    description: 'Promotes this region\'s Aurora global secondary to writer, in the Mode chosen at the start. '
      + 'Failover (the primary region is down or impaired): promotes at once, losing the writes not yet '
      + 'replicated, up to the replication lag. Switchover (planned, both regions healthy): no data loss, '
      + 'but it needs the primary to answer, so it fails in an outage. '
      + 'Then waits until the global database names this cluster its writer.',
    parameters: {
      GlobalClusterIdentifier: {
        type: 'String', description: 'The Aurora global database.', default: globalClusterIdentifier,
      },
      TargetDbClusterIdentifier: {
        type: 'String',
        description: 'ARN of the secondary cluster to promote (FailoverGlobalCluster and SwitchoverGlobalCluster '
          + 'take the ARN).',
        default: clusterArn,
      },
      DbClusterIdentifier: {
        type: 'String',
        description: 'Identifier (name) of the same cluster, for CreateDBInstance and DescribeDBClusters.',
        default: clusterIdentifier,
      },
      // No default: the wrong mode either fails in an outage (Switchover) or loses writes in a planned move (Failover).
      Mode: {
        type: 'String',
        description: 'Required: choose at the start. Failover when the primary region is down or impaired (an outage): '
          + 'promotes at once, losing the writes not yet replicated, up to the replication lag '
          + '(AuroraGlobalDBReplicationLag). Switchover for a planned move with both regions healthy: no data loss, '
          + 'but it needs the primary to answer, so it fails in an outage.',
        allowedValues: ['Failover', 'Switchover'],
      },
      ...(writer ? {
        WriterInstanceClass: {
          type: 'String', description: 'Instance class of the writer added to the headless secondary.',
          default: writer.instanceClass,
        },
        WriterInstanceIdentifier: {
          type: 'String', description: 'Identifier of that writer.', default: writer.instanceIdentifier,
        },
      } : {}),
    },
    mainSteps: [
      ...(writer ? headlessWriterSteps(writer, props.tier.regionRtoSeconds) : []),
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
        inputs: { Service: 'rds', Api: 'SwitchoverGlobalCluster', ...promotion },
        nextStep: 'WaitForPromotion',
      },
      {
        name: 'Failover',
        action: 'aws:executeAwsApi',
        inputs: { Service: 'rds', Api: 'FailoverGlobalCluster', ...promotion, AllowDataLoss: true },
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
        timeoutSeconds: Math.max(props.tier.regionRtoSeconds, AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS),
        inputs: {
          Service: 'rds', Api: 'DescribeGlobalClusters', GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
          PropertySelector: '$.GlobalClusters[0].GlobalClusterMembers'
            + '[?(@.DBClusterArn == \'{{ TargetDbClusterIdentifier }}\')].IsWriter',
          DesiredValues: ['True'],
        },
        isEnd: true,
      },
    ],
    statements: [
      // Both actions are authorised against the DB clusters too; AWS's sample policy names both members.
      // https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_aurora.html
      new iam.PolicyStatement({
        sid: 'PromoteSecondary',
        actions: ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster'],
        resources: [globalClusterArn, clusterArn, props.primaryClusterArn ?? anyCluster],
      }),
      new iam.PolicyStatement({
        sid: 'WatchGlobalCluster', actions: ['rds:DescribeGlobalClusters'], resources: [globalClusterArn],
      }),
      ...(writer ? writerStatements(stack, clusterArn, writer) : []),
    ],
    wildcards: props.primaryClusterArn ? [] : [[anyCluster, 'the primary cluster, another region\'s, is not an input; '
      + `the global cluster ${globalClusterIdentifier} in the same statement limits the failover and switchover `
      + 'to this global database (give primaryClusterArn to name it)']],
    failover,
  };
}

/** The writer of a headless secondary, with the groups it uses; undefined when the secondary has instances. */
function headlessWriter(scope: Construct, props: FailoverRunbooksProps,
  instanceIdentifier: string): HeadlessWriter | undefined {
  const instanceClass = props.headlessSecondaryWriterClass;
  if (instanceClass === undefined) {
    return undefined;
  }
  if (!props.headlessSecondarySubnetGroupName) {
    throw validationError('headlessSecondarySubnetGroupName must be given with headlessSecondaryWriterClass: '
      + 'rds:CreateDBInstance is authorised against the DB subnet group the writer joins (the secondary cluster\'s, '
      + 'CfnDBCluster.dbSubnetGroupName), got: none', scope);
  }
  const version = props.headlessSecondaryEngineVersion ?? DEFAULT_SECONDARY_ENGINE_VERSION;
  if (Token.isUnresolved(version) || !/^[0-9]+(\.[0-9]+)*$/.test(version)) {
    const got = Token.isUnresolved(version) ? 'a token' : version;
    throw validationError('headlessSecondaryEngineVersion must be an Aurora PostgreSQL version known at synthesis '
      + `(16.8): it names the writer's default parameter and option groups, got: ${got}`, scope);
  }
  const major = version.split('.')[0];
  return {
    instanceClass,
    instanceIdentifier,
    // The engine's defaults are what an instance gets without a group named; naming it keeps the grant exact.
    parameterGroupName: props.headlessSecondaryWriterParameterGroupName ?? `default.aurora-postgresql${major}`,
    optionGroupName: `default:aurora-postgresql-${major}`,
    subnetGroupName: props.headlessSecondarySubnetGroupName,
  };
}

/**
 * Steps that add a writer to a headless secondary and wait for it, before the promotion: a
 * promoted cluster without an instance serves nothing. A re-run (after a failed promotion, say)
 * finds the writer among the cluster's members and goes on to wait for it instead of failing with
 * DBInstanceAlreadyExists. How long creating an instance takes is not published, so the report
 * counts it unknown until a drill measures it.
 */
function headlessWriterSteps(writer: HeadlessWriter, timeoutSeconds: number): Record<string, unknown>[] {
  return [
    {
      // aws:branch compares strings, numbers and booleans, not lists: a script says whether the writer is a member.
      name: 'FindWriter',
      action: 'aws:executeScript',
      inputs: {
        Runtime: 'python3.11',
        Handler: 'handler',
        InputPayload: {
          DbClusterIdentifier: '{{ DbClusterIdentifier }}', WriterInstanceIdentifier: '{{ WriterInstanceIdentifier }}',
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

/**
 * What adding the writer needs: find it among the cluster's members, create it, watch it.
 * `rds:CreateDBInstance` is authorised against the instance, its cluster and the parameter, option
 * and subnet groups it uses.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html
 */
function writerStatements(stack: Stack, clusterArn: string, writer: HeadlessWriter): iam.PolicyStatement[] {
  const rds = (resource: string, resourceName: string) => stack.formatArn({
    service: 'rds', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const instanceArn = rds('db', writer.instanceIdentifier);
  return [
    new iam.PolicyStatement({ sid: 'FindWriter', actions: ['rds:DescribeDBClusters'], resources: [clusterArn] }),
    new iam.PolicyStatement({
      sid: 'CreateWriter',
      actions: ['rds:CreateDBInstance'],
      resources: [
        instanceArn, clusterArn, rds('pg', writer.parameterGroupName), rds('og', writer.optionGroupName),
        rds('subgrp', writer.subnetGroupName),
      ],
    }),
    new iam.PolicyStatement({ sid: 'WatchWriter', actions: ['rds:DescribeDBInstances'], resources: [instanceArn] }),
  ];
}

/**
 * Starts runbooks when an alarm of this region goes into ALARM: an EventBridge rule on the alarm's
 * state change with an SSM Automation target per runbook, through a role that may only start them.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html
 */
function startOnAlarm(scope: Construct, alarm: cloudwatch.IAlarm, targets: { runbook: Runbook; input: Record<string, string[]> }[]): void {
  if (targets.length === 0) {
    return;
  }
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'TriggerRole', {
    description: `Lets EventBridge start the failover runbooks of ${scope.node.path} when ${alarm.alarmName} fires`,
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
  });
  const definitions = targets.map(({ runbook }) => stack.formatArn({
    service: 'ssm', resource: 'automation-definition', resourceName: `${runbook.documentName}:$DEFAULT`,
  }));
  targets.forEach(({ runbook }) => runbook.grantStart(role));
  acknowledgeFindings(role, {
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: 'the inline policy belongs to this one role and only starts these runbooks with their own assume roles; it is deleted with the role',
  });
  const rule = new events.CfnRule(scope, 'Trigger', {
    description: `Starts the failover runbooks when ${alarm.alarmName} goes into ALARM`,
    eventPattern: {
      'source': ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      'resources': [alarm.alarmArn],
      'detail': { state: { value: ['ALARM'] } },
    },
    targets: targets.map(({ input }, i) => ({ id: `Runbook${i + 1}`, arn: definitions[i], roleArn: role.roleArn, input: JSON.stringify(input) })),
  });
  rule.node.addDependency(role);
}
