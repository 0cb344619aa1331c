import { ResourceGraph } from '../../graph/graph';
import { GraphResource } from '../../graph/model';
import { isUnresolved, num, shown, strings } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { inWords } from '../support';
import { queueScaledServices } from '../../graph/queue-scaling';

const MAPPING_TYPES = ['AWS::Lambda::EventSourceMapping', 'aws_lambda_event_source_mapping'];
const QUEUE_TYPES = ['AWS::SQS::Queue', 'aws_sqs_queue'];
const TF_REDRIVE = 'aws_sqs_queue_redrive_policy';
const ALARM_TYPES = ['AWS::CloudWatch::Alarm', 'aws_cloudwatch_metric_alarm'];
/** SQS keeps a message 4 days unless told otherwise. */
const SQS_DEFAULT_RETENTION_SECONDS = 345_600;
/** Lambda's default batch of an SQS event source. */
const DEFAULT_BATCH_SIZE = 10;

/**
 * HA-QUE1: an SQS queue a Lambda function consumes sends messages that keep failing to a dead-letter
 * queue that keeps them longer, with an alarm on it, and the consumer reports partial batch failures.
 */
export const DeadLetterQueues: HaRule = {
  id: 'HA-QUE1',
  level: 'error',
  category: 'availability',
  info:
    'An SQS queue drained by a Lambda event source mapping, or whose backlog scales an ECS service (HA-QUE2), has a ' +
    'redrive policy to a dead-letter queue that keeps ' +
    'messages longer than the queue does and has a CloudWatch alarm; the mapping of a batch larger than one reports ' +
    'batch item failures (`ReportBatchItemFailures`).',
  explanation:
    'Without a dead-letter queue a message that always fails (a poison message) is received again and again until ' +
    'it expires, taking consumer capacity from the rest and vanishing without a trace; a dead-letter queue that ' +
    "keeps messages no longer than the source loses them anyway (SQS counts a standard queue's dead letter's age " +
    'from its first enqueue), and one nobody alarms on is a silent loss. Without partial batch responses one failed ' +
    'message returns its whole batch, so the good messages are processed again and reach the dead-letter queue with ' +
    'it.',
  resourceTypes: [...MAPPING_TYPES, ...QUEUE_TYPES, TF_REDRIVE, ...ALARM_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    const judged = new Set<string>();
    const drainedByLambda = graph.ofType(...MAPPING_TYPES).flatMap((mapping) => {
      const queues = graph.referencedBy(mapping, ...QUEUE_TYPES);
      const results = queues
        .filter((queue) => !judged.has(queue.key))
        .map((queue) => {
          judged.add(queue.key);
          return judgeQueue(graph, queue, 'Lambda');
        });
      return queues.length === 0 ? results : [...results, judgeMapping(mapping)];
    });
    // Queues ECS tasks drain: their service scales on the backlog (there is no mapping to find them by).
    const drainedByTasks = queueScaledServices(graph)
      .flatMap(({ queues }) => queues)
      .filter((queue) => !judged.has(queue.key))
      .map((queue) => {
        judged.add(queue.key);
        return judgeQueue(graph, queue, 'ECS tasks');
      });
    return [...drainedByLambda, ...drainedByTasks];
  },
};

/** The queue's dead-letter queue, retention and alarm. */
function judgeQueue(graph: ResourceGraph, queue: GraphResource, consumer: string): Evaluation {
  const deadLetter = deadLetterOf(graph, queue);
  if (!deadLetter) {
    return outcome(
      queue,
      `${queue.address} is drained by ${consumer} without a dead-letter queue: a message that always fails is retried ` +
        `until it expires; ${inWords(queue, {
          cdk: 'set deadLetterQueue on the queue (QueueWorker does)',
          cloudFormation: 'set RedrivePolicy with deadLetterTargetArn and maxReceiveCount',
          terraform: `set redrive_policy, or add an ${TF_REDRIVE}`,
        })}`,
    );
  }
  const retention = (q: GraphResource) => q.properties.MessageRetentionPeriod ?? q.properties.message_retention_seconds;
  const [own, kept] = [retention(queue), retention(deadLetter)];
  if (isUnresolved(own) || isUnresolved(kept)) {
    return undecided(
      queue,
      `the retention of ${queue.address} (${shown(own)}) or of its dead-letter queue ${deadLetter.address} ` +
        `(${shown(kept)}) is not known to the template; give literal seconds`,
    );
  }
  const ownSeconds = num(own) ?? SQS_DEFAULT_RETENTION_SECONDS;
  const keptSeconds = num(kept) ?? SQS_DEFAULT_RETENTION_SECONDS;
  if (keptSeconds <= ownSeconds) {
    return outcome(
      queue,
      `${queue.address}'s dead-letter queue ${deadLetter.address} keeps messages ${keptSeconds} s, not longer than ` +
        `the queue's ${ownSeconds} s: a dead letter's age counts from its first enqueue, so it can expire as it ` +
        "arrives; keep dead letters longer (14 days, SQS's longest)",
    );
  }
  if (graph.referrersOf(deadLetter, ...ALARM_TYPES).length === 0) {
    return outcome(
      queue,
      `${queue.address}'s dead-letter queue ${deadLetter.address} has no alarm: failed messages pile up unseen ` +
        'until they expire; alarm on its ApproximateNumberOfMessagesVisible',
    );
  }
  return outcome(queue, undefined);
}

/** Whether the mapping reports partial batch failures, when its batches hold more than one message. */
function judgeMapping(mapping: GraphResource): Evaluation {
  const p = mapping.properties;
  const batch = num(p.BatchSize ?? p.batch_size) ?? DEFAULT_BATCH_SIZE;
  const types = strings(p.FunctionResponseTypes ?? p.function_response_types);
  return outcome(
    mapping,
    batch <= 1 || types.includes('ReportBatchItemFailures')
      ? undefined
      : `${mapping.address} drains batches of ${batch} without partial batch responses: one failed message returns ` +
          `the whole batch, and good messages are processed again and dead-lettered with it; ${inWords(mapping, {
            cdk: 'set reportBatchItemFailures on the SqsEventSource and return batchItemFailures',
            cloudFormation: "set FunctionResponseTypes: ['ReportBatchItemFailures'] and return batchItemFailures",
            terraform: 'set function_response_types = ["ReportBatchItemFailures"] and return batchItemFailures',
          })}`,
  );
}

/** The queue a redrive policy of `queue` names (inline, or Terraform's separate redrive-policy resource). */
function deadLetterOf(graph: ResourceGraph, queue: GraphResource): GraphResource | undefined {
  const named = (policy: unknown, candidates: GraphResource[]) => {
    const text = JSON.stringify(policy ?? '');
    return candidates.find(
      (c) => c.key !== queue.key && (text.includes(`"${c.address}"`) || text.includes(`${c.address}.`)),
    );
  };
  const inline = queue.properties.RedrivePolicy ?? queue.properties.redrive_policy;
  if (inline !== undefined) {
    return named(inline, graph.referencedBy(queue, ...QUEUE_TYPES));
  }
  for (const policy of graph.referrersOf(queue, TF_REDRIVE)) {
    const found = named(policy.properties.redrive_policy, graph.referencedBy(policy, ...QUEUE_TYPES));
    if (found) {
      return found;
    }
  }
  return undefined;
}
