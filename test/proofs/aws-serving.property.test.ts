import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Duration } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { DnsRouting, FailoverDns } from '../../lib/aws/dns';
import { ResilientFleet } from '../../lib/aws/fleet';
import { MultiAzNetwork } from '../../lib/aws/network';
import { SloAlarms } from '../../lib/aws/slo';
import { primaryFleetCapacity } from '../../lib/core';
import {
  anyLogRetention,
  anyRole,
  anyTierAndZones,
  badLogRetention,
  notPositiveInteger,
  OTHER_REGIONS,
  zonalVpc,
  ZONES,
} from './fixtures';
import { anyServiceName, anyTier, proveConstruct } from './harness';
import { breaking, invalidProp } from './invalid';

/** Property-based proofs of the serving constructs: network, fleet, DNS, SLO alarms. */

const networkProps = fc
  .record({
    tierZones: anyTierAndZones,
    service: anyServiceName,
    role: anyRole,
    publicCidrMask: fc.integer({ min: 20, max: 26 }),
    privateCidrMask: fc.integer({ min: 19, max: 24 }),
    isolatedCidrMask: fc.integer({ min: 20, max: 26 }),
    flowLogRetention: fc.option(anyLogRetention, { nil: undefined }),
  })
  .map((p) => ({
    ...p,
    // Props that keep the tier: a NAT gateway per zone, flow logs kept at least as long as the tier asks.
    natGateways: p.tierZones.zones.length,
    flowLogRetentionDays:
      p.flowLogRetention === undefined ? undefined : Math.max(p.flowLogRetention, p.tierZones.tier.logRetentionDays),
  }));
type NetworkProps = typeof networkProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<NetworkProps>({
  name: 'MultiAzNetwork',
  valid: networkProps,
  build: (scope, p) =>
    new MultiAzNetwork(scope, 'Network', {
      tier: p.tierZones.tier,
      service: p.service,
      role: p.role,
      availabilityZones: p.tierZones.zones,
      natGateways: p.natGateways,
      publicCidrMask: p.publicCidrMask,
      privateCidrMask: p.privateCidrMask,
      isolatedCidrMask: p.isolatedCidrMask,
      flowLogRetentionDays: p.flowLogRetentionDays,
    }),
  invalid: [
    invalidProp(networkProps, 'natGateways', fc.oneof(notPositiveInteger, fc.integer({ min: 5, max: 100 }))),
    invalidProp(
      networkProps,
      'privateCidrMask',
      fc.oneof(
        fc.integer({ min: -5, max: 15 }),
        fc.integer({ min: 29, max: 64 }),
        fc.double({ min: 16.1, max: 27.9, noNaN: true }).filter((d) => !Number.isInteger(d)),
      ),
    ),
    invalidProp(networkProps, 'flowLogRetentionDays', badLogRetention),
  ],
});

const fleetProps = fc
  .record({
    tierZones: anyTierAndZones,
    service: anyServiceName,
    role: anyRole,
    requiredShare: fc.integer({ min: 0, max: 8 }),
    headroom: fc.integer({ min: 0, max: 4 }),
    instancePort: fc.integer({ min: 1, max: 65535 }),
    healthCheckPath: fc.stringMatching(/^\/[a-z0-9/_-]{0,20}$/),
    targetCpuPercent: fc.integer({ min: 10, max: 99 }),
    rootVolumeSizeGiB: fc.integer({ min: 8, max: 16384 }),
    internetFacing: fc.boolean(),
  })
  .map((p) => {
    const { tier, zones } = p.tierZones;
    // HA-CAP1 asks a statically stable fleet for at least 2 instances per zone; core's
    // staticallyStableCapacity sizes 1 per zone while requiredCapacity fits in the surviving zones,
    // so the proof draws requiredCapacity from the zone count up, where the two agree.
    const requiredCapacity = (tier.staticallyStable ? zones.length : 1) + p.requiredShare;
    const min = primaryFleetCapacity(requiredCapacity, requiredCapacity, zones.length, tier.staticallyStable).min;
    return { ...p, requiredCapacity, maxCapacity: min + p.headroom };
  });
type FleetProps = typeof fleetProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<FleetProps, ec2.IVpc>({
  name: 'ResilientFleet',
  valid: fleetProps,
  fixture: (stack) => zonalVpc(stack, ZONES['us-east-1']),
  build: (scope, p, vpc) =>
    new ResilientFleet(scope, 'Fleet', {
      tier: p.tierZones.tier,
      service: p.service,
      role: p.role,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: p.tierZones.zones },
      machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
      instanceTypes: [new ec2.InstanceType('m7g.large')],
      requiredCapacity: p.requiredCapacity,
      maxCapacity: p.maxCapacity,
      instancePort: p.instancePort,
      healthCheckPath: p.healthCheckPath,
      targetCpuPercent: p.targetCpuPercent,
      rootVolumeSizeGiB: p.rootVolumeSizeGiB,
      internetFacing: p.internetFacing,
      certificate: acm.Certificate.fromCertificateArn(
        scope,
        'Certificate',
        'arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
      ),
    }),
  invalid: [
    invalidProp(fleetProps, 'instancePort', fc.oneof(notPositiveInteger, fc.integer({ min: 65536, max: 1e7 }))),
    invalidProp(fleetProps, 'healthCheckPath', fc.stringMatching(/^[a-z0-9_-][a-z0-9/_-]{0,20}$/)),
    invalidProp(
      fleetProps,
      'targetCpuPercent',
      fc.oneof(fc.double({ min: -100, max: 0, noNaN: true }), fc.double({ min: 100, max: 1e4, noNaN: true })),
    ),
    invalidProp(fleetProps, 'rootVolumeSizeGiB', fc.oneof(notPositiveInteger, fc.integer({ min: 16385, max: 1e6 }))),
    invalidProp(fleetProps, 'requiredCapacity', notPositiveInteger),
  ],
});

const LOAD_BALANCER_ARN = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/api/0123456789abcdef';

const dnsProps = fc
  .record({
    tier: anyTier,
    service: anyServiceName,
    recordName: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
    healthCheckPath: fc.stringMatching(/^\/[a-z0-9/_-]{0,20}$/),
    healthCheckPort: fc.integer({ min: 1, max: 65535 }),
    extraRegions: fc.shuffledSubarray(OTHER_REGIONS, { minLength: 1, maxLength: 3 }),
    weights: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
  })
  .map((p) => {
    // Active/active serves from every region listed; failover pairs exactly two; backup-and-restore has one.
    const count = p.tier.allRegionsServe
      ? Math.max(p.tier.minRegions, 1 + p.extraRegions.length)
      : p.tier.isMultiRegion
        ? 2
        : 1;
    // Set by the invalid allowedRegions runs.
    return {
      ...p,
      regions: ['us-east-1', ...p.extraRegions].slice(0, count),
      allowedRegions: undefined as string[] | undefined,
    };
  });
type DnsProps = typeof dnsProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<DnsProps>({
  name: 'FailoverDns',
  valid: dnsProps,
  build: (scope, p) =>
    new FailoverDns(scope, 'Dns', {
      tier: p.tier,
      service: p.service,
      recordName: p.recordName,
      healthCheckPath: p.healthCheckPath,
      healthCheckPort: p.healthCheckPort,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', {
        hostedZoneId: 'Z0123456789ABC',
        zoneName: 'example.com',
      }),
      routing: p.tier.isMultiRegion ? undefined : DnsRouting.SIMPLE,
      allowedRegions: p.allowedRegions,
      endpoints: p.regions.map((region, i) => ({
        region,
        loadBalancer: elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(scope, `Lb${i}`, {
          loadBalancerArn: LOAD_BALANCER_ARN.replace('us-east-1', region),
          securityGroupId: 'sg-0123456789abcdef0',
          loadBalancerDnsName: `api-${i}.${region}.elb.amazonaws.com`,
          loadBalancerCanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
        }),
        weight: p.tier.allRegionsServe ? p.weights[i] : undefined,
      })),
    }),
  invalid: [
    {
      // Not starting with '/', or with whitespace in it.
      prop: 'healthCheckPath',
      props: breaking(
        dnsProps,
        fc.oneof(
          fc.stringMatching(/^[a-z0-9_-][a-z0-9/_-]{0,20}$/),
          fc
            .tuple(fc.stringMatching(/^\/[a-z0-9/_-]{0,20}$/), fc.constantFrom(' ', '\t', '\n'))
            .map(([path, space]) => `${path}${space}`),
        ),
        (p, healthCheckPath) => ({ ...p, healthCheckPath }),
      ),
    },
    invalidProp(dnsProps, 'healthCheckPort', fc.oneof(notPositiveInteger, fc.integer({ min: 65536, max: 1e7 }))),
    {
      // Allowing every endpoint's region but not the stack's (us-east-1), where the records, health checks and alarms are made.
      prop: 'allowedRegions',
      props: dnsProps.map((p) => {
        const spare = OTHER_REGIONS.find((r) => !p.regions.includes(r))!;
        const regions = p.regions.map((r) => (r === 'us-east-1' ? spare : r));
        return { ...p, regions, allowedRegions: regions };
      }),
    },
  ],
});

const sloProps = fc
  .record({
    tier: anyTier,
    service: anyServiceName,
    windowDays: fc.integer({ min: 1, max: 70 }),
    slack: fc.double({ min: 0, max: 1, noNaN: true }),
    latencyMs: fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }),
  })
  .map((p) => {
    // A target from the tier's own up to 0.99999: tighter than the tier is allowed, looser is not.
    const target =
      Math.round((p.tier.availabilityTarget + p.slack * (0.99999 - p.tier.availabilityTarget)) * 1e6) / 1e6;
    // The latency SLI's own target, looser than availability as latency targets often are.
    const latencyTarget: number | undefined = p.latencyMs === undefined ? undefined : 0.99;
    return { ...p, target: Math.max(target, p.tier.availabilityTarget), latencyTarget };
  });
type SloProps = typeof sloProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<SloProps>({
  name: 'SloAlarms',
  valid: sloProps,
  build: (scope, p) =>
    new SloAlarms(scope, 'Slo', {
      tier: p.tier,
      service: p.service,
      windowDays: p.windowDays,
      target: p.target,
      latencyThreshold: p.latencyMs === undefined ? undefined : Duration.millis(p.latencyMs),
      latencyTarget: p.latencyTarget,
      loadBalancer: elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(scope, 'Lb', {
        loadBalancerArn: LOAD_BALANCER_ARN,
        securityGroupId: 'sg-0123456789abcdef0',
      }),
    }),
  invalid: [
    invalidProp(
      sloProps,
      'target',
      fc.oneof(fc.double({ min: -10, max: 0.5, noNaN: true }), fc.double({ min: 1, max: 10, noNaN: true })),
    ),
    invalidProp(
      sloProps,
      'windowDays',
      fc.oneof(fc.double({ min: -100, max: 0.999, noNaN: true }), fc.integer({ min: 71, max: 10_000 })),
    ),
    // Not a ratio, or too loose for the 14.4x page to ever fire (14.4 × (1 − target) ≥ 1).
    invalidProp(
      sloProps,
      'latencyTarget',
      fc.oneof(fc.double({ min: -1, max: 0.93, noNaN: true }), fc.double({ min: 1, max: 10, noNaN: true })),
    ),
  ],
});
