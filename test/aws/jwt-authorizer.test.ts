import { createRequire } from 'module';
import * as crypto from 'crypto';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { ServiceTier } from '../../lib';
import { JwtAuthorizer } from '../../lib/aws/jwt-authorizer';
import { testApp } from '../util';

// The handler's code is evaluated with Node's require, the SDK module stubbed.
const nodeRequire = createRequire(__filename);

// The authorizer's and the refresher's own code, as synthesized, run against tokens signed here, a stubbed issuer
// and a stubbed Systems Manager parameter (the region's copy of the keys).

const ISSUER = 'https://login.example.com/';
const AUDIENCE = 'orders-api';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:111122223333:abc123/live/GET/orders/42';

type Handler = (event: { authorizationToken: string; methodArn: string }) => Promise<{
  principalId: string;
  policyDocument: { Statement: { Effect: string; Resource: string }[] };
}>;
type FunctionResource = {
  Properties: { Code: { ZipFile: string }; Environment: { Variables: Record<string, unknown> } };
};

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const published = {
  keys: [
    { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig', alg: 'RS256', x5c: ['MIIC...'] },
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

/** What the stubs saw and answer: the issuer's key set (or its outage) and the region's copy. */
interface World {
  issuerUp: boolean;
  copyUp: boolean;
  copy: string;
  fetches: number;
  copyReads: number;
  copyWrites: number;
}

let template: Template;
let authorizerFn: FunctionResource;
let refresherFn: FunctionResource;

beforeAll(() => {
  const stack = new Stack(testApp(), 'Orders', { env: { region: 'us-east-1' } });
  const jwt = new JwtAuthorizer(stack, 'Authorizer', {
    tier: ServiceTier.TIER_0,
    issuer: ISSUER,
    audience: AUDIENCE,
    peakRequestsPerSecond: 50,
  });
  // An authorizer synthesizes once an API uses it.
  new apigateway.RestApi(stack, 'Api').root.addMethod('GET', new apigateway.MockIntegration(), {
    authorizer: jwt.authorizer,
  });
  template = Template.fromStack(stack);
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as FunctionResource[];
  authorizerFn = functions.find((f) => f.Properties.Code.ZipFile.includes('exports.handler = async (event)'))!;
  refresherFn = functions.find((f) => f.Properties.Code.ZipFile.includes('PutParameterCommand'))!;
});

/** A fresh environment of a function's inline code, as Lambda runs it: CommonJS, crypto, the SDK and fetch stubbed. */
function environment<T>(fn: FunctionResource, world: World): T {
  const variables = { ...fn.Properties.Environment.Variables, JWKS_COPY_PARAMETER: 'keys-copy' };
  const ssm = {
    SSMClient: class {
      async send(command: { kind: string; input: { Name: string; Value?: string } }) {
        expect(command.input.Name).toBe('keys-copy');
        if (!world.copyUp) throw new Error('ssm unavailable');
        if (command.kind === 'put') {
          world.copyWrites++;
          world.copy = command.input.Value!;
          return {};
        }
        world.copyReads++;
        return { Parameter: { Value: world.copy } };
      }
    },
    GetParameterCommand: class {
      kind = 'get';
      constructor(public input: unknown) {}
    },
    PutParameterCommand: class {
      kind = 'put';
      constructor(public input: unknown) {}
    },
  };
  const fetchStub = async (url: string) => {
    world.fetches++;
    expect(url).toBe('https://login.example.com/.well-known/jwks.json');
    return world.issuerUp ? { ok: true, status: 200, json: async () => published } : { ok: false, status: 503 };
  };
  const module = { exports: {} as { handler?: T } };
  const stubbedRequire = (name: string) => (name === '@aws-sdk/client-ssm' ? ssm : nodeRequire(name));
  new Function('require', 'module', 'exports', 'fetch', 'console', 'process', fn.Properties.Code.ZipFile)(
    stubbedRequire,
    module,
    module.exports,
    fetchStub,
    { log: () => undefined, warn: () => undefined },
    { env: variables },
  );
  return module.exports.handler!;
}

const world = (overrides: Partial<World> = {}): World => ({
  issuerUp: true,
  copyUp: true,
  copy: JSON.stringify(published),
  fetches: 0,
  copyReads: 0,
  copyWrites: 0,
  ...overrides,
});
const call = (handler: Handler, authorizationToken: string) => handler({ authorizationToken, methodArn: METHOD_ARN });

describe("JwtAuthorizer's code", () => {
  test.each<[string, 'RS256' | 'ES256']>([
    ['an RS256 token', 'RS256'],
    ['an ES256 token', 'ES256'],
  ])('allows %s of the issuer for the audience, on the whole stage', async (_, alg) => {
    const verdict = await call(environment<Handler>(authorizerFn, world()), token(valid(), alg));
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
    ['an ES256 header over an RSA key', () => token(valid(), 'ES256', 'rsa-1')],
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
    ['a null payload', () => `Bearer ${Buffer.from('null').toString('base64url')}.bnVsbA.c2ln`],
    ['no token', () => ''],
  ])('refuses %s (401)', async (_, make) => {
    await expect(call(environment<Handler>(authorizerFn, world()), make())).rejects.toThrow(/^Unauthorized$/);
  });

  test("a new environment verifies with the region's copy while the issuer is down, asking it nothing", async () => {
    const w = world({ issuerUp: false });
    const handler = environment<Handler>(authorizerFn, w);
    await expect(call(handler, token(valid()))).resolves.toMatchObject({ principalId: 'storefront' });
    await expect(call(handler, token(valid(), 'ES256'))).resolves.toMatchObject({ principalId: 'storefront' });
    expect(w).toMatchObject({ fetches: 0, copyReads: 1 });
  });

  test('before the first refresh (an empty copy) it asks the issuer', async () => {
    const w = world({ copy: '{"keys":[]}' });
    await expect(call(environment<Handler>(authorizerFn, w), token(valid()))).resolves.toMatchObject({
      principalId: 'storefront',
    });
    expect(w.fetches).toBe(1);
  });

  test('forged kids drive at most one fetch from the issuer per minute per environment', async () => {
    const w = world();
    const handler = environment<Handler>(authorizerFn, w);
    const clock = jest.spyOn(Date, 'now');
    try {
      const start = Date.UTC(2026, 0, 1);
      clock.mockReturnValue(start);
      const forged = (i: number) => token({ ...valid(), exp: start / 1000 + 600 }, 'RS256', `forged-${i}`);
      for (let i = 0; i < 20; i++) {
        await expect(call(handler, forged(i))).rejects.toThrow(/^Unauthorized$/);
      }
      expect(w.fetches).toBe(1);
      clock.mockReturnValue(start + 59_000);
      await expect(call(handler, forged(21))).rejects.toThrow(/^Unauthorized$/);
      expect(w.fetches).toBe(1);
      clock.mockReturnValue(start + 60_000);
      await expect(call(handler, forged(22))).rejects.toThrow(/^Unauthorized$/);
      expect(w.fetches).toBe(2);
      // An expired token never reaches for a key.
      await expect(call(handler, token({ ...valid(), exp: 1 }, 'RS256', 'forged-23'))).rejects.toThrow();
      expect(w.fetches).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });

  test('with no key from the copy nor the issuer it fails itself (500), not the token (401)', async () => {
    const handler = environment<Handler>(authorizerFn, world({ issuerUp: false, copyUp: false }));
    await expect(call(handler, token(valid()))).rejects.toThrow('neither the region copy nor the issuer answered');
  });
});

type Refresh = () => Promise<{ keys: string[]; changed: boolean }>;

describe("JwtAuthorizer's key refresher", () => {
  test("copies the issuer's signing keys, reduced to what a verifier uses, and writes only a change", async () => {
    const w = world({ copy: '{"keys":[]}' });
    const refresh = environment<Refresh>(refresherFn, w);
    await expect(refresh()).resolves.toEqual({ keys: ['rsa-1', 'ec-1'], changed: true });
    const copy = JSON.parse(w.copy) as { keys: Record<string, unknown>[] };
    expect(copy.keys.map((k) => Object.keys(k).sort())).toEqual([
      ['alg', 'e', 'kid', 'kty', 'n', 'use'],
      ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
    ]);
    await expect(refresh()).resolves.toEqual({ keys: ['rsa-1', 'ec-1'], changed: false });
    expect(w.copyWrites).toBe(1);
    // The copy it wrote verifies tokens.
    const handler = environment<Handler>(authorizerFn, { ...w, issuerUp: false });
    await expect(call(handler, token(valid()))).resolves.toMatchObject({ principalId: 'storefront' });
  });

  test('keeps the last copy and fails (its alarm) while the issuer does not answer', async () => {
    const w = world({ issuerUp: false });
    const before = w.copy;
    await expect(environment<Refresh>(refresherFn, w)()).rejects.toThrow('the copy keeps its keys');
    expect(w.copy).toBe(before);
    expect(w.copyWrites).toBe(0);
  });
});

describe('JwtAuthorizer resources', () => {
  test("the peak's verdicts at the timeout run warm on the alias API Gateway invokes, reserved", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 3,
      ReservedConcurrentExecutions: 150,
      Environment: { Variables: Match.objectLike({ JWKS_REFETCH_SECONDS: '60', JWKS_COPY_TIMEOUT_MS: '500' }) },
    });
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 150 },
    });
    const [alias] = Object.keys(template.findResources('AWS::Lambda::Alias'));
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      AuthorizerUri: Match.objectLike({
        'Fn::Join': ['', Match.arrayWith([Match.objectLike({ Ref: alias })])],
      }),
    });
  });

  test('the copy is a parameter of its region, refreshed every 5 minutes, alarmed after 3 failed refreshes', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Tier: 'Advanced', Value: '{"keys":[]}' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Target: Match.objectLike({ RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }) }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Period: 300,
      EvaluationPeriods: 3,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AuthorizerAlarmTopic') }],
    });
    // The topic is under the construct's own key, which this account's alarms may use to publish.
    const [key] = Object.keys(template.findResources('AWS::KMS::Key'));
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish', Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
        ]),
      },
    });
  });

  test("both functions' inline code fits CloudFormation's ZipFile (4096 characters)", () => {
    for (const fn of [authorizerFn, refresherFn]) {
      expect(fn.Properties.Code.ZipFile.length).toBeLessThanOrEqual(4096);
    }
  });

  test('only the refresher may write the copy; the authorizer reads it', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const writers = Object.entries(policies)
      .filter(([, p]) => JSON.stringify(p).includes('ssm:PutParameter'))
      .map(([, p]) => JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles));
    expect(writers).toEqual([expect.stringContaining('KeysRefresherRole')]);
    const readers = Object.values(policies).filter((p) => JSON.stringify(p).includes('ssm:GetParameter'));
    expect(readers).toHaveLength(2);
  });
});
