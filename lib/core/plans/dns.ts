import { PlanProblem, PlanWarning } from '../errors';
import { dnsFailoverSeconds } from '../failover';
import {
  ARC_CONTROL_PLANE_REGION,
  ROUTE53_ALIAS_ELB_TTL_SECONDS,
  ROUTE53_FAILOVER_TTL_MAX_SECONDS,
  ROUTE53_HEALTH_CHECK_METRIC_PERIOD_SECONDS,
  ROUTE53_TTL_MAX_SECONDS,
  ROUTE53_WEIGHT_MAX,
} from '../figures';
import { healthCheckPathProblem, READINESS_PATH } from '../health-check-path';
import { ownRegionsProblem, regionPlacementProblem } from '../regions';
import { checkerRegionsProblem, ROUTE53_HEALTH_CHECKER_REGIONS, ROUTE53_METRICS_REGION } from '../route53-checkers';
import { DrStrategy, ServiceTier } from '../tier';

/**
 * The plan of a service name in Route 53 across regions: what each engine's `FailoverDns` renders
 * (records, their routing and TTL, a health check per endpoint, its alarm, ARC routing controls).
 */

/** The name of a routing policy (what {@link DnsRouting} holds). */
export type DnsRoutingName = 'LATENCY' | 'WEIGHTED' | 'FAILOVER' | 'SIMPLE';

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

  /** The policy of that name. */
  public static of(name: DnsRoutingName): DnsRouting {
    return [DnsRouting.LATENCY, DnsRouting.WEIGHTED, DnsRouting.FAILOVER, DnsRouting.SIMPLE].find(
      (r) => r.name === name,
    )!;
  }

  private constructor(public readonly name: DnsRoutingName) {}
}

/** One region's entry point, as the construct's props describe it. */
export interface DnsEndpointIntent {
  /** The region as given: it names the record (set identifier) and, for latency routing, routes by it. */
  readonly region: string;
  /** Whether a load balancer was given (an alias A record). */
  readonly loadBalancer: boolean;
  /** Whether a domain name was given (a CNAME record). */
  readonly domainName: boolean;
  /**
   * Whether a regional API was given: a CNAME record to its custom domain of the service name (the TTL is in
   * the template; an alias record would carry API Gateway's, which is not published), and a health check of
   * its regional name (`<recordName>-<region>`), a custom domain of the same API.
   * @default false
   */
  readonly api?: boolean;
  /** The regional custom domain name of the API, when a literal: it must be the region's regional name. */
  readonly apiRegionalName?: string;
  /** @default - the first endpoint is primary, the second secondary */
  readonly role?: 'primary' | 'secondary';
  /** Share of traffic in weighted routing; undefined when not given or a token. @default 100 */
  readonly weight?: number;
}

/** A `FailoverDns` as its props describe it, in core's terms; `undefined` where a value is a token. */
export interface DnsFailoverIntent {
  /** One endpoint per region, in the order of the props. */
  readonly endpoints: readonly DnsEndpointIntent[];
  /** @default - LATENCY for ACTIVE_ACTIVE, SIMPLE for BACKUP_RESTORE with one endpoint, otherwise FAILOVER */
  readonly routing?: DnsRoutingName;
  /** The routed record's label (`api`), which the regional labels extend. */
  readonly recordName?: string;
  /** Name of the hosted zone, when a literal (to check an api endpoint's regional name). */
  readonly zoneName?: string;
  /** @default '/health/ready' (READINESS_PATH: the deep check) */
  readonly healthCheckPath?: string;
  /** @default 443 */
  readonly healthCheckPort?: number;
  /** @default - every region Route 53 health checkers run from */
  readonly checkerRegions?: readonly string[];
  /** @default true */
  readonly measureLatency?: boolean;
  /** TTL of non-alias records. @default - the tier's, at most 60 s for records that take part in failover */
  readonly ttlSeconds?: number;
  /** How the construct spells its TTL prop (for messages and the warning id). @default 'ttl' */
  readonly ttlProp?: string;
  /** The service's allowed regions (data residency). @default - unconstrained */
  readonly allowedRegions?: readonly string[];
  /** Whether ARC routing controls gate the records. @default false */
  readonly routingControls?: boolean;
  /** Region the records and health checks are created in; undefined when not known at synthesis. */
  readonly region?: string;
  /** How messages say where `region` comes from ("the stack's region"). */
  readonly regionSource: string;
  /** Region the health-check alarms are created in; undefined when not known at synthesis. */
  readonly alarmsRegion?: string;
  /**
   * The prop that places the alarms, when the construct has one (Terraform's `metricsProvider`):
   * a region other than us-east-1 is then refused. Without one (CDK), the alarms go in the stack's
   * region, and are left out with a warning when that is not us-east-1.
   * @default - the alarms go in the stack's region
   */
  readonly alarmsRegionProp?: string;
}

/** A record, per endpoint. */
export interface DnsRecordPlan {
  readonly region: string;
  /** `A` alias to a load balancer, or `CNAME` to a domain name. */
  readonly type: 'A' | 'CNAME';
  /** Whether it is an alias record (which evaluates its target's health). */
  readonly alias: boolean;
  /**
   * TTL of the record; undefined for an alias record, which has none of its own: resolvers cache
   * it for the target's TTL (60 s for a load balancer, `ROUTE53_ALIAS_ELB_TTL_SECONDS`).
   */
  readonly ttlSeconds?: number;
  /** Set identifier (the region); undefined for SIMPLE routing, which has one record. */
  readonly setIdentifier?: string;
  /** FAILOVER routing: the record's role. */
  readonly failover?: 'PRIMARY' | 'SECONDARY';
  /** WEIGHTED routing: the record's weight. */
  readonly weight?: number;
  /** LATENCY routing: the region Route 53 measures latency to. */
  readonly latencyRegion?: string;
}

/** The Route 53 health check of each endpoint. */
export interface Route53HealthCheckPlan {
  readonly type: 'HTTPS';
  readonly port: number;
  readonly path: string;
  /** Send the endpoint's name in the TLS handshake, so a load balancer serving several certificates answers. */
  readonly enableSni: boolean;
  readonly requestIntervalSeconds: number;
  readonly failureThreshold: number;
  /** Latency graphs per checker region: a degrading region shows before it fails its checks. */
  readonly measureLatency: boolean;
  readonly regions: readonly string[];
}

/** The alarm on each health check's `HealthCheckStatus` (1 healthy, 0 not). */
export interface HealthCheckAlarmPlan {
  readonly namespace: 'AWS/Route53';
  readonly metricName: 'HealthCheckStatus';
  /** The lowest report of the period: one unhealthy minute is enough. */
  readonly statistic: 'Minimum';
  readonly periodSeconds: number;
  /** One period: the health check has already waited for its failure threshold. */
  readonly evaluationPeriods: number;
  readonly threshold: number;
  readonly comparisonOperator: 'LessThanThreshold';
  /** No data means no checks: the alarm says so rather than stay quiet. */
  readonly treatMissingData: 'breaching';
  /** Where the alarms live: Route 53 publishes the metric there only. */
  readonly region: string;
}

/** ARC routing controls, one per region, ANDed into each record's health. */
export interface RoutingControlsPlan {
  /** Where ARC's configuration API, and so the stack that holds them, is. */
  readonly region: string;
  /** Children of the calculated check a record uses that must be healthy: the endpoint's check and its control. */
  readonly recordHealthThreshold: number;
  /** The safety rule: at least this many regions' controls stay On. */
  readonly minControlsOn: number;
  /** The safety rule holds further changes this long after one, so a quick off/on cannot flap traffic. */
  readonly waitPeriodMs: number;
}

/** The plan. */
export interface DnsFailoverPlan {
  readonly routing: DnsRoutingName;
  /** One record per endpoint, in the order of the endpoints. */
  readonly records: readonly DnsRecordPlan[];
  /**
   * Per endpoint with a load balancer or an api, the label of a plain record that always names that region
   * (`<recordName>-<region>`): what a probe of one region requests, so that it measures that region
   * and does not follow the routed name to whichever region answers (an api's health check requests it too).
   * None for load balancers under SIMPLE routing.
   */
  readonly regionalLabels: readonly { readonly region: string; readonly label: string }[];
  /** TTL of the non-alias records (what `ttl` chose, or the tier's limit). */
  readonly ttlSeconds: number;
  /** What resolvers cache an answer for: the alias target's TTL when every record is an alias, else `ttlSeconds`. */
  readonly cachedSeconds: number;
  readonly healthCheck: Route53HealthCheckPlan;
  /** undefined when no alarms can be made (the stack is not in us-east-1). */
  readonly healthCheckAlarm?: HealthCheckAlarmPlan;
  /** undefined unless routing controls are asked for. */
  readonly routingControls?: RoutingControlsPlan;
  /** Worst-case seconds from a region failing to clients following the new answer (`dnsFailoverSeconds`). */
  readonly failoverSeconds: number;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** Defaults of the construct's own settings (what the tier leaves to the service). */
export const DNS_DEFAULTS = {
  healthCheckPath: READINESS_PATH,
  /** HTTPS. */
  healthCheckPort: 443,
  /** Any equal weights split traffic evenly; 100 leaves room to weigh a region up or down. */
  weight: 100,
  measureLatency: true,
  /** A change of routing controls holds further changes for 5 s. */
  safetyRuleWaitPeriodMs: 5000,
} as const;

/** Ports a health check may request. @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html */
const PORT_MAX = 65535;
/** A literal AWS region name (`eu-west-1`, `us-gov-west-1`). */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The routing a tier calls for: latency when every region serves, a simple record for one region, else failover. */
export function defaultDnsRouting(strategy: DrStrategy, endpointCount: number): DnsRoutingName {
  switch (strategy) {
    case DrStrategy.ACTIVE_ACTIVE:
      return 'LATENCY';
    case DrStrategy.BACKUP_RESTORE:
      return endpointCount === 1 ? 'SIMPLE' : 'FAILOVER';
    default:
      return 'FAILOVER';
  }
}

/**
 * Plans a service name across regions.
 *
 * - **Routing**: LATENCY for ACTIVE_ACTIVE (WEIGHTED on request), FAILOVER (one PRIMARY, one
 *   SECONDARY; the first endpoint primary unless roles say otherwise) for WARM_STANDBY and
 *   PILOT_LIGHT, SIMPLE (one record) for BACKUP_RESTORE with one endpoint. A routing that does
 *   not fit the strategy warns.
 * - **TTL**: alias records to a load balancer have none of their own (resolvers cache the
 *   balancer's 60 s); other records get `ttl`, by default the tier's `dnsTtlSeconds`, capped at
 *   the 60 s AWS recommends for records that take part in failover (all but SIMPLE).
 * - **Health check**: HTTPS on `healthCheckPort` and `healthCheckPath`, the tier's interval and
 *   failure threshold, latency measured, from every checker region unless told.
 * - **Failover time**: interval × threshold + 6 s check timeout + cached TTL (`dnsFailoverSeconds`);
 *   it warns when DNS moves clients between regions (any routing but SIMPLE) slower than the
 *   tier's region RTO.
 * - **Alarms**: `HealthCheckStatus` Minimum < 1 over one minute, missing data breaching, in
 *   us-east-1 (the only region with the metric).
 *
 * Example: TIER_1, alias endpoints in us-east-1 and us-west-2 → FAILOVER, PRIMARY us-east-1;
 * health check every 10 s, 3 failures; failover 10 × 3 + 6 + 60 = 96 s, within the 900 s RTO.
 */
export function planDnsFailover(tier: ServiceTier, intent: DnsFailoverIntent): DnsFailoverPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });
  const { endpoints } = intent;
  const regions = endpoints.map((e) => e.region);
  const routing = intent.routing ?? defaultDnsRouting(tier.strategy, endpoints.length);

  // The api kind exists on engines that have it (CDK's FailoverDns): messages name it only there.
  const apis = endpoints.some((e) => e.api);
  const kinds = apis ? 'loadBalancer, domainName and api' : 'loadBalancer and domainName';
  endpoints.forEach((endpoint, i) => {
    if (typeof endpoint.region !== 'string' || !REGION_NAME.test(endpoint.region)) {
      problem(
        'endpoints',
        `endpoints[${i}].region must be a literal AWS region name such as eu-west-1, got: ${endpoint.region}`,
      );
    }
    const given = [endpoint.loadBalancer, endpoint.domainName, endpoint.api === true].filter(Boolean).length;
    if (given !== 1) {
      problem(
        'endpoints',
        `endpoints[${i}] (${endpoint.region}) must have exactly one of ${kinds}, ` +
          `got: ${given === 0 ? 'neither' : given === 2 ? 'both' : 'all three'}`,
      );
    }
    if (endpoint.api && intent.recordName === undefined) {
      problem(
        'recordName',
        `recordName must be a literal with api endpoints (it names their regional domain), got: a token`,
      );
    } else if (endpoint.api && endpoint.apiRegionalName !== undefined) {
      const label = regionalLabel(intent.recordName!, endpoint.region);
      const zone = intent.zoneName;
      const expected = zone === undefined || label.endsWith(`.${zone}`) ? label : `${label}.${zone}`;
      if (zone !== undefined && endpoint.apiRegionalName !== expected) {
        problem(
          'endpoints',
          `endpoints[${i}].api must answer on ${expected}, the regional name its health check requests (build the ` +
            `RegionalApi with the same recordName), got: ${endpoint.apiRegionalName}`,
        );
      }
    }
    const weight = endpoint.weight;
    if (weight !== undefined && (!Number.isInteger(weight) || weight < 0 || weight > ROUTE53_WEIGHT_MAX)) {
      problem('endpoints', `endpoints[${i}].weight must be an integer from 0 to ${ROUTE53_WEIGHT_MAX}, got: ${weight}`);
    }
  });
  // An api endpoint is a CNAME record like a domainName: the two may share the name.
  const kind = (e: DnsEndpointIntent) => (e.loadBalancer ? 'loadBalancer' : e.api ? 'api' : 'domainName');
  if (new Set(endpoints.map((e) => e.loadBalancer)).size > 1) {
    problem(
      'endpoints',
      `endpoints must all have a loadBalancer or all a domainName${apis ? ' or api' : ''} (a CNAME record cannot share its name ` +
        `with alias A records), got: ${endpoints.map((e) => `${e.region} ${kind(e)}`).join(', ')}`,
    );
  }
  if (endpoints.length < tier.minRegions) {
    problem(
      'endpoints',
      `endpoints must list at least ${tier.minRegions} region${tier.minRegions === 1 ? '' : 's'} for ` +
        `${tier.name}, got: ${endpoints.length} (${regions.join(', ') || 'none'})`,
    );
  }
  const placement = regionPlacementProblem({
    prop: 'endpoints',
    replicaRegions: regions,
    allowedRegions: intent.allowedRegions,
  });
  if (placement) {
    problem('endpoints', placement);
  }
  if (routing === 'SIMPLE' && endpoints.length !== 1) {
    problem(
      'endpoints',
      `endpoints must list exactly 1 region for SIMPLE routing, got: ${endpoints.length} (${regions.join(', ')})`,
    );
  }
  const expected: DnsRoutingName[] = tier.allRegionsServe ? ['LATENCY', 'WEIGHTED'] : ['FAILOVER', 'SIMPLE'];
  if (intent.routing && !expected.includes(intent.routing)) {
    warnings.push({
      id: 'routing',
      message:
        `routing ${intent.routing} does not match ${tier.name}'s ${tier.strategy} strategy (expected ${expected.join(' or ')}): ` +
        (tier.allRegionsServe
          ? 'only one region serves, so a region loss is a failover, not a shift of load'
          : 'the standby region receives traffic it is not scaled for'),
    });
  }

  const alarm = alarmsPlacement(intent, problem, warnings);
  // The records, health checks and alarms are resources of the construct too: HA-DR2 checks their regions.
  const own = [intent.region, alarm ? intent.alarmsRegion : undefined].filter((r): r is string => r !== undefined);
  const created = alarm ? 'records, health checks and their alarms' : 'records and health checks';
  const ownProblem = ownRegionsProblem(
    intent.allowedRegions,
    own,
    `where the ${created} are created (${intent.regionSource})`,
  );
  if (ownProblem) {
    problem('allowedRegions', ownProblem);
  }
  if (intent.routingControls) {
    if (intent.region === undefined) {
      warnings.push({
        id: 'routingControls',
        message:
          'the stack has no concrete region: routingControls creates ARC resources (AWS::Route53RecoveryControl::*), ' +
          `which deploy only in ${ARC_CONTROL_PLANE_REGION}, where ARC's configuration API is served; deploy the stack there`,
      });
    } else if (intent.region !== ARC_CONTROL_PLANE_REGION) {
      problem(
        'routingControls',
        `routingControls needs the stack in ${ARC_CONTROL_PLANE_REGION}, the only region that serves ` +
          `ARC's configuration API and its AWS::Route53RecoveryControl::* resources, got: ${intent.region}`,
      );
    }
  }
  const roles = failoverRoles(routing, endpoints, problem);

  const path = intent.healthCheckPath ?? DNS_DEFAULTS.healthCheckPath;
  const pathProblem =
    intent.healthCheckPath === undefined ? undefined : healthCheckPathProblem('healthCheckPath', path);
  if (pathProblem) {
    problem('healthCheckPath', pathProblem);
  }
  const port = intent.healthCheckPort ?? DNS_DEFAULTS.healthCheckPort;
  if (!Number.isInteger(port) || port < 1 || port > PORT_MAX) {
    problem('healthCheckPort', `healthCheckPort must be an integer from 1 to ${PORT_MAX}, got: ${port}`);
  }
  const checkerRegions = intent.checkerRegions ?? ROUTE53_HEALTH_CHECKER_REGIONS;
  const checkerProblem = checkerRegionsProblem('checkerRegions', checkerRegions);
  if (checkerProblem) {
    problem('checkerRegions', checkerProblem);
  }

  const ttlSeconds = recordTtlSeconds(tier, intent, routing, problem, warnings);
  const aliased = endpoints.every((e) => e.loadBalancer);
  const cachedSeconds = aliased ? ROUTE53_ALIAS_ELB_TTL_SECONDS : ttlSeconds;
  const failoverSeconds = dnsFailoverSeconds({
    intervalSeconds: tier.healthCheckIntervalSeconds,
    failureThreshold: tier.healthCheckFailureThreshold,
    ttlSeconds: cachedSeconds,
  });
  // One rule for every engine: it matters wherever DNS moves clients between regions.
  if (routing !== 'SIMPLE' && failoverSeconds > tier.regionRtoSeconds) {
    warnings.push({
      id: 'failoverSeconds',
      message: `DNS failover takes up to ${failoverSeconds} s with these settings, more than ${tier.name}'s region RTO of ${tier.regionRtoSeconds} s`,
    });
  }

  return {
    routing,
    records: endpoints.map((endpoint, i) => ({
      region: endpoint.region,
      type: endpoint.loadBalancer ? 'A' : 'CNAME',
      alias: endpoint.loadBalancer,
      ttlSeconds: endpoint.loadBalancer ? undefined : ttlSeconds,
      setIdentifier: routing === 'SIMPLE' ? undefined : endpoint.region,
      failover: roles[i],
      weight: routing === 'WEIGHTED' ? (endpoint.weight ?? DNS_DEFAULTS.weight) : undefined,
      latencyRegion: routing === 'LATENCY' ? endpoint.region : undefined,
    })),
    // An api endpoint's health check requests its regional name, whatever the routing.
    regionalLabels:
      intent.recordName === undefined
        ? []
        : endpoints
            .filter((endpoint) => endpoint.api || (routing !== 'SIMPLE' && endpoint.loadBalancer))
            .map((endpoint) => ({
              region: endpoint.region,
              label: regionalLabel(intent.recordName!, endpoint.region),
            })),
    ttlSeconds,
    cachedSeconds,
    healthCheck: {
      type: 'HTTPS',
      port,
      path,
      enableSni: true,
      requestIntervalSeconds: tier.healthCheckIntervalSeconds,
      failureThreshold: tier.healthCheckFailureThreshold,
      measureLatency: intent.measureLatency ?? DNS_DEFAULTS.measureLatency,
      regions: [...checkerRegions],
    },
    healthCheckAlarm: alarm
      ? {
          namespace: 'AWS/Route53',
          metricName: 'HealthCheckStatus',
          statistic: 'Minimum',
          periodSeconds: ROUTE53_HEALTH_CHECK_METRIC_PERIOD_SECONDS,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: 'LessThanThreshold',
          treatMissingData: 'breaching',
          region: ROUTE53_METRICS_REGION,
        }
      : undefined,
    routingControls: intent.routingControls
      ? {
          region: ARC_CONTROL_PLANE_REGION,
          recordHealthThreshold: 2,
          minControlsOn: 1,
          waitPeriodMs: DNS_DEFAULTS.safetyRuleWaitPeriodMs,
        }
      : undefined,
    failoverSeconds,
    problems,
    warnings,
  };
}

/**
 * Whether health-check alarms are made. Route 53 publishes `HealthCheckStatus` in us-east-1 only
 * and an alarm must live in its metric's region: a construct with a prop for the alarms' region
 * must point it there; one without (CDK: the stack's region) makes none elsewhere, and warns.
 */
function alarmsPlacement(
  intent: DnsFailoverIntent,
  problem: (prop: string, message: string) => void,
  warnings: PlanWarning[],
): boolean {
  const region = intent.alarmsRegion;
  const prop = intent.alarmsRegionProp;
  if (region === undefined) {
    warnings.push({
      id: 'healthCheckAlarms',
      message:
        `${prop ?? 'the stack'} has no concrete region: the health-check alarms only receive data when it is deployed to ` +
        `${ROUTE53_METRICS_REGION}, where Route 53 publishes health-check metrics`,
    });
    return true;
  }
  if (region === ROUTE53_METRICS_REGION) {
    return true;
  }
  if (prop) {
    problem(
      prop,
      `${prop} must be in ${ROUTE53_METRICS_REGION} (Route 53 publishes health-check metrics there only), got: ${region}`,
    );
    return true;
  }
  warnings.push({
    id: 'healthCheckAlarms',
    message:
      `no health-check alarms: Route 53 publishes health-check metrics in ${ROUTE53_METRICS_REGION} only and an alarm must ` +
      `live in its metric's region; put the DNS stack in ${ROUTE53_METRICS_REGION} to get them, got: ${region}`,
  });
  return false;
}

/** PRIMARY/SECONDARY per endpoint for FAILOVER routing (undefined otherwise): exactly one of each. */
function failoverRoles(
  routing: DnsRoutingName,
  endpoints: readonly DnsEndpointIntent[],
  problem: (prop: string, message: string) => void,
): ('PRIMARY' | 'SECONDARY' | undefined)[] {
  const roles = endpoints.map((e, i) => e.role ?? (i === 0 ? 'primary' : 'secondary'));
  if (routing !== 'FAILOVER') {
    return endpoints.map(() => undefined);
  }
  const described = endpoints.map((e, i) => `${roles[i]} ${e.region}`).join(', ');
  if (endpoints.length < 2) {
    problem(
      'endpoints',
      `endpoints must hold a primary and a secondary for FAILOVER routing, got: no secondary (${described})`,
    );
  } else if (endpoints.length > 2) {
    problem(
      'endpoints',
      'endpoints must hold exactly 2 regions for FAILOVER routing (one PRIMARY and one SECONDARY record), ' +
        `got: ${endpoints.length} (${endpoints.map((e) => e.region).join(', ')})`,
    );
  } else if (!roles.includes('primary') || !roles.includes('secondary')) {
    problem('endpoints', `endpoints must hold one primary and one secondary for FAILOVER routing, got: ${described}`);
  }
  return roles.map((role) => (role === 'primary' ? 'PRIMARY' : 'SECONDARY'));
}

/**
 * TTL of the non-alias records: `ttl`, else the tier's, capped at 60 s for failover records. A TTL
 * above that limit keeps resolvers on a failed region longer, and warns; on alias records it has no
 * effect, and warns too.
 */
function recordTtlSeconds(
  tier: ServiceTier,
  intent: DnsFailoverIntent,
  routing: DnsRoutingName,
  problem: (prop: string, message: string) => void,
  warnings: PlanWarning[],
): number {
  const prop = intent.ttlProp ?? 'ttl';
  const limit =
    routing === 'SIMPLE' ? tier.dnsTtlSeconds : Math.min(tier.dnsTtlSeconds, ROUTE53_FAILOVER_TTL_MAX_SECONDS);
  const seconds = intent.ttlSeconds;
  if (seconds === undefined) {
    return limit;
  }
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > ROUTE53_TTL_MAX_SECONDS) {
    problem(prop, `${prop} must be a whole number of seconds from 0 to ${ROUTE53_TTL_MAX_SECONDS}, got: ${seconds}`);
    return limit;
  }
  if (!intent.endpoints.some((e) => e.domainName || e.api)) {
    warnings.push({
      id: prop,
      message:
        `${prop} applies to non-alias (domainName) endpoints only; alias records to a load balancer always carry its ` +
        `${ROUTE53_ALIAS_ELB_TTL_SECONDS} s, got: ${seconds} s`,
    });
  } else if (seconds > limit) {
    warnings.push({
      id: prop,
      message:
        `${prop} of ${seconds} s is above ${tier.name}'s limit of ${limit} s for ${routing} records: resolvers keep ` +
        'answering with a failed region that much longer',
    });
  }
  return seconds;
}

/**
 * The name of the record that names one region of a routed name: `api` in us-east-1 is
 * `api-us-east-1`, and a full name `api.example.com` is `api-us-east-1.example.com` (the region
 * goes on the first label, so the name stays in its zone). Certificates of that region list it.
 */
export function regionalLabel(recordName: string, region: string): string {
  const dot = recordName.indexOf('.');
  return dot < 0 ? `${recordName}-${region}` : `${recordName.slice(0, dot)}-${region}${recordName.slice(dot)}`;
}
