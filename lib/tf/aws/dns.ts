import { warn } from '../diagnostics';
import { HaValidationError } from '../../core/errors';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, ROUTE53_ALIAS_ELB_TTL_SECONDS, dnsFailoverSeconds, healthCheckPathProblem, ownRegionsProblem, regionPlacementProblem } from '../../core';
import { ROUTE53_METRICS_REGION, checkerRegionsProblem } from '../../core/route53-checkers';
import { HaProps, RegionalProps } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { AccountContext } from './private/keys';
import { attachHaMetadata } from './private/metadata';
import { regionOf } from './private/regions';

/** One regional endpoint (a load balancer) behind the DNS name. */
export interface DnsEndpoint {
  /** Region of the endpoint: the record's set identifier and, for latency routing, its region. */
  readonly region: string;
  /** DNS name of the load balancer (`aws_lb.dns_name`). */
  readonly dnsName: string;
  /** Hosted zone of the load balancer (`aws_lb.zone_id`). */
  readonly zoneId: string;
}

/** Props of {@link FailoverDns}. */
export interface FailoverDnsProps extends HaProps, RegionalProps {
  /** Hosted zone the record is created in. */
  readonly hostedZoneId: string;
  /** The name clients resolve (`api.example.com`). */
  readonly recordName: string;
  /**
   * The regional endpoints, primary first. At least `tier.minRegions`; ACTIVE_ACTIVE tiers route
   * by latency over all of them, the others fail over from the first to the second.
   */
  readonly endpoints: DnsEndpoint[];
  /**
   * Path the health checks request over HTTPS: it starts with '/' and has no whitespace.
   * @default '/health'
   */
  readonly healthCheckPath?: string;
  /**
   * Regions the Route 53 health checkers run from (at least three).
   * @default - all checker regions
   */
  readonly checkerRegions?: string[];
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
 * A DNS name that moves clients off a failed region (Terraform).
 *
 * An HTTPS Route 53 health check per regional endpoint (the tier's request interval and failure
 * threshold, latency measured) and an alias record per endpoint that evaluates both the health
 * check and the load balancer's own target health: latency routing over every region for
 * ACTIVE_ACTIVE tiers, failover routing (PRIMARY, SECONDARY) otherwise. An alarm per health check
 * notifies when an endpoint is unhealthy. `failoverSeconds` is the worst-case time to move clients
 * (core `dnsFailoverSeconds`); a warning says when it exceeds the tier's region RTO.
 *
 * Construct ids (public API): `HealthCheck<n>`, `Record<n>`, `HealthAlarm<n>` (n follows `endpoints`).
 */
export class FailoverDns extends Construct {
  public readonly healthChecks: Route53HealthCheck[];
  public readonly records: Route53Record[];
  /** Worst-case seconds from an endpoint failing to clients resolving to another. */
  public readonly failoverSeconds: number;
  /** `LATENCY` for ACTIVE_ACTIVE tiers, `FAILOVER` otherwise. */
  public readonly routing: 'LATENCY' | 'FAILOVER';

  constructor(scope: Construct, id: string, props: FailoverDnsProps) {
    super(scope, id);
    const { tier, endpoints } = props;
    if (endpoints.length < tier.minRegions) {
      throw new HaValidationError(`endpoints must list at least ${tier.minRegions} region${tier.minRegions === 1 ? '' : 's'} for ${tier.name} (minRegions ${tier.minRegions}), got: ${endpoints.length}`);
    }
    this.routing = tier.allRegionsServe ? 'LATENCY' : 'FAILOVER';
    if (this.routing === 'FAILOVER' && endpoints.length > 2) {
      throw new HaValidationError(`endpoints must list at most 2 regions for failover routing (${tier.strategy}: one PRIMARY, one SECONDARY), got: ${endpoints.length}`);
    }
    const problem = regionPlacementProblem({
      prop: 'endpoints',
      replicaRegions: endpoints.map((e) => e.region),
      allowedRegions: props.allowedRegions,
    });
    if (problem) {
      throw new HaValidationError(problem);
    }
    const healthCheckPath = props.healthCheckPath ?? '/health';
    const pathProblem = Token.isUnresolved(healthCheckPath) ? undefined : healthCheckPathProblem('healthCheckPath', healthCheckPath);
    if (pathProblem) {
      throw new HaValidationError(pathProblem);
    }
    if (props.checkerRegions) {
      const checkerProblem = checkerRegionsProblem('checkerRegions', props.checkerRegions);
      if (checkerProblem) {
        throw new HaValidationError(checkerProblem);
      }
    }
    const metricsProvider = props.metricsProvider ?? props.provider;
    const metricsRegion = regionOf(this, metricsProvider);
    if (metricsRegion !== undefined && metricsRegion !== ROUTE53_METRICS_REGION) {
      throw new HaValidationError(`metricsProvider must be in ${ROUTE53_METRICS_REGION} (Route 53 publishes health-check metrics there only), got: ${metricsRegion}`);
    }
    // The records and health checks are created with `provider`, the alarms in the metrics region:
    // a residency constraint must allow both, as it must the endpoints' regions.
    const own = [regionOf(this, props.provider), metricsRegion].filter((r): r is string => r !== undefined);
    const ownProblem = ownRegionsProblem(props.allowedRegions, own, `where the records, health checks and their alarms are created (provider, and metricsProvider in ${ROUTE53_METRICS_REGION})`);
    if (ownProblem) {
      throw new HaValidationError(ownProblem);
    }

    this.failoverSeconds = dnsFailoverSeconds({
      intervalSeconds: tier.healthCheckIntervalSeconds,
      failureThreshold: tier.healthCheckFailureThreshold,
      ttlSeconds: ROUTE53_ALIAS_ELB_TTL_SECONDS,
    });
    if (this.failoverSeconds > tier.regionRtoSeconds) {
      warn(this, 'FailoverDns.failoverSeconds', `DNS failover takes up to ${this.failoverSeconds} s, more than ${tier.name}'s region RTO of ${tier.regionRtoSeconds} s`);
    }

    const context = new AccountContext(this, 'MetricsAccount', metricsProvider);
    const topicArn = props.alarmTopicArn ?? newAlarmTopic(this, 'AlarmTopic', `${props.recordName} health alarms`, context).arn;
    this.healthChecks = [];
    this.records = [];
    endpoints.forEach((endpoint, i) => {
      const n = i + 1;
      const healthCheck = new Route53HealthCheck(this, `HealthCheck${n}`, {
        provider: props.provider,
        type: 'HTTPS',
        fqdn: endpoint.dnsName,
        port: 443,
        resourcePath: healthCheckPath,
        enableSni: true,
        requestInterval: tier.healthCheckIntervalSeconds,
        failureThreshold: tier.healthCheckFailureThreshold,
        measureLatency: true,
        regions: props.checkerRegions,
        tags: { Name: `${props.recordName} ${endpoint.region}` },
      });
      this.healthChecks.push(healthCheck);
      this.records.push(new Route53Record(this, `Record${n}`, {
        provider: props.provider,
        zoneId: props.hostedZoneId,
        name: props.recordName,
        type: 'A',
        setIdentifier: endpoint.region,
        healthCheckId: healthCheck.id,
        alias: { name: endpoint.dnsName, zoneId: endpoint.zoneId, evaluateTargetHealth: true },
        ...(this.routing === 'LATENCY'
          ? { latencyRoutingPolicy: { region: endpoint.region } }
          : { failoverRoutingPolicy: { type: i === 0 ? 'PRIMARY' : 'SECONDARY' } }),
      }));
      new CloudwatchMetricAlarm(this, `HealthAlarm${n}`, {
        provider: metricsProvider,
        alarmName: `ha-${this.node.addr.slice(0, 20)}-health-${n}`,
        alarmDescription: `The ${endpoint.region} endpoint of ${props.recordName} fails its Route 53 health check: DNS has moved clients away from it`,
        namespace: 'AWS/Route53',
        metricName: 'HealthCheckStatus',
        dimensions: { HealthCheckId: healthCheck.id },
        statistic: 'Minimum',
        period: 60,
        evaluationPeriods: 1,
        comparisonOperator: 'LessThanThreshold',
        threshold: 1,
        treatMissingData: 'breaching',
        alarmActions: [topicArn],
        okActions: [topicArn],
      });
    });

    attachHaMetadata(this, props, { component: 'FailoverDns', failureDomain: FailureDomain.GLOBAL, role: HaRole.GLOBAL });
  }
}
