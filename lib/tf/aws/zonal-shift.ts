import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Construct } from 'constructs';
import { ZonalShiftPlan } from '../../core/plans/zonal-shift';
import { zonalShiftRunbookContent } from '../../core/plans/zonal-shift-runbook';
import { newAutomationRole, newAutomationTrigger } from './private/automation';
import { AccountContext, PolicyStatement } from './private/keys';

/** What {@link newZonalShift} shifts, on which alarms, and whom it tells. */
export interface ZonalShiftOptions {
  readonly context: AccountContext;
  /** ARN of the balancer ARC shifts (zonal shift enabled on it). */
  readonly loadBalancerArn: string;
  /**
   * What serves behind the load balancer, whose healthy members in the other AZs the capacity guard
   * counts: an Auto Scaling group's in-service instances, or an ECS service's running tasks.
   */
  readonly capacity: ZonalShiftCapacity;
  /** Per AZ (its name, a reference read at plan time), the ARN of the alarm that says it is impaired on its own. */
  readonly impairedAlarms: readonly { readonly zone: string; readonly alarmArn: string }[];
  /** Core's `planZonalShift`, enabled. */
  readonly plan: ZonalShiftPlan;
  /** ARN of the topic the runbook notifies of what it did (or why it did nothing). */
  readonly alarmTopicArn: string;
  /** ARN of the topic's KMS key, when known: the runbook must use it to publish. */
  readonly alarmTopicKeyArn?: string;
  /** Who the runbook shifts for (a construct path), named in its description and notices. */
  readonly owner: string;
  /** Prefix of the document's name (unique in the account and region). */
  readonly namePrefix: string;
}

/** The members the capacity guard counts: a fleet's instances (by group name) or a service's tasks. */
export type ZonalShiftCapacity =
  | { readonly autoScalingGroupName: string; readonly autoScalingGroupArn: string }
  | { readonly clusterArn: string; readonly serviceName: string };

/** The automatic zonal shift. */
export interface ZonalShift {
  /** The SSM Automation runbook: guards, then `StartZonalShift`, then a notification. */
  readonly runbook: SsmDocument;
  /** The role the runbook runs as. */
  readonly role: IamRole;
  /** Per AZ (in the order of `impairedAlarms`), the EventBridge rule that starts the runbook. */
  readonly rules: readonly CloudwatchEventRule[];
}

/**
 * The zonal shift an AZ's Impaired alarm starts, as core's `planZonalShift` decides it: the
 * Terraform twin of the CDK fleet's and service's (`lib/aws/zonal-shift.ts`), with the same runbook
 * (core's `zonalShiftRunbookContent`: one shift at a time, the other AZs keep `minInstancesLeft`
 * healthy instances or tasks, an expiry, a notification). An alarm action cannot call ARC, so an EventBridge rule
 * per AZ (on its Impaired alarm's change to ALARM) starts the runbook with that AZ; an SSM runbook
 * rather than a function runs in the regional service, not in the VPC's AZs, and each execution
 * and its decision stay on record. The runbook never cancels a shift.
 *
 * A fleet's runbook then shifts its Auto Scaling group too, which it can only when zonal shift is
 * enabled on the group: the pinned AWS provider cannot enable it (`aws_autoscaling_group` has no
 * `availability_zone_impairment_policy`: hashicorp/terraform-provider-aws#40271), so until it is
 * enabled out of Terraform the runbook shifts the load balancer alone, says so, and fails its execution.
 *
 * IAM: the ARC calls only on this load balancer and group (`arc-zonal-shift:ResourceIdentifier`, as
 * ARC's guide scopes them); the describe calls, which allow no resource, on `*`; an ECS service's task
 * reads only in its cluster (`ecs:cluster`); publish to the topic (and
 * use its key, when known: a topic of your own under a customer-managed key must let `role` use it).
 * Both roles may be assumed for this account only; EventBridge's may start this runbook and pass it
 * its own role only.
 *
 * Construct ids (public API, under `scope`): `ZonalShift/{Role,RolePolicy,Runbook,TriggerRole,
 * TriggerRolePolicy,Zone<i>,Zone<i>Target}`, `i` the index of the AZ in `impairedAlarms`.
 * @see https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_service-with-iam-zonal-shift.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html (Systems Manager Automation)
 */
export function newZonalShift(scope: Construct, options: ZonalShiftOptions): ZonalShift {
  const { context, plan, owner, capacity } = options;
  const group = 'autoScalingGroupName' in capacity;
  const provider = context.provider;
  const root = new Construct(scope, 'ZonalShift');

  const arcActions = ['arc-zonal-shift:GetManagedResource', 'arc-zonal-shift:StartZonalShift'];
  const statements: PolicyStatement[] = [
    'autoScalingGroupArn' in capacity
      ? {
          // StringLike as on CloudFormation (which knows the group by name only); here the exact ARN.
          Sid: 'ShiftThisLoadBalancerAndGroup',
          Effect: 'Allow',
          Action: arcActions,
          Resource: '*',
          Condition: {
            StringLike: {
              'arc-zonal-shift:ResourceIdentifier': [options.loadBalancerArn, capacity.autoScalingGroupArn],
            },
          },
        }
      : {
          Sid: 'ShiftThisLoadBalancer',
          Effect: 'Allow',
          Action: arcActions,
          Resource: '*',
          Condition: { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': options.loadBalancerArn } },
        },
    {
      Sid: 'ReadZonesAndInstances',
      Effect: 'Allow',
      Action: ['ec2:DescribeAvailabilityZones', ...(group ? ['autoscaling:DescribeAutoScalingGroups'] : [])],
      Resource: '*',
    },
    ...('clusterArn' in capacity
      ? [
          {
            Sid: 'ReadTasksOfThisCluster',
            Effect: 'Allow',
            Action: ['ecs:ListTasks', 'ecs:DescribeTasks'],
            Resource: '*',
            Condition: { ArnEquals: { 'ecs:cluster': capacity.clusterArn } },
          },
        ]
      : []),
    { Sid: 'Notify', Effect: 'Allow', Action: 'sns:Publish', Resource: options.alarmTopicArn },
    ...(options.alarmTopicKeyArn === undefined
      ? []
      : [
          {
            Sid: 'NotifyEncrypted',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: options.alarmTopicKeyArn,
          },
        ]),
  ];
  const { role, policy } = newAutomationRole(
    root,
    'Role',
    `Assumed by SSM Automation to shift ${owner}'s load balancer away from an impaired AZ`,
    context,
    statements,
  );

  const runbook = new SsmDocument(root, 'Runbook', {
    provider,
    name: `${options.namePrefix}-zonal-shift`,
    documentType: 'Automation',
    documentFormat: 'JSON',
    content: JSON.stringify(
      zonalShiftRunbookContent({
        owner,
        plan,
        roleArn: role.arn,
        zones: options.impairedAlarms.map((a) => a.zone),
        loadBalancerArn: options.loadBalancerArn,
        capacity: group
          ? { autoScalingGroupName: capacity.autoScalingGroupName }
          : { cluster: capacity.clusterArn, serviceName: capacity.serviceName },
        topicArn: options.alarmTopicArn,
      }),
    ),
    // An execution that starts before the policy exists fails on its first call.
    dependsOn: [policy],
  });

  const trigger = newAutomationTrigger(
    root,
    'TriggerRole',
    `Lets EventBridge start the zonal shift runbook of ${owner} when an AZ is impaired`,
    context,
    runbook,
    role,
  );
  const rules = options.impairedAlarms.map(({ zone, alarmArn }, i) => {
    const rule = new CloudwatchEventRule(root, `Zone${i}`, {
      provider,
      description: `Starts the zonal shift runbook when ${zone} is impaired on its own`,
      eventPattern: JSON.stringify({
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [alarmArn],
        detail: { state: { value: ['ALARM'] } },
      }),
    });
    new CloudwatchEventTarget(root, `Zone${i}Target`, {
      provider,
      rule: rule.name,
      targetId: 'ZonalShiftRunbook',
      arn: trigger.definitionArn,
      roleArn: trigger.role.arn,
      input: JSON.stringify({ AvailabilityZone: [zone] }),
      dependsOn: [trigger.policy],
    });
    return rule;
  });
  return { runbook, role, rules };
}
