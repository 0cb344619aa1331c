import { targetFailoverSeconds } from '../../../core';
import { targetHealthSettings } from '../../graph/target-health';
import { GOOGLE_SERVERLESS_NEG_TYPES } from '../../graph/google-backends';
import { GraphResource } from '../../graph/model';
import { blocks, list, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

const ELB_TYPES = ['AWS::ElasticLoadBalancingV2::TargetGroup', 'aws_lb_target_group', 'aws_alb_target_group'];
const GOOGLE_TYPES = ['google_compute_backend_service', 'google_compute_region_backend_service'];

/** Whether every backend of a Google backend service is a serverless NEG. */
function servesServerlessOnly(context: RuleContext, service: GraphResource): boolean {
  const backends = blocks(service.properties.backend).length;
  const negs = context.graph
    .referencedBy(service, ...GOOGLE_SERVERLESS_NEG_TYPES)
    .filter((neg) => neg.properties.network_endpoint_type === 'SERVERLESS');
  return backends > 0 && negs.length === backends;
}

/** HA-LB1: load-balancer targets are health checked, fast enough for the tier's AZ RTO. */
export const TargetHealthChecks: HaRule = {
  id: 'HA-LB1',
  level: 'error',
  category: 'availability',
  info: "Target groups keep health checks on, and interval × unhealthy threshold + timeout fits the tier's AZ RTO; Google backend services name a health check (unless all their backends are serverless NEGs, which take none).",
  explanation:
    'Without a health check the balancer keeps sending requests to targets in a failed zone; with a slow one, detection alone exceeds the AZ RTO.',
  resourceTypes: [...ELB_TYPES, ...GOOGLE_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const elb = context.graph.ofType(...ELB_TYPES).flatMap((group) => {
      const type = str(group.properties.TargetType ?? group.properties.target_type);
      if (type === 'lambda') {
        return [];
      }
      const settings = targetHealthSettings(group);
      if (!settings) {
        return [
          outcome(
            group,
            `${group.address} sets its health check with values unknown at synthesis: use literals so the failover time can be checked`,
          ),
        ];
      }
      if (!settings.enabled) {
        return [
          outcome(
            group,
            `${group.address} disables health checks: enable them so that targets in a failed zone stop receiving requests`,
          ),
        ];
      }
      const tier = tierOf(context, group);
      if (!tier) {
        return [outcome(group, undefined)];
      }
      let seconds: number;
      try {
        seconds = targetFailoverSeconds(settings);
      } catch (e) {
        return [outcome(group, `${group.address} has an invalid health check: ${(e as Error).message}`)];
      }
      return [
        outcome(
          group,
          seconds <= tier.azRtoSeconds
            ? undefined
            : `${group.address} detects a failed target after up to ${seconds} s (interval ${settings.intervalSeconds} × threshold ${settings.unhealthyThresholdCount} + timeout ${settings.timeoutSeconds}), more than ${tier.name}'s AZ RTO of ${tier.azRtoSeconds} s: shorten the interval or the threshold`,
        ),
      ];
    });
    const google = context.graph
      .ofType(...GOOGLE_TYPES)
      // Serverless NEGs take no health check (Cloud Run's service health stands in): HA-DR8 and HA-CAP3 judge them.
      .filter((service) => !servesServerlessOnly(context, service))
      .map((service) =>
        outcome(
          service,
          list(service.properties.health_checks).length > 0
            ? undefined
            : `${service.address} has no health check: add health_checks so that backends in a failed zone stop receiving requests`,
        ),
      );
    return [...elb, ...google];
  },
};
