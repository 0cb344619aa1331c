import { ZonalImpairmentDetection } from '../../../lib/checks/rules/az/ZonalImpairmentDetection';
import { ServiceTier } from '../../../lib/core';
import { findings } from '../fixtures/builders';
import { ZonalParts, zonalStack } from '../fixtures/zonal-detection';

describe('HA-AZ4 by table', () => {
  test.each<[string, ServiceTier, ZonalParts, string | undefined]>([
    ['TIER_1 with detection and its shift', ServiceTier.TIER_1, {}, undefined],
    ['TIER_0 with detection and its shift', ServiceTier.TIER_0, {}, undefined],
    ['TIER_2 without any (not statically stable)', ServiceTier.TIER_2, { alarms: false, shift: false }, undefined],
    [
      'TIER_1 without per-AZ alarms',
      ServiceTier.TIER_1,
      { alarms: false },
      'service shop in App (TIER_1): Lb has no per-AZ alarm on its per-AZ metrics, so an AZ that fails while its ' +
        'targets pass health checks is never taken out',
    ],
    [
      'TIER_1 with per-AZ alarms that no composite combines',
      ServiceTier.TIER_1,
      { composites: false },
      'Lb has no per-AZ alarm',
    ],
    [
      'TIER_1 whose load balancer serves from an AZ no alarm watches',
      ServiceTier.TIER_1,
      { watched: ['us-east-1a', 'us-east-1b'] },
      'Lb serves from us-east-1c too, where no per-AZ alarm watches it',
    ],
    [
      'TIER_0 with detection that starts no shift',
      ServiceTier.TIER_0,
      { shift: false },
      'service shop in App (TIER_0): the per-AZ alarms of Lb start no zonal shift',
    ],
  ])('%s', (_name, tier, parts, message) => {
    const found = findings(ZonalImpairmentDetection, zonalStack(tier, parts));
    expect(found).toEqual(
      message === undefined
        ? []
        : [
            {
              rule: 'HA-AZ4',
              level: 'error',
              category: 'availability',
              stack: 'App',
              resource: 'service:shop',
              message: expect.stringContaining(message),
            },
          ],
    );
  });
});
