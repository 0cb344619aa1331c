import * as fc from 'fast-check';
import { ServiceTier } from '../../../lib/core';
import { pagesBeyondEmail, PagingIntent, planPaging } from '../../../lib/core/plans/paging';

const NONE: PagingIntent = { emailCount: 0, pubsub: false, webhookUrls: [], pagerDuty: false, existingChannelCount: 0 };

describe('planPaging by table', () => {
  test('TIER_1 with an address and Pub/Sub: email first, then Pub/Sub, no problem', () => {
    expect(planPaging(ServiceTier.TIER_1, { ...NONE, emailCount: 1, pubsub: true })).toEqual({
      kinds: ['email', 'pubsub'],
      problems: [],
      warnings: [],
    });
  });

  test.each([
    [ServiceTier.TIER_0, { emailCount: 2 }, 'TIER_0 pages must reach someone by more than email'],
    [ServiceTier.TIER_3, {}, 'needs at least one channel'],
    [ServiceTier.TIER_3, { webhookUrls: ['http://x.example.com'] }, 'webhookUrls must be HTTPS endpoints'],
  ])('%s WHEN %j THEN a problem', (tier, intent, message) => {
    expect(planPaging(tier, { ...NONE, ...intent }).problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining(message) }),
    ]);
  });

  test('Pub/Sub alone: a warning that a subscriber must page someone', () => {
    expect(planPaging(ServiceTier.TIER_0, { ...NONE, pubsub: true }).warnings.map((w) => w.id)).toEqual(['pubsub']);
  });

  test('TIER_1 with email only and channels made elsewhere: a warning, their kind unseen', () => {
    const plan = planPaging(ServiceTier.TIER_1, { ...NONE, emailCount: 1, existingChannelCount: 1 });
    expect(plan.problems).toEqual([]);
    expect(plan.warnings.map((w) => w.id)).toEqual(['existingChannelIds']);
  });
});

describe('planPaging by property', () => {
  test('THEN email only is refused exactly for the tiers whose pages go beyond email', () => {
    const tiers = [ServiceTier.TIER_0, ServiceTier.TIER_1, ServiceTier.TIER_2, ServiceTier.TIER_3];
    fc.assert(
      fc.property(fc.constantFrom(...tiers), fc.integer({ min: 1, max: 5 }), (tier, emails) => {
        const { problems } = planPaging(tier, { ...NONE, emailCount: emails });
        expect(problems.length > 0).toBe(pagesBeyondEmail(tier));
        expect(planPaging(tier, { ...NONE, emailCount: emails, pagerDuty: true }).problems).toEqual([]);
      }),
    );
  });
});
