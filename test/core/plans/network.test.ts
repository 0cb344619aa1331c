import * as fc from 'fast-check';
import { NetworkIntent, NetworkPlan, planNetwork, ServiceTier } from '../../../lib/core';

const US_EAST_1 = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'];
const BASE: NetworkIntent = { region: 'us-east-1', cidrProp: 'cidrBlock' };

function plan(intent: Partial<NetworkIntent> = {}, tier = ServiceTier.TIER_1): NetworkPlan {
  return planNetwork(tier, { ...BASE, ...intent });
}

const cidrsOf = (p: NetworkPlan) => p.zones.map((z) => [z.publicCidr, z.privateCidr, z.isolatedCidr]);

describe('planNetwork by table', () => {
  test.each([
    // tier, zones named, zone count planned (and NAT gateways)
    ['TIER_0', undefined, 3],
    ['TIER_1', undefined, 3],
    ['TIER_2', undefined, 2],
    ['TIER_3', undefined, 2],
    ['TIER_2', US_EAST_1.slice(0, 3), 3],
    ['TIER_0', US_EAST_1, 4],
  ] as const)('%s with zones %j plans %i zones, a NAT gateway in each', (name, zones, count) => {
    const tier = ServiceTier[name];
    const p = plan({ availabilityZones: zones }, tier);
    expect(p.problems).toEqual([]);
    expect(p.zones).toHaveLength(count);
    expect(p.natGatewayCount).toBe(count);
    expect(p.zones.map((z) => [z.natGateway, z.egressZone])).toEqual(
      Array.from({ length: count }, (_, i) => [true, i]),
    );
    expect(p.zones.map((z) => z.name)).toEqual(zones ?? Array.from({ length: count }, () => undefined));
    expect(p.flowLogRetentionDays).toBe(tier.logRetentionDays);
    expect(p.gatewayEndpoints).toEqual(['s3', 'dynamodb']);
  });

  test.each([
    // the worked example of the doc comment: the default range and masks over three zones
    [
      3,
      {},
      [
        ['10.0.0.0/24', '10.0.16.0/20', '10.0.64.0/24'],
        ['10.0.1.0/24', '10.0.32.0/20', '10.0.65.0/24'],
        ['10.0.2.0/24', '10.0.48.0/20', '10.0.66.0/24'],
      ],
    ],
    [
      2,
      {},
      [
        ['10.0.0.0/24', '10.0.16.0/20', '10.0.48.0/24'],
        ['10.0.1.0/24', '10.0.32.0/20', '10.0.49.0/24'],
      ],
    ],
    [
      2,
      { cidrBlock: '172.16.0.0/20', cidrGiven: true, publicCidrMask: 26, privateCidrMask: 23, isolatedCidrMask: 26 },
      [
        ['172.16.0.0/26', '172.16.2.0/23', '172.16.6.0/26'],
        ['172.16.0.64/26', '172.16.4.0/23', '172.16.6.64/26'],
      ],
    ],
  ] as const)(
    '%i zones with %j carve public, then private, then isolated blocks, each aligned to its size',
    (count, intent, cidrs) => {
      const p = plan(
        { availabilityZones: US_EAST_1.slice(0, count), ...intent },
        count === 2 ? ServiceTier.TIER_2 : ServiceTier.TIER_1,
      );
      expect(p.problems).toEqual([]);
      expect(cidrsOf(p)).toEqual(cidrs);
    },
  );

  test('a range the engine cannot read leaves the CIDRs to the engine', () => {
    const p = plan({ cidrBlock: undefined, cidrGiven: true });
    expect(p.cidrBlock).toBeUndefined();
    expect(p.zones.every((z) => z.publicCidr === undefined && z.privateCidr === undefined)).toBe(true);
  });

  test('a token zone is planned in its place but only named zones are checked (and count for the tier)', () => {
    const p = plan({ availabilityZones: ['us-east-1a', undefined, 'us-east-1c', 'us-east-1d'] });
    expect(p.problems).toEqual([]);
    expect(p.zones.map((z) => z.name)).toEqual(['us-east-1a', undefined, 'us-east-1c', 'us-east-1d']);
    expect(plan({ availabilityZones: ['us-east-1a', undefined, 'us-east-1c'] }).problems.map((x) => x.prop)).toEqual([
      'availabilityZones',
    ]);
  });

  test('fewer NAT gateways than zones: zones without one leave through the others in turn, and warn on static tiers', () => {
    const p = plan({ availabilityZones: US_EAST_1, natGateways: 2 }, ServiceTier.TIER_0);
    expect(p.zones.map((z) => [z.natGateway, z.egressZone])).toEqual([
      [true, 0],
      [true, 1],
      [false, 0],
      [false, 1],
    ]);
    expect(p.warnings.map((w) => w.id)).toEqual(['natGateways']);
    expect(p.warnings[0].message).toContain("breaks TIER_0's static stability");
    expect(plan({ natGateways: 1 }, ServiceTier.TIER_3).warnings).toEqual([]);
  });

  test.each([
    [
      { availabilityZones: ['us-east-1a', 'us-east-1b'] },
      'availabilityZones',
      'availabilityZones must list at least 3 zones for TIER_1, got: 2 (us-east-1a, us-east-1b)',
    ],
    [
      { availabilityZones: ['us-east-1a', 'us-east-1a', 'us-east-1b'] },
      'availabilityZones',
      'availabilityZones must not repeat a zone, got: us-east-1a more than once',
    ],
    [
      { availabilityZones: ['us-west-2a', 'us-east-1a', 'us-east-1b'] },
      'availabilityZones',
      "availabilityZones must all be in the stack's region us-east-1, got: us-west-2a",
    ],
    [{ natGateways: 0 }, 'natGateways', 'natGateways must be an integer from 1 to the AZ count (3), got: 0'],
    [{ natGateways: 4 }, 'natGateways', 'natGateways must be an integer from 1 to the AZ count (3), got: 4'],
    [{ natGateways: 1.5 }, 'natGateways', 'natGateways must be an integer from 1 to the AZ count (3), got: 1.5'],
    [
      { publicCidrMask: 29 },
      'publicCidrMask',
      'publicCidrMask must be an integer from 16 to 28 (the sizes a VPC subnet may have), got: 29',
    ],
    [
      { privateCidrMask: 15 },
      'privateCidrMask',
      'privateCidrMask must be an integer from 16 to 28 (the sizes a VPC subnet may have), got: 15',
    ],
    [
      { isolatedCidrMask: 24.5 },
      'isolatedCidrMask',
      'isolatedCidrMask must be an integer from 16 to 28 (the sizes a VPC subnet may have), got: 24.5',
    ],
    [{ flowLogRetentionDays: 10 }, 'flowLogRetentionDays', 'flowLogRetentionDays must be one of'],
    [
      { cidrBlock: '10.0.0.1/16', cidrGiven: true },
      'cidrBlock',
      'cidrBlock must be an IPv4 CIDR such as 10.0.0.0/16, got: 10.0.0.1/16',
    ],
    [
      { cidrBlock: '10.0.0.0/24', cidrGiven: true },
      'cidrBlock',
      'cidrBlock 10.0.0.0/24 is too small for the subnets asked (/24, /24, /24, /20, /20, /20, /24, /24, /24), got: 10.0.0.0/24',
    ],
    [
      { cidrBlock: '10.0.0.0/24', cidrGiven: true, cidrProp: 'ipAddresses' },
      'ipAddresses',
      'ipAddresses 10.0.0.0/24 is too small',
    ],
    [
      { cidrBlock: 'vpc', cidrGiven: true },
      'cidrBlock',
      'cidrBlock must be an IPv4 CIDR such as 10.0.0.0/16, got: vpc',
    ],
    [
      { cidrBlock: '10.0.256.0/24', cidrGiven: true },
      'cidrBlock',
      'cidrBlock must be an IPv4 CIDR such as 10.0.0.0/16, got: 10.0.256.0/24',
    ],
    [
      { cidrBlock: '10.0.0.0/33', cidrGiven: true },
      'cidrBlock',
      'cidrBlock must be an IPv4 CIDR such as 10.0.0.0/16, got: 10.0.0.0/33',
    ],
    // a subnet wider than the range
    [
      { cidrBlock: '10.0.0.0/17', cidrGiven: true, privateCidrMask: 16 },
      'cidrBlock',
      'cidrBlock 10.0.0.0/17 is too small',
    ],
  ] as const)('%j is a problem of %s', (intent, prop, message) => {
    const p = plan(intent);
    expect(p.problems).toEqual([{ prop, message: expect.stringContaining(message) }]);
  });

  test('the interface endpoints asked for are planned in order', () => {
    expect(plan({ interfaceEndpoints: ['ssm', 'secretsmanager'] }).interfaceEndpoints).toEqual([
      'ssm',
      'secretsmanager',
    ]);
    expect(plan().interfaceEndpoints).toEqual([]);
    expect(plan().interfaceEndpointPort).toBe(443);
  });
});

describe('planNetwork by property', () => {
  const intent = fc.record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    zones: fc.integer({ min: 3, max: 4 }),
    nat: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    masks: fc.tuple(
      fc.integer({ min: 20, max: 28 }),
      fc.integer({ min: 19, max: 28 }),
      fc.integer({ min: 20, max: 28 }),
    ),
  });

  test('subnets never overlap, stay in the range and are aligned; every private subnet leaves through a NAT gateway', () => {
    fc.assert(
      fc.property(intent, ({ tier, zones, nat, masks }) => {
        const p = planNetwork(tier, {
          ...BASE,
          availabilityZones: US_EAST_1.slice(0, zones),
          natGateways: nat,
          publicCidrMask: masks[0],
          privateCidrMask: masks[1],
          isolatedCidrMask: masks[2],
        });
        expect(p.problems).toEqual([]);
        const blocks = p.zones
          .flatMap((z) => [z.publicCidr!, z.privateCidr!, z.isolatedCidr!])
          .map((cidr) => {
            const [address, mask] = cidr.split('/');
            const start = address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
            const size = 2 ** (32 - Number(mask));
            expect(start % size).toBe(0);
            return [start, start + size] as const;
          })
          .sort((a, b) => a[0] - b[0]);
        blocks.forEach(([start, end], i) => {
          expect(start).toBeGreaterThanOrEqual(i === 0 ? 10 * 2 ** 24 : blocks[i - 1][1]);
          expect(end).toBeLessThanOrEqual(10 * 2 ** 24 + 2 ** 16);
        });
        expect(p.zones.every((z) => p.zones[z.egressZone].natGateway)).toBe(true);
      }),
    );
  });
});
