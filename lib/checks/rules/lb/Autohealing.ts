import { block, list, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const ASG_TYPES = ['AWS::AutoScaling::AutoScalingGroup', 'aws_autoscaling_group'];
const MIG_TYPES = ['google_compute_region_instance_group_manager', 'google_compute_instance_group_manager'];

/** HA-LB2: instances that fail their load-balancer health check are replaced. */
export const Autohealing: HaRule = {
  id: 'HA-LB2',
  level: 'error',
  category: 'availability',
  info: 'Auto Scaling groups behind a load balancer use ELB health checks; Google managed instance groups have an autohealing policy.',
  explanation:
    'With EC2 status checks only, an instance whose application hangs stays in service forever; ELB health checks (and Google autohealing) replace it, which restores the capacity static stability counts on.',
  resourceTypes: [...ASG_TYPES, ...MIG_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const asgs = context.graph.ofType(...ASG_TYPES).flatMap((asg) => {
      const p = asg.properties;
      const balanced =
        list(p.TargetGroupARNs ?? p.target_group_arns).length > 0 ||
        list(p.LoadBalancerNames ?? p.load_balancers).length > 0 ||
        context.graph.referrersOf(asg, 'aws_autoscaling_attachment').length > 0;
      if (!balanced) {
        return [];
      }
      return [
        outcome(
          asg,
          str(p.HealthCheckType ?? p.health_check_type) === 'ELB'
            ? undefined
            : `${asg.address} sits behind a load balancer but uses EC2 health checks: set the health check type to ELB so instances failing the balancer's check are replaced`,
        ),
      ];
    });
    const migs = context.graph.ofType(...MIG_TYPES).map((mig) => {
      const policy = block(mig.properties.auto_healing_policies);
      return outcome(
        mig,
        policy && policy.health_check
          ? undefined
          : `${mig.address} has no autohealing: add auto_healing_policies with a health_check`,
      );
    });
    return [...asgs, ...migs];
  },
};
