import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as arc from 'aws-cdk-lib/aws-route53recoverycontrol';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ARC_NAME_MAX_LENGTH, FailureDomain, HaRole } from '../core';
import { DnsFailoverPlan, DnsRecordPlan, DnsRouting, planDnsFailover } from '../core/plans/dns';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems } from './private/errors';
import { skipToken } from './private/tokens';

// The routing policies are core's, shared with the Terraform twin; exported here as before.
export { DnsRouting } from '../core/plans/dns';

/** The two custom domains of a regional API Gateway entry point (`RegionalApi` has them). */
export interface FailoverDnsApi {
  /** REGIONAL custom domain of the service name (`<recordName>.<zone>`): the routed record's target. */
  readonly serviceDomain: apigateway.IDomainName;
  /**
   * REGIONAL custom domain of the region's own name (`<recordName>-<region>.<zone>`) on the same API: the
   * health check requests it, so that it measures this region's API as clients reach it.
   */
  readonly regionalDomain: apigateway.IDomainName;
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
   * @default - none: give `domainName` or `api`
   */
  readonly loadBalancer?: elbv2.ILoadBalancerV2;
  /**
   * A regional API Gateway API (`RegionalApi`). The routed record is a CNAME to its service domain (with the TTL
   * of `ttl`: an alias record would carry API Gateway's TTL, which is not published), and this construct points
   * the regional name at its regional domain, which the HTTPS health check requests. Pass another region's
   * through a stack with `crossRegionReferences: true`.
   * @default - none: give `loadBalancer` or `domainName`
   */
  readonly api?: FailoverDnsApi;
  /**
   * Domain name of an endpoint that is not a load balancer of this account (a CNAME record,
   * with the TTL of `ttl`).
   * @default - none: give `loadBalancer` or `api`
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
   * Regions the Route 53 health checkers run from (at least 3).
   * @default - all the regions Route 53 health checkers run from
   */
  readonly checkerRegions?: string[];
  /**
   * Whether the health checks measure latency from each checker region (CloudWatch graphs of
   * connection time, TLS handshake and time to first byte): a degrading region shows before it
   * fails its checks. Route 53 cannot change it on an existing health check: a change replaces them.
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
  /**
   * Per region with a load balancer or an api, a plain name that always answers with that region
   * (`<recordName>-<region>.<zone>`): probe it to measure one region (a probe of the routed name
   * follows DNS to whichever region answers). List it in that region's certificate. Empty for SIMPLE routing.
   */
  public readonly regionalNames: Record<string, string>;
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
    const region = Stack.of(this).region;
    const known = Token.isUnresolved(region) ? undefined : region;
    const plan = planDnsFailover(tier, {
      endpoints: endpoints.map((e) => ({
        region: e.region,
        loadBalancer: e.loadBalancer !== undefined,
        domainName: e.domainName !== undefined,
        api: e.api !== undefined,
        apiRegionalName: e.api ? skipToken(e.api.regionalDomain.domainName) : undefined,
        role: e.role,
        weight: e.weight,
      })),
      routing: props.routing?.name,
      recordName: skipToken(props.recordName),
      zoneName: skipToken(props.hostedZone.zoneName),
      healthCheckPath: skipToken(props.healthCheckPath),
      healthCheckPort: skipToken(props.healthCheckPort),
      checkerRegions: props.checkerRegions,
      measureLatency: props.measureLatency,
      ttlSeconds: props.ttl?.toSeconds(),
      allowedRegions: props.allowedRegions,
      routingControls: props.routingControls,
      region: known,
      regionSource: "the stack's region",
      alarmsRegion: known,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'FailoverDns', plan.warnings);
    this.routing = DnsRouting.of(plan.routing);
    this.failoverSeconds = plan.failoverSeconds;
    // A token the plan could not check is rendered as given.
    const path = props.healthCheckPath ?? plan.healthCheck.path;
    const port = props.healthCheckPort ?? plan.healthCheck.port;

    const alarmTopic = plan.healthCheckAlarm
      ? (props.alarmTopic ?? newAlarmTopic(this, 'AlarmTopic', `${service} DNS health checks`))
      : undefined;
    this.alarmTopic = alarmTopic;

    const scopes = endpoints.map((endpoint) => new Construct(this, endpoint.region));
    const controls = plan.routingControls ? this.addRoutingControls(service, plan, scopes) : undefined;
    this.routingControls = controls ?? {};
    this.healthChecks = {};
    this.records = [];
    this.healthCheckAlarms = [];
    endpoints.forEach((endpoint, i) => {
      const scope = scopes[i];
      const record = plan.records[i];
      const regional = plan.regionalLabels.find((l) => l.region === endpoint.region);
      const fqdn = endpoint.loadBalancer
        ? endpoint.loadBalancer.loadBalancerDnsName
        : endpoint.api
          ? qualified(regional!.label, props.hostedZone.zoneName)
          : endpoint.domainName!;
      const check = plan.healthCheck;
      const healthCheck = new route53.HealthCheck(scope, 'HealthCheck', {
        type: route53.HealthCheckType.HTTPS,
        fqdn,
        port,
        resourcePath: path,
        enableSNI: check.enableSni,
        requestInterval: Duration.seconds(check.requestIntervalSeconds),
        failureThreshold: check.failureThreshold,
        measureLatency: check.measureLatency,
        regions: [...check.regions],
      });
      this.healthChecks[endpoint.region] = healthCheck;
      let recordHealth: route53.IHealthCheck = healthCheck;
      if (controls && plan.routingControls) {
        const controlHealth = new route53.HealthCheck(scope, 'RoutingControlHealthCheck', {
          type: route53.HealthCheckType.RECOVERY_CONTROL,
          routingControl: controls[endpoint.region].attrRoutingControlArn,
        });
        // Both must be healthy: the endpoint answers AND the operator has not switched the region off.
        recordHealth = new route53.HealthCheck(scope, 'RecordHealthCheck', {
          type: route53.HealthCheckType.CALCULATED,
          childHealthChecks: [healthCheck, controlHealth],
          healthThreshold: plan.routingControls.recordHealthThreshold,
        });
      }

      this.records.push(
        new route53.RecordSet(scope, 'Record', {
          zone: props.hostedZone,
          recordName: props.recordName,
          recordType: record.type === 'A' ? route53.RecordType.A : route53.RecordType.CNAME,
          target: endpoint.loadBalancer
            ? route53.RecordTarget.fromAlias(
                new targets.LoadBalancerTarget(endpoint.loadBalancer, { evaluateTargetHealth: record.alias }),
              )
            : route53.RecordTarget.fromValues(
                endpoint.api ? endpoint.api.serviceDomain.domainNameAliasDomainName : endpoint.domainName!,
              ),
          ttl: record.ttlSeconds === undefined ? undefined : Duration.seconds(record.ttlSeconds),
          healthCheck: recordHealth,
          ...routingOptions(record),
        }),
      );

      const alarmPlan = plan.healthCheckAlarm;
      if (alarmTopic && alarmPlan) {
        const alarm = new cloudwatch.Alarm(scope, 'HealthCheckAlarm', {
          metric: new cloudwatch.Metric({
            namespace: alarmPlan.namespace,
            metricName: alarmPlan.metricName,
            dimensionsMap: { HealthCheckId: healthCheck.healthCheckId },
            statistic: alarmPlan.statistic,
            period: Duration.seconds(alarmPlan.periodSeconds),
          }),
          threshold: alarmPlan.threshold,
          comparisonOperator: alarmPlan.comparisonOperator as cloudwatch.ComparisonOperator,
          evaluationPeriods: alarmPlan.evaluationPeriods,
          treatMissingData: alarmPlan.treatMissingData as cloudwatch.TreatMissingData,
          alarmDescription: `${service}: the ${endpoint.region} endpoint fails its Route 53 health check (HTTPS ${path}); DNS is moving clients away from it${props.runbookUrl ? `. Runbook: ${props.runbookUrl}` : ''}`,
        });
        notifyOn(alarm, alarmTopic);
        this.healthCheckAlarms.push(alarm);
      }
    });

    // A plain name per region, for probes that must measure that region and not follow the routed name.
    this.regionalNames = {};
    for (const { region, label } of plan.regionalLabels) {
      const i = endpoints.findIndex((e) => e.region === region);
      const api = endpoints[i].api;
      new route53.ARecord(scopes[i], 'RegionalRecord', {
        zone: props.hostedZone,
        recordName: label,
        target: route53.RecordTarget.fromAlias(
          api
            ? new targets.ApiGatewayDomain(api.regionalDomain)
            : new targets.LoadBalancerTarget(endpoints[i].loadBalancer!),
        ),
      });
      this.regionalNames[region] = qualified(label, props.hostedZone.zoneName);
    }

    attachHaMetadata(this, props, {
      component: 'FailoverDns',
      failureDomain: FailureDomain.GLOBAL,
      role: HaRole.GLOBAL,
    });
  }

  private addRoutingControls(
    service: string,
    plan: DnsFailoverPlan,
    scopes: Construct[],
  ): Record<string, arc.CfnRoutingControl> {
    const rules = plan.routingControls!;
    const regions = plan.records.map((r) => r.region);
    const cluster = new arc.CfnCluster(this, 'RecoveryCluster', { name: arcName(service, 'cluster') });
    const panel = new arc.CfnControlPanel(this, 'ControlPanel', {
      name: arcName(service, 'regions'),
      clusterArn: cluster.attrClusterArn,
    });
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
        waitPeriodMs: rules.waitPeriodMs,
      },
      ruleConfig: { type: 'ATLEAST', threshold: rules.minControlsOn, inverted: false },
    });
    return controls;
  }
}

/** The routing fields of a record, as the plan sets them. */
function routingOptions(record: DnsRecordPlan): Partial<route53.RecordSetProps> {
  return {
    setIdentifier: record.setIdentifier,
    region: record.latencyRegion,
    weight: record.weight,
    failover: record.failover === undefined ? undefined : route53.Failover[record.failover],
  };
}

/** A label of the zone as a fully qualified name (a label already ending in the zone stays as it is). */
function qualified(label: string, zoneName: string): string {
  return label.endsWith(`.${zoneName}`) ? label : `${label}.${zoneName}`;
}

/** ARC names: letters, digits, `-` and `_`, at most ARC_NAME_MAX_LENGTH characters. */
function arcName(service: string, suffix: string): string {
  const clean = `${service}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return clean.length <= ARC_NAME_MAX_LENGTH
    ? clean
    : `${clean.slice(0, ARC_NAME_MAX_LENGTH - suffix.length - 1)}-${suffix}`;
}
