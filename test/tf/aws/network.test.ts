import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Testing } from 'cdktf';
import { HA_METADATA_KEY, ServiceTier } from '../../../lib/core';
import { haSnapshot } from '../../../lib/testing/snapshot';
import { MultiAzNetwork, MultiAzNetworkProps } from '../../../lib/tf/aws/network';
import { awsStack, fullResourcesOf, resourcesOf, warningsOf } from './util';

Testing.setupJest();

const US_EAST_1 = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

function synth(props: MultiAzNetworkProps) {
  const { stack } = awsStack();
  const network = new MultiAzNetwork(stack, 'Network', props);
  return { stack, network, synthesized: Testing.synth(stack) };
}

describe('MultiAzNetwork (Terraform)', () => {
  test('GIVEN TIER_1 with three zones THEN public, private and isolated subnets exist in every zone', () => {
    const { synthesized } = synth({ tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    const subnets = Object.values(resourcesOf(synthesized, Subnet));
    const byType: Record<string, string[]> = {};
    for (const subnet of subnets) {
      (byType[subnet.tags['ha:subnet-type']] ??= []).push(subnet.availability_zone);
    }
    expect(byType).toEqual({ public: US_EAST_1, private: US_EAST_1, isolated: US_EAST_1 });
    expect(synthesized).toHaveResourceWithProperties(Vpc, { cidr_block: '10.0.0.0/16', enable_dns_hostnames: true });
    expect(synthesized).toHaveResourceWithProperties(Subnet, {
      cidr_block: '10.0.16.0/20',
      availability_zone: 'us-east-1a',
    });
    expect(synthesized).toHaveResourceWithProperties(Subnet, {
      cidr_block: '10.0.64.0/24',
      availability_zone: 'us-east-1a',
    });
  });

  test('THEN every AZ has its own NAT gateway and each private subnet routes through its own', () => {
    const { synthesized } = synth({ tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    expect(Object.keys(resourcesOf(synthesized, NatGateway))).toHaveLength(3);
    const natRoutes = Object.values(resourcesOf(synthesized, Route)).filter((r) => r.nat_gateway_id);
    expect(natRoutes.map((r) => r.nat_gateway_id)).toEqual([
      '${aws_nat_gateway.Network_Nat1_76794985.id}',
      '${aws_nat_gateway.Network_Nat2_ECB00914.id}',
      '${aws_nat_gateway.Network_Nat3_475B7DA6.id}',
    ]);
  });

  test('THEN flow logs go to a KMS-encrypted log group with the tier retention, deletion protection and prevent_destroy', () => {
    const { synthesized } = synth({ tier: ServiceTier.TIER_3, availabilityZones: ['us-east-1a', 'us-east-1b'] });
    expect(synthesized).toHaveResourceWithProperties(FlowLog, {
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      retention_in_days: 365,
      deletion_protection_enabled: true,
      kms_key_id: '${aws_kms_key.Network_FlowLogKey_88E74685.arn}',
      lifecycle: { prevent_destroy: true },
    });
    expect(synthesized).toHaveResourceWithProperties(KmsKey, {
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('THEN S3 and DynamoDB gateway endpoints exist', () => {
    const { synthesized } = synth({ tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    expect(synthesized).toHaveResourceWithProperties(VpcEndpoint, {
      vpc_endpoint_type: 'Gateway',
      service_name: 'com.amazonaws.${data.aws_region.Network_Account_Region_D53A3B75.region}.s3',
    });
  });

  test('THEN resources carry the HA metadata as tags and in the // block', () => {
    const { stack } = synth({ tier: ServiceTier.TIER_1, service: 'checkout', availabilityZones: US_EAST_1 });
    const vpc = Object.values(fullResourcesOf(stack, Vpc))[0];
    expect(vpc.tags).toEqual(
      expect.objectContaining({ 'ha:service': 'checkout', 'ha:tier': 'TIER_1', 'ha:component': 'MultiAzNetwork' }),
    );
    expect(vpc['//'][HA_METADATA_KEY]).toEqual(
      expect.objectContaining({ service: 'checkout', failureDomain: 'region', role: 'primary' }),
    );
    expect(vpc['//'].metadata.path).toBe('test/Network/Vpc');
  });

  test('WHEN natGateways is lowered for a statically stable tier THEN it warns', () => {
    const { stack } = synth({ tier: ServiceTier.TIER_0, availabilityZones: US_EAST_1, natGateways: 1 });
    expect(warningsOf(stack)).toEqual([
      expect.stringContaining('[ha-constructs:MultiAzNetwork.natGateways] natGateways is 1 for 3 AZs'),
    ]);
  });

  test.each([
    [
      { availabilityZones: ['us-east-1a', 'us-east-1b'] },
      'availabilityZones must list at least 3 zones for TIER_1, got: 2 (us-east-1a, us-east-1b)',
    ],
    [
      { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-west-2a'] },
      "availabilityZones must all be in the stack's region us-east-1, got: us-west-2a",
    ],
    [
      { availabilityZones: US_EAST_1, natGateways: 4 },
      'natGateways must be an integer from 1 to the AZ count (3), got: 4',
    ],
    [
      { availabilityZones: US_EAST_1, privateCidrMask: 30 },
      'privateCidrMask must be an integer from 16 to 28 (the sizes a VPC subnet may have), got: 30',
    ],
    [
      { availabilityZones: US_EAST_1, flowLogRetentionDays: 10 },
      expect.stringMatching(/^flowLogRetentionDays must be one of 1, 3, .*, got: 10$/),
    ],
    [
      { availabilityZones: US_EAST_1, cidrBlock: '10.0.0.0/24' },
      'cidrBlock 10.0.0.0/24 is too small for the subnets asked (/24, /24, /24, /20, /20, /20, /24, /24, /24), got: 10.0.0.0/24',
    ],
  ])('GIVEN bad props %j THEN a clear Error', (extra, message) => {
    expect(() => synth({ tier: ServiceTier.TIER_1, ...extra })).toThrow(expect.objectContaining({ message }));
  });

  test('WHEN no zones are given THEN the first tier.minAzs available zones are read at plan time', () => {
    const { network, synthesized } = synth({ tier: ServiceTier.TIER_2 });
    expect(network.availabilityZones).toHaveLength(2);
    expect(synthesized).toHaveResourceWithProperties(Subnet, {
      availability_zone: '${element(data.aws_availability_zones.Network_Zones_73A0D929.names, 0)}',
    });
  });

  test('THEN the address plan is /24 public, /20 private and /24 isolated, and no subnet assigns public IPs', () => {
    const { synthesized } = synth({ tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    const subnets = Object.values(resourcesOf(synthesized, Subnet));
    const cidrs: Record<string, string[]> = {};
    for (const subnet of subnets) {
      (cidrs[subnet.tags['ha:subnet-type']] ??= []).push(subnet.cidr_block);
    }
    expect(cidrs).toEqual({
      public: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
      private: ['10.0.16.0/20', '10.0.32.0/20', '10.0.48.0/20'],
      isolated: ['10.0.64.0/24', '10.0.65.0/24', '10.0.66.0/24'],
    });
    const publicSubnets = subnets.filter((s) => s.tags['ha:subnet-type'] === 'public');
    expect(publicSubnets.map((s) => s.map_public_ip_on_launch)).toEqual([false, false, false]);
  });

  test('THEN the default security group is emptied, and the gateway endpoints serve every route table', () => {
    const { synthesized } = synth({ tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    const [group] = Object.values(resourcesOf(synthesized, DefaultSecurityGroup));
    expect(group.vpc_id).toMatch(/^\$\{aws_vpc\.Network_Vpc_/);
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
    const table = (id: string) => id.replace(/^.*Network_(\w+)Routes_.*$/, '$1');
    for (const endpoint of Object.values(resourcesOf(synthesized, VpcEndpoint))) {
      expect(endpoint.route_table_ids.map(table)).toEqual(['Private1', 'Private2', 'Private3', 'Public', 'Isolated']);
    }
    expect(synthesized).toHaveResourceWithProperties(Route, {
      destination_cidr_block: '0.0.0.0/0',
      gateway_id: expect.stringMatching(/Network_InternetGateway_/),
    });
  });

  test('THEN VPC Flow Logs of this account deliver through a role that may write only to the flow log group', () => {
    const { synthesized } = synth({ tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    const trust = JSON.parse(Object.values(resourcesOf(synthesized, IamRole))[0].assume_role_policy);
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': expect.any(String) } },
      }),
    ]);
    const group = '${aws_cloudwatch_log_group.Network_FlowLogs_AA56CF75.arn}';
    expect(JSON.parse(Object.values(resourcesOf(synthesized, IamRolePolicy))[0].policy).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [group, `${group}:*`],
      },
    ]);
    expect(synthesized).toHaveResourceWithProperties(FlowLog, {
      log_destination: group,
      iam_role_arn: expect.stringMatching(/Network_FlowLogRole_/),
    });
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('HA snapshot', () => {
    const { stack } = synth({ tier: ServiceTier.TIER_1, availabilityZones: US_EAST_1 });
    expect(haSnapshot(stack.toTerraform())).toMatchSnapshot();
  });
});
