import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { str } from './values';

/*
 * Which ECS services drain which SQS queues, read from their scaling policies: what the queue rules
 * and the report's worker figures both need.
 */

export const POLICY_TYPES = ['AWS::ApplicationAutoScaling::ScalingPolicy', 'aws_appautoscaling_policy'];
export const TARGET_TYPES = ['AWS::ApplicationAutoScaling::ScalableTarget', 'aws_appautoscaling_target'];
export const ECS_SERVICE_TYPES = ['AWS::ECS::Service', 'aws_ecs_service'];
export const QUEUE_TYPES = ['AWS::SQS::Queue', 'aws_sqs_queue'];

/** A target tracking policy of an ECS service that reads SQS queues' visible messages: the service drains them. */
export interface QueueScaledService {
  readonly policy: GraphResource;
  readonly service: GraphResource;
  readonly queues: readonly GraphResource[];
}

/** The ECS services that scale on SQS queues' backlog, by policy. */
export function queueScaledServices(graph: ResourceGraph): QueueScaledService[] {
  return graph.ofType(...POLICY_TYPES).flatMap((policy) => {
    const queues = graph.referencedBy(policy, ...QUEUE_TYPES);
    const service = graph
      .referencedBy(policy, ...TARGET_TYPES)
      .flatMap((target) => graph.referencedBy(target, ...ECS_SERVICE_TYPES))[0];
    return queues.length > 0 && service && readsVisibleMessages(policy) ? [{ policy, service, queues }] : [];
  });
}

/** Whether a target tracking policy reads SQS's visible messages (the backlog). */
function readsVisibleMessages(policy: GraphResource): boolean {
  const type = str(policy.properties.PolicyType ?? policy.properties.policy_type);
  return type === 'TargetTrackingScaling' && JSON.stringify(policy.properties).includes('NumberOfMessagesVisible');
}
