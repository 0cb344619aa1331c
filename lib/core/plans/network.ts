import { PlanProblem, PlanWarning } from '../errors';
import { CLOUDWATCH_LOG_RETENTION_DAYS } from '../figures';
import { zonePlacementProblem } from '../regions';
import { ServiceTier } from '../tier';

/**
 * The plan of a VPC that survives the loss of an AZ: what each engine's `MultiAzNetwork` renders.
 */

/** A network as its props describe it, in core's terms. */
export interface NetworkIntent {
  /**
   * The zones the user named, in order; `undefined` for a zone that is a token (not known at
   * synthesis). Absent when the user named none: the engine looks up the region's first zones.
   */
  readonly availabilityZones?: readonly (string | undefined)[];
  /** The region the zones must belong to; undefined when not known at synthesis. */
  readonly region?: string;
  /** The VPC's IPv4 range; undefined when the engine cannot read it (an IPAM pool, a token). */
  readonly cidrBlock?: string;
  /** Whether the user gave the range (when not, the default range is planned). */
  readonly cidrGiven?: boolean;
  /** Name of the prop that holds the range (`ipAddresses` on CDK, `cidrBlock` on Terraform). */
  readonly cidrProp: string;
  readonly natGateways?: number;
  readonly publicCidrMask?: number;
  readonly privateCidrMask?: number;
  readonly isolatedCidrMask?: number;
  readonly flowLogRetentionDays?: number;
  /** Interface endpoints asked for, by service short name (`ssm`, `secretsmanager`). */
  readonly interfaceEndpoints?: readonly string[];
}

/** The subnets of a zone, by what they hold. */
export type SubnetKind = 'public' | 'private' | 'isolated';

/** The three subnets of one zone, with the NAT gateway its private subnet leaves through. */
export interface ZonePlan {
  /** The zone's name, or undefined: the engine's i-th zone of the region (a lookup or the user's token). */
  readonly name: string | undefined;
  /** CIDRs, when the VPC's range is known at synthesis. */
  readonly publicCidr: string | undefined;
  readonly privateCidr: string | undefined;
  readonly isolatedCidr: string | undefined;
  /** Whether a NAT gateway sits in this zone's public subnet. */
  readonly natGateway: boolean;
  /** Index of the zone whose NAT gateway this zone's private subnet routes through. */
  readonly egressZone: number;
}

/** The plan. */
export interface NetworkPlan {
  /** Zones in order: as many as named, else the tier's `minAzs`. */
  readonly zones: readonly ZonePlan[];
  /** The VPC's range, when known at synthesis. */
  readonly cidrBlock: string | undefined;
  readonly masks: { readonly public: number; readonly private: number; readonly isolated: number };
  readonly natGatewayCount: number;
  readonly flowLogRetentionDays: number;
  /** Flow logs record all traffic: rejected flows are what an incident review of a broken path needs. */
  readonly flowLogTrafficType: 'ALL';
  /** Gateway endpoints (free, no NAT in the path) for the two services stateful tiers use most. */
  readonly gatewayEndpoints: readonly ('s3' | 'dynamodb')[];
  /** Subnets whose route tables reach the gateway endpoints: all, so no call to S3 or DynamoDB needs a NAT gateway. */
  readonly gatewayEndpointSubnets: readonly SubnetKind[];
  /** Interface endpoints, by service short name, one network interface per private subnet. */
  readonly interfaceEndpoints: readonly string[];
  /** The port interface endpoints serve (HTTPS), which their security group opens to the VPC. */
  readonly interfaceEndpointPort: number;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** Defaults of a network's own settings (layout, not HA objectives). */
export const NETWORK_DEFAULTS = {
  /** ec2.Vpc's default range (`Vpc.DEFAULT_CIDR_RANGE`), kept on Terraform too. */
  cidrBlock: '10.0.0.0/16',
  /** Load balancers and NAT gateways only: 251 usable addresses per AZ. */
  publicCidrMask: 24,
  /** The fleet: 4091 usable addresses per AZ, room to scale out after an AZ loss. */
  privateCidrMask: 20,
  /** Databases: 251 usable addresses per AZ. */
  isolatedCidrMask: 24,
} as const;

/**
 * The subnet sizes a VPC accepts: /16 to /28.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html
 */
export const VPC_SUBNET_MASK_MIN = 16;
export const VPC_SUBNET_MASK_MAX = 28;

/**
 * The port interface endpoints answer on (the AWS APIs are HTTPS).
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
 */
export const INTERFACE_ENDPOINT_PORT = 443;

const IPV4_BITS = 32;
const OCTET = 256;
const MASKS = [
  ['publicCidrMask', 'public'],
  ['privateCidrMask', 'private'],
  ['isolatedCidrMask', 'isolated'],
] as const;

/**
 * Plans a VPC across AZs.
 *
 * - **Zones**: the named ones (at least `tier.minAzs`, no repeats, all in the region), else the
 *   region's first `tier.minAzs`.
 * - **CIDRs**: blocks are carved from the VPC range in order — every zone's public subnet, then
 *   every zone's private, then every zone's isolated — each aligned to its own size (the layout of
 *   aws-cdk-lib's `ec2.Vpc`, which the Terraform engine writes out subnet by subnet).
 * - **NAT gateways**: one per zone on every tier (`natGateways` lowers it; the private subnet of
 *   zone `i` leaves through NAT `i mod natGateways`), a warning for statically stable tiers: an AZ
 *   without its own NAT loses egress when the gateway's AZ fails.
 * - **Flow logs**: all traffic, kept `tier.logRetentionDays` unless `flowLogRetentionDays`.
 * - **Endpoints**: S3 and DynamoDB gateway endpoints on every subnet's route table, and the interface
 *   endpoints asked for in the private subnets.
 *
 * Example: TIER_1 (3 AZs), 10.0.0.0/16, masks 24/20/24 → public 10.0.0.0/24, 10.0.1.0/24,
 * 10.0.2.0/24; private aligned to /20 from 10.0.3.0: 10.0.16.0/20, 10.0.32.0/20, 10.0.48.0/20;
 * isolated 10.0.64.0/24, 10.0.65.0/24, 10.0.66.0/24; three NAT gateways, one per zone.
 */
export function planNetwork(tier: ServiceTier, intent: NetworkIntent): NetworkPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });

  const named = intent.availabilityZones;
  if (named) {
    const placement = zonePlacementProblem({
      prop: 'availabilityZones',
      zones: named.filter((zone): zone is string => zone !== undefined),
      region: intent.region,
      minZones: tier.minAzs,
      tierName: tier.name,
    });
    if (placement) {
      problem('availabilityZones', placement);
    }
  }
  const zoneCount = named ? named.length : tier.minAzs;

  const natGatewayCount = intent.natGateways ?? zoneCount;
  if (!Number.isInteger(natGatewayCount) || natGatewayCount < 1 || natGatewayCount > zoneCount) {
    problem(
      'natGateways',
      `natGateways must be an integer from 1 to the AZ count (${zoneCount}), got: ${intent.natGateways}`,
    );
  } else if (natGatewayCount < zoneCount && tier.staticallyStable) {
    warnings.push({
      id: 'natGateways',
      message:
        `natGateways is ${natGatewayCount} for ${zoneCount} AZs: private subnets in an AZ without its own NAT gateway ` +
        `lose egress when that gateway's AZ fails, which breaks ${tier.name}'s static stability`,
    });
  }

  const masks = {
    public: intent.publicCidrMask ?? NETWORK_DEFAULTS.publicCidrMask,
    private: intent.privateCidrMask ?? NETWORK_DEFAULTS.privateCidrMask,
    isolated: intent.isolatedCidrMask ?? NETWORK_DEFAULTS.isolatedCidrMask,
  };
  let masksValid = true;
  for (const [prop, kind] of MASKS) {
    const mask = masks[kind];
    if (!Number.isInteger(mask) || mask < VPC_SUBNET_MASK_MIN || mask > VPC_SUBNET_MASK_MAX) {
      masksValid = false;
      problem(
        prop,
        `${prop} must be an integer from ${VPC_SUBNET_MASK_MIN} to ${VPC_SUBNET_MASK_MAX} ` +
          `(the sizes a VPC subnet may have), got: ${mask}`,
      );
    }
  }

  const flowLogRetentionDays = intent.flowLogRetentionDays ?? tier.logRetentionDays;
  if (!CLOUDWATCH_LOG_RETENTION_DAYS.includes(flowLogRetentionDays)) {
    problem(
      'flowLogRetentionDays',
      `flowLogRetentionDays must be one of ${CLOUDWATCH_LOG_RETENTION_DAYS.join(', ')}, ` +
        `got: ${flowLogRetentionDays}`,
    );
  }

  const cidrBlock = intent.cidrGiven ? intent.cidrBlock : (intent.cidrBlock ?? NETWORK_DEFAULTS.cidrBlock);
  const order = [masks.public, masks.private, masks.isolated].flatMap((mask) =>
    Array.from({ length: zoneCount }, () => mask),
  );
  const cidrs = cidrBlock !== undefined && masksValid ? carve(cidrBlock, order, intent.cidrProp, problem) : undefined;

  const zones = Array.from({ length: zoneCount }, (_, i): ZonePlan => ({
    name: named?.[i],
    publicCidr: cidrs?.[i],
    privateCidr: cidrs?.[zoneCount + i],
    isolatedCidr: cidrs?.[2 * zoneCount + i],
    natGateway: i < natGatewayCount,
    egressZone: natGatewayCount >= 1 ? i % Math.floor(natGatewayCount) : 0,
  }));

  return {
    zones,
    cidrBlock,
    masks,
    natGatewayCount,
    flowLogRetentionDays,
    flowLogTrafficType: 'ALL',
    gatewayEndpoints: ['s3', 'dynamodb'],
    gatewayEndpointSubnets: ['private', 'public', 'isolated'],
    interfaceEndpoints: [...(intent.interfaceEndpoints ?? [])],
    interfaceEndpointPort: INTERFACE_ENDPOINT_PORT,
    problems,
    warnings,
  };
}

/** `10.0.0.0/16` → its first address and prefix, or undefined when the text is not an aligned IPv4 CIDR. */
function parseCidr(cidr: string): { readonly base: number; readonly prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) {
    return undefined;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o >= OCTET) || prefix > IPV4_BITS) {
    return undefined;
  }
  const base = octets.reduce((acc, o) => acc * OCTET + o, 0);
  return base % 2 ** (IPV4_BITS - prefix) === 0 ? { base, prefix } : undefined;
}

/** One block per mask out of `cidr`, in order, each aligned to its size; undefined (and a problem) when they do not fit. */
function carve(
  cidr: string,
  masks: readonly number[],
  prop: string,
  problem: (prop: string, message: string) => void,
): string[] | undefined {
  const range = parseCidr(cidr);
  if (!range) {
    problem(prop, `${prop} must be an IPv4 CIDR such as ${NETWORK_DEFAULTS.cidrBlock}, got: ${cidr}`);
    return undefined;
  }
  const end = range.base + 2 ** (IPV4_BITS - range.prefix);
  let next = range.base;
  const blocks: string[] = [];
  for (const mask of masks) {
    const size = 2 ** (IPV4_BITS - mask);
    const start = Math.ceil(next / size) * size;
    if (mask < range.prefix || start + size > end) {
      problem(
        prop,
        `${prop} ${cidr} is too small for the subnets asked (${masks.map((m) => `/${m}`).join(', ')}), got: ${cidr}`,
      );
      return undefined;
    }
    next = start + size;
    blocks.push(`${dotted(start)}/${mask}`);
  }
  return blocks;
}

function dotted(address: number): string {
  const shifts = [3, 2, 1, 0];
  return shifts.map((octet) => Math.floor(address / OCTET ** octet) % OCTET).join('.');
}
