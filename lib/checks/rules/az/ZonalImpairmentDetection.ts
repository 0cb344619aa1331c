import { DrStrategy } from '../../../core';
import { str } from '../../graph/values';
import { ZONAL_LOAD_BALANCER_TYPES, zonalDetection } from '../../graph/zonal-impairment';
import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { isServingStack } from '../serving';
import { tierOfRecord } from '../support';

/**
 * HA-AZ4: a serving stack of a statically stable tier detects an AZ impaired on its own behind each
 * of its load balancers, and that detection starts a zonal shift.
 */
export const ZonalImpairmentDetection: HaRule = {
  id: 'HA-AZ4',
  level: 'error',
  category: 'availability',
  needsTier: true,
  info:
    'For tiers that require static stability (TIER_0, TIER_1), every load balancer (Application or Network) of a ' +
    'stack that serves has per-AZ alarms on its per-AZ metrics feeding a composite alarm per AZ (isolated-impact ' +
    'detection), and that alarm starts an ARC zonal shift of the load balancer (an EventBridge rule on the ' +
    "alarm's ALARM state running an Automation runbook that calls StartZonalShift). Read from CloudFormation " +
    'templates and Terraform JSON alike (Terraform: aws_cloudwatch_metric_alarm, aws_cloudwatch_composite_alarm, ' +
    'aws_cloudwatch_event_rule with its aws_cloudwatch_event_target, aws_ssm_document).',
  explanation:
    'Most zone incidents are gray: the targets of one AZ pass their health checks while its requests fail or slow ' +
    'down, so the target health check that handles an AZ lost outright never removes it, and the load ' +
    "balancer's node there stays in DNS. The report's AZ RTO for such a failure is detection (the per-AZ " +
    "alarms' periods × datapoints) + the zonal shift + the load balancer's 60 s DNS TTL; without detection, or " +
    'without the shift it starts, a person has to notice and act, and the figure is unknown.',
  resourceTypes: ZONAL_LOAD_BALANCER_TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return context.services.serviceStacks.filter(isServingStack).flatMap((stack) => {
      const tier = tierOfRecord(stack.record);
      if (!tier.staticallyStable) {
        return [];
      }
      const balancers = stack.resources.filter(
        (r) =>
          ZONAL_LOAD_BALANCER_TYPES.includes(r.type) &&
          str(r.properties.Type ?? r.properties.load_balancer_type) !== 'gateway' &&
          (tier.strategy === DrStrategy.ACTIVE_ACTIVE || r.ha?.role !== 'standby'),
      );
      if (balancers.length === 0) {
        return [];
      }
      const undetected = balancers.filter((lb) => zonalDetection(graph, lb) === undefined);
      const unshifted = balancers.filter((lb) => {
        const detection = zonalDetection(graph, lb);
        return detection !== undefined && detection.shiftRunbook === undefined;
      });
      const problems: string[] = [];
      for (const lb of balancers) {
        const missed = zonalDetection(graph, lb)?.uncoveredZones ?? [];
        if (missed.length > 0) {
          problems.push(
            `${lb.address} serves from ${missed.join(', ')} too, where no per-AZ alarm watches it: add the ` +
              "AZ's alarms and composite",
          );
        }
      }
      if (undetected.length > 0) {
        problems.push(
          `${undetected.map((r) => r.address).join(', ')} ha${undetected.length === 1 ? 's' : 've'} no per-AZ ` +
            'alarm on its per-AZ metrics, so an AZ that fails while its targets pass health checks is never taken ' +
            'out: add per-AZ availability and outlier alarms and a composite per AZ (ResilientFleet zonalDetection)',
        );
      }
      if (unshifted.length > 0) {
        problems.push(
          `the per-AZ alarms of ${unshifted.map((r) => r.address).join(', ')} start no zonal shift: run an ` +
            'Automation runbook that calls ARC StartZonalShift from an EventBridge rule on their ALARM state ' +
            '(ResilientFleet automaticZonalShift)',
        );
      }
      return [
        serviceOutcome(
          stack.stack,
          stack.service,
          problems.length === 0
            ? undefined
            : `service ${stack.service} in ${stack.stack} (${tier.name}): ${problems.join('; ')}`,
        ),
      ];
    });
  },
};
