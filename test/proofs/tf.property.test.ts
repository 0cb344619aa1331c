import { Annotations, Aspects, TerraformResource, Testing } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import * as fc from 'fast-check';
import { HA_ACKNOWLEDGED_KEY, ServiceTier } from '../../lib/core';
import { MultiAzNetwork } from '../../lib/tf/aws/network';
import { RegionalNetwork } from '../../lib/tf/google/network';
import { acknowledgeHaFinding } from '../../lib/tf/ha-checks';
import { anyLogRetention, anyTierAndZones, badLogRetention, notPositiveInteger } from './fixtures';
import { anyServiceName, anyTier } from './harness';
import { Cloud, proofTfStack, proveTfConstruct, terraformOf, withoutCreationStacks } from './tf-harness';
import { breaking, namesProp } from './invalid';

/**
 * Property-based proofs of the cdktf networks of both clouds (the other cdktf constructs are in
 * tf-aws.property.test.ts and tf-google.property.test.ts), and the proof that the harness's one
 * serialization gives the JSON `cdktf synth` writes.
 */

describe('tf-harness terraformOf', () => {
  /** Adds a tag (AWS) or label (Google) to every resource that takes them, as tagging aspects do. */
  const tagging = {
    visit(node: IConstruct) {
      if (!TerraformResource.isTerraformResource(node)) {
        return;
      }
      for (const [attribute, input] of [
        ['tags', 'tagsInput'],
        ['labels', 'labelsInput'],
      ] as const) {
        if (attribute in node) {
          const taggable = node as unknown as Record<string, Record<string, string> | undefined>;
          taggable[attribute] = { ...taggable[input], 'proof-aspect': 'applied' };
        }
      }
    },
  };

  const networkStack = (cloud: Cloud) =>
    withoutCreationStacks(() => {
      const stack = proofTfStack(cloud);
      const network =
        cloud === 'aws'
          ? new MultiAzNetwork(stack, 'Network', {
              tier: ServiceTier.TIER_1,
              availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
            })
          : new RegionalNetwork(stack, 'Network', { tier: ServiceTier.TIER_1, regions: ['us-central1', 'us-east1'] });
      Aspects.of(stack).add(tagging);
      // The library's own aspect: it writes the acknowledgement into each resource's `//` block.
      acknowledgeHaFinding(network, 'HA-LOG1', 'accepted for the proof of the harness, nothing else');
      return stack;
    });

  /** The JSON without cdktf's `//` blocks, keys sorted, as `Testing.synth` returns it. */
  const withoutComments = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(withoutComments);
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== '//')
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, v]) => [key, withoutComments(v)]),
      );
    }
    return value;
  };

  test.each<Cloud>(['aws', 'google'])(
    'GIVEN a stack on %s with aspects THEN one serialization gives the JSON Testing.synth and a second toTerraform gave, aspects applied',
    (cloud) => {
      const json = terraformOf(networkStack(cloud));

      const twice = networkStack(cloud);
      Testing.synth(twice);
      expect(json).toEqual(twice.toTerraform());
      expect(JSON.parse(Testing.synth(networkStack(cloud)))).toEqual(withoutComments(json));

      const text = JSON.stringify(json);
      expect(text).toContain('"proof-aspect":"applied"');
      expect(text).toContain(
        `"${HA_ACKNOWLEDGED_KEY}":{"HA-LOG1":"accepted for the proof of the harness, nothing else"}`,
      );
    },
  );
});

describe('terraformOf refuses what cdktf synth refuses', () => {
  test('GIVEN an error annotation THEN it throws naming the construct', () => {
    const stack = proofTfStack('aws');
    Annotations.of(new Construct(stack, 'Faulty')).addError('prop must be set');
    expect(() => terraformOf(stack)).toThrow('error annotations: proof/Faulty: prop must be set');
  });

  test('GIVEN a failing construct validation THEN it throws', () => {
    const stack = proofTfStack('google');
    new Construct(stack, 'Invalid').node.addValidation({ validate: () => ['never valid'] });
    expect(() => terraformOf(stack)).toThrow(/never valid/);
  });
});

describe("namesProp (both engines' proofs)", () => {
  test.each([
    ['instances must be an integer of at least 1, got: 0', 'instances', true],
    ['secondaryInstances must be an integer of at least 0, got: -1', 'instances', false],
    ['replicaProviders[0] must set a region, got: a provider without one', 'replicaProviders', true],
    ['secondaryProvider.region must not include the primary region us-east-1', 'secondaryProvider', false],
    ['secondaryProvider.region must not include the primary region us-east-1', 'secondaryProvider.region', true],
    ['region and replicaRegion must be region names such as us-central1, got: us', 'region', true],
    ['replicaRegion must stay within allowedRegions (us-central1), got: us-east1', 'region', false],
    ['the probe interval of tier.probeIntervalMinutes', 'probeIntervalMinutes', false],
  ])('%s names %s: %s', (message, prop, named) => {
    expect(namesProp(message, prop)).toBe(named);
  });
});

const awsNetwork = fc
  .record({
    tierZones: anyTierAndZones,
    service: anyServiceName,
    privateCidrMask: fc.integer({ min: 19, max: 24 }),
    flowLogRetention: anyLogRetention,
  })
  .map((p) => ({
    ...p,
    flowLogRetentionDays: Math.max(p.flowLogRetention, p.tierZones.tier.logRetentionDays) as number,
    natGateways: undefined as number | undefined,
  }));

proveTfConstruct({
  name: 'MultiAzNetwork (Terraform)',
  cloud: 'aws',
  valid: awsNetwork,
  fixture: () => undefined,
  build: (scope, p) =>
    new MultiAzNetwork(scope, 'Network', {
      tier: p.tierZones.tier,
      service: p.service,
      availabilityZones: p.tierZones.zones,
      privateCidrMask: p.privateCidrMask,
      flowLogRetentionDays: p.flowLogRetentionDays,
      natGateways: p.natGateways,
    }),
  invalid: [
    {
      prop: 'natGateways',
      props: breaking(awsNetwork, fc.oneof(notPositiveInteger, fc.integer({ min: 5, max: 100 })), (p, natGateways) => ({
        ...p,
        natGateways,
      })),
    },
    {
      prop: 'privateCidrMask',
      props: breaking(
        awsNetwork,
        fc.oneof(fc.integer({ min: -5, max: 15 }), fc.integer({ min: 29, max: 64 })),
        (p, privateCidrMask) => ({ ...p, privateCidrMask }),
      ),
    },
    {
      prop: 'flowLogRetentionDays',
      props: breaking(awsNetwork, badLogRetention, (p, flowLogRetentionDays) => ({ ...p, flowLogRetentionDays })),
    },
  ],
});

const GOOGLE_REGIONS = ['us-central1', 'us-east1', 'europe-west1', 'asia-northeast1'];

const googleNetwork = fc
  .record({
    tier: anyTier,
    service: anyServiceName,
    regions: fc.shuffledSubarray(GOOGLE_REGIONS, { minLength: 2, maxLength: 4 }),
    flowLogSampling: fc.double({ min: 0.01, max: 1, noNaN: true }),
    flowLogRetentionDays: fc.integer({ min: 1, max: 3650 }),
  })
  .map((p) => ({
    ...p,
    regions: p.tier.isMultiRegion ? p.regions : p.regions.slice(0, 1),
    flowLogRetentionDays: Math.max(p.flowLogRetentionDays, p.tier.logRetentionDays),
    privateServiceAccessPrefixLength: undefined as number | undefined,
  }));

proveTfConstruct({
  name: 'RegionalNetwork (Terraform, Google Cloud)',
  cloud: 'google',
  valid: googleNetwork,
  fixture: () => undefined,
  build: (scope, p) =>
    new RegionalNetwork(scope, 'Network', {
      tier: p.tier,
      service: p.service,
      regions: p.regions,
      flowLogSampling: p.flowLogSampling,
      flowLogRetentionDays: p.flowLogRetentionDays,
      privateServiceAccessPrefixLength: p.privateServiceAccessPrefixLength,
    }),
  invalid: [
    {
      prop: 'flowLogSampling',
      props: breaking(
        googleNetwork,
        fc.oneof(
          fc.double({ min: -1, max: 0, noNaN: true }),
          fc.double({ min: 1.001, max: 10, noNaN: true }),
          fc.constant(Number.NaN),
        ),
        (p, flowLogSampling) => ({ ...p, flowLogSampling }),
      ),
    },
    {
      prop: 'flowLogRetentionDays',
      props: breaking(
        googleNetwork,
        fc.oneof(notPositiveInteger, fc.integer({ min: 3651, max: 100_000 })),
        (p, flowLogRetentionDays) => ({ ...p, flowLogRetentionDays }),
      ),
    },
    {
      prop: 'privateServiceAccessPrefixLength',
      props: breaking(
        googleNetwork,
        fc.oneof(fc.integer({ min: -5, max: 7 }), fc.integer({ min: 25, max: 64 })),
        (p, privateServiceAccessPrefixLength) => ({ ...p, privateServiceAccessPrefixLength }),
      ),
    },
  ],
});
