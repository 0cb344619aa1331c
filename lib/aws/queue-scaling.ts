import { Names, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QueueBacklogScalingPlan, SCALING_POLICY_NAME_MAX_LENGTH } from '../core/plans/queue-worker';
import { ResilientService } from './service';

/** What {@link addQueueBacklogScaling} renders, besides the plan. */
export interface QueueBacklogScalingOptions {
  readonly plan: QueueBacklogScalingPlan;
  /** The service whose task count scales; its scalable target keeps its own bounds. */
  readonly service: ResilientService;
  readonly queue: sqs.IQueue;
  /** Undefined without a priority lane. */
  readonly priorityQueue?: sqs.IQueue;
}

/**
 * Target tracking of a `ResilientService`'s task count on the lanes' visible messages per running
 * task, the plan's metric math. aws-cdk-lib's `TargetTrackingScalingPolicy` takes a single metric
 * only, so the policy is written as CloudFormation's `AWS::ApplicationAutoScaling::ScalingPolicy`
 * with `CustomizedMetricSpecification.Metrics`. The running tasks are Container Insights'
 * `RunningTaskCount` (ECS publishes no task count without it). Construct id (public API, under
 * `scope`): `BacklogScaling`.
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
 */
export function addQueueBacklogScaling(
  scope: Construct,
  options: QueueBacklogScalingOptions,
): appscaling.CfnScalingPolicy {
  const { plan, service } = options;
  // The service's ScalableTaskCount keeps its target (min: the statically stable count, max: the
  // literal maximum) under aws-cdk-lib's fixed id `Target`; a policy on it stays within those bounds.
  const target = service.scaling.node.findChild('Target') as appscaling.ScalableTarget;
  const visible = (
    id: string,
    queue: sqs.IQueue,
  ): appscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty => ({
    id,
    label: `Visible messages of ${queue.node.id}`,
    returnData: false,
    metricStat: {
      stat: 'Maximum',
      metric: {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: [{ name: 'QueueName', value: queue.queueName }],
      },
    },
  });
  return new appscaling.CfnScalingPolicy(scope, 'BacklogScaling', {
    policyName: Names.uniqueResourceName(scope, { maxLength: SCALING_POLICY_NAME_MAX_LENGTH, separator: '-' }),
    policyType: 'TargetTrackingScaling',
    scalingTargetId: target.scalableTargetId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: plan.targetBacklogPerTask,
      scaleOutCooldown: plan.scaleOutCooldownSeconds,
      scaleInCooldown: plan.scaleInCooldownSeconds,
      customizedMetricSpecification: {
        metrics: [
          visible('normal', options.queue),
          ...(options.priorityQueue ? [visible('priority', options.priorityQueue)] : []),
          {
            id: 'tasks',
            label: 'Running tasks',
            returnData: false,
            metricStat: {
              stat: 'Average',
              metric: {
                namespace: 'ECS/ContainerInsights',
                metricName: 'RunningTaskCount',
                dimensions: [
                  { name: 'ClusterName', value: service.cluster.clusterName },
                  { name: 'ServiceName', value: service.service.serviceName },
                ],
              },
            },
          },
          {
            id: 'backlog_per_task',
            label: 'Visible messages per running task',
            expression: plan.expression,
            returnData: true,
          },
        ],
      },
    },
  });
}

/**
 * Whether `cluster` publishes Container Insights' RunningTaskCount: true or false when it was built in
 * this app with `containerInsights`/`containerInsightsV2` set, undefined when that is not known here
 * (an imported cluster, or one that follows the account's default setting).
 */
export function publishesRunningTaskCount(cluster: ecs.ICluster): boolean | undefined {
  const resource = cluster.node.defaultChild;
  if (!(resource instanceof ecs.CfnCluster)) {
    return undefined;
  }
  const settings = Stack.of(cluster).resolve(resource.clusterSettings) as
    { readonly name?: string; readonly value?: string }[] | undefined;
  const insights = settings?.find((setting) => setting.name === 'containerInsights')?.value;
  return insights === undefined ? undefined : insights === 'enabled' || insights === 'enhanced';
}
