import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { CLOUDWATCH_LOG_RETENTION_DAYS, HaRole, ServiceTier } from '../../lib/core';

/** Zone names of the proof regions (enough for any tier's minimum and then some). */
export const ZONES: Record<string, string[]> = {
  'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'],
  'us-west-2': ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-west-2d'],
  'eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
};

/** Regions other than the proof stacks' us-east-1. */
export const OTHER_REGIONS = ['us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];

/** A tier with a zone count it allows (its minimum up to four zones). */
export const anyTierAndZones: fc.Arbitrary<{ tier: ServiceTier; zones: string[] }> = fc
  .constantFrom(...ServiceTier.BUILT_IN)
  .chain((tier) =>
    fc.integer({ min: tier.minAzs, max: 4 }).map((count) => ({ tier, zones: ZONES['us-east-1'].slice(0, count) })),
  );

/** Roles of a construct in a single-region proof stack. */
export const anyRole: fc.Arbitrary<HaRole | undefined> = fc.constantFrom(undefined, HaRole.PRIMARY);

/** A CloudWatch Logs retention (one of the values the service accepts). */
export const anyLogRetention: fc.Arbitrary<number> = fc.constantFrom(...CLOUDWATCH_LOG_RETENTION_DAYS);

/** A day count CloudWatch Logs does not accept: between two accepted ones, or below 1. */
export const badLogRetention: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 0 }),
  fc.integer({ min: 2, max: 3653 }).filter((d) => !CLOUDWATCH_LOG_RETENTION_DAYS.includes(d)),
  fc.double({ min: 1.01, max: 3652.9, noNaN: true }).filter((d) => !Number.isInteger(d)),
);

/** A number that is not a positive integer: zero, negative, fractional, NaN or infinite. */
export const notPositiveInteger: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1_000_000, max: 0 }),
  fc.double({ min: 0.01, max: 1e6, noNaN: true }).filter((d) => !Number.isInteger(d)),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
);

/**
 * An imported VPC (no resources of its own, so the template holds only the construct under
 * proof) with public, private and isolated subnets in each of `zones`.
 */
export function importedVpc(scope: Construct, zones: string[]): ec2.IVpc {
  const ids = (kind: string) => zones.map((_, i) => `subnet-${kind}${String(i).padStart(8, '0')}`);
  return ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: zones,
    publicSubnetIds: ids('a'),
    privateSubnetIds: ids('b'),
    isolatedSubnetIds: ids('c'),
    publicSubnetRouteTableIds: ids('a').map((id) => id.replace('subnet-', 'rtb-')),
    privateSubnetRouteTableIds: ids('b').map((id) => id.replace('subnet-', 'rtb-')),
    isolatedSubnetRouteTableIds: ids('c').map((id) => id.replace('subnet-', 'rtb-')),
  });
}

/**
 * A VPC whose subnets are in the template, for constructs whose HA checks read the zones of their
 * subnets: the VPC and a public, private and isolated subnet in each of `zones` as L1 resources,
 * imported as an `IVpc`. Only what the checks read is synthesized (no route tables, gateways or
 * NAT gateways: the network has proofs of its own), so a run pays for the construct under proof.
 */
export function zonalVpc(scope: Construct, zones: string[]): ec2.IVpc {
  const vpc = new ec2.CfnVPC(scope, 'Vpc', {
    cidrBlock: '10.0.0.0/16',
    enableDnsHostnames: true,
    enableDnsSupport: true,
  });
  const subnets = (kind: string, offset: number) =>
    zones.map(
      (zone, i) =>
        new ec2.CfnSubnet(scope, `${kind}Subnet${i + 1}`, {
          vpcId: vpc.ref,
          availabilityZone: zone,
          cidrBlock: `10.0.${offset + i * 16}.0/20`,
        }).ref,
    );
  const routeTables = (kind: string) => zones.map((_, i) => `rtb-${kind}${String(i).padStart(8, '0')}`);
  return ec2.Vpc.fromVpcAttributes(scope, 'ImportedVpc', {
    vpcId: vpc.ref,
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: zones,
    publicSubnetIds: subnets('Public', 0),
    privateSubnetIds: subnets('Private', 64),
    isolatedSubnetIds: subnets('Isolated', 128),
    publicSubnetRouteTableIds: routeTables('a'),
    privateSubnetRouteTableIds: routeTables('b'),
    isolatedSubnetRouteTableIds: routeTables('c'),
  });
}
