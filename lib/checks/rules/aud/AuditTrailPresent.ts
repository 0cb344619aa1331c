import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { tierOfRecord } from '../support';

/** HA-AUD2: critical AWS services are deployed with an audit trail in the analysed app. */
export const AuditTrailPresent: HaRule = {
  id: 'HA-AUD2',
  level: 'warning',
  category: 'security-hygiene',
  needsTier: true,
  info: 'When a TIER_0 or TIER_1 service runs on AWS, some stack of the app defines a CloudTrail trail.',
  explanation:
    'A warning, not an error: an organization trail defined outside the app also satisfies it, and the templates cannot show that.',
  resourceTypes: ['AWS::CloudTrail::Trail', 'aws_cloudtrail'],
  evaluate(context: RuleContext): Evaluation[] {
    const hasTrail = context.graph.ofType('AWS::CloudTrail::Trail', 'aws_cloudtrail').length > 0;
    return context.services.services().flatMap((service) => {
      const stacks = context.services.stacksOf(service);
      const tier = tierOfRecord(stacks[0].record);
      if (!tier.staticallyStable || !stacks.some((s) => s.resources.some((r) => r.cloud === 'aws'))) {
        return [];
      }
      return [
        serviceOutcome(
          stacks[0].stack,
          service,
          hasTrail
            ? undefined
            : `service ${service} (${tier.name}) runs in an app with no CloudTrail trail: add an audit trail (or acknowledge this if an organization trail covers the account)`,
        ),
      ];
    });
  },
};
