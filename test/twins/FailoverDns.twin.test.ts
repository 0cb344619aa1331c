import { Duration } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { IConstruct } from 'constructs';
import * as fc from 'fast-check';
import { FailoverDns } from '../../lib/aws/dns';
import { DnsRouting, ROUTE53_HEALTH_CHECKER_REGIONS, ServiceTier } from '../../lib/core';
import { FailoverDns as TfFailoverDns } from '../../lib/tf/aws/dns';
import { cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * FailoverDns on CloudFormation and on Terraform, from one intent: the same routing policy and,
 * per record, type, set identifier, failover role, weight, latency region, TTL and target-health
 * evaluation; the same health check per endpoint (type, port, path, SNI, interval, failure
 * threshold, latency measurement, checker regions); the same alarm on each; the same failover
 * time; the same warnings (the failover time past the region RTO among them, which the engines once
 * judged under different conditions). All come from core's planDnsFailover.
 */

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];
const ZONE_ID = 'Z35SXDOTRQ7X7K';

const intent = fc
  .constantFrom(...ServiceTier.BUILT_IN)
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      regions: fc.shuffledSubarray(REGIONS, {
        minLength: tier.allRegionsServe ? tier.minRegions : tier.isMultiRegion ? 2 : 1,
        maxLength: tier.allRegionsServe ? REGIONS.length : 2,
      }),
      alias: fc.boolean(),
      // Active/active: latency (default) or weighted; the others: their default.
      weighted: fc.boolean(),
      weights: fc.array(fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }), {
        minLength: REGIONS.length,
        maxLength: REGIONS.length,
      }),
      swapRoles: fc.boolean(),
      healthCheckPath: fc.option(fc.constantFrom('/ready', '/health/deep', '/status?full=1'), { nil: undefined }),
      healthCheckPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      checkerRegions: fc.option(fc.shuffledSubarray([...ROUTE53_HEALTH_CHECKER_REGIONS], { minLength: 3 }), {
        nil: undefined,
      }),
      measureLatency: fc.option(fc.boolean(), { nil: undefined }),
      ttlSeconds: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    }),
  )
  .map((p) => ({
    ...p,
    routing: p.tier.allRegionsServe && p.weighted ? DnsRouting.WEIGHTED : undefined,
    endpoints: p.regions.map((region, i) => ({
      region,
      dnsName: `api-${i}.${region}.elb.amazonaws.com`,
      domainName: `api.${region}.example.net`,
      weight: p.tier.allRegionsServe && p.weighted ? p.weights[i] : undefined,
      role:
        p.swapRoles && p.regions.length === 2 ? (i === 0 ? ('secondary' as const) : ('primary' as const)) : undefined,
    })),
  }));
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of one FailoverDns, read from either output. */
interface DnsValues {
  readonly routing: string;
  readonly failoverSeconds: number;
  /** Per region: type, set identifier, failover role, weight, latency region, TTL, target-health evaluation. */
  readonly records: Record<string, readonly unknown[]>;
  /** Per region: type, fqdn, port, path, SNI, interval, threshold, latency measured, checker regions. */
  readonly healthChecks: Record<string, readonly unknown[]>;
  readonly alarms: readonly unknown[][];
  /** `<id> <message>` of every warning the construct emitted, sorted. */
  readonly warnings: readonly string[];
}

/** Warnings on a construct and its children, as `<id> <message>`: CDK's `addWarningV2` and cdktf's `warn`. */
function warningsOf(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .map((m) => String(m.data))
    .flatMap((data) => {
      const cdk = /^(.*) \[ack: (ha-constructs:[\w.]+)\]$/s.exec(data);
      const tf = /^\[(ha-constructs:[\w.]+)\] (.*)$/s.exec(data);
      return cdk ? [`${cdk[2]} ${cdk[1]}`] : tf ? [`${tf[1]} ${tf[2]}`] : [];
    })
    .sort();
}

/** The region a record or health check serves, from the target name the intent gave it. */
function regionIn(name: unknown): string {
  return REGIONS.find((r) => String(name).includes(`.${r}.`))!;
}

function first(block: unknown): Record<string, unknown> | undefined {
  return (Array.isArray(block) ? block[0] : block) as Record<string, unknown> | undefined;
}

function num(value: unknown): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function cdkValues(p: Intent): DnsValues {
  let dns: FailoverDns | undefined;
  const resources = cdkResources((stack) => {
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABC',
      zoneName: 'example.com',
    });
    dns = new FailoverDns(stack, 'Dns', {
      tier: p.tier,
      hostedZone,
      recordName: 'api',
      routing: p.routing,
      healthCheckPath: p.healthCheckPath,
      healthCheckPort: p.healthCheckPort,
      checkerRegions: p.checkerRegions,
      measureLatency: p.measureLatency,
      ttl: p.ttlSeconds === undefined ? undefined : Duration.seconds(p.ttlSeconds),
      endpoints: p.endpoints.map((e, i) => ({
        region: e.region,
        weight: e.weight,
        role: e.role,
        ...(p.alias
          ? {
              loadBalancer: elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, `Lb${i}`, {
                loadBalancerArn: `arn:aws:elasticloadbalancing:${e.region}:111122223333:loadbalancer/app/api/0123456789abcdef`,
                securityGroupId: 'sg-0123456789abcdef0',
                loadBalancerDnsName: e.dnsName,
                loadBalancerCanonicalHostedZoneId: ZONE_ID,
              }),
            }
          : { domainName: e.domainName }),
      })),
    });
  });
  const records: Record<string, unknown[]> = {};
  for (const r of cfnOfType(resources, 'AWS::Route53::RecordSet')) {
    const alias = r.AliasTarget as Record<string, unknown> | undefined;
    const region = regionIn(alias ? alias.DNSName : (r.ResourceRecords as string[])[0]);
    records[`${region} ${String(r.Name).replace(/\.$/, '')}`] = [
      r.Type,
      r.SetIdentifier,
      r.Failover,
      r.Weight,
      r.Region,
      num(r.TTL),
      // CloudFormation reads an omitted EvaluateTargetHealth as false; Terraform requires it written.
      alias ? (alias.EvaluateTargetHealth ?? false) : undefined,
    ];
  }
  const healthChecks: Record<string, unknown[]> = {};
  for (const h of cfnOfType(resources, 'AWS::Route53::HealthCheck')) {
    const c = h.HealthCheckConfig as Record<string, unknown>;
    healthChecks[regionIn(c.FullyQualifiedDomainName)] = [
      c.Type,
      c.FullyQualifiedDomainName,
      c.Port,
      c.ResourcePath,
      c.EnableSNI,
      c.RequestInterval,
      c.FailureThreshold,
      c.MeasureLatency,
      c.Regions,
    ];
  }
  const alarms = cfnOfType(resources, 'AWS::CloudWatch::Alarm').map((a) => [
    a.Namespace,
    a.MetricName,
    a.Statistic,
    a.Period,
    a.EvaluationPeriods,
    a.Threshold,
    a.ComparisonOperator,
    a.TreatMissingData,
    (a.AlarmActions as unknown[]).length,
    (a.OKActions as unknown[]).length,
  ]);
  return {
    routing: dns!.routing.name,
    failoverSeconds: dns!.failoverSeconds,
    records,
    healthChecks,
    alarms,
    warnings: warningsOf(dns!),
  };
}

function tfValues(p: Intent): DnsValues {
  let dns: TfFailoverDns | undefined;
  const json = tfJson((stack) => {
    dns = new TfFailoverDns(stack, 'Dns', {
      tier: p.tier,
      hostedZoneId: 'Z0123456789ABC',
      recordName: 'api.example.com',
      routing: p.routing,
      healthCheckPath: p.healthCheckPath,
      healthCheckPort: p.healthCheckPort,
      checkerRegions: p.checkerRegions,
      measureLatency: p.measureLatency,
      ttlSeconds: p.ttlSeconds,
      endpoints: p.endpoints.map((e) => ({
        region: e.region,
        weight: e.weight,
        role: e.role,
        ...(p.alias ? { loadBalancer: { dnsName: e.dnsName, zoneId: ZONE_ID } } : { domainName: e.domainName }),
      })),
    });
  });
  const records: Record<string, unknown[]> = {};
  for (const r of tfOfType(json, 'aws_route53_record')) {
    const alias = first(r.alias);
    const region = regionIn(alias ? alias.name : (r.records as string[])[0]);
    records[`${region} ${String(r.name).replace(/\.$/, '')}`] = [
      r.type,
      r.set_identifier,
      first(r.failover_routing_policy)?.type,
      first(r.weighted_routing_policy)?.weight,
      first(r.latency_routing_policy)?.region,
      num(r.ttl),
      alias?.evaluate_target_health,
    ];
  }
  const healthChecks: Record<string, unknown[]> = {};
  for (const h of tfOfType(json, 'aws_route53_health_check')) {
    healthChecks[regionIn(h.fqdn)] = [
      h.type,
      h.fqdn,
      h.port,
      h.resource_path,
      h.enable_sni,
      h.request_interval,
      h.failure_threshold,
      h.measure_latency,
      h.regions,
    ];
  }
  const alarms = tfOfType(json, 'aws_cloudwatch_metric_alarm').map((a) => [
    a.namespace,
    a.metric_name,
    a.statistic,
    a.period,
    a.evaluation_periods,
    a.threshold,
    a.comparison_operator,
    a.treat_missing_data,
    (a.alarm_actions as unknown[]).length,
    (a.ok_actions as unknown[]).length,
  ]);
  return {
    routing: dns!.routing,
    failoverSeconds: dns!.failoverSeconds,
    records,
    healthChecks,
    alarms,
    // The prop is a Duration `ttl` on CDK and `ttlSeconds` on Terraform: the warnings name each engine's prop.
    warnings: warningsOf(dns!).map((w) => w.replace(/\bttlSeconds\b/g, 'ttl')),
  };
}

describe('FailoverDns twins', () => {
  const drawn = intents(intent);

  test('the sample covers every routing, alias and CNAME records, and given and default settings', () => {
    const routings = new Set(
      drawn.map(
        (p) => p.routing?.name ?? (p.tier.allRegionsServe ? 'LATENCY' : p.regions.length === 1 ? 'SIMPLE' : 'FAILOVER'),
      ),
    );
    expect([...routings].sort()).toEqual(['FAILOVER', 'LATENCY', 'SIMPLE', 'WEIGHTED']);
    expect(new Set(drawn.map((p) => p.alias)).size).toBe(2);
    expect(drawn.some((p) => p.ttlSeconds !== undefined && !p.alias)).toBe(true);
    expect(drawn.some((p) => p.swapRoles && p.regions.length === 2 && !p.tier.allRegionsServe)).toBe(true);
    // Failover past the region RTO (TIER_0: 10 s × 3 + 6 s + a TTL over 84 s), and within it.
    const slow = drawn.filter((p) => p.tier === ServiceTier.TIER_0 && !p.alias && (p.ttlSeconds ?? 0) > 84);
    expect(slow.length).toBeGreaterThan(0);
  });

  test.each(drawn.map((p, i) => [i, p] as const))('intent %d: both engines render the same plan', (_i, p) => {
    const cdk = cdkValues(p);
    const tf = tfValues(p);
    expect(tf).toEqual(cdk);
    // A routed record per region, and for load balancers a plain one per region (api-<region>) that its probe reads.
    const routed = Object.keys(cdk.records)
      .filter((k) => k.endsWith(' api.example.com'))
      .map((k) => k.split(' ')[0]);
    expect(routed.sort()).toEqual([...p.regions].sort());
    const regional = Object.keys(cdk.records).filter((k) => !k.endsWith(' api.example.com'));
    const routingOf =
      p.routing?.name ?? (p.tier.allRegionsServe ? 'LATENCY' : p.regions.length === 1 ? 'SIMPLE' : 'FAILOVER');
    expect(regional.sort()).toEqual(
      p.alias && routingOf !== 'SIMPLE' ? p.regions.map((r) => `${r} api-${r}.example.com`).sort() : [],
    );
    expect(cdk.alarms).toHaveLength(p.regions.length);
    const late = cdk.failoverSeconds > p.tier.regionRtoSeconds && routingOf !== 'SIMPLE';
    expect(cdk.warnings.some((w) => w.startsWith('ha-constructs:FailoverDns.failoverSeconds '))).toBe(late);
  });
});
