import { ROUTE53_FAILURE_THRESHOLD_DEFAULT } from '../core';
import { GCE_HEALTH_CHECK_DEFAULTS, ROUTE53_REQUEST_INTERVAL_DEFAULT_SECONDS } from '../core/figures-checks';
import { ResourceGraph } from './graph/graph';
import { GraphResource } from './graph/model';
import { block, blocks, bool, isSet, JsonObject, num, str } from './graph/values';

/** One DNS record of either engine, as the DNS rules and the report read it. */
export interface DnsRecord {
  /** The resource that declares it (a record set group declares several). */
  readonly resource: GraphResource;
  readonly name: string;
  /** `failover`, `weighted`, `latency`, `geolocation`, `geoproximity`, `multivalue`, `cidr`, `google`; undefined for simple records. */
  readonly routing?: string;
  /** `PRIMARY` or `SECONDARY` for failover records. */
  readonly failoverRole?: string;
  readonly alias: boolean;
  /** Whether an alias record evaluates its target's health. */
  readonly evaluateTargetHealth: boolean;
  /** Whether it names a health check (resource or literal id). */
  readonly hasHealthCheck: boolean;
  /** The health-check resources it names. */
  readonly healthChecks: readonly GraphResource[];
  /** TTL of a non-alias record. */
  readonly ttl?: number;
}

const CFN_ROUTING: Record<string, string> = {
  Failover: 'failover',
  Weight: 'weighted',
  Region: 'latency',
  GeoLocation: 'geolocation',
  GeoProximityLocation: 'geoproximity',
  MultiValueAnswer: 'multivalue',
  CidrRoutingConfig: 'cidr',
};
const TF_ROUTING: Record<string, string> = {
  failover_routing_policy: 'failover',
  weighted_routing_policy: 'weighted',
  latency_routing_policy: 'latency',
  geolocation_routing_policy: 'geolocation',
  geoproximity_routing_policy: 'geoproximity',
  multivalue_answer_routing_policy: 'multivalue',
  cidr_routing_policy: 'cidr',
};

/** Every DNS record in the graph. */
export function dnsRecords(graph: ResourceGraph): DnsRecord[] {
  const records: DnsRecord[] = [];
  for (const r of graph.ofType('AWS::Route53::RecordSet')) {
    records.push(cfnRecord(graph, r, r.properties));
  }
  for (const r of graph.ofType('AWS::Route53::RecordSetGroup')) {
    for (const set of blocks(r.properties.RecordSets)) {
      records.push(cfnRecord(graph, r, set));
    }
  }
  for (const r of graph.ofType('aws_route53_record')) {
    const p = r.properties;
    const routing = Object.keys(TF_ROUTING).find((k) => isSet(p[k]));
    const alias = block(p.alias);
    records.push({
      resource: r,
      name: str(p.name) ?? r.address,
      routing: routing ? TF_ROUTING[routing] : undefined,
      failoverRole: str(block(p.failover_routing_policy)?.type),
      alias: alias !== undefined,
      evaluateTargetHealth: bool(alias?.evaluate_target_health) === true,
      hasHealthCheck: isSet(p.health_check_id),
      healthChecks: graph.referencedBy(r, 'aws_route53_health_check'),
      ttl: num(p.ttl),
    });
  }
  for (const r of graph.ofType('google_dns_record_set')) {
    const p = r.properties;
    const policy = block(p.routing_policy);
    const text = JSON.stringify(policy ?? {});
    records.push({
      resource: r,
      name: str(p.name) ?? r.address,
      routing: policy ? 'google' : undefined,
      alias: false,
      evaluateTargetHealth: false,
      hasHealthCheck: text.includes('health_checked_targets') || isSet(policy?.health_check),
      // A public zone's policy names the global health check that probes its targets.
      healthChecks: graph.referencedBy(r, 'google_compute_health_check'),
      ttl: num(p.ttl),
    });
  }
  return records;
}

function cfnRecord(graph: ResourceGraph, resource: GraphResource, set: JsonObject): DnsRecord {
  const routing = Object.keys(CFN_ROUTING).find((k) => isSet(set[k]));
  const alias = block(set.AliasTarget);
  const healthCheckRef = block(set.HealthCheckId);
  const referenced = graph.referencedBy(resource, 'AWS::Route53::HealthCheck');
  const named =
    typeof healthCheckRef?.Ref === 'string' ? referenced.filter((h) => h.address === healthCheckRef.Ref) : referenced;
  return {
    resource,
    name: str(set.Name) ?? resource.address,
    routing: routing ? CFN_ROUTING[routing] : undefined,
    failoverRole: str(set.Failover),
    alias: alias !== undefined,
    evaluateTargetHealth: bool(alias?.EvaluateTargetHealth) === true,
    hasHealthCheck: isSet(set.HealthCheckId),
    healthChecks: isSet(set.HealthCheckId) ? named : [],
    ttl: num(set.TTL),
  };
}

/**
 * Interval and failure threshold of a Route 53 health check, with the API defaults; undefined for
 * calculated checks and for Google Cloud health checks.
 */
export function healthCheckSettings(
  check: GraphResource,
): { intervalSeconds: number; failureThreshold: number } | undefined {
  if (check.type === 'google_compute_health_check') {
    // Google's settings read differently: googleHealthCheckSeconds.
    return undefined;
  }
  const p = check.properties;
  const config = block(p.HealthCheckConfig) ?? p;
  const type = str(config.Type ?? config.type);
  if (type === 'CALCULATED' || type === 'CLOUDWATCH_METRIC' || type === 'RECOVERY_CONTROL') {
    return undefined;
  }
  return {
    intervalSeconds: num(config.RequestInterval ?? config.request_interval) ?? ROUTE53_REQUEST_INTERVAL_DEFAULT_SECONDS,
    failureThreshold: num(config.FailureThreshold ?? config.failure_threshold) ?? ROUTE53_FAILURE_THRESHOLD_DEFAULT,
  };
}

/**
 * Worst-case seconds until a Google Cloud health check marks a failed backend unhealthy:
 * interval × unhealthy threshold + timeout (the backend fails just after a passing probe; `threshold`
 * consecutive probes must then fail, the last only when it times out). Settings the check leaves out,
 * or no check at all (health-checked DNS targets with default settings), take the published defaults.
 * @see https://cloud.google.com/load-balancing/docs/health-check-concepts#default_health_check_settings
 */
export function googleHealthCheckSeconds(check?: GraphResource): number {
  const p = check?.properties ?? {};
  const interval = num(p.check_interval_sec) ?? GCE_HEALTH_CHECK_DEFAULTS.intervalSeconds;
  const threshold = num(p.unhealthy_threshold) ?? GCE_HEALTH_CHECK_DEFAULTS.unhealthyThreshold;
  const timeout = num(p.timeout_sec) ?? GCE_HEALTH_CHECK_DEFAULTS.timeoutSeconds;
  return interval * threshold + timeout;
}
