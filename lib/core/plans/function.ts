import { staticallyStableCapacity } from '../capacity';
import { ClientPolicyDocument } from '../client-policy';
import { PlanProblem, PlanWarning } from '../errors';
import { HaRole } from '../metadata';
import { DrStrategy, ServiceTier } from '../tier';
import { checkCount } from './serving-capacity';
import { errorAlarmPlan, FleetErrorAlarmPlan, fleetMinZones } from './fleet';

/**
 * The plan of a Lambda function that serves requests: what `ResilientFunction` renders. Its HA
 * shape is the service's: capacity that survives an AZ (provisioned concurrency), a bulkhead
 * (reserved concurrency), gradual deployments rolled back by alarms, and a timeout that never
 * outlives the caller's.
 */

/**
 * A function's timeout: 1 to 900 s in whole seconds; 3 s when not set.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
 */
export const LAMBDA_TIMEOUT_SECONDS = { min: 1, max: 900, default: 3 } as const;

/**
 * Asynchronous invocation: Lambda retries a failed event 0 to 2 times (2 by default) and keeps an
 * event at most 60 s to 6 h (6 h by default) before it goes to the on-failure destination.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html
 */
export const LAMBDA_ASYNC_RETRY_ATTEMPTS = { min: 0, max: 2, default: 2 } as const;
export const LAMBDA_MAX_EVENT_AGE_SECONDS = { min: 60, max: 21600, default: 21600 } as const;

/**
 * CodeDeploy's time-based traffic shifting of a Lambda alias: a step of 1 to 99 percent, an
 * interval of whole minutes.
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_TimeBasedCanary.html
 */
export const CODEDEPLOY_TRAFFIC_PERCENT = { min: 1, max: 99 } as const;

/**
 * A function's memory: 128 to 10,240 MiB.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
 */
export const LAMBDA_MEMORY_MIB = { min: 128, max: 10240 } as const;

/**
 * An alias name Lambda accepts: 1 to 128 letters, digits, `-` and `_`, not only digits (a version).
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html
 */
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;

/** How CodeDeploy moves the alias to a new version. */
export enum TrafficShifting {
  /** A share of traffic for one interval, then the rest at once. */
  CANARY = 'CANARY',
  /** The same share more every interval until all of it. */
  LINEAR = 'LINEAR',
}

/**
 * Defaults of a function's own settings: the traffic share a deployment starts with (CodeDeploy's
 * predefined Lambda configurations all move 10 %), and Lambda's timeout and asynchronous defaults.
 */
export const FUNCTION_DEFAULTS = {
  trafficShifting: TrafficShifting.CANARY,
  trafficPercent: 10,
  timeoutSeconds: LAMBDA_TIMEOUT_SECONDS.default,
  asyncRetryAttempts: LAMBDA_ASYNC_RETRY_ATTEMPTS.default,
  maxEventAgeSeconds: LAMBDA_MAX_EVENT_AGE_SECONDS.default,
  aliasName: 'live',
} as const;

/** The caller's retry policy towards this function: one of its hops. */
export interface CallerHopIntent {
  /** The caller's policy (what `ClientResiliencePolicy` computed). */
  readonly policy: ClientPolicyDocument;
  /** The hop of that policy that invokes this function. */
  readonly hop: string;
}

/** A function as its props describe it, in core's terms; `undefined` where a value is a token. */
export interface FunctionIntent {
  /** AZs of the subnets the function's network interfaces are in; undefined when not known at synthesis. */
  readonly zoneCount: number | undefined;
  /**
   * The prop the zones come from, for the message (`vpc` when the engine picks the subnets).
   * @default 'vpcSubnets'
   */
  readonly zonesProp?: string;
  readonly role: HaRole;
  /** Concurrent executions at peak (requests per second × seconds per request). */
  readonly requiredConcurrency: number;
  /** The function's own share of the account's concurrency: the bulkhead, and its ceiling. */
  readonly reservedConcurrency: number;
  /** Warm execution environments on the alias, replacing the tier's. */
  readonly provisionedConcurrency?: number;
  /** The function's timeout, in seconds. */
  readonly timeoutSeconds?: number;
  /** The caller's hop that invokes the function: its per-try timeout bounds the function's. */
  readonly caller?: CallerHopIntent;
  /** The function's own policy towards its dependencies: their worst case must fit its timeout. */
  readonly dependencies?: ClientPolicyDocument;
  readonly trafficShifting?: TrafficShifting;
  readonly trafficPercent?: number;
  readonly asyncRetryAttempts?: number;
  readonly maxEventAgeSeconds?: number;
  /** Memory of an execution environment, MiB. */
  readonly memorySize?: number;
  /** Name of the alias callers invoke. */
  readonly aliasName?: string;
}

/** Reserved and provisioned concurrency. */
export interface FunctionConcurrencyPlan {
  readonly required: number;
  /** The bulkhead: no other function takes it, and this one never takes more. */
  readonly reserved: number;
  /** Warm environments on the alias (0: none). */
  readonly provisioned: number;
  /** What a serving copy of the same props provisions: what a standby is raised to on failover. */
  readonly primaryProvisioned: number;
  /** Warm environments per AZ when Lambda spreads them evenly over the function's AZs. */
  readonly provisionedPerAz: number;
  /** Warm environments left after one AZ is lost, on that even spread. */
  readonly provisionedAfterAzLoss: number;
}

/** How CodeDeploy shifts the alias and judges the new version. */
export interface FunctionDeploymentPlan {
  readonly trafficShifting: TrafficShifting;
  /** Share of traffic moved per step. */
  readonly percent: number;
  /** Minutes between steps: two periods of the rollback alarms, so one whole period is judged. */
  readonly intervalMinutes: number;
  /** Minutes from the first step to all traffic on the new version. */
  readonly totalMinutes: number;
  /** Roll back when an alarm fires, and when the deployment fails or is stopped. */
  readonly rollbackOnAlarm: true;
}

/** An alarm on the share of the alias's requests that fail (errors) or are refused (throttles). */
export type FunctionRatioAlarmPlan = FleetErrorAlarmPlan;

/** The plan. */
export interface FunctionPlan {
  /** AZs the function's subnets must span. */
  readonly minZones: number;
  readonly timeoutSeconds: number;
  /** Where the timeout comes from. */
  readonly timeoutSource: 'timeout' | 'callerHop' | 'default';
  readonly concurrency: FunctionConcurrencyPlan;
  readonly deployment: FunctionDeploymentPlan;
  /** Errors / invocations of the current (during a deployment: the new) version, through the alias. */
  readonly errorAlarm: FunctionRatioAlarmPlan;
  /** Throttles / (invocations + throttles) of the alias: the bulkhead is full. */
  readonly throttleAlarm: FunctionRatioAlarmPlan;
  readonly async: { readonly retryAttempts: number; readonly maxEventAgeSeconds: number };
  /** Any event in the failure queue, over one minute: an event that failed every retry is a ticket. */
  readonly failuresAlarm: {
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    readonly threshold: number;
  };
  readonly aliasName: string;
  /** Days the failure queue keeps an event: SQS's longest, 14. */
  readonly failureRetentionDays: number;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const MS = 1000;
const MINUTE = 60;
/**
 * SQS's longest message retention.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */
const SQS_MAX_RETENTION_DAYS = 14;

/**
 * Plans a function.
 *
 * - **Zones**: the subnets span at least the tier's AZs (`fleetMinZones`): Lambda runs a VPC
 *   function only in the AZs of its subnets.
 * - **Provisioned concurrency** (static stability, TIER_0/1 serving copies): warm environments on the
 *   alias of `staticallyStableCapacity(required, zones).total` = ⌈required / (zones − 1)⌉ × zones, so
 *   that losing the environments of one AZ leaves `required` warm, on an even spread over the AZs
 *   (how Lambda places provisioned environments is not published). Other tiers, and the standby of
 *   a strategy that is not active/active, provision none; concurrency beyond comes on demand at
 *   Lambda's scaling rate (1,000 environments per 10 s per function, see the scaling-behavior page
 *   below), with cold starts.
 * - **Reserved concurrency** (the bulkhead): given, at least `required` and at least the provisioned
 *   count (Lambda refuses more provisioned than reserved).
 * - **Timeout**: `timeoutSeconds`, else ⌊caller hop's per-try timeout / 1000⌋ (a try the caller
 *   abandoned gets no more work: a synchronous invocation runs on after its caller gives up), else
 *   Lambda's 3 s; at most the caller's per-try timeout, at least the worst case of the function's
 *   own dependency calls (else Lambda stops it mid-retry), 1–900 s.
 * - **Rollback alarms**: errors / invocations of the version being deployed (through the alias, by
 *   `ExecutedVersion`: a canary is judged on its own requests) and throttles / (invocations +
 *   throttles) of the alias, over the tier's fastest page window, at its burn-rate threshold
 *   (`errorAlarmPlan`).
 * - **Deployment**: CodeDeploy moves `percent` (10) of traffic, then (canary) the rest, or (linear)
 *   `percent` more, every `intervalMinutes` = 2 × the alarm period (any window of two periods holds
 *   one whole period of the new version's traffic).
 *
 * Example: TIER_1, 3 AZs, required 40, reserved 100, caller hop per-try 2500 ms → provisioned
 * ⌈40 / 2⌉ × 3 = 60 (20 per AZ, 40 after an AZ loss), timeout 2 s; error alarm at 0.72 % of the
 * new version's requests over 5 min (14.4 × 0.05 %); canary 10 % for 10 min, then 100 %.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html
 */
export function planFunction(tier: ServiceTier, intent: FunctionIntent): FunctionPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });
  const range = (prop: string, value: number | undefined, min: number, max: number, unit = '') => {
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)) {
      problem(prop, `${prop} must be an integer from ${min} to ${max}${unit}, got: ${String(value)}`);
      return false;
    }
    return true;
  };

  // ---- Zones -------------------------------------------------------------------------------
  const minZones = fleetMinZones(tier);
  const zones = Math.max(intent.zoneCount ?? minZones, 1);
  if (intent.zoneCount !== undefined && intent.zoneCount < minZones) {
    const prop = intent.zonesProp ?? 'vpcSubnets';
    problem(prop, `${prop} must select subnets in at least ${minZones} AZs for ${tier.name}, got: ${intent.zoneCount}`);
  }

  // ---- Concurrency -------------------------------------------------------------------------
  const validRequired = checkCount(problems, 'requiredConcurrency', intent.requiredConcurrency, 1);
  const validReserved = checkCount(problems, 'reservedConcurrency', intent.reservedConcurrency, 1);
  const validProvisioned = checkCount(problems, 'provisionedConcurrency', intent.provisionedConcurrency, 0);
  const required = validRequired ? intent.requiredConcurrency : 1;
  const reserved = validReserved ? intent.reservedConcurrency : required;
  const stable = tier.staticallyStable && zones >= 2;
  const spread = stable ? staticallyStableCapacity(required, zones) : undefined;
  const primaryProvisioned = spread?.total ?? 0;
  const serving = intent.role !== HaRole.STANDBY || tier.strategy === DrStrategy.ACTIVE_ACTIVE;
  const planned = serving ? primaryProvisioned : 0;
  const provisioned = validProvisioned ? (intent.provisionedConcurrency ?? planned) : planned;
  if (validRequired && validReserved && reserved < required) {
    problem(
      'reservedConcurrency',
      `reservedConcurrency must be at least requiredConcurrency (${required}): the function could never run ` +
        `its peak, got: ${reserved}`,
    );
  } else if (validReserved && validProvisioned && provisioned > reserved) {
    if (intent.provisionedConcurrency !== undefined) {
      problem(
        'provisionedConcurrency',
        `provisionedConcurrency must be at most reservedConcurrency (${reserved}): Lambda refuses more warm ` +
          `environments than the function may run, got: provisionedConcurrency ${provisioned}`,
      );
    } else {
      problem(
        'reservedConcurrency',
        `reservedConcurrency must be at least the provisionedConcurrency ${tier.name} plans (${provisioned}: ` +
          `${spread!.perAz} per AZ × ${zones} AZs so that losing one AZ leaves requiredConcurrency ` +
          `${required} warm), ` +
          `got: reservedConcurrency ${reserved}`,
      );
    }
  }
  if (serving && stable && intent.provisionedConcurrency !== undefined && validProvisioned) {
    if (provisioned < required) {
      problem(
        'provisionedConcurrency',
        `provisionedConcurrency must be at least requiredConcurrency (${required}) for ${tier.name}: its AZ RTO ` +
          `(${tier.azRtoSeconds} s) leaves no time for cold starts at peak, got: ${provisioned}`,
      );
    } else if (provisioned < planned) {
      warnings.push({
        id: 'provisionedConcurrency',
        message:
          `provisionedConcurrency ${provisioned} leaves fewer than requiredConcurrency ${required} warm after an AZ ` +
          `loss; ${tier.name} plans ${planned} (${spread!.perAz} per AZ × ${zones} AZs)`,
      });
    }
  }

  // ---- Timeout -----------------------------------------------------------------------------
  const timeouts = LAMBDA_TIMEOUT_SECONDS;
  const validTimeout = range('timeout', intent.timeoutSeconds, timeouts.min, timeouts.max, ' seconds');
  let callerMs: number | undefined;
  let callerName = '';
  if (intent.caller) {
    const hop = intent.caller.policy.hops.find((h) => h.name === intent.caller!.hop);
    if (!hop) {
      const names = intent.caller.policy.hops.map((h) => h.name).join(', ');
      problem('callerHop', `callerHop must name a hop of callerPolicy (${names}), got: ${intent.caller.hop}`);
    } else if (hop.perTryTimeoutMs < timeouts.min * MS) {
      problem(
        'callerHop',
        `callerHop ${hop.name}'s perTryTimeout must be at least ${timeouts.min * MS} ms, Lambda's shortest ` +
          `timeout, got: ${hop.perTryTimeoutMs} ms`,
      );
    } else {
      callerMs = hop.perTryTimeoutMs;
      callerName = hop.name;
    }
  }
  let timeoutSeconds: number;
  let timeoutSource: FunctionPlan['timeoutSource'];
  if (intent.timeoutSeconds !== undefined) {
    timeoutSeconds = validTimeout ? intent.timeoutSeconds : timeouts.default;
    timeoutSource = 'timeout';
  } else if (callerMs !== undefined) {
    timeoutSeconds = Math.min(Math.floor(callerMs / MS), timeouts.max);
    timeoutSource = 'callerHop';
  } else {
    timeoutSeconds = FUNCTION_DEFAULTS.timeoutSeconds;
    timeoutSource = 'default';
  }
  if (validTimeout && callerMs !== undefined && timeoutSeconds * MS > callerMs) {
    problem(
      'timeout',
      `timeout must be at most the caller's per-try timeout (callerHop ${callerName}: ${callerMs} ms): the ` +
        `function would run on after its caller gave up and retried, got: timeout ${timeoutSeconds * MS} ms`,
    );
  }
  if (validTimeout && intent.dependencies && intent.dependencies.worstCaseMs > timeoutSeconds * MS) {
    problem(
      'timeout',
      `timeout must be at least dependencyPolicy's worst case (${intent.dependencies.worstCaseMs} ms), or Lambda ` +
        `stops the function in the middle of its retries, got: ${timeoutSeconds * MS} ms`,
    );
  }

  // ---- Deployment and alarms ---------------------------------------------------------------
  const errorAlarm = errorAlarmPlan(tier);
  const trafficShifting = intent.trafficShifting ?? FUNCTION_DEFAULTS.trafficShifting;
  if (!Object.values(TrafficShifting).includes(trafficShifting)) {
    const allowed = Object.values(TrafficShifting).join(', ');
    problem('trafficShifting', `trafficShifting must be one of ${allowed}, got: ${String(trafficShifting)}`);
  }
  const percentRange = CODEDEPLOY_TRAFFIC_PERCENT;
  const validPercent = range('trafficPercent', intent.trafficPercent, percentRange.min, percentRange.max, ' percent');
  const percent = validPercent ? (intent.trafficPercent ?? FUNCTION_DEFAULTS.trafficPercent) : 10;
  const intervalMinutes = Math.ceil((2 * errorAlarm.periodSeconds * errorAlarm.evaluationPeriods) / MINUTE);
  const steps = trafficShifting === TrafficShifting.LINEAR ? Math.ceil(100 / percent) - 1 : 1;

  // ---- Asynchronous invocation -------------------------------------------------------------
  const retries = LAMBDA_ASYNC_RETRY_ATTEMPTS;
  const age = LAMBDA_MAX_EVENT_AGE_SECONDS;
  range('retryAttempts', intent.asyncRetryAttempts, retries.min, retries.max);
  range('maxEventAge', intent.maxEventAgeSeconds, age.min, age.max, ' seconds');
  range('memorySize', intent.memorySize, LAMBDA_MEMORY_MIB.min, LAMBDA_MEMORY_MIB.max, ' MiB');
  if (intent.aliasName !== undefined && !ALIAS_NAME.test(intent.aliasName)) {
    problem(
      'aliasName',
      'aliasName must be 1 to 128 letters, digits, - and _, not only digits (that names a version), ' +
        `got: ${intent.aliasName}`,
    );
  }

  return {
    minZones,
    timeoutSeconds,
    timeoutSource,
    concurrency: {
      required,
      reserved,
      provisioned,
      primaryProvisioned,
      provisionedPerAz: Math.ceil(provisioned / zones),
      provisionedAfterAzLoss: zones >= 2 ? provisioned - Math.ceil(provisioned / zones) : 0,
    },
    deployment: {
      trafficShifting,
      percent,
      intervalMinutes,
      totalMinutes: steps * intervalMinutes,
      rollbackOnAlarm: true,
    },
    errorAlarm,
    throttleAlarm: errorAlarm,
    async: {
      retryAttempts: intent.asyncRetryAttempts ?? FUNCTION_DEFAULTS.asyncRetryAttempts,
      maxEventAgeSeconds: intent.maxEventAgeSeconds ?? FUNCTION_DEFAULTS.maxEventAgeSeconds,
    },
    failuresAlarm: { periodSeconds: MINUTE, evaluationPeriods: 1, threshold: 0 },
    aliasName: intent.aliasName ?? FUNCTION_DEFAULTS.aliasName,
    failureRetentionDays: SQS_MAX_RETENTION_DAYS,
    problems,
    warnings,
  };
}
