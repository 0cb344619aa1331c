import {
  alarmTopics,
  failoverRunbooks,
  runbookPageTopics,
  subscriptionsOf,
  triggerAlarmsOf,
  witnessAlarmOf,
} from '../../graph/page-topics';
import { GraphResource } from '../../graph/model';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';

/**
 * HA-OBS6: the pages of a region failover reach someone: every SNS topic that a failover runbook
 * pages (the witness step's page topic) or that a failover alarm notifies (an alarm whose change
 * to ALARM starts a runbook, or the witness a promotion reads) has a subscription.
 *
 * | topic published to by                             | subscriptions in the templates            | finding     |
 * |---------------------------------------------------|-------------------------------------------|-------------|
 * | a promotion's witness step (its page topic)       | an `AWS::SNS::Subscription` or inline one | none        |
 * | a promotion's witness step (its page topic)       | none                                      | error       |
 * | the alarm that starts a failover runbook          | an `aws_sns_topic_subscription`           | none        |
 * | the alarm that starts a failover runbook          | none                                      | error       |
 * | the witness alarm a promotion reads               | none                                      | error       |
 * | a promotion's witness step                        | its page topic not in the templates       | undecided   |
 * | any other alarm (no runbook starts on it)         | not read                                  | none        |
 */
export const FailoverPagesSubscribed: HaRule = {
  id: 'HA-OBS6',
  level: 'error',
  category: 'operations',
  info:
    'SNS topics that a region-failover runbook pages (the page topic of a promotion waiting for a witness) or that ' +
    'a failover alarm notifies (an alarm whose change to ALARM starts a failover runbook, or the witness alarm a ' +
    'promotion reads) have a subscription in the templates (an `AWS::SNS::Subscription`, a topic `Subscription`, ' +
    'an `aws_sns_topic_subscription`).',
  explanation:
    'SNS delivers a message only to subscribers. When the witness of an automatic promotion does not agree in time ' +
    'the runbook stops and pages: to an unsubscribed topic, nothing is promoted and nobody is told, and the ' +
    'EventBridge rule does not fire again while the trigger stays in ALARM. Whether a subscription is confirmed ' +
    '(email and HTTPS endpoints must confirm it) is not in the templates: a drill that pages shows it.',
  resourceTypes: ['AWS::SNS::Topic', 'aws_sns_topic', 'AWS::SSM::Document', 'aws_ssm_document'],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    const publishers = new Map<GraphResource, string[]>();
    const publishes = (topic: GraphResource, who: string) =>
      publishers.set(topic, [...(publishers.get(topic) ?? []), who]);
    const evaluations: Evaluation[] = [];
    for (const runbook of failoverRunbooks(graph)) {
      if (runbook.failoverStep!.witness) {
        const topics = runbookPageTopics(graph, runbook);
        if (topics.length === 0) {
          evaluations.push(
            undecided(
              runbook,
              'the topic its witness step pages is not in the analysed templates: whether anyone subscribes is not known',
            ),
          );
        }
        topics.forEach((topic) =>
          publishes(topic, `the runbook ${runbook.address} pages it when its witness disagrees`),
        );
        const witness = witnessAlarmOf(graph, runbook);
        if (witness) {
          alarmTopics(graph, witness).forEach((topic) =>
            publishes(topic, `the witness alarm ${witness.address} notifies it`),
          );
        }
      }
      for (const alarm of triggerAlarmsOf(graph, runbook)) {
        alarmTopics(graph, alarm).forEach((topic) =>
          publishes(topic, `the alarm ${alarm.address}, which starts ${runbook.address}, notifies it`),
        );
      }
    }
    for (const [topic, who] of publishers) {
      evaluations.push(
        outcome(
          topic,
          subscriptionsOf(graph, topic) > 0
            ? undefined
            : `${topic.address} has no subscription, yet ${[...new Set(who)].join('; ')}: SNS delivers to ` +
                'subscribers only, so that page reaches nobody; subscribe the on-call (an HTTPS endpoint of the ' +
                'incident tool, or email as a record), or acknowledge with where it is subscribed',
        ),
      );
    }
    return evaluations;
  },
};
