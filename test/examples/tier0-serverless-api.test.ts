import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { addTier0ServerlessApi } from '../../examples/tier0-serverless-api';
import { checkInputs } from '../../lib/checks/check';
import { GraphInputs } from '../../lib/checks/graph/load';
import { ServiceReport } from '../../lib/checks/report';
import { composeParallel, composeSerial, PUBLISHED_SLAS, ServiceTier } from '../../lib/core';
import { nagErrors } from '../nag';
import { statefulProblemsOfApp } from '../stateful';
import { cdkJsonApp } from '../util';

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };
type TemplateJson = { Resources: Record<string, Resource> };

const STACK_IDS = ['Tier0Api-us-east-1-Keys', 'Tier0Api-us-west-2', 'Tier0Api-us-east-1'];
/** The two serving regions' stacks. */
const REGION_STACK_IDS = STACK_IDS.slice(1);
const DOMAIN = { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' };

// One synthesis of the example for the whole file, as `npx cdk synth` does it (the repository's cdk.json).
let app: App;
let assembly: CloudAssembly;
const templates: Record<string, Template> = {};
let report: ServiceReport;
let findings: string[];

beforeAll(() => {
  app = cdkJsonApp();
  addTier0ServerlessApi(app, DOMAIN);
  assembly = app.synth();
  for (const stack of assembly.stacks) {
    templates[stack.stackName] = Template.fromJSON(stack.template);
  }
  const inputs: GraphInputs = {
    cloudFormation: STACK_IDS.map((name) => ({
      name,
      region: assembly.getStackByName(name).environment.region,
      template: assembly.getStackByName(name).template as TemplateJson,
    })),
  };
  const checked = checkInputs(inputs);
  [report] = checked.services;
  findings = checked.findings.map((f) => `${f.rule} ${f.stack}/${f.resource}: ${f.message}`);
});

describe('TIER_0 serverless API, active/active in us-east-1 and us-west-2', () => {
  test('synthesizes the key stack and the two region stacks, each pinned to its region', () => {
    expect(assembly.stacks.map((s) => `${s.stackName} ${s.environment.region}`).sort()).toEqual([
      'Tier0Api-us-east-1 us-east-1',
      'Tier0Api-us-east-1-Keys us-east-1',
      'Tier0Api-us-west-2 us-west-2',
    ]);
  });

  test('pass cdk-nag AwsSolutions and NIST 800-53 rev 5, and retain every stateful resource', () => {
    expect(nagErrors(app)).toEqual([]);
    expect(statefulProblemsOfApp(app)).toEqual([]);
  });

  test('the report shows TIER_0 unproven on a gray AZ only: every region accepts the clients credentials', () => {
    expect(findings).toEqual([]);
    expect(report).toMatchObject({
      tier: 'TIER_0',
      azRpoSeconds: 0,
      regionRpoSeconds: 0,
      regionRtoSeconds: 96,
      objectivesMet: false,
    });
    // A zone whose subnets fail while Lambda still places invocations there: no published time (acknowledged).
    expect(report.status).toEqual({
      azRto: 'unproven',
      azRpo: 'met',
      regionRto: 'met',
      regionRpo: 'met',
      availability: 'met',
    });
    // Keyed and token-bearing clients of the service name are accepted by the region DNS sends them to: the same key
    // values (one replicated secret per client) and the same issuer's tokens in both regions, read from the templates.
    // The region RTO's total (96 s) names them.
    const credentials = report.derivation.find((d) =>
      d.basis.includes("every region accepts the clients' credentials"),
    );
    expect(credentials).toMatchObject({ quantity: 'regionRto', value: 96 });
    expect(credentials!.basis).toContain('secret carts-api/api-keys/partners, secret carts-api/api-keys/storefront');
    expect(credentials!.basis).toContain('JWTs of https://login.example.com/ for carts-api');
    // Known only because each region's authorizer runs warm and reads its region's copy of the issuer's keys: a
    // token a client holds is verified with the issuer down. New tokens still need the issuer, and the basis says so.
    expect(credentials!.basis).toContain("warm, with the issuer's keys copied into its region on a schedule (rate(5 ");
    expect(credentials!.basis).toContain("a new one does, and the issuer's availability and regions are outside");
    expect(report.derivation.map((d) => d.basis)).not.toContainEqual(expect.stringContaining('SigV4'));
    expect(report.derivation.filter((d) => d.quantity === 'availability').map((d) => d.basis)).not.toContainEqual(
      expect.stringContaining('the issuer is in series'),
    );
  });

  // What a template would be with one of the authorizer's defences taken away (a resource dropped or changed).
  test.each<[string, (resource: Resource) => Resource | undefined, string]>([
    [
      'without the copy of the keys in each region',
      (r) => (r.Type === 'AWS::SSM::Parameter' ? undefined : r),
      'fetches the keys of https://login.example.com/ on each cold start, with no refreshed copy in its region',
    ],
    [
      "without the authorizer's warm environments",
      (r) =>
        r.Type === 'AWS::Lambda::Alias' && r.Properties?.Name === 'live'
          ? { ...r, Properties: { ...r.Properties, ProvisionedConcurrencyConfig: undefined } }
          : r,
      'keeps 0 environments warm, of its reserved 300',
    ],
  ])('the same templates %s: the token clients region RTO is unknown, naming why', (_, change, why) => {
    const stripped: GraphInputs = {
      cloudFormation: STACK_IDS.map((name) => {
        const template = assembly.getStackByName(name).template as TemplateJson;
        const kept = Object.entries(template.Resources).flatMap(([id, r]) => {
          const changed = change(r);
          return changed ? [[id, changed] as const] : [];
        });
        return {
          name,
          region: assembly.getStackByName(name).environment.region,
          template: { ...template, Resources: Object.fromEntries(kept) },
        };
      }),
    };
    const [unproven] = checkInputs(stripped).services;
    expect(unproven.status.regionRto).toBe('unproven');
    expect(unproven.derivation.map((d) => d.basis)).toContainEqual(expect.stringContaining(why));
  });

  test("each region's authorizer: the peak's verdicts warm, its keys copied in the region, refreshed, alarmed", () => {
    for (const stackId of REGION_STACK_IDS) {
      const t = templates[stackId];
      // 100 requests per second × the authorizer's 3 s timeout, like the handler's 300.
      t.hasResourceProperties('AWS::Lambda::Function', {
        Timeout: 3,
        ReservedConcurrentExecutions: 300,
        Environment: {
          Variables: Match.objectLike({ JWT_AUDIENCE: 'carts-api', JWKS_COPY_PARAMETER: Match.anyValue() }),
        },
      });
      t.hasResourceProperties('AWS::Lambda::Alias', {
        Name: 'live',
        ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 300 },
      });
      t.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Tier: 'Advanced' });
      t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: Match.stringLikeRegexp('the copy of https://login.example.com/'),
        AlarmActions: [Match.anyValue()],
      });
      // Route 53's readiness path sends no token: it asks for none (the stage's 5xx pages watch the authorizer).
      t.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'GET',
        AuthorizationType: 'NONE',
        ApiKeyRequired: Match.not(true),
      });
    }
  });

  test("each client's key value lives in one secret of us-west-2 replicated to us-east-1, read by both regions", () => {
    for (const client of ['storefront', 'partners']) {
      templates['Tier0Api-us-west-2'].hasResource('AWS::SecretsManager::Secret', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          Name: `carts-api/api-keys/${client}`,
          ReplicaRegions: [{ Region: 'us-east-1', KmsKeyId: 'alias/carts-api-secrets' }],
        }),
      });
      for (const stackId of REGION_STACK_IDS) {
        templates[stackId].hasResourceProperties('AWS::ApiGateway::ApiKey', {
          Value: `{{resolve:secretsmanager:carts-api/api-keys/${client}:SecretString:::}}`,
        });
      }
    }
    templates['Tier0Api-us-east-1-Keys'].hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/carts-api-secrets',
    });
    // The replica's key, then the secrets, then the region that reads their replicas.
    const dependencies = (name: string) => assembly.getStackByName(name).dependencies.map((d) => d.id);
    expect(dependencies('Tier0Api-us-west-2')).toContain('Tier0Api-us-east-1-Keys');
    expect(dependencies('Tier0Api-us-east-1')).toContain('Tier0Api-us-west-2');
  });

  test('the availability arithmetic meets 99.99 % with API Gateway in series in each region', () => {
    // Each region: API Gateway then Lambda in series; two regions in parallel behind Route 53; the global table
    // in series. The report's figure is at least this (less any rounding): it leaves out what it does not know.
    const region = composeSerial([PUBLISHED_SLAS.API_GATEWAY, PUBLISHED_SLAS.LAMBDA]);
    const service = composeSerial([
      composeParallel([region, region]),
      PUBLISHED_SLAS.DYNAMODB_GLOBAL_TABLES,
      PUBLISHED_SLAS.ROUTE53,
    ]);
    expect(service).toBeGreaterThanOrEqual(ServiceTier.TIER_0.availabilityTarget);
    expect(report.availability! + 1e-12).toBeGreaterThanOrEqual(service);
  });

  test('each region runs every execution it may need warm: the whole peak at the timeout, provisioned', () => {
    for (const stackId of REGION_STACK_IDS) {
      const t = templates[stackId];
      t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 300, Timeout: 3 });
      t.hasResourceProperties('AWS::Lambda::Alias', {
        ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 300 },
      });
      // The stage sheds beyond the region's 100 requests per second before Lambda would throttle.
      t.hasResourceProperties('AWS::ApiGateway::Stage', {
        MethodSettings: Match.arrayWith([Match.objectLike({ ResourcePath: '/*', ThrottlingRateLimit: 100 })]),
      });
    }
  });

  test('one strongly consistent table: a replica in us-west-2, a witness in us-east-2', () => {
    templates['Tier0Api-us-east-1'].hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'carts-api-carts',
      MultiRegionConsistency: 'STRONG',
      GlobalTableWitnesses: [{ Region: 'us-east-2' }],
    });
    for (const region of ['us-east-1', 'us-west-2']) {
      templates['Tier0Api-us-east-1'].hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        Replicas: Match.arrayWith([Match.objectLike({ Region: region, DeletionProtectionEnabled: true })]),
      });
    }
  });

  test('latency records over both APIs, each region health-checked on its own name, deep path', () => {
    const east = templates['Tier0Api-us-east-1'];
    for (const region of ['us-east-1', 'us-west-2']) {
      east.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'carts.example.com.',
        Type: 'CNAME',
        Region: region,
        HealthCheckId: Match.anyValue(),
      });
      east.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: Match.objectLike({
          FullyQualifiedDomainName: `carts-${region}.example.com`,
          ResourcePath: '/health/ready',
        }),
      });
    }
  });

  test('each region has its burn-rate pages and an AZ drill that stops on them', () => {
    for (const stackId of REGION_STACK_IDS) {
      const t = templates[stackId];
      expect(Object.keys(t.findResources('AWS::CloudWatch::CompositeAlarm')).length).toBeGreaterThan(0);
      t.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
        StopConditions: [{ Source: 'aws:cloudwatch:alarm', Value: Match.anyValue() }],
        Actions: { DisruptZoneNetwork: Match.objectLike({ ActionId: 'aws:network:disrupt-connectivity' }) },
      });
    }
  });
});
