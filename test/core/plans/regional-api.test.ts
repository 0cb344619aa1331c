import * as fc from 'fast-check';
import { ServiceTier } from '../../../lib/core';
import { clientResiliencePolicy } from '../../../lib/core/client-policy';
import {
  apiClientKeySecretName,
  planRegionalApi,
  RegionalApiIntent,
  RegionalApiPlan,
} from '../../../lib/core/plans/regional-api';

const { TIER_0, TIER_3 } = ServiceTier;
const BASE: RegionalApiIntent = {
  // Tokens every region verifies: no credential warning on a multi-region tier.
  authorization: 'REGION_AGNOSTIC',
  throttle: { rateLimit: 500 },
  handler: { timeoutSeconds: 3, reservedConcurrency: 1500 },
};

function plan(intent: Partial<RegionalApiIntent> = {}, tier = TIER_0): RegionalApiPlan {
  return planRegionalApi(tier, { ...BASE, ...intent });
}

/** The clients' policy with one hop to the API of `perTryTimeoutMs` per try. */
function caller(perTryTimeoutMs: number) {
  const policy = clientResiliencePolicy({
    upstreamTimeoutMs: 3 * perTryTimeoutMs + 1000,
    hops: [{ name: 'orders-api', perTryTimeoutMs, baseDelayMs: 50, maxDelayMs: 200 }],
  });
  return { policy, hop: 'orders-api' };
}

describe('planRegionalApi by table', () => {
  test('the worked example of the doc comment', () => {
    const p = plan({ caller: caller(3000) });
    expect(p).toMatchObject({
      throttle: { rateLimit: 500, burstLimit: 500 },
      routes: [{ path: '/{proxy+}', methods: ['ANY'] }],
      integrationTimeoutMs: 3000,
      integrationTimeoutSource: 'callerHop',
      rateLimitPerIp: 2000,
      healthCheckPath: '/health/ready',
      errorAlarm: { periodSeconds: 300, thresholdPercent: 0.144, burnRate: 14.4 },
      problems: [],
      warnings: [],
    });
  });

  test('without a caller the integration waits 29 s, API Gateway longest', () => {
    expect(plan()).toMatchObject({ integrationTimeoutMs: 29_000, integrationTimeoutSource: 'default' });
  });

  test('routes, their limits and clients are planned as given', () => {
    const p = plan({
      throttle: { rateLimit: 500, burstLimit: 1000 },
      routes: [{ path: '/orders', methods: ['get', 'POST'], throttle: { rateLimit: 50 } }],
      clients: [
        { name: 'mobile', throttle: { rateLimit: 100, burstLimit: 200 }, quota: { limit: 1e6, period: 'DAY' } },
      ],
    });
    expect(p.problems).toEqual([]);
    expect(p.routes).toEqual([
      { path: '/orders', methods: ['GET', 'POST'], throttle: { rateLimit: 50, burstLimit: 50 } },
    ]);
    expect(p.clients).toEqual([
      {
        name: 'mobile',
        sharedKey: false,
        throttle: { rateLimit: 100, burstLimit: 200 },
        quota: { limit: 1e6, period: 'DAY' },
      },
    ]);
  });

  test.each<[string, Partial<RegionalApiIntent>, string, string]>([
    [
      'an integration timeout longer than the caller waits',
      { caller: caller(2000), integrationTimeoutMs: 2500 },
      'integrationTimeout',
      "at most the caller's per-try timeout (orders-api: 2000 ms)",
    ],
    [
      'a function that outlives the integration',
      { caller: caller(2000) },
      'handler',
      "handler's timeout must be at most the integration timeout (2000 ms, from callerHop)",
    ],
    ['an unknown hop', { caller: { ...caller(3000), hop: 'payments' } }, 'callerHop', 'got: payments'],
    ['an integration timeout beyond 29 s', { integrationTimeoutMs: 30_000 }, 'integrationTimeout', 'from 50 to 29000'],
    ['no rate', { throttle: { rateLimit: 0 } }, 'throttle', 'throttle.rateLimit must be a number'],
    [
      'a route above the stage',
      { routes: [{ path: '/orders', methods: ['POST'], throttle: { rateLimit: 600 } }] },
      'routes',
      "routes[0].throttle must be within the stage's throttle (rate 500/s, burst 500)",
    ],
    [
      'a route limit on ANY',
      { routes: [{ path: '/orders', methods: ['ANY'], throttle: { rateLimit: 50 } }] },
      'routes',
      'must name concrete methods',
    ],
    ['a bad path', { routes: [{ path: 'orders', methods: ['GET'] }] }, 'routes', 'routes[0].path must start with /'],
    ['a bad method', { routes: [{ path: '/orders', methods: ['FETCH'] }] }, 'routes', 'got: FETCH'],
    [
      'the health path as a route',
      { routes: [{ path: '/health/ready', methods: ['GET'] }] },
      'routes',
      'must not be the health check path',
    ],
    [
      'a client above the stage',
      { clients: [{ name: 'batch', throttle: { rateLimit: 1000 } }] },
      'clients',
      "clients[0].throttle must be within the stage's throttle",
    ],
    [
      'two clients of one name',
      {
        clients: [
          { name: 'web', throttle: { rateLimit: 10 } },
          { name: 'web', throttle: { rateLimit: 10 } },
        ],
      },
      'clients',
      'clients[1].name must be unique',
    ],
    [
      'a quota of no requests',
      { clients: [{ name: 'web', throttle: { rateLimit: 10 }, quota: { limit: 0, period: 'DAY' } }] },
      'clients',
      'clients[0].quota.limit must be an integer of at least 1',
    ],
    ['a per-IP limit below WAF', { rateLimitPerIp: 5 }, 'rateLimitPerIp', 'from 10 to'],
  ])('%s is refused, naming the prop', (_, intent, prop, message) => {
    const [first] = plan(intent).problems;
    expect(first.prop).toBe(prop);
    expect(first.message).toContain(message);
  });

  test.each<[string, Partial<RegionalApiIntent>, string]>([
    [
      'a stage above the account default',
      { throttle: { rateLimit: 12_000 }, handler: { timeoutSeconds: 1, reservedConcurrency: 12_000 } },
      'throttle',
    ],
    [
      'a rate the bulkhead cannot hold at the timeout',
      { handler: { timeoutSeconds: 3, reservedConcurrency: 100 } },
      'handler',
    ],
  ])('%s warns', (_, intent, id) => {
    expect(plan(intent).warnings.map((w) => w.id)).toEqual([id]);
  });
});

describe('planRegionalApi: credentials a failover keeps', () => {
  const storefront = { name: 'storefront', throttle: { rateLimit: 100 } };
  const keys = (regions: (string | undefined)[], clients = ['storefront']) => ({ clients, regions });

  test.each<[string, Partial<RegionalApiIntent>, ServiceTier, string[]]>([
    ['SigV4 on a multi-region tier', { authorization: 'IAM' }, TIER_0, ['authorizer']],
    ['SigV4 by default', { authorization: undefined }, TIER_0, ['authorizer']],
    ['a Cognito user pool on a multi-region tier', { authorization: 'USER_POOL' }, TIER_0, ['authorizer']],
    ['an authorizer the library cannot see into', { authorization: 'CUSTOM' }, TIER_0, []],
    ['SigV4 on a one-region tier', { authorization: 'IAM' }, TIER_3, []],
    ['generated keys on a multi-region tier', { clients: [storefront] }, TIER_0, ['clientKeys']],
    ['generated keys on a one-region tier', { clients: [storefront], authorization: 'IAM' }, TIER_3, []],
    [
      'shared keys held in this region',
      { clients: [storefront], region: 'us-west-2', clientKeys: keys(['us-east-1', 'us-west-2']) },
      TIER_0,
      [],
    ],
    ['a JWT authorizer warm for the stage rate', { authorizerPeakRequestsPerSecond: 500 }, TIER_0, []],
    [
      'a JWT authorizer warm for less than the stage admits',
      { authorizerPeakRequestsPerSecond: 499 },
      TIER_0,
      ['authorizer'],
    ],
  ])('%s: warnings %j', (_, intent, tier, ids) => {
    const p = plan(intent, tier);
    expect(p.problems).toEqual([]);
    expect(p.warnings.map((w) => w.id)).toEqual(ids);
  });

  test('the warnings say what a failover does and how to fix it', () => {
    const signed = plan({ authorization: 'IAM' }).warnings[0].message;
    expect(signed).toContain('a signature names the region it was made for');
    expect(signed).toContain('JwtAuthorizer');
    expect(signed).toContain('sign for each region and call its regional name');
    expect(plan({ clients: [storefront] }).warnings[0].message).toContain('ApiClientKeys');
    expect(plan({ authorizerPeakRequestsPerSecond: 100 }).warnings[0].message).toContain(
      "below throttle.rateLimit 500/s: at the region's peak the verdicts beyond start environments on demand; give " +
        'the JwtAuthorizer peakRequestsPerSecond 500',
    );
  });

  test.each<[string, Partial<RegionalApiIntent>, string]>([
    [
      'a client without a secret',
      { clients: [storefront, { name: 'partners', throttle: { rateLimit: 10 } }], clientKeys: keys(['us-east-1']) },
      'clientKeys must hold a secret for every client, got none for: partners',
    ],
    [
      'secrets with no copy in this region',
      { clients: [storefront], region: 'eu-west-1', clientKeys: keys(['us-east-1', 'us-west-2']) },
      "clientKeys must keep a copy in this API's region eu-west-1, which resolves its keys there, got copies in: " +
        'us-east-1, us-west-2',
    ],
  ])('%s is a problem of clientKeys', (_, intent, message) => {
    expect(plan(intent).problems).toEqual([{ prop: 'clientKeys', message }]);
  });

  test('a region unknown at synthesis skips the copy check', () => {
    expect(plan({ clients: [storefront], clientKeys: keys(['us-east-1', undefined]) }).problems).toEqual([]);
  });

  test('shared keys mark each client; the secret name is the same in every region', () => {
    const p = plan({ clients: [storefront], clientKeys: keys(['us-east-1']) });
    expect(p.clients).toEqual([expect.objectContaining({ name: 'storefront', sharedKey: true })]);
    expect(plan({ clients: [storefront] }).clients[0].sharedKey).toBe(false);
    expect(apiClientKeySecretName('carts api', 'storefront')).toBe('carts-api/api-keys/storefront');
  });
});

describe('planRegionalApi by property', () => {
  test('an accepted plan never waits longer than the caller, nor less than the function runs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 50, max: 40_000 }), fc.integer({ min: 1, max: 30 }), (perTry, timeout) => {
        const p = plan({ caller: caller(perTry), handler: { timeoutSeconds: timeout, reservedConcurrency: 1e6 } });
        if (p.problems.length === 0) {
          expect(p.integrationTimeoutMs).toBeLessThanOrEqual(perTry);
          expect(p.integrationTimeoutMs).toBeGreaterThanOrEqual(timeout * 1000);
        }
      }),
    );
  });
});
