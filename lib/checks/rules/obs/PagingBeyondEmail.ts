import { pagesBeyondEmail } from '../../../core/plans/paging';
import { str, strings } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { tierOf } from '../support';

const POLICY = 'google_monitoring_alert_policy';
const CHANNEL = 'google_monitoring_notification_channel';

/** HA-OBS5: the pages of a TIER_0 or TIER_1 service reach someone by more than email. */
export const PagingBeyondEmail: HaRule = {
  id: 'HA-OBS5',
  level: 'error',
  category: 'operations',
  needsTier: true,
  info:
    'Critical alert policies of a TIER_0 or TIER_1 service notify at least one channel that is not email ' +
    '(Pub/Sub, webhook, PagerDuty, ...).',
  explanation:
    'A tier that must recover a zone within two minutes cannot wait for someone to read a mailbox; an email ' +
    'relay is one more system between the alert and the responder.',
  resourceTypes: [POLICY, CHANNEL],
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(POLICY).flatMap((policy): Evaluation[] => {
      const tier = tierOf(context, policy);
      if (!tier || !pagesBeyondEmail(tier) || str(policy.properties.severity) !== 'CRITICAL') {
        return [];
      }
      const referenced = strings(policy.properties.notification_channels);
      if (referenced.length === 0) {
        return []; // HA-OBS2's finding: it notifies nobody.
      }
      const channels = context.graph.referencedBy(policy, CHANNEL);
      if (channels.some((c) => str(c.properties.type) !== 'email')) {
        return [outcome(policy, undefined)];
      }
      if (referenced.length > channels.length) {
        return [undecided(policy, 'some of its notification_channels are not in the templates: their kind is unknown')];
      }
      return [
        outcome(
          policy,
          `${policy.address} pages ${tier.name} by email only: add a channel that is not email to ` +
            'notification_channels (PagingChannels: Pub/Sub, webhook, PagerDuty)',
        ),
      ];
    });
  },
};
