import { PlanProblem, PlanWarning } from '../errors';

/**
 * The plan of a JWT authorizer (`JwtAuthorizer`): a token authorizer that verifies JSON Web Tokens of one
 * issuer with the issuer's published keys, the same in every region, so a client's token holds wherever
 * DNS sends it. It reads no regional credential: what it depends on is the issuer, named in the plan.
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
}

/** The plan. */
export interface JwtAuthorizerPlan {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  /** How long API Gateway keeps a token's verdict (0 to 3600 s). */
  readonly resultsCacheSeconds: number;
  /** How long a warm authorizer keeps the issuer's keys before fetching them again. */
  readonly keysRefreshSeconds: number;
  /** How long it waits for the issuer's keys. */
  readonly keysFetchTimeoutMs: number;
  /** The function's timeout: a fetch of the keys and the verification. */
  readonly timeoutSeconds: number;
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

/** Defaults: API Gateway's verdict cache; the issuer's keys kept an hour, fetched within 2 s. */
export const JWT_AUTHORIZER_DEFAULTS = {
  resultsCacheSeconds: 300,
  keysRefreshSeconds: 3600,
  keysFetchTimeoutMs: 2000,
  timeoutSeconds: 5,
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
 * - **The issuer's keys**: fetched from `jwksUri` on a cold start and after `keysRefreshSeconds`; a warm
 *   authorizer keeps the keys it has while the issuer does not answer. The issuer is the dependency: one
 *   served from an AWS region (a Cognito user pool's `cognito-idp.<region>.amazonaws.com`) fails with
 *   that region: no client gets a token and a cold authorizer gets no key: a warning.
 * - **Verdicts** are cached by API Gateway for `resultsCacheSeconds` per token (0 to 3600 s).
 *
 * Example: issuer `https://login.example.com/`, audience `carts-api` → keys from
 * `https://login.example.com/.well-known/jwks.json`, refreshed hourly, fetched within 2 s by a function
 * that runs at most 5 s; verdicts cached 300 s; no issuer region, no warning.
 * @see https://www.rfc-editor.org/rfc/rfc7519
 */
export function planJwtAuthorizer(intent: JwtAuthorizerIntent): JwtAuthorizerPlan {
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
  const issuerRegion = [issuer, jwksUri].map(regionOfUrl).find((r) => r !== undefined);
  if (issuerRegion !== undefined) {
    warnings.push({
      id: 'issuer',
      message:
        `issuer ${issuer} (keys at ${jwksUri}) is served from ${issuerRegion}: when that region fails no client ` +
        "gets a token and a cold authorizer gets no key; use an issuer outside the service's regions",
    });
  }
  return {
    issuer,
    audience,
    jwksUri,
    resultsCacheSeconds,
    keysRefreshSeconds: JWT_AUTHORIZER_DEFAULTS.keysRefreshSeconds,
    keysFetchTimeoutMs: JWT_AUTHORIZER_DEFAULTS.keysFetchTimeoutMs,
    timeoutSeconds: JWT_AUTHORIZER_DEFAULTS.timeoutSeconds,
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
