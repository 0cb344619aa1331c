import { fastestPageAlert } from '../burn-rate';
import { FleetCapacity } from '../capacity';
import { PlanProblem, PlanWarning } from '../errors';
import {
  PARTITION_PLACEMENT_MAX_PARTITIONS,
  SPREAD_PLACEMENT_MAX_PER_AZ,
  WAF_RATE_LIMIT_MAX,
  WAF_RATE_LIMIT_MIN,
  WAF_RATE_WINDOW_SECONDS,
} from '../figures';
import { fleetTargetHealth } from '../fleet-health';
import { healthCheckPathProblem, LIVENESS_PATH } from '../health-check-path';
import { HaRole } from '../metadata';
import { clean } from '../numbers';
import { ServiceTier } from '../tier';
import { checkCount, planServingCapacity } from './serving-capacity';

/**
 * The plan of a fleet behind a load balancer: what each engine's `ResilientFleet` (and Google's
 * `RegionalFleet`, for capacity and scaling) renders.
 */

/** How the fleet keeps instances off shared hardware. */
export type FleetPlacement = 'SPREAD' | 'PARTITION';

/** A fleet as its props describe it, in core's terms; `undefined` where a value is a token. */
export interface FleetIntent {
  /** AZs the instances run in (their count drives capacity); undefined when not known at synthesis. */
  readonly zoneCount: number | undefined;
  /** What the fleet is to its service. */
  readonly role: HaRole;
  readonly requiredCapacity: number;
  readonly maxCapacity: number;
  readonly standbyCapacity?: number;
  readonly placementStrategy?: FleetPlacement;
  /** Instance types the fleet may launch, in order of preference. */
  readonly instanceTypes?: readonly string[];
  readonly instancePort?: number;
  readonly healthCheckPath?: string;
  readonly targetCpuPercent?: number;
  readonly rootVolumeSizeGiB?: number;
  readonly healthCheckGracePeriodSeconds?: number;
  readonly rateLimitPerIp?: number;
  readonly zonalAutoshift?: boolean;
  readonly predictiveScaling?: boolean;
  /** Whether the load balancer routes away from targets whose errors stand out. @default true */
  readonly anomalyMitigation?: boolean;
  /** Whether the load balancer writes access logs (the CDK engine always does; Terraform when given a bucket). */
  readonly accessLogs?: boolean;
}

/** The target health check: how the load balancer (and, through ELB health, Auto Scaling) judges an instance. */
export interface TargetHealthPlan {
  readonly path: string;
  readonly port: number;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly unhealthyThresholdCount: number;
  /** As many passes to rejoin as failures to leave: a flapping instance does not bounce in and out. */
  readonly healthyThresholdCount: number;
  /** Only 200: a redirect (to a login page, say) is not a live instance. */
  readonly matcher: string;
  /** Worst-case seconds until a failed AZ's targets get no traffic: interval × unhealthy threshold + timeout. */
  readonly failoverSeconds: number;
}

/** The 5xx-share alarm that pages at the fastest burn rate and rolls deployments back. */
export interface FleetErrorAlarmPlan {
  readonly periodSeconds: number;
  readonly periodMinutes: number;
  /** Percent of requests answered 5xx over one period. */
  readonly thresholdPercent: number;
  readonly evaluationPeriods: number;
  readonly burnRate: number;
  /** How long a release bakes before the page can judge it (the fast page's long window). */
  readonly bakeSeconds: number;
}

/**
 * The target health check of a fleet or a service (`fleetTargetHealth` for the tier's AZ RTO): as
 * many passes to rejoin as failures to leave, so a flapping target does not bounce in and out; only
 * 200 is healthy. Warns when even the fastest check ALB allows takes more than half the AZ RTO.
 */
export function targetHealthPlan(
  tier: ServiceTier,
  path: string,
  port: number,
  warnings: PlanWarning[],
): TargetHealthPlan {
  const health = fleetTargetHealth(tier.azRtoSeconds);
  if (!health.withinBudget) {
    warnings.push({
      id: 'azRto',
      message:
        'the fastest target health check ALB allows stops routing to a failed AZ after ' +
        `${health.failoverSeconds} s, more than half of ${tier.name}'s AZ RTO of ${tier.azRtoSeconds} s`,
    });
  }
  return {
    path,
    port,
    intervalSeconds: health.intervalSeconds,
    timeoutSeconds: health.timeoutSeconds,
    unhealthyThresholdCount: health.unhealthyThresholdCount,
    healthyThresholdCount: health.unhealthyThresholdCount,
    matcher: '200',
    failoverSeconds: health.failoverSeconds,
  };
}

/**
 * The error alarm of a fleet or a service: the tier's fastest page alert (`fastestPageAlert`) over
 * one short window, which also judges a release after its bake (the alert's long window).
 */
export function errorAlarmPlan(tier: ServiceTier): FleetErrorAlarmPlan {
  const page = fastestPageAlert(tier.availabilityTarget);
  return {
    periodSeconds: page.shortWindowSeconds,
    periodMinutes: page.shortWindowSeconds / MINUTE,
    thresholdPercent: clean(page.errorRateThreshold * 100),
    evaluationPeriods: 1,
    burnRate: page.burnRate,
    bakeSeconds: page.longWindowSeconds,
  };
}

/** How a rollout replaces instances without taking more capacity than an AZ loss does. */
export interface FleetRolloutPlan {
  /** Instances replaced at a time (CloudFormation rolling update): one AZ's worth. */
  readonly batchSize: number;
  /** Instances kept in service during a CloudFormation rolling update. */
  readonly minInService: number;
  /** Instance refresh (Terraform): healthy share kept, and the most it may reach while launching first. */
  readonly minHealthyPercent: number;
  readonly maxHealthyPercent: number;
  /** How long new instances get to signal (or reach capacity) before the rollout fails and rolls back. */
  readonly signalTimeoutSeconds: number;
  readonly signalTimeoutMinutes: number;
}

/** The alarm on targets that fail their health check, which stops an instance refresh. */
export interface UnhealthyHostsAlarmPlan {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
}

/**
 * How long a target group waits for a deregistering target's in-flight requests: 0–3600 s.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay
 */
export const ALB_DEREGISTRATION_DELAY_MAX_SECONDS = 3600;

/**
 * An Application Load Balancer's default idle timeout: it closes a connection on which no byte
 * moved for this long, so a request silent for longer fails whatever the deregistration delay.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout
 */
export const ALB_IDLE_TIMEOUT_DEFAULT_SECONDS = 60;

/** The plan. */
export interface FleetPlan {
  /** What this fleet runs (a STANDBY its standby capacity). */
  readonly capacity: FleetCapacity;
  /** What a primary of the same props runs: what a standby scales to on failover. */
  readonly primaryCapacity: FleetCapacity;
  /** AZs the fleet must span: the tier's, and two for static stability. */
  readonly minZones: number;
  /** AZs the load balancer must span: two at least (an ALB's minimum), and the tier's. */
  readonly loadBalancerMinZones: number;
  readonly placement: FleetPlacement;
  /** Partitions per AZ of a PARTITION placement. */
  readonly partitions: number;
  readonly targetHealth: TargetHealthPlan;
  readonly gracePeriodSeconds: number;
  /**
   * How long a deregistering instance keeps its in-flight requests: the load balancer's idle timeout, since
   * a request silent for longer fails anyway, and a longer wait only slows every replacement and deployment.
   */
  readonly deregistrationDelaySeconds: number;
  readonly targetCpuPercent: number;
  readonly rootVolumeSizeGiB: number;
  readonly rateLimitPerIp: number;
  readonly errorAlarm: FleetErrorAlarmPlan;
  readonly rollout: FleetRolloutPlan;
  readonly zonalAutoshift: boolean;
  readonly predictiveScaling: boolean;
  readonly unhealthyHostsAlarm: UnhealthyHostsAlarmPlan;
  /** Share of instances above the base that run on demand: all (a spot reclaim in one AZ would undo static stability). */
  readonly onDemandPercent: number;
  /** Days the load balancer's access-log bucket keeps replaced versions. */
  readonly accessLogNoncurrentDays: number;
  /**
   * How the load balancer picks a target. Weighted random with anomaly mitigation (automatic target
   * weights) sends less traffic to a target whose 5xx and connection errors stand out from the
   * others', the instance-level gray failure the per-AZ alarms cannot see (cross-zone routing
   * spreads one instance's errors over every zone's metrics). AWS allows it with weighted random only.
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#automatic-target-weights
   */
  readonly loadBalancing: {
    readonly algorithm: 'weighted_random' | 'round_robin';
    readonly anomalyMitigation: boolean;
  };
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** Defaults of a fleet's own settings (not HA objectives: what the tier leaves to the service). */
export const FLEET_DEFAULTS = {
  signalTimeoutSeconds: 900,
  instancePort: 8080,
  healthCheckPath: LIVENESS_PATH,
  targetCpuPercent: 50,
  rootVolumeSizeGiB: 30,
  healthCheckGracePeriodSeconds: 300,
  rateLimitPerIp: 2000,
} as const;

/**
 * Subnets in at least two AZs: what an Application Load Balancer requires.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones
 */
export const ALB_MIN_AZS = 2;

/** AZs a fleet must span: the tier's, and two when static stability keeps capacity in the survivors of an AZ loss. */
export function fleetMinZones(tier: ServiceTier): number {
  return Math.max(tier.minAzs, tier.staticallyStable ? 2 : 1);
}

/** AZs a fleet's load balancer must span: an ALB's two at least, and as many as the tier's instances. */
export function loadBalancerMinZones(tier: ServiceTier): number {
  return Math.max(ALB_MIN_AZS, tier.minAzs);
}

const MINUTE = 60;

/** Availability targets from which a fleet's load balancer must keep access logs. */
const ACCESS_LOGS_TARGET = 0.999;

/** The sizes a gp3 volume may have, in GiB. @see https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html */
const GP3_MAX_GIB = 16384;
const FLEET_COUNT_PROPS = {
  required: 'requiredCapacity',
  max: 'maxCapacity',
  standby: 'standbyCapacity',
  unit: 'instance',
};
const PORT_MAX = 65535;

/**
 * Plans a fleet.
 *
 * - **Capacity**: a primary of a statically stable tier runs `staticallyStableCapacity(required,
 *   zones)` (losing an AZ leaves `required`), others `max(required, zones)`; a STANDBY runs
 *   `standbyFleetCapacity` (warm standby one per AZ, pilot light none). The minimum must fit `maxCapacity`.
 * - **Placement**: spread holds at most 7 instances per AZ (rack level). After an AZ loss the
 *   survivors must reach the maximum, so the busiest AZ holds `ceil(max / (zones − 1))`
 *   (`ceil(max / zones)` for a one-AZ fleet); spread while that fits, partition (7 per AZ) above.
 * - **Target health**: `fleetTargetHealth(tier.azRtoSeconds)`, healthy threshold = unhealthy threshold, matcher 200.
 * - **Error alarm and bake**: the tier's fastest page alert (`fastestPageAlert`).
 * - **Rollout**: one AZ's worth at a time; instance refresh keeps 100 % healthy and launches first
 *   for statically stable tiers (up to 110 %), 90 % otherwise.
 *
 * Example: TIER_0, 3 AZs, required 6, max 18 → 9 instances (3 per AZ); after an AZ loss up to 9 per
 * AZ, more than spread's 7 → PARTITION; health 5 s × 2 + 4 s = 14 s; page at 14.4× over 5 min.
 */
export function planFleet(tier: ServiceTier, intent: FleetIntent): FleetPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });
  const count = (prop: string, value: number | undefined, min: number) => checkCount(problems, prop, value, min);

  const minZones = fleetMinZones(tier);
  const zones = Math.max(intent.zoneCount ?? minZones, 1);
  const {
    primary: primaryCapacity,
    capacity,
    max,
  } = planServingCapacity(
    tier,
    {
      required: intent.requiredCapacity,
      max: intent.maxCapacity,
      standby: intent.standbyCapacity,
      role: intent.role,
      zones,
      staticallyStable: tier.staticallyStable,
    },
    FLEET_COUNT_PROPS,
    problems,
  );

  // The survivors of an AZ loss must be able to hold the maximum: size placement for zones − 1.
  const survivingZones = Math.max(zones - 1, 1);
  const perAzAfterLoss = Math.ceil(max / survivingZones);
  const placement =
    intent.placementStrategy ?? (perAzAfterLoss <= SPREAD_PLACEMENT_MAX_PER_AZ ? 'SPREAD' : 'PARTITION');
  if (placement === 'SPREAD' && perAzAfterLoss > SPREAD_PLACEMENT_MAX_PER_AZ) {
    problem(
      'placementStrategy',
      `placementStrategy SPREAD holds at most ${SPREAD_PLACEMENT_MAX_PER_AZ} instances per AZ, ` +
        `but after losing one of ${zones} AZs maxCapacity ${max} needs ${perAzAfterLoss} per AZ in the others; ` +
        'use PARTITION or leave placementStrategy unset, got: SPREAD',
    );
  }

  if (intent.instanceTypes !== undefined && intent.instanceTypes.length < 1) {
    problem('instanceTypes', 'instanceTypes must list at least one instance type, got: none');
  }
  if (intent.instanceTypes?.length === 1 && tier.staticallyStable) {
    warnings.push({
      id: 'instanceTypes',
      message:
        `instanceTypes lists only ${intent.instanceTypes[0]}: a shortage of that one capacity pool stops the fleet from ` +
        `replacing or adding instances, which ${tier.name}'s static stability relies on; list at least two types`,
    });
  }
  const port = intent.instancePort ?? FLEET_DEFAULTS.instancePort;
  if (intent.instancePort !== undefined && (!Number.isInteger(port) || port < 1 || port > PORT_MAX)) {
    problem('instancePort', `instancePort must be an integer from 1 to ${PORT_MAX}, got: ${port}`);
  }
  const path = intent.healthCheckPath ?? FLEET_DEFAULTS.healthCheckPath;
  const pathProblem =
    intent.healthCheckPath === undefined ? undefined : healthCheckPathProblem('healthCheckPath', path);
  if (pathProblem) {
    problem('healthCheckPath', pathProblem);
  }
  // Target tracking scales out only above its target: an average CPU cannot exceed 100 %.
  const targetCpuPercent = intent.targetCpuPercent ?? FLEET_DEFAULTS.targetCpuPercent;
  if (!(targetCpuPercent > 0 && targetCpuPercent < 100)) {
    problem(
      'targetCpuPercent',
      `targetCpuPercent must be greater than 0 and less than 100 (an average above 100 never ` +
        `happens, so the fleet would never scale out), got: ${targetCpuPercent}`,
    );
  }
  const rootVolumeSizeGiB = intent.rootVolumeSizeGiB ?? FLEET_DEFAULTS.rootVolumeSizeGiB;
  if (!Number.isInteger(rootVolumeSizeGiB) || rootVolumeSizeGiB < 1 || rootVolumeSizeGiB > GP3_MAX_GIB) {
    problem(
      'rootVolumeSizeGiB',
      `rootVolumeSizeGiB must be an integer from 1 to ${GP3_MAX_GIB} (the sizes a gp3 volume may have), got: ${rootVolumeSizeGiB}`,
    );
  }
  const gracePeriodSeconds = intent.healthCheckGracePeriodSeconds ?? FLEET_DEFAULTS.healthCheckGracePeriodSeconds;
  count('healthCheckGracePeriodSeconds', intent.healthCheckGracePeriodSeconds, 0);
  const rateLimitPerIp = intent.rateLimitPerIp ?? FLEET_DEFAULTS.rateLimitPerIp;
  const minutes = WAF_RATE_WINDOW_SECONDS / 60;
  if (!Number.isInteger(rateLimitPerIp) || rateLimitPerIp < WAF_RATE_LIMIT_MIN) {
    problem(
      'rateLimitPerIp',
      `rateLimitPerIp must be an integer of at least ${WAF_RATE_LIMIT_MIN} (the lowest limit AWS WAF accepts, per ${minutes} minutes), got: ${rateLimitPerIp}`,
    );
  } else if (rateLimitPerIp > WAF_RATE_LIMIT_MAX) {
    problem(
      'rateLimitPerIp',
      `rateLimitPerIp must be at most ${WAF_RATE_LIMIT_MAX} (the highest limit AWS WAF accepts, per ${minutes} minutes), got: ${rateLimitPerIp}`,
    );
  }

  const targetHealth = targetHealthPlan(tier, path, port, warnings);
  // Incident reviews of a 99.9 % service and above start from what the load balancer served.
  if (intent.accessLogs === false && tier.availabilityTarget >= ACCESS_LOGS_TARGET) {
    warnings.push({
      id: 'accessLogsBucket',
      message: `no accessLogsBucket: the load balancer keeps no record of the requests it served, which ${tier.name}'s incident reviews rely on`,
    });
  }
  const batchSize = Math.max(1, capacity.perAz);
  const serving = intent.role !== HaRole.STANDBY;
  return {
    capacity,
    primaryCapacity,
    minZones,
    loadBalancerMinZones: loadBalancerMinZones(tier),
    placement,
    partitions: PARTITION_PLACEMENT_MAX_PARTITIONS,
    targetHealth,
    gracePeriodSeconds,
    deregistrationDelaySeconds: ALB_IDLE_TIMEOUT_DEFAULT_SECONDS,
    targetCpuPercent,
    rootVolumeSizeGiB,
    rateLimitPerIp,
    errorAlarm: errorAlarmPlan(tier),
    rollout: {
      batchSize,
      minInService: Math.max(0, capacity.desired - batchSize),
      minHealthyPercent: tier.staticallyStable ? 100 : 90,
      maxHealthyPercent: tier.staticallyStable ? 110 : 100,
      signalTimeoutSeconds: FLEET_DEFAULTS.signalTimeoutSeconds,
      signalTimeoutMinutes: FLEET_DEFAULTS.signalTimeoutSeconds / MINUTE,
    },
    // Three one-minute periods: a target that fails its check for three minutes is not a blip.
    unhealthyHostsAlarm: { periodSeconds: MINUTE, evaluationPeriods: 3 },
    onDemandPercent: 100,
    accessLogNoncurrentDays: 30,
    zonalAutoshift: intent.zonalAutoshift ?? (tier.staticallyStable && serving),
    predictiveScaling: intent.predictiveScaling ?? (tier.staticallyStable && serving),
    loadBalancing:
      intent.anomalyMitigation === false
        ? { algorithm: 'round_robin', anomalyMitigation: false }
        : { algorithm: 'weighted_random', anomalyMitigation: true },
    problems,
    warnings,
  };
}
