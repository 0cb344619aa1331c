import { ResourceGraph } from '../../graph/graph';
import { GraphResource } from '../../graph/model';
import {
  ECS_SERVICE_TYPES,
  POLICY_TYPES,
  QUEUE_TYPES,
  queueScaledServices,
  TARGET_TYPES,
} from '../../graph/queue-scaling';
import { blocks, isUnresolved, num, shown, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { inWords, tierOf } from '../support';

const CLUSTER_TYPES = ['AWS::ECS::Cluster', 'aws_ecs_cluster'];
/** SQS hides a received message 30 s unless told otherwise. */
const SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
/** Container Insights settings under which ECS publishes `RunningTaskCount`. */
const INSIGHTS_ON = ['enabled', 'enhanced'];

/**
 * HA-QUE2: an ECS service that scales on an SQS queue's backlog per running task can count its tasks,
 * and a message its tasks in a lost AZ were processing reappears within the tier's AZ RTO.
 */
export const QueueBacklogScaling: HaRule = {
  id: 'HA-QUE2',
  level: 'error',
  category: 'availability',
  info:
    "An SQS queue whose visible messages drive an ECS service's target tracking policy: when the policy divides " +
    "them by Container Insights' `RunningTaskCount`, the service's cluster turns Container Insights on " +
    "(`enabled` or `enhanced`); for a service of a tier, the queue's visibility timeout is at most the tier's AZ RTO.",
  explanation:
    'ECS publishes no running-task count without Container Insights, and target tracking does not act on a metric ' +
    'without data: the backlog per task never scales the service, and the queue only grows. When an AZ is lost, ' +
    'the messages its tasks had received stay hidden until their visibility timeout ends; only then can the other ' +
    "AZs' tasks take them, so that timeout is part of the AZ recovery of the queued work.",
  resourceTypes: [...POLICY_TYPES, ...TARGET_TYPES, ...ECS_SERVICE_TYPES, ...CLUSTER_TYPES, ...QUEUE_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    const judged = new Set<string>();
    return queueScaledServices(graph).flatMap(({ policy, service, queues: read }) => {
      const queues = read.filter((queue) => !judged.has(queue.key));
      const results: Evaluation[] = [];
      if (JSON.stringify(policy.properties).includes('RunningTaskCount')) {
        results.push(judgeTaskCount(graph, policy, service));
      }
      const tier = tierOf(context, service);
      if (tier) {
        results.push(
          ...queues.map((queue) => {
            judged.add(queue.key);
            const given = queue.properties.VisibilityTimeout ?? queue.properties.visibility_timeout_seconds;
            if (isUnresolved(given)) {
              return undecided(queue, `the visibility timeout of ${queue.address} (${shown(given)}) is not literal`);
            }
            const seconds = num(given) ?? SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
            return outcome(
              queue,
              seconds <= tier.azRtoSeconds
                ? undefined
                : `${queue.address} hides a received message ${seconds} s, longer than ${tier.name}'s AZ RTO ` +
                    `(${tier.azRtoSeconds} s): the messages ${service.address}'s tasks in a lost AZ were ` +
                    `processing reappear only after it; ${inWords(queue, {
                      cdk: "shorten a batch (batchSize, messagesPerTask) and QueueWorker's visibilityTimeout",
                      cloudFormation: 'shorten the batch a task receives and VisibilityTimeout',
                      terraform: 'shorten the batch a task receives and visibility_timeout_seconds',
                    })}`,
            );
          }),
        );
      }
      return results;
    });
  },
};

/** The service's cluster publishes RunningTaskCount: Container Insights on. */
function judgeTaskCount(graph: ResourceGraph, policy: GraphResource, service: GraphResource): Evaluation {
  const cluster = graph.referencedBy(service, ...CLUSTER_TYPES)[0];
  if (!cluster) {
    return undecided(
      policy,
      `${policy.address} divides by RunningTaskCount, and the cluster of ${service.address} is not in the ` +
        'templates read: whether it publishes Container Insights is unknown',
    );
  }
  const settings = [...blocks(cluster.properties.ClusterSettings), ...blocks(cluster.properties.setting)].filter(
    (s) => str(s.Name ?? s.name) === 'containerInsights',
  );
  const value = settings.map((s) => s.Value ?? s.value)[0];
  if (isUnresolved(value)) {
    return undecided(policy, `the Container Insights setting of ${cluster.address} (${shown(value)}) is not literal`);
  }
  if (value === undefined) {
    return undecided(
      policy,
      `${cluster.address} leaves Container Insights to the account's default setting: whether RunningTaskCount, ` +
        `which ${policy.address} divides by, is published is unknown to the template`,
    );
  }
  return outcome(
    policy,
    INSIGHTS_ON.includes(String(value))
      ? undefined
      : `${policy.address} divides the backlog by RunningTaskCount, which ${cluster.address} does not publish ` +
          `(containerInsights ${shown(value)}): target tracking gets no data and never scales ${service.address} on ` +
          `its queue; ${inWords(cluster, {
            cdk: 'set containerInsightsV2: ContainerInsights.ENABLED on the cluster',
            cloudFormation: 'add ClusterSettings [{ Name: containerInsights, Value: enabled }]',
            terraform: 'add setting { name = "containerInsights", value = "enabled" }',
          })}`,
  );
}
