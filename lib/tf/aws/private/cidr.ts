import { HaValidationError } from '../../../core/errors';
/**
 * IPv4 subnet allocation for a VPC range at synthesis time: blocks are carved in the order asked,
 * each aligned to its own size, the way `ec2.Vpc` of aws-cdk-lib lays out its subnets.
 */

/** `10.0.0.0/16` → { base, prefix } or undefined when the text is not an IPv4 CIDR. */
export function parseCidr(cidr: string): { readonly base: number; readonly prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) {
    return undefined;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) {
    return undefined;
  }
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) {
    return undefined;
  }
  return { base, prefix };
}

/** Carves one block per mask out of `cidr`, in order; throws when they do not fit. */
export function allocateSubnets(cidr: string, masks: readonly number[]): string[] {
  const range = parseCidr(cidr);
  if (!range) {
    throw new HaValidationError(`cidrBlock must be an IPv4 CIDR such as 10.0.0.0/16, got: ${cidr}`);
  }
  const end = range.base + 2 ** (32 - range.prefix);
  let next = range.base;
  return masks.map((mask) => {
    const size = 2 ** (32 - mask);
    const start = Math.ceil(next / size) * size;
    if (mask < range.prefix || start + size > end) {
      throw new HaValidationError(`cidrBlock ${cidr} is too small for the subnets asked (${masks.map((m) => `/${m}`).join(', ')}), got: ${cidr}`);
    }
    next = start + size;
    return `${toDotted(start)}/${mask}`;
  });
}

function toDotted(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}
