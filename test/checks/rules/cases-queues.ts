import { DeadLetterQueues } from '../../../lib/checks/rules/que/DeadLetterQueues';
import { QueueBacklogScaling } from '../../../lib/checks/rules/que/QueueBacklogScaling';
import { ServiceTier } from '../../../lib/core';
import { cfn, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T0 = { tier: ServiceTier.TIER_0, name: 'Worker' };
const FOURTEEN_DAYS = 1_209_600;

interface WorkerShape {
  readonly redrive?: boolean;
  /** Seconds the dead-letter queue keeps messages; 'default' leaves SQS's 4 days. */
  readonly deadLetterRetention?: number | 'default';
  readonly alarm?: boolean;
  readonly partialBatches?: boolean;
}

/** A queue drained by a function, its dead-letter queue and an alarm on it; each part can be left out. */
const workerCfn = (shape: WorkerShape = {}) => {
  const { redrive = true, deadLetterRetention = FOURTEEN_DAYS, alarm = true, partialBatches = true } = shape;
  return cfn(
    {
      Dlq: {
        Type: 'AWS::SQS::Queue',
        Properties: deadLetterRetention === 'default' ? {} : { MessageRetentionPeriod: deadLetterRetention },
      },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          VisibilityTimeout: 180,
          ...(redrive
            ? { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 3 } }
            : {}),
        },
      },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x' } },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
          BatchSize: 10,
          ...(partialBatches ? { FunctionResponseTypes: ['ReportBatchItemFailures'] } : {}),
        },
      },
      ...(alarm
        ? {
            DlqAlarm: {
              Type: 'AWS::CloudWatch::Alarm',
              Properties: {
                Namespace: 'AWS/SQS',
                MetricName: 'ApproximateNumberOfMessagesVisible',
                Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Dlq', 'QueueName'] } }],
                Threshold: 0,
                ComparisonOperator: 'GreaterThanThreshold',
                EvaluationPeriods: 1,
                Period: 60,
                Statistic: 'Maximum',
              },
            },
          }
        : {}),
    },
    T0,
  );
};

/** The same in Terraform, with the redrive policy as its own resource or inline. */
const workerTf = (redrive: 'inline' | 'resource' | 'none') =>
  tf(
    {
      aws_sqs_queue: {
        dlq: { message_retention_seconds: FOURTEEN_DAYS },
        jobs: {
          visibility_timeout_seconds: 180,
          ...(redrive === 'inline'
            ? { redrive_policy: '${jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 3})}' }
            : {}),
        },
      },
      ...(redrive === 'resource'
        ? {
            aws_sqs_queue_redrive_policy: {
              jobs: {
                queue_url: '${aws_sqs_queue.jobs.id}',
                redrive_policy: '${jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 3})}',
              },
            },
          }
        : {}),
      aws_lambda_function: { worker: { function_name: 'worker', runtime: 'nodejs22.x' } },
      aws_lambda_event_source_mapping: {
        jobs: {
          function_name: '${aws_lambda_function.worker.arn}',
          event_source_arn: '${aws_sqs_queue.jobs.arn}',
          function_response_types: ['ReportBatchItemFailures'],
        },
      },
      aws_cloudwatch_metric_alarm: {
        dlq: {
          namespace: 'AWS/SQS',
          metric_name: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: '${aws_sqs_queue.dlq.name}' },
          threshold: 0,
          comparison_operator: 'GreaterThanThreshold',
          evaluation_periods: 1,
          period: 60,
          statistic: 'Maximum',
        },
      },
    },
    { tier: ServiceTier.TIER_0, name: 'worker' },
  );

interface BacklogShape {
  /** The cluster's containerInsights setting; undefined leaves it out. */
  readonly insights?: string;
  /** The queue's visibility timeout in seconds. */
  readonly visibility?: number;
  /** Whether the queue redrives to a dead-letter queue kept 14 days, with an alarm. */
  readonly deadLetter?: boolean;
}

/**
 * An ECS service scaled by target tracking on a queue's visible messages per running task (TIER_0: an AZ RTO
 * of 30 s), as QueueWorker writes it.
 */
const backlogCfn = (shape: BacklogShape = {}) => {
  const { insights = 'enabled', visibility = 30, deadLetter = true } = shape;
  const visible = (id: string, queue: string) => ({
    Id: id,
    ReturnData: false,
    MetricStat: {
      Stat: 'Maximum',
      Metric: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      },
    },
  });
  return cfn(
    {
      Cluster: {
        Type: 'AWS::ECS::Cluster',
        Properties: { ClusterSettings: [{ Name: 'containerInsights', Value: insights }] },
      },
      Service: { Type: 'AWS::ECS::Service', Properties: { Cluster: { Ref: 'Cluster' }, DesiredCount: 6 } },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          VisibilityTimeout: visibility,
          ...(deadLetter
            ? { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 3 } }
            : {}),
        },
      },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: FOURTEEN_DAYS } },
      DlqAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Dlq', 'QueueName'] } }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          Period: 60,
          Statistic: 'Maximum',
        },
      },
      Target: {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        Properties: {
          MinCapacity: 6,
          MaxCapacity: 30,
          ScalableDimension: 'ecs:service:DesiredCount',
          ServiceNamespace: 'ecs',
          ResourceId: {
            'Fn::Join': ['', ['service/', { Ref: 'Cluster' }, '/', { 'Fn::GetAtt': ['Service', 'Name'] }]],
          },
        },
      },
      Backlog: {
        Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
        Properties: {
          PolicyName: 'backlog',
          PolicyType: 'TargetTrackingScaling',
          ScalingTargetId: { Ref: 'Target' },
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 150,
            CustomizedMetricSpecification: {
              Metrics: [
                visible('normal', 'Queue'),
                {
                  Id: 'tasks',
                  ReturnData: false,
                  MetricStat: {
                    Stat: 'Average',
                    Metric: {
                      Namespace: 'ECS/ContainerInsights',
                      MetricName: 'RunningTaskCount',
                      Dimensions: [
                        { Name: 'ClusterName', Value: { Ref: 'Cluster' } },
                        { Name: 'ServiceName', Value: { 'Fn::GetAtt': ['Service', 'Name'] } },
                      ],
                    },
                  },
                },
                { Id: 'per_task', Expression: 'IF(tasks > 0, normal / tasks, normal)', ReturnData: true },
              ],
            },
          },
        },
      },
    },
    T0,
  );
};

/** The same in Terraform. */
const backlogTf = (insights: string) =>
  tf(
    {
      aws_ecs_cluster: { workers: { name: 'workers', setting: [{ name: 'containerInsights', value: insights }] } },
      aws_ecs_service: { workers: { name: 'workers', cluster: '${aws_ecs_cluster.workers.id}', desired_count: 6 } },
      aws_sqs_queue: { jobs: { visibility_timeout_seconds: 30 } },
      aws_appautoscaling_target: {
        workers: {
          min_capacity: 6,
          max_capacity: 30,
          scalable_dimension: 'ecs:service:DesiredCount',
          service_namespace: 'ecs',
          resource_id: 'service/${aws_ecs_cluster.workers.name}/${aws_ecs_service.workers.name}',
        },
      },
      aws_appautoscaling_policy: {
        backlog: {
          name: 'backlog',
          policy_type: 'TargetTrackingScaling',
          resource_id: '${aws_appautoscaling_target.workers.resource_id}',
          scalable_dimension: '${aws_appautoscaling_target.workers.scalable_dimension}',
          service_namespace: '${aws_appautoscaling_target.workers.service_namespace}',
          target_tracking_scaling_policy_configuration: {
            target_value: 150,
            customized_metric_specification: {
              metrics: [
                {
                  id: 'normal',
                  return_data: false,
                  metric_stat: {
                    stat: 'Maximum',
                    metric: {
                      namespace: 'AWS/SQS',
                      metric_name: 'ApproximateNumberOfMessagesVisible',
                      dimensions: [{ name: 'QueueName', value: '${aws_sqs_queue.jobs.name}' }],
                    },
                  },
                },
                {
                  id: 'tasks',
                  return_data: false,
                  metric_stat: {
                    stat: 'Average',
                    metric: {
                      namespace: 'ECS/ContainerInsights',
                      metric_name: 'RunningTaskCount',
                      dimensions: [
                        { name: 'ClusterName', value: '${aws_ecs_cluster.workers.name}' },
                        { name: 'ServiceName', value: '${aws_ecs_service.workers.name}' },
                      ],
                    },
                  },
                },
                { id: 'per_task', expression: 'IF(tasks > 0, normal / tasks, normal)', return_data: true },
              ],
            },
          },
        },
      },
    },
    { tier: ServiceTier.TIER_0, name: 'worker' },
  );

export const QUEUE_CASES: RuleCase[] = [
  {
    rule: DeadLetterQueues,
    engine: 'cloudformation',
    stack: 'Worker',
    resource: 'Queue',
    message: 'set RedrivePolicy with deadLetterTargetArn and maxReceiveCount',
    compliant: workerCfn(),
    nonCompliant: workerCfn({ redrive: false }),
  },
  {
    rule: DeadLetterQueues,
    engine: 'cloudformation',
    stack: 'Worker',
    resource: 'Queue',
    message: "keeps messages 345600 s, not longer than the queue's 345600 s",
    compliant: workerCfn(),
    // Both at SQS's default of 4 days.
    nonCompliant: workerCfn({ deadLetterRetention: 'default' }),
  },
  {
    rule: DeadLetterQueues,
    engine: 'cloudformation',
    stack: 'Worker',
    resource: 'Queue',
    message: 'dead-letter queue Dlq has no alarm',
    compliant: workerCfn(),
    nonCompliant: workerCfn({ alarm: false }),
  },
  {
    rule: DeadLetterQueues,
    engine: 'cloudformation',
    stack: 'Worker',
    resource: 'Mapping',
    message: "set FunctionResponseTypes: ['ReportBatchItemFailures']",
    compliant: workerCfn(),
    nonCompliant: workerCfn({ partialBatches: false }),
  },
  {
    rule: DeadLetterQueues,
    engine: 'terraform-aws',
    stack: 'worker',
    resource: 'aws_sqs_queue.jobs',
    message: 'set redrive_policy, or add an aws_sqs_queue_redrive_policy',
    compliant: workerTf('inline'),
    nonCompliant: workerTf('none'),
  },
  {
    rule: DeadLetterQueues,
    engine: 'terraform-aws',
    stack: 'worker',
    resource: 'aws_sqs_queue.jobs',
    message: 'without a dead-letter queue',
    compliant: workerTf('resource'),
    nonCompliant: workerTf('none'),
  },
  {
    rule: DeadLetterQueues,
    engine: 'cloudformation',
    stack: 'Worker',
    resource: 'Queue',
    message: 'Queue is drained by ECS tasks without a dead-letter queue',
    compliant: backlogCfn(),
    nonCompliant: backlogCfn({ deadLetter: false }),
  },
  {
    rule: QueueBacklogScaling,
    engine: 'cloudformation',
    stack: 'Worker',
    resource: 'Backlog',
    message: 'divides the backlog by RunningTaskCount, which Cluster does not publish (containerInsights disabled)',
    compliant: backlogCfn(),
    nonCompliant: backlogCfn({ insights: 'disabled' }),
  },
  {
    rule: QueueBacklogScaling,
    engine: 'cloudformation',
    stack: 'Worker',
    resource: 'Queue',
    message: "Queue hides a received message 40 s, longer than TIER_0's AZ RTO (30 s)",
    compliant: backlogCfn(),
    nonCompliant: backlogCfn({ visibility: 40 }),
  },
  {
    rule: QueueBacklogScaling,
    engine: 'terraform-aws',
    stack: 'worker',
    resource: 'aws_appautoscaling_policy.backlog',
    message: 'add setting { name = "containerInsights", value = "enabled" }',
    compliant: backlogTf('enhanced'),
    nonCompliant: backlogTf('disabled'),
  },
];
