import * as crypto from 'crypto';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { ServiceTier } from '../../lib';
import { JwtAuthorizer } from '../../lib/aws/jwt-authorizer';
import { testApp } from '../util';

// The authorizer's own code, as synthesized, run against tokens signed here and a stubbed key set.

const ISSUER = 'https://login.example.com/';
const AUDIENCE = 'orders-api';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:111122223333:abc123/live/GET/orders/42';

type Handler = (event: { authorizationToken: string; methodArn: string }) => Promise<{
  principalId: string;
  policyDocument: { Statement: { Effect: string; Resource: string }[] };
}>;

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwks = {
  keys: [
    { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig', alg: 'RS256' },
    { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', use: 'sig', alg: 'ES256' },
  ],
};

function token(
  claims: Record<string, unknown>,
  alg: 'RS256' | 'ES256' = 'RS256',
  kid = alg === 'RS256' ? 'rsa-1' : 'ec-1',
) {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${encode({ alg, kid, typ: 'JWT' })}.${encode(claims)}`;
  const signature =
    alg === 'RS256'
      ? crypto.sign('sha256', Buffer.from(signed), rsa.privateKey)
      : crypto.sign('sha256', Buffer.from(signed), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
  return `Bearer ${signed}.${signature.toString('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
const valid = () => ({ iss: ISSUER, aud: AUDIENCE, sub: 'storefront', exp: now() + 600 });

let handler: Handler;
let fetches = 0;
let issuerUp = true;

beforeAll(() => {
  const stack = new Stack(testApp(), 'Orders', { env: { region: 'us-east-1' } });
  const jwt = new JwtAuthorizer(stack, 'Authorizer', { tier: ServiceTier.TIER_0, issuer: ISSUER, audience: AUDIENCE });
  // An authorizer synthesizes once an API uses it.
  new apigateway.RestApi(stack, 'Api').root.addMethod('GET', new apigateway.MockIntegration(), {
    authorizer: jwt.authorizer,
  });
  const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as {
    Properties: { Code: { ZipFile: string }; Environment: { Variables: Record<string, string> } };
  };
  Object.assign(process.env, fn.Properties.Environment.Variables);
  const fetchStub = async (url: string) => {
    fetches++;
    expect(url).toBe('https://login.example.com/.well-known/jwks.json');
    return issuerUp ? { ok: true, status: 200, json: async () => jwks } : { ok: false, status: 503 };
  };
  const module = { exports: {} as { handler?: Handler } };
  // The inline code as Lambda runs it: CommonJS, Node's crypto, a global fetch (stubbed).
  new Function('require', 'module', 'exports', 'fetch', 'console', fn.Properties.Code.ZipFile)(
    require,
    module,
    module.exports,
    fetchStub,
    { log: () => undefined, warn: () => undefined },
  );
  handler = module.exports.handler!;
});

describe("JwtAuthorizer's code", () => {
  test.each<[string, 'RS256' | 'ES256']>([
    ['an RS256 token', 'RS256'],
    ['an ES256 token', 'ES256'],
  ])('allows %s of the issuer for the audience, on the whole stage', async (_, alg) => {
    const verdict = await handler({ authorizationToken: token(valid(), alg), methodArn: METHOD_ARN });
    expect(verdict.principalId).toBe('storefront');
    expect(verdict.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: 'arn:aws:execute-api:us-east-1:111122223333:abc123/live/*',
      },
    ]);
  });

  test.each<[string, () => string]>([
    ['another issuer', () => token({ ...valid(), iss: 'https://evil.example.com/' })],
    ['another audience', () => token({ ...valid(), aud: 'other-api' })],
    ['an expired token', () => token({ ...valid(), exp: now() - 1 })],
    ['a token not valid yet', () => token({ ...valid(), nbf: now() + 600 })],
    ['a token without expiry', () => token({ iss: ISSUER, aud: AUDIENCE, sub: 'x' })],
    ['a key the issuer does not publish', () => token(valid(), 'RS256', 'rsa-2')],
    [
      'a tampered payload',
      () => token(valid()).replace(/\.[^.]+\./, `.${Buffer.from('{"iss":"x"}').toString('base64url')}.`),
    ],
    [
      'an unsigned token',
      () =>
        `Bearer ${[{ alg: 'none', kid: 'rsa-1' }, valid()]
          .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
          .join('.')}.`,
    ],
    ['no token', () => ''],
  ])('refuses %s (401)', async (_, make) => {
    await expect(handler({ authorizationToken: make(), methodArn: METHOD_ARN })).rejects.toThrow('Unauthorized');
  });

  test('keeps the keys it has while the issuer does not answer', async () => {
    issuerUp = false;
    try {
      const before = fetches;
      await expect(handler({ authorizationToken: token(valid()), methodArn: METHOD_ARN })).resolves.toMatchObject({
        principalId: 'storefront',
      });
      // A kid it never saw sends it to the issuer, which is down: refused.
      await expect(
        handler({ authorizationToken: token(valid(), 'RS256', 'rsa-9'), methodArn: METHOD_ARN }),
      ).rejects.toThrow('Unauthorized');
      expect(fetches).toBe(before + 1);
    } finally {
      issuerUp = true;
    }
  });
});
