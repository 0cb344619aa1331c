import { PlanProblem, PlanWarning } from '../errors';
import { ServiceTier } from '../tier';

/**
 * The plan of the automatic zonal shift a fleet's per-AZ Impaired alarm starts (issue 18): which
 * guards the runbook applies before it calls ARC's `StartZonalShift` on the load balancer, and how
 * long the shift lasts. What each engine's zonal shift renders (`lib/aws/zonal-shift.ts`,
 * `lib/tf/aws/zonal-shift.ts`), with the runbook of `zonal-shift-runbook.ts`.
 *
 * @see https://docs.aws.amazon.com/r53recovery/latest/dg/arc-zonal-shift.how-it-works.html
 * @see https://docs.aws.amazon.com/r53recovery/latest/dg/route53-arc-best-practices.zonal-shifts.html
 */

/** A fleet's automatic zonal shift as its props describe it, in core's terms. */
export interface ZonalShiftIntent {
  /** Whether per-AZ impairment detection is rendered (`planZonalOutlier(...).enabled`): its alarm starts the shift. */
  readonly detection: boolean;
  /** AZs the fleet runs in; undefined when not known at synthesis. */
  readonly zoneCount: number | undefined;
  /** Instances the service needs at peak (`requiredCapacity`). */
  readonly requiredCapacity: number;
  /** Instances the fleet runs in each AZ (the fleet plan's `capacity.perAz`). */
  readonly perAzCapacity: number;
  /** Whether the fleet serves traffic (a STANDBY serves none). @default true */
  readonly serving?: boolean;
  /** Whether to shift automatically. @default - on wherever detection is, for statically stable tiers */
  readonly enabled?: boolean;
  /** How long a started shift lasts, in seconds; undefined: {@link ZONAL_SHIFT_DEFAULT_EXPIRY_SECONDS}. */
  readonly expirySeconds?: number;
  /** The engine's names of the props problems name. @default - the CDK engine's */
  readonly propNames?: { readonly zonalShiftExpiry?: string };
  /**
   * Why the engine cannot enable zonal shift on the fleet's Auto Scaling group, when it cannot: the
   * runbook then shifts the load balancer alone, and the plan warns.
   * @default - the engine renders {@link ZonalShiftPlan.autoScalingGroup}
   */
  readonly groupPolicyUnsupported?: string;
}

/** How an Auto Scaling group treats an AZ a zonal shift moves it away from (its AvailabilityZoneImpairmentPolicy). */
export interface GroupZonalShiftPlan {
  /** Whether the group is registered with ARC zonal shift, so that a shift can move it with its load balancer. */
  readonly zonalShiftEnabled: boolean;
  /** Whether the group replaces unhealthy instances in the shifted AZ (`ReplaceUnhealthy`) or leaves them. */
  readonly impairedZoneHealthCheckBehavior: 'IgnoreUnhealthy' | 'ReplaceUnhealthy';
}

/** The plan. */
export interface ZonalShiftPlan {
  /** Whether the engine renders the runbook and the rules that start it. */
  readonly enabled: boolean;
  /** How long a started shift lasts, in seconds (ARC ends it then unless a person extends it). */
  readonly expirySeconds: number;
  /** The same as ARC's `expiresIn` (whole minutes: `180m`). */
  readonly expiresIn: string;
  /**
   * Healthy in-service instances the zones left must already run before traffic leaves one: the
   * peak the service needs, which static stability provisions in every N − 1 zones.
   */
  readonly minInstancesLeft: number;
  /** Shifts (customer-started or autoshift) in effect at once: the runbook starts none beside one. */
  readonly maxActiveShifts: number;
  /**
   * A fleet's Auto Scaling group: registered with zonal shift wherever the fleet serves, so that the
   * runbook (or a person) moves it with the load balancer. Ignored by an ECS service (ARC shifts no
   * ECS service).
   */
  readonly autoScalingGroup: GroupZonalShiftPlan;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/**
 * How long an automatic shift lasts unless a person extends or cancels it: 3 hours. A library
 * choice, not a published figure (the reasoning is on {@link planZonalShift}).
 */
export const ZONAL_SHIFT_DEFAULT_EXPIRY_SECONDS = 3 * 3600;

/**
 * The expiries ARC accepts when a shift starts: 1 minute to 3 days, in whole minutes or hours.
 * @see https://docs.aws.amazon.com/arc-zonal-shift/latest/api/API_StartZonalShift.html (expiresIn)
 */
export const ZONAL_SHIFT_MIN_EXPIRY_SECONDS = 60;
export const ZONAL_SHIFT_MAX_EXPIRY_SECONDS = 72 * 3600;

/**
 * Plans the automatic zonal shift of a fleet's load balancer away from an AZ its Impaired alarm
 * names. The runbook the alarm starts shifts only when every guard holds:
 *
 * - **One at a time**: no customer-started shift and no autoshift is in effect on the load balancer
 *   (`maxActiveShifts` = 1, the one being started). ARC itself lets one shift apply at a time and
 *   gives a customer's precedence over an autoshift: starting ours during an autoshift away from
 *   another AZ would send traffic back into the AZ AWS found impaired. A practice run yields.
 * - **Capacity**: the zones left already run `minInstancesLeft` = `requiredCapacity` healthy,
 *   in-service instances. Static stability provisions ⌈required / (N − 1)⌉ per AZ
 *   (`staticallyStableCapacity`), so this holds unless the other zones are short already, and then
 *   moving the AZ's traffic onto them turns one impaired AZ into an overloaded region. A fleet
 *   that runs fewer than that (a tier that is not statically stable) warns: every shift would be refused.
 * - **Expiry**: ARC needs one (1 min to 72 h). 3 h by default: a shift nobody looked at ends, and if
 *   the AZ is still impaired the alarm fires again after its detection time and the runbook shifts
 *   again, costing that AZ's share of requests for one detection window per expiry. Shorter expiries
 *   repeat that cost more often; longer ones keep the service on N − 1 AZs (which static stability
 *   is sized for) after the AZ has recovered, until a person cancels the shift.
 *
 * The runbook never cancels a shift: while it lasts, the AZ's node serves no requests, so its
 * alarms return to OK for want of data, not because the AZ recovered.
 *
 * **The fleet's Auto Scaling group** shifts with the load balancer (a second `StartZonalShift`, under
 * the same guards and expiry): a shifted load balancer alone leaves the group launching scale-out
 * capacity into the AZ, where it gets no traffic. While a shift is on, a registered group launches
 * all new capacity in the other AZs, and its scaling policies do not scale it in. Zonal shift is enabled on the group
 * wherever the fleet serves, so that a person's shift can move it too. Its impaired-zone health
 * check behaviour:
 * - statically stable tiers: `IgnoreUnhealthy`. The other AZs already run the peak, so nothing needs
 *   to move; replacing the shifted AZ's instances (whose checks a gray failure may fail) would
 *   terminate and relaunch in the middle of the impairment, and leave the fleet unbalanced when the
 *   shift ends. Left alone, they serve again the moment it ends.
 * - other tiers: `ReplaceUnhealthy`. The other AZs lack an AZ's headroom; an unhealthy instance of
 *   the shifted AZ is replaced, and a replacement is new capacity, which the group launches in the
 *   other AZs during the shift: where the traffic went.
 * @see https://docs.aws.amazon.com/r53recovery/latest/dg/arc-zonal-shift.resource-types.ec2-auto-scaling-groups.html
 *
 * | problem (prop)       | when                                                                 |
 * |----------------------|----------------------------------------------------------------------|
 * | `zonalShiftExpiry`   | not whole minutes from 1 minute to 72 hours                          |
 * | `automaticZonalShift`| asked for while per-AZ detection is off (nothing would start it)     |
 *
 * Warnings: `automaticZonalShift` (the fleet's per-AZ capacity × (N − 1) is below `requiredCapacity`);
 * `automaticZonalShift.group` (the engine cannot enable zonal shift on the group: `groupPolicyUnsupported`).
 *
 * Example: TIER_1, 6 instances needed over 3 AZs → 3 per AZ run; us-east-1b's Impaired alarm
 * fires; no other shift is in effect and us-east-1a and us-east-1c run 6 healthy instances (≥ 6), so
 * the runbook shifts the load balancer away from us-east-1b's zone id for `180m`.
 */
export function planZonalShift(tier: ServiceTier, intent: ZonalShiftIntent): ZonalShiftPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const expirySeconds = intent.expirySeconds ?? ZONAL_SHIFT_DEFAULT_EXPIRY_SECONDS;
  if (!(
    Number.isInteger(expirySeconds) &&
    expirySeconds % 60 === 0 &&
    expirySeconds >= ZONAL_SHIFT_MIN_EXPIRY_SECONDS &&
    expirySeconds <= ZONAL_SHIFT_MAX_EXPIRY_SECONDS
  )) {
    const prop = intent.propNames?.zonalShiftExpiry ?? 'zonalShiftExpiry';
    problems.push({
      prop,
      message: `${prop} must be whole minutes from 1 minute to 72 hours (ARC's expiry), got: ${expirySeconds} seconds`,
    });
  }
  if (intent.enabled === true && !intent.detection) {
    problems.push({
      prop: 'automaticZonalShift',
      message:
        'automaticZonalShift needs per-AZ impairment detection (zonalDetection, with AZs known at synthesis): its ' +
        'Impaired alarm is what starts the shift, got: no detection',
    });
  }
  const enabled =
    intent.detection &&
    intent.serving !== false &&
    (intent.enabled ?? Boolean(tier.staticallyStable)) &&
    problems.length === 0;
  const zones = intent.zoneCount;
  const left = zones === undefined ? undefined : intent.perAzCapacity * (zones - 1);
  if (enabled && left !== undefined && left < intent.requiredCapacity) {
    warnings.push({
      id: 'automaticZonalShift',
      message:
        `the runbook will refuse every zonal shift: the fleet runs ${intent.perAzCapacity} instance(s) per AZ, so ` +
        `${left} after shifting away from one of its ${zones} AZs, fewer than the ${intent.requiredCapacity} ` +
        `required (${tier.name} is not statically stable); run ` +
        `${Math.ceil(intent.requiredCapacity / (zones! - 1))} per AZ, or ` +
        'turn automaticZonalShift off',
    });
  }
  const groupShift = intent.serving !== false;
  // Why each: the doc comment above.
  const behavior = tier.staticallyStable ? 'IgnoreUnhealthy' : 'ReplaceUnhealthy';
  if (enabled && groupShift && intent.groupPolicyUnsupported !== undefined) {
    warnings.push({
      id: 'automaticZonalShift.group',
      message:
        `the runbook can shift the load balancer but not its Auto Scaling group: ${intent.groupPolicyUnsupported}. ` +
        'Until zonal shift is enabled on the group ' +
        `(ZonalShiftEnabled=true, ImpairedZoneHealthCheckBehavior=${behavior}), ` +
        "the runbook's shift of the group fails (its execution fails, after the notice) and the group keeps " +
        'launching into the shifted AZ',
    });
  }
  return {
    enabled,
    expirySeconds,
    expiresIn: `${Math.round(expirySeconds / 60)}m`,
    minInstancesLeft: intent.requiredCapacity,
    maxActiveShifts: 1,
    autoScalingGroup: { zonalShiftEnabled: groupShift, impairedZoneHealthCheckBehavior: behavior },
    problems,
    warnings,
  };
}
