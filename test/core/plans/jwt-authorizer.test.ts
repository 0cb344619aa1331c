import * as fc from 'fast-check';
import { ServiceTier } from '../../../lib/core';
import { planJwtAuthorizer, regionOfUrl } from '../../../lib/core/plans/jwt-authorizer';

const TIER_0 = ServiceTier.TIER_0;

describe('planJwtAuthorizer by table', () => {
  test('the worked example of the doc comment', () => {
    expect(
      planJwtAuthorizer(TIER_0, {
        issuer: 'https://login.example.com/',
        audience: 'carts-api',
        peakRequestsPerSecond: 100,
      }),
    ).toEqual({
      issuer: 'https://login.example.com/',
      audience: 'carts-api',
      jwksUri: 'https://login.example.com/.well-known/jwks.json',
      resultsCacheSeconds: 300,
      keysRefreshSeconds: 300,
      keysFetchTimeoutMs: 1500,
      keysCopyReadTimeoutMs: 500,
      unknownKeyRefetchSeconds: 60,
      keysCopyRefreshMinutes: 5,
      keysCopyAlarmRefreshes: 3,
      timeoutSeconds: 3,
      refresherTimeoutSeconds: 10,
      peakRequestsPerSecond: 100,
      provisionedConcurrency: 300,
      issuerRegion: undefined,
      problems: [],
      warnings: [],
    });
  });

  test('an issuer served from an AWS region warns, naming the region', () => {
    const p = planJwtAuthorizer(ServiceTier.TIER_3, {
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf',
      audience: 'carts-api',
    });
    expect(p.issuerRegion).toBe('us-east-1');
    expect(p.warnings).toEqual([
      { id: 'issuer', message: expect.stringContaining('is served from us-east-1: when that region fails') },
    ]);
  });

  test.each<[string, Parameters<typeof planJwtAuthorizer>[1], string, string]>([
    ['an http issuer', { issuer: 'http://login.example.com', audience: 'a' }, 'issuer', 'got: http://login'],
    ['an empty audience', { issuer: 'https://login.example.com', audience: ' ' }, 'audience', 'an empty string'],
    [
      'a key set that is not https',
      { issuer: 'https://login.example.com', audience: 'a', jwksUri: 'ftp://keys' },
      'jwksUri',
      'got: ftp://keys',
    ],
    [
      'a verdict cached beyond an hour',
      { issuer: 'https://login.example.com', audience: 'a', resultsCacheSeconds: 7200 },
      'resultsCacheTtl',
      'from 0 to 3600, got: 7200',
    ],
    [
      'a peak of no request',
      { issuer: 'https://login.example.com', audience: 'a', peakRequestsPerSecond: 0 },
      'peakRequestsPerSecond',
      'above 0, got: 0',
    ],
  ])('%s is refused, naming the prop and the value', (_, intent, prop, words) => {
    expect(planJwtAuthorizer(TIER_0, { peakRequestsPerSecond: 10, ...intent }).problems).toEqual([
      { prop, message: expect.stringContaining(words) },
    ]);
  });

  test('values unknown at synthesis are not checked', () => {
    expect(planJwtAuthorizer(TIER_0, { jwksUri: 'https://keys.example.com/jwks.json' }).problems).toEqual([]);
  });

  test('a statically stable tier without the peak warns: nothing is kept warm for a failover', () => {
    const intent = { issuer: 'https://login.example.com/', audience: 'carts-api' };
    const p = planJwtAuthorizer(TIER_0, intent);
    expect(p.provisionedConcurrency).toBeUndefined();
    expect(p.warnings).toEqual([
      { id: 'peakRequestsPerSecond', message: expect.stringContaining('keeps no environment warm') },
    ]);
    expect(planJwtAuthorizer(ServiceTier.TIER_3, intent).warnings).toEqual([]);
  });
});

describe('planJwtAuthorizer by property', () => {
  test('the warm environments hold the peak with every verdict at the timeout, and a verdict fits the timeout', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 10_000, noNaN: true }), (peak) => {
        const p = planJwtAuthorizer(TIER_0, { issuer: 'https://login.example.com/', peakRequestsPerSecond: peak });
        expect(p.provisionedConcurrency!).toBeGreaterThanOrEqual(peak * p.timeoutSeconds);
        expect(p.provisionedConcurrency! - 1).toBeLessThan(peak * p.timeoutSeconds);
        expect(p.keysCopyReadTimeoutMs + p.keysFetchTimeoutMs).toBeLessThan(p.timeoutSeconds * 1000);
      }),
    );
  });

  test('a host outside amazonaws.com never names a region', () => {
    fc.assert(
      fc.property(fc.domain(), (host) => {
        fc.pre(!host.endsWith('amazonaws.com') && !host.endsWith('amazonaws.com.cn'));
        expect(regionOfUrl(`https://${host}/`)).toBeUndefined();
      }),
    );
  });
});
