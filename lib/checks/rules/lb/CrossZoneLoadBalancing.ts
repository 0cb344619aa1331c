import { bool, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { balancersOfTargetGroup, isZonalCell } from '../../graph/balancing';
import { elbAttributes } from '../support';

const LB_TYPES = ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'aws_lb', 'aws_alb'];
const TG_TYPES = ['AWS::ElasticLoadBalancingV2::TargetGroup', 'aws_lb_target_group', 'aws_alb_target_group'];

/** HA-LB3: load balancers spread requests over the targets of every zone. */
export const CrossZoneLoadBalancing: HaRule = {
  id: 'HA-LB3',
  level: 'warning',
  category: 'availability',
  info: 'Network and Gateway Load Balancers enable cross-zone load balancing; target groups do not turn it off. A zonal cell (a one-zone Network Load Balancer that turns it off) is exempt: it has no other zone to balance to.',
  explanation:
    "Without cross-zone balancing each balancer node serves only its own zone's targets: when a zone loses targets, clients routed to that node see errors even though other zones have capacity.",
  resourceTypes: [...LB_TYPES, ...TG_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const lbs = context.graph.ofType(...LB_TYPES).flatMap((lb) => {
      const p = lb.properties;
      const type = str(p.Type ?? p.load_balancer_type) ?? 'application';
      if (type === 'application' || isZonalCell(context.graph, lb)) {
        return [];
      }
      const enabled =
        lb.engine === 'cloudformation'
          ? elbAttributes(p.LoadBalancerAttributes)['load_balancing.cross_zone.enabled'] === 'true'
          : bool(p.enable_cross_zone_load_balancing) === true;
      return [
        outcome(
          lb,
          enabled
            ? undefined
            : `${lb.address} is a ${type} load balancer without cross-zone load balancing: enable it (load_balancing.cross_zone.enabled = true)`,
        ),
      ];
    });
    const groups = context.graph.ofType(...TG_TYPES).flatMap((group) => {
      const value =
        group.engine === 'cloudformation'
          ? elbAttributes(group.properties.TargetGroupAttributes)['load_balancing.cross_zone.enabled']
          : str(group.properties.load_balancing_cross_zone_enabled);
      if (
        value === undefined ||
        balancersOfTargetGroup(context.graph, group).some((lb) => isZonalCell(context.graph, lb))
      ) {
        return [];
      }
      return [
        outcome(
          group,
          value === 'false'
            ? `${group.address} turns cross-zone load balancing off: remove the override so every zone's targets share the load`
            : undefined,
        ),
      ];
    });
    return [...lbs, ...groups];
  },
};
