import { GraphResource } from '../../lib/checks/graph/model';
import { issuerAvailabilityGaps, regionScopedCredentialSteps } from '../../lib/checks/report/client-credentials';

// Two regions' templates, as the report reads them: which credentials does every region accept?

const EAST = 'us-east-1';
const WEST = 'us-west-2';

function resource(
  region: string,
  type: string,
  address: string,
  properties: Record<string, unknown>,
  references: string[] = [],
): GraphResource {
  const stack = `Api-${region}`;
  return {
    key: `${stack}/${address}`,
    stack,
    address,
    type,
    region,
    properties,
    references: references.map((r) => `${stack}/${r}`),
  } as unknown as GraphResource;
}

const method = (region: string, properties: Record<string, unknown>, references: string[] = []) =>
  resource(region, 'AWS::ApiGateway::Method', 'Get', properties, references);
const keyed = (region: string) => method(region, { AuthorizationType: 'NONE', ApiKeyRequired: true });
const apiKey = (region: string, value?: unknown, address = 'Key') =>
  resource(region, 'AWS::ApiGateway::ApiKey', address, value === undefined ? {} : { Value: value });
const byName = (name: string) => `{{resolve:secretsmanager:${name}:SecretString:::}}`;
const secret = (region: string, name: string, replicas: string[]) =>
  resource(region, 'AWS::SecretsManager::Secret', 'Secret', {
    Name: name,
    ReplicaRegions: replicas.map((r) => ({ Region: r, KmsKeyId: 'alias/orders-secrets' })),
  });
/** A method behind a token authorizer whose function declares `variables`. */
const authorized = (region: string, variables?: Record<string, unknown>) => [
  method(region, { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: 'Authorizer' } }, ['Authorizer']),
  resource(region, 'AWS::ApiGateway::Authorizer', 'Authorizer', { Type: 'TOKEN' }, ['AuthorizerFunction']),
  resource(
    region,
    'AWS::Lambda::Function',
    'AuthorizerFunction',
    variables ? { Environment: { Variables: variables } } : {},
  ),
];
const JWT = {
  JWT_ISSUER: 'https://login.example.com/',
  JWT_AUDIENCE: 'orders-api',
  JWKS_URI: 'https://login.example.com/.well-known/jwks.json',
};

/** How a JwtAuthorizer of peakRequestsPerSecond synthesizes, less what `without` names. */
interface Hardening {
  readonly warm?: number;
  readonly reserved?: number;
  readonly copy?: boolean;
  readonly schedule?: boolean;
}

/**
 * A method behind a JwtAuthorizer as it synthesizes: API Gateway invokes its `live` alias (provisioned), the function
 * (reserved) reads its region's copy of the keys, which a scheduled refresher writes.
 */
const hardened = (region: string, { warm = 300, reserved = 300, copy = true, schedule = true }: Hardening = {}) => [
  method(region, { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: 'Authorizer' } }, ['Authorizer']),
  resource(region, 'AWS::ApiGateway::Authorizer', 'Authorizer', { Type: 'TOKEN' }, ['AuthorizerLive']),
  resource(
    region,
    'AWS::Lambda::Alias',
    'AuthorizerLive',
    { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: warm } },
    ['AuthorizerFunction'],
  ),
  resource(
    region,
    'AWS::Lambda::Function',
    'AuthorizerFunction',
    {
      ReservedConcurrentExecutions: reserved,
      Environment: { Variables: { ...JWT, JWKS_COPY_PARAMETER: { Ref: 'KeysCopy' } } },
    },
    copy ? ['KeysCopy'] : [],
  ),
  ...(copy ? [resource(region, 'AWS::SSM::Parameter', 'KeysCopy', { Type: 'String' })] : []),
  resource(
    region,
    'AWS::Lambda::Function',
    'KeysRefresher',
    { Environment: { Variables: { JWKS_URI: JWT.JWKS_URI, JWKS_COPY_PARAMETER: { Ref: 'KeysCopy' } } } },
    copy ? ['KeysCopy'] : [],
  ),
  ...(schedule
    ? [
        resource(region, 'AWS::Scheduler::Schedule', 'Schedule', { ScheduleExpression: 'rate(5 minutes)' }, [
          'KeysRefresher',
        ]),
      ]
    : []),
];

describe('regionScopedCredentialSteps', () => {
  test.each<[string, GraphResource[], string | undefined]>([
    [
      'SigV4-signed methods',
      [method(EAST, { AuthorizationType: 'AWS_IAM' }), method(WEST, { AuthorizationType: 'AWS_IAM' })],
      'SigV4 signatures name the region',
    ],
    [
      'Terraform methods signed with SigV4',
      [resource(EAST, 'aws_api_gateway_method', 'aws_api_gateway_method.get', { authorization: 'AWS_IAM' })],
      'SigV4 signatures name the region',
    ],
    [
      "a Cognito user pool's tokens",
      [
        method(EAST, { AuthorizationType: 'COGNITO_USER_POOLS' }),
        method(WEST, { AuthorizationType: 'COGNITO_USER_POOLS' }),
      ],
      'the pool (every sign-in) lives in one region',
    ],
    [
      'API keys API Gateway generated',
      [keyed(EAST), keyed(WEST), apiKey(EAST), apiKey(WEST)],
      'API Gateway generated the API keys of each region (Key sets no value)',
    ],
    [
      'API keys of one secret with a copy in each region',
      [
        keyed(EAST),
        keyed(WEST),
        apiKey(EAST, byName('orders/api-keys/mobile')),
        apiKey(WEST, byName('orders/api-keys/mobile')),
        secret(WEST, 'orders/api-keys/mobile', [EAST]),
      ],
      undefined,
    ],
    [
      'API keys of a secret with no copy in one region',
      [
        keyed(EAST),
        keyed(WEST),
        apiKey(EAST, byName('orders/api-keys/mobile')),
        apiKey(WEST, byName('orders/api-keys/mobile')),
        secret(WEST, 'orders/api-keys/mobile', []),
      ],
      'resolves secret orders/api-keys/mobile, which has no copy in us-east-1 (copies: us-west-2)',
    ],
    [
      'API keys of a secret the templates do not create',
      [keyed(EAST), keyed(WEST), apiKey(EAST, byName('elsewhere')), apiKey(WEST, byName('elsewhere'))],
      'resolves secret elsewhere, which the analysed templates do not create',
    ],
    [
      "API keys naming one region's secret by ARN",
      [
        keyed(EAST),
        keyed(WEST),
        apiKey(EAST, byName('arn:aws:secretsmanager:us-west-2:111122223333:secret:orders/api-keys/mobile-AbCdEf')),
        apiKey(WEST, byName('arn:aws:secretsmanager:us-west-2:111122223333:secret:orders/api-keys/mobile-AbCdEf')),
        secret(WEST, 'orders/api-keys/mobile', [EAST]),
      ],
      'names a secret of us-west-2, which fails with that region',
    ],
    [
      'a region with a client the other lacks',
      [
        keyed(EAST),
        keyed(WEST),
        apiKey(EAST, byName('orders/api-keys/mobile')),
        apiKey(WEST, byName('orders/api-keys/mobile')),
        apiKey(WEST, byName('orders/api-keys/partner'), 'PartnerKey'),
        secret(WEST, 'orders/api-keys/mobile', [EAST]),
        { ...secret(WEST, 'orders/api-keys/partner', [EAST]), key: 'Api-us-west-2/PartnerSecret' } as GraphResource,
      ],
      'the regions hold different API key values (us-east-1: secret orders/api-keys/mobile; us-west-2: secret ' +
        'orders/api-keys/mobile, secret orders/api-keys/partner)',
    ],
    [
      'API keys of the same literal value',
      [keyed(EAST), keyed(WEST), apiKey(EAST, 'a'.repeat(40)), apiKey(WEST, 'a'.repeat(40))],
      undefined,
    ],
    [
      'API keys of different literal values',
      [keyed(EAST), keyed(WEST), apiKey(EAST, 'a'.repeat(40)), apiKey(WEST, 'b'.repeat(40))],
      'the regions hold different API key values (us-east-1: literal value #1; us-west-2: literal value #2)',
    ],
    [
      'a key value built at deploy time',
      [keyed(EAST), keyed(WEST), apiKey(EAST, { 'Fn::GetAtt': ['Secret', 'Value'] }), apiKey(WEST, 'a'.repeat(40))],
      'is built at deploy time, which the templates do not show',
    ],
    ['JWT authorizers of one issuer in each region', [...hardened(EAST), ...hardened(WEST)], undefined],
    [
      'JWT authorizers that fetch the keys on each cold start, none warm',
      [...authorized(EAST, JWT), ...authorized(WEST, JWT)],
      'AuthorizerFunction (us-east-1) fetches the keys of https://login.example.com/ on each cold start, with no ' +
        "refreshed copy in its region, and the issuer's availability and regions are not in the templates; " +
        'AuthorizerFunction (us-east-1) keeps 0 environments warm, with no reserved concurrency',
    ],
    [
      'a copy of the keys that nothing refreshes',
      [...hardened(EAST), ...hardened(WEST, { schedule: false })],
      'AuthorizerFunction (us-west-2) fetches the keys of https://login.example.com/ on each cold start',
    ],
    [
      'an authorizer without a copy of the keys',
      [...hardened(EAST, { copy: false }), ...hardened(WEST)],
      'AuthorizerFunction (us-east-1) fetches the keys',
    ],
    [
      'an authorizer warm below its reserved concurrency',
      [...hardened(EAST), ...hardened(WEST, { warm: 100 })],
      'AuthorizerFunction (us-west-2) keeps 100 environments warm, of its reserved 300, so the doubled load',
    ],
    [
      'JWT authorizers of different audiences',
      [...authorized(EAST, JWT), ...authorized(WEST, { ...JWT, JWT_AUDIENCE: 'other' })],
      'the JWT authorizers of the regions accept different tokens',
    ],
    [
      'a JWT issuer served from an AWS region',
      [
        ...authorized(EAST, { ...JWT, JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X' }),
        ...authorized(WEST, { ...JWT, JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X' }),
      ],
      'served from us-east-1, which fails with it',
    ],
    [
      'an authorizer whose function declares no issuer',
      [...authorized(EAST), ...authorized(WEST)],
      'whose credentials the templates do not show',
    ],
    [
      'a JWT authorizer in one region, no credential asked in the other',
      [...hardened(EAST), method(WEST, { AuthorizationType: 'NONE' })],
      undefined,
    ],
    [
      'a JWT authorizer in one region only',
      [...authorized(EAST, JWT), method(WEST, { AuthorizationType: 'AWS_IAM' })],
      'SigV4 signatures name the region',
    ],
  ])('GIVEN %s THEN whether their clients region RTO is unknown', (_case, resources, unknownBecause) => {
    const steps = regionScopedCredentialSteps(resources);
    if (unknownBecause === undefined) {
      // Shown to hold: one step of 0 s saying what was read.
      expect(steps).toEqual([
        expect.objectContaining({ value: 0, basis: expect.stringContaining('every region accepts') }),
      ]);
    } else {
      expect(steps).toEqual([expect.objectContaining({ basis: expect.stringContaining(unknownBecause) })]);
      expect(steps[0].value).toBeUndefined();
    }
  });

  test('methods that ask for no credential add no step', () => {
    expect(regionScopedCredentialSteps([method(EAST, { AuthorizationType: 'NONE' })])).toEqual([]);
  });

  test('shown credentials name what was read, and that the issuer is outside the templates', () => {
    const [step] = regionScopedCredentialSteps([
      ...hardened(EAST),
      ...hardened(WEST),
      apiKey(EAST, byName('orders/api-keys/mobile')),
      apiKey(WEST, byName('orders/api-keys/mobile')),
      secret(WEST, 'orders/api-keys/mobile', [EAST]),
      { ...keyed(EAST), key: 'Api-us-east-1/Keyed' } as GraphResource,
      { ...keyed(WEST), key: 'Api-us-west-2/Keyed' } as GraphResource,
    ]);
    expect(step.basis).toBe(
      "every region accepts the clients' credentials: JWTs of https://login.example.com/ for orders-api (keys " +
        "https://login.example.com/.well-known/jwks.json), verified by each region's own authorizer (us-east-1, " +
        "us-west-2), warm, with the issuer's keys copied into its region on a schedule (rate(5 minutes)): a token a " +
        "client holds needs no issuer; a new one does, and the issuer's availability and regions are outside the " +
        'analysed templates; API keys of the same values in us-east-1, us-west-2: secret orders/api-keys/mobile',
    );
  });
});

describe('issuerAvailabilityGaps', () => {
  test('an authorizer that fetches the keys when an environment starts puts the issuer in series: unknown', () => {
    expect(issuerAvailabilityGaps([...authorized(EAST, JWT), ...hardened(WEST, { copy: false })])).toEqual([
      expect.objectContaining({
        quantity: 'availability',
        stack: 'Api-us-east-1',
        resource: 'AuthorizerFunction',
        basis: expect.stringContaining('the issuer is in series with authorized requests'),
      }),
      expect.objectContaining({ stack: 'Api-us-west-2', resource: 'AuthorizerFunction' }),
    ]);
  });

  test('an authorizer reading a refreshed copy in its region leaves the issuer off the request path', () => {
    expect(issuerAvailabilityGaps([...hardened(EAST), ...hardened(WEST)])).toEqual([]);
    // Warmth is the region RTO's concern, not the availability's.
    expect(issuerAvailabilityGaps(hardened(EAST, { warm: 0 }))).toEqual([]);
  });

  test('a copy refreshed from another key set is no copy of this one', () => {
    const resources = hardened(EAST).map((r) =>
      r.address === 'KeysRefresher'
        ? ({
            ...r,
            properties: { Environment: { Variables: { JWKS_URI: 'https://other.example.com/jwks' } } },
          } as GraphResource)
        : r,
    );
    expect(issuerAvailabilityGaps(resources)).toHaveLength(1);
  });
});
