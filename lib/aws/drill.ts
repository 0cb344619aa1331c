import { Annotations, Aws, Stack, Tags, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { DrillPlan, FailureDomain, planAzEvacuationDrill, planRegionEvacuationDrill } from '../core';
import { GrayFailureDrill, GrayFailureDrillProps, addGrayFailure } from './gray-failure-drill';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { alarmWindowSeconds } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { allowCloudWatchLogs, newCustomerManagedKey, newEncryptedLogGroup } from './private/keys';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';

/** What a drill does to the fleet's instances. */
export enum DrillInstanceFault {
  /** Stop them and start them again when the drill ends (an AZ power interruption). */
  STOP = 'STOP',
  /** Terminate them: the fleet must replace them elsewhere (a harsher, irreversible drill). */
  TERMINATE = 'TERMINATE',
}

/** Props both drills share. */
export interface DrillProps extends HaProps {
  /**
   * The alarm that stops the experiment: for an AZ drill the SLO page alarm, so a drill that hurts
   * users more than the tier allows ends at once; for a region drill an alarm on the probe of the
   * routed name that fires only after failures outlast the region RTO (the failover failed).
   */
  readonly stopConditionAlarm: cloudwatch.IAlarm;
  /**
   * When to run the drill on its own (EventBridge Scheduler starts the experiment).
   * @default - no schedule: start the experiment template by hand or from a pipeline
   */
  readonly schedule?: scheduler.ScheduleExpression;
  /**
   * How long the fault lasts (1–720 minutes, the range FIS actions accept).
   * @default - twice the RTO the drill rehearses, the AZ RTO or the region RTO (recover, then hold
   * steady state as long again), at least 10 minutes
   */
  readonly durationMinutes?: number;
  /**
   * What happens to the fleet's instances.
   * @default DrillInstanceFault.STOP
   */
  readonly instanceFault?: DrillInstanceFault;
  /**
   * Key of the instances' encrypted EBS volumes: FIS needs `kms:CreateGrant` on it to start
   * stopped instances again.
   * @default - no grant (instances with unencrypted or AWS-managed-key volumes)
   */
  readonly ebsKey?: kms.IKey;
  /**
   * Days experiment logs are kept.
   * @default - tier.logRetentionDays
   */
  readonly logRetentionDays?: number;
  /**
   * Key that encrypts the experiment log group. A key you pass must allow CloudWatch Logs to use it.
   * @default - a new customer-managed key with rotation, retained on delete
   */
  readonly logKey?: kms.IKey;
}

/** Props of {@link AzEvacuationDrill}. */
export interface AzEvacuationDrillProps extends DrillProps, GrayFailureDrillProps {
  /**
   * The fleet: its instances in the zone are found by their `aws:autoscaling:groupName` tag.
   * @default - no fleet (a service of Lambda functions in the VPC): only the zone's subnets are disrupted, which
   * cuts the functions' network interfaces there off, as losing the zone would
   */
  readonly autoScalingGroup?: autoscaling.IAutoScalingGroup;
  /** The VPC whose subnets in the zone lose their connectivity (public, private and isolated). */
  readonly vpc: ec2.IVpc;
  /** The zone to evacuate, by name (`us-east-1a`). */
  readonly availabilityZone: string;
  /**
   * An Aurora cluster whose writer fails over during the drill (as it would if its AZ were lost).
   * @default - no database failover
   */
  readonly databaseCluster?: rds.IDatabaseCluster;
}

/** Props of {@link RegionEvacuationDrill}. */
export interface RegionEvacuationDrillProps extends DrillProps {
  /** The VPC of this (primary) region: every subnet loses its connectivity. */
  readonly vpc: ec2.IVpc;
  /**
   * The fleet of this region, whose instances are stopped or terminated.
   * @default - only the network is disrupted
   */
  readonly autoScalingGroup?: autoscaling.IAutoScalingGroup;
}

/**
 * An AWS FIS experiment template that rehearses losing one availability zone, as AWS's
 * "AZ Availability: Power Interruption" scenario does: the VPC's subnets in that zone lose all
 * connectivity (`aws:network:disrupt-connectivity`), and with a fleet, its instances there stop (or
 * terminate) and the Auto Scaling group cannot launch into that zone for the drill
 * (`aws:ec2:asg-insufficient-instance-capacity-error`), and the Aurora writer fails over
 * (`aws:rds:failover-db-cluster`).
 *
 * The SLO page alarm is the stop condition; the experiment logs to an encrypted log group with
 * the tier's retention; the role FIS assumes may touch only these subnets, this fleet's
 * instances, this group and this cluster. A schedule is optional.
 *
 * The group is tagged `ha:drill-target` so that FIS can find it (its ARN holds an id unknown at
 * synthesis); for a group imported from elsewhere, the launch-blocking action is left out.
 *
 * Given the fleet's `zoneImpairedAlarms`, the drill first injects a gray failure of the AZ (latency
 * through its load balancer node that health checks survive, core's `planGrayFailureDrill`) and
 * evacuates after it; when the experiment ends, a runbook reads the AZ's Impaired alarm history and
 * reports the drill failed, with a notification, unless the alarm fired during the gray failure
 * (`lib/aws/gray-failure-drill.ts`).
 *
 * Construct ids (public API): `Resource` (the template), `Role`, `Policy`, `LogKey`, `Logs`,
 * `Schedule`, `ScheduleRole`, `GrayFailure`.
 */
export class AzEvacuationDrill extends Construct {
  /** The experiment template. */
  public readonly experimentTemplate: fis.CfnExperimentTemplate;
  /** Id of the experiment template (what `aws fis start-experiment` takes). */
  public readonly experimentTemplateId: string;
  /** The role FIS assumes during the experiment. */
  public readonly role: iam.IRole;
  /** The encrypted log group that receives the experiment log. */
  public readonly logGroup: logs.ILogGroup;
  /** How long the fault lasts. */
  public readonly durationMinutes: number;
  /** The zone the drill evacuates. */
  public readonly availabilityZone: string;
  /** The gray failure injected before the evacuation and the check of its alarm, when enabled. */
  public readonly grayFailure?: GrayFailureDrill;

  constructor(scope: Construct, id: string, props: AzEvacuationDrillProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const az = props.availabilityZone;
    const subnets = [...props.vpc.publicSubnets, ...props.vpc.privateSubnets, ...props.vpc.isolatedSubnets].filter(
      (subnet) => subnet.availabilityZone === az,
    );
    const vpcZones = props.vpc.availabilityZones;
    const plan = planAzEvacuationDrill(props.tier, {
      availabilityZone: Token.isUnresolved(az) ? undefined : az,
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      vpcZones: vpcZones.some((zone) => Token.isUnresolved(zone)) ? undefined : vpcZones,
      subnets: { prop: 'vpc', count: subnets.length },
      stopCondition: props.stopConditionAlarm !== undefined,
      durationMinutes: props.durationMinutes,
      logRetentionDays: props.logRetentionDays,
      schedule: scheduleExpression(props.schedule),
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'AzEvacuationDrill', plan.warnings);
    this.availabilityZone = az;
    this.durationMinutes = plan.durationMinutes;
    const duration = plan.duration;

    const subnetArns = subnets.map((subnet) => subnetArn(stack, subnet));

    const kit = new DrillKit(this, props, plan);
    const selectionMode = plan.targets.selectionMode;
    const fleet = props.autoScalingGroup;
    if (!fleet && props.zoneImpairedAlarms) {
      throw validationError(
        "zoneImpairedAlarms need autoScalingGroup: the gray failure delays the fleet's instances in the zone, got: no " +
          'autoScalingGroup',
        this,
        'zoneImpairedAlarms',
      );
    }
    const fisTargets: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty> = {
      ZoneSubnets: { resourceType: 'aws:ec2:subnet', resourceArns: subnetArns, selectionMode },
      ...(fleet && {
        ZoneInstances: {
          resourceType: 'aws:ec2:instance',
          resourceTags: { 'aws:autoscaling:groupName': fleet.autoScalingGroupName },
          filters: plan.targets.instanceFilters,
          selectionMode,
        },
      }),
    };
    const actions: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty> = {
      DisruptZoneNetwork: {
        actionId: 'aws:network:disrupt-connectivity',
        description: `Deny all traffic in and out of the VPC's subnets in ${az}`,
        parameters: { scope: 'all', duration },
        targets: { Subnets: 'ZoneSubnets' },
      },
      ...(fleet && kit.instanceAction('ZoneInstances', duration, az)),
    };
    kit.allowNetworkDisruption(subnetArns);
    if (fleet) {
      kit.allowInstanceFault(fleet.autoScalingGroupName);
    }

    const group = fleet?.node.defaultChild;
    if (!fleet) {
      // A service without a fleet: nothing to stop, nothing that launches into the zone.
    } else if (group instanceof autoscaling.CfnAutoScalingGroup) {
      Tags.of(group).add('ha:drill-target', this.node.addr, { applyToLaunchedInstances: false });
      fisTargets.ZoneGroup = {
        resourceType: 'aws:ec2:autoscaling-group',
        resourceTags: { 'ha:drill-target': this.node.addr },
        selectionMode,
      };
      actions.BlockZoneLaunches = {
        actionId: 'aws:ec2:asg-insufficient-instance-capacity-error',
        description: `Fail the group's launches in ${az} so that it replaces capacity in the other zones`,
        parameters: { availabilityZoneIdentifiers: az, duration, percentage: String(plan.blockLaunchesPercent) },
        targets: { AutoScalingGroups: 'ZoneGroup' },
      };
      kit.allowBlockedLaunches(fleet.autoScalingGroupArn);
    } else {
      Annotations.of(this).addWarningV2(
        'ha-constructs:AzEvacuationDrill.autoScalingGroup',
        `autoScalingGroup ${fleet.node.path} is imported: the drill cannot tag it, so it leaves out the action that blocks launches in ${az} and the group may relaunch instances into the evacuated zone`,
      );
    }

    if (props.databaseCluster) {
      fisTargets.Cluster = {
        resourceType: 'aws:rds:cluster',
        resourceArns: [props.databaseCluster.clusterArn],
        selectionMode,
      };
      actions.FailoverDatabase = {
        actionId: 'aws:rds:failover-db-cluster',
        description: 'Fail the Aurora writer over to a reader in another zone',
        targets: { Clusters: 'Cluster' },
      };
      kit.allowDatabaseFailover(props.databaseCluster.clusterArn);
    }

    this.experimentTemplate = kit.template(
      `Evacuate ${az}: disrupt its subnets${fleet ? `, ${props.instanceFault === DrillInstanceFault.TERMINATE ? 'terminate' : 'stop'} the fleet's instances there` : ''}${props.databaseCluster ? ', fail the database over' : ''} for ${this.durationMinutes} min`,
      fisTargets,
      actions,
    );
    this.experimentTemplateId = this.experimentTemplate.ref;
    this.role = kit.role;
    this.logGroup = kit.logGroup;
    kit.scheduleIfAsked();
    // The gray failure delays the fleet's instances in the zone: without a fleet there is none to delay.
    this.grayFailure = fleet
      ? addGrayFailure(this, { ...props, autoScalingGroup: fleet, template: this.experimentTemplate, role: this.role })
      : undefined;

    attachHaMetadata(this, props, { component: 'AzEvacuationDrill', failureDomain: FailureDomain.REGION });
  }
}

/**
 * An AWS FIS experiment template that rehearses evacuating this region, for tiers with a standby
 * region: every subnet of the VPC loses all connectivity and the fleet's instances stop (or
 * terminate) for the drill, so that DNS failover, the promotion runbook and the standby's scale-up
 * are exercised for real. FIS has no "region outage" action; cutting the region's network is the
 * closest fault it can inject.
 *
 * Same logging, least-privilege role and optional schedule as {@link AzEvacuationDrill}. Choose the
 * stop condition with care: cutting the region makes the primary's own SLO page fire within minutes
 * (its clients see errors until DNS fails over), which would stop the drill before promotion and
 * scale-up are shown. Use an alarm of the standby region (its SLO page, or its DNS health check)
 * so the drill stops when the failover itself fails.
 *
 * Construct ids (public API): `Resource` (the template), `Role`, `Policy`, `LogKey`, `Logs`,
 * `Schedule`, `ScheduleRole`.
 */
export class RegionEvacuationDrill extends Construct {
  /** The experiment template. */
  public readonly experimentTemplate: fis.CfnExperimentTemplate;
  /** Id of the experiment template. */
  public readonly experimentTemplateId: string;
  /** The role FIS assumes during the experiment. */
  public readonly role: iam.IRole;
  /** The encrypted log group that receives the experiment log. */
  public readonly logGroup: logs.ILogGroup;
  /** How long the fault lasts. */
  public readonly durationMinutes: number;

  constructor(scope: Construct, id: string, props: RegionEvacuationDrillProps) {
    super(scope, id);
    // The drill cuts its region on purpose: users see errors until the failover completes, so a stop
    // condition that fires sooner than the region RTO ends every drill before what it measures.
    const plan = planRegionEvacuationDrill(props.tier, {
      stopCondition: props.stopConditionAlarm !== undefined,
      stopConditionWindowSeconds: props.stopConditionAlarm && alarmWindowSeconds(props.stopConditionAlarm),
      durationMinutes: props.durationMinutes,
      logRetentionDays: props.logRetentionDays,
      schedule: scheduleExpression(props.schedule),
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'RegionEvacuationDrill', plan.warnings);
    const stack = Stack.of(this);
    this.durationMinutes = plan.durationMinutes;
    const duration = plan.duration;
    const subnets = [...props.vpc.publicSubnets, ...props.vpc.privateSubnets, ...props.vpc.isolatedSubnets];
    const subnetArns = subnets.map((subnet) => subnetArn(stack, subnet));

    const kit = new DrillKit(this, props, plan);
    const selectionMode = plan.targets.selectionMode;
    const fisTargets: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty> = {
      RegionSubnets: { resourceType: 'aws:ec2:subnet', resourceArns: subnetArns, selectionMode },
    };
    let actions: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty> = {
      DisruptRegionNetwork: {
        actionId: 'aws:network:disrupt-connectivity',
        description: 'Deny all traffic in and out of every subnet of the VPC',
        parameters: { scope: 'all', duration },
        targets: { Subnets: 'RegionSubnets' },
      },
    };
    kit.allowNetworkDisruption(subnetArns);
    if (props.autoScalingGroup) {
      fisTargets.RegionInstances = {
        resourceType: 'aws:ec2:instance',
        resourceTags: { 'aws:autoscaling:groupName': props.autoScalingGroup.autoScalingGroupName },
        filters: plan.targets.instanceFilters,
        selectionMode,
      };
      actions = { ...actions, ...kit.instanceAction('RegionInstances', duration) };
      kit.allowInstanceFault(props.autoScalingGroup.autoScalingGroupName);
    }

    this.experimentTemplate = kit.template(
      `Evacuate ${stack.region}: cut every subnet of the VPC${props.autoScalingGroup ? ' and stop the fleet' : ''} for ${this.durationMinutes} min, so that traffic and writes move to the standby region`,
      fisTargets,
      actions,
    );
    this.experimentTemplateId = this.experimentTemplate.ref;
    this.role = kit.role;
    this.logGroup = kit.logGroup;
    kit.scheduleIfAsked();

    attachHaMetadata(this, props, { component: 'RegionEvacuationDrill', failureDomain: FailureDomain.REGION });
  }
}

function subnetArn(stack: Stack, subnet: ec2.ISubnet): string {
  return stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: subnet.subnetId });
}

/**
 * What both drills build the same way: the role, its policy, the encrypted log group, the
 * template with its stop condition, and the optional schedule.
 */
class DrillKit {
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  private readonly policy: iam.ManagedPolicy;
  private readonly stack: Stack;
  private template_?: fis.CfnExperimentTemplate;

  constructor(
    private readonly scope: Construct,
    private readonly props: DrillProps,
    private readonly plan: DrillPlan,
  ) {
    this.stack = Stack.of(scope);
    const experiments = this.stack.formatArn({ service: 'fis', resource: 'experiment', resourceName: '*' });
    this.role = new iam.Role(scope, 'Role', {
      description: `Assumed by AWS FIS to run the ${scope.node.path} drill`,
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', {
        // Confused-deputy guard: only FIS experiments of this account and region may assume it.
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': experiments },
        },
      }),
    });
    this.policy = new iam.ManagedPolicy(scope, 'Policy', {
      description: `Least privilege for the ${scope.node.path} drill's FIS actions`,
      roles: [this.role],
    });
    this.allow(
      'LogDelivery',
      // FIS sets up a vended-log delivery at experiment start; these calls have no resource-level permissions.
      ['logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
      ['*'],
    );

    const retentionDays = plan.logRetentionDays;
    const key =
      props.logKey ?? newCustomerManagedKey(scope, 'LogKey', `Encrypts the experiment log of ${scope.node.path}`);
    if (!props.logKey) {
      allowCloudWatchLogs(key, scope);
    }
    this.logGroup = newEncryptedLogGroup(scope, 'Logs', { retentionDays, encryptionKey: key });

    acknowledgeWildcard(
      this.policy,
      '*',
      'FIS resolves targets with Describe calls, sets up log delivery and injects API errors with calls that take no resource ARN; each such statement is limited by action (and, for ec2:InjectApiError, by FIS action id and target ARN)',
    );
  }

  /** The stop or terminate action on a target of instances. */
  public instanceAction(
    target: string,
    duration: string,
    az?: string,
  ): Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty> {
    const where = az ? ` in ${az}` : '';
    if (this.props.instanceFault === DrillInstanceFault.TERMINATE) {
      return {
        TerminateInstances: {
          actionId: 'aws:ec2:terminate-instances',
          description: `Terminate the fleet's instances${where}`,
          targets: { Instances: target },
        },
      };
    }
    return {
      StopInstances: {
        actionId: 'aws:ec2:stop-instances',
        description: `Stop the fleet's instances${where} and start them when the drill ends`,
        // The group may replace a stopped instance before FIS starts it again: not a drill failure.
        parameters: {
          startInstancesAfterDuration: duration,
          completeIfInstancesTerminated: String(this.plan.completeIfInstancesTerminated),
        },
        targets: { Instances: target },
      },
    };
  }

  public allowNetworkDisruption(subnetArns: string[]): void {
    const acls = this.stack.formatArn({ service: 'ec2', resource: 'network-acl', resourceName: '*' });
    const vpcs = this.stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: '*' });
    // FIS clones each subnet's network ACL (tagged managedByFIS=true), adds deny entries, swaps it in, and swaps back.
    this.allow('CreateDrillNetworkAcl', ['ec2:CreateNetworkAcl'], [acls], {
      StringEquals: { 'aws:RequestTag/managedByFIS': 'true' },
    });
    this.allow('CreateDrillNetworkAclInVpc', ['ec2:CreateNetworkAcl'], [vpcs]);
    this.allow('TagDrillNetworkAcl', ['ec2:CreateTags'], [acls], {
      StringEquals: { 'ec2:CreateAction': 'CreateNetworkAcl', 'aws:RequestTag/managedByFIS': 'true' },
    });
    this.allow('ChangeDrillNetworkAcl', ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl'], [acls], {
      StringEquals: { 'aws:ResourceTag/managedByFIS': 'true' },
    });
    acknowledgeWildcard(
      this.policy,
      acls,
      'FIS creates the network ACL clones at run time, so their ids are unknown; create, tag, change and delete are conditioned on the managedByFIS=true tag',
    );
    acknowledgeWildcard(
      this.policy,
      vpcs,
      'ec2:CreateNetworkAcl authorizes the VPC the clone is created in; the drill names subnets exactly, and FIS only clones ACLs of those subnets',
    );
    this.allow('SwapSubnetNetworkAcl', ['ec2:ReplaceNetworkAclAssociation'], [...subnetArns, acls]);
    this.allow(
      'DescribeNetwork',
      [
        'ec2:DescribeManagedPrefixLists',
        'ec2:DescribeNetworkAcls',
        'ec2:DescribeSubnets',
        'ec2:DescribeVpcs',
        'ec2:GetManagedPrefixListEntries',
      ],
      ['*'],
    );
  }

  public allowInstanceFault(groupName: string): void {
    const instances = this.stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
    const actions =
      this.props.instanceFault === DrillInstanceFault.TERMINATE
        ? ['ec2:TerminateInstances']
        : ['ec2:StartInstances', 'ec2:StopInstances'];
    this.allow('FaultFleetInstances', actions, [instances], {
      StringEquals: { 'aws:ResourceTag/aws:autoscaling:groupName': groupName },
    });
    this.allow('DescribeInstances', ['ec2:DescribeInstances'], ['*']);
    acknowledgeWildcard(
      this.policy,
      instances,
      "the fleet's instances come and go; the statement is conditioned on their aws:autoscaling:groupName tag, which only this fleet's instances carry",
    );
    if (this.props.ebsKey && this.props.instanceFault !== DrillInstanceFault.TERMINATE) {
      // Starting a stopped instance re-attaches its encrypted volumes through a grant on their key.
      this.allow('RestartEncryptedVolumes', ['kms:CreateGrant'], [this.props.ebsKey.keyArn], {
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      });
    }
  }

  public allowBlockedLaunches(groupArn: string): void {
    // ec2:InjectApiError has no resource type: the FIS action and target conditions scope it.
    this.allow('BlockZoneLaunches', ['ec2:InjectApiError'], ['*'], {
      StringEquals: { 'ec2:FisActionId': 'aws:ec2:asg-insufficient-instance-capacity-error' },
      'ForAllValues:ArnLike': { 'ec2:FisTargetArns': [groupArn] },
    });
    // The group is found by its tag: FIS resolves tag targets through the Resource Groups Tagging API.
    this.allow('DescribeGroups', ['autoscaling:DescribeAutoScalingGroups', 'tag:GetResources'], ['*']);
  }

  public allowDatabaseFailover(clusterArn: string): void {
    this.allow('FailoverCluster', ['rds:FailoverDBCluster'], [clusterArn]);
    this.allow('DescribeClusters', ['rds:DescribeDBClusters'], ['*']);
  }

  public template(
    description: string,
    fisTargets: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty>,
    actions: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty>,
  ): fis.CfnExperimentTemplate {
    this.template_ = new fis.CfnExperimentTemplate(this.scope, 'Resource', {
      description,
      roleArn: this.role.roleArn,
      stopConditions: [{ source: this.plan.stopCondition.source, value: this.props.stopConditionAlarm.alarmArn }],
      targets: fisTargets,
      actions,
      logConfiguration: {
        logSchemaVersion: this.plan.logSchemaVersion,
        // Typed as raw JSON in the CloudFormation schema: CDK passes it through, so the key is written as CloudFormation expects it.
        cloudWatchLogsConfiguration: { LogGroupArn: this.logGroup.logGroupArn },
      },
      // A target that resolves to nothing means the drill would prove nothing: fail instead of passing vacuously.
      experimentOptions: this.plan.experimentOptions,
      tags: { Name: this.scope.node.path },
    });
    this.template_.node.addDependency(this.policy);
    return this.template_;
  }

  public scheduleIfAsked(): void {
    if (!this.props.schedule || !this.template_) {
      return;
    }
    const templateArn = this.stack.formatArn({
      service: 'fis',
      resource: 'experiment-template',
      resourceName: this.template_.ref,
    });
    const experiments = this.stack.formatArn({ service: 'fis', resource: 'experiment', resourceName: '*' });
    const role = new iam.Role(this.scope, 'ScheduleRole', {
      description: `Lets EventBridge Scheduler start the ${this.scope.node.path} drill`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    new scheduler.Schedule(this.scope, 'Schedule', {
      schedule: this.props.schedule,
      description: `Runs the ${this.scope.node.path} evacuation drill`,
      target: new targets.Universal({
        service: 'fis',
        action: 'startExperiment',
        role,
        input: scheduler.ScheduleTargetInput.fromObject({
          ExperimentTemplateId: this.template_.ref,
          ClientToken: scheduler.ContextAttribute.executionId,
        }),
        // A drill that fails to start should not be retried into a later, unplanned window.
        retryAttempts: 0,
        policyStatements: [
          new iam.PolicyStatement({ actions: ['fis:StartExperiment'], resources: [templateArn, experiments] }),
        ],
      }),
    });
    acknowledgeWildcard(
      role.node.findChild('DefaultPolicy'),
      experiments,
      'fis:StartExperiment also authorizes the experiment it creates, whose id is not known before it starts; the template is named exactly',
    );
    acknowledgeFindings(role, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        'the scheduler target writes its one fis:StartExperiment statement inline on this role, used by this schedule alone',
    });
  }

  private allow(sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>): void {
    this.policy.addStatements(new iam.PolicyStatement({ sid, actions, resources, conditions }));
  }
}

/** The expression of a drill's schedule, for its plan; undefined when none or unresolved. */
function scheduleExpression(schedule: scheduler.ScheduleExpression | undefined): string | undefined {
  return schedule === undefined || Token.isUnresolved(schedule.expressionString)
    ? undefined
    : schedule.expressionString;
}
