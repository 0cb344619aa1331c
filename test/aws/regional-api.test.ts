import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { FailoverDns, HA_METADATA_KEY, ServiceTier } from '../../lib';
import { ClientResiliencePolicy } from '../../lib/aws/client-policy';
import { ResilientFunction } from '../../lib/aws/function';
import { RegionalApi, RegionalApiProps } from '../../lib/aws/regional-api';
import { expectValidationError, testApp } from '../util';

// Every test builds in a bare `new App()`, as a user's jest test does (testApp). One synthesis.

const TIER = ServiceTier.TIER_0;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const ZONE = { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' };

type Json = ReturnType<typeof JSON.parse>;

/** A stack with a function behind the clients' policy (3 s per try); `overrides` change the API's props. */
function build(overrides: Partial<RegionalApiProps> = {}, functionTimeout = Duration.seconds(3)) {
  const stack = new Stack(testApp(), 'Orders', { env: { region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ZONES,
    privateSubnetIds: ZONES.map((_, i) => `subnet-0${i}23456789abcdef0`),
  });
  const clients = new ClientResiliencePolicy(stack, 'ClientPolicy', {
    tier: TIER,
    upstreamTimeout: Duration.seconds(10),
    hops: [
      {
        name: 'orders-api',
        perTryTimeout: Duration.seconds(3),
        baseDelay: Duration.millis(50),
        maxDelay: Duration.millis(400),
      },
    ],
  });
  const handler = new ResilientFunction(stack, 'Function', {
    tier: TIER,
    vpc,
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    requiredConcurrency: 1000,
    reservedConcurrency: 1500,
    timeout: functionTimeout,
  });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', ZONE);
  const api = new RegionalApi(stack, 'Api', {
    tier: TIER,
    service: 'orders',
    handler,
    hostedZone,
    recordName: 'orders',
    throttle: { rateLimit: 500, burstLimit: 1000 },
    routes: [
      { path: '/{proxy+}', methods: ['ANY'] },
      { path: '/orders', methods: ['POST'], throttle: { rateLimit: 50, burstLimit: 100 } },
    ],
    clients: [
      { name: 'mobile', throttle: { rateLimit: 200, burstLimit: 400 }, quota: { limit: 1_000_000, period: 'DAY' } },
      { name: 'partner', throttle: { rateLimit: 20 } },
    ],
    callerPolicy: clients,
    callerHop: 'orders-api',
    ...overrides,
  });
  return { stack, api, hostedZone };
}

describe('RegionalApi, TIER_0, with FailoverDns over it and another region', () => {
  let template: Template;
  let json: Json;
  let api: RegionalApi;

  beforeAll(() => {
    const built = build();
    api = built.api;
    const { stack, hostedZone } = built;
    // The other region's API, by its domains' attributes (as another region's stack would pass them).
    const west = (id: string, name: string) =>
      apigateway.DomainName.fromDomainNameAttributes(stack, id, {
        domainName: name,
        domainNameAliasHostedZoneId: 'Z2OJLYMUO9EFXC',
        domainNameAliasTarget: `d-${id.toLowerCase()}.execute-api.us-west-2.amazonaws.com`,
      });
    new FailoverDns(stack, 'Dns', {
      tier: TIER,
      service: 'orders',
      hostedZone,
      recordName: 'orders',
      endpoints: [
        { region: 'us-east-1', api },
        {
          region: 'us-west-2',
          api: {
            serviceDomain: west('WestService', 'orders.example.com'),
            regionalDomain: west('WestRegional', 'orders-us-west-2.example.com'),
          },
        },
      ],
    });
    template = Template.fromStack(stack);
    json = template.toJSON();
  });

  test('a REGIONAL REST API reachable only through its custom domains', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      DisableExecuteApiEndpoint: true,
    });
    expect(api.serviceName).toBe('orders.example.com');
    expect(api.regionalName).toBe('orders-us-east-1.example.com');
    expect(api.healthCheckUrl).toBe('https://orders-us-east-1.example.com/health/ready');
  });

  test('two REGIONAL domains with TLS 1.2 share a certificate validated by DNS in the zone', () => {
    for (const name of ['orders.example.com', 'orders-us-east-1.example.com']) {
      template.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: name,
        EndpointConfiguration: { Types: ['REGIONAL'] },
        SecurityPolicy: 'TLS_1_2',
        RegionalCertificateArn: Match.anyValue(),
      });
    }
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'orders.example.com',
      SubjectAlternativeNames: ['orders-us-east-1.example.com'],
      ValidationMethod: 'DNS',
      DomainValidationOptions: Match.arrayWith([
        { DomainName: 'orders-us-east-1.example.com', HostedZoneId: ZONE.hostedZoneId },
      ]),
    });
    template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 2);
  });

  test('the stage throttles the region, the route its own share, logs, traces and keeps logs for the tier', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'live',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 500,
          ThrottlingBurstLimit: 1000,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
        }),
        Match.objectLike({
          HttpMethod: 'POST',
          ResourcePath: '/~1orders',
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ]),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: TIER.logRetentionDays,
      KmsKeyId: Match.anyValue(),
    });
    // The execution logs' group exists before the stage, encrypted, kept for the tier.
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: 'Api9AF3637B' }, '/live']] },
      RetentionInDays: TIER.logRetentionDays,
      KmsKeyId: Match.anyValue(),
    });
  });

  test('each client has a key in a usage plan of its own with its rate and quota', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 200, BurstLimit: 400 },
      Quota: { Limit: 1_000_000, Period: 'DAY' },
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 20, BurstLimit: 20 } });
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 2);
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
  });

  test('routes need a key and a signature and wait the caller per-try timeout; the health path needs neither', () => {
    const methods = Object.values(json.Resources as Record<string, Json>).filter(
      (r) => r.Type === 'AWS::ApiGateway::Method',
    );
    const health = methods.filter((m) => m.Properties.AuthorizationType === 'NONE');
    expect(health).toHaveLength(1);
    expect(health[0].Properties).toMatchObject({ HttpMethod: 'GET', ApiKeyRequired: false });
    const routes = methods.filter((m) => m.Properties.AuthorizationType !== 'NONE');
    expect(routes.map((m) => m.Properties.HttpMethod).sort()).toEqual(['ANY', 'POST']);
    for (const method of [...routes, ...health]) {
      expect(method.Properties).toMatchObject({
        Integration: { Type: 'AWS_PROXY', TimeoutInMillis: 3000 },
      });
      // The integration invokes the alias, never $LATEST.
      expect(JSON.stringify(method.Properties.Integration.Uri)).toContain('FunctionAlias');
      expect(method.Properties.Integration.Credentials).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^ApiInvokeRole/), 'Arn'],
      });
    }
    for (const route of routes) {
      expect(route.Properties).toMatchObject({ AuthorizationType: 'AWS_IAM', ApiKeyRequired: true });
    }
  });

  test('a web ACL with a per-IP rate rule guards the stage, the health path exempt', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: {
            RateBasedStatement: Match.objectLike({
              Limit: 2000,
              AggregateKeyType: 'IP',
              ScopeDownStatement: {
                NotStatement: {
                  Statement: { ByteMatchStatement: Match.objectLike({ SearchString: '/health/ready' }) },
                },
              },
            }),
          },
        }),
      ]),
    });
    const association = Object.values(json.Resources as Record<string, Json>).find(
      (r) => r.Type === 'AWS::WAFv2::WebACLAssociation',
    );
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain('/stages/');
    expect(association.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ApiDeploymentStagelive/)]));
  });

  test('the 5xx share alarms at the fastest page burn rate', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Statistic: 'Average',
      Period: 300,
      Threshold: 0.00144,
      AlarmActions: Match.anyValue(),
    });
  });

  test('FailoverDns routes by latency to each API by CNAME and health-checks each regional name', () => {
    for (const [region, target] of [
      ['us-east-1', Match.anyValue()],
      ['us-west-2', 'd-westservice.execute-api.us-west-2.amazonaws.com'],
    ] as const) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'orders.example.com.',
        Type: 'CNAME',
        TTL: '60',
        Region: region,
        SetIdentifier: region,
        ResourceRecords: [target],
        HealthCheckId: Match.anyValue(),
      });
      template.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: Match.objectLike({
          Type: 'HTTPS',
          FullyQualifiedDomainName: `orders-${region}.example.com`,
          ResourcePath: '/health/ready',
          EnableSNI: true,
        }),
      });
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `orders-${region}.example.com.`,
        Type: 'A',
        AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
      });
    }
  });

  test('the API carries its HA record', () => {
    const restApi = Object.values(json.Resources as Record<string, Json>).find(
      (r) => r.Type === 'AWS::ApiGateway::RestApi',
    );
    expect(restApi.Metadata[HA_METADATA_KEY]).toMatchObject({ tier: 'TIER_0', component: 'RegionalApi' });
  });
});

describe('RegionalApi refuses', () => {
  test('a function that runs longer than the integration waits, naming the prop', () => {
    expectValidationError(
      () => build({}, Duration.seconds(5)),
      "handler's timeout must be at most the integration timeout (3000 ms, from callerHop): API Gateway answers 504 " +
        "while the function still runs, and the client's retry runs it twice, got: 5000 ms",
    );
  });

  test('an integration timeout longer than the caller waits', () => {
    expectValidationError(
      () => build({ integrationTimeout: Duration.seconds(4) }),
      "integrationTimeout must leave the integration at most the caller's per-try timeout (orders-api: 3000 ms) and " +
        'at least 50 ms: API Gateway would answer after the caller gave up and retried, got: integrationTimeout 4000 ms',
    );
  });

  test('a caller policy without its hop', () => {
    expectValidationError(
      () => build({ callerHop: undefined }),
      "callerPolicy and callerHop must be given together (the clients' policy and its hop to this API), got: no callerHop",
    );
  });
});
