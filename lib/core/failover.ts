import { HaValidationError } from './errors';
import {
  ALB_HEALTH_CHECK_INTERVAL_MIN_SECONDS,
  ALB_HEALTH_CHECK_THRESHOLD_MAX,
  ALB_HEALTH_CHECK_THRESHOLD_MIN,
  ALB_HEALTH_CHECK_TIMEOUT_MIN_SECONDS,
  ROUTE53_FAILURE_THRESHOLD_MAX,
  ROUTE53_FAILURE_THRESHOLD_MIN,
  ROUTE53_HEALTH_CHECK_INTERVALS_SECONDS,
  ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS,
} from './figures';
import { requireInteger } from './numbers';

/** Settings of a DNS health check and the record it guards. */
export interface DnsFailoverSettings {
  /** Health-check request interval (Route 53: 10 or 30). */
  readonly intervalSeconds: number;
  /** Consecutive failures before the endpoint is unhealthy (Route 53: 1–10). */
  readonly failureThreshold: number;
  /** TTL resolvers may cache the old answer for (an ELB alias record: 60). */
  readonly ttlSeconds: number;
}

/**
 * Worst-case seconds from an endpoint failing to clients following the new DNS answer.
 *
 *   interval × threshold        the endpoint fails just after a passing check; `threshold`
 *                               consecutive checks must then fail,
 * + ROUTE53_HTTP_CHECK_TIMEOUT  the last of them only counts as failed when it times out
 *                               (4 s to connect + 2 s for the status, figures.ts),
 * + TTL                         resolvers that cached the old answer just before keep it this long.
 */
export function dnsFailoverSeconds(settings: DnsFailoverSettings): number {
  const { intervalSeconds, failureThreshold, ttlSeconds } = settings;
  if (!ROUTE53_HEALTH_CHECK_INTERVALS_SECONDS.includes(intervalSeconds)) {
    throw new HaValidationError(
      `intervalSeconds must be one of ${ROUTE53_HEALTH_CHECK_INTERVALS_SECONDS.join(', ')}, got: ${String(intervalSeconds)}`,
    );
  }
  requireRange('failureThreshold', failureThreshold, ROUTE53_FAILURE_THRESHOLD_MIN, ROUTE53_FAILURE_THRESHOLD_MAX);
  requireInteger('ttlSeconds', ttlSeconds, 0);
  return intervalSeconds * failureThreshold + ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS + ttlSeconds;
}

/** Settings of a load balancer's target health check. */
export interface TargetHealthSettings {
  /** Seconds between checks of one target (ALB: 5–300). */
  readonly intervalSeconds: number;
  /** Seconds a check may take before it fails (ALB: 2–120, less than the interval). */
  readonly timeoutSeconds: number;
  /** Consecutive failed checks before the target is unhealthy (ALB: 2–10). */
  readonly unhealthyThresholdCount: number;
}

/**
 * Worst-case seconds until a load balancer stops sending requests to a failed target:
 * interval × unhealthy threshold + timeout, the same reasoning as {@link dnsFailoverSeconds}
 * without a TTL (the balancer stops routing to an unhealthy target at once).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
export function targetFailoverSeconds(settings: TargetHealthSettings): number {
  const { intervalSeconds, timeoutSeconds, unhealthyThresholdCount } = settings;
  requireInteger('intervalSeconds', intervalSeconds, ALB_HEALTH_CHECK_INTERVAL_MIN_SECONDS);
  requireInteger('timeoutSeconds', timeoutSeconds, ALB_HEALTH_CHECK_TIMEOUT_MIN_SECONDS);
  if (timeoutSeconds >= intervalSeconds) {
    throw new HaValidationError(
      `timeoutSeconds must be less than intervalSeconds (${intervalSeconds}), got: ${timeoutSeconds}`,
    );
  }
  requireRange(
    'unhealthyThresholdCount',
    unhealthyThresholdCount,
    ALB_HEALTH_CHECK_THRESHOLD_MIN,
    ALB_HEALTH_CHECK_THRESHOLD_MAX,
  );
  return intervalSeconds * unhealthyThresholdCount + timeoutSeconds;
}

function requireRange(name: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new HaValidationError(`${name} must be an integer from ${min} to ${max}, got: ${String(value)}`);
  }
}
