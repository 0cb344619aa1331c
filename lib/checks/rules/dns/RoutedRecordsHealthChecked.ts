import { dnsRecords } from '../../dns';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

/** HA-DNS1: records that route between endpoints know which endpoints are healthy. */
export const RoutedRecordsHealthChecked: HaRule = {
  id: 'HA-DNS1',
  level: 'error',
  category: 'availability',
  info: 'Failover (primary), weighted, latency, geolocation and multivalue records name a health check or are aliases that evaluate target health; Google routing policies use health-checked targets.',
  explanation:
    'Routing without health only spreads traffic; it never takes a failed region out of the answer, so the region RTO is unbounded.',
  resourceTypes: [
    'AWS::Route53::RecordSet',
    'AWS::Route53::RecordSetGroup',
    'aws_route53_record',
    'google_dns_record_set',
  ],
  evaluate(context: RuleContext): Evaluation[] {
    const byResource = new Map<string, { resource: Parameters<typeof outcome>[0]; bad: string[]; routed: boolean }>();
    for (const record of dnsRecords(context.graph)) {
      if (!record.routing) {
        continue;
      }
      const entry = byResource.get(record.resource.key) ?? { resource: record.resource, bad: [], routed: false };
      entry.routed = true;
      const exempt = record.failoverRole === 'SECONDARY';
      if (!exempt && !record.hasHealthCheck && !(record.alias && record.evaluateTargetHealth)) {
        entry.bad.push(record.name);
      }
      byResource.set(record.resource.key, entry);
    }
    return [...byResource.values()].map(({ resource, bad }) =>
      outcome(
        resource,
        bad.length === 0
          ? undefined
          : `${resource.address} routes ${bad.join(', ')} without a health check: add a health check (or evaluate target health on the alias) so a failed endpoint leaves the answer`,
      ),
    );
  },
};
