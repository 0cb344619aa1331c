import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ZonalShiftPlan } from '../core/plans/zonal-shift';
import { zonalShiftRunbookContent } from '../core/plans/zonal-shift-runbook';
import { newAutomationRole, newAutomationTrigger } from './private/automation';
import { acknowledgeWildcard } from './private/nag';

/** What {@link newZonalShift} shifts, on which alarms, and whom it tells. */
export interface ZonalShiftOptions {
  /** The balancer ARC shifts (zonal shift enabled on it). */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /**
   * What serves behind the load balancer, whose healthy members in the other AZs the capacity guard
   * counts: an Auto Scaling group's in-service instances, or an ECS service's running tasks.
   */
  readonly capacity: ZonalShiftCapacity;
  /** Per literal AZ name, the alarm that says the AZ is impaired on its own. */
  readonly impairedAlarms: Readonly<Record<string, cloudwatch.IAlarm>>;
  /** Core's `planZonalShift`, enabled. */
  readonly plan: ZonalShiftPlan;
  /** Receives what the runbook did (or why it did nothing). */
  readonly alarmTopic: sns.ITopic;
}

/** The members the capacity guard counts: a fleet's instances or a service's tasks. */
export type ZonalShiftCapacity =
  | { readonly autoScalingGroup: autoscaling.IAutoScalingGroup }
  | { readonly ecsService: ecs.IBaseService; readonly cluster: ecs.ICluster };

/** The automatic zonal shift. */
export interface ZonalShift {
  /** The SSM Automation runbook: guards, then `StartZonalShift`, then a notification. */
  readonly runbook: ssm.CfnDocument;
  /** The role the runbook runs as. */
  readonly role: iam.IRole;
  /** Per AZ, the EventBridge rule that starts the runbook when the AZ's Impaired alarm fires. */
  readonly rules: Readonly<Record<string, events.CfnRule>>;
}

/**
 * The zonal shift an AZ's Impaired alarm starts, as core's `planZonalShift` decides it. An alarm
 * action cannot call ARC, so an EventBridge rule per AZ (on the alarm's change to ALARM) starts an
 * SSM Automation runbook with that AZ. An SSM runbook rather than a Lambda function: it runs in the
 * regional service, not in the VPC's AZs (the impaired one among them), which Control Tower's
 * CT.LAMBDA.PR.3 would ask of a function; and each execution, with its decision, stays on record.
 *
 * The runbook's one script step (`ShiftAwayIfSafe`):
 * 1. reads the load balancer's (and the group's) managed resource in ARC (`GetManagedResource`): when
 *    a customer-started shift or an autoshift is in effect, it starts none (one at a time; a practice
 *    run yields to a customer's shift);
 * 2. counts the healthy, in-service instances of the group (or running tasks of the service) in the
 *    other AZs: fewer than the plan's `minInstancesLeft`, it starts none;
 * 3. otherwise starts a zonal shift away from the AZ's id (`DescribeAvailabilityZones`: ARC takes
 *    ids, the alarms name AZs) with the plan's expiry, then one of the fleet's Auto Scaling group
 *    (which must have zonal shift enabled: core's `autoScalingGroup` plan), so that it stops
 *    launching into the AZ.
 * Then `Notify` publishes what it did, or why not, to the alarm topic (`NotifyFailure` if the script
 * failed before any shift); a group left unshifted is named in the notice's subject, and the
 * execution then fails. The runbook never cancels a shift; zonal autoshift and its practice runs stay
 * as they are. A person may run it by hand with the AZ, under the same guards.
 *
 * IAM: the ARC calls only on this load balancer and group (`arc-zonal-shift:ResourceIdentifier`, as
 * ARC's guide scopes them; the group by its name, as CloudFormation gives no group ARN); the
 * describe calls ARC's guide and EC2 Auto Scaling allow on `*` only; publish to the topic (and its key).
 *
 * Construct ids (public API, under `scope`): `ZonalShift/{Role,Policy,Runbook,TriggerRole,<az>}`.
 * @see https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_service-with-iam-zonal-shift.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html (Systems Manager Automation)
 */
export function newZonalShift(scope: Construct, options: ZonalShiftOptions): ZonalShift {
  const { loadBalancer, plan } = options;
  const root = new Construct(scope, 'ZonalShift');
  const zones = Object.keys(options.impairedAlarms);

  const role = newAutomationRole(
    root,
    'Role',
    `Assumed by SSM Automation to shift ${scope.node.path}'s load balancer away from an impaired AZ`,
  );
  const capacity = options.capacity;
  // A fleet's group shifts with its load balancer. CloudFormation gives no group ARN (CDK's has `*` for
  // its id), so the group is matched by name: StringLike.
  const shifted =
    'autoScalingGroup' in capacity
      ? {
          sid: 'ShiftThisLoadBalancerAndGroup',
          conditions: {
            StringLike: {
              'arc-zonal-shift:ResourceIdentifier': [
                loadBalancer.loadBalancerArn,
                capacity.autoScalingGroup.autoScalingGroupArn,
              ],
            },
          },
        }
      : {
          sid: 'ShiftThisLoadBalancer',
          conditions: { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': loadBalancer.loadBalancerArn } },
        };
  const policy = new iam.ManagedPolicy(root, 'Policy', {
    description: `Least privilege for the zonal shift runbook of ${scope.node.path}`,
    roles: [role],
    statements: [
      new iam.PolicyStatement({
        ...shifted,
        actions: ['arc-zonal-shift:GetManagedResource', 'arc-zonal-shift:StartZonalShift'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'ReadZonesAndInstances',
        actions: [
          'ec2:DescribeAvailabilityZones',
          ...('autoScalingGroup' in capacity ? ['autoscaling:DescribeAutoScalingGroups'] : []),
        ],
        resources: ['*'],
      }),
      ...('ecsService' in capacity
        ? [
            new iam.PolicyStatement({
              sid: 'ReadTasksOfThisCluster',
              actions: ['ecs:ListTasks', 'ecs:DescribeTasks'],
              resources: ['*'],
              conditions: { ArnEquals: { 'ecs:cluster': capacity.cluster.clusterArn } },
            }),
          ]
        : []),
    ],
  });
  policy.addStatements(
    new iam.PolicyStatement({ sid: 'Notify', actions: ['sns:Publish'], resources: [options.alarmTopic.topicArn] }),
  );
  const topicKey = options.alarmTopic.masterKey;
  if (topicKey) {
    policy.addStatements(
      new iam.PolicyStatement({
        sid: 'NotifyEncrypted',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [topicKey.keyArn],
      }),
    );
  }
  acknowledgeWildcard(
    policy,
    '*',
    "ARC's zonal shift calls are scoped by the arc-zonal-shift:ResourceIdentifier condition to this load balancer " +
      '(and its Auto Scaling group), as its IAM guide does; ec2:DescribeAvailabilityZones and ' +
      'autoscaling:DescribeAutoScalingGroups allow no resource; ECS task reads are scoped to this cluster by the ' +
      'ecs:cluster condition',
  );

  const runbook = new ssm.CfnDocument(root, 'Runbook', {
    documentType: 'Automation',
    documentFormat: 'JSON',
    updateMethod: 'NewVersion',
    content: zonalShiftRunbookContent({
      owner: scope.node.path,
      plan,
      roleArn: role.roleArn,
      zones,
      loadBalancerArn: loadBalancer.loadBalancerArn,
      capacity:
        'autoScalingGroup' in capacity
          ? { autoScalingGroupName: capacity.autoScalingGroup.autoScalingGroupName }
          : { cluster: capacity.cluster.clusterArn, serviceName: capacity.ecsService.serviceName },
      topicArn: options.alarmTopic.topicArn,
    }),
  });
  runbook.node.addDependency(policy);

  const trigger = newAutomationTrigger(
    root,
    'TriggerRole',
    `Lets EventBridge start the zonal shift runbook of ${scope.node.path} when an AZ is impaired`,
    runbook,
    role,
  );
  const triggerRole = trigger.role;
  const definition = trigger.definitionArn;

  const rules: Record<string, events.CfnRule> = {};
  for (const [zone, alarm] of Object.entries(options.impairedAlarms)) {
    const rule = new events.CfnRule(root, zone, {
      description: `Starts the zonal shift runbook when ${zone} is impaired on its own`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [alarm.alarmArn],
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [
        {
          id: 'ZonalShiftRunbook',
          arn: definition,
          roleArn: triggerRole.roleArn,
          input: JSON.stringify({ AvailabilityZone: [zone] }),
        },
      ],
    });
    rule.node.addDependency(triggerRole);
    rules[zone] = rule;
  }
  return { runbook, role, rules };
}
