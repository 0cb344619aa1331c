import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QueueScalingPlan, ScalingPlan } from '../core/plans/scaling';

/** A scheduled pre-warming of the fleet ahead of a known high-traffic event. */
export interface FleetPrewarm {
  /** When to raise the minimum (e.g. `autoscaling.Schedule.cron({ hour: '7', minute: '30' })`). */
  readonly schedule: autoscaling.Schedule;
  /** The minimum (and so desired) capacity from then on: at least the fleet's capacity, at most `maxCapacity`. */
  readonly minCapacity: number;
  /**
   * When to return the minimum to the fleet's normal capacity.
   * @default - the minimum stays raised until another action or deployment changes it
   */
  readonly endSchedule?: autoscaling.Schedule;
  /**
   * Time zone of both schedules (IANA name).
   * @default - UTC
   */
  readonly timeZone?: string;
}

/** What {@link addFleetScaling} renders, besides the plan. */
export interface FleetScalingOptions {
  readonly plan: ScalingPlan;
  /** The fleet plan's CPU target: target tracking and predictive scaling hold it. */
  readonly targetCpuPercent: number;
  readonly predictiveScaling: boolean;
  readonly queue?: sqs.IQueue;
  /** The windows the plan kept, in its order (none on a standby). */
  readonly prewarm: readonly FleetPrewarm[];
}

/**
 * The fleet's scaling policies, from the scaling plan: CPU and request target tracking, predictive
 * scaling, step scaling on a queue's backlog and scheduled pre-warming. Construct ids (public API,
 * under the fleet): `CpuTracking`, `RequestTracking` and `Prewarm <schedule>` on the group,
 * `PredictiveScaling`, `QueueBacklogScaling`.
 */
export function addFleetScaling(
  scope: Construct,
  asg: autoscaling.AutoScalingGroup,
  options: FleetScalingOptions,
): void {
  const { plan } = options;
  asg.scaleOnCpuUtilization('CpuTracking', { targetUtilizationPercent: options.targetCpuPercent });
  if (plan.targetRequestsPerMinute !== undefined) {
    asg.scaleOnRequestCount('RequestTracking', { targetRequestsPerMinute: plan.targetRequestsPerMinute });
  }
  if (options.predictiveScaling) {
    new autoscaling.CfnScalingPolicy(scope, 'PredictiveScaling', {
      autoScalingGroupName: asg.autoScalingGroupName,
      policyType: 'PredictiveScaling',
      predictiveScalingConfiguration: {
        mode: 'ForecastAndScale',
        schedulingBufferTime: plan.predictiveBufferSeconds,
        maxCapacityBreachBehavior: 'HonorMaxCapacity',
        metricSpecifications: [
          {
            targetValue: options.targetCpuPercent,
            predefinedMetricPairSpecification: { predefinedMetricType: 'ASGCPUUtilization' },
          },
        ],
      },
    });
  }
  if (options.queue && plan.queueSteps) {
    const period = Duration.seconds(plan.queueSteps.periodSeconds);
    scaleOnQueueBacklog(
      asg,
      new cloudwatch.MathExpression({
        expression: 'IF(instances > 0, visible / instances, visible)',
        usingMetrics: {
          visible: options.queue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          instances: new cloudwatch.Metric({
            namespace: 'AWS/AutoScaling',
            metricName: 'GroupInServiceInstances',
            dimensionsMap: { AutoScalingGroupName: asg.autoScalingGroupName },
            period,
            statistic: cloudwatch.Stats.AVERAGE,
          }),
        },
        period,
        label: 'Queue backlog per in-service instance',
      }),
      plan.queueSteps,
    );
  }
  plan.prewarm.forEach((window, i) => {
    const prewarm = options.prewarm[i];
    const name = window.schedule.replace(/\//g, '|');
    asg.scaleOnSchedule(`Prewarm ${name}`, {
      schedule: prewarm.schedule,
      minCapacity: window.minCapacity,
      timeZone: prewarm.timeZone,
    });
    if (prewarm.endSchedule && window.endCapacity !== undefined) {
      asg.scaleOnSchedule(`PrewarmEnd ${name}`, {
        schedule: prewarm.endSchedule,
        minCapacity: window.endCapacity,
        timeZone: prewarm.timeZone,
      });
    }
  });
}

/**
 * Step scaling on the backlog per in-service instance, as the plan's steps say.
 *
 * These are the policies and alarms `asg.scaleOnMetric` writes, under the same construct ids, built
 * from their current APIs: its StepScalingPolicy hands every action the deprecated
 * `StepScalingActionProps#cooldown` (undefined, yet jsii warns on the key at each synthesis).
 */
function scaleOnQueueBacklog(
  asg: autoscaling.AutoScalingGroup,
  backlog: cloudwatch.IMetric,
  steps: QueueScalingPlan,
): void {
  const scope = new Construct(asg, 'QueueBacklogScaling');
  const step = (id: 'Lower' | 'Upper', threshold: number, adjustments: autoscaling.AdjustmentTier[]) => {
    const action = new autoscaling.StepScalingAction(scope, `${id}Policy`, {
      autoScalingGroup: asg,
      adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    });
    // Bounds are relative to the alarm threshold.
    adjustments.forEach((adjustment) => action.addAdjustment(adjustment));
    const alarm = new cloudwatch.Alarm(scope, `${id}Alarm`, {
      metric: backlog,
      alarmDescription: `${id} threshold scaling alarm`,
      comparisonOperator:
        id === 'Lower'
          ? cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD
          : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      threshold,
    });
    alarm.addAlarmAction(new cloudwatchActions.AutoScalingAction(action));
  };
  step('Lower', steps.lowerThreshold, [{ adjustment: steps.lowerAdjustment, upperBound: 0 }]);
  step(
    'Upper',
    steps.upperThreshold,
    steps.upperAdjustments.map((a) => ({ ...a })),
  );
}
