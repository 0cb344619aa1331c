import { PlanProblem, PlanWarning } from '../errors';
import { ServiceTier } from '../tier';

/**
 * The plan of a JWT authorizer (`JwtAuthorizer`): a token authorizer that verifies JSON Web Tokens of one
 * issuer with the issuer's published keys, the same in every region, so a client's token holds wherever
 * DNS sends it. It reads no regional credential: its keys come from the issuer, and from a copy of them kept in
 * its own region, so that neither a failover nor an issuer outage leaves a new execution environment without keys.
 */

/** What a JWT authorizer is told of its issuer, in core's terms; `undefined` where a value is a token. */
export interface JwtAuthorizerIntent {
  /** The issuer, exactly as tokens carry it in `iss` (`https://login.example.com/`). */
  readonly issuer?: string;
  /** The audience tokens must name in `aud` (this API's identifier at the issuer). */
  readonly audience?: string;
  /** @default - `<issuer>/.well-known/jwks.json` */
  readonly jwksUri?: string;
  /** @default JWT_AUTHORIZER_DEFAULTS.resultsCacheSeconds */
  readonly resultsCacheSeconds?: number;
  /**
   * The most requests per second the region admits (its API's stage rate limit): each may need a verdict.
   * @default - unknown: no environment is kept warm
   */
  readonly peakRequestsPerSecond?: number;
}

/** The plan. */
export interface JwtAuthorizerPlan {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  /** How long API Gateway keeps a token's verdict (0 to 3600 s). */
  readonly resultsCacheSeconds: number;
  /** How long a warm authorizer keeps its keys before reading the region's copy again. */
  readonly keysRefreshSeconds: number;
  /** How long it waits for the issuer's keys. */
  readonly keysFetchTimeoutMs: number;
  /** How long it waits for the region's copy of the keys. */
  readonly keysCopyReadTimeoutMs: number;
  /** The least time between two fetches from the issuer by one environment for a `kid` it does not know. */
  readonly unknownKeyRefetchSeconds: number;
  /** How often the refresher copies the issuer's keys into the region's copy, in minutes. */
  readonly keysCopyRefreshMinutes: number;
  /** The function's timeout: a read of the copy, a fetch from the issuer and the verification. */
  readonly timeoutSeconds: number;
  /** The refresher's timeout: a fetch from the issuer and a write of the copy. */
  readonly refresherTimeoutSeconds: number;
  /**
   * Consecutive refreshes that fail (one per `keysCopyRefreshMinutes`) before the refresher's alarm: the copy is
   * then that old, and a key the issuer publishes meanwhile reaches environments only from the issuer.
   */
  readonly keysCopyAlarmRefreshes: number;
  /** The peak of requests per second the warm environments are sized for; undefined when not given. */
  readonly peakRequestsPerSecond?: number;
  /**
   * Environments kept warm, and the function's reserved concurrency: the region's whole peak with every verdict at
   * the timeout (Little's law); undefined when the peak is not given.
   */
  readonly provisionedConcurrency?: number;
  /** The AWS region whose endpoint serves the issuer (a Cognito user pool's), when its URL names one. */
  readonly issuerRegion?: string;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/**
 * API Gateway keeps an authorizer's verdict up to 3600 s (300 s by default).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
 */
export const API_GATEWAY_AUTHORIZER_CACHE_MAX_SECONDS = 3600;

/**
 * Defaults: API Gateway's verdict cache; the region's copy read within 0.5 s and again every 5 minutes, refreshed
 * from the issuer every 5 minutes; the issuer fetched within 1.5 s, at most once a minute per environment for an
 * unknown `kid`; so a verdict takes at most 0.5 + 1.5 s and the verification: a 3 s timeout.
 */
export const JWT_AUTHORIZER_DEFAULTS = {
  resultsCacheSeconds: 300,
  keysRefreshSeconds: 300,
  keysFetchTimeoutMs: 1500,
  keysCopyReadTimeoutMs: 500,
  unknownKeyRefetchSeconds: 60,
  keysCopyRefreshMinutes: 5,
  keysCopyAlarmRefreshes: 3,
  timeoutSeconds: 3,
  refresherTimeoutSeconds: 10,
} as const;

/** A host of an AWS regional endpoint: `cognito-idp.us-east-1.amazonaws.com`. */
const REGIONAL_AWS_HOST = /(?:^|\.)([a-z]{2}(?:-gov)?-[a-z]+-\d+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * Plans a JWT authorizer.
 *
 * - **Issuer and audience**: a token is accepted when its signature verifies with a key of the issuer's
 *   key set (RS256 or ES256, by `kid`), `iss` is the issuer, `aud` names the audience, `exp` is in the
 *   future and `nbf`, if any, is past. Every region's authorizer holds the same three values, so the
 *   credential a client holds is accepted in every region.
 * - **The issuer's keys**: a refresher copies them from `jwksUri` into a parameter of the authorizer's own
 *   region every `keysCopyRefreshMinutes`, keeping the last copy while the issuer does not answer. An
 *   environment reads that copy (within `keysCopyReadTimeoutMs`) when it starts and every
 *   `keysRefreshSeconds`, so a new environment needs no issuer: not on a failover, not while the issuer is
 *   down. A token whose `kid` the copy lacks (a key the issuer published since) sends the environment to the
 *   issuer, at most once per `unknownKeyRefetchSeconds`, so forged `kid`s cannot drive fetches.
 * - **The issuer's region**: one served from an AWS region (a Cognito user pool's
 *   `cognito-idp.<region>.amazonaws.com`) fails with that region: no client gets a new token: a warning.
 * - **Verdicts** are cached by API Gateway for `resultsCacheSeconds` per token (0 to 3600 s).
 * - **Warm environments** (statically stable tiers): a region that takes the other's clients must start no
 *   environment. API Gateway asks for at most one verdict per admitted request, so with every verdict at the
 *   timeout the region holds `peakRequestsPerSecond × timeoutSeconds` at once (Little's law): all of them
 *   provisioned, and reserved so the account's other functions cannot take them. Without the peak: a warning.
 *
 * Example: TIER_0, issuer `https://login.example.com/`, audience `carts-api`, peak 100 requests per second →
 * keys from `https://login.example.com/.well-known/jwks.json`, copied into the region every 5 minutes, read from
 * the copy within 0.5 s, the issuer asked within 1.5 s at most once a minute for an unknown `kid`; a 3 s timeout;
 * an alarm after 3 failed refreshes (15 minutes);
 * 100 × 3 = 300 environments provisioned and reserved; verdicts cached 300 s; no issuer region, no warning.
 * @see https://www.rfc-editor.org/rfc/rfc7519
 */
export function planJwtAuthorizer(tier: ServiceTier, intent: JwtAuthorizerIntent): JwtAuthorizerPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const issuer = intent.issuer ?? '';
  if (intent.issuer !== undefined && !isHttpsUrl(intent.issuer)) {
    problems.push({ prop: 'issuer', message: `issuer must be an https URL (the tokens' iss), got: ${intent.issuer}` });
  }
  const audience = intent.audience ?? '';
  if (intent.audience !== undefined && intent.audience.trim() === '') {
    problems.push({ prop: 'audience', message: 'audience must name this API at the issuer, got: an empty string' });
  }
  const jwksUri = intent.jwksUri ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  if (intent.jwksUri !== undefined && !isHttpsUrl(intent.jwksUri)) {
    problems.push({ prop: 'jwksUri', message: `jwksUri must be an https URL, got: ${intent.jwksUri}` });
  }
  const resultsCacheSeconds = intent.resultsCacheSeconds ?? JWT_AUTHORIZER_DEFAULTS.resultsCacheSeconds;
  if (
    !Number.isInteger(resultsCacheSeconds) ||
    resultsCacheSeconds < 0 ||
    resultsCacheSeconds > API_GATEWAY_AUTHORIZER_CACHE_MAX_SECONDS
  ) {
    problems.push({
      prop: 'resultsCacheTtl',
      message:
        `resultsCacheTtl must be whole seconds from 0 to ${API_GATEWAY_AUTHORIZER_CACHE_MAX_SECONDS}, got: ` +
        `${resultsCacheSeconds}`,
    });
  }
  const defaults = JWT_AUTHORIZER_DEFAULTS;
  const peak = intent.peakRequestsPerSecond;
  let provisionedConcurrency: number | undefined;
  if (peak !== undefined && (!Number.isFinite(peak) || peak <= 0)) {
    problems.push({
      prop: 'peakRequestsPerSecond',
      message: `peakRequestsPerSecond must be a number of requests per second above 0, got: ${peak}`,
    });
  } else if (peak !== undefined) {
    provisionedConcurrency = Math.ceil(peak * defaults.timeoutSeconds);
  } else if (tier.staticallyStable) {
    warnings.push({
      id: 'peakRequestsPerSecond',
      message:
        `no peakRequestsPerSecond: ${tier.name} must serve a region's whole peak on what already runs, but the ` +
        'authorizer keeps no environment warm, so the region that takes the clients of a failed one starts them on ' +
        "demand, at Lambda's scaling rate; give the API's stage rate limit",
    });
  }
  const issuerRegion = [issuer, jwksUri].map(regionOfUrl).find((r) => r !== undefined);
  if (issuerRegion !== undefined) {
    warnings.push({
      id: 'issuer',
      message:
        `issuer ${issuer} (keys at ${jwksUri}) is served from ${issuerRegion}: when that region fails no client ` +
        "gets a new token; use an issuer outside the service's regions",
    });
  }
  return {
    issuer,
    audience,
    jwksUri,
    resultsCacheSeconds,
    keysRefreshSeconds: defaults.keysRefreshSeconds,
    keysFetchTimeoutMs: defaults.keysFetchTimeoutMs,
    keysCopyReadTimeoutMs: defaults.keysCopyReadTimeoutMs,
    unknownKeyRefetchSeconds: defaults.unknownKeyRefetchSeconds,
    keysCopyRefreshMinutes: defaults.keysCopyRefreshMinutes,
    timeoutSeconds: defaults.timeoutSeconds,
    refresherTimeoutSeconds: defaults.refresherTimeoutSeconds,
    keysCopyAlarmRefreshes: defaults.keysCopyAlarmRefreshes,
    peakRequestsPerSecond: provisionedConcurrency === undefined ? undefined : peak,
    provisionedConcurrency,
    issuerRegion,
    problems,
    warnings,
  };
}

/** The AWS region an https URL's host names (`cognito-idp.us-east-1.amazonaws.com` → `us-east-1`). */
export function regionOfUrl(url: string): string | undefined {
  const host = /^https:\/\/([^/:?#]+)/i.exec(url)?.[1]?.toLowerCase();
  return host === undefined ? undefined : REGIONAL_AWS_HOST.exec(host)?.[1];
}

function isHttpsUrl(value: string): boolean {
  return /^https:\/\/[^/\s?#]+(?:[/?#]\S*)?$/i.test(value);
}
