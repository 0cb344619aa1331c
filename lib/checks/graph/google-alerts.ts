import { FailoverAlertConditionIntent, FailoverAlertIntent } from '../../core';
import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { block, blocks, isUnresolved, list, num, str } from './values';

/*
 * The Cloud Monitoring alerts that start Google runbooks, as the templates show them: Eventarc
 * triggers on a Pub/Sub topic start the workflows, and the alert policies that notify a `pubsub`
 * channel of that topic open the incidents. Both the rules and the report read them.
 */

/** The Eventarc triggers that start `workflows`, and the alert policies whose incidents reach them. */
export interface GoogleAlertStart {
  readonly triggers: GraphResource[];
  /** The literal topics the triggers listen on (a topic given as a reference is matched by resource). */
  readonly topics: string[];
  readonly policies: GraphResource[];
}

/** What starts `workflows` on an alert: their Eventarc triggers, their topics, the policies that notify them. */
export function googleAlertStart(graph: ResourceGraph, workflows: readonly GraphResource[]): GoogleAlertStart {
  const triggers = [...new Set(workflows.flatMap((w) => graph.referrersOf(w, 'google_eventarc_trigger')))];
  const topics = triggers
    .map((t) => str(block(block(t.properties.transport)?.pubsub)?.topic))
    .filter((t): t is string => t !== undefined);
  const topicResources = triggers.flatMap((t) => graph.referencedBy(t, 'google_pubsub_topic'));
  const channels = graph.ofType('google_monitoring_notification_channel').filter((c) => {
    const topic = str(block(c.properties.labels)?.topic);
    return (
      str(c.properties.type) === 'pubsub' &&
      ((topic !== undefined && topics.includes(topic)) ||
        graph.referencedBy(c, 'google_pubsub_topic').some((t) => topicResources.includes(t)))
    );
  });
  const policies = [...new Set(channels.flatMap((c) => graph.referrersOf(c, 'google_monitoring_alert_policy')))];
  return { triggers, topics, policies };
}

/**
 * An alert policy in core's terms, for `failoverAlertEvidence`. A condition's filter is read even
 * where it embeds a reference (the check's id): its metric type stays literal. The checker regions
 * are those of the one uptime check the condition refers to, where there is one.
 */
export function failoverAlertIntentOf(graph: ResourceGraph, policy: GraphResource): FailoverAlertIntent {
  const checks = graph.referencedBy(policy, 'google_monitoring_uptime_check_config');
  const regions =
    checks.length === 1 && !isUnresolved(checks[0].properties.selected_regions)
      ? list(checks[0].properties.selected_regions).filter((r): r is string => typeof r === 'string')
      : undefined;
  return {
    name: str(policy.properties.display_name) ?? policy.address,
    combiner: str(policy.properties.combiner),
    conditions: blocks(policy.properties.conditions).map((c): FailoverAlertConditionIntent => {
      const threshold = block(c.condition_threshold);
      const body = threshold ?? block(c.condition_absent);
      if (!body) {
        return { kind: 'query' };
      }
      const reduced = blocks(body.aggregations).find((a) => a.cross_series_reducer !== undefined);
      return {
        kind: threshold ? 'threshold' : 'absent',
        filter: typeof body.filter === 'string' ? body.filter : undefined,
        comparison: threshold ? str(threshold.comparison) : undefined,
        thresholdValue: threshold ? num(threshold.threshold_value) : undefined,
        crossSeriesReducer: str(reduced?.cross_series_reducer),
        groupByFields: reduced ? list(reduced.group_by_fields).filter((f): f is string => typeof f === 'string') : [],
        checkerRegions: regions,
      };
    }),
  };
}
