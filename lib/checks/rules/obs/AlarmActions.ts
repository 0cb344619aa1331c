import { bool, isUnresolved, list, shown } from '../../graph/values';
import { inWords } from '../support';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';

const TYPES = [
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'aws_cloudwatch_metric_alarm',
  'aws_cloudwatch_composite_alarm',
  'google_monitoring_alert_policy',
];
const COMPOSITES = ['AWS::CloudWatch::CompositeAlarm', 'aws_cloudwatch_composite_alarm'];

/** HA-OBS2: every alarm reaches someone. */
export const AlarmActions: HaRule = {
  id: 'HA-OBS2',
  level: 'error',
  category: 'operations',
  info: 'Alarms and alert policies have an enabled action (or are inputs of a composite alarm that has one).',
  explanation:
    'An alarm without an action changes colour on a dashboard nobody watches during the incident it was built for.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).map((alarm) => {
      const p = alarm.properties;
      if (alarm.type === 'google_monitoring_alert_policy') {
        return outcome(
          alarm,
          list(p.notification_channels).length > 0 && bool(p.enabled) !== false
            ? undefined
            : `${alarm.address} notifies nobody: add notification_channels`,
        );
      }
      if (context.graph.referrersOf(alarm, ...COMPOSITES).length > 0) {
        return outcome(alarm, undefined);
      }
      const enabled = bool(p.ActionsEnabled ?? p.actions_enabled) !== false;
      const actions = p.AlarmActions ?? p.alarm_actions;
      if (enabled && !Array.isArray(actions) && isUnresolved(actions)) {
        return undecided(alarm, `its actions are ${shown(actions)}, which the input does not resolve`);
      }
      return outcome(
        alarm,
        enabled && list(p.AlarmActions ?? p.alarm_actions).length > 0
          ? undefined
          : `${alarm.address} has no enabled alarm action: ${inWords(alarm, {
              cdk: "send it to an SNS topic (alarm.addAlarmAction, or this library's alarmTopic)",
              cloudFormation: 'add an SNS topic ARN to AlarmActions',
              terraform: 'add an SNS topic ARN to alarm_actions',
            })}, or compose it into an alarm that has one`,
      );
    });
  },
};
