import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HA_METADATA_KEY, ServiceTier } from '../../lib';
import { IncidentResponse, IncidentResponseProps } from '../../lib/aws/incident-response';
import { FailoverRunbooks } from '../../lib/aws/runbooks';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectValidationError, testApp } from '../util';

const IC = { alias: 'ana-ic', displayName: 'Ana (incident commander)', email: 'ana@example.com', sms: '+15555550100' };
const COMMS = { alias: 'bo-comms', displayName: 'Bo (communications)', email: 'bo@example.com' };

function synth(override: Partial<IncidentResponseProps> = {}) {
  const stack = new Stack(testApp(), 'Incidents', { env: { region: 'us-east-1' } });
  const pageTopic = new sns.Topic(stack, 'Page');
  const ir = new IncidentResponse(stack, 'Response', {
    tier: ServiceTier.TIER_1,
    service: 'checkout',
    incidentCommander: IC,
    communicationsLead: COMMS,
    pageTopic,
    ...override,
  });
  return { stack, ir, pageTopic, template: Template.fromStack(stack) };
}

describe('IncidentResponse', () => {
  test('GIVEN two responders and a page topic THEN the response plan engages both, deduplicates on the service and notifies the page topic', () => {
    const { template, stack, ir, pageTopic } = synth();
    const plan = Object.values(template.findResources('AWS::SSMIncidents::ResponsePlan'))[0].Properties;
    expect(plan.Name).toBe('checkout-page');
    expect(plan.IncidentTemplate).toEqual({
      Title: 'checkout: error budget burning at page rate',
      Impact: 2,
      Summary:
        'The SLO page alarm of checkout (TIER_1) fired. Incident commander: Ana (incident commander); communications: Bo (communications).',
      DedupeString: 'checkout-slo-page',
      NotificationTargets: [{ SnsTopicArn: stack.resolve(pageTopic.topicArn) }],
    });
    expect(plan.Engagements).toEqual([stack.resolve(ir.incidentCommanderArn), stack.resolve(ir.communicationsLeadArn)]);
    expect(plan.ChatChannel).toBeUndefined();
    expect(plan.Actions).toBeUndefined();
  });

  test('THEN each responder is a personal contact whose plan engages every channel, retried once per fastest page short window', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::SSMContacts::Contact', {
      Alias: 'ana-ic',
      DisplayName: 'Ana (incident commander)',
      Type: 'PERSONAL',
    });
    template.hasResourceProperties('AWS::SSMContacts::Contact', { Alias: 'bo-comms', Type: 'PERSONAL' });
    template.hasResourceProperties('AWS::SSMContacts::ContactChannel', {
      ChannelType: 'EMAIL',
      ChannelAddress: 'ana@example.com',
    });
    template.hasResourceProperties('AWS::SSMContacts::ContactChannel', {
      ChannelType: 'SMS',
      ChannelAddress: '+15555550100',
    });
    template.resourceCountIs('AWS::SSMContacts::ContactChannel', 3);
    // The short window of TIER_1's fastest page alert (14.4x over 1 h / 5 min).
    const retry = 5;
    const plans = Object.values(template.findResources('AWS::SSMContacts::Plan')).map((p) => p.Properties.Stages[0]);
    expect(plans.map((stage) => stage.Targets.length).sort()).toEqual([1, 2]);
    for (const stage of plans) {
      expect(stage.DurationInMinutes).toBe(0);
      for (const target of stage.Targets) {
        expect(target.ChannelTargetInfo).toEqual({
          ChannelId: { 'Fn::GetAtt': [expect.stringMatching(/(Email|Sms)/), 'Arn'] },
          RetryIntervalInMinutes: retry,
        });
      }
    }
    expect(retry).toBe(5);
  });

  test('THEN contacts carry no ha:* tags (SSM Contacts tag keys may not contain a colon) but keep the metadata record', () => {
    const { template } = synth();
    const contacts = Object.values(template.findResources('AWS::SSMContacts::Contact'));
    expect(contacts).toHaveLength(2);
    for (const contact of contacts) {
      expect(contact.Properties.Tags).toBeUndefined();
      expect(contact.Metadata[HA_METADATA_KEY]).toMatchObject({ component: 'IncidentResponse' });
    }
    template.hasResourceProperties('AWS::SSMIncidents::ResponsePlan', {
      Tags: Match.arrayWith([{ Key: 'ha:service', Value: 'checkout' }]),
    });
  });

  test('THEN the alarm action opens an incident with the response plan', () => {
    const stack = new Stack(testApp(), 'Incidents', { env: { region: 'us-east-1' } });
    const ir = new IncidentResponse(stack, 'Response', {
      tier: ServiceTier.TIER_1,
      incidentCommander: IC,
      communicationsLead: COMMS,
    });
    const alarm = new cloudwatch.Alarm(stack, 'PageAlarm', {
      metric: new cloudwatch.Metric({ namespace: 'T', metricName: 'M' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    alarm.addAlarmAction(ir.alarmAction());
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [stack.resolve(ir.responsePlanArn)],
    });
  });

  test('THEN responsePlan is the plan resource and responsePlanArn its ARN (what SloAlarms takes as responsePlan or incidentResponse)', () => {
    const { stack, ir, template } = synth();
    const [planId] = Object.keys(template.findResources('AWS::SSMIncidents::ResponsePlan'));
    expect(stack.resolve(ir.responsePlan.ref)).toEqual({ Ref: planId });
    expect(stack.resolve(ir.responsePlanArn)).toEqual({ 'Fn::GetAtt': [planId, 'Arn'] });
    expect(ir.responsePlan.name).toBe('checkout-page');
  });

  test('WHEN a chat topic and a runbook are given THEN the plan opens the chat channel and starts the runbook through a role that may pass only its assume role', () => {
    const stack = new Stack(testApp(), 'Incidents', { env: { region: 'us-east-1' } });
    const chat = new sns.Topic(stack, 'Chat');
    const runbooks = new FailoverRunbooks(stack, 'Runbooks', {
      tier: ServiceTier.TIER_1,
      loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/x/0123456789abcdef',
    });
    new IncidentResponse(stack, 'Response', {
      tier: ServiceTier.TIER_1,
      service: 'checkout',
      incidentCommander: IC,
      communicationsLead: COMMS,
      chatChannelTopic: chat,
      runbook: runbooks.startZonalShift,
    });
    const template = Template.fromStack(stack);
    const plan = Object.values(template.findResources('AWS::SSMIncidents::ResponsePlan'))[0].Properties;
    expect(plan.ChatChannel).toEqual({ ChatbotSns: [stack.resolve(chat.topicArn)] });
    expect(plan.Actions).toEqual([
      {
        SsmAutomation: {
          DocumentName: stack.resolve(runbooks.startZonalShift!.documentName),
          RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ResponseAutomationRole/), 'Arn'] },
          TargetAccount: 'RESPONSE_PLAN_OWNER_ACCOUNT',
        },
      },
    ]);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'PassRunbookRole',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: stack.resolve(runbooks.startZonalShift!.assumeRole.roleArn),
            Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
          },
        ]),
      },
    });
  });

  test('WHEN replication regions are given THEN a deletion-protected replication set exists before the plan', () => {
    const { template } = synth({ replicationRegions: ['us-east-1', 'us-west-2'] });
    template.hasResourceProperties('AWS::SSMIncidents::ReplicationSet', {
      Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'us-west-2' }],
      DeletionProtected: true,
    });
    const setId = Object.keys(template.findResources('AWS::SSMIncidents::ReplicationSet'))[0];
    template.hasResource('AWS::SSMIncidents::ResponsePlan', { DependsOn: [setId] });
    template.hasResource('AWS::SSMIncidents::ReplicationSet', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('WHEN replication regions are given THEN each contact waits for the replication set (SSM Contacts refuses one before it)', () => {
    const { template } = synth({ replicationRegions: ['us-east-1', 'us-west-2'] });
    const setId = Object.keys(template.findResources('AWS::SSMIncidents::ReplicationSet'))[0];
    const contacts = template.findResources('AWS::SSMContacts::Contact');
    expect(Object.values(contacts).map((c) => c.Properties.Alias)).toEqual(['ana-ic', 'bo-comms']);
    for (const contact of Object.values(contacts)) {
      expect(contact.DependsOn).toEqual([setId]);
    }
    // Channels and engagement plans name their contact's ARN, so CloudFormation creates them after it.
    for (const type of ['AWS::SSMContacts::ContactChannel', 'AWS::SSMContacts::Plan']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(Object.keys(contacts)).toContain(resource.Properties.ContactId['Fn::GetAtt'][0]);
      }
    }
  });

  test('WHEN the account already has a replication set THEN contacts depend on nothing', () => {
    const { template } = synth();
    for (const contact of Object.values(template.findResources('AWS::SSMContacts::Contact'))) {
      expect(contact.DependsOn).toBeUndefined();
    }
  });

  test('THEN the impact follows the strategy unless given', () => {
    const impact = (tier: ServiceTier, explicit?: number) =>
      Object.values(synth({ tier, impact: explicit }).template.findResources('AWS::SSMIncidents::ResponsePlan'))[0]
        .Properties.IncidentTemplate.Impact;
    expect(
      [ServiceTier.TIER_0, ServiceTier.TIER_1, ServiceTier.TIER_2, ServiceTier.TIER_3].map((t) => impact(t)),
    ).toEqual([1, 2, 3, 4]);
    expect(impact(ServiceTier.TIER_3, 1)).toBe(1);
  });

  test('THEN every resource carries the HA metadata record', () => {
    const { template } = synth();
    const ours = Object.entries(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    ).filter(([id]) => id.startsWith('Response'));
    expect(ours).toHaveLength(8);
    for (const [, resource] of ours) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'checkout',
        component: 'IncidentResponse',
      });
    }
  });

  test.each<[Partial<IncidentResponseProps>, string]>([
    [{ impact: 6 }, 'impact must be an integer from 1 (critical) to 5 (no impact), got: 6'],
    [
      { communicationsLead: { ...COMMS, alias: 'ana-ic' } },
      'incidentCommander and communicationsLead must be different contacts, got: ana-ic for both',
    ],
    [
      { incidentCommander: { ...IC, alias: 'Ana IC' } },
      'incidentCommander.alias must be 1 to 255 lowercase letters, digits, _ or -, got: "Ana IC"',
    ],
    [
      { communicationsLead: { alias: 'bo', displayName: 'Bo' } },
      'communicationsLead must have an email or an sms channel to be engaged, got: neither',
    ],
    [
      { incidentCommander: { ...IC, sms: '555-0100' } },
      'incidentCommander.sms must be an E.164 phone number (+15555550100), got: 555-0100',
    ],
    [
      { replicationRegions: ['us-west-2'] },
      "replicationRegions must include the stack's region us-east-1, got: us-west-2",
    ],
    [
      { replicationRegions: ['us-east-1', 'us-east-1'] },
      'replicationRegions must not repeat a region, got: us-east-1 more than once',
    ],
    [
      { replicationRegions: ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1'] },
      'replicationRegions must list 1 to 3 regions, got: 4',
    ],
    [
      { replicationRegions: ['us-east-1', 'eu-west-1'], allowedRegions: ['us-east-1', 'us-west-2'] },
      'replicationRegions must stay within allowedRegions (us-east-1, us-west-2), got: eu-west-1',
    ],
    [
      { replicationRegions: ['us-west-2', 'us-west-2'] },
      'replicationRegions must not repeat a region, got: us-west-2 more than once',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('THEN each channel is named after its contact and active at once, and the plan shows as the SLO page', () => {
    const { template } = synth();
    const channels = Object.values(template.findResources('AWS::SSMContacts::ContactChannel')).map((c) => c.Properties);
    expect(channels.map((c) => [c.ChannelName, c.ChannelType, c.DeferActivation])).toEqual([
      ['ana-ic-email', 'EMAIL', false],
      ['ana-ic-sms', 'SMS', false],
      ['bo-comms-email', 'EMAIL', false],
    ]);
    template.hasResourceProperties('AWS::SSMIncidents::ResponsePlan', { DisplayName: 'checkout: SLO page' });
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the incident response (beside the targeted assertions above)', () => {
    expect(haSnapshot(synth({ replicationRegions: ['us-east-1', 'us-west-2'] }).template.toJSON())).toMatchSnapshot();
  });
});
