import { num } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

const TYPES = ['AWS::Logs::LogGroup', 'aws_cloudwatch_log_group', 'google_logging_project_bucket_config'];

/** HA-LOG1: log groups state a retention, as long as the tier's. */
export const LogRetention: HaRule = {
  id: 'HA-LOG1',
  level: 'error',
  category: 'operations',
  info: "Log groups set a retention (Terraform: retention_in_days > 0), at least tier.logRetentionDays for a service's logs.",
  explanation:
    "Logs kept forever are a cost and a liability nobody decided on; logs kept shorter than the tier's window are gone before the post-incident review that needs them.",
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).map((group) => {
      const p = group.properties;
      const days = num(p.RetentionInDays ?? p.retention_in_days ?? p.retention_days);
      if (days === undefined || days <= 0) {
        return outcome(
          group,
          `${group.address} has no retention: set ${group.engine === 'cloudformation' ? 'RetentionInDays' : group.type === 'google_logging_project_bucket_config' ? 'retention_days' : 'retention_in_days'}`,
        );
      }
      const tier = tierOf(context, group);
      return outcome(
        group,
        !tier || days >= tier.logRetentionDays
          ? undefined
          : `${group.address} keeps logs ${days} days; ${tier.name} needs ${tier.logRetentionDays}`,
      );
    });
  },
};
