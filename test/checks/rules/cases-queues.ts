import { DeadLetterQueues } from '../../../lib/checks/rules/que/DeadLetterQueues';
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
];
