import { dnsFailoverSeconds, ROUTE53_ALIAS_ELB_TTL_SECONDS } from '../../../core';
import { dnsRecords, healthCheckSettings } from '../../dns';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

const TYPES = ['AWS::Route53::HealthCheck', 'aws_route53_health_check'];

/** HA-DNS3: DNS failover through a health check completes within the tier's region RTO. */
export const HealthCheckWithinRto: HaRule = {
  id: 'HA-DNS3',
  level: 'warning',
  category: 'availability',
  needsTier: true,
  info: "Route 53 health checks detect failure fast enough that interval × threshold + request timeout + TTL of the records using them fits the tier's region RTO.",
  explanation:
    'The DNS share of a region failover is fixed by the health check and the TTL; if it alone exceeds the region RTO, no amount of standby capacity meets the objective.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    const records = dnsRecords(context.graph);
    return context.graph.ofType(...TYPES).flatMap((check) => {
      const tier = tierOf(context, check);
      const settings = healthCheckSettings(check);
      if (!tier || !settings) {
        return [];
      }
      const users = records.filter((r) => r.healthChecks.some((h) => h.key === check.key));
      const ttl = Math.max(
        ...users.map((r) => (r.alias ? ROUTE53_ALIAS_ELB_TTL_SECONDS : (r.ttl ?? tier.dnsTtlSeconds))),
        users.length === 0 ? tier.dnsTtlSeconds : 0,
      );
      let seconds: number;
      try {
        seconds = dnsFailoverSeconds({
          intervalSeconds: settings.intervalSeconds,
          failureThreshold: settings.failureThreshold,
          ttlSeconds: ttl,
        });
      } catch (e) {
        return [outcome(check, `${check.address} has invalid settings: ${(e as Error).message}`)];
      }
      return [
        outcome(
          check,
          seconds <= tier.regionRtoSeconds
            ? undefined
            : `${check.address} moves traffic after up to ${seconds} s (interval ${settings.intervalSeconds} × threshold ${settings.failureThreshold} + request timeout + TTL ${ttl}), more than ${tier.name}'s region RTO of ${tier.regionRtoSeconds} s: use a ${tier.healthCheckIntervalSeconds} s interval and a threshold of ${tier.healthCheckFailureThreshold}`,
        ),
      ];
    });
  },
};
