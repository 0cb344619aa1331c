import { Stack, Tags, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { attachHaMetadata } from '../../lib/aws/metadata';
import { acknowledgeFindings } from '../../lib/aws/private/nag';
import { FailureDomain, HA_METADATA_KEY, HaRole, parseHaMetadata, ServiceTier } from '../../lib/core';
import { testApp } from '../util';

type Resources = Record<
  string,
  { Type: string; Metadata?: Record<string, unknown>; Properties?: Record<string, unknown> }
>;

function stack(): Stack {
  return new Stack(testApp(), 'Meta', { env: { region: 'us-east-1' } });
}

function tagsOf(resource: { Properties?: Record<string, unknown> }): Record<string, string> {
  const tags = (resource.Properties?.Tags ?? []) as { Key: string; Value: string }[];
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
}

describe('attachHaMetadata', () => {
  test('GIVEN a built-in tier THEN every resource carries the record without objectives, and reading it back restores them', () => {
    const s = stack();
    new sns.Topic(s, 'Topic');
    attachHaMetadata(
      s,
      { tier: ServiceTier.TIER_1, service: 'orders' },
      { component: 'Mine', failureDomain: FailureDomain.REGION },
    );
    const resources = Template.fromStack(s).toJSON().Resources as Resources;
    const [topic] = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::Topic');
    expect(topic.Metadata?.[HA_METADATA_KEY]).toEqual({
      version: 2,
      service: 'orders',
      tier: 'TIER_1',
      strategy: 'WARM_STANDBY',
      role: 'primary',
      failureDomain: 'region',
      component: 'Mine',
    });
    expect(parseHaMetadata(topic.Metadata?.[HA_METADATA_KEY])?.objectives).toEqual(ServiceTier.TIER_1.toObjectives());
    expect(tagsOf(topic)).toEqual({
      'ha:service': 'orders',
      'ha:tier': 'TIER_1',
      'ha:strategy': 'WARM_STANDBY',
      'ha:role': 'primary',
      'ha:component': 'Mine',
    });
  });

  test('GIVEN a placement group and a launch template THEN no ha:role tag: a role swap must not replace or roll them', () => {
    const s = stack();
    new ec2.CfnPlacementGroup(s, 'Placement', { strategy: 'spread' });
    new ec2.LaunchTemplate(s, 'Template', { machineImage: ec2.MachineImage.latestAmazonLinux2023() });
    new sns.Topic(s, 'Topic');
    const props = { tier: ServiceTier.TIER_1, service: 'orders', role: HaRole.STANDBY };
    attachHaMetadata(s, props, { component: 'Mine', failureDomain: FailureDomain.REGION });
    const resources = Object.values(Template.fromStack(s).toJSON().Resources as Resources);
    const byType = (type: string) => resources.find((r) => r.Type === type)!;
    expect(tagsOf(byType('AWS::EC2::PlacementGroup'))).toEqual({
      'ha:service': 'orders',
      'ha:tier': 'TIER_1',
      'ha:strategy': 'WARM_STANDBY',
      'ha:component': 'Mine',
    });
    const specifications = JSON.stringify(byType('AWS::EC2::LaunchTemplate').Properties);
    expect(specifications).toContain('"Key":"ha:service","Value":"orders"');
    expect(specifications).not.toContain('ha:role');
    // The record keeps the role, and other resources its tag.
    expect(byType('AWS::EC2::PlacementGroup').Metadata?.[HA_METADATA_KEY]).toMatchObject({ role: 'standby' });
    expect(tagsOf(byType('AWS::SNS::Topic'))['ha:role']).toBe('standby');
  });

  test('GIVEN a nested construct that attached its record first THEN the outer call keeps its record and its tags', () => {
    const s = stack();
    const inner = new Construct(s, 'Inner');
    new sns.Topic(inner, 'Replica');
    attachHaMetadata(
      inner,
      { tier: ServiceTier.TIER_1, service: 'orders' },
      { component: 'Inner', failureDomain: FailureDomain.REGION, role: HaRole.REPLICA },
    );
    new sns.Topic(s, 'Own');
    attachHaMetadata(
      s,
      { tier: ServiceTier.TIER_1, service: 'orders' },
      { component: 'Outer', failureDomain: FailureDomain.REGION },
    );
    const topics = Object.entries(Template.fromStack(s).toJSON().Resources as Resources).filter(
      ([, r]) => r.Type === 'AWS::SNS::Topic',
    );
    const byId = Object.fromEntries(topics.map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r]));
    expect(tagsOf(byId.InnerReplica)['ha:component']).toBe('Inner');
    expect(tagsOf(byId.InnerReplica)['ha:role']).toBe('replica');
    expect((byId.InnerReplica.Metadata?.[HA_METADATA_KEY] as { component: string }).component).toBe('Inner');
    expect(tagsOf(byId.Own)['ha:component']).toBe('Outer');
  });

  test('GIVEN a higher-level construct that renders tags itself (a launch template) THEN its tag specifications carry the ha:* tags', () => {
    const s = stack();
    new ec2.LaunchTemplate(s, 'Template', {
      machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
    });
    attachHaMetadata(
      s,
      { tier: ServiceTier.TIER_2, service: 'orders' },
      { component: 'Mine', failureDomain: FailureDomain.ZONE },
    );
    const [template] = Object.values(Template.fromStack(s).toJSON().Resources as Resources).filter(
      (r) => r.Type === 'AWS::EC2::LaunchTemplate',
    );
    const specifications = (
      template.Properties?.LaunchTemplateData as {
        TagSpecifications: { ResourceType: string; Tags: { Key: string; Value: string }[] }[];
      }
    ).TagSpecifications;
    expect(specifications.map((spec) => spec.ResourceType).sort()).toEqual(['instance', 'volume']);
    for (const spec of specifications) {
      expect(spec.Tags).toContainEqual({ Key: 'ha:service', Value: 'orders' });
    }
  });

  test('GIVEN a resource added below the scope after the call THEN it gets the record and tags of the nearest scope at synthesis', () => {
    const s = stack();
    const outer = new Construct(s, 'Outer');
    const inner = new Construct(outer, 'Inner');
    attachHaMetadata(
      inner,
      { tier: ServiceTier.TIER_1, service: 'orders' },
      { component: 'Inner', failureDomain: FailureDomain.REGION },
    );
    attachHaMetadata(
      outer,
      { tier: ServiceTier.TIER_1, service: 'orders' },
      { component: 'Outer', failureDomain: FailureDomain.REGION },
    );
    new sns.Topic(inner, 'Late');
    new sns.Topic(outer, 'AlsoLate');
    new sns.Topic(s, 'Unrelated');
    const topics = Object.entries(Template.fromStack(s).toJSON().Resources as Resources).filter(
      ([, r]) => r.Type === 'AWS::SNS::Topic',
    );
    const byId = Object.fromEntries(topics.map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r]));
    expect((byId.OuterInnerLate.Metadata?.[HA_METADATA_KEY] as { component: string }).component).toBe('Inner');
    expect(tagsOf(byId.OuterInnerLate)['ha:component']).toBe('Inner');
    expect((byId.OuterAlsoLate.Metadata?.[HA_METADATA_KEY] as { component: string }).component).toBe('Outer');
    expect(byId.Unrelated.Metadata?.[HA_METADATA_KEY]).toBeUndefined();
    expect(tagsOf(byId.Unrelated)).toEqual({});
  });

  test("GIVEN the user's own Tags.of on a ha:* key THEN the user's value wins, as with any aspect-applied tag", () => {
    const s = stack();
    new sns.Topic(s, 'Topic');
    attachHaMetadata(
      s,
      { tier: ServiceTier.TIER_1, service: 'orders' },
      { component: 'Mine', failureDomain: FailureDomain.REGION },
    );
    Tags.of(s).add('ha:service', 'orders-eu');
    const [topic] = Object.values(Template.fromStack(s).toJSON().Resources as Resources).filter(
      (r) => r.Type === 'AWS::SNS::Topic',
    );
    expect(tagsOf(topic)['ha:service']).toBe('orders-eu');
  });
});

describe('acknowledgeFindings', () => {
  test('GIVEN several findings THEN each is recorded as Validations.acknowledge records it, and the stack trace limit is restored', () => {
    const s = stack();
    const topic = new sns.Topic(s, 'Topic');
    const limit = Error.stackTraceLimit;
    acknowledgeFindings(
      topic,
      { id: 'AwsSolutions-SNS3', reason: 'first' },
      { id: 'NIST.800.53.R5-SNSEncryptedKMS', reason: 'second' },
    );
    expect(Error.stackTraceLimit).toBe(limit);
    const recorded = topic.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map((m) => m.data as Record<string, string>);
    const ids = recorded.flatMap((data) => Object.keys(data));
    expect(ids).toHaveLength(2);
    expect(ids.some((id) => id.endsWith('AwsSolutions-SNS3'))).toBe(true);
    expect(ids.some((id) => id.endsWith('NIST.800.53.R5-SNSEncryptedKMS'))).toBe(true);
    expect(recorded.flatMap((data) => Object.values(data)).sort()).toEqual(['first', 'second']);
  });

  test('GIVEN an acknowledgement that throws (an id with two namespaces) THEN the stack trace limit is restored all the same', () => {
    const limit = Error.stackTraceLimit;
    expect(() => acknowledgeFindings(new sns.Topic(stack(), 'Topic'), { id: 'a::b::c', reason: 'x' })).toThrow();
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
