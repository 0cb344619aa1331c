import { emitWarnings, throwProblems, validationError, warn } from '../diagnostics';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import {
  FisExperimentTemplate,
  FisExperimentTemplateAction,
  FisExperimentTemplateTarget,
} from '@cdktf/provider-aws/lib/fis-experiment-template';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, planAzEvacuationDrill } from '../../core';
import { grayFailureTemplateDescription } from '../../core/plans/gray-failure-verdict';
import { HaProps, RegionalProps } from './ha-props';
import { AccountContext, PolicyStatement, cloudWatchLogsStatement, newCustomerManagedKey } from './private/keys';
import {
  GrayFailureDrillProps,
  GrayFailureVerdict,
  addGrayFailureToExperiment,
  newGrayFailureVerdict,
} from './gray-failure-drill';
import { attachHaMetadata } from './private/metadata';
import { regionOf } from './private/regions';

/** Props of {@link AzEvacuationDrill}. */
export interface AzEvacuationDrillProps extends HaProps, RegionalProps, GrayFailureDrillProps {
  /** The zone to evacuate, by name (`us-east-1a`). */
  readonly availabilityZone: string;
  /** The VPC subnets in that zone whose connectivity the drill cuts (public, private and isolated), listed one by one. */
  readonly subnetIds: string[];
  /** Name of the fleet's autoscaling group: its instances in the zone are stopped. */
  readonly autoScalingGroupName: string;
  /**
   * ARN of the same group (`ResilientFleet.autoScalingGroup.arn`): the drill then fails its launches
   * in the zone (an Auto Scaling group's ARN holds an id its name does not give), so that it replaces
   * the stopped capacity in the other zones as it would if the zone were lost.
   * @default - launches are not blocked: the group may relaunch into the evacuated zone (warns)
   */
  readonly autoScalingGroupArn?: string;
  /**
   * ARN of the alarm that stops the experiment: the SLO page alarm, so a drill that hurts users
   * more than the tier allows ends at once.
   */
  readonly stopConditionAlarmArn: string;
  /**
   * ARN of an Aurora cluster whose writer fails over during the drill (as it would if its zone were lost).
   * @default - no database failover
   */
  readonly databaseClusterArn?: string;
  /**
   * ARN of the key of the instances' encrypted volumes: FIS needs `kms:CreateGrant` on it to start
   * the stopped instances again.
   * @default - no grant (volumes under an AWS-managed key)
   */
  readonly volumeKeyArn?: string;
  /**
   * How long the fault lasts (1–720 minutes, the range FIS actions accept).
   * @default - twice the tier's AZ RTO (recover, then hold steady state as long again), at least 10 minutes
   */
  readonly durationMinutes?: number;
  /**
   * Days experiment logs are kept.
   * @default - tier.logRetentionDays
   */
  readonly logRetentionDays?: number;
  /**
   * When EventBridge Scheduler runs the drill on its own: `cron(...)`, `rate(...)` or `at(...)`.
   * @default - no schedule: start the experiment template by hand or from a pipeline
   */
  readonly schedule?: string;
  /**
   * Time zone of `schedule` (IANA name).
   * @default 'UTC'
   */
  readonly scheduleTimeZone?: string;
}

/**
 * A rehearsal of losing one AZ (Terraform twin of the CDK `AzEvacuationDrill`): an AWS FIS
 * experiment template that cuts the network of the zone's subnets, stops the fleet's instances
 * there (started again when the drill ends) and optionally fails the Aurora writer over, for
 * `durationMinutes`. The SLO page alarm stops it; a target that resolves to nothing fails it
 * instead of passing vacuously. FIS runs as a role limited to these actions on these resources,
 * and logs every experiment to a log group under a customer-managed key.
 *
 * Given the group's ARN it also fails the group's launches in the zone. Given the zone's Impaired
 * alarm (`zoneImpairedAlarm`), it first injects a gray failure (latency through the zone's load
 * balancer node that health checks survive, core's `planGrayFailureDrill`) and fails unless that
 * alarm fires: the CDK drill's gray failure and verdict (`gray-failure-drill.ts`). Start it by hand,
 * from a pipeline (`aws fis start-experiment --experiment-template-id ...`), or on `schedule`.
 *
 * Construct ids (public API): `Resource` (the template), `Role`, `Policy`, **`LogKey`**, **`Logs`**,
 * `Schedule`, `ScheduleRole`, `SchedulePolicy`, `GrayFailure`.
 */
export class AzEvacuationDrill extends Construct {
  public readonly experimentTemplate: FisExperimentTemplate;
  public readonly durationMinutes: number;
  public readonly logGroup: CloudwatchLogGroup;
  /** The schedule that starts the drill, when `schedule` is given. */
  public readonly schedule?: SchedulerSchedule;
  /** The check that the gray failure was detected, when the drill injects one (see `zoneImpairedAlarm`). */
  public readonly grayFailure?: GrayFailureVerdict;

  constructor(scope: Construct, id: string, props: AzEvacuationDrillProps) {
    super(scope, id);
    const { provider } = props;
    const az = props.availabilityZone;
    if (Token.isUnresolved(props.subnetIds)) {
      // The role's policy and the experiment's target name each subnet: a list of unknown length cannot be written out.
      throw validationError(
        `subnetIds must list the subnets of ${az} one by one (each may be a reference), got: a Terraform list expression`,
        this,
        'subnetIds',
      );
    }
    const plan = planAzEvacuationDrill(props.tier, {
      availabilityZone: Token.isUnresolved(az) ? undefined : az,
      region: regionOf(this, provider),
      subnets: { prop: 'subnetIds', count: props.subnetIds.length },
      stopCondition: Boolean(props.stopConditionAlarmArn),
      durationMinutes: props.durationMinutes,
      logRetentionDays: props.logRetentionDays,
      schedule: props.schedule === undefined || Token.isUnresolved(props.schedule) ? undefined : props.schedule,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'AzEvacuationDrill', plan.warnings);
    if (props.autoScalingGroupArn === undefined) {
      warn(
        this,
        'AzEvacuationDrill.autoScalingGroupArn',
        `autoScalingGroupArn is not given: the drill leaves out the action that blocks launches in ${az}, and the ` +
          'group may relaunch instances into the evacuated zone',
      );
    }
    this.durationMinutes = plan.durationMinutes;
    const duration = plan.duration;
    const retentionDays = plan.logRetentionDays;
    const selectionMode = plan.targets.selectionMode;

    const context = new AccountContext(this, 'Account', provider);
    const subnetArns = props.subnetIds.map((subnetId) => context.arn('ec2', `subnet/${subnetId}`));
    const acls = context.arn('ec2', 'network-acl/*');
    const statements: PolicyStatement[] = [
      // FIS sets up a vended-log delivery at experiment start and resolves targets with Describe calls: these take no resource ARN.
      {
        Sid: 'LogDeliveryAndDescribe',
        Effect: 'Allow',
        Resource: '*',
        Action: [
          'logs:CreateLogDelivery',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
          'ec2:DescribeManagedPrefixLists',
          'ec2:DescribeNetworkAcls',
          'ec2:DescribeSubnets',
          'ec2:DescribeVpcs',
          'ec2:GetManagedPrefixListEntries',
          'ec2:DescribeInstances',
          'tag:GetResources',
          ...(props.databaseClusterArn ? ['rds:DescribeDBClusters'] : []),
        ],
      },
      // FIS clones each subnet's network ACL (tagged managedByFIS=true), adds deny entries, swaps it in, and swaps back;
      // the clones' ids are unknown until run time, so the statements are conditioned on the tag.
      {
        Sid: 'CreateDrillNetworkAcl',
        Effect: 'Allow',
        Action: 'ec2:CreateNetworkAcl',
        Resource: acls,
        Condition: { StringEquals: { 'aws:RequestTag/managedByFIS': 'true' } },
      },
      {
        Sid: 'CreateDrillNetworkAclInVpc',
        Effect: 'Allow',
        Action: 'ec2:CreateNetworkAcl',
        Resource: context.arn('ec2', 'vpc/*'),
      },
      {
        Sid: 'TagDrillNetworkAcl',
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: acls,
        Condition: { StringEquals: { 'ec2:CreateAction': 'CreateNetworkAcl', 'aws:RequestTag/managedByFIS': 'true' } },
      },
      {
        Sid: 'ChangeDrillNetworkAcl',
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl'],
        Resource: acls,
        Condition: { StringEquals: { 'aws:ResourceTag/managedByFIS': 'true' } },
      },
      {
        Sid: 'SwapSubnetNetworkAcl',
        Effect: 'Allow',
        Action: 'ec2:ReplaceNetworkAclAssociation',
        Resource: [...subnetArns, acls],
      },
      // The fleet's instances come and go: only those carrying this group's tag.
      {
        Sid: 'StopFleetInstances',
        Effect: 'Allow',
        Action: ['ec2:StopInstances', 'ec2:StartInstances'],
        Resource: context.arn('ec2', 'instance/*'),
        Condition: { StringEquals: { 'aws:ResourceTag/aws:autoscaling:groupName': props.autoScalingGroupName } },
      },
    ];
    if (props.volumeKeyArn) {
      // Starting a stopped instance re-attaches its encrypted volumes through a grant on their key.
      statements.push({
        Sid: 'RestartEncryptedVolumes',
        Effect: 'Allow',
        Action: 'kms:CreateGrant',
        Resource: props.volumeKeyArn,
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      });
    }
    if (props.autoScalingGroupArn) {
      // ec2:InjectApiError has no resource type: the FIS action and target conditions scope it.
      statements.push({
        Sid: 'BlockZoneLaunches',
        Effect: 'Allow',
        Action: 'ec2:InjectApiError',
        Resource: '*',
        Condition: {
          StringEquals: { 'ec2:FisActionId': 'aws:ec2:asg-insufficient-instance-capacity-error' },
          'ForAllValues:ArnLike': { 'ec2:FisTargetArns': [props.autoScalingGroupArn] },
        },
      });
      statements.push({
        Sid: 'DescribeGroups',
        Effect: 'Allow',
        Action: 'autoscaling:DescribeAutoScalingGroups',
        Resource: '*',
      });
    }
    if (props.databaseClusterArn) {
      statements.push({
        Sid: 'FailoverCluster',
        Effect: 'Allow',
        Action: 'rds:FailoverDBCluster',
        Resource: props.databaseClusterArn,
      });
    }

    const role = new IamRole(this, 'Role', {
      provider,
      description: `Assumed by AWS FIS to run the ${this.node.path} drill`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'fis.amazonaws.com' },
            Action: 'sts:AssumeRole',
            // Confused-deputy guard: only FIS experiments of this account and region may assume it.
            Condition: {
              StringEquals: { 'aws:SourceAccount': context.accountId },
              ArnLike: { 'aws:SourceArn': context.arn('fis', 'experiment/*') },
            },
          },
        ],
      }),
    });
    const policy = new IamRolePolicy(this, 'Policy', {
      provider,
      role: role.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });

    const key = newCustomerManagedKey(this, 'LogKey', {
      description: `Encrypts the experiment log of ${this.node.path}`,
      context,
      statements: [cloudWatchLogsStatement(context)],
    });
    this.logGroup = new CloudwatchLogGroup(this, 'Logs', {
      provider,
      namePrefix: 'fis-drill-',
      retentionInDays: retentionDays,
      kmsKeyId: key.arn,
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });

    const target: FisExperimentTemplateTarget[] = [
      { name: 'ZoneSubnets', resourceType: 'aws:ec2:subnet', selectionMode, resourceArns: subnetArns },
      {
        name: 'ZoneInstances',
        resourceType: 'aws:ec2:instance',
        selectionMode,
        resourceTag: [{ key: 'aws:autoscaling:groupName', value: props.autoScalingGroupName }],
        filter: plan.targets.instanceFilters,
      },
    ];
    const action: FisExperimentTemplateAction[] = [
      {
        name: 'DisruptZoneNetwork',
        actionId: 'aws:network:disrupt-connectivity',
        description: `Deny all traffic in and out of the VPC's subnets in ${az}`,
        parameter: [
          { key: 'scope', value: 'all' },
          { key: 'duration', value: duration },
        ],
        target: { key: 'Subnets', value: 'ZoneSubnets' },
      },
      {
        name: 'StopInstances',
        actionId: 'aws:ec2:stop-instances',
        description: `Stop the fleet's instances in ${az} and start them when the drill ends`,
        // The group may replace a stopped instance before FIS starts it again: not a drill failure.
        parameter: [
          { key: 'startInstancesAfterDuration', value: duration },
          { key: 'completeIfInstancesTerminated', value: String(plan.completeIfInstancesTerminated) },
        ],
        target: { key: 'Instances', value: 'ZoneInstances' },
      },
    ];
    if (props.autoScalingGroupArn) {
      target.push({
        name: 'ZoneGroup',
        resourceType: 'aws:ec2:autoscaling-group',
        selectionMode,
        resourceArns: [props.autoScalingGroupArn],
      });
      action.push({
        name: 'BlockZoneLaunches',
        actionId: 'aws:ec2:asg-insufficient-instance-capacity-error',
        description: `Fail the group's launches in ${az} so that it replaces capacity in the other zones`,
        parameter: [
          { key: 'availabilityZoneIdentifiers', value: az },
          { key: 'duration', value: duration },
          { key: 'percentage', value: String(plan.blockLaunchesPercent) },
        ],
        target: { key: 'AutoScalingGroups', value: 'ZoneGroup' },
      });
    }
    if (props.databaseClusterArn) {
      target.push({
        name: 'Cluster',
        resourceType: 'aws:rds:cluster',
        selectionMode,
        resourceArns: [props.databaseClusterArn],
      });
      action.push({
        name: 'FailoverDatabase',
        actionId: 'aws:rds:failover-db-cluster',
        description: 'Fail the Aurora writer over to a reader in another zone',
        target: { key: 'Clusters', value: 'Cluster' },
      });
    }

    const gray = addGrayFailureToExperiment(
      this,
      context,
      { ...props, availabilityZone: az },
      { role, autoScalingGroupName: props.autoScalingGroupName, targets: target, actions: action },
    );
    const failover = props.databaseClusterArn ? ', fail the database over' : '';
    const evacuation =
      `Evacuate ${az}: disrupt its subnets, stop the fleet's instances there${failover} ` +
      `for ${this.durationMinutes} min`;
    this.experimentTemplate = new FisExperimentTemplate(this, 'Resource', {
      provider,
      description: gray ? grayFailureTemplateDescription(gray.plan, az, evacuation) : evacuation,
      roleArn: role.arn,
      stopCondition: [{ source: plan.stopCondition.source, value: props.stopConditionAlarmArn }],
      target,
      action,
      logConfiguration: {
        logSchemaVersion: plan.logSchemaVersion,
        cloudwatchLogsConfiguration: { logGroupArn: `${this.logGroup.arn}:*` },
      },
      // A target that resolves to nothing means the drill would prove nothing: fail instead of passing vacuously.
      experimentOptions: plan.experimentOptions,
      tags: { Name: this.node.path },
      dependsOn: [policy, ...(gray ? [gray.fisPolicy] : [])],
    });
    if (gray) {
      this.grayFailure = newGrayFailureVerdict(this, context, gray, {
        template: this.experimentTemplate,
        availabilityZone: az,
        alarmTopicArn: props.alarmTopicArn,
        namePrefix: this.node.addr,
      });
    }
    if (props.schedule !== undefined) {
      this.schedule = newDrillSchedule(this, context, props.schedule, props.scheduleTimeZone, this.experimentTemplate);
    }

    attachHaMetadata(this, props, { component: 'AzEvacuationDrill', failureDomain: FailureDomain.REGION });
  }
}

/**
 * An EventBridge Scheduler schedule that starts the experiment, as a role that may start this
 * template only. A drill that fails to start is not retried into a later, unplanned window.
 */
function newDrillSchedule(
  scope: Construct,
  context: AccountContext,
  expression: string,
  timeZone: string | undefined,
  template: FisExperimentTemplate,
): SchedulerSchedule {
  const provider = context.provider;
  const role = new IamRole(scope, 'ScheduleRole', {
    provider,
    description: `Lets EventBridge Scheduler start the ${scope.node.path} drill`,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': context.accountId } },
        },
      ],
    }),
  });
  const policy = new IamRolePolicy(scope, 'SchedulePolicy', {
    provider,
    role: role.id,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          // fis:StartExperiment also authorizes the experiment it creates, whose id is not known before it starts.
          Sid: 'StartThisDrill',
          Effect: 'Allow',
          Action: 'fis:StartExperiment',
          Resource: [context.arn('fis', `experiment-template/${template.id}`), context.arn('fis', 'experiment/*')],
        },
      ],
    }),
  });
  return new SchedulerSchedule(scope, 'Schedule', {
    provider,
    description: `Runs the ${scope.node.path} evacuation drill`,
    scheduleExpression: expression,
    scheduleExpressionTimezone: timeZone ?? 'UTC',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: 'arn:aws:scheduler:::aws-sdk:fis:startExperiment',
      roleArn: role.arn,
      input: JSON.stringify({ ExperimentTemplateId: template.id, ClientToken: '<aws.scheduler.execution-id>' }),
      retryPolicy: { maximumRetryAttempts: 0 },
    },
    dependsOn: [policy],
  });
}
