import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DataLocationConstraint, DrStrategy, HA_METADATA_KEY, ResilienceHubTier, ServiceTier } from '../../lib/core';
import { ResilienceHubApp, ResilienceHubAppProps } from '../../lib/aws';
import { expectValidationError, quietly, testApp } from '../util';

const EAST = 'us-east-1';
const WEST = 'us-west-2';
const WEST_ARN =
  'arn:aws:cloudformation:us-west-2:111122223333:stack/orders-legacy/0f0e0d0c-0b0a-0908-0706-050403020100';

/** A service of three stacks, as the tier examples lay them out: the app lives in the DNS stack. */
function service(props: Partial<ResilienceHubAppProps> = {}, tier = ServiceTier.TIER_1, app: App = testApp()) {
  const west = new Stack(app, 'Orders-us-west-2', { env: { region: WEST } });
  const east = new Stack(app, 'Orders-us-east-1', { env: { region: EAST } });
  const dns = new Stack(app, 'Orders-Dns', { env: { region: EAST } });
  const hub = new ResilienceHubApp(dns, 'ResilienceHub', {
    tier,
    service: 'orders',
    stacks: [west, east, dns],
    ...props,
  });
  return { app, west, east, dns, hub };
}

function appProps(template: Template) {
  return Object.values(template.findResources('AWS::ResilienceHub::App'))[0].Properties;
}

function policyProps(template: Template) {
  return Object.values(template.findResources('AWS::ResilienceHub::ResiliencyPolicy'))[0].Properties;
}

describe('ResilienceHubApp', () => {
  // Software and Hardware take the AZ objectives; an AZ RPO of 0 is written as 1 s (Resilience Hub breaches a policy of 0).
  test.each([
    [
      'TIER_0',
      ServiceTier.TIER_0,
      'MissionCritical',
      { RtoInSecs: 30, RpoInSecs: 1 },
      { RtoInSecs: 120, RpoInSecs: 1 },
    ],
    ['TIER_1', ServiceTier.TIER_1, 'Critical', { RtoInSecs: 120, RpoInSecs: 1 }, { RtoInSecs: 900, RpoInSecs: 60 }],
    ['TIER_2', ServiceTier.TIER_2, 'Important', { RtoInSecs: 300, RpoInSecs: 1 }, { RtoInSecs: 3600, RpoInSecs: 900 }],
    [
      'TIER_3',
      ServiceTier.TIER_3,
      'NonCritical',
      { RtoInSecs: 900, RpoInSecs: 1 },
      { RtoInSecs: 86400, RpoInSecs: 86400 },
    ],
  ])(
    "%s: the policy holds the tier's objectives per disruption type and its Resilience Hub tier",
    (name, tier, hubTier, az, region) => {
      const policy = policyProps(Template.fromStack(service({}, tier).dns));
      expect(policy.Tier).toBe(hubTier);
      expect(policy.Policy).toEqual({ Software: az, Hardware: az, AZ: az, Region: region });
      expect(policy.PolicyName).toBe(`orders-${name}`);
      expect(policy.DataLocationConstraint).toBeUndefined();
    },
  );

  test("THEN the app names the policy, its stacks by ARN and Resilience Hub's invoker role, assessed daily", () => {
    const { dns, west, east } = service();
    const template = Template.fromStack(dns);
    const app = appProps(template);
    const [policyId] = Object.keys(template.findResources('AWS::ResilienceHub::ResiliencyPolicy'));
    const [roleId] = Object.keys(template.findResources('AWS::IAM::Role'));
    expect(app.Name).toBe('orders');
    expect(app.ResiliencyPolicyArn).toEqual({ 'Fn::GetAtt': [policyId, 'PolicyArn'] });
    expect(app.AppAssessmentSchedule).toBe('Daily');
    expect(app.PermissionModel).toEqual({ Type: 'RoleBased', InvokerRoleName: { Ref: roleId } });
    expect(app.ResourceMappings).toEqual([
      {
        MappingType: 'CfnStack',
        LogicalStackName: 'Orders-us-west-2',
        PhysicalResourceId: {
          Identifier: {
            'Fn::GetStackOutput': { StackName: 'Orders-us-west-2', OutputName: 'HaConstructsStackArn', Region: WEST },
          },
          Type: 'Arn',
          AwsRegion: WEST,
        },
      },
      {
        MappingType: 'CfnStack',
        LogicalStackName: 'Orders-us-east-1',
        PhysicalResourceId: {
          Identifier: {
            'Fn::GetStackOutput': { StackName: 'Orders-us-east-1', OutputName: 'HaConstructsStackArn', Region: EAST },
          },
          Type: 'Arn',
          AwsRegion: EAST,
        },
      },
      {
        MappingType: 'CfnStack',
        LogicalStackName: 'Orders-Dns',
        PhysicalResourceId: { Identifier: { Ref: 'AWS::StackId' }, Type: 'Arn', AwsRegion: EAST },
      },
    ]);
    // Each other stack publishes its own ARN, and deploys first.
    for (const stack of [west, east]) {
      Template.fromStack(stack).hasOutput('HaConstructsStackArn', { Value: { Ref: 'AWS::StackId' } });
      expect(dns.dependencies).toContain(stack);
    }
    // The template declares nothing of its own: the stacks are its sources. It fits the schema's pattern and length.
    expect(JSON.parse(app.AppTemplateBody)).toEqual({
      resources: [],
      appComponents: [],
      excludedResources: {},
      version: 2,
    });
    expect(app.AppTemplateBody).toMatch(/^[\w\s:,\-.'/{}[\]"]+$/);
    expect(app.AppTemplateBody.length).toBeLessThanOrEqual(5000);
  });

  test("THEN Resilience Hub assumes a role with AWS's read-only assessment policy, and nothing else", () => {
    const template = Template.fromStack(service().dns);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'resiliencehub.amazonaws.com' } },
        ],
      },
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSResilienceHubAsssessmentExecutionPolicy'],
          ],
        },
      ],
    });
  });

  test('THEN the policy and the app hold no data: no retention, and they carry the HA record and tags', () => {
    const template = Template.fromStack(service().dns);
    for (const type of ['AWS::ResilienceHub::App', 'AWS::ResilienceHub::ResiliencyPolicy']) {
      const [resource] = Object.values(template.findResources(type));
      expect(resource.DeletionPolicy).toBeUndefined();
      expect(resource.Metadata[HA_METADATA_KEY]).toMatchObject({
        service: 'orders',
        tier: 'TIER_1',
        component: 'ResilienceHubApp',
        failureDomain: 'region',
      });
      expect(resource.Properties.Tags).toMatchObject({ 'ha:service': 'orders', 'ha:tier': 'TIER_1' });
    }
  });

  test('WHEN stacks are deployed outside the app THEN stackArns maps them by ARN, in their region', () => {
    const app = testApp();
    const dns = new Stack(app, 'Orders-Dns', { env: { region: EAST, account: '111122223333' } });
    const hub = new ResilienceHubApp(dns, 'ResilienceHub', {
      tier: ServiceTier.TIER_1,
      service: 'orders',
      stacks: [dns],
      stackArns: [WEST_ARN],
    });
    expect(appProps(Template.fromStack(dns)).ResourceMappings[1]).toEqual({
      MappingType: 'CfnStack',
      LogicalStackName: 'orders-legacy',
      PhysicalResourceId: { Identifier: WEST_ARN, Type: 'Arn', AwsRegion: WEST, AwsAccountId: '111122223333' },
    });
    expect(hub.stackArns).toHaveLength(2);
  });

  test('WHEN objectives, tier and constraint are given THEN the policy says so', () => {
    const custom = ServiceTier.custom({
      name: 'ledger',
      strategy: DrStrategy.WARM_STANDBY,
      availabilityTarget: 0.9997,
      minAzs: 3,
      minRegions: 2,
      azRtoSeconds: 90.5,
      azRpoSeconds: 0.5,
      regionRtoSeconds: 600,
      regionRpoSeconds: 30,
    });
    const { dns } = service(
      {
        resilienceHubTier: ResilienceHubTier.CORE_SERVICES,
        dataLocationConstraint: DataLocationConstraint.SAME_CONTINENT,
        dailyAssessment: false,
      },
      custom,
    );
    const template = Template.fromStack(dns);
    const policy = policyProps(template);
    // Rounded down to whole seconds, never below 1: meeting the policy means meeting the tier.
    expect(policy.Policy.AZ).toEqual({ RtoInSecs: 90, RpoInSecs: 1 });
    expect(policy.Policy.Region).toEqual({ RtoInSecs: 600, RpoInSecs: 30 });
    expect(policy.Tier).toBe('CoreServices');
    expect(policy.DataLocationConstraint).toBe('SameContinent');
    expect(policy.PolicyName).toBe('orders-ledger');
    expect(appProps(template).AppAssessmentSchedule).toBe('Disabled');
  });

  test('WHEN allowedRegions lists one region THEN the policy keeps its data in that country; several warn', () => {
    expect(policyProps(Template.fromStack(service({ allowedRegions: [EAST] }).dns)).DataLocationConstraint).toBe(
      'SameCountry',
    );
    quietly(() => {
      const { dns } = service({ allowedRegions: [EAST, WEST] });
      expect(policyProps(Template.fromStack(dns)).DataLocationConstraint).toBeUndefined();
      Annotations.fromStack(dns).hasWarning(
        '/Orders-Dns/ResilienceHub',
        Match.stringLikeRegexp(
          '^allowedRegions lists us-east-1, us-west-2 and no dataLocationConstraint was given.*ha-constructs:ResilienceHubApp.dataLocationConstraint',
        ),
      );
    });
  });

  test.each<[string, (app: App) => Partial<ResilienceHubAppProps>, string]>([
    [
      'no stack',
      () => ({ stacks: [] }),
      'stacks must list at least one stack of the service (or stackArns one ARN), got: none',
    ],
    [
      'a stack twice',
      () => ({ stackArns: [WEST_ARN, WEST_ARN] }),
      'stacks must name each stack once (Resilience Hub maps a stack by its name), got: orders-legacy more than once',
    ],
    [
      'not a stack ARN',
      () => ({ stackArns: ['arn:aws:s3:::orders'] }),
      'stackArns[0] must be a CloudFormation stack ARN of at most 255 characters (arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>), got: arn:aws:s3:::orders',
    ],
    [
      'a stack of another app',
      () => ({ stacks: [new Stack(testApp(), 'Elsewhere', { env: { region: EAST } })] }),
      'stacks[0] must be a stack of the same CDK app as Orders-Dns (a stack deployed elsewhere goes in stackArns), got: Elsewhere',
    ],
    [
      'a bad app name',
      () => ({ appName: 'orders service' }),
      'appName must be 2 to 60 letters, digits, _ or -, starting with a letter or digit, got: "orders service"',
    ],
    [
      'a Resilience Hub tier that does not exist',
      () => ({ resilienceHubTier: 'Tier1' as ResilienceHubTier }),
      'resilienceHubTier must be one of MissionCritical, Critical, Important, CoreServices, NonCritical, got: Tier1',
    ],
    [
      'a constraint that does not exist',
      () => ({ dataLocationConstraint: 'SameRegion' as DataLocationConstraint }),
      'dataLocationConstraint must be one of AnyLocation, SameContinent, SameCountry, got: SameRegion',
    ],
  ])('%s is a ValidationError naming the prop and the value', (_name, props, message) => {
    const app = testApp();
    expectValidationError(() => service(props(app), ServiceTier.TIER_1, app), message);
  });

  test('WHEN the service name cannot name an app THEN the error says appName, and where the name came from', () => {
    expectValidationError(
      () => service({ service: 'x' }),
      'appName must be 2 to 60 letters, digits, _ or -, starting with a letter or digit, got: "x" (the service name "x", made safe)',
    );
  });

  test('WHEN a stack is in another account THEN it is refused: Resilience Hub would need a role there', () => {
    const app = testApp();
    const dns = new Stack(app, 'Dns', { env: { region: EAST, account: '111122223333' } });
    const other = new Stack(app, 'Other', { env: { region: EAST, account: '444455556666' } });
    expectValidationError(
      () => new ResilienceHubApp(dns, 'Hub', { tier: ServiceTier.TIER_1, stacks: [other] }),
      "stacks[0] must be in the app's account 111122223333 (Resilience Hub reads another account only through a role there, which this construct does not create), got: Other in 444455556666",
    );
    expectValidationError(
      () =>
        new ResilienceHubApp(dns, 'Hub2', {
          tier: ServiceTier.TIER_1,
          stacks: [],
          stackArns: [WEST_ARN.replace('111122223333', '444455556666')],
        }),
      "stackArns[0] must be in the app's account 111122223333 (Resilience Hub reads another account only through a role there, which this construct does not create), got: 444455556666",
    );
  });

  test("WHEN a mapped stack depends on the app's stack THEN it is refused: its ARN could not be read first", () => {
    const app = testApp();
    const dns = new Stack(app, 'Dns', { env: { region: EAST } });
    const later = new Stack(app, 'Later', { env: { region: EAST } });
    later.addStackDependency(dns);
    expect(() => new ResilienceHubApp(dns, 'Hub', { tier: ServiceTier.TIER_1, stacks: [later] })).toThrow(
      /^stacks\[0\] must deploy before Dns, the stack of the app \(its ARN is read from its output\), got: Later/,
    );
  });

  test('WHEN two apps map the same stack THEN it publishes its ARN once', () => {
    const app = testApp();
    const shared = new Stack(app, 'Shared', { env: { region: EAST } });
    for (const name of ['orders', 'billing']) {
      new ResilienceHubApp(new Stack(app, `${name}-ops`, { env: { region: EAST } }), 'Hub', {
        tier: ServiceTier.TIER_2,
        service: name,
        stacks: [shared],
      });
    }
    expect(Object.keys(Template.fromStack(shared).findOutputs('*'))).toEqual(['HaConstructsStackArn']);
  });
});
