import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { list, str } from './values';

/**
 * Who a failover's pages reach: the SNS topics that region-failover runbooks (a failover-step
 * record on the document) and the alarms of a failover (those whose state change starts a runbook,
 * and the witnesses the runbooks read) publish to, and the subscriptions those topics have in the
 * analysed templates. A topic with none pages nobody: SNS delivers a message only to subscribers.
 */

export const TOPIC_TYPES = ['AWS::SNS::Topic', 'aws_sns_topic'];
export const SUBSCRIPTION_TYPES = ['AWS::SNS::Subscription', 'aws_sns_topic_subscription'];
export const FAILOVER_ALARM_TYPES = [
  'AWS::CloudWatch::Alarm',
  'aws_cloudwatch_metric_alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'aws_cloudwatch_composite_alarm',
];
const RULE_TYPES = ['AWS::Events::Rule', 'aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target'];

/** The runbooks that perform a region-failover step. */
export function failoverRunbooks(graph: ResourceGraph): GraphResource[] {
  return graph.ofType('AWS::SSM::Document', 'aws_ssm_document').filter((r) => r.failoverStep !== undefined);
}

/** The topics a runbook names (the witness step's page topic), in the analysed templates. */
export function runbookPageTopics(graph: ResourceGraph, runbook: GraphResource): GraphResource[] {
  return graph.referencedBy(runbook, ...TOPIC_TYPES);
}

/** The alarms whose change to ALARM starts `runbook`, read through the EventBridge rules (and targets) that start it. */
export function triggerAlarmsOf(graph: ResourceGraph, runbook: GraphResource): GraphResource[] {
  const rules = graph.referrersOf(runbook, ...RULE_TYPES);
  const all = [...rules, ...rules.flatMap((r) => graph.referencedBy(r, ...RULE_TYPES))];
  return [...new Set(all.flatMap((r) => graph.referencedBy(r, ...FAILOVER_ALARM_TYPES)))];
}

/** The witness alarm a promotion runbook's record names, when it is in the analysed templates. */
export function witnessAlarmOf(graph: ResourceGraph, runbook: GraphResource): GraphResource | undefined {
  const witness = runbook.failoverStep?.witness;
  return witness
    ? graph
        .ofType(...FAILOVER_ALARM_TYPES)
        .find(
          (a) =>
            a.region === witness.region && str(a.properties.AlarmName ?? a.properties.alarm_name) === witness.alarmName,
        )
    : undefined;
}

/** The topics an alarm notifies when it goes into ALARM. */
export function alarmTopics(graph: ResourceGraph, alarm: GraphResource): GraphResource[] {
  const actions = list(alarm.properties.AlarmActions ?? alarm.properties.alarm_actions);
  const topics = graph.referencedBy(alarm, ...TOPIC_TYPES);
  // An alarm also refers to topics in its OK actions: keep those its ALARM actions name.
  return topics.filter((topic) => actions.some((action) => refersTo(action, topic)));
}

/** Whether an action (`{ Ref }`, `${aws_sns_topic.x.arn}`) names `topic`. */
function refersTo(action: unknown, topic: GraphResource): boolean {
  const text = JSON.stringify(action);
  const id = topic.address;
  return text.includes(`"${id}"`) || text.includes(`${id}.`);
}

/** Subscriptions of a topic in the analysed templates: its own `Subscription` list and subscription resources. */
export function subscriptionsOf(graph: ResourceGraph, topic: GraphResource): number {
  return list(topic.properties.Subscription).length + graph.referrersOf(topic, ...SUBSCRIPTION_TYPES).length;
}
