import { PlanProblem, PlanWarning } from '../errors';
import { fleetTargetHealth } from '../fleet-health';
import { ServiceTier } from '../tier';
import { ALB_METRIC_PERIOD_SECONDS, ZONAL_OUTLIER_DEFAULTS } from './zonal-outlier';

/**
 * The plan of the gray failure an AZ evacuation drill injects before it evacuates the AZ (issue 18,
 * "Rehearsed"): a fault that leaves every instance passing the load balancer's shallow health check
 * while requests through the AZ slow down, so that the drill proves the AZ's Impaired alarm fires.
 * What the CDK engine renders (`lib/aws/gray-failure-drill.ts`).
 *
 * @see https://docs.aws.amazon.com/fis/latest/userguide/actions-ssm-agent.html (AWSFIS-Run-Network-Latency-Sources)
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 */

/** The gray failure as the drill's props describe it, in core's terms. */
export interface GrayFailureDrillIntent {
  /** Whether the drill was given the Impaired alarm of the AZ it evacuates. */
  readonly impairedAlarm: boolean;
  /** Whether to inject the gray failure. @default - whenever the AZ's Impaired alarm is given */
  readonly enabled?: boolean;
  /**
   * The fleet's `latencyThreshold` in seconds, when known: the p99 above which the AZ's Latency
   * alarm breaches. Undefined: not checked here (the drill's verdict will tell).
   */
  readonly latencyThresholdSeconds?: number;
  /** The engine's names of the props problems and warnings name. @default - the CDK engine's */
  readonly propNames?: { readonly latencyThreshold?: string; readonly impairedAlarm?: string };
}

/** The plan. */
export interface GrayFailureDrillPlan {
  /** Whether the engine renders the gray failure and the check of its alarm. */
  readonly enabled: boolean;
  /** The pre-configured FIS SSM document that adds the latency. */
  readonly documentName: string;
  /** Latency added to every packet from the AZ's load balancer subnets, in milliseconds. */
  readonly delayMilliseconds: number;
  /** Jitter: none, so that every request through the AZ is slower than the threshold by the same margin. */
  readonly jitterMilliseconds: number;
  /** Traffic the delay applies to: what arrives from the sources (requests and health checks). */
  readonly trafficType: 'ingress';
  /** How long the gray failure lasts, in seconds (whole minutes), before the evacuation starts. */
  readonly durationSeconds: number;
  /** The same, as the ISO 8601 duration FIS actions take (`PT5M`). */
  readonly duration: string;
  /** The health-check timeout of the fleet's target group (`fleetTargetHealth`), in seconds. */
  readonly healthCheckTimeoutSeconds: number;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** The FIS document: latency to or from sources only, on the OS's primary interface by default. */
export const GRAY_FAILURE_DOCUMENT = 'AWSFIS-Run-Network-Latency-Sources';

/** Delayed packets a health check waits for: the SYN the target accepts, then the HTTP request. */
const DELAYED_PACKETS_PER_HEALTH_CHECK = 2;
/** Share of the health-check timeout those delays may take: the rest is the application's answer. */
const HEALTH_CHECK_TIMEOUT_SHARE = 0.5;

/**
 * Plans the gray failure of an AZ evacuation drill. The drill first adds latency, then evacuates:
 *
 * - **Where**: on every instance of the fleet (in every AZ), to the traffic that comes from the
 *   subnets of the load balancer's node in the drilled AZ (`AWSFIS-Run-Network-Latency-Sources`
 *   with those subnets' CIDRs as sources, `ingress`). The fleet's load balancer is cross-zone and
 *   reports each request under the AZ of the node that received it, so the per-AZ alarms see an
 *   impaired node or network path in an AZ, not slow targets there: slowing only the AZ's instances
 *   would slow a third of every node's requests alike, which the composite rightly reads as
 *   region-wide and never calls an impaired AZ. Slowing the node's path is the gray failure the
 *   alarm is built to see, and the one a zonal shift (which takes the node out of DNS) mitigates.
 * - **How much**: the most latency a health check still survives with margin. A check waits for
 *   two delayed packets (the SYN, then the request), and those may take half its timeout:
 *   d = ⌊timeout × 0.5 / 2⌋ ms. Every request through the node then takes at least d, so the node's
 *   p99 `TargetResponseTime` exceeds any latency threshold below d, while the other nodes and every
 *   health check stay well within bounds. No jitter, so no request is faster than d.
 * - **Not loss or errors**: packet loss is repaired by TCP retransmissions: it mostly slows
 *   requests and yields 5xx only by chance, and enough loss to fail requests reliably also fails
 *   the node's health checks: no longer gray. The latency path of the Impaired alarm is the one a
 *   gray failure can be made to trip on purpose.
 * - **How long**: the alarms' whole evaluation window (M periods of the load balancer's one-minute
 *   metrics), a minute for the last datapoint to be published and one for the composite to follow:
 *   (M + 2) × 60 s. The check reads the Impaired alarm's history over this phase only, so an alarm
 *   the later evacuation trips cannot pass for detection of the gray failure.
 *
 * | problem (prop)  | when                                                                        |
 * |-----------------|-----------------------------------------------------------------------------|
 * | `grayFailure`   | asked for without the AZ's Impaired alarm (`zoneImpairedAlarms`)             |
 * | `latencyThreshold` | not a positive number of seconds, or not below the latency the drill adds |
 *
 * Warning: `latencyThreshold` (not given: the fleet's Latency alarm may be missing or above the delay).
 *
 * Example: TIER_1 (health-check timeout 5 s) → d = ⌊5000 × 0.5 / 2⌋ = 1250 ms for 5 min; a fleet
 * with a 0.5 s latency threshold sees its node's p99 ≥ 1.25 s, and the AZ's Impaired alarm must fire
 * within those 5 minutes, or the drill is reported failed.
 */
export function planGrayFailureDrill(tier: ServiceTier, intent: GrayFailureDrillIntent): GrayFailureDrillPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const timeout = fleetTargetHealth(tier.azRtoSeconds).timeoutSeconds;
  const delayMilliseconds = Math.floor(
    (timeout * 1000 * HEALTH_CHECK_TIMEOUT_SHARE) / DELAYED_PACKETS_PER_HEALTH_CHECK,
  );
  const durationSeconds = (ZONAL_OUTLIER_DEFAULTS.evaluationPeriods + 2) * ALB_METRIC_PERIOD_SECONDS;

  const latencyProp = intent.propNames?.latencyThreshold ?? 'latencyThreshold';
  const alarmProp = intent.propNames?.impairedAlarm ?? 'zoneImpairedAlarms';
  if (intent.enabled === true && !intent.impairedAlarm) {
    problems.push({
      prop: 'grayFailure',
      message:
        `grayFailure needs the Impaired alarm of the drilled AZ (${alarmProp}, the fleet's): the drill ` +
        'fails when that alarm does not fire, got: no Impaired alarm for the AZ',
    });
  }
  const threshold = intent.latencyThresholdSeconds;
  if (threshold !== undefined) {
    if (!(typeof threshold === 'number' && Number.isFinite(threshold) && threshold > 0)) {
      problems.push({
        prop: latencyProp,
        message: `${latencyProp} must be greater than 0, got: ${threshold} seconds`,
      });
    } else if (threshold * 1000 >= delayMilliseconds) {
      problems.push({
        prop: latencyProp,
        message:
          `${latencyProp} must be below the ${delayMilliseconds} ms the gray failure adds (the most a health ` +
          `check with ${tier.name}'s ${timeout} s timeout survives with margin), or the Impaired alarm cannot fire ` +
          `on it, got: ${threshold} seconds`,
      });
    }
  }
  const enabled = (intent.enabled ?? intent.impairedAlarm) && intent.impairedAlarm && problems.length === 0;
  if (enabled && threshold === undefined) {
    warnings.push({
      id: latencyProp,
      message:
        `the gray failure adds ${delayMilliseconds} ms through the AZ's load balancer node, which the Impaired ` +
        'alarm ' +
        "sees only through the fleet's Latency alarm: give the fleet a " +
        `${latencyProp} below that and pass it here ` +
        '(a fleet without one judges an AZ on its 5xx only, and the drill will be reported failed)',
    });
  }
  return {
    enabled,
    documentName: GRAY_FAILURE_DOCUMENT,
    delayMilliseconds,
    jitterMilliseconds: 0,
    trafficType: 'ingress',
    durationSeconds,
    duration: `PT${durationSeconds / 60}M`,
    healthCheckTimeoutSeconds: timeout,
    problems,
    warnings,
  };
}
