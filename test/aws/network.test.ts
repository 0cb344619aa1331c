import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HA_METADATA_KEY, MultiAzNetwork, MultiAzNetworkProps, ServiceTier } from '../../lib';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectValidationError, testApp } from '../util';

const US_EAST_1 = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

function synth(props: MultiAzNetworkProps, region = 'us-east-1') {
  const stack = new Stack(testApp(), 'Net', { env: { region } });
  const network = new MultiAzNetwork(stack, 'Network', props);
  return { stack, network, template: Template.fromStack(stack) };
}

function subnetZones(template: Template): Record<string, string[]> {
  const byTier: Record<string, string[]> = {};
  for (const subnet of Object.values(template.findResources('AWS::EC2::Subnet'))) {
    const tags = subnet.Properties.Tags as { Key: string; Value: string }[];
    const type = tags.find((t) => t.Key === 'aws-cdk:subnet-name')!.Value;
    (byTier[type] ??= []).push(subnet.Properties.AvailabilityZone);
  }
  return byTier;
}

describe('MultiAzNetwork', () => {
  test('GIVEN TIER_0 with three zones THEN public, private and isolated subnets exist in every zone', () => {
    const { template, network } = synth({ tier: ServiceTier.TIER_0, availabilityZones: US_EAST_1 });
    expect(subnetZones(template)).toEqual({ Public: US_EAST_1, Private: US_EAST_1, Isolated: US_EAST_1 });
    expect(network.availabilityZones).toEqual(US_EAST_1);
  });

  test('THEN every AZ has its own NAT gateway and each private subnet routes through its own', () => {
    const { template } = synth({ tier: ServiceTier.TIER_0, availabilityZones: US_EAST_1 });
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
    const nats = template.findResources('AWS::EC2::NatGateway');
    const natIds = Object.keys(nats);
    const routes = Object.values(
      template.findResources('AWS::EC2::Route', { Properties: { NatGatewayId: Match.anyValue() } }),
    );
    expect(routes).toHaveLength(3);
    expect(new Set(routes.map((r) => r.Properties.NatGatewayId.Ref))).toEqual(new Set(natIds));
  });

  test('WHEN no zones are given THEN the tier minimum is taken from Fn::GetAZs', () => {
    const { template, network } = synth({ tier: ServiceTier.TIER_2 });
    expect(network.availabilityZones).toHaveLength(2);
    expect(subnetZones(template).Private).toEqual([
      { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] },
    ]);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  test('THEN flow logs capture all traffic into a KMS-encrypted log group with the tier retention, retained on delete', () => {
    const { template } = synth({ tier: ServiceTier.TIER_3, availabilityZones: ['us-east-1a', 'us-east-1b'] });
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('THEN the key lets CloudWatch Logs of this region use it, scoped to this account', () => {
    const { template } = synth({ tier: ServiceTier.TIER_0, availabilityZones: US_EAST_1 });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsOfThisAccount',
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  test('THEN the default security group is restricted and S3 and DynamoDB gateway endpoints exist', () => {
    const { template } = synth({ tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    const endpoints = Object.values(
      template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }),
    );
    const services = endpoints.map((e) => JSON.stringify(e.Properties.ServiceName));
    expect(services.some((s) => s.includes('.s3'))).toBe(true);
    expect(services.some((s) => s.includes('.dynamodb'))).toBe(true);
  });

  test('WHEN interface endpoints are asked for THEN each gets private DNS', () => {
    const { template } = synth({
      tier: ServiceTier.TIER_1,
      availabilityZones: US_EAST_1,
      interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
  });

  test('THEN every resource carries the HA metadata record and ha:* tags', () => {
    const { template } = synth({ tier: ServiceTier.TIER_1, service: 'checkout', availabilityZones: US_EAST_1 });
    // The stack-wide custom-resource provider that restricts default security groups is shared, not ours.
    const resources = Object.entries(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    )
      .filter(([logicalId]) => logicalId.startsWith('Network'))
      .map(([, resource]) => resource);
    expect(resources.length).toBeGreaterThan(30);
    for (const resource of resources) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'checkout',
        tier: 'TIER_1',
        component: 'MultiAzNetwork',
        role: 'primary',
        failureDomain: 'region',
      });
    }
    template.hasResourceProperties('AWS::EC2::VPC', {
      Tags: Match.arrayWith([
        { Key: 'ha:service', Value: 'checkout' },
        { Key: 'ha:strategy', Value: 'WARM_STANDBY' },
        { Key: 'ha:tier', Value: 'TIER_1' },
      ]),
    });
  });

  test('WHEN natGateways is lowered for TIER_1 THEN a warning with a stable id is emitted', () => {
    const { stack, template } = synth({ tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1, natGateways: 1 });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    Annotations.fromStack(stack).hasWarning(
      '/Net/Network',
      Match.stringLikeRegexp(
        'natGateways is 1 for 3 AZs: private subnets in an AZ without its own NAT gateway lose egress .*ha-constructs:MultiAzNetwork.natGateways',
      ),
    );
  });

  test('WHEN natGateways is lowered for TIER_3 THEN there is no warning (the tier does not promise static stability)', () => {
    const { stack } = synth({
      tier: ServiceTier.TIER_3,
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      natGateways: 1,
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test.each<[Partial<MultiAzNetworkProps>, string]>([
    [
      { availabilityZones: ['us-east-1a', 'us-east-1b'] },
      'availabilityZones must list at least 3 zones for TIER_0, got: 2 (us-east-1a, us-east-1b)',
    ],
    [
      { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1b'] },
      'availabilityZones must not repeat a zone, got: us-east-1b more than once',
    ],
    [
      { availabilityZones: ['us-east-1a', 'us-east-1b', 'eu-west-1a'] },
      "availabilityZones must all be in the stack's region us-east-1, got: eu-west-1a",
    ],
    [
      { availabilityZones: US_EAST_1, natGateways: 0 },
      'natGateways must be an integer from 1 to the AZ count (3), got: 0',
    ],
    [
      { availabilityZones: US_EAST_1, natGateways: 4 },
      'natGateways must be an integer from 1 to the AZ count (3), got: 4',
    ],
    [
      { availabilityZones: US_EAST_1, privateCidrMask: 29 },
      'privateCidrMask must be an integer from 16 to 28 (the sizes a VPC subnet may have), got: 29',
    ],
    [
      { availabilityZones: US_EAST_1, ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/24') },
      'ipAddresses 10.0.0.0/24 is too small for the subnets asked (/24, /24, /24, /20, /20, /20, /24, /24, /24), got: 10.0.0.0/24',
    ],
    [
      { availabilityZones: US_EAST_1, flowLogRetentionDays: 45 },
      'flowLogRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got: 45',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth({ tier: ServiceTier.TIER_0, ...override }), message);
  });

  test('THEN a /16 holds /24 public, /20 private and /24 isolated subnets, none assigning public IPs', () => {
    const { template } = synth({ tier: ServiceTier.TIER_0, availabilityZones: US_EAST_1 });
    template.hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: '10.0.0.0/16',
      EnableDnsHostnames: true,
      EnableDnsSupport: true,
    });
    const cidrs: Record<string, string[]> = {};
    for (const subnet of Object.values(template.findResources('AWS::EC2::Subnet'))) {
      const tags = subnet.Properties.Tags as { Key: string; Value: string }[];
      const type = tags.find((t) => t.Key === 'aws-cdk:subnet-name')!.Value;
      (cidrs[type] ??= []).push(subnet.Properties.CidrBlock);
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
    expect(cidrs).toEqual({
      Public: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
      Private: ['10.0.16.0/20', '10.0.32.0/20', '10.0.48.0/20'],
      Isolated: ['10.0.64.0/24', '10.0.65.0/24', '10.0.66.0/24'],
    });
  });

  test('THEN public subnets route to the internet gateway, and the gateway endpoints serve every route table', () => {
    const { template } = synth({ tier: ServiceTier.TIER_0, availabilityZones: US_EAST_1 });
    const igw = Object.keys(template.findResources('AWS::EC2::InternetGateway'))[0];
    const internetRoutes = template.findResources('AWS::EC2::Route', { Properties: { GatewayId: { Ref: igw } } });
    expect(Object.values(internetRoutes)).toHaveLength(3);
    const tables = Object.keys(template.findResources('AWS::EC2::RouteTable')).sort();
    expect(tables).toHaveLength(9);
    for (const endpoint of Object.values(template.findResources('AWS::EC2::VPCEndpoint'))) {
      expect((endpoint.Properties.RouteTableIds as { Ref: string }[]).map((t) => t.Ref).sort()).toEqual(tables);
    }
  });

  test('THEN the flow log role may only write to its log group', () => {
    const { template } = synth({ tier: ServiceTier.TIER_0, availabilityZones: US_EAST_1 });
    const [logGroup] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'vpc-flow-logs.amazonaws.com' } })],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::EC2::FlowLog', { LogGroupName: { Ref: logGroup } });
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the TIER_0 network (beside the targeted assertions above)', () => {
    const { template } = synth({ tier: ServiceTier.TIER_0, service: 'snapshot', availabilityZones: US_EAST_1 });
    expect(haSnapshot(template.toJSON())).toMatchSnapshot();
  });
});
