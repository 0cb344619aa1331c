import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check';
import { Route53Record, Route53RecordConfig } from '@cdktf/provider-aws/lib/route53-record';
import { Construct } from 'constructs';
import { FailureDomain, HaRole } from '../../core';
import { DnsRecordPlan, DnsRouting, DnsRoutingName, planDnsFailover } from '../../core/plans/dns';
import { ROUTE53_METRICS_REGION } from '../../core/route53-checkers';
import { HaProps, RegionalProps } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { AccountContext } from './private/keys';
import { attachHaMetadata } from './private/metadata';
import { regionOf } from './private/regions';
import { skipToken } from './private/tokens';

// The routing policies are core's, shared with the CDK twin.
export { DnsRouting } from '../../core/plans/dns';
export type { DnsRoutingName } from '../../core/plans/dns';

/** A load balancer as an alias record targets it: an `aws_lb` (`Lb`) fits, or its two attributes. */
export interface DnsLoadBalancer {
  /** DNS name of the load balancer (`aws_lb.dns_name`). */
  readonly dnsName: string;
  /** Hosted zone of the load balancer (`aws_lb.zone_id`). */
  readonly zoneId: string;
}

/** One region's entry point behind the service name. */
export interface FailoverDnsEndpoint {
  /** The region the endpoint serves from (`eu-west-1`): the record's set identifier and its latency-routing region. */
  readonly region: string;
  /**
   * Load balancer of the region, the target of an alias A record that also evaluates the
   * balancer's target health: an `aws_lb`, or its `dnsName` and `zoneId`.
   * @default - none: give `domainName`
   */
  readonly loadBalancer?: DnsLoadBalancer;
  /**
   * Domain name of an endpoint that is not a load balancer of this account (a CNAME record, with
   * the TTL of `ttlSeconds`).
   * @default - none: give `loadBalancer`
   */
  readonly domainName?: string;
  /**
   * Role of the endpoint in failover routing.
   * @default - the first endpoint is primary, the second secondary
   */
  readonly role?: 'primary' | 'secondary';
  /**
   * Relative share of traffic in weighted routing (0–255; 0 takes the region out of rotation).
   * @default 100
   */
  readonly weight?: number;
  /**
   * DNS name of the load balancer.
   * @deprecated use `loadBalancer` (`{ dnsName, zoneId }`, or the `aws_lb` itself)
   * @default - none
   */
  readonly dnsName?: string;
  /**
   * Hosted zone of the load balancer.
   * @deprecated use `loadBalancer` (`{ dnsName, zoneId }`, or the `aws_lb` itself)
   * @default - none
   */
  readonly zoneId?: string;
}

/** @deprecated use {@link FailoverDnsEndpoint}, the CDK twin's name */
export type DnsEndpoint = FailoverDnsEndpoint;

/** Props of {@link FailoverDns}. */
export interface FailoverDnsProps extends HaProps, RegionalProps {
  /** Hosted zone the record is created in. */
  readonly hostedZoneId: string;
  /** The name clients resolve (`api.example.com`). */
  readonly recordName: string;
  /** One endpoint per region. */
  readonly endpoints: FailoverDnsEndpoint[];
  /**
   * Path of the deep readiness check the Route 53 health checks request over HTTPS (starting with
   * '/', no whitespace); it must answer 2xx or 3xx within 2 s. Make it check what the region needs
   * to serve (its database, its queue), not just the process: it moves traffic between regions.
   * The fleet's replacement check is the shallow liveness path. Route 53 fails open: when every
   * record of the set is unhealthy, it answers as if all were healthy.
   * @default '/health/ready' (core's READINESS_PATH)
   */
  readonly healthCheckPath?: string;
  /**
   * Port of the HTTPS health checks.
   * @default 443
   */
  readonly healthCheckPort?: number;
  /**
   * Regions the Route 53 health checkers run from (at least three).
   * @default - all the regions Route 53 health checkers run from
   */
  readonly checkerRegions?: string[];
  /**
   * Whether the health checks measure latency from each checker region: a degrading region shows
   * before it fails its checks. Route 53 cannot change it on an existing health check: a change replaces them.
   * @default true
   */
  readonly measureLatency?: boolean;
  /**
   * Routing policy.
   * @default - LATENCY for ACTIVE_ACTIVE; FAILOVER for WARM_STANDBY and PILOT_LIGHT; for
   * BACKUP_RESTORE, SIMPLE with one endpoint and FAILOVER with two
   */
  readonly routing?: DnsRouting;
  /**
   * TTL of non-alias (`domainName`) records, in seconds. Alias records to a load balancer always
   * carry the balancer's 60 s. A TTL above the default lengthens failover and warns.
   * @default - tier.dnsTtlSeconds, at most 60 s for records that take part in failover (all but SIMPLE)
   */
  readonly ttlSeconds?: number;
  /**
   * Provider in us-east-1, where Route 53 publishes health-check metrics, for the health-check alarms.
   * @default - `provider` (which must then be in us-east-1)
   */
  readonly metricsProvider?: AwsProvider;
  /**
   * ARN of the topic (in us-east-1) the health-check alarms notify.
   * @default - a new encrypted topic
   */
  readonly alarmTopicArn?: string;
}

/**
 * One service name across regions in Route 53, with health checks that move clients away from a
 * failed region (Terraform).
 *
 * The plan is core's `planDnsFailover`, as for the CDK twin: latency records (weighted as an
 * option) for ACTIVE_ACTIVE tiers, a PRIMARY/SECONDARY failover pair for WARM_STANDBY and
 * PILOT_LIGHT, one simple record for a one-region BACKUP_RESTORE. Every record has an HTTPS health
 * check with the tier's request interval and failure threshold; alias records also evaluate the
 * load balancer's target health. An alarm per health check (in us-east-1, `metricsProvider`)
 * notifies when an endpoint is unhealthy. `failoverSeconds` is the worst-case time to move
 * clients (core `dnsFailoverSeconds`); a warning says when it exceeds the tier's region RTO.
 *
 * Construct ids (public API): `HealthCheck<n>`, `Record<n>`, `HealthAlarm<n>` (n follows `endpoints`).
 */
export class FailoverDns extends Construct {
  public readonly healthChecks: Route53HealthCheck[];
  public readonly records: Route53Record[];
  /** Worst-case seconds from an endpoint failing to clients resolving to another. */
  public readonly failoverSeconds: number;
  /**
   * Per region with a load balancer, the label of a plain record that always answers with that
   * region (`<recordName>-<region>`): probe it to measure one region. Empty for SIMPLE routing.
   */
  public readonly regionalLabels: Record<string, string>;
  /** The name of the routing policy used (`DnsRouting.name`). */
  public readonly routing: DnsRoutingName;

  constructor(scope: Construct, id: string, props: FailoverDnsProps) {
    super(scope, id);
    const { tier } = props;
    const endpoints = props.endpoints.map((endpoint, i) => ({
      ...endpoint,
      loadBalancer: loadBalancerOf(this, endpoint, i),
    }));
    const metricsProvider = props.metricsProvider ?? props.provider;
    const plan = planDnsFailover(tier, {
      endpoints: endpoints.map((e) => ({
        region: e.region,
        loadBalancer: e.loadBalancer !== undefined,
        domainName: e.domainName !== undefined,
        role: e.role,
        weight: e.weight,
      })),
      routing: props.routing?.name,
      recordName: skipToken(props.recordName),
      healthCheckPath: skipToken(props.healthCheckPath),
      healthCheckPort: skipToken(props.healthCheckPort),
      checkerRegions: props.checkerRegions,
      measureLatency: props.measureLatency,
      ttlSeconds: props.ttlSeconds,
      ttlProp: 'ttlSeconds',
      allowedRegions: props.allowedRegions,
      region: regionOf(this, props.provider),
      regionSource: `provider, and metricsProvider in ${ROUTE53_METRICS_REGION}`,
      alarmsRegion: regionOf(this, metricsProvider),
      alarmsRegionProp: 'metricsProvider',
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'FailoverDns', plan.warnings);
    this.routing = plan.routing;
    this.failoverSeconds = plan.failoverSeconds;
    // A token the plan could not check is rendered as given.
    const path = props.healthCheckPath ?? plan.healthCheck.path;
    const port = props.healthCheckPort ?? plan.healthCheck.port;
    const check = plan.healthCheck;
    const alarm = plan.healthCheckAlarm;

    const context = new AccountContext(this, 'MetricsAccount', metricsProvider);
    const topicArn = alarm
      ? (props.alarmTopicArn ?? newAlarmTopic(this, 'AlarmTopic', `${props.recordName} health alarms`, context).arn)
      : undefined;
    this.healthChecks = [];
    this.records = [];
    endpoints.forEach((endpoint, i) => {
      const n = i + 1;
      const record = plan.records[i];
      const healthCheck = new Route53HealthCheck(this, `HealthCheck${n}`, {
        provider: props.provider,
        type: check.type,
        fqdn: endpoint.loadBalancer?.dnsName ?? endpoint.domainName!,
        port,
        resourcePath: path,
        enableSni: check.enableSni,
        requestInterval: check.requestIntervalSeconds,
        failureThreshold: check.failureThreshold,
        measureLatency: check.measureLatency,
        regions: [...check.regions],
        tags: { Name: `${props.recordName} ${endpoint.region}` },
      });
      this.healthChecks.push(healthCheck);
      this.records.push(
        new Route53Record(this, `Record${n}`, {
          provider: props.provider,
          zoneId: props.hostedZoneId,
          name: props.recordName,
          type: record.type,
          healthCheckId: healthCheck.id,
          ...(endpoint.loadBalancer
            ? {
                alias: {
                  name: endpoint.loadBalancer.dnsName,
                  zoneId: endpoint.loadBalancer.zoneId,
                  evaluateTargetHealth: record.alias,
                },
              }
            : { records: [endpoint.domainName!], ttl: record.ttlSeconds }),
          ...routingOf(record),
        }),
      );
      if (alarm && topicArn) {
        new CloudwatchMetricAlarm(this, `HealthAlarm${n}`, {
          provider: metricsProvider,
          alarmName: `ha-${this.node.addr.slice(0, 20)}-health-${n}`,
          alarmDescription: `The ${endpoint.region} endpoint of ${props.recordName} fails its Route 53 health check: DNS has moved clients away from it`,
          namespace: alarm.namespace,
          metricName: alarm.metricName,
          dimensions: { HealthCheckId: healthCheck.id },
          statistic: alarm.statistic,
          period: alarm.periodSeconds,
          evaluationPeriods: alarm.evaluationPeriods,
          comparisonOperator: alarm.comparisonOperator,
          threshold: alarm.threshold,
          treatMissingData: alarm.treatMissingData,
          alarmActions: [topicArn],
          okActions: [topicArn],
        });
      }
    });

    // A plain name per region, for probes that must measure that region and not follow the routed name.
    plan.regionalLabels.forEach(({ region, label }, i) => {
      const lb = endpoints.find((e) => e.region === region)!.loadBalancer!;
      new Route53Record(this, `RegionalRecord${i + 1}`, {
        provider: props.provider,
        zoneId: props.hostedZoneId,
        name: label,
        type: 'A',
        alias: { name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: false },
      });
    });
    this.regionalLabels = Object.fromEntries(plan.regionalLabels.map(({ region, label }) => [region, label]));

    attachHaMetadata(this, props, {
      component: 'FailoverDns',
      failureDomain: FailureDomain.GLOBAL,
      role: HaRole.GLOBAL,
    });
  }
}

/** The endpoint's load balancer: `loadBalancer`, or the deprecated `dnsName` and `zoneId` (both, then). */
function loadBalancerOf(scope: Construct, endpoint: FailoverDnsEndpoint, i: number): DnsLoadBalancer | undefined {
  const { dnsName, zoneId } = endpoint;
  if (dnsName === undefined && zoneId === undefined) {
    return endpoint.loadBalancer;
  }
  if (endpoint.loadBalancer !== undefined || dnsName === undefined || zoneId === undefined) {
    const given = ['loadBalancer', 'dnsName', 'zoneId'].filter(
      (k) => endpoint[k as keyof FailoverDnsEndpoint] !== undefined,
    );
    throw validationError(
      `endpoints[${i}] (${endpoint.region}) must give its load balancer as loadBalancer, or as both of the ` +
        `deprecated dnsName and zoneId, got: ${given.join(', ')}`,
      scope,
      'endpoints',
    );
  }
  return { dnsName, zoneId };
}

/** The routing block and set identifier of a record, as the plan sets them. */
function routingOf(record: DnsRecordPlan): Partial<Route53RecordConfig> {
  return {
    setIdentifier: record.setIdentifier,
    latencyRoutingPolicy: record.latencyRegion === undefined ? undefined : { region: record.latencyRegion },
    weightedRoutingPolicy: record.weight === undefined ? undefined : { weight: record.weight },
    failoverRoutingPolicy: record.failover === undefined ? undefined : { type: record.failover },
  };
}
