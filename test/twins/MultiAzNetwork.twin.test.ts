import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';
import { MultiAzNetwork } from '../../lib/aws/network';
import { planNetwork, ServiceTier } from '../../lib/core';
import { MultiAzNetwork as TfMultiAzNetwork } from '../../lib/tf/aws/network';
import { cdkResources, CfnResource, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * MultiAzNetwork on CloudFormation and on Terraform, from one intent: the same zones, subnet CIDRs,
 * NAT gateways (how many, in which zones), flow-log retention and traffic, and endpoints, all from
 * core's planNetwork.
 */

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'];
const INTERFACE = {
  ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
  secretsmanager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
};

const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    extraZones: fc.integer({ min: 0, max: 1 }),
    namedZones: fc.boolean(),
    natDrop: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    cidr: fc.option(fc.constantFrom('10.20.0.0/16', '172.16.0.0/17'), { nil: undefined }),
    masks: fc.option(
      fc.tuple(fc.integer({ min: 22, max: 27 }), fc.integer({ min: 20, max: 24 }), fc.integer({ min: 22, max: 27 })),
      { nil: undefined },
    ),
    retention: fc.option(fc.constantFrom(30, 90, 365), { nil: undefined }),
    endpoints: fc.subarray(['ssm', 'secretsmanager'] as const),
  })
  .map((p) => {
    const count = p.namedZones ? p.tier.minAzs + p.extraZones : p.tier.minAzs;
    return {
      ...p,
      zones: p.namedZones ? ZONES.slice(0, count) : undefined,
      count,
      natGateways: p.natDrop === undefined ? undefined : Math.max(1, count - p.natDrop),
    };
  });
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of one network, read from either output. */
interface NetworkValues {
  readonly zones: readonly unknown[];
  /** Per kind, the subnets' CIDRs in zone order. */
  readonly subnets: Record<string, readonly string[]>;
  /** The public subnet CIDR of each NAT gateway. */
  readonly natSubnets: readonly string[];
  readonly retention: unknown;
  readonly trafficType: unknown;
  readonly gatewayEndpoints: readonly string[];
  /** Per gateway endpoint, the kinds of subnet whose route tables reach it. */
  readonly gatewayEndpointSubnets: readonly string[][];
  readonly interfaceEndpoints: readonly string[];
}

/** The service short name at the end of an endpoint's service name (`com.amazonaws.<region>.s3`), whatever its form. */
function serviceOf(name: unknown): string {
  return /\.([a-z0-9-]+)[^a-z0-9.-]*$/.exec(JSON.stringify(name))![1];
}

/** The kinds of subnet whose route tables a list of route-table references names, sorted. */
function kindsOf(routeTables: unknown, pattern: RegExp): string[] {
  return [
    ...new Set((routeTables as unknown[]).map((ref) => pattern.exec(JSON.stringify(ref))![1].toLowerCase())),
  ].sort();
}

function props(p: Intent) {
  const masks = p.masks && { publicCidrMask: p.masks[0], privateCidrMask: p.masks[1], isolatedCidrMask: p.masks[2] };
  return {
    tier: p.tier,
    availabilityZones: p.zones,
    natGateways: p.natGateways,
    flowLogRetentionDays: p.retention,
    ...masks,
  };
}

function cdkValues(p: Intent): NetworkValues {
  const resources = cdkResources(
    (stack) =>
      new MultiAzNetwork(stack, 'Network', {
        ...props(p),
        ipAddresses: p.cidr === undefined ? undefined : ec2.IpAddresses.cidr(p.cidr),
        interfaceEndpoints: p.endpoints.map((name) => INTERFACE[name]),
      }),
  );
  const subnets = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::EC2::Subnet');
  const kindOf = (r: CfnResource) =>
    String(
      (r.Properties.Tags as { Key: string; Value: string }[]).find((t) => t.Key === 'aws-cdk:subnet-type')!.Value,
    ).toLowerCase();
  const byKind = (kind: string) =>
    subnets.filter(([, r]) => kindOf(r) === kind).map(([, r]) => String(r.Properties.CidrBlock));
  const endpoints = cfnOfType(resources, 'AWS::EC2::VPCEndpoint');
  return {
    zones: subnets.filter(([, r]) => kindOf(r) === 'public').map(([, r]) => r.Properties.AvailabilityZone),
    subnets: { public: byKind('public'), private: byKind('private'), isolated: byKind('isolated') },
    natSubnets: cfnOfType(resources, 'AWS::EC2::NatGateway').map((n) =>
      String(resources[(n.SubnetId as { Ref: string }).Ref].Properties.CidrBlock),
    ),
    retention: cfnOfType(resources, 'AWS::Logs::LogGroup')[0].RetentionInDays,
    trafficType: cfnOfType(resources, 'AWS::EC2::FlowLog')[0].TrafficType,
    gatewayEndpoints: endpoints.filter((e) => e.VpcEndpointType !== 'Interface').map((e) => serviceOf(e.ServiceName)),
    gatewayEndpointSubnets: endpoints
      .filter((e) => e.VpcEndpointType !== 'Interface')
      .map((e) => kindsOf(e.RouteTableIds, /(Public|Private|Isolated)Subnet/)),
    interfaceEndpoints: endpoints.filter((e) => e.VpcEndpointType === 'Interface').map((e) => serviceOf(e.ServiceName)),
  };
}

function tfValues(p: Intent): NetworkValues {
  const json = tfJson(
    (stack) =>
      new TfMultiAzNetwork(stack, 'Network', {
        ...props(p),
        cidrBlock: p.cidr,
        interfaceEndpoints: [...p.endpoints],
      }),
  );
  const subnetsByName = (json.resource as Record<string, Record<string, Record<string, unknown>>>).aws_subnet;
  const subnets = Object.values(subnetsByName);
  const byKind = (kind: string) =>
    subnets
      .filter((s) => (s.tags as Record<string, string>)['ha:subnet-type'] === kind)
      .map((s) => String(s.cidr_block));
  const endpoints = tfOfType(json, 'aws_vpc_endpoint');
  return {
    zones: subnets
      .filter((s) => (s.tags as Record<string, string>)['ha:subnet-type'] === 'public')
      .map((s) => s.availability_zone),
    subnets: { public: byKind('public'), private: byKind('private'), isolated: byKind('isolated') },
    natSubnets: tfOfType(json, 'aws_nat_gateway').map((n) =>
      String(subnetsByName[/aws_subnet\.([^.]+)\.id/.exec(String(n.subnet_id))![1]].cidr_block),
    ),
    retention: tfOfType(json, 'aws_cloudwatch_log_group')[0].retention_in_days,
    trafficType: tfOfType(json, 'aws_flow_log')[0].traffic_type,
    gatewayEndpoints: endpoints.filter((e) => e.vpc_endpoint_type === 'Gateway').map((e) => serviceOf(e.service_name)),
    gatewayEndpointSubnets: endpoints
      .filter((e) => e.vpc_endpoint_type === 'Gateway')
      .map((e) => kindsOf(e.route_table_ids, /_(Public|Private|Isolated)\d*Routes_/)),
    interfaceEndpoints: endpoints
      .filter((e) => e.vpc_endpoint_type === 'Interface')
      .map((e) => serviceOf(e.service_name)),
  };
}

test.each(intents(intent).map((p, i) => [i, p] as const))(
  'intent %i: the CDK network and its Terraform twin render the same plan',
  (_, p) => {
    const cdk = cdkValues(p);
    const tf = tfValues(p);
    // Looked-up zones are each engine's own token (Fn::GetAZs, aws_availability_zones): compare how many.
    expect(p.zones ? tf : { ...tf, zones: tf.zones.length }).toEqual(
      p.zones ? cdk : { ...cdk, zones: cdk.zones.length },
    );
    // And the values are the plan's, not defaults that happen to agree.
    const plan = planNetwork(p.tier, {
      ...props(p),
      cidrBlock: p.cidr,
      cidrGiven: p.cidr !== undefined,
      cidrProp: 'cidrBlock',
      interfaceEndpoints: p.endpoints,
    });
    expect(plan.problems).toEqual([]);
    expect(cdk.subnets).toEqual({
      public: plan.zones.map((z) => z.publicCidr),
      private: plan.zones.map((z) => z.privateCidr),
      isolated: plan.zones.map((z) => z.isolatedCidr),
    });
    expect(cdk.natSubnets).toEqual(plan.zones.filter((z) => z.natGateway).map((z) => z.publicCidr));
    expect(cdk.zones).toHaveLength(p.count);
    expect(cdk.retention).toBe(p.retention ?? p.tier.logRetentionDays);
    expect(cdk.gatewayEndpoints).toEqual(['s3', 'dynamodb']);
    expect(cdk.gatewayEndpointSubnets).toEqual([
      [...plan.gatewayEndpointSubnets].sort(),
      [...plan.gatewayEndpointSubnets].sort(),
    ]);
    expect(cdk.interfaceEndpoints).toEqual(p.endpoints);
  },
);

test('the sample covers every tier, named and looked-up zones, fewer NAT gateways, a range, masks and endpoints of the user', () => {
  const sample = intents(intent);
  expect(new Set(sample.map((p) => p.tier.name))).toEqual(new Set(ServiceTier.BUILT_IN.map((t) => t.name)));
  expect(sample.some((p) => p.zones) && sample.some((p) => !p.zones)).toBe(true);
  expect(sample.some((p) => p.natGateways !== undefined && p.natGateways < p.count)).toBe(true);
  expect(sample.some((p) => p.cidr) && sample.some((p) => p.masks) && sample.some((p) => p.endpoints.length > 0)).toBe(
    true,
  );
});
