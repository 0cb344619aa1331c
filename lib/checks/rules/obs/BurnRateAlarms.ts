import { burnRateAlerts } from '../../../core';
import { ResourceGraph } from '../../graph/graph';
import { GraphResource } from '../../graph/model';
import { blocks, list } from '../../graph/values';
import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { isServingStack } from '../serving';
import { tierOfRecord } from '../support';

const TYPES = [
  'AWS::CloudWatch::CompositeAlarm',
  'AWS::CloudWatch::Alarm',
  'aws_cloudwatch_composite_alarm',
  'aws_cloudwatch_metric_alarm',
  'google_monitoring_alert_policy',
];

/**
 * Whether an alarm is a multiwindow burn-rate alert with an action: a composite alarm that ANDs
 * two alarms (long and short window), or a Google alert policy on `select_slo_burn_rate`.
 */
export function isBurnRatePage(graph: ResourceGraph, alarm: GraphResource): boolean {
  const p = alarm.properties;
  switch (alarm.type) {
    case 'AWS::CloudWatch::CompositeAlarm':
    case 'aws_cloudwatch_composite_alarm':
      return isTwoWindowRule(JSON.stringify(p.AlarmRule ?? p.alarm_rule ?? '')) && notifies(graph, alarm, 0);
    case 'google_monitoring_alert_policy':
      return (
        JSON.stringify(blocks(p.conditions)).includes('select_slo_burn_rate') &&
        list(p.notification_channels).length > 0
      );
    default:
      return false;
  }
}

/**
 * Whether a composite's rule is two alarms joined by AND and nothing else: a long and a short window.
 * A rule with NOT or OR, or more alarms, is another kind of composite (a zone-impaired alarm, a page of pages).
 */
function isTwoWindowRule(rule: string): boolean {
  return /\bAND\b/.test(rule) && !/\b(NOT|OR)\b/.test(rule) && rule.split('ALARM(').length - 1 === 2;
}

/** Whether a composite alarm has actions, or feeds (through composites) one that has. */
function notifies(graph: ResourceGraph, alarm: GraphResource, depth: number): boolean {
  if (list(alarm.properties.AlarmActions ?? alarm.properties.alarm_actions).length > 0) {
    return true;
  }
  return (
    depth < 5 &&
    graph
      .referrersOf(alarm, 'AWS::CloudWatch::CompositeAlarm', 'aws_cloudwatch_composite_alarm')
      .some((parent) => notifies(graph, parent, depth + 1))
  );
}

/** HA-OBS1: every serving stack of a service pages on its SLO burn rate. */
export const BurnRateAlarms: HaRule = {
  id: 'HA-OBS1',
  level: 'error',
  category: 'operations',
  needsTier: true,
  info: "Each stack that serves a service has at least the SRE workbook's paging burn-rate alerts (2: 14.4× over 1 h and 5 min, 6× over 6 h and 30 min), each a composite (long AND short window) with an action of its own or through a composite it feeds.",
  explanation:
    'Availability is only as good as the time to notice its loss: multiwindow burn-rate alerts page on fast budget burns within minutes and reset soon after, without paging on noise.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.services.serviceStacks.filter(isServingStack).map((stack) => {
      const tier = tierOfRecord(stack.record);
      const needed = burnRateAlerts(tier.availabilityTarget).filter((a) => a.severity === 'page').length;
      const found = stack.resources.filter((r) => isBurnRatePage(context.graph, r)).length;
      return serviceOutcome(
        stack.stack,
        stack.service,
        found >= needed
          ? undefined
          : `service ${stack.service} has ${found} burn-rate page alert(s) in ${stack.stack}; it needs ${needed} (long AND short window composites with an action, for the ${tier.availabilityTarget} SLO): add an SLO alarm set`,
      );
    });
  },
};
