import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as arc from 'aws-cdk-lib/aws-route53recoverycontrol';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  dnsFailoverSeconds, DrStrategy, FailureDomain, HaRole, healthCheckPathProblem, ownRegionsProblem, regionPlacementProblem, ROUTE53_ALIAS_ELB_TTL_SECONDS,
  ROUTE53_FAILOVER_TTL_MAX_SECONDS,
} from '../core';
import { checkerRegionsProblem, ROUTE53_HEALTH_CHECKER_REGIONS, ROUTE53_METRICS_REGION } from '../core/route53-checkers';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { validationError } from './private/errors';

/**
 * The region of ARC's recovery-control configuration API (clusters, control panels, routing
 * controls, safety rules): "you must specify the US West (Oregon) Region" when creating them.
 * @see https://docs.aws.amazon.com/r53recovery/latest/dg/introduction-regions-routing.html
 */
const ARC_CONTROL_PLANE_REGION = 'us-west-2';

/** How Route 53 chooses among the regions' records. */
export class DnsRouting {
  /** Each client gets the region with the lowest latency to it; every healthy region serves (ACTIVE_ACTIVE). */
  public static readonly LATENCY = new DnsRouting('LATENCY');
  /** Traffic split by each endpoint's `weight`; every healthy region with a weight above 0 serves. */
  public static readonly WEIGHTED = new DnsRouting('WEIGHTED');
  /** The primary answers while healthy, the secondary only when it is not (WARM_STANDBY, PILOT_LIGHT). */
  public static readonly FAILOVER = new DnsRouting('FAILOVER');
  /** One region, one record (BACKUP_RESTORE): the health check only alarms. */
  public static readonly SIMPLE = new DnsRouting('SIMPLE');

  private constructor(public readonly name: string) {}
}

/** One region's entry point behind the service name. */
export interface FailoverDnsEndpoint {
  /** The region the endpoint serves from (`eu-west-1`); also the latency-routing region. */
  readonly region: string;
  /**
   * Load balancer of the region, the target of an alias record. It may belong to another
   * region's stack: pass it through a stack with `crossRegionReferences: true`, or import it with
   * `ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes` (DNS name and canonical
   * hosted zone id are needed).
   * @default - none: give `domainName`
   */
  readonly loadBalancer?: elbv2.ILoadBalancerV2;
  /**
   * Domain name of an endpoint that is not a load balancer of this account (a CNAME record,
   * with the TTL of `ttl`).
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
}

/** Props of {@link FailoverDns}. */
export interface FailoverDnsProps extends HaProps {
  /** Hosted zone that holds the service name. */
  readonly hostedZone: route53.IHostedZone;
  /** Name of the service's records, relative to the zone (`api`) or fully qualified. */
  readonly recordName: string;
  /** One endpoint per region. */
  readonly endpoints: FailoverDnsEndpoint[];
  /**
   * Path the health checks request over HTTPS (starting with '/', no whitespace); it must answer 2xx or 3xx within 2 s.
   * Make it check what the region needs to serve (its database, its queue), not just the process.
   * @default '/health'
   */
  readonly healthCheckPath?: string;
  /**
   * Port of the HTTPS health checks.
   * @default 443
   */
  readonly healthCheckPort?: number;
  /**
   * Regions the Route 53 health checkers run from (at least 3).
   * @default - all the regions Route 53 health checkers run from
   */
  readonly checkerRegions?: string[];
  /**
   * Routing policy.
   * @default - LATENCY for ACTIVE_ACTIVE; FAILOVER for WARM_STANDBY and PILOT_LIGHT; for
   * BACKUP_RESTORE, SIMPLE with one endpoint and FAILOVER with two
   */
  readonly routing?: DnsRouting;
  /**
   * TTL of non-alias (`domainName`) records. Alias records to a load balancer always carry the
   * balancer's 60 s. A TTL above the default lengthens failover and warns.
   * @default - tier.dnsTtlSeconds, at most 60 s for records that take part in failover (all but SIMPLE)
   */
  readonly ttl?: Duration;
  /**
   * Adds Route 53 Application Recovery Controller routing controls: a cluster, a control panel,
   * one routing control per region (ANDed into the region's record health) and a safety rule
   * that keeps at least one region on, for operators who must move traffic by hand even when the
   * control planes of the failing region are down. A cluster is billed by the hour whether used
   * or not, so it is off unless asked for.
   *
   * ARC's configuration API, and with it every `AWS::Route53RecoveryControl::*` resource, is
   * served from us-west-2 only: the stack must be in us-west-2 (any other concrete region is a
   * ValidationError). Route 53 publishes health-check metrics in us-east-1 only, so such a stack
   * makes no health-check alarms (and warns so).
   *
   * New routing controls are Off, and an Off control makes its region's record unhealthy. Right
   * after the first deploy every record is therefore unhealthy, and Route 53, finding no healthy
   * record, answers as if none had a health check: the service answers, but a failing endpoint no
   * longer moves traffic. After the first deploy an operator must turn the primary's control On
   * (ARC's cluster endpoints, e.g. `aws route53-recovery-cluster update-routing-control-state`),
   * and every other region's that should take traffic: with LATENCY or WEIGHTED routing each
   * serving region's, with FAILOVER routing the secondary's too, because Route 53 answers with the
   * primary whenever the secondary is unhealthy, so an Off secondary turns automatic failover off.
   * @see https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.html
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-problems.html
   * @default false
   */
  readonly routingControls?: boolean;
  /**
   * Topic the health-check alarms notify.
   * @default - a new topic encrypted with a new customer-managed key
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Runbook to follow when a region fails its health check (e.g. promoting the standby
   * database), linked from each health-check alarm's description.
   * @default - no link
   */
  readonly runbookUrl?: string;
}

/**
 * One service name across regions in Route 53, with health checks that move clients away from
 * a failed region.
 *
 * ACTIVE_ACTIVE gets latency records (weighted as an option), one per region; WARM_STANDBY and
 * PILOT_LIGHT get a PRIMARY/SECONDARY failover pair. Every record has an HTTPS health check with
 * the tier's request interval and failure threshold; alias records to load balancers also
 * evaluate the balancer's target health. `failoverSeconds` is the worst case computed with
 * core's `dnsFailoverSeconds` from the settings synthesized.
 *
 * Every health check has an alarm on `HealthCheckStatus`. Route 53 publishes that metric in
 * us-east-1 only, so the alarms are made when the stack is in us-east-1 (put the DNS stack
 * there); elsewhere the construct warns and makes none. Routing controls need the stack in
 * us-west-2 instead, and start Off: see `routingControls` for what to do after the first deploy.
 *
 * Construct ids (public API): per endpoint, under its region's name (`eu-west-1`):
 * `HealthCheck`, `Record`, `HealthCheckAlarm`, and with routing controls `RoutingControl`,
 * `RoutingControlHealthCheck`, `RecordHealthCheck`; `AlarmTopic`; with routing controls
 * `RecoveryCluster`, `ControlPanel`, `AtLeastOneRegionOn`.
 */
export class FailoverDns extends Construct {
  /** Worst-case seconds from a region failing to clients following the new answer. */
  public readonly failoverSeconds: number;
  /** The routing policy used. */
  public readonly routing: DnsRouting;
  /** The HTTPS health check of each region's endpoint, by region. */
  public readonly healthChecks: Record<string, route53.IHealthCheck>;
  /** The records, in the order of `endpoints`. */
  public readonly records: route53.IRecordSet[];
  /** Alarms on the health checks (empty when the stack is not in us-east-1). */
  public readonly healthCheckAlarms: cloudwatch.IAlarm[];
  /** Routing controls by region (empty unless `routingControls`). */
  public readonly routingControls: Record<string, arc.CfnRoutingControl>;
  /** Topic the health-check alarms notify (undefined when there are no alarms). */
  public readonly alarmTopic?: sns.ITopic;

  constructor(scope: Construct, id: string, props: FailoverDnsProps) {
    super(scope, id);
    const { tier, endpoints } = props;
    const service = serviceNameOf(this, props);
    this.routing = props.routing ?? defaultRouting(tier.strategy, endpoints.length);
    this.validateEndpoints(props);
    this.validateOwnRegion(props);
    if (props.routingControls) {
      this.validateRoutingControlsRegion();
    }
    const roles = this.failoverRoles(props);

    const path = props.healthCheckPath ?? '/health';
    const pathProblem = Token.isUnresolved(path) ? undefined : healthCheckPathProblem('healthCheckPath', path);
    if (pathProblem) {
      throw validationError(pathProblem, this);
    }
    const port = props.healthCheckPort ?? 443;
    if (!Token.isUnresolved(port) && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw validationError(`healthCheckPort must be an integer from 1 to 65535, got: ${port}`, this);
    }
    const checkerRegions = props.checkerRegions ?? [...ROUTE53_HEALTH_CHECKER_REGIONS];
    const checkerProblem = checkerRegionsProblem('checkerRegions', checkerRegions);
    if (checkerProblem) {
      throw validationError(checkerProblem, this);
    }
    const ttlSeconds = this.recordTtlSeconds(props);

    const aliased = endpoints.every((e) => e.loadBalancer !== undefined);
    this.failoverSeconds = dnsFailoverSeconds({
      intervalSeconds: tier.healthCheckIntervalSeconds,
      failureThreshold: tier.healthCheckFailureThreshold,
      ttlSeconds: aliased ? ROUTE53_ALIAS_ELB_TTL_SECONDS : ttlSeconds,
    });
    if (tier.isMultiRegion && this.failoverSeconds > tier.regionRtoSeconds) {
      Annotations.of(this).addWarningV2('ha-constructs:FailoverDns.failoverSeconds',
        `DNS failover takes up to ${this.failoverSeconds} s with these settings, more than ${tier.name}'s region RTO of ${tier.regionRtoSeconds} s`);
    }

    const makeAlarms = this.canAlarmOnHealthChecks();
    const alarmTopic = makeAlarms ? props.alarmTopic ?? newAlarmTopic(this, 'AlarmTopic', `${service} DNS health checks`) : undefined;
    this.alarmTopic = alarmTopic;

    const scopes = endpoints.map((endpoint) => new Construct(this, endpoint.region));
    const controls = props.routingControls ? this.addRoutingControls(service, endpoints.map((e) => e.region), scopes) : undefined;
    this.routingControls = controls ?? {};
    this.healthChecks = {};
    this.records = [];
    this.healthCheckAlarms = [];
    endpoints.forEach((endpoint, i) => {
      const scope = scopes[i];
      const fqdn = endpoint.loadBalancer ? endpoint.loadBalancer.loadBalancerDnsName : endpoint.domainName!;
      const healthCheck = new route53.HealthCheck(scope, 'HealthCheck', {
        type: route53.HealthCheckType.HTTPS,
        fqdn,
        port,
        resourcePath: path,
        enableSNI: true,
        requestInterval: Duration.seconds(tier.healthCheckIntervalSeconds),
        failureThreshold: tier.healthCheckFailureThreshold,
        regions: checkerRegions,
      });
      this.healthChecks[endpoint.region] = healthCheck;
      let recordHealth: route53.IHealthCheck = healthCheck;
      if (controls) {
        const controlHealth = new route53.HealthCheck(scope, 'RoutingControlHealthCheck', {
          type: route53.HealthCheckType.RECOVERY_CONTROL,
          routingControl: controls[endpoint.region].attrRoutingControlArn,
        });
        // Both must be healthy: the endpoint answers AND the operator has not switched the region off.
        recordHealth = new route53.HealthCheck(scope, 'RecordHealthCheck', {
          type: route53.HealthCheckType.CALCULATED,
          childHealthChecks: [healthCheck, controlHealth],
          healthThreshold: 2,
        });
      }

      const record = new route53.RecordSet(scope, 'Record', {
        zone: props.hostedZone,
        recordName: props.recordName,
        recordType: endpoint.loadBalancer ? route53.RecordType.A : route53.RecordType.CNAME,
        target: endpoint.loadBalancer
          ? route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(endpoint.loadBalancer, { evaluateTargetHealth: true }))
          : route53.RecordTarget.fromValues(endpoint.domainName!),
        ttl: endpoint.loadBalancer ? undefined : Duration.seconds(ttlSeconds),
        healthCheck: recordHealth,
        ...this.routingOptions(endpoint, roles[i]),
      });
      this.records.push(record);

      if (alarmTopic) {
        const alarm = new cloudwatch.Alarm(scope, 'HealthCheckAlarm', {
          metric: new cloudwatch.Metric({
            namespace: 'AWS/Route53',
            metricName: 'HealthCheckStatus',
            dimensionsMap: { HealthCheckId: healthCheck.healthCheckId },
            statistic: cloudwatch.Stats.MINIMUM,
            period: Duration.minutes(1),
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          alarmDescription: `${service}: the ${endpoint.region} endpoint fails its Route 53 health check (HTTPS ${path}); DNS is moving clients away from it${props.runbookUrl ? `. Runbook: ${props.runbookUrl}` : ''}`,
        });
        notifyOn(alarm, alarmTopic);
        this.healthCheckAlarms.push(alarm);
      }
    });

    attachHaMetadata(this, props, { component: 'FailoverDns', failureDomain: FailureDomain.GLOBAL, role: HaRole.GLOBAL });
  }

  private validateEndpoints(props: FailoverDnsProps): void {
    const { tier, endpoints } = props;
    const regions = endpoints.map((e) => e.region);
    endpoints.forEach((endpoint, i) => {
      if (Token.isUnresolved(endpoint.region) || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(endpoint.region)) {
        throw validationError(`endpoints[${i}].region must be a literal AWS region name such as eu-west-1, got: ${endpoint.region}`, this);
      }
      if ((endpoint.loadBalancer === undefined) === (endpoint.domainName === undefined)) {
        throw validationError(`endpoints[${i}] (${endpoint.region}) must have exactly one of loadBalancer and domainName, got: ${endpoint.loadBalancer ? 'both' : 'neither'}`, this);
      }
      if (endpoint.weight !== undefined && (!Number.isInteger(endpoint.weight) || endpoint.weight < 0 || endpoint.weight > 255)) {
        throw validationError(`endpoints[${i}].weight must be an integer from 0 to 255, got: ${endpoint.weight}`, this);
      }
    });
    const kinds = new Set(endpoints.map((e) => (e.loadBalancer ? 'loadBalancer' : 'domainName')));
    if (kinds.size > 1) {
      throw validationError(`endpoints must all have a loadBalancer or all a domainName (a CNAME record cannot share its name with alias A records), got: ${endpoints.map((e) => `${e.region} ${e.loadBalancer ? 'loadBalancer' : 'domainName'}`).join(', ')}`, this);
    }
    if (endpoints.length < tier.minRegions) {
      throw validationError(`endpoints must list at least ${tier.minRegions} regions for ${tier.name}, got: ${endpoints.length} (${regions.join(', ') || 'none'})`, this);
    }
    const placement = regionPlacementProblem({ prop: 'endpoints', replicaRegions: regions, allowedRegions: props.allowedRegions });
    if (placement) {
      throw validationError(placement, this);
    }
    if (this.routing === DnsRouting.SIMPLE && endpoints.length !== 1) {
      throw validationError(`endpoints must list exactly 1 region for SIMPLE routing, got: ${endpoints.length} (${regions.join(', ')})`, this);
    }
    const expected = tier.allRegionsServe ? [DnsRouting.LATENCY, DnsRouting.WEIGHTED] : [DnsRouting.FAILOVER, DnsRouting.SIMPLE];
    if (props.routing && !expected.includes(props.routing)) {
      Annotations.of(this).addWarningV2('ha-constructs:FailoverDns.routing',
        `routing ${props.routing.name} does not match ${tier.name}'s ${tier.strategy} strategy (expected ${expected.map((r) => r.name).join(' or ')}): ${tier.allRegionsServe ? 'only one region serves, so a region loss is a failover, not a shift of load' : 'the standby region receives traffic it is not scaled for'}`);
    }
  }

  /**
   * The records and health checks are created in the stack's region, and so are the health-check
   * alarms (made only when that region is us-east-1, where Route 53 publishes the metric): a
   * residency constraint must allow it, as it must the endpoints' regions (HA-DR2 checks every
   * resource of the construct). An unresolved region is left to the deploy.
   */
  private validateOwnRegion(props: FailoverDnsProps): void {
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      return;
    }
    const created = region === ROUTE53_METRICS_REGION ? 'records, health checks and their alarms' : 'records and health checks';
    const problem = ownRegionsProblem(props.allowedRegions, [region], `where the ${created} are created (the stack's region)`);
    if (problem) {
      throw validationError(problem, this);
    }
  }

  /** PRIMARY/SECONDARY per endpoint for failover routing; undefined entries otherwise. */
  private failoverRoles(props: FailoverDnsProps): (route53.Failover | undefined)[] {
    const { endpoints } = props;
    if (this.routing !== DnsRouting.FAILOVER) {
      return endpoints.map(() => undefined);
    }
    const describe = () => endpoints.map((e, i) => `${e.role ?? (i === 0 ? 'primary' : 'secondary')} ${e.region}`).join(', ');
    if (endpoints.length < 2) {
      throw validationError(`endpoints must hold a primary and a secondary for FAILOVER routing, got: no secondary (${describe()})`, this);
    }
    if (endpoints.length > 2) {
      throw validationError(`endpoints must hold exactly 2 regions for FAILOVER routing (one PRIMARY and one SECONDARY record), got: ${endpoints.length} (${endpoints.map((e) => e.region).join(', ')})`, this);
    }
    const roles = endpoints.map((e, i) => e.role ?? (i === 0 ? 'primary' : 'secondary'));
    if (!roles.includes('primary') || !roles.includes('secondary')) {
      throw validationError(`endpoints must hold one primary and one secondary for FAILOVER routing, got: ${describe()}`, this);
    }
    return roles.map((role) => (role === 'primary' ? route53.Failover.PRIMARY : route53.Failover.SECONDARY));
  }

  private routingOptions(endpoint: FailoverDnsEndpoint, failover: route53.Failover | undefined): Partial<route53.RecordSetProps> {
    switch (this.routing) {
      case DnsRouting.LATENCY:
        return { region: endpoint.region, setIdentifier: endpoint.region };
      case DnsRouting.WEIGHTED:
        return { weight: endpoint.weight ?? 100, setIdentifier: endpoint.region };
      case DnsRouting.FAILOVER:
        return { failover, setIdentifier: endpoint.region };
      default:
        return {};
    }
  }

  private recordTtlSeconds(props: FailoverDnsProps): number {
    const { tier } = props;
    const limit = this.routing === DnsRouting.SIMPLE ? tier.dnsTtlSeconds : Math.min(tier.dnsTtlSeconds, ROUTE53_FAILOVER_TTL_MAX_SECONDS);
    if (props.ttl === undefined) {
      return limit;
    }
    const seconds = props.ttl.toSeconds();
    if (!props.endpoints.some((e) => e.domainName !== undefined)) {
      Annotations.of(this).addWarningV2('ha-constructs:FailoverDns.ttl',
        `ttl applies to non-alias (domainName) endpoints only; alias records to a load balancer always carry its ${ROUTE53_ALIAS_ELB_TTL_SECONDS} s, got: ${seconds} s`);
      return seconds;
    }
    if (seconds > limit) {
      Annotations.of(this).addWarningV2('ha-constructs:FailoverDns.ttl',
        `ttl of ${seconds} s is above ${tier.name}'s limit of ${limit} s for ${this.routing.name} records: resolvers keep answering with a failed region that much longer`);
    }
    return seconds;
  }

  private canAlarmOnHealthChecks(): boolean {
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      Annotations.of(this).addWarningV2('ha-constructs:FailoverDns.healthCheckAlarms',
        `the stack has no concrete region: the health-check alarms only receive data when it is deployed to ${ROUTE53_METRICS_REGION}, where Route 53 publishes health-check metrics`);
      return true;
    }
    if (region !== ROUTE53_METRICS_REGION) {
      Annotations.of(this).addWarningV2('ha-constructs:FailoverDns.healthCheckAlarms',
        `no health-check alarms: Route 53 publishes health-check metrics in ${ROUTE53_METRICS_REGION} only and an alarm must live in its metric's region; put the DNS stack in ${ROUTE53_METRICS_REGION} to get them, got: ${region}`);
      return false;
    }
    return true;
  }

  /** ARC's control plane lives in one region: a template with its resources deploys nowhere else. */
  private validateRoutingControlsRegion(): void {
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      Annotations.of(this).addWarningV2('ha-constructs:FailoverDns.routingControls',
        `the stack has no concrete region: routingControls creates ARC resources (AWS::Route53RecoveryControl::*), which deploy only in ${ARC_CONTROL_PLANE_REGION}, where ARC's configuration API is served; deploy the stack there`);
      return;
    }
    if (region !== ARC_CONTROL_PLANE_REGION) {
      throw validationError(`routingControls needs the stack in ${ARC_CONTROL_PLANE_REGION}, the only region that serves ARC's configuration API and its AWS::Route53RecoveryControl::* resources, got: ${region}`, this);
    }
  }

  private addRoutingControls(service: string, regions: string[], scopes: Construct[]): Record<string, arc.CfnRoutingControl> {
    const cluster = new arc.CfnCluster(this, 'RecoveryCluster', { name: arcName(service, 'cluster') });
    const panel = new arc.CfnControlPanel(this, 'ControlPanel', { name: arcName(service, 'regions'), clusterArn: cluster.attrClusterArn });
    const controls: Record<string, arc.CfnRoutingControl> = {};
    regions.forEach((region, i) => {
      controls[region] = new arc.CfnRoutingControl(scopes[i], 'RoutingControl', {
        name: arcName(service, region),
        clusterArn: cluster.attrClusterArn,
        controlPanelArn: panel.attrControlPanelArn,
      });
    });
    new arc.CfnSafetyRule(this, 'AtLeastOneRegionOn', {
      name: arcName(service, 'one-region-on'),
      controlPanelArn: panel.attrControlPanelArn,
      assertionRule: {
        assertedControls: regions.map((region) => controls[region].attrRoutingControlArn),
        // After a change the rule holds further changes for 5 s, so a quick off/on cannot flap traffic.
        waitPeriodMs: 5000,
      },
      ruleConfig: { type: 'ATLEAST', threshold: 1, inverted: false },
    });
    return controls;
  }
}

function defaultRouting(strategy: DrStrategy, endpointCount: number): DnsRouting {
  switch (strategy) {
    case DrStrategy.ACTIVE_ACTIVE:
      return DnsRouting.LATENCY;
    case DrStrategy.BACKUP_RESTORE:
      return endpointCount === 1 ? DnsRouting.SIMPLE : DnsRouting.FAILOVER;
    default:
      return DnsRouting.FAILOVER;
  }
}

/** ARC names: letters, digits, `-` and `_`, at most 64 characters. */
function arcName(service: string, suffix: string): string {
  const clean = `${service}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return clean.length <= 64 ? clean : `${clean.slice(0, 64 - suffix.length - 1)}-${suffix}`;
}
