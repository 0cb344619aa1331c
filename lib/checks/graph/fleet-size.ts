import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { num } from './values';

const SCALABLE_TARGET_TYPES = ['AWS::ApplicationAutoScaling::ScalableTarget', 'aws_appautoscaling_target'];

/**
 * The fewest instances or tasks a fleet runs, or undefined when the template does not say: an Auto
 * Scaling group's minimum; an ECS service's scalable-target minimum, else its desired count (left
 * out: 1 in CloudFormation, 0 in Terraform); a managed instance group's target size.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-service.html#cfn-ecs-service-desiredcount
 */
export function minimumCount(graph: ResourceGraph, fleet: GraphResource): number | undefined {
  const p = fleet.properties;
  switch (fleet.type) {
    case 'AWS::AutoScaling::AutoScalingGroup':
    case 'aws_autoscaling_group':
      return num(p.MinSize ?? p.min_size);
    case 'AWS::ECS::Service':
    case 'aws_ecs_service': {
      const target = graph.referrersOf(fleet, ...SCALABLE_TARGET_TYPES)[0];
      if (target) {
        return num(target.properties.MinCapacity ?? target.properties.min_capacity);
      }
      const desired = p.DesiredCount ?? p.desired_count;
      return desired === undefined ? (fleet.engine === 'cloudformation' ? 1 : 0) : num(desired);
    }
    case 'google_compute_region_instance_group_manager':
    case 'google_compute_instance_group_manager':
      return num(p.target_size);
    default:
      return undefined;
  }
}
