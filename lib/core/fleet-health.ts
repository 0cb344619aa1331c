import { TargetHealthSettings, targetFailoverSeconds } from './failover';
import { requireAtLeast } from './numbers';

/** The target health check a fleet runs, and how long it takes to stop routing to a failed AZ. */
export interface FleetTargetHealth extends TargetHealthSettings {
  /** Worst-case seconds until the load balancer stops routing to a failed target ({@link targetFailoverSeconds}). */
  readonly failoverSeconds: number;
  /** The detection budget the settings were chosen for: half the AZ RTO. */
  readonly budgetSeconds: number;
  /** Whether even the fastest settings ALB allows fit the budget (false for AZ RTOs under 28 s). */
  readonly withinBudget: boolean;
}

/**
 * Candidate target health checks, least aggressive first: a longer interval and a higher threshold
 * cost fewer health-check requests and flap less on a slow response, so the fleet takes the calmest
 * check that still detects a failed AZ in time. The timeout is the ALB default of 5 s where the
 * interval allows it (the timeout must be shorter than the interval).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
export const FLEET_HEALTH_CHECK_CANDIDATES: readonly TargetHealthSettings[] = [
  { intervalSeconds: 30, timeoutSeconds: 5, unhealthyThresholdCount: 3 },
  { intervalSeconds: 30, timeoutSeconds: 5, unhealthyThresholdCount: 2 },
  { intervalSeconds: 15, timeoutSeconds: 5, unhealthyThresholdCount: 3 },
  { intervalSeconds: 15, timeoutSeconds: 5, unhealthyThresholdCount: 2 },
  { intervalSeconds: 10, timeoutSeconds: 5, unhealthyThresholdCount: 3 },
  { intervalSeconds: 10, timeoutSeconds: 5, unhealthyThresholdCount: 2 },
  { intervalSeconds: 5, timeoutSeconds: 4, unhealthyThresholdCount: 3 },
  { intervalSeconds: 5, timeoutSeconds: 4, unhealthyThresholdCount: 2 },
];

/**
 * Target health-check settings that let a fleet meet an AZ recovery time objective.
 *
 * When an AZ fails, its targets stop answering; the load balancer stops routing to them after
 * {@link targetFailoverSeconds} = interval × unhealthy threshold + timeout. Detection gets half the
 * AZ RTO; the other half is left for requests already in flight to the failed AZ to time out and be
 * retried by clients, and for a zonal shift to take the AZ's load-balancer node out of DNS.
 * Of {@link FLEET_HEALTH_CHECK_CANDIDATES}, the first (calmest) one within that budget wins; when
 * none is, the fastest one is returned with `withinBudget: false`.
 *
 * TIER_0 (30 s): 5 s × 2 + 4 s = 14 s. TIER_1 (120 s): 15 s × 3 + 5 s = 50 s.
 * TIER_2 and TIER_3 (300 s, 900 s): 30 s × 3 + 5 s = 95 s.
 */
export function fleetTargetHealth(azRtoSeconds: number): FleetTargetHealth {
  requireAtLeast('azRtoSeconds', azRtoSeconds, 0);
  const budgetSeconds = azRtoSeconds / 2;
  const fastest = FLEET_HEALTH_CHECK_CANDIDATES[FLEET_HEALTH_CHECK_CANDIDATES.length - 1];
  const chosen = FLEET_HEALTH_CHECK_CANDIDATES.find((c) => targetFailoverSeconds(c) <= budgetSeconds) ?? fastest;
  const failoverSeconds = targetFailoverSeconds(chosen);
  return { ...chosen, failoverSeconds, budgetSeconds, withinBudget: failoverSeconds <= budgetSeconds };
}
