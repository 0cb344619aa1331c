import { block, isUnresolved, num, shown } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';

const TYPES = [
  'AWS::AutoScaling::AutoScalingGroup',
  'aws_autoscaling_group',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'aws_appautoscaling_target',
  'google_compute_region_autoscaler',
  'google_compute_autoscaler',
];

/** HA-SCL1: every scaling configuration has a literal maximum at or above its minimum. */
export const ScalingMaximum: HaRule = {
  id: 'HA-SCL1',
  level: 'error',
  category: 'availability',
  info: 'Auto Scaling groups, scalable targets and autoscalers state a literal maximum that is at least the minimum.',
  explanation:
    'A maximum bounds cost and the blast radius of a retry storm or a scaling bug; a maximum below the minimum (or unknown) makes the capacity after an AZ loss impossible to reason about.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).map((target) => {
      const p = target.properties;
      const policy = block(p.autoscaling_policy);
      const declared = p.MaxSize ?? p.MaxCapacity ?? p.max_size ?? p.max_capacity ?? policy?.max_replicas;
      const max = num(declared);
      if (max === undefined && isUnresolved(declared)) {
        return undecided(
          target,
          `its maximum is ${shown(declared)}, which the template does not resolve: give its value (--parameters) to check it`,
        );
      }
      const min = num(p.MinSize ?? p.MinCapacity ?? p.min_size ?? p.min_capacity ?? policy?.min_replicas) ?? 0;
      if (max === undefined) {
        return outcome(
          target,
          `${target.address} has no literal maximum: set one (MaxSize, MaxCapacity, max_size, max_capacity or max_replicas)`,
        );
      }
      return outcome(
        target,
        max >= min
          ? undefined
          : `${target.address} has a maximum of ${max} below its minimum of ${min}: raise the maximum`,
      );
    });
  },
};
