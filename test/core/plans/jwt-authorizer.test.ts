import * as fc from 'fast-check';
import { planJwtAuthorizer, regionOfUrl } from '../../../lib/core/plans/jwt-authorizer';

describe('planJwtAuthorizer by table', () => {
  test('the worked example of the doc comment', () => {
    expect(planJwtAuthorizer({ issuer: 'https://login.example.com/', audience: 'carts-api' })).toEqual({
      issuer: 'https://login.example.com/',
      audience: 'carts-api',
      jwksUri: 'https://login.example.com/.well-known/jwks.json',
      resultsCacheSeconds: 300,
      keysRefreshSeconds: 3600,
      keysFetchTimeoutMs: 2000,
      timeoutSeconds: 5,
      issuerRegion: undefined,
      problems: [],
      warnings: [],
    });
  });

  test('an issuer served from an AWS region warns, naming the region', () => {
    const p = planJwtAuthorizer({
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf',
      audience: 'carts-api',
    });
    expect(p.issuerRegion).toBe('us-east-1');
    expect(p.warnings).toEqual([
      { id: 'issuer', message: expect.stringContaining('is served from us-east-1: when that region fails') },
    ]);
  });

  test.each<[string, Parameters<typeof planJwtAuthorizer>[0], string, string]>([
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
  ])('%s is refused, naming the prop and the value', (_, intent, prop, words) => {
    expect(planJwtAuthorizer(intent).problems).toEqual([{ prop, message: expect.stringContaining(words) }]);
  });

  test('values unknown at synthesis are not checked', () => {
    expect(planJwtAuthorizer({ jwksUri: 'https://keys.example.com/jwks.json' }).problems).toEqual([]);
  });
});

describe('planJwtAuthorizer by property', () => {
  test('a host outside amazonaws.com never names a region', () => {
    fc.assert(
      fc.property(fc.domain(), (host) => {
        fc.pre(!host.endsWith('amazonaws.com') && !host.endsWith('amazonaws.com.cn'));
        expect(regionOfUrl(`https://${host}/`)).toBeUndefined();
      }),
    );
  });
});
