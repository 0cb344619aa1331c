import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ServiceTier } from '../../lib';
import { ApiClientKeys } from '../../lib/aws/api-client-keys';
import { ResilientFunction } from '../../lib/aws/function';
import { JwtAuthorizer } from '../../lib/aws/jwt-authorizer';
import { RegionalApi, RegionalApiProps } from '../../lib/aws/regional-api';
import { expectValidationError, testApp } from '../util';

// Keys every region accepts: one secret per client, replicated, and a token authorizer of one issuer.

const TIER = ServiceTier.TIER_0;
const ZONE = { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' };
const CLIENTS = [
  { name: 'mobile', throttle: { rateLimit: 100 } },
  { name: 'partner', throttle: { rateLimit: 20 } },
];

/** A region's stack with a function and an API over it; `props` change the API's. */
function regionApi(app: App, region: string, props: Partial<RegionalApiProps> = {}) {
  const stack = new Stack(app, `Orders-${region}`, { env: { region } });
  const zones = ['a', 'b', 'c'].map((z) => `${region}${z}`);
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: zones,
    privateSubnetIds: zones.map((_, i) => `subnet-0${i}23456789abcdef0`),
  });
  const handler = new ResilientFunction(stack, 'Function', {
    tier: TIER,
    service: 'orders',
    vpc,
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    requiredConcurrency: 10,
    reservedConcurrency: 400,
  });
  const api = new RegionalApi(stack, 'Api', {
    tier: TIER,
    service: 'orders',
    handler,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', ZONE),
    recordName: 'orders',
    throttle: { rateLimit: 100 },
    clients: CLIENTS,
    ...props,
  });
  return { stack, api };
}

function jwt(stack: Stack, overrides: { issuer?: string; peakRequestsPerSecond?: number } = {}) {
  return new JwtAuthorizer(stack, 'Authorizer', {
    tier: TIER,
    service: 'orders',
    issuer: overrides.issuer ?? 'https://login.example.com/',
    audience: 'orders-api',
    peakRequestsPerSecond: overrides.peakRequestsPerSecond ?? 100,
  });
}

const warningIds = (stack: Stack) =>
  Annotations.fromStack(stack)
    .findWarning('*', Match.stringLikeRegexp('ha-constructs:'))
    .map((w) => /ha-constructs:[\w.]+/.exec(String(w.entry.data))?.[0]);

describe('ApiClientKeys in us-west-2, RegionalApi in us-east-1 and us-west-2', () => {
  test('each client has a generated secret under a CMK, replicated under the region key alias, never rotated', () => {
    const stack = new Stack(testApp(), 'Keys', { env: { region: 'us-west-2' } });
    new ApiClientKeys(stack, 'ClientKeys', {
      tier: TIER,
      service: 'orders',
      clients: ['mobile'],
      replicaRegions: ['us-east-1'],
    });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        Name: 'orders/api-keys/mobile',
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClientKeysmobileKey'), 'Arn'] },
        GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true, IncludeSpace: false },
        ReplicaRegions: [{ Region: 'us-east-1', KmsKeyId: 'alias/orders-secrets' }],
      },
    });
    // Rotation would change the value clients read and leave every region's key at the old one.
    t.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    expect(JSON.stringify(t.toJSON())).toContain('a key rotates as a new client of the same limits');
  });

  test('every region takes each key value from its own copy, by name, after the secrets exist', () => {
    const app2 = testApp();
    const { stack: westStack } = regionApi(app2, 'us-west-2');
    const sharedKeys = new ApiClientKeys(westStack, 'ClientKeys', {
      tier: TIER,
      service: 'orders',
      clients: CLIENTS.map((c) => c.name),
      replicaRegions: ['us-east-1'],
    });
    // The keys are created after the west API here: a second API in the same stack reads them.
    const { stack: eastStack } = regionApi(app2, 'us-east-1', { clientKeys: sharedKeys });
    const sameStack = new RegionalApi(westStack, 'KeyedApi', {
      tier: TIER,
      service: 'orders',
      handler: westStack.node.findChild('Function') as ResilientFunction,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(westStack, 'Zone2', ZONE),
      recordName: 'orders2',
      throttle: { rateLimit: 100 },
      clients: CLIENTS,
      clientKeys: sharedKeys,
    });
    for (const stack of [eastStack, westStack]) {
      for (const client of ['mobile', 'partner']) {
        Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::ApiKey', {
          Value: `{{resolve:secretsmanager:orders/api-keys/${client}:SecretString:::}}`,
          Description: Match.stringLikeRegexp(`^API key of ${client}`),
        });
      }
    }
    // Across regions: the standby stack deploys after the secrets' stack; within one: the key after its secret.
    expect(eastStack.dependencies).toContain(westStack);
    const westTemplate = Template.fromStack(westStack).toJSON();
    const keyId = Object.keys(westTemplate.Resources).find(
      (id) => id.startsWith('KeyedApimobileKey') && westTemplate.Resources[id].Type === 'AWS::ApiGateway::ApiKey',
    )!;
    expect(westTemplate.Resources[keyId].DependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ClientKeysmobile/)]),
    );
    expect(sameStack.plan.clients.every((c) => c.sharedKey)).toBe(true);
  });

  test('without clientKeys a multi-region API warns that each region generates its keys', () => {
    const { stack } = regionApi(testApp(), 'us-east-1', { authorizer: undefined });
    expect(warningIds(stack)).toEqual(
      expect.arrayContaining(['ha-constructs:RegionalApi.clientKeys', 'ha-constructs:RegionalApi.authorizer']),
    );
  });
});

describe('RegionalApi refuses client keys it cannot read', () => {
  test('secrets missing a client', () => {
    const app = testApp();
    const keysStack = new Stack(app, 'Keys', { env: { region: 'us-west-2' } });
    const keys = new ApiClientKeys(keysStack, 'ClientKeys', {
      tier: TIER,
      service: 'orders',
      clients: ['mobile'],
      replicaRegions: ['us-east-1'],
    });
    expectValidationError(
      () => regionApi(app, 'us-east-1', { clientKeys: keys }),
      'clientKeys must hold a secret for every client, got none for: partner',
    );
  });

  test('secrets with no copy in the API region', () => {
    const app = testApp();
    const keysStack = new Stack(app, 'Keys', { env: { region: 'us-west-2' } });
    const keys = new ApiClientKeys(keysStack, 'ClientKeys', {
      tier: TIER,
      service: 'orders',
      clients: ['mobile', 'partner'],
      replicaRegions: ['us-east-2'],
    });
    expectValidationError(
      () => regionApi(app, 'eu-west-1', { clientKeys: keys }),
      "clientKeys must keep a copy in this API's region eu-west-1, which resolves its keys there, got copies in: " +
        'us-west-2, us-east-2',
    );
  });

  test('a client named twice', () => {
    const stack = new Stack(testApp(), 'Keys', { env: { region: 'us-west-2' } });
    expectValidationError(
      () =>
        new ApiClientKeys(stack, 'ClientKeys', {
          tier: TIER,
          service: 'orders',
          clients: ['mobile', 'mobile'],
          replicaRegions: ['us-east-1'],
        }),
      'clients must be unique literal names, got: mobile twice',
    );
  });
});

describe('JwtAuthorizer', () => {
  let stack: Stack;
  let template: Template;
  let authorizer: JwtAuthorizer;

  /** A regional API of 100 requests per second behind `authorizer`, in its stack. */
  function apiBehind(scope: Stack, jwtAuthorizer: JwtAuthorizer): RegionalApi {
    return new RegionalApi(scope, 'Api', {
      tier: TIER,
      service: 'orders',
      handler: new ResilientFunction(scope, 'Function', {
        tier: TIER,
        service: 'orders',
        vpc: ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
          vpcId: 'vpc-0123456789abcdef0',
          availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
          privateSubnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
        }),
        code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
        handler: 'index.handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        requiredConcurrency: 10,
        reservedConcurrency: 400,
      }),
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', ZONE),
      recordName: 'orders',
      throttle: { rateLimit: 100 },
      authorizer: jwtAuthorizer.authorizer,
    });
  }

  beforeAll(() => {
    const app = testApp();
    stack = new Stack(app, 'Orders', { env: { region: 'us-east-1' } });
    authorizer = jwt(stack);
    const api = apiBehind(stack, authorizer);
    expect(api.plan.authorization).toBe('REGION_AGNOSTIC');
    template = Template.fromStack(stack);
  });

  test('a TOKEN authorizer on the bearer header, verdicts cached 5 min, on every route but the health path', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
      IdentityValidationExpression: Match.stringLikeRegexp('^\\^Bearer '),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: Match.stringLikeRegexp('^Authorizer') },
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'NONE' });
  });

  test('the function holds the issuer, the audience and the key set, logs under a CMK, no warning', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          JWT_ISSUER: 'https://login.example.com/',
          JWT_AUDIENCE: 'orders-api',
          JWKS_URI: 'https://login.example.com/.well-known/jwks.json',
        }),
      },
      Timeout: 3,
    });
    expect(warningIds(stack)).toEqual([]);
  });

  test("an authorizer warm for less than the API's stage rate warns on the API", () => {
    const other = new Stack(testApp(), 'Other', { env: { region: 'us-east-1' } });
    apiBehind(other, jwt(other, { peakRequestsPerSecond: 50 }));
    expect(warningIds(other)).toEqual(['ha-constructs:RegionalApi.authorizer']);
  });

  test('an issuer served from an AWS region warns, and a bad issuer is refused', () => {
    const other = new Stack(testApp(), 'Other', { env: { region: 'us-east-1' } });
    const regional = jwt(other, { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf' });
    expect(regional.plan.warnings.map((w) => w.id)).toEqual(['issuer']);
    expect(regional.node.metadata.map((m) => String(m.data))).toEqual([
      expect.stringContaining('ha-constructs:JwtAuthorizer.issuer'),
    ]);
    const bad = new Stack(testApp(), 'Bad', { env: { region: 'us-east-1' } });
    expectValidationError(
      () => jwt(bad, { issuer: 'login.example.com' }),
      "issuer must be an https URL (the tokens' iss), got: login.example.com",
    );
  });

  test('in a VPC it may attach its interfaces and go out over https only', () => {
    const app = testApp();
    const other = new Stack(app, 'InVpc', { env: { region: 'us-east-1' } });
    const vpc = new ec2.Vpc(other, 'Vpc', { maxAzs: 3 });
    const inVpc = new JwtAuthorizer(other, 'Authorizer', {
      tier: TIER,
      issuer: 'https://login.example.com/',
      audience: 'orders-api',
      vpc,
    });
    new apigateway.RestApi(other, 'Api').root.addMethod('GET', new apigateway.MockIntegration(), {
      authorizer: inVpc.authorizer,
    });
    const t = Template.fromStack(other);
    t.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })],
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'VpcNetworkInterfaces', Action: Match.arrayWith(['ec2:CreateNetworkInterface']) }),
        ]),
      },
    });
  });

  test('its verdict cache is at most an hour', () => {
    const other = new Stack(testApp(), 'Other', { env: { region: 'us-east-1' } });
    expectValidationError(
      () =>
        new JwtAuthorizer(other, 'Authorizer', {
          tier: TIER,
          issuer: 'https://login.example.com/',
          audience: 'orders-api',
          resultsCacheTtl: Duration.hours(2),
        }),
      'resultsCacheTtl must be whole seconds from 0 to 3600, got: 7200',
    );
  });
});
