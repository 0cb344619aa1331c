import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { grayAzShortfall, inStacks, stepLines } from '../res/steps';

/**
 * HA-AZ6: a gray failure of one AZ is over within the tier's AZ RTO. Apart from HA-RES1 so that a
 * service can accept this one limit, with its reason, without hiding any other objective it misses.
 */
export const GrayFailureAzRto: HaRule = {
  id: 'HA-AZ6',
  level: 'error',
  category: 'availability',
  needsTier: true,
  info:
    "A gray failure of one AZ (requests fail while the zone's targets pass health checks) is detected, " +
    "shifted away and out of clients' DNS answers within the tier's AZ RTO.",
  explanation:
    'Most zone incidents are gray: target health checks pass, so the fail-stop path never starts. Per-AZ ' +
    "alarms on the load balancer's 1-minute metrics, a zonal shift (no published time) and the 60 s DNS TTL " +
    "take minutes: a statically stable tier's AZ RTO of seconds holds for an AZ lost outright only. The load " +
    "balancer reports a request under its own node's AZ: with cross-zone load balancing, the failures of one AZ's " +
    'targets spread over every node, so per-AZ alarms see a failing node or network path, not failing targets.',
  resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::CloudWatch::Alarm', 'AWS::SSM::Document'],
  evaluate(context: RuleContext): Evaluation[] {
    return context.reports().map((report) => {
      const shortfall = grayAzShortfall(report);
      return serviceOutcome(
        report.stack,
        report.service,
        shortfall === undefined
          ? undefined
          : `service ${report.service} ${inStacks(report)}: a gray failure of one AZ takes at least ` +
              `${shortfall.atLeastSeconds} s against ${report.tier}'s AZ RTO of ${shortfall.objectiveSeconds} s ` +
              `(${stepLines(report, shortfall.steps).join('; ')}). Accept it with its reason, or shorten detection ` +
              '(custom high-resolution per-AZ metrics: the load balancer publishes per minute) and measure the zonal ' +
              'shift in an AZ drill',
      );
    });
  },
};
