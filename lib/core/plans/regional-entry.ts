import { PlanProblem, PlanWarning } from '../errors';
import {
  CLOUD_DNS_HEALTH_CHECK_MIN_INTERVAL_SECONDS,
  CLOUD_DNS_HEALTH_CHECK_SOURCE_REGIONS,
  PROXY_ONLY_SUBNET_MAX_PREFIX_LENGTH,
} from '../figures';
import { GCE_HEALTH_CHECK_DEFAULTS } from '../figures-checks';
import { FleetTargetHealth, fleetTargetHealth } from '../fleet-health';
import { healthCheckPathProblem, READINESS_PATH } from '../health-check-path';
import { ServiceTier } from '../tier';

/**
 * The plan of a redundant entry on Google Cloud (`RegionalEntry`): a regional external Application
 * Load Balancer in each serving region, and Cloud DNS routing that answers with the healthy ones.
 */

/** The entry as its props describe it; `undefined` where a value is unknown at synthesis. */
export interface RegionalEntryIntent {
  /** Regions of the fleets behind it; an undefined entry is unknown at synthesis. */
  readonly regions: readonly (string | undefined)[];
  /** The proxy-only subnet range of each region (`proxySubnetCidrs`). */
  readonly proxySubnetCidrs: Readonly<Record<string, string>>;
  /** Regions Cloud DNS probes the load balancers from (`dnsProbeRegions`). */
  readonly dnsProbeRegions: readonly string[];
  /** @default READINESS_PATH */
  readonly healthCheckPath?: string;
}

/** Settings of Cloud DNS's health check, and what they add up to. */
export interface DnsHealthPlan {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly unhealthyThreshold: number;
  /** interval × unhealthy threshold + timeout: until DNS stops answering with a failed region. */
  readonly detectionSeconds: number;
}

/** The plan. */
export interface RegionalEntryPlan {
  /** Each load balancer's backend check (the fleet target health of the tier's AZ RTO). */
  readonly backendHealth: FleetTargetHealth;
  readonly dnsHealth: DnsHealthPlan;
  /** TTL of the routed record: the tier's, shortened so that detection + TTL fits the region RTO. */
  readonly ttlSeconds: number;
  /** Deep check: it moves traffic between regions. */
  readonly healthCheckPath: string;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Why a proxy-only subnet range is refused, or undefined. */
function cidrProblem(region: string, cidr: string | undefined): string | undefined {
  const match = cidr === undefined ? null : CIDR.exec(cidr);
  const valid = match !== null && match.slice(1, 5).every((octet) => Number(octet) <= 255);
  const prefix = match ? Number(match[5]) : Number.NaN;
  if (!valid || prefix > PROXY_ONLY_SUBNET_MAX_PREFIX_LENGTH || prefix < 8) {
    return (
      `proxySubnetCidrs must give ${region} an IPv4 range of /${PROXY_ONLY_SUBNET_MAX_PREFIX_LENGTH} or larger ` +
      `(the regional load balancer's proxies take their addresses from it), got: ${cidr ?? 'none'}`
    );
  }
  return undefined;
}

/**
 * Plans a regional entry for `tier`.
 *
 * - a load balancer per region, its backend check the fleet target health of the tier's AZ RTO
 *   (`fleetTargetHealth`), on the deep path (it decides where traffic goes);
 * - Cloud DNS probes each load balancer from exactly 3 regions every
 *   max(30 s, tier.healthCheckIntervalSeconds), `tier.healthCheckFailureThreshold` failures, the
 *   default 5 s timeout: detection = interval × threshold + timeout;
 * - TTL = min(tier.dnsTtlSeconds, regionRtoSeconds − detection), refused below 0 (health-checked DNS
 *   cannot then move clients within the region RTO); resolvers that keep answers longer than the
 *   TTL delay clients beyond it, which no template shows;
 * - a proxy-only subnet range (/26 or larger) for every region.
 *
 * Example: TIER_0 (checks every 10 s, 3 failures, TTL 60 s, region RTO 120 s) → probes every 30 s,
 * detection 30 × 3 + 5 = 95 s, TTL min(60, 120 − 95) = 25 s; the backends' check 5 s × 2 + 4 s = 14 s.
 * @see https://cloud.google.com/load-balancing/docs/https#regional-connections
 * @see https://cloud.google.com/dns/docs/zones/manage-routing-policies
 */
export function planRegionalEntry(tier: ServiceTier, intent: RegionalEntryIntent): RegionalEntryPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });

  const known = intent.regions.filter((r): r is string => r !== undefined);
  if (intent.regions.length < tier.minRegions) {
    problem(
      'backends',
      `backends must span at least ${tier.minRegions} regions for ${tier.name}, so that DNS has a healthy region ` +
        `to answer with, got: ${intent.regions.length}`,
    );
  }
  for (const region of known) {
    const why = cidrProblem(region, intent.proxySubnetCidrs[region]);
    if (why) {
      problem('proxySubnetCidrs', why);
    }
  }
  const probes = intent.dnsProbeRegions;
  if (probes.length !== CLOUD_DNS_HEALTH_CHECK_SOURCE_REGIONS || new Set(probes).size !== probes.length) {
    problem(
      'dnsProbeRegions',
      `dnsProbeRegions must list exactly ${CLOUD_DNS_HEALTH_CHECK_SOURCE_REGIONS} different regions (Cloud DNS ` +
        `health checks of a public zone probe from 3), got: ${probes.join(', ') || 'none'}`,
    );
  }
  const healthCheckPath = intent.healthCheckPath ?? READINESS_PATH;
  const pathProblem = healthCheckPathProblem('healthCheckPath', healthCheckPath);
  if (pathProblem) {
    problem('healthCheckPath', pathProblem);
  }

  const intervalSeconds = Math.max(CLOUD_DNS_HEALTH_CHECK_MIN_INTERVAL_SECONDS, tier.healthCheckIntervalSeconds);
  const timeoutSeconds = GCE_HEALTH_CHECK_DEFAULTS.timeoutSeconds;
  const unhealthyThreshold = tier.healthCheckFailureThreshold;
  const detectionSeconds = intervalSeconds * unhealthyThreshold + timeoutSeconds;
  const room = tier.regionRtoSeconds - detectionSeconds;
  if (room < 0) {
    problem(
      'tier',
      `tier must allow Cloud DNS to detect a failed region (${detectionSeconds} s: ` +
        `probes every ${intervalSeconds} s, ` +
        `${unhealthyThreshold} failures, ${timeoutSeconds} s timeout) within its region RTO, got: ` +
        `${tier.name} (${tier.regionRtoSeconds} s)`,
    );
  }
  const ttlSeconds = Math.max(0, Math.min(tier.dnsTtlSeconds, room));

  return {
    backendHealth: fleetTargetHealth(tier.azRtoSeconds),
    dnsHealth: { intervalSeconds, timeoutSeconds, unhealthyThreshold, detectionSeconds },
    ttlSeconds,
    healthCheckPath,
    problems,
    warnings,
  };
}
