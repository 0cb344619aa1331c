import { ClientPolicyDocument } from '../client-policy';
import { PlanProblem, PlanWarning } from '../errors';
import { WAF_RATE_LIMIT_MAX, WAF_RATE_LIMIT_MIN, WAF_RATE_WINDOW_SECONDS } from '../figures';
import { healthCheckPathProblem, READINESS_PATH } from '../health-check-path';
import { ServiceTier } from '../tier';
import { errorAlarmPlan, FleetErrorAlarmPlan } from './fleet';

/**
 * The plan of a regional API Gateway entry point (`RegionalApi`): how much each region admits
 * (stage, route and client limits), how long it waits for the function, and what it alarms on.
 * Load shedding follows the SRE book's handling of overload: a per-client quota first (one client
 * cannot take everyone's capacity), then a regional ceiling that keeps the function's bulkhead from
 * filling, then a per-IP limit at the edge (WAF) for clients without a key.
 */

/**
 * A REST API's integration timeout: 50 ms to 29 s (a regional API may ask for more by a quota
 * increase, which this library does not assume); and the account's default throttle per region:
 * 10,000 requests per second with a burst of 5,000, which every API of the account shares.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
 */
export const API_GATEWAY_INTEGRATION_TIMEOUT_MS = { min: 50, max: 29_000 } as const;
export const API_GATEWAY_ACCOUNT_THROTTLE = { rateLimit: 10_000, burstLimit: 5_000 } as const;

/**
 * Characters of a client's key value: API Gateway takes an alphanumeric value of 20 to 128 characters;
 * 40 letters and digits hold about 238 bits.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
 */
export const API_KEY_VALUE_LENGTH = 40;

/**
 * Name of the secret holding a client's key value (`<service>/api-keys/<client>`): the same in every
 * region, so each region's stack names its own replica without a reference to another region's stack.
 * Characters a secret's name may not hold become `-`.
 */
export function apiClientKeySecretName(service: string, client: string): string {
  return `${service}/api-keys/${client}`.replace(/[^A-Za-z0-9/_+=.@-]/g, '-');
}

/** What a usage plan's quota counts over. */
export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';
const QUOTA_PERIODS: readonly QuotaPeriod[] = ['DAY', 'WEEK', 'MONTH'];

/** HTTP methods a route may list; `ANY` is every method of its path. */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;

/** Steady rate and burst of a token bucket, as API Gateway throttles. */
export interface ThrottleIntent {
  /** Requests per second, refilled steadily. */
  readonly rateLimit: number;
  /** Requests admitted at once (the bucket's size). */
  readonly burstLimit?: number;
}

/** One route of the API. */
export interface ApiRouteIntent {
  /** Resource path: `/orders`, `/orders/{id}`, `/{proxy+}`. */
  readonly path: string;
  /** HTTP methods (`ANY` for all). */
  readonly methods: readonly string[];
  /** The route's own limits, below the stage's (a costly route gets less). */
  readonly throttle?: ThrottleIntent;
}

/** One client of the API: its key, its rate and its quota. */
export interface ApiClientIntent {
  /** Name of the client (its key and usage plan are named after it): letters, digits, `-` and `_`. */
  readonly name: string;
  readonly throttle: ThrottleIntent;
  /** Requests allowed per period. */
  readonly quota?: { readonly limit: number; readonly period: QuotaPeriod };
}

/**
 * How the API authorizes callers of the service name, as a failover sees it:
 * - `IAM`: SigV4 signatures, which name the region they were made for: refused by any other region.
 * - `REGION_AGNOSTIC`: JWTs of one issuer, verified with the issuer's keys in every region ({@link planJwtAuthorizer}).
 * - `USER_POOL`: a Cognito user pool's tokens: the pool, and with it every sign-in, lives in one region.
 * - `CUSTOM`: another authorizer, whose region-dependence the library cannot see.
 */
export type ApiAuthorization = 'IAM' | 'REGION_AGNOSTIC' | 'USER_POOL' | 'CUSTOM';

/** The clients' key secrets a regional API reads its key values from: one per client, replicated. */
export interface ApiClientKeysIntent {
  /** Clients that have a secret. */
  readonly clients: readonly string[];
  /** Regions holding a copy (the primary's and the replicas'); undefined where a region is a token. */
  readonly regions: readonly (string | undefined)[];
}

/** A regional API as its props describe it, in core's terms; `undefined` where a value is a token. */
export interface RegionalApiIntent {
  /** Region of the API; undefined when a token. */
  readonly region?: string;
  /**
   * How callers other than the health checkers are authorized.
   * @default 'IAM'
   */
  readonly authorization?: ApiAuthorization;
  /**
   * The secrets the clients' key values come from, one value per client in every region.
   * @default - API Gateway generates each region's keys
   */
  readonly clientKeys?: ApiClientKeysIntent;
  /** What the region admits in all: the stage's limits. */
  readonly throttle: ThrottleIntent;
  readonly routes?: readonly ApiRouteIntent[];
  readonly clients?: readonly ApiClientIntent[];
  /** The clients' policy towards this API, and the hop that calls it: its per-try timeout bounds the integration's. */
  readonly caller?: { readonly policy: ClientPolicyDocument; readonly hop: string };
  /** The integration timeout asked for, in milliseconds. */
  readonly integrationTimeoutMs?: number;
  /** The function behind the API: its timeout and its reserved concurrency. */
  readonly handler: { readonly timeoutSeconds: number; readonly reservedConcurrency: number };
  /**
   * The requests per second a JWT authorizer keeps its environments warm for (its `peakRequestsPerSecond`).
   * @default - none kept warm, or not a JWT authorizer
   */
  readonly authorizerPeakRequestsPerSecond?: number;
  /** Requests one IP may send per WAF window (5 minutes). */
  readonly rateLimitPerIp?: number;
  /** @default READINESS_PATH */
  readonly healthCheckPath?: string;
}

/** A token bucket as rendered. */
export interface ThrottlePlan {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** A route as rendered: its methods, and per method its limits when it has its own. */
export interface ApiRoutePlan {
  readonly path: string;
  readonly methods: readonly string[];
  readonly throttle?: ThrottlePlan;
}

/** A client as rendered: one API key in one usage plan. */
export interface ApiClientPlan {
  readonly name: string;
  /** Whether its key's value comes from its replicated secret (the same in every region), or API Gateway's. */
  readonly sharedKey: boolean;
  readonly throttle: ThrottlePlan;
  readonly quota?: { readonly limit: number; readonly period: QuotaPeriod };
}

/** The plan. */
export interface RegionalApiPlan {
  readonly authorization: ApiAuthorization;
  readonly throttle: ThrottlePlan;
  readonly routes: readonly ApiRoutePlan[];
  readonly clients: readonly ApiClientPlan[];
  readonly integrationTimeoutMs: number;
  readonly integrationTimeoutSource: 'integrationTimeout' | 'callerHop' | 'default';
  readonly rateLimitPerIp: number;
  /** The deep readiness path: no key, no authorization (Route 53's checkers can send neither). */
  readonly healthCheckPath: string;
  /**
   * Share of requests answered 5xx at the tier's fastest page burn rate; `thresholdRatio` is the threshold as the
   * stage's `5XXError` average reads it (a ratio, not a percent).
   */
  readonly errorAlarm: FleetErrorAlarmPlan & { readonly thresholdRatio: number };
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** Defaults: the per-IP limit of fleets, a burst of one second's rate, one greedy route. */
export const REGIONAL_API_DEFAULTS = {
  rateLimitPerIp: 2000,
  routes: [{ path: '/{proxy+}', methods: ['ANY'] }] as readonly ApiRouteIntent[],
} as const;

const CLIENT_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PATH = /^\/([A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\+?\})(\/([A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\+?\}))*$/;
const MS = 1000;

/**
 * Plans a regional API.
 *
 * - **Stage limits** (the region's ceiling): `rateLimit` requests per second, `burstLimit` (default:
 *   one second's rate) at once; above the account's 10,000/5,000 per region they warn (every API of
 *   the account shares those). When every request runs the function's whole timeout, the function
 *   holds rate × timeout executions (Little's law): above its reserved concurrency, Lambda throttles
 *   first and clients see 500s instead of API Gateway's 429s: a warning.
 * - **Route limits**: each at most the stage's (API Gateway applies the lower anyway: a higher one
 *   is a mistake), on concrete methods (method settings name a method, not `ANY`).
 * - **Clients**: one API key and usage plan each, rate at most the stage's; their sum may exceed it
 *   (the stage sheds the excess), a quota per day, week or month.
 * - **Integration timeout**: `integrationTimeoutMs`, else the caller hop's per-try timeout, else
 *   29 s; 50 ms to 29 s, at most the caller's per-try timeout (API Gateway would answer after the
 *   caller gave up and retried), and at least the function's timeout (else API Gateway answers 504
 *   while the function still runs, and the retry runs it twice).
 * - **Error alarm**: the stage's 5XXError average (a share of requests) over the fastest page window.
 * - **Credentials across regions** (tiers of two regions or more): DNS sends a client of the service name
 *   to whichever region is healthy, so its credentials must hold there. API keys come from one secret per
 *   client replicated to every region (`clientKeys`: every client has one, and this region holds a copy),
 *   else a warning: API Gateway generates each region's own. SigV4 (`IAM`) warns rather than fails: a
 *   signature names its region, so signed clients must fail over themselves, signing for each region on
 *   its regional name, which callers inside AWS can do; a Cognito user pool lives in one region: a warning.
 *   A JWT authorizer kept warm for fewer requests per second than the stage admits: a warning.
 *
 * Example: TIER_0, a region-agnostic authorizer, rate 500/s, caller hop per-try 3000 ms, function timeout 3 s,
 * reserved 1500 → burst 500, integration timeout 3000 ms, 500 × 3 s = 1500 executions ≤ 1500 reserved:
 * no warning; 5xx alarm above 0.144 % over 5 min (14.4 × the 0.01 % budget).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
 * @see https://sre.google/sre-book/handling-overload/
 */
export function planRegionalApi(tier: ServiceTier, intent: RegionalApiIntent): RegionalApiPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });

  // ---- Stage limits --------------------------------------------------------------------------
  const throttle = throttlePlan('throttle', intent.throttle, undefined, problem);
  const account = API_GATEWAY_ACCOUNT_THROTTLE;
  if (throttle.rateLimit > account.rateLimit || throttle.burstLimit > account.burstLimit) {
    warnings.push({
      id: 'throttle',
      message:
        `throttle (rate ${throttle.rateLimit}/s, burst ${throttle.burstLimit}) is above the account's default ` +
        `${account.rateLimit}/s and burst ${account.burstLimit} per region, which every API of the account shares: ` +
        'raise that quota first, or the account throttles before the stage does',
    });
  }
  const { timeoutSeconds, reservedConcurrency } = intent.handler;
  if (throttle.rateLimit * timeoutSeconds > reservedConcurrency) {
    warnings.push({
      id: 'handler',
      message:
        `throttle.rateLimit ${throttle.rateLimit}/s × the handler's ${timeoutSeconds} s timeout needs ` +
        `${throttle.rateLimit * timeoutSeconds} executions when requests run their whole timeout, more than its ` +
        `reservedConcurrency ${reservedConcurrency}: Lambda throttles first and clients get 500s, not 429s`,
    });
  }

  const authorizerPeak = intent.authorizerPeakRequestsPerSecond;
  if (authorizerPeak !== undefined && authorizerPeak < throttle.rateLimit) {
    warnings.push({
      id: 'authorizer',
      message:
        `authorizer keeps environments warm for ${authorizerPeak} requests per second, below throttle.rateLimit ` +
        `${throttle.rateLimit}/s: at the region's peak the verdicts beyond start environments on demand; give the ` +
        `JwtAuthorizer peakRequestsPerSecond ${throttle.rateLimit}`,
    });
  }

  // ---- Routes ----------------------------------------------------------------------------------
  const routeIntents = intent.routes ?? REGIONAL_API_DEFAULTS.routes;
  if (routeIntents.length === 0) {
    problem('routes', 'routes must list at least one route, got: none');
  }
  const seen = new Set<string>();
  const routes = routeIntents.map((route, i): ApiRoutePlan => {
    const prop = `routes[${i}]`;
    if (typeof route.path !== 'string' || !PATH.test(route.path)) {
      problem(
        'routes',
        `${prop}.path must start with / and hold segments of letters, digits, . _ ~ - or {param} / {proxy+}, ` +
          `got: ${route.path}`,
      );
    }
    const methods = [...new Set(route.methods.map((m) => String(m).toUpperCase()))];
    for (const method of methods) {
      if (!(METHODS as readonly string[]).includes(method)) {
        problem('routes', `${prop}.methods must be among ${METHODS.join(', ')}, got: ${method}`);
      }
      const key = `${method} ${route.path}`;
      if (seen.has(key)) {
        problem('routes', `${prop} repeats ${key}, which an earlier route already has`);
      }
      seen.add(key);
    }
    if (methods.length === 0) {
      problem('routes', `${prop}.methods must list at least one method, got: none`);
    }
    if (route.path === (intent.healthCheckPath ?? READINESS_PATH)) {
      problem(
        'routes',
        `${prop}.path must not be the health check path, which the API routes itself, got: ${route.path}`,
      );
    }
    if (route.throttle === undefined) {
      return { path: route.path, methods };
    }
    if (methods.includes('ANY')) {
      problem(
        'routes',
        `${prop}.methods must name concrete methods when the route has its own throttle (API Gateway's method ` +
          `settings name a method, not ANY), got: ${methods.join(', ')}`,
      );
    }
    return { path: route.path, methods, throttle: throttlePlan(`${prop}.throttle`, route.throttle, throttle, problem) };
  });

  // ---- Clients ---------------------------------------------------------------------------------
  const names = new Set<string>();
  const clients = (intent.clients ?? []).map((client, i): ApiClientPlan => {
    const prop = `clients[${i}]`;
    if (typeof client.name !== 'string' || !CLIENT_NAME.test(client.name)) {
      problem('clients', `${prop}.name must be 1 to 64 letters, digits, - and _, got: ${client.name}`);
    } else if (names.has(client.name)) {
      problem('clients', `${prop}.name must be unique, got: ${client.name} twice`);
    }
    names.add(client.name);
    const quota = client.quota;
    if (quota !== undefined) {
      if (!Number.isInteger(quota.limit) || quota.limit < 1) {
        problem('clients', `${prop}.quota.limit must be an integer of at least 1, got: ${quota.limit}`);
      }
      if (!QUOTA_PERIODS.includes(quota.period)) {
        problem('clients', `${prop}.quota.period must be one of ${QUOTA_PERIODS.join(', ')}, got: ${quota.period}`);
      }
    }
    return {
      name: client.name,
      sharedKey: intent.clientKeys !== undefined,
      throttle: throttlePlan(`${prop}.throttle`, client.throttle, throttle, problem),
      quota,
    };
  });

  // ---- Credentials across regions ------------------------------------------------------------
  const authorization = intent.authorization ?? 'IAM';
  credentialChecks(tier, intent, authorization, clients, problem, warnings);

  // ---- Integration timeout -------------------------------------------------------------------
  const limits = API_GATEWAY_INTEGRATION_TIMEOUT_MS;
  let callerMs: number | undefined;
  let callerName = '';
  if (intent.caller) {
    const hop = intent.caller.policy.hops.find((h) => h.name === intent.caller!.hop);
    if (!hop) {
      const hops = intent.caller.policy.hops.map((h) => h.name).join(', ');
      problem('callerHop', `callerHop must name a hop of callerPolicy (${hops}), got: ${intent.caller.hop}`);
    } else {
      callerMs = hop.perTryTimeoutMs;
      callerName = hop.name;
    }
  }
  const asked = intent.integrationTimeoutMs;
  const validAsked = asked === undefined || (Number.isInteger(asked) && asked >= limits.min && asked <= limits.max);
  if (!validAsked) {
    problem(
      'integrationTimeout',
      `integrationTimeout must be a whole number of milliseconds from ${limits.min} to ${limits.max}, got: ${asked}`,
    );
  }
  let integrationTimeoutMs: number;
  let integrationTimeoutSource: RegionalApiPlan['integrationTimeoutSource'];
  if (asked !== undefined && validAsked) {
    integrationTimeoutMs = asked;
    integrationTimeoutSource = 'integrationTimeout';
  } else if (callerMs !== undefined) {
    integrationTimeoutMs = Math.max(Math.min(callerMs, limits.max), limits.min);
    integrationTimeoutSource = 'callerHop';
  } else {
    integrationTimeoutMs = limits.max;
    integrationTimeoutSource = 'default';
  }
  if (callerMs !== undefined && integrationTimeoutMs > callerMs) {
    const prop = integrationTimeoutSource === 'integrationTimeout' ? 'integrationTimeout' : 'callerHop';
    problem(
      prop,
      `${prop === 'callerHop' ? `callerHop ${callerName}'s per-try timeout` : 'integrationTimeout'} must leave ` +
        `the integration at most the caller's per-try timeout (${callerName}: ${callerMs} ms) and at least ` +
        `${limits.min} ms: API Gateway would answer after the caller gave up and retried, got: ` +
        `integrationTimeout ${integrationTimeoutMs} ms`,
    );
  }
  if (timeoutSeconds * MS > integrationTimeoutMs) {
    problem(
      'handler',
      `handler's timeout must be at most the integration timeout (${integrationTimeoutMs} ms, from ` +
        `${integrationTimeoutSource}): API Gateway answers 504 while the function still runs, and the client's ` +
        `retry runs it twice, got: ${timeoutSeconds * MS} ms`,
    );
  }

  const errorAlarm = errorAlarmPlan(tier);

  // ---- Edge and health -----------------------------------------------------------------------
  const rateLimitPerIp = intent.rateLimitPerIp ?? REGIONAL_API_DEFAULTS.rateLimitPerIp;
  if (!Number.isInteger(rateLimitPerIp) || rateLimitPerIp < WAF_RATE_LIMIT_MIN || rateLimitPerIp > WAF_RATE_LIMIT_MAX) {
    problem(
      'rateLimitPerIp',
      `rateLimitPerIp must be an integer from ${WAF_RATE_LIMIT_MIN} to ${WAF_RATE_LIMIT_MAX} (requests per ` +
        `${WAF_RATE_WINDOW_SECONDS / 60} minutes), got: ${rateLimitPerIp}`,
    );
  }
  const healthCheckPath = intent.healthCheckPath ?? READINESS_PATH;
  const pathProblem = healthCheckPathProblem('healthCheckPath', healthCheckPath);
  if (pathProblem) {
    problem('healthCheckPath', pathProblem);
  }

  return {
    authorization,
    throttle,
    routes,
    clients,
    integrationTimeoutMs,
    integrationTimeoutSource,
    rateLimitPerIp,
    healthCheckPath,
    errorAlarm: { ...errorAlarm, thresholdRatio: Number((errorAlarm.thresholdPercent / 100).toPrecision(12)) },
    problems,
    warnings,
  };
}

/** Problems and warnings about credentials a region other than the client's own would refuse. */
function credentialChecks(
  tier: ServiceTier,
  intent: RegionalApiIntent,
  authorization: ApiAuthorization,
  clients: readonly ApiClientPlan[],
  problem: (prop: string, message: string) => void,
  warnings: PlanWarning[],
): void {
  const keys = intent.clientKeys;
  if (keys) {
    const missing = clients.filter((c) => !keys.clients.includes(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      problem('clientKeys', `clientKeys must hold a secret for every client, got none for: ${missing.join(', ')}`);
    }
    const regions = keys.regions;
    if (intent.region !== undefined && regions.every((r) => r !== undefined) && !regions.includes(intent.region)) {
      problem(
        'clientKeys',
        `clientKeys must keep a copy in this API's region ${intent.region}, which resolves its keys there, got ` +
          `copies in: ${regions.join(', ')}`,
      );
    }
  }
  if (tier.minRegions < 2) {
    return;
  }
  const failover =
    `${tier.name} serves from ${tier.minRegions} regions or more, and DNS sends a client of the service ` +
    'name to any';
  if (clients.length > 0 && !keys) {
    warnings.push({
      id: 'clientKeys',
      message:
        `clients get the keys API Gateway generates in each region (no clientKeys): ${failover}, where its key ` +
        'from another region is refused (403); give clientKeys (ApiClientKeys: one value per client, replicated ' +
        'to every region)',
    });
  }
  if (authorization === 'IAM') {
    warnings.push({
      id: 'authorizer',
      message:
        `authorizer is AWS_IAM (SigV4): ${failover}, and a signature names the region it was made for, so the ` +
        'region DNS fails over to refuses it (403); give a region-agnostic authorizer (JwtAuthorizer), or have ' +
        'clients sign for each region and call its regional name, failing over themselves (the report cannot see ' +
        'them do it)',
    });
  } else if (authorization === 'USER_POOL') {
    warnings.push({
      id: 'authorizer',
      message:
        `authorizer is a Cognito user pool's: ${failover}, but the pool lives in one region: when that region ` +
        "fails no client signs in or refreshes a token; give a JwtAuthorizer of an issuer outside the service's " +
        'regions',
    });
  }
}

/** A token bucket checked against its ceiling (the stage's), with the burst defaulting to one second's rate. */
function throttlePlan(
  prop: string,
  intent: ThrottleIntent,
  ceiling: ThrottlePlan | undefined,
  problem: (prop: string, message: string) => void,
): ThrottlePlan {
  const top = prop.split(/[.[]/)[0];
  const rate = intent?.rateLimit;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
    problem(top, `${prop}.rateLimit must be a number of requests per second above 0, got: ${String(rate)}`);
    return ceiling ?? { rateLimit: 1, burstLimit: 1 };
  }
  const burst = intent.burstLimit ?? Math.max(Math.ceil(rate), 1);
  if (!Number.isInteger(burst) || burst < 1) {
    problem(top, `${prop}.burstLimit must be an integer of at least 1, got: ${burst}`);
  }
  if (ceiling && (rate > ceiling.rateLimit || burst > ceiling.burstLimit)) {
    problem(
      top,
      `${prop} must be within the stage's throttle (rate ${ceiling.rateLimit}/s, burst ${ceiling.burstLimit}): ` +
        `API Gateway applies the lower, so a higher limit is never reached, got: rate ${rate}/s, burst ${burst}`,
    );
  }
  return { rateLimit: rate, burstLimit: burst };
}
