import { HaValidationError } from './errors';
import { composeParallel } from './availability';
import { dnsFailoverSeconds, targetFailoverSeconds } from './failover';
import {
  CLOUDWATCH_LOG_RETENTION_DAYS,
  PUBLISHED_SLAS,
  ROUTE53_FAILURE_THRESHOLD_DEFAULT,
  ROUTE53_FAILURE_THRESHOLD_MAX,
  ROUTE53_FAILURE_THRESHOLD_MIN,
  ROUTE53_HEALTH_CHECK_INTERVALS_SECONDS,
  ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS,
} from './figures';
import { FLEET_HEALTH_CHECK_CANDIDATES } from './fleet-health';
import { clean, requireAtLeast, requireInteger, requireTarget } from './numbers';

/**
 * Disaster-recovery strategy of a service, after AWS Well-Architected REL13
 * ("Plan for disaster recovery"), from the most to the least available.
 * @see https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html
 */
export enum DrStrategy {
  /** Every region serves traffic; a region loss only shifts load. */
  ACTIVE_ACTIVE = 'ACTIVE_ACTIVE',
  /** A scaled-down but fully functional copy runs in the standby region and is scaled up on failover. */
  WARM_STANDBY = 'WARM_STANDBY',
  /** Data is replicated to the standby region; compute there is off until failover. */
  PILOT_LIGHT = 'PILOT_LIGHT',
  /** One serving region; backups are copied to another region and restored after a disaster. */
  BACKUP_RESTORE = 'BACKUP_RESTORE',
}

/**
 * An AZ RTO at or below this leaves no time to launch and warm replacement instances: the fleet
 * must already run them elsewhere (static stability), the `staticallyStable` default.
 */
const STATIC_STABILITY_AZ_RTO_SECONDS = 120;

/**
 * Days operational logs are kept when a tier does not say: a year, whatever the tier (how long a
 * record of what happened is kept is an audit question, not an availability one).
 */
const DEFAULT_LOG_RETENTION_DAYS = 365;

/**
 * Days a drill's measurement stays fresh when a tier does not say (`drillIntervalDays`). A tier
 * with a second region rehearses its failover at least quarterly: a region evacuation is a
 * cross-service GameDay, which AWS's resilience-program guidance runs at least quarterly. A
 * backup-and-restore tier tests its restore at least annually, the frequency FedRAMP's Moderate
 * baseline assigns to contingency-plan tests (NIST SP 800-53 CP-4, functional exercises). Counted
 * as the longest quarter (92 days: July to September) and the longest year (366 days), so a drill
 * run on the same date every quarter or year is never stale.
 * @see https://github.com/aws/agent-toolkit-for-aws/blob/main/skills/specialized-skills/resilience-skills/resilience-program-design/SKILL.md
 * @see https://github.com/GSA/fedramp-automation/blob/master/dist/content/rev5/baselines/json/FedRAMP_rev5_MODERATE-baseline_profile.json (cp-04_odp.01)
 */
const REGION_DRILL_INTERVAL_DAYS = 92;
const RESTORE_DRILL_INTERVAL_DAYS = 366;

/**
 * The highest published uptime commitment for compute in one zone, over the engines (EC2 99.5% and
 * Compute Engine 99.9% for a single instance), and in one region (99.99% for instances in two or
 * more zones, both providers). A tier that promises more than its deployment shape can be credited
 * with asks for what no provider commits to; the HA report composes the same figures.
 */
const SINGLE_ZONE_SLA = Math.max(PUBLISHED_SLAS.EC2_SINGLE_INSTANCE, PUBLISHED_SLAS.COMPUTE_ENGINE_SINGLE_INSTANCE);
const MULTI_ZONE_SLA = Math.max(PUBLISHED_SLAS.EC2_MULTI_AZ, PUBLISHED_SLAS.COMPUTE_ENGINE_MULTI_ZONE);

/** The objectives (and optional operating defaults) of a service tier. */
export interface ServiceTierProps {
  /** Name of the tier, shown in findings and the report (e.g. `payments-critical`). */
  readonly name: string;
  /** Disaster-recovery strategy. */
  readonly strategy: DrStrategy;
  /** Availability SLO as a ratio, strictly between 0 and 1 (e.g. 0.9995). */
  readonly availabilityTarget: number;
  /** Minimum number of availability zones the service spans in each region. */
  readonly minAzs: number;
  /** Minimum number of regions (serving or standby). BACKUP_RESTORE may use 1; every other strategy needs 2. */
  readonly minRegions: number;
  /** Recovery time objective for the loss of one availability zone, in seconds. */
  readonly azRtoSeconds: number;
  /** Recovery point objective for the loss of one availability zone, in seconds. */
  readonly azRpoSeconds: number;
  /** Recovery time objective for the loss of a region, in seconds. */
  readonly regionRtoSeconds: number;
  /** Recovery point objective for the loss of a region, in seconds. */
  readonly regionRpoSeconds: number;
  /**
   * Whether the fleet must keep peak capacity after losing one AZ without launching anything
   * (needs `minAzs` of at least 2: the capacity is kept in the AZs that survive).
   * @default - true when `azRtoSeconds` ≤ 120 (too short to launch and warm replacement instances)
   */
  readonly staticallyStable?: boolean;
  /**
   * Route 53 health-check request interval (10 or 30).
   * @default - 10 when `regionRtoSeconds` ≤ 900, otherwise 30
   */
  readonly healthCheckIntervalSeconds?: number;
  /**
   * Consecutive failed health checks before an endpoint is unhealthy (1–10).
   * @default 3
   */
  readonly healthCheckFailureThreshold?: number;
  /**
   * TTL of non-alias DNS records.
   * @default - 60 when `regionRtoSeconds` ≤ 3600, otherwise 300
   */
  readonly dnsTtlSeconds?: number;
  /**
   * Days backups are kept.
   * @default - 35 when `regionRpoSeconds` ≤ 60, 14 when ≤ 900, otherwise 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Hours between scheduled backups.
   * @default - half the region RPO in whole hours, between 1 and 24
   */
  readonly backupIntervalHours?: number;
  /**
   * Days operational logs are kept (a CloudWatch Logs retention value).
   * @default 365 - a year, for every tier: the retention audits commonly ask for, and what AWS
   * Control Tower's proactive control CT.CLOUDWATCH.PR.2 requires of every log group
   */
  readonly logRetentionDays?: number;
  /**
   * Minutes between synthetic probes of the service's endpoint.
   * @default - 1 when `availabilityTarget` ≥ 0.9995, 5 when ≥ 0.999, otherwise 15
   */
  readonly probeIntervalMinutes?: number;
  /**
   * Days a drill's measurement counts in the resilience report (`recordDrillMeasurement`): an older
   * one is stale, and the step it measured is unknown again until the drill runs again.
   * @default - 92 (quarterly) for a strategy with a second region, 366 (annually) for BACKUP_RESTORE
   */
  readonly drillIntervalDays?: number;
}

/**
 * How available a service must be: its objectives per failure domain and the operating defaults
 * (AZ count, health checks, DNS TTL, backups) that every construct of this library reads.
 *
 * The built-in tiers follow the AWS DR strategies and Resilience Hub's per-failure-domain
 * objectives; see the README's tier table. An explicit construct prop always wins over a tier
 * default, and the resilience report then says whether the objective still holds.
 */
export class ServiceTier {
  /** Mission critical: multi-site active/active, 99.99%, 3 AZs, 2+ serving regions, region RTO 2 min, RPO 1 s. */
  public static readonly TIER_0 = new ServiceTier({
    name: 'TIER_0',
    strategy: DrStrategy.ACTIVE_ACTIVE,
    availabilityTarget: 0.9999,
    minAzs: 3,
    minRegions: 2,
    azRtoSeconds: 30,
    azRpoSeconds: 0,
    regionRtoSeconds: 120,
    regionRpoSeconds: 1,
  });

  /** Critical: warm standby, 99.95%, 3 AZs, 2 regions, region RTO 15 min, RPO 1 min. */
  public static readonly TIER_1 = new ServiceTier({
    name: 'TIER_1',
    strategy: DrStrategy.WARM_STANDBY,
    availabilityTarget: 0.9995,
    minAzs: 3,
    minRegions: 2,
    azRtoSeconds: 120,
    azRpoSeconds: 0,
    regionRtoSeconds: 900,
    regionRpoSeconds: 60,
  });

  /** Important: pilot light, 99.9%, 2 AZs, 2 regions (standby holds data only), region RTO 1 h, RPO 15 min. */
  public static readonly TIER_2 = new ServiceTier({
    name: 'TIER_2',
    strategy: DrStrategy.PILOT_LIGHT,
    availabilityTarget: 0.999,
    minAzs: 2,
    minRegions: 2,
    azRtoSeconds: 300,
    azRpoSeconds: 0,
    regionRtoSeconds: 3600,
    regionRpoSeconds: 900,
  });

  /** Standard: backup and restore, 99.5%, 2 AZs, 1 region plus backup copies, region RTO and RPO 24 h. */
  public static readonly TIER_3 = new ServiceTier({
    name: 'TIER_3',
    strategy: DrStrategy.BACKUP_RESTORE,
    availabilityTarget: 0.995,
    minAzs: 2,
    minRegions: 1,
    azRtoSeconds: 900,
    azRpoSeconds: 0,
    regionRtoSeconds: 86400,
    regionRpoSeconds: 86400,
  });

  /** The built-in tiers, most available first. */
  public static readonly BUILT_IN: readonly ServiceTier[] = [
    ServiceTier.TIER_0,
    ServiceTier.TIER_1,
    ServiceTier.TIER_2,
    ServiceTier.TIER_3,
  ];

  /**
   * A tier with your own objectives. Every field is validated; the operating defaults you leave out
   * are derived from the objectives (see {@link ServiceTierProps}).
   */
  public static custom(props: ServiceTierProps): ServiceTier {
    return new ServiceTier(props);
  }

  /** The built-in tier of that name (`TIER_0` … `TIER_3`). */
  public static fromName(name: string): ServiceTier {
    const tier = ServiceTier.BUILT_IN.find((t) => t.name === name);
    if (!tier) {
      throw new HaValidationError(
        `tier must be one of ${ServiceTier.BUILT_IN.map((t) => t.name).join(', ')}, got: ${name}`,
      );
    }
    return tier;
  }

  public readonly name: string;
  public readonly strategy: DrStrategy;
  public readonly availabilityTarget: number;
  public readonly minAzs: number;
  public readonly minRegions: number;
  public readonly azRtoSeconds: number;
  public readonly azRpoSeconds: number;
  public readonly regionRtoSeconds: number;
  public readonly regionRpoSeconds: number;
  public readonly staticallyStable: boolean;
  public readonly healthCheckIntervalSeconds: number;
  public readonly healthCheckFailureThreshold: number;
  public readonly dnsTtlSeconds: number;
  public readonly backupRetentionDays: number;
  public readonly backupIntervalHours: number;
  public readonly logRetentionDays: number;
  public readonly probeIntervalMinutes: number;
  public readonly drillIntervalDays: number;

  private constructor(props: ServiceTierProps) {
    validateObjectives(props);
    this.name = props.name;
    this.strategy = props.strategy;
    this.availabilityTarget = props.availabilityTarget;
    this.minAzs = props.minAzs;
    this.minRegions = props.minRegions;
    this.azRtoSeconds = props.azRtoSeconds;
    this.azRpoSeconds = props.azRpoSeconds;
    this.regionRtoSeconds = props.regionRtoSeconds;
    this.regionRpoSeconds = props.regionRpoSeconds;

    this.staticallyStable = props.staticallyStable ?? props.azRtoSeconds <= STATIC_STABILITY_AZ_RTO_SECONDS;
    const dns = operatingDnsDefaults(props.regionRtoSeconds);
    this.healthCheckIntervalSeconds = props.healthCheckIntervalSeconds ?? dns.healthCheckIntervalSeconds;
    this.healthCheckFailureThreshold = props.healthCheckFailureThreshold ?? dns.healthCheckFailureThreshold;
    this.dnsTtlSeconds = props.dnsTtlSeconds ?? dns.dnsTtlSeconds;
    this.backupRetentionDays =
      props.backupRetentionDays ?? (props.regionRpoSeconds <= 60 ? 35 : props.regionRpoSeconds <= 900 ? 14 : 7);
    this.backupIntervalHours =
      props.backupIntervalHours ?? Math.min(24, Math.max(1, Math.floor(props.regionRpoSeconds / 7200)));
    this.logRetentionDays = props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    this.probeIntervalMinutes =
      props.probeIntervalMinutes ??
      (props.availabilityTarget >= 0.9995 ? 1 : props.availabilityTarget >= 0.999 ? 5 : 15);
    this.drillIntervalDays =
      props.drillIntervalDays ??
      (props.strategy === DrStrategy.BACKUP_RESTORE ? RESTORE_DRILL_INTERVAL_DAYS : REGION_DRILL_INTERVAL_DAYS);
    validateDefaults(this);
    const contradiction = tierContradiction(props);
    if (contradiction) {
      throw new HaValidationError(contradiction);
    }
  }

  /** Whether the strategy keeps a second region (serving or standby). */
  public get isMultiRegion(): boolean {
    return this.strategy !== DrStrategy.BACKUP_RESTORE;
  }

  /** Whether every region serves traffic (only ACTIVE_ACTIVE). */
  public get allRegionsServe(): boolean {
    return this.strategy === DrStrategy.ACTIVE_ACTIVE;
  }

  /** The objectives as a plain record (what the HA metadata carries). */
  public toObjectives(): TierObjectives {
    return {
      availabilityTarget: this.availabilityTarget,
      minAzs: this.minAzs,
      minRegions: this.minRegions,
      azRtoSeconds: this.azRtoSeconds,
      azRpoSeconds: this.azRpoSeconds,
      regionRtoSeconds: this.regionRtoSeconds,
      regionRpoSeconds: this.regionRpoSeconds,
    };
  }
}

/** A tier's objectives as plain data. */
export interface TierObjectives {
  readonly availabilityTarget: number;
  readonly minAzs: number;
  readonly minRegions: number;
  readonly azRtoSeconds: number;
  readonly azRpoSeconds: number;
  readonly regionRtoSeconds: number;
  readonly regionRpoSeconds: number;
}

function validateObjectives(props: ServiceTierProps): void {
  if (typeof props.name !== 'string' || props.name.trim() === '') {
    throw new HaValidationError(`name must be a non-empty string, got: ${JSON.stringify(props.name)}`);
  }
  const strategies = Object.values(DrStrategy) as string[];
  if (!strategies.includes(props.strategy)) {
    throw new HaValidationError(`strategy must be one of ${strategies.join(', ')}, got: ${String(props.strategy)}`);
  }
  requireTarget('availabilityTarget', props.availabilityTarget);
  requireInteger('minAzs', props.minAzs, 1);
  requireInteger('minRegions', props.minRegions, 1);
  requireAtLeast('azRtoSeconds', props.azRtoSeconds, 0);
  requireAtLeast('azRpoSeconds', props.azRpoSeconds, 0);
  requireAtLeast('regionRtoSeconds', props.regionRtoSeconds, 0);
  requireAtLeast('regionRpoSeconds', props.regionRpoSeconds, 0);
  if (props.strategy !== DrStrategy.BACKUP_RESTORE && props.minRegions < 2) {
    throw new HaValidationError(
      `minRegions must be at least 2 for strategy ${props.strategy} (only BACKUP_RESTORE may use one region), got: ${props.minRegions}`,
    );
  }
}

function validateDefaults(tier: ServiceTier): void {
  if (!ROUTE53_HEALTH_CHECK_INTERVALS_SECONDS.includes(tier.healthCheckIntervalSeconds)) {
    throw new HaValidationError(
      `healthCheckIntervalSeconds must be one of ${ROUTE53_HEALTH_CHECK_INTERVALS_SECONDS.join(', ')}, got: ${tier.healthCheckIntervalSeconds}`,
    );
  }
  const threshold = tier.healthCheckFailureThreshold;
  if (
    !Number.isInteger(threshold) ||
    threshold < ROUTE53_FAILURE_THRESHOLD_MIN ||
    threshold > ROUTE53_FAILURE_THRESHOLD_MAX
  ) {
    throw new HaValidationError(
      `healthCheckFailureThreshold must be an integer from ${ROUTE53_FAILURE_THRESHOLD_MIN} to ${ROUTE53_FAILURE_THRESHOLD_MAX}, got: ${threshold}`,
    );
  }
  requireInteger('dnsTtlSeconds', tier.dnsTtlSeconds, 0);
  requireInteger('backupRetentionDays', tier.backupRetentionDays, 1);
  requireInteger('backupIntervalHours', tier.backupIntervalHours, 1);
  if (tier.backupIntervalHours > 24) {
    throw new HaValidationError(`backupIntervalHours must be at most 24, got: ${tier.backupIntervalHours}`);
  }
  if (!CLOUDWATCH_LOG_RETENTION_DAYS.includes(tier.logRetentionDays)) {
    throw new HaValidationError(
      `logRetentionDays must be one of ${CLOUDWATCH_LOG_RETENTION_DAYS.join(', ')}, got: ${tier.logRetentionDays}`,
    );
  }
  requireInteger('probeIntervalMinutes', tier.probeIntervalMinutes, 1);
  requireInteger('drillIntervalDays', tier.drillIntervalDays, 1);
}

/**
 * The first pair of fields of `props` that cannot hold together, as a message naming the field,
 * the value and what is allowed; undefined when none. `props` must pass the checks of each field
 * on its own ({@link ServiceTier.custom} runs those first).
 *
 * Orderings between objectives are not contradictions: a region RTO or RPO tighter than the AZ
 * one only means the region mechanism (evacuating to another region) also serves an AZ loss, and
 * RPO and RTO measure different things (data lost, time to recover).
 */
export function tierContradiction(props: ServiceTierProps): string | undefined {
  const { minAzs, azRtoSeconds } = props;
  if (props.staticallyStable === true && minAzs < 2) {
    return (
      'minAzs must be at least 2 with staticallyStable true (peak capacity is kept after losing one AZ by the AZs ' +
      `that survive), got: ${minAzs}`
    );
  }
  // Every engine's fleets and load balancers detect a failed AZ with core's fleetTargetHealth.
  const fastest = FLEET_HEALTH_CHECK_CANDIDATES[FLEET_HEALTH_CHECK_CANDIDATES.length - 1];
  const detection = targetFailoverSeconds(fastest);
  if (azRtoSeconds < detection) {
    const { intervalSeconds, timeoutSeconds, unhealthyThresholdCount } = fastest;
    return (
      `azRtoSeconds must be at least ${detection} (the fastest target health check, every ${intervalSeconds} s ` +
      `with a ${timeoutSeconds} s timeout and ${unhealthyThresholdCount} failures, stops routing to a failed AZ ` +
      `after ${detection} s), got: ${azRtoSeconds}`
    );
  }
  if (minAzs < 2 && azRtoSeconds <= STATIC_STABILITY_AZ_RTO_SECONDS) {
    const limit = STATIC_STABILITY_AZ_RTO_SECONDS;
    return (
      `azRtoSeconds must be more than ${limit} with minAzs 1 (an AZ RTO of ${limit} s or less leaves no time to ` +
      'launch and warm replacement instances, so the capacity must already run in a second AZ: raise minAzs to 2), ' +
      `got: ${azRtoSeconds}`
    );
  }
  return availabilityContradiction(props) ?? dnsFailoverContradiction(props);
}

/** A target above what the published SLAs of the tier's deployment shape can be credited with. */
function availabilityContradiction(props: ServiceTierProps): string | undefined {
  const perRegion = props.minAzs >= 2 ? MULTI_ZONE_SLA : SINGLE_ZONE_SLA;
  const activeActive = props.strategy === DrStrategy.ACTIVE_ACTIVE;
  // Only ACTIVE_ACTIVE serves from several regions at once; a standby shortens long outages but
  // does not raise what the serving region is credited with.
  const ceiling = activeActive ? composeParallel(new Array<number>(props.minRegions).fill(perRegion)) : perRegion;
  if (props.availabilityTarget <= ceiling) {
    return undefined;
  }
  const shape = activeActive
    ? `${props.minRegions} regions serve in parallel${props.minAzs >= 2 ? '' : ', each from a single zone'}`
    : `one region serves at a time${props.minAzs >= 2 ? '' : ', from a single zone'}`;
  const why =
    props.minAzs >= 2
      ? `no published SLA for compute in one region is above ${percent(MULTI_ZONE_SLA)}, for instances in two or more ` +
        'zones'
      : `no published SLA for compute in one zone is above ${percent(SINGLE_ZONE_SLA)}, Compute Engine's single ` +
        `instance, EC2's being ${percent(PUBLISHED_SLAS.EC2_SINGLE_INSTANCE)}; ${percent(MULTI_ZONE_SLA)} needs ` +
        'instances in two or more zones, minAzs 2';
  const withAzs = props.minAzs >= 2 ? '' : ` with minAzs ${props.minAzs}`;
  return (
    `availabilityTarget must be at most ${ceiling}${withAzs} under ${props.strategy} (${shape}: ${why}), ` +
    `got: ${props.availabilityTarget}`
  );
}

/**
 * A region RTO shorter than DNS failover with the health-check and DNS settings the tier was given.
 * Only settings that differ from the derived ones count: those are Route 53's defaults, which a
 * global load balancer (Google) does not use, and the DNS constructs warn when they miss the RTO.
 * A record rebuilt from the objectives alone (the HA checks) therefore passes as the tier did.
 */
function dnsFailoverContradiction(props: ServiceTierProps): string | undefined {
  if (props.strategy === DrStrategy.BACKUP_RESTORE) {
    return undefined;
  }
  const defaults = operatingDnsDefaults(props.regionRtoSeconds);
  const settings = {
    healthCheckIntervalSeconds: props.healthCheckIntervalSeconds ?? defaults.healthCheckIntervalSeconds,
    healthCheckFailureThreshold: props.healthCheckFailureThreshold ?? defaults.healthCheckFailureThreshold,
    dnsTtlSeconds: props.dnsTtlSeconds ?? defaults.dnsTtlSeconds,
  };
  const chosen = (Object.keys(settings) as (keyof typeof settings)[]).filter((key) => settings[key] !== defaults[key]);
  const failover = dnsFailoverSeconds({
    intervalSeconds: settings.healthCheckIntervalSeconds,
    failureThreshold: settings.healthCheckFailureThreshold,
    ttlSeconds: settings.dnsTtlSeconds,
  });
  if (chosen.length === 0 || failover <= props.regionRtoSeconds) {
    return undefined;
  }
  const given = chosen.map((key) => `${key} ${settings[key]}`);
  return (
    `regionRtoSeconds must be at least ${failover} with ${listed(given)} (DNS failover takes up to ` +
    `${settings.healthCheckIntervalSeconds} s × ${settings.healthCheckFailureThreshold} failed health checks + ` +
    `${ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS} s for the last to time out + ${settings.dnsTtlSeconds} s of TTL), ` +
    `got: ${props.regionRtoSeconds}; lower ${listed(chosen, 'or')}`
  );
}

/** The health-check and DNS settings a tier derives from its region RTO when not given them. */
function operatingDnsDefaults(regionRtoSeconds: number) {
  return {
    healthCheckIntervalSeconds: regionRtoSeconds <= 900 ? 10 : 30,
    healthCheckFailureThreshold: ROUTE53_FAILURE_THRESHOLD_DEFAULT,
    dnsTtlSeconds: regionRtoSeconds <= 3600 ? 60 : 300,
  };
}

function percent(ratio: number): string {
  return `${clean(ratio * 100)}%`;
}

function listed(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) {
    return items.join('');
  }
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}
