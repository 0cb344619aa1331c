import { PlanProblem, PlanWarning } from '../errors';
import { ServiceTier } from '../tier';

/**
 * The plan of who the alerts of a service reach: what the Google engine's `PagingChannels` renders
 * (Cloud Monitoring notification channels), and what HA-OBS5 checks in any template.
 */

/** How a notification channel reaches someone. */
export type PagingChannelKind = 'email' | 'pubsub' | 'webhook' | 'pagerduty' | 'other';

/**
 * Whether a tier's pages must reach someone by more than email: the tiers that must stay statically
 * stable through a zone loss (AZ RTO at most 120 s: TIER_0 and TIER_1) cannot wait for someone to
 * read a mailbox, and an email relay is one more system between the alert and the responder.
 */
export function pagesBeyondEmail(tier: ServiceTier): boolean {
  return tier.staticallyStable;
}

/** The channels as the props describe them. */
export interface PagingIntent {
  /** Addresses that get an email channel each. */
  readonly emailCount: number;
  /** Whether a Pub/Sub channel (a topic an incident tool or a bridge subscribes to) is created. */
  readonly pubsub: boolean;
  /** Webhook URLs (undefined entries: tokens). */
  readonly webhookUrls: readonly (string | undefined)[];
  /** Whether a PagerDuty channel is created. */
  readonly pagerDuty: boolean;
  /** Channels created elsewhere, whose kind the engine cannot see. */
  readonly existingChannelCount: number;
}

/** What the engine renders. */
export interface PagingPlan {
  /** The kinds of channel created, in the order the engine creates them. */
  readonly kinds: readonly PagingChannelKind[];
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/**
 * Plans the notification channels of a service's alerts.
 *
 * At least one channel (an alert nobody receives does not exist). Webhooks are HTTPS. A tier whose
 * pages must go beyond email (`pagesBeyondEmail`) needs a channel that is not email among those
 * created here, or channels created elsewhere (then only a warning: their kind cannot be seen).
 *
 * Pub/Sub alone pages nobody by itself (a subscriber must): a warning.
 *
 * Example: TIER_1 with one address and nothing else: a problem (email only for a tier that pages);
 * with the Pub/Sub channel too: email, then Pub/Sub, no problem.
 */
export function planPaging(tier: ServiceTier, intent: PagingIntent): PagingPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const kinds: PagingChannelKind[] = [
    ...Array<PagingChannelKind>(intent.emailCount).fill('email'),
    ...(intent.pubsub ? (['pubsub'] as const) : []),
    ...intent.webhookUrls.map((): PagingChannelKind => 'webhook'),
    ...(intent.pagerDuty ? (['pagerduty'] as const) : []),
  ];
  const insecure = intent.webhookUrls.filter((u): u is string => u !== undefined && !u.startsWith('https://'));
  if (insecure.length > 0) {
    problems.push({
      prop: 'webhookUrls',
      message: `webhookUrls must be HTTPS endpoints (https://...), got: ${insecure.join(', ')}`,
    });
  }
  if (kinds.length + intent.existingChannelCount === 0) {
    problems.push({
      prop: 'pubsub',
      message: 'PagingChannels needs at least one channel (an alert nobody receives does not exist), got: none',
    });
  } else if (pagesBeyondEmail(tier) && kinds.every((k) => k === 'email')) {
    if (intent.existingChannelCount === 0) {
      problems.push({
        prop: 'pubsub',
        message:
          `${tier.name} pages must reach someone by more than email (its AZ RTO is ${tier.azRtoSeconds} s): ` +
          'keep pubsub, or add webhookUrls or pagerDuty, got: email only',
      });
    } else {
      warnings.push({
        id: 'existingChannelIds',
        message:
          `${tier.name} pages must reach someone by more than email, and only email channels are created here: ` +
          'the channels of existingChannelIds must include one that is not email (their kind cannot be checked)',
      });
    }
  }
  if (kinds.length > 0 && kinds.every((k) => k === 'pubsub') && intent.existingChannelCount === 0) {
    warnings.push({
      id: 'pubsub',
      message:
        'alerts reach Pub/Sub topics only: nobody is paged until an incident tool subscribes to them (in each ' +
        'region), and nothing in this stack shows that it does; add emails as a record, or pagerDuty',
    });
  }
  return { kinds, problems, warnings };
}
