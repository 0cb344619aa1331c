import { ROUTE53_FAILOVER_TTL_MAX_SECONDS } from '../../../core';
import { dnsRecords } from '../../dns';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

/** HA-DNS2: routed records are cached no longer than the tier allows. */
export const DnsTtlWithinTier: HaRule = {
  id: 'HA-DNS2',
  level: 'error',
  category: 'availability',
  needsTier: true,
  info: 'Non-alias routed records have a TTL of at most tier.dnsTtlSeconds, and failover records at most 60 s.',
  explanation:
    'Resolvers keep answering with the failed endpoint for the whole TTL after failover: the TTL is added to every region RTO.',
  resourceTypes: [
    'AWS::Route53::RecordSet',
    'AWS::Route53::RecordSetGroup',
    'aws_route53_record',
    'google_dns_record_set',
  ],
  evaluate(context: RuleContext): Evaluation[] {
    return dnsRecords(context.graph).flatMap((record) => {
      if (!record.routing || record.alias || record.ttl === undefined) {
        return [];
      }
      const tier = tierOf(context, record.resource);
      const limits = [
        record.routing === 'failover' ? ROUTE53_FAILOVER_TTL_MAX_SECONDS : Infinity,
        tier?.dnsTtlSeconds ?? Infinity,
      ];
      const limit = Math.min(...limits);
      if (limit === Infinity) {
        return [];
      }
      return [
        outcome(
          record.resource,
          record.ttl <= limit
            ? undefined
            : `${record.resource.address} caches ${record.name} for ${record.ttl} s; at most ${limit} s is allowed${tier ? ` for ${tier.name}` : ''}: lower the TTL`,
        ),
      ];
    });
  },
};
