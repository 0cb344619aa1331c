import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import * as fc from 'fast-check';
import { checkInputs } from '../../lib/checks/check';
import { MultiAzNetwork } from '../../lib/tf/aws/network';
import { RegionalNetwork } from '../../lib/tf/google/network';
import { anyLogRetention, anyTierAndZones, badLogRetention, notPositiveInteger } from './fixtures';
import { anyServiceName, anyTier, fcParams, leakIn } from './harness';

/**
 * Property-based proofs of the cdktf networks of both clouds. cdktf has no ValidationError: bad
 * input throws a plain Error (or core's RangeError) that names the prop, never a TypeError.
 */

process.env.CHECKPOINT_DISABLE ??= '1';

/** Builds in a fresh stack, then reads the stack as cdktf writes it (aspects applied, `//` metadata kept). */
function synthesizeTf(build: (stack: TerraformStack) => void, provider: 'aws' | 'google'): { text: string; errors: string[] } {
  const stack = new TerraformStack(Testing.app(), 'proof');
  if (provider === 'aws') {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  } else {
    new GoogleProvider(stack, 'google', { project: 'proof-project' });
  }
  build(stack);
  Testing.synth(stack);
  const json = stack.toTerraform();
  const report = checkInputs({ terraform: [{ name: 'proof', json }] });
  return {
    text: JSON.stringify(json),
    errors: report.findings.filter((f) => f.level === 'error' && !f.resource.startsWith('service:')).map((f) => `${f.rule} ${f.resource}: ${f.message}`),
  };
}

function tfRejection(build: () => void, prop: string): string | undefined {
  try {
    build();
  } catch (error) {
    if (!(error instanceof Error) || error instanceof TypeError) {
      return `threw ${String(error)}, expected an Error naming ${prop}`;
    }
    return error.message.includes(prop) ? undefined : `threw an error whose message does not name ${prop}: ${error.message}`;
  }
  return `accepted an invalid ${prop}`;
}

const awsNetwork = fc.record({
  tierZones: anyTierAndZones,
  service: anyServiceName,
  privateCidrMask: fc.integer({ min: 19, max: 24 }),
  flowLogRetention: anyLogRetention,
}).map((p) => ({ ...p, flowLogRetentionDays: Math.max(p.flowLogRetention, p.tierZones.tier.logRetentionDays) }));

describe('MultiAzNetwork (Terraform)', () => {
  test('GIVEN random valid props THEN it synthesizes with no undefined, NaN or null and no HA error on its resources', () => {
    fc.assert(fc.property(awsNetwork, (p) => {
      const { text, errors } = synthesizeTf((stack) => new MultiAzNetwork(stack, 'Network', {
        tier: p.tierZones.tier, service: p.service, availabilityZones: p.tierZones.zones, privateCidrMask: p.privateCidrMask, flowLogRetentionDays: p.flowLogRetentionDays,
      }), 'aws');
      expect(leakIn(text)).toBeUndefined();
      expect(errors).toEqual([]);
    }), fcParams());
  });

  test.each([
    ['natGateways', fc.oneof(notPositiveInteger, fc.integer({ min: 5, max: 100 }))],
    ['privateCidrMask', fc.oneof(fc.integer({ min: -5, max: 15 }), fc.integer({ min: 29, max: 64 }))],
    ['flowLogRetentionDays', badLogRetention],
  ] as const)('GIVEN a random invalid %s THEN an Error names it', (prop, values) => {
    fc.assert(fc.property(awsNetwork, values, (p, value) => {
      const stack = new TerraformStack(Testing.app(), 'proof');
      expect(tfRejection(() => new MultiAzNetwork(stack, 'Network', { tier: p.tierZones.tier, availabilityZones: p.tierZones.zones, [prop]: value }), prop)).toBeUndefined();
    }), fcParams());
  });
});

const GOOGLE_REGIONS = ['us-central1', 'us-east1', 'europe-west1', 'asia-northeast1'];

const googleNetwork = fc.record({
  tier: anyTier,
  service: anyServiceName,
  regions: fc.shuffledSubarray(GOOGLE_REGIONS, { minLength: 2, maxLength: 4 }),
  flowLogSampling: fc.double({ min: 0.01, max: 1, noNaN: true }),
  flowLogRetentionDays: fc.integer({ min: 1, max: 3650 }),
}).map((p) => ({ ...p, regions: p.tier.isMultiRegion ? p.regions : p.regions.slice(0, 1), flowLogRetentionDays: Math.max(p.flowLogRetentionDays, p.tier.logRetentionDays) }));

describe('RegionalNetwork (Terraform, Google Cloud)', () => {
  test('GIVEN random valid props THEN it synthesizes with no undefined, NaN or null and no HA error on its resources', () => {
    fc.assert(fc.property(googleNetwork, (p) => {
      const { text, errors } = synthesizeTf((stack) => new RegionalNetwork(stack, 'Network', {
        tier: p.tier, service: p.service, regions: p.regions, flowLogSampling: p.flowLogSampling, flowLogRetentionDays: p.flowLogRetentionDays,
      }), 'google');
      expect(leakIn(text)).toBeUndefined();
      expect(errors).toEqual([]);
    }), fcParams());
  });

  test.each([
    ['flowLogSampling', fc.oneof(fc.double({ min: -1, max: 0, noNaN: true }), fc.double({ min: 1.001, max: 10, noNaN: true }))],
    ['flowLogRetentionDays', fc.oneof(notPositiveInteger, fc.integer({ min: 3651, max: 100_000 }))],
    ['privateServiceAccessPrefixLength', fc.oneof(fc.integer({ min: -5, max: 7 }), fc.integer({ min: 25, max: 64 }))],
  ] as const)('GIVEN a random invalid %s THEN an Error names it', (prop, values) => {
    fc.assert(fc.property(googleNetwork, values, (p, value) => {
      const stack = new TerraformStack(Testing.app(), 'proof');
      expect(tfRejection(() => new RegionalNetwork(stack, 'Network', { tier: p.tier, regions: p.regions, [prop]: value }), prop)).toBeUndefined();
    }), fcParams());
  });
});
