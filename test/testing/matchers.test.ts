import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Stack } from 'aws-cdk-lib';
import { App as TfApp, TerraformStack, Testing } from 'cdktf';
import { MultiAzNetwork } from '../../lib/aws';
import { checkInputs } from '../../lib/checks';
import { HaValidationError, ServiceTier } from '../../lib/core';
import { haMatchers, reportOf } from '../../lib/testing';
import { MultiAzNetwork as TfMultiAzNetwork } from '../../lib/tf/aws/network';
import { activeActiveCfn, singleRegionCfn, TIER_0_MANUAL_AZ } from '../checks/fixtures/topologies';
import { testApp } from '../util';

expect.extend(haMatchers);

/** The failure message jest prints for an expectation, or a note that it passed. */
function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (e) {
    return (e as Error).message;
  }
  return 'the expectation passed';
}

// Active/active over two regions whose fleets carry the whole load, at a tier judged on an AZ lost outright (a
// statically stable tier's gray-failure AZ RTO is never shown met): every objective met.
const meets = checkInputs(activeActiveCfn(false, TIER_0_MANUAL_AZ));
// TIER_3 in one region with no backup copy: the region RTO cannot be shown.
const unproven = checkInputs(singleRegionCfn(ServiceTier.TIER_3));

describe('toMeetTier', () => {
  test('GIVEN every objective met THEN it passes, and .not fails naming the service', () => {
    expect(meets).toMeetTier();
    expect(failureOf(() => expect(meets).not.toMeetTier())).toContain(
      'every one does:\nshop (TIER_0_MANUAL_AZ, ACTIVE_ACTIVE; stacks App, AppWest)',
    );
  });

  test('GIVEN a figure the templates cannot prove THEN it fails with the service, figure, target and derivation', () => {
    const message = failureOf(() => expect(unproven).toMeetTier());
    expect(message).toContain('1 of 1 do not:\nshop (TIER_3, BACKUP_RESTORE; stacks App): objectives met: unproven');
    expect(message).toMatch(/ {2}region RTO: unknown \? {2}\(objective ≤ 24 h\)\n {4}unknown {2}App\/service:shop: /);
    // Only the figures that are not met are explained.
    expect(message).not.toContain('AZ RTO');
  });

  test('GIVEN a service option THEN only that service is judged, and an unknown one fails naming those there are', () => {
    expect(meets).toMeetTier({ service: 'shop' });
    expect(failureOf(() => expect(meets).toMeetTier({ service: 'cart' }))).toContain(
      'no service cart in the input; it has shop',
    );
  });

  test('GIVEN no HA record THEN it fails: there is no tier to judge', () => {
    const bare = { Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: {} } } };
    expect(failureOf(() => expect(bare).toMeetTier())).toContain(
      'toMeetTier: no service in the input carries an HA record',
    );
  });
});

describe('figure matchers', () => {
  test('GIVEN a region RTO of 96 s THEN at most 96 passes and at most 95 fails with its derivation', () => {
    expect(meets.services[0].regionRtoSeconds).toBe(96);
    expect(meets).toHaveRegionRtoAtMost(96);
    const message = failureOf(() => expect(meets).toHaveRegionRtoAtMost(95));
    expect(message).toContain(
      'expected region RTO at most 95 s for every service; for 1 of 1 it does not hold or cannot be shown:',
    );
    expect(message).toContain(
      'shop (TIER_0_MANUAL_AZ, ACTIVE_ACTIVE; stacks App, AppWest)\n  region RTO: 96 s ✓  (objective ≤ 2 min)',
    );
    expect(message).toMatch(/\n {4}\d+ s +App\/Check: /);
  });

  test('GIVEN an unproven figure THEN an at-most matcher fails however loose the bound', () => {
    expect(failureOf(() => expect(unproven).toHaveRegionRtoAtMost(1e9))).toContain('region RTO: unknown ?');
    expect(unproven).not.toHaveRegionRtoAtMost(1e9);
  });

  test('GIVEN availability and the other figures THEN each matcher reads its own figure', () => {
    const shop = meets.services[0];
    expect(meets).toHaveAvailabilityAtLeast(shop.availability!);
    expect(meets).not.toHaveAvailabilityAtLeast(Math.min(1, shop.availability! + 1e-9));
    expect(meets).toHaveAzRtoAtMost(shop.azRtoSeconds!);
    expect(meets).toHaveAzRpoAtMost(0);
    expect(meets).toHaveRegionRpoAtMost(shop.regionRpoSeconds!);
    expect(failureOf(() => expect(meets).toHaveAvailabilityAtLeast(1))).toContain('availability at least 100%');
  });

  test.each([
    ['toHaveRegionRtoAtMost', -1, 'toHaveRegionRtoAtMost: expected seconds, a finite number of at least 0, got -1'],
    [
      'toHaveRegionRtoAtMost',
      Number.NaN,
      'toHaveRegionRtoAtMost: expected seconds, a finite number of at least 0, got null',
    ],
    [
      'toHaveAvailabilityAtLeast',
      99.99,
      'toHaveAvailabilityAtLeast: expected a ratio in (0, 1], e.g. 0.9995, got 99.99',
    ],
  ] as const)('GIVEN %s(%p) THEN it throws HaValidationError naming the allowed values', (name, limit, message) => {
    let error: unknown;
    try {
      haMatchers[name](meets, limit);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HaValidationError);
    expect((error as Error).message).toBe(message);
  });
});

describe('on apps as users build them', () => {
  test('GIVEN a TIER_1 CDK network in one region THEN the app fails its tier and has HA-RES1 findings', () => {
    const app = testApp();
    const stack = new Stack(app, 'Checkout', { env: { region: 'us-east-1' } });
    new MultiAzNetwork(stack, 'Network', {
      tier: ServiceTier.TIER_1,
      service: 'checkout',
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
    // One synthesis for all the matchers on the same app.
    expect(reportOf(app)).toBe(reportOf(app));
    expect(failureOf(() => expect(app).toMeetTier())).toMatch(
      /checkout \(TIER_1, WARM_STANDBY; stacks Checkout\): objectives met: no\n {2}region RTO: /,
    );
    expect(failureOf(() => expect(app).toHaveNoHaFindings())).toMatch(
      /\n {2}error HA-RES1 Checkout\/service:checkout: /,
    );
    // A stack is judged on its own: the same service, the same verdict.
    expect(stack).not.toMeetTier();
  });

  test('GIVEN a TIER_1 Terraform network THEN a cdktf stack and its app are judged alike, HA records read', () => {
    const app: TfApp = Testing.app();
    const stack = new TerraformStack(app, 'catalog');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new TfMultiAzNetwork(stack, 'Network', {
      tier: ServiceTier.TIER_1,
      service: 'catalog',
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
    const [service] = reportOf(stack).services;
    expect(service).toMatchObject({ service: 'catalog', tier: 'TIER_1', regions: ['us-east-1'] });
    expect(app).not.toMeetTier({ service: 'catalog' });
    expect(failureOf(() => expect(stack).toHaveNoHaFindings())).toContain('error HA-RES1 catalog/service:catalog');
  });
});
