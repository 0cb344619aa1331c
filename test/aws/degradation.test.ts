import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HA_METADATA_KEY, ServiceTier } from '../../lib';
import { FeatureFlags, FeatureFlagsProps } from '../../lib/aws/degradation';
import { FailoverRunbooks } from '../../lib/aws/runbooks';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectValidationError, recommendedApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

const FEATURES = [
  { name: 'recommendations', description: 'Personalised recommendations on the product page' },
  { name: 'reviews', description: 'Customer reviews' },
  { name: 'betaSearch', description: 'The new search ranking', enabled: false },
];

function fixture() {
  const stack = new Stack(recommendedApp(), 'Flags', { env: { region: 'eu-west-1' } });
  const alarm = new cloudwatch.Alarm(stack, 'Page', {
    metric: new cloudwatch.Metric({ namespace: 'Test', metricName: 'Burn' }),
    threshold: 1,
    evaluationPeriods: 1,
  });
  return { stack, alarm };
}

function synth(override: Partial<FeatureFlagsProps> = {}) {
  const { stack, alarm } = fixture();
  const flags = new FeatureFlags(stack, 'Flags', {
    tier: ServiceTier.TIER_1,
    service: 'shop',
    features: FEATURES,
    rollbackAlarm: alarm,
    ...override,
  });
  return { stack, alarm, flags, template: Template.fromStack(stack) };
}

describe('FeatureFlags', () => {
  test('GIVEN non-essential features THEN a feature-flag profile holds one flag each, deployed with their normal values', () => {
    const { template, flags } = synth();
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', {
      LocationUri: 'hosted',
      Type: 'AWS.AppConfig.FeatureFlags',
      KmsKeyIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FlagsKey'), 'Arn'] },
    });
    const version = Object.values(template.findResources('AWS::AppConfig::HostedConfigurationVersion'))[0].Properties;
    expect(version.ContentType).toBe('application/json');
    expect(JSON.parse(version.Content)).toEqual({
      version: '1',
      flags: {
        recommendations: { name: 'recommendations', description: 'Personalised recommendations on the product page' },
        reviews: { name: 'reviews', description: 'Customer reviews' },
        betaSearch: { name: 'betaSearch', description: 'The new search ranking' },
      },
      values: { recommendations: { enabled: true }, reviews: { enabled: true }, betaSearch: { enabled: false } },
    });
    expect(JSON.parse(flags.degradedContent).values).toEqual({
      recommendations: { enabled: false },
      reviews: { enabled: false },
      betaSearch: { enabled: false },
    });
    expect(flags.flagNames).toEqual(['recommendations', 'reviews', 'betaSearch']);
    template.resourceCountIs('AWS::AppConfig::Deployment', 1);
  });

  test('THEN the environment rolls back on the page alarm, read through a role AppConfig assumes', () => {
    const { template, stack, alarm } = synth();
    const env = Object.values(template.findResources('AWS::AppConfig::Environment'))[0].Properties;
    expect(env.Name).toBe('production');
    expect(env.Monitors).toEqual([
      {
        AlarmArn: stack.resolve(alarm.alarmArn),
        AlarmRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^FlagsMonitorRole/), 'Arn'] },
      },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'appconfig.amazonaws.com' } })],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'ReadRollbackAlarm',
            Effect: 'Allow',
            Action: 'cloudwatch:DescribeAlarms',
            Resource: stack.resolve(alarm.alarmArn),
          },
        ],
      },
    });
  });

  test.each([ServiceTier.TIER_0, ServiceTier.TIER_3])(
    'THEN the strategy bakes for the short window of the fastest page alert of %s (computed by core)',
    (tier) => {
      const { template } = synth({ tier });
      // The fastest page alert (14.4x) has a 5-minute short window at every target over 30 days.
      template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
        Name: 'shop-flags-linear',
        GrowthType: 'LINEAR',
        GrowthFactor: 20,
        FinalBakeTimeInMinutes: 5,
        DeploymentDurationInMinutes: 10,
        ReplicateTo: 'NONE',
      });
    },
  );

  test('THEN the first deployment has no deployment or bake time in which the rollback alarm is watched', () => {
    const { template, flags, stack } = synth();
    const strategies = template.findResources('AWS::AppConfig::DeploymentStrategy');
    const [initialId, initial] = Object.entries(strategies).find(([id]) => id.startsWith('FlagsInitialStrategy'))!;
    expect(initial.Properties).toMatchObject({
      Name: 'shop-flags-initial',
      GrowthType: 'LINEAR',
      GrowthFactor: 100,
      DeploymentDurationInMinutes: 0,
      FinalBakeTimeInMinutes: 0,
      ReplicateTo: 'NONE',
    });
    const [deployment] = Object.values(template.findResources('AWS::AppConfig::Deployment'));
    expect(deployment.Properties.DeploymentStrategyId).toEqual({ Ref: initialId });
    // Later changes use the watched linear strategy, which is what deploymentStrategyId names.
    expect(stack.resolve(flags.deploymentStrategyId)).toEqual({ Ref: expect.stringMatching(/^FlagsStrategy/) });
    expect(stack.resolve(flags.deploymentStrategyId)).not.toEqual({ Ref: initialId });
  });

  test("grantRead lets a client read this environment's flags and decrypt them", () => {
    const { stack, alarm } = fixture();
    const flags = new FeatureFlags(stack, 'Flags', {
      tier: ServiceTier.TIER_1,
      features: FEATURES,
      rollbackAlarm: alarm,
    });
    const role = new iam.Role(stack, 'Client', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    flags.grantRead(role);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Properties
      .PolicyDocument.Statement;
    expect(statements.map((s: { Action: unknown }) => s.Action)).toEqual([
      ['appconfig:GetLatestConfiguration', 'appconfig:StartConfigurationSession'],
      'kms:Decrypt',
    ]);
  });

  test('THEN every resource carries the HA metadata record', () => {
    const { template } = synth();
    const ours = Object.entries(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    ).filter(([id]) => id.startsWith('Flags'));
    expect(ours.length).toBe(10);
    for (const [, resource] of ours) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({ service: 'shop', component: 'FeatureFlags' });
    }
  });

  test.each<[Partial<FeatureFlagsProps>, string]>([
    [{ features: [] }, 'features must list at least one non-essential feature, got: none'],
    [
      { features: [{ name: '1st', description: 'x' }] },
      'features[].name must start with a letter and hold only letters, digits, _ or - (at most 64 characters), got: "1st"',
    ],
    [
      {
        features: [
          { name: 'a', description: 'x' },
          { name: 'a', description: 'y' },
        ],
      },
      'features must have unique names, got: a more than once',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('THEN the first deployment sends the normal values, encrypted, to production of the shop application', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::AppConfig::Application', { Name: 'shop' });
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', { Name: 'non-essential-features' });
    template.hasResourceProperties('AWS::AppConfig::Deployment', {
      ApplicationId: { Ref: Match.stringLikeRegexp('^FlagsApplication') },
      EnvironmentId: { Ref: Match.stringLikeRegexp('^FlagsEnvironment') },
      ConfigurationProfileId: { Ref: Match.stringLikeRegexp('^FlagsProfile') },
      ConfigurationVersion: { Ref: Match.stringLikeRegexp('^FlagsVersion') },
      KmsKeyIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FlagsKey'), 'Arn'] },
    });
  });

  test('THEN only AppConfig of this account may assume the monitor role (no confused deputy)', () => {
    synth().template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'appconfig.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the feature flags (beside the targeted assertions above)', () => {
    expect(haSnapshot(synth().template.toJSON())).toMatchSnapshot();
  });
});

describe('FailoverRunbooks with feature flags', () => {
  test('THEN the degradation runbook detaches the rollback monitor, deploys every flag off at once, and re-attaches it, also on failure', () => {
    const { stack, alarm } = fixture();
    const flags = new FeatureFlags(stack, 'Flags', {
      tier: ServiceTier.TIER_1,
      service: 'shop',
      features: FEATURES,
      rollbackAlarm: alarm,
    });
    const runbooks = new FailoverRunbooks(stack, 'Runbooks', { tier: ServiceTier.TIER_1, featureFlags: flags });
    const template = Template.fromStack(stack);
    const doc = Object.values(template.findResources('AWS::SSM::Document'))[0].Properties.Content;
    expect(runbooks.runbooks).toEqual([runbooks.degradeFeatures]);
    expect(doc.parameters.Content.default).toBe(flags.degradedContent);
    expect(doc.mainSteps.map((s: { name: string }) => s.name)).toEqual([
      'DetachRollbackMonitor',
      'CreateDegradedVersion',
      'DeployAllAtOnce',
      'WaitForDeployment',
      'RestoreRollbackMonitor',
    ]);
    const [detach, create, deploy, wait, restore] = doc.mainSteps;
    expect(detach.inputs).toEqual({
      Service: 'appconfig',
      Api: 'UpdateEnvironment',
      ApplicationId: stack.resolve(flags.applicationId),
      EnvironmentId: stack.resolve(flags.environmentId),
      Monitors: [],
    });
    expect(create.inputs.Content).toBe('{{ Content }}');
    expect(deploy.inputs).toEqual(
      expect.objectContaining({
        Api: 'StartDeployment',
        DeploymentStrategyId: 'AppConfig.AllAtOnce',
        ConfigurationVersion: '{{ CreateDegradedVersion.VersionNumber }}',
      }),
    );
    expect(wait.inputs).toEqual(
      expect.objectContaining({ Api: 'GetDeployment', PropertySelector: '$.State', DesiredValues: ['COMPLETE'] }),
    );
    for (const step of [create, deploy, wait]) {
      expect(step.onFailure).toBe('step:RestoreRollbackMonitor');
    }
    expect(restore.inputs.Monitors).toEqual([
      { AlarmArn: stack.resolve(flags.rollbackAlarmArn), AlarmRoleArn: stack.resolve(flags.monitorRole.roleArn) },
    ]);
    expect(restore.isEnd).toBe(true);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'PassMonitorRole',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: stack.resolve(flags.monitorRole.roleArn),
            Condition: { StringEquals: { 'iam:PassedToService': 'appconfig.amazonaws.com' } },
          },
        ]),
      },
    });
  });
});
